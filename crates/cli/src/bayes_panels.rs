//! `noiselab run logreg-posterior|description-length|description-length-sweep` and their
//! `fields` (SCIENCE.md §3–§4; the browser's `<noiselab-logreg-posterior>` and
//! `<noiselab-description-length>` with the same settings, seeds and numbers).

use noiselab_core::bayes::bbb_logreg::{
    sweep_grid, sweep_point, BbbLogReg, BbbLogRegConfig, BBB_LOGREG_FIELDS,
    BBB_LOGREG_HISTORY_FIELDS, SWEEP_COUNT, SWEEP_HI, SWEEP_LO,
};
use noiselab_core::bayes::logreg_panel::{analyze_panel, LogRegPanelConfig, LOGREG_PANEL_FIELDS};
use noiselab_core::experiment::Experiment;
use serde_json::json;
use std::path::Path;

fn pairs(settings: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

fn write(out: &Path, text: &str) -> Result<(), String> {
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

fn settings_json(s: Vec<(&'static str, String)>) -> serde_json::Map<String, serde_json::Value> {
    s.into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect()
}

/// Write `rows` under `header` as CSV.
fn write_csv(out: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut w =
        csv::Writer::from_path(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
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

/// One Gaussian of the comparison: name, mean, covariance (row-major), F (nats), KL to the
/// posterior (nats), KL to the prior (bits; NaN where not defined).
type ComparisonRow = (&'static str, [f64; 2], [f64; 4], f64, f64, f64);

/// The panel's numbers: JSON (summary, data, HMC samples, ellipses, predictive maps on a
/// 61×61 grid) or CSV (one row per Gaussian: Laplace, mean field, full covariance, true
/// moments).
pub fn run_logreg(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = LogRegPanelConfig::from_settings(pairs(settings))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let ext = extension(out)?;
    let a = analyze_panel(&config, config.data(), 81, 61);
    let mf = &a.mean_field;
    let full = &a.full_covariance;
    let rows: Vec<ComparisonRow> = vec![
        (
            "laplace",
            a.laplace.map,
            a.laplace.covariance,
            a.log_evidence - a.kl_to_posterior[2],
            a.kl_to_posterior[2],
            f64::NAN,
        ),
        (
            "meanField",
            mf.mean,
            mf.covariance,
            mf.elbo,
            a.kl_to_posterior[0],
            mf.kl_prior_bits,
        ),
        (
            "fullCovariance",
            full.mean,
            full.covariance,
            full.elbo,
            a.kl_to_posterior[1],
            full.kl_prior_bits,
        ),
        (
            "truePosterior",
            a.posterior_mean,
            a.posterior_covariance,
            a.log_evidence,
            0.0,
            f64::NAN,
        ),
    ];
    if ext == "json" {
        let doc = json!({
            "experiment": "logreg-posterior",
            "settings": settings_json(config.to_settings()),
            "analysis": a,
            "comparisonFields": ["name", "mean1", "mean2", "cov11", "cov12", "cov22", "elboNats", "klToPosteriorNats", "klToPriorBits"],
            "comparison": rows.iter().map(|r| json!([r.0, r.1[0], r.1[1], r.2[0], r.2[1], r.2[3], r.3, r.4, r.5])).collect::<Vec<_>>(),
        });
        write(
            out,
            &serde_json::to_string(&doc).map_err(|e| e.to_string())?,
        )?;
    } else {
        let text: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.0.to_string(),
                    r.1[0].to_string(),
                    r.1[1].to_string(),
                    r.2[0].to_string(),
                    r.2[1].to_string(),
                    r.2[3].to_string(),
                    r.3.to_string(),
                    r.4.to_string(),
                    r.5.to_string(),
                ]
            })
            .collect();
        write_csv(
            out,
            &[
                "name",
                "mean1",
                "mean2",
                "cov11",
                "cov12",
                "cov22",
                "elboNats",
                "klToPosteriorNats",
                "klToPriorBits",
            ],
            &text,
        )?;
    }
    println!(
        "logreg-posterior: N = {}, ln p(D) = {:.5} (Laplace {:.5}); KL(q‖p(w|D)) nats: mean field {:.5}, full {:.5}, Laplace {:.5}; skewness along E[w|D] {:.3}, w_MAP {:+.3} sd from the mean; HMC acceptance {:.2} -> {}",
        a.data.inputs.len(),
        a.log_evidence,
        a.laplace.log_evidence,
        a.kl_to_posterior[0],
        a.kl_to_posterior[1],
        a.kl_to_posterior[2],
        a.shape.skewness,
        a.shape.laplace_offset,
        a.hmc_acceptance,
        out.display()
    );
    Ok(())
}

/// A Bayes-by-Backprop run: JSON (settings, snapshot, history) or CSV (one row per step).
pub fn run_description_length(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = BbbLogRegConfig::from_settings(pairs(settings))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let ext = extension(out)?;
    let mut run = BbbLogReg::new(config.clone());
    let outcome = run.run(usize::MAX);
    let k = BBB_LOGREG_HISTORY_FIELDS.len();
    let snap = run.snapshot();
    if ext == "json" {
        let rows: Vec<&[f64]> = run.history().chunks(k).collect();
        let doc = json!({
            "experiment": "description-length",
            "settings": settings_json(config.to_settings()),
            "snapshot": snap,
            "historyFields": BBB_LOGREG_HISTORY_FIELDS,
            "history": rows,
        });
        write(
            out,
            &serde_json::to_string(&doc).map_err(|e| e.to_string())?,
        )?;
    } else {
        let rows: Vec<Vec<String>> = run
            .history()
            .chunks(k)
            .map(|r| r.iter().map(|v| v.to_string()).collect())
            .collect();
        write_csv(out, &BBB_LOGREG_HISTORY_FIELDS, &rows)?;
    }
    let e = snap.evaluation;
    println!(
        "description-length: {} steps ({}), ELBO {:.3}, KL {:.3} bits, train error {:.4}, test error {:.4}, McAllester {:.4}, Langford–Seeger {:.4} -> {}",
        snap.steps_done,
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        e.elbo,
        e.kl_bits,
        e.train_error,
        e.test_error,
        e.mcallester_bound,
        e.langford_seeger_bound,
        out.display()
    );
    Ok(())
}

/// The prior-variance sweep ([`SWEEP_COUNT`] values of η log-spaced on [0.001, 100], each trained to the
/// end), with progress on stderr: JSON or CSV, one row per η.
pub fn run_sweep(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = BbbLogRegConfig::from_settings(pairs(settings))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let ext = extension(out)?;
    let grid = sweep_grid(SWEEP_LO, SWEEP_HI, SWEEP_COUNT);
    let mut points = Vec::with_capacity(grid.len());
    for (i, &eta) in grid.iter().enumerate() {
        eprintln!("sweep: η = {eta:.4} ({} of {})", i + 1, grid.len());
        points.push(sweep_point(&config, eta));
    }
    let header = [
        "priorVariance",
        "elbo",
        "klNats",
        "klBits",
        "dataBits",
        "descriptionLengthBits",
        "trainError",
        "testError",
        "mcallesterBound",
        "langfordSeegerBound",
    ];
    if ext == "json" {
        let doc = json!({
            "experiment": "description-length-sweep",
            "settings": settings_json(config.to_settings()),
            "note": format!("each bound holds at confidence δ for its own η; the minimum over the {SWEEP_COUNT} values holds at {SWEEP_COUNT}δ (union bound)"),
            "points": points,
        });
        write(
            out,
            &serde_json::to_string(&doc).map_err(|e| e.to_string())?,
        )?;
    } else {
        let rows: Vec<Vec<String>> = points
            .iter()
            .map(|p| {
                let e = p.evaluation;
                [
                    p.prior_variance,
                    e.elbo,
                    e.kl_nats,
                    e.kl_bits,
                    e.data_bits,
                    e.description_length_bits,
                    e.train_error,
                    e.test_error,
                    e.mcallester_bound,
                    e.langford_seeger_bound,
                ]
                .iter()
                .map(|v| v.to_string())
                .collect()
            })
            .collect();
        write_csv(out, &header, &rows)?;
    }
    let best = points
        .iter()
        .min_by(|a, b| {
            a.evaluation
                .langford_seeger_bound
                .total_cmp(&b.evaluation.langford_seeger_bound)
        })
        .expect("a non-empty sweep");
    println!(
        "description-length-sweep: smallest Langford–Seeger bound {:.4} at η = {:.4} (test error {:.4}) -> {}",
        best.evaluation.langford_seeger_bound,
        best.prior_variance,
        best.evaluation.test_error,
        out.display()
    );
    Ok(())
}

/// The panel's field table.
pub fn print_logreg_fields() {
    crate::print_fields(&LOGREG_PANEL_FIELDS);
}

/// The description-length field table.
pub fn print_description_length_fields() {
    crate::print_fields(&BBB_LOGREG_FIELDS);
}
