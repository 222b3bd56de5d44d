//! `noiselab run|fields bayes-regression`: the five predictive bands on one data set.

use noiselab_core::bayes::regression::{
    RegressionConfig, RegressionRun, GRID_POINTS, METHODS, REGRESSION_FIELDS,
};
use noiselab_core::experiment::Experiment;
use serde_json::json;
use std::path::Path;

/// Column names of the CSV: `x`, then `<method>Mean`, `<method>Std` per method.
fn columns() -> Vec<String> {
    let mut c = vec!["x".to_string()];
    for m in METHODS {
        c.push(format!("{m}Mean"));
        c.push(format!("{m}Std"));
    }
    c
}

pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config =
        RegressionConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| format!("invalid settings: {e}"))?;
    let mut r = RegressionRun::new(config.clone());
    let outcome = r.run(usize::MAX);
    let snap = r.snapshot();
    let bands = r.bands();
    let g = GRID_POINTS;
    let rows: Vec<Vec<f64>> = (0..g)
        .map(|k| {
            let mut row = vec![r.grid()[k]];
            for m in 0..METHODS.len() {
                row.push(bands[m * 2 * g + k]);
                row.push(bands[m * 2 * g + g + k]);
            }
            row
        })
        .collect();
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let settings: serde_json::Map<String, serde_json::Value> = config
                .to_settings()
                .into_iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                .collect();
            let doc = json!({
                "experiment": "bayes-regression",
                "settings": settings,
                "snapshot": snap,
                "data": r.data(),
                "bandsLayout": "one row per grid x: x, then mean and predictive std sqrt(Var f + σ²) per method",
                "columns": columns(),
                "bands": rows,
            });
            let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            std::fs::write(out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        }
        Some("csv") => {
            let mut w = csv::Writer::from_path(out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            w.write_record(columns()).map_err(|e| e.to_string())?;
            for row in &rows {
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
    let b = &snap.bands;
    println!(
        "bayes-regression: {} steps ({}), η {:.4}, Laplace ln p(D) {:.3}, ELBO {:.3}; band width between/inside: MAP {:.3}/{:.3}, Laplace {:.3}/{:.3}, BBB {:.3}/{:.3}, MC dropout {:.3}/{:.3}, HMC {:.3}/{:.3} -> {}",
        r.steps_done(),
        outcome.stop.map(|s| s.describe()).unwrap_or("running"),
        snap.prior_variance,
        snap.log_evidence,
        snap.elbo.elbo,
        b[0].width_between, b[0].width_inside,
        b[1].width_between, b[1].width_inside,
        b[2].width_between, b[2].width_inside,
        b[3].width_between, b[3].width_inside,
        b[4].width_between, b[4].width_inside,
        out.display()
    );
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&REGRESSION_FIELDS);
}
