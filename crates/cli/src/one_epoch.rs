//! `noiselab run|fields one-epoch`: the exact mean SGD epoch iterate against the flows on J,
//! J + R and a wrong R along a ladder of learning rates (Smith et al. 2021; SCIENCE.md §10), as
//! CSV (one row per α) or JSON (the whole result with the slopes).

use noiselab_core::implicit_reg::one_epoch::{compute, OneEpochConfig, ONE_EPOCH_FIELDS};
use serde_json::json;
use std::path::Path;

/// The CSV columns (the variant column is empty for `variant=none`).
pub const COLUMNS: [&str; 5] = [
    "learningRate",
    "gapFlowJ",
    "gapFlowJR",
    "gapFlowVariant",
    "displacement",
];

pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config =
        OneEpochConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| format!("invalid settings: {e}"))?;
    let format = out.extension().and_then(|e| e.to_str());
    if !matches!(format, Some("json") | Some("csv")) {
        return Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        ));
    }
    let r = compute(&config);
    let write_err = |e: String| format!("cannot write {}: {e}", out.display());
    if format == Some("json") {
        let settings: serde_json::Map<String, serde_json::Value> = config
            .to_settings()
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        let doc = json!({ "experiment": "one-epoch", "settings": settings, "result": r });
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(out, text).map_err(|e| write_err(e.to_string()))?;
    } else {
        let mut w = csv::Writer::from_path(out).map_err(|e| write_err(e.to_string()))?;
        w.write_record(COLUMNS).map_err(|e| e.to_string())?;
        for (i, alpha) in r.learning_rates.iter().enumerate() {
            let variant = r
                .flow_variant
                .as_ref()
                .map(|v| format!("{}", v.gaps[i]))
                .unwrap_or_default();
            w.write_record([
                format!("{alpha}"),
                format!("{}", r.flow_j.gaps[i]),
                format!("{}", r.flow_jr.gaps[i]),
                variant,
                format!("{}", r.displacement[i]),
            ])
            .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    let slope = |s: Option<f64>| s.map_or("—".to_string(), |v| format!("{v:.3}"));
    println!(
        "one-epoch: {} learning rates, {} orderings each; slope J {}, J + R {} -> {}",
        r.learning_rates.len(),
        r.orderings,
        slope(r.flow_j.slope),
        slope(r.flow_jr.slope),
        out.display()
    );
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&ONE_EPOCH_FIELDS);
}
