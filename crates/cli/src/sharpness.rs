//! `noiselab run sharpness|sharpness-rescale`, `noiselab fields sharpness`,
//! `noiselab bench sharpness` (SCIENCE.md §1).

use noiselab_core::data::Dataset;
use noiselab_core::experiment::Experiment;
use noiselab_core::hessian;
use noiselab_core::mlp::{Activation, Loss, Mlp};
use noiselab_core::rng::SeededRng;
use noiselab_core::sharpness::rescale::rescale_report;
use noiselab_core::sharpness::spectrum::lanczos;
use noiselab_core::sharpness::{
    BatchSizeExperiment, SharpnessConfig, FIELDS, HISTORY_FIELDS, LANCZOS_STEPS,
};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

fn config_from(settings: &[(String, String)]) -> Result<SharpnessConfig, String> {
    SharpnessConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))
}

fn settings_json(config: &SharpnessConfig) -> serde_json::Map<String, serde_json::Value> {
    config
        .to_settings()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect()
}

fn write_csv(out: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut w =
        csv::Writer::from_path(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn write_json(out: &Path, doc: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

fn extension(out: &Path) -> Result<&str, String> {
    match out.extension().and_then(|e| e.to_str()) {
        Some(e @ ("json" | "csv")) => Ok(e),
        _ => Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        )),
    }
}

/// `noiselab run sharpness`: small- and large-batch runs to the end; one row per measurement
/// (columns [`HISTORY_FIELDS`]); JSON adds the settings, the final snapshot and the loss slices.
pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = config_from(settings)?;
    let ext = extension(out)?;
    let mut e = BatchSizeExperiment::new(config.clone());
    let outcome = e.run(usize::MAX);
    let s = e.snapshot();
    let k = HISTORY_FIELDS.len();
    if ext == "json" {
        write_json(
            out,
            &json!({
                "experiment": "sharpness",
                "settings": settings_json(&config),
                "snapshot": s,
                "historyFields": HISTORY_FIELDS,
                "history": e.history().chunks(k).collect::<Vec<_>>(),
                "slice": e.slice(61),
            }),
        )?;
    } else {
        let rows: Vec<Vec<String>> = e
            .history()
            .chunks(k)
            .map(|r| r.iter().map(|v| format!("{v}")).collect())
            .collect();
        write_csv(out, &HISTORY_FIELDS, &rows)?;
    }
    println!(
        "sharpness: {}",
        outcome.stop.map(|r| r.describe()).unwrap_or("running")
    );
    for r in &s.runs {
        println!(
            "  B = {:>4} (repeat {}): {} steps, λ_max(H) {:.4}, tr H {:.3} ± {:.3}, λ_max(G) {:.4}, test loss {:.4}, test error {:.4}{}",
            r.batch_size,
            r.repeat,
            r.step,
            r.last.lambda_max,
            r.last.trace,
            r.last.trace_se,
            r.last.lambda_max_gauss_newton,
            r.last.test_loss,
            r.last.test_error,
            if r.diverged { " (diverged)" } else { "" }
        );
    }
    println!("  -> {}", out.display());
    Ok(())
}

/// `noiselab run sharpness-rescale`: Dinh et al.'s rescaling of the 2-3-1 ReLU demo net over
/// a ∈ [0.25, 10] (41 log-spaced values; `seed`, `demoNoise` from the settings).
pub fn run_rescale(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = config_from(settings)?;
    let ext = extension(out)?;
    let r = rescale_report(config.seed as u64, config.demo_noise, config.rescale, 41);
    if ext == "json" {
        write_json(
            out,
            &json!({"experiment": "sharpness-rescale", "settings": settings_json(&config), "report": r}),
        )?;
    } else {
        let header = [
            "a",
            "lambdaMax",
            "lambdaMaxGaussNewton",
            "trace",
            "loss",
            "maxOutputChange",
            "inputGradientNorm",
            "klCarriedPrior",
            "klFixedPrior",
        ];
        let rows: Vec<Vec<String>> = r
            .sweep
            .iter()
            .map(|p| {
                [
                    p.a,
                    p.lambda_max,
                    p.lambda_max_gauss_newton,
                    p.trace,
                    p.loss,
                    p.max_output_change,
                    p.input_gradient_norm,
                    p.kl_carried_prior,
                    p.kl_fixed_prior,
                ]
                .iter()
                .map(|v| format!("{v}"))
                .collect()
            })
            .collect();
        write_csv(out, &header, &rows)?;
    }
    println!(
        "sharpness-rescale: λ_max(H) from {:.4} (a = 0.25) to {:.4} (a = 10); predicted {:.4}·a² for large a, {:.4}/a² for small a; KL with the prior carried along {:.6} at every a -> {}",
        r.sweep[0].lambda_max,
        r.sweep[r.sweep.len() - 1].lambda_max,
        r.large_a_coefficient,
        r.small_a_coefficient,
        r.current.kl_carried_prior,
        out.display()
    );
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&FIELDS);
}

/// `noiselab bench sharpness`: the cost of one mean-loss Hessian–vector product and of one
/// `λ_max` (Lanczos, [`LANCZOS_STEPS`] products) for a 2-`width`-`width`-1 tanh net on
/// `points` points, against one mean-loss gradient.
pub fn bench(width: usize, points: usize) -> Result<(), String> {
    let mlp = Mlp::new(&[2, width, width, 1], Activation::Tanh, Loss::CrossEntropy);
    let mut rng = SeededRng::new(1, 0);
    let params = mlp.init(&mut rng);
    let mut data = Dataset::new(2);
    for _ in 0..points {
        data.push(
            &[rng.normal(), rng.normal()],
            (rng.uniform() < 0.5) as u8 as f64,
        );
    }
    let p = mlp.num_params();
    let v: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
    let mut out = vec![0.0; p];
    let time = |reps: usize, f: &mut dyn FnMut()| {
        f();
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        t.elapsed().as_secs_f64() / reps as f64
    };
    let grad = time(50, &mut || {
        hessian::gradient(&mlp, &params, &data, &mut out);
    });
    let hvp = time(50, &mut || {
        hessian::hvp(&mlp, &params, &data, &v, &mut out);
    });
    let mut lambda = 0.0;
    let top = time(5, &mut || {
        lambda = lanczos(p, LANCZOS_STEPS, 1, &mut SeededRng::new(2, 0), |v, o| {
            hessian::hvp(&mlp, &params, &data, v, o);
        })
        .eigenvalues[0];
    });
    println!(
        "2-{width}-{width}-1 tanh, {p} parameters, {points} points: gradient {:.3} ms, Hessian-vector product {:.3} ms ({:.2}× a gradient), λ_max by Lanczos ({LANCZOS_STEPS} products) {:.1} ms (λ_max = {lambda:.5})",
        grad * 1e3,
        hvp * 1e3,
        hvp / grad,
        top * 1e3
    );
    Ok(())
}
