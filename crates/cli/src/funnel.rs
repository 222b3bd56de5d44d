//! `noiselab run|surface|fields|bench funnel`.

use noiselab_core::contour;
use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::{Funnel, FunnelConfig, DOMAIN, FIELDS, HISTORY_FIELDS};
use serde_json::json;
use std::path::Path;

fn config_from(settings: &[(String, String)]) -> Result<FunnelConfig, String> {
    FunnelConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))
}

fn write(out: &Path, text: &str) -> Result<(), String> {
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = config_from(settings)?;
    let mut f = Funnel::new(config.clone());
    let outcome = f.run(usize::MAX);
    let snap = f.snapshot();
    let k = HISTORY_FIELDS.len();
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let rows: Vec<&[f64]> = f.history().chunks(k).collect();
            let shown = (config.shown_paths.min(config.trajectories) as usize) * 2;
            let paths: Vec<&[f64]> = if shown > 0 {
                f.paths().chunks(shown).collect()
            } else {
                vec![]
            };
            let settings: serde_json::Map<String, serde_json::Value> = config
                .to_settings()
                .into_iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                .collect();
            let doc = json!({
                "experiment": "funnel",
                "settings": settings,
                "snapshot": snap,
                "historyFields": HISTORY_FIELDS,
                "history": rows,
                "pathsLayout": "one row per step: x0, y0, x1, y1, … of the first shownPaths trajectories (null after divergence)",
                "paths": paths,
            });
            write(
                out,
                &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
            )?;
        }
        Some("csv") => {
            let mut w = csv::Writer::from_path(out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            w.write_record(HISTORY_FIELDS).map_err(|e| e.to_string())?;
            for row in f.history().chunks(k) {
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
    let s = snap.stats;
    println!(
        "funnel: {} steps ({}), mean x {:.4} ± {:.4}, GD x {:.4}, drift {:+.4} ± {:.4}, {} of {} diverged -> {}",
        f.steps_done(),
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        s.mean_x,
        s.se_mean_x,
        s.gd_x,
        snap.drift,
        snap.se_drift,
        snap.diverged,
        config.trajectories,
        out.display()
    );
    Ok(())
}

/// The cost surface as contour segments (data coordinates) per level, for figures.
pub fn surface(
    settings: &[(String, String)],
    nx: usize,
    ny: usize,
    levels: usize,
    out: &Path,
) -> Result<(), String> {
    let config = config_from(settings)?;
    if !(2..=2000).contains(&nx) || !(2..=2000).contains(&ny) || !(1..=60).contains(&levels) {
        return Err("--nx and --ny must be from 2 to 2000, --levels from 1 to 60".into());
    }
    let cost = config.cost;
    let values = cost.surface(&DOMAIN, nx, ny);
    let levels = cost.levels(&DOMAIN, levels);
    let contours: Vec<Vec<f64>> = levels
        .iter()
        .map(|&l| contour::contour_segments(&DOMAIN, &values, nx, ny, l))
        .collect();
    let doc = json!({
        "experiment": "funnel",
        "cost": cost.name(),
        "domain": DOMAIN,
        "levels": levels,
        "contoursLayout": "per level, segments x0, y0, x1, y1, … in data coordinates",
        "contours": contours,
        "curvatureX": [DOMAIN.x_min, DOMAIN.x_max],
        "curvature": cost.valley_curvature(DOMAIN.x_min, DOMAIN.x_max, nx),
    });
    write(
        out,
        &serde_json::to_string(&doc).map_err(|e| e.to_string())?,
    )?;
    println!(
        "funnel surface ({}): {} levels -> {}",
        cost.name(),
        levels.len(),
        out.display()
    );
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&FIELDS);
}
