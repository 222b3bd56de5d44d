//! `noiselab run|surface funnel`.

use crate::output::{self, Settings};
use noiselab_core::contour;
use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::{Funnel, FunnelConfig, DOMAIN};
use serde_json::json;
use std::path::Path;

pub fn run(settings: &Settings, out: &Path) -> Result<(), String> {
    let (f, outcome) = output::run_lab::<Funnel>(settings, out, |f| {
        let c = f.config();
        json!({
            "pathsLayout": "one row per step: x0, y0, x1, y1, … of the first shownPaths trajectories (null after divergence)",
            "paths": output::rows(f.paths(), 2 * c.shown_paths.min(c.trajectories) as usize),
        })
    })?;
    let snap = f.snapshot();
    let s = snap.stats;
    println!(
        "funnel: {} steps ({}), mean x {:.4} ± {:.4}, GD x {:.4}, drift {:+.4} ± {:.4}, {} of {} diverged -> {}",
        f.steps_done(),
        output::ended(&outcome),
        s.mean_x,
        s.se_mean_x,
        s.gd_x,
        snap.drift,
        snap.se_drift,
        snap.diverged,
        f.config().trajectories,
        out.display()
    );
    Ok(())
}

/// The cost surface as contour segments (data coordinates) per level, for figures.
pub fn surface(
    settings: &Settings,
    nx: usize,
    ny: usize,
    levels: usize,
    out: &Path,
) -> Result<(), String> {
    let config: FunnelConfig = output::config(settings)?;
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
    output::json_compact(out, &doc)?;
    println!(
        "funnel surface ({}): {} levels -> {}",
        cost.name(),
        levels.len(),
        out.display()
    );
    Ok(())
}
