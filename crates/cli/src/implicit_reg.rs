//! `noiselab run|fields implicit-reg`: Smith et al.'s sweeps (SCIENCE.md §10) as CSV or JSON
//! for figures, one row per sweep point.

use noiselab_core::experiment::Experiment;
use noiselab_core::implicit_reg::{ImplicitRegConfig, ImplicitRegSweep, FIELDS, POINT_FIELDS};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

fn config_from(settings: &[(String, String)]) -> Result<ImplicitRegConfig, String> {
    ImplicitRegConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))
}

pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = config_from(settings)?;
    let format = out.extension().and_then(|e| e.to_str());
    if !matches!(format, Some("json") | Some("csv")) {
        return Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        ));
    }
    let mut sweep = ImplicitRegSweep::new(config.clone());
    let total = sweep.specs().len();
    let t0 = Instant::now();
    while sweep.stop_reason().is_none() {
        let next = sweep.snapshot().next.expect("a point is left");
        eprint!(
            "\rimplicit-reg: point {} of {total} (α = {}, B = {})    ",
            sweep.steps_done() + 1,
            next.learning_rate,
            next.batch_size
        );
        sweep.step();
    }
    eprintln!();
    let rows = sweep.rows();
    let k = POINT_FIELDS.len();
    if format == Some("json") {
        let settings: serde_json::Map<String, serde_json::Value> = config
            .to_settings()
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect();
        let doc = json!({
            "experiment": "implicit-reg",
            "settings": settings,
            "snapshot": sweep.snapshot(),
            "pointFields": POINT_FIELDS,
            "points": rows.chunks(k).collect::<Vec<_>>(),
        });
        std::fs::write(
            out,
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    } else {
        let mut w = csv::Writer::from_path(out)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        w.write_record(POINT_FIELDS).map_err(|e| e.to_string())?;
        for row in rows.chunks(k) {
            w.write_record(row.iter().map(|v| format!("{v}")))
                .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    println!(
        "implicit-reg: {total} sweep points ({} learning rates at B = {}, {} batch sizes at α = {}) in {:.1} s -> {}",
        config.sweep_points,
        config.batch_size,
        config.batch_sizes().len(),
        config.learning_rate,
        t0.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&FIELDS);
}
