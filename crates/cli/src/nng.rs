//! `noiselab run|fields nng`: full NNG, noisy Adam and noisy K-FAC on one Bayesian linear
//! regression (SCIENCE.md §6), per-step KL to the exact posterior as CSV, or everything as JSON.

use noiselab_core::experiment::Experiment;
use noiselab_core::nng::{NngConfig, NngRun, NNG_FIELDS, NNG_HISTORY_FIELDS};
use serde_json::json;
use std::path::Path;

fn write(out: &Path, text: &str) -> Result<(), String> {
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

pub fn print_fields() {
    crate::print_fields(&NNG_FIELDS);
}

pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = NngConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let mut run = NngRun::new(config.clone());
    let outcome = run.run(usize::MAX);
    let snap = run.snapshot();
    let k = NNG_HISTORY_FIELDS.len();
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let settings: serde_json::Map<String, serde_json::Value> = config
                .to_settings()
                .into_iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                .collect();
            let rows: Vec<&[f64]> = run.history().chunks(k).collect();
            let doc = json!({
                "experiment": "nng",
                "settings": settings,
                "snapshot": snap,
                "fixedPoints": run.fixed_points(),
                "data": run.data(),
                "historyFields": NNG_HISTORY_FIELDS,
                "history": rows,
                "ellipsesLayout": "2σ ellipses over weights 1 and 2: target, full, noisy Adam, noisy K-FAC; 96 points (x, y) each",
                "ellipses": run.ellipses(0, 1, 2.0, 96),
            });
            write(
                out,
                &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
            )?;
        }
        Some("csv") => {
            let mut w = csv::Writer::from_path(out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            w.write_record(NNG_HISTORY_FIELDS)
                .map_err(|e| e.to_string())?;
            for row in run.history().chunks(k) {
                w.write_record(row.iter().map(|v| format!("{v}")))
                    .map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())?;
        }
        _ => {
            return Err(format!(
                "--out must end in .json or .csv, got {}",
                out.display()
            ))
        }
    }
    let kl = |i: usize| snap.methods[i].kl;
    println!(
        "nng: {} steps ({}), KL(q‖posterior) full {:.4}, noisy Adam {:.4} (mean-field optimum {:.4}), noisy K-FAC {:.4} (fixed point {:.4}) nats -> {}",
        run.steps_done(),
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        kl(0),
        kl(1),
        snap.kl_mean_field,
        kl(2),
        snap.kl_kfac_fixed_point,
        out.display()
    );
    Ok(())
}
