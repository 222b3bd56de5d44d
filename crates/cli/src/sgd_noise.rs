//! `noiselab run sgld|sgd-ou` and `noiselab fields sgld|sgd-ou` (SCIENCE.md §7, §8).

use noiselab_core::experiment::Experiment;
use noiselab_core::sgd_noise::{
    SgdOu, SgdOuConfig, Sgld, SgldConfig, SGD_OU_FIELDS, SGD_OU_HISTORY_FIELDS, SGLD_FIELDS,
    SGLD_HISTORY_FIELDS,
};
use serde_json::json;
use std::path::Path;

fn pairs(settings: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

fn settings_json(s: Vec<(&'static str, String)>) -> serde_json::Map<String, serde_json::Value> {
    s.into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect()
}

/// Write `history` (rows of `fields`) as CSV, or `doc` plus the history as JSON.
fn write_out(
    out: &Path,
    fields: &[&str],
    history: &[f64],
    mut doc: serde_json::Value,
) -> Result<(), String> {
    let k = fields.len();
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let rows: Vec<&[f64]> = history.chunks(k).collect();
            doc["historyFields"] = json!(fields);
            doc["history"] = json!(rows);
            std::fs::write(
                out,
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("cannot write {}: {e}", out.display()))
        }
        Some("csv") => {
            let mut w = csv::Writer::from_path(out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            w.write_record(fields).map_err(|e| e.to_string())?;
            for row in history.chunks(k) {
                w.write_record(row.iter().map(|v| format!("{v}")))
                    .map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        )),
    }
}

fn fmt4(m: Option<[f64; 4]>) -> String {
    m.map_or("none (unstable)".into(), |m| {
        format!("[{:.5}, {:.5}; {:.5}, {:.5}]", m[0], m[1], m[2], m[3])
    })
}

/// `run sgd-ou`: M chains to the end; JSON adds the theory (continuous, discrete, posterior
/// covariances), the snapshot (empirical time average with SEs) and the α sweep.
pub fn run_ou(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = SgdOuConfig::from_settings(pairs(settings))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let mut run = SgdOu::new(config.clone());
    let outcome = run.run(usize::MAX);
    let snap = run.snapshot();
    let doc = json!({
        "experiment": "sgd-ou",
        "settings": settings_json(config.to_settings()),
        "problem": run.problem(),
        "theory": run.theory(),
        "snapshot": snap,
        "rateSweep": run.rate_sweep(60),
        "positionsLayout": "x0, y0, x1, y1, … of the M chains at the end, measured from the minimizer",
        "positions": run.positions(),
    });
    write_out(out, &SGD_OU_HISTORY_FIELDS, run.history(), doc)?;
    let t = run.theory();
    println!(
        "sgd-ou ({}): {} steps ({}){}; empirical Σ {} (tr ratio {:.4} ± {:.4}); discrete {}; continuous {}; posterior {} -> {}",
        config.method.name(),
        run.steps_done(),
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        snap.message.as_ref().map(|m| format!(" [{m}]")).unwrap_or_default(),
        fmt4(Some(snap.average_covariance)),
        snap.trace_ratio,
        snap.trace_ratio_se,
        fmt4(t.discrete),
        fmt4(t.continuous),
        fmt4(Some(t.posterior)),
        out.display()
    );
    Ok(())
}

/// `run sgld`: M chains to the end; JSON adds the exact posterior and (linear regression,
/// fixed α) the exact biased stationary covariances.
pub fn run_sgld(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config =
        SgldConfig::from_settings(pairs(settings)).map_err(|e| format!("invalid settings: {e}"))?;
    let mut run = Sgld::new(config.clone());
    let outcome = run.run(usize::MAX);
    let snap = run.snapshot();
    let doc = json!({
        "experiment": "sgld",
        "settings": settings_json(config.to_settings()),
        "reference": run.reference(),
        "snapshot": snap,
        "positionsLayout": "x0, y0, x1, y1, … of the M chains at the end",
        "positions": run.positions(),
    });
    write_out(out, &SGLD_HISTORY_FIELDS, run.history(), doc)?;
    let r = run.reference();
    println!(
        "sgld ({}, {}): {} steps ({}){}; cloud cov {}; posterior {}; exact mini-batch {} -> {}",
        config.model.name(),
        config.convention.name(),
        run.steps_done(),
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        snap.message
            .as_ref()
            .map(|m| format!(" [{m}]"))
            .unwrap_or_default(),
        fmt4(Some(snap.covariance)),
        fmt4(Some(r.posterior_covariance)),
        fmt4(r.minibatch_covariance),
        out.display()
    );
    Ok(())
}

pub fn print_fields_ou() {
    crate::print_fields(&SGD_OU_FIELDS);
}

pub fn print_fields_sgld() {
    crate::print_fields(&SGLD_FIELDS);
}
