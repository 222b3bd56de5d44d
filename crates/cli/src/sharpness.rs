//! `noiselab run sharpness|sharpness-rescale`, `noiselab fields sharpness` (SCIENCE.md §1).
//! The cost of λ_max is timed by `noiselab bench sharpness` (crate::bench, issue 7).

use noiselab_core::experiment::Experiment;
use noiselab_core::sharpness::rescale::rescale_report;
use noiselab_core::sharpness::{BatchSizeExperiment, SharpnessConfig, FIELDS, HISTORY_FIELDS};
use serde_json::json;
use std::path::Path;

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
