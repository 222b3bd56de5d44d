//! `noiselab run|surface funnel`.
//!
//! `run funnel` writes the per-step history (columns `step, meanX, meanY, seMeanX, sdX, sdY,
//! meanY2, seMeanY2, fractionDiverged, alive, gdX, gdY, meanCost`) and, from the same start, the
//! gradient flow `dw/dt = −α∇J` and Smith et al.'s modified flow `dw/dt = −α∇(J + R)`,
//! `R = (α/4)‖∇J‖²` (SCIENCE.md §9 "Link to §10"; t in SGD steps), integrated by RK4 with
//! step-doubling error control (per-step tolerance 1e-10) and sampled at every step:
//! - CSV: four more columns per row, `flowX, flowY, modifiedFlowX, modifiedFlowY`;
//! - JSON: `gradientFlow` and `modifiedFlow`, arrays of `{t, x, y}` for `t = 0 … steps` (NaN as
//!   `null`: only where the integration budget ran out, Neal's stiff corner), with
//!   `flowTolerance` `{abs, rel}` and `flowStats` `{gradient, modified}` (steps taken, last t
//!   reached), besides `paths` (the first `shownPaths` trajectories) and the history.
//!
//! The flows do not depend on σ, M or the seed.
//!
//! `run funnel-compare` (the widget's "Compare σ"): three funnel runs at σ₁ < σ₂ < σ₃
//! (settings, 0.5, 1, 2 by default) sharing every other setting and the seed, each
//! bit-identical to its own `run funnel`; one row per step: `step, gdX, gdY` and per σₖ
//! `sigmaKDrift, sigmaKSeDrift, sigmaKMeanX, sigmaKMeanY, sigmaKMeanY2, sigmaKSeMeanY2,
//! sigmaKAlive` (`E[y²]` is `MeanY2`). JSON adds the snapshot (each
//! run's drift ± SE, and `grows`: whether the drift grows with σ by more than 2 SE).

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::contour;
use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::flow::FLOW_TOLERANCE;
use noiselab_core::funnel::{
    CompareConfig, Funnel, FunnelCompare, FunnelConfig, FunnelFlows, DOMAIN, FLOW_FIELDS,
};
use serde_json::{json, Value};
use std::path::Path;

/// The kind's own run, `noiselab run funnel`, then its analyses (`funnel-compare`); build.rs
/// gathers every registry kind's `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<FunnelConfig>(
        "Gradient noise and flatness: noisy GD on a funnel-shaped valley",
        run,
    ),
    Entry::analysis::<CompareConfig>(
        "funnel-compare",
        "The funnel's \"Compare σ\": σ = 0.5, 1, 2 (settings) with the same seed; each σ's drift ± SE per step",
        run_compare,
    ),
];

/// A flow as JSON `[{t, x, y}, …]`.
fn flow_json(flow: &[[f64; 2]]) -> Value {
    let points = flow.iter().enumerate();
    Value::Array(
        points
            .map(|(t, [x, y])| json!({"t": t, "x": x, "y": y}))
            .collect(),
    )
}

pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    out.format()?;
    let fl = FunnelFlows::new(&output::config::<FunnelConfig>(settings)?);
    let (f, outcome) = output::run_lab_with_columns::<Funnel>(
        settings,
        out,
        |f| {
            let c = f.config();
            json!({
                "pathsLayout": "one row per step: x0, y0, x1, y1, … of the first shownPaths trajectories (null after divergence)",
                "paths": output::rows(f.paths(), 2 * c.shown_paths.min(c.trajectories) as usize),
                "gradientFlow": flow_json(&fl.gradient_flow),
                "modifiedFlow": flow_json(&fl.modified_flow),
                "flowTolerance": {"abs": FLOW_TOLERANCE.abs, "rel": FLOW_TOLERANCE.rel},
                "flowStats": {"gradient": fl.gradient_stats, "modified": fl.modified_stats},
            })
        },
        |_| (&FLOW_FIELDS[..], fl.rows()),
    )?;
    let snap = f.snapshot();
    let s = snap.stats;
    let t = s.step.min(fl.modified_flow.len() - 1);
    out.say(format_args!(
        "funnel: {} steps ({}), mean x {:.4} ± {:.4}, GD x {:.4}, drift {:+.4} ± {:.4}, gradient flow x {:.4}, modified flow x {:.4}, {} of {} diverged -> {}",
        f.steps_done(),
        output::ended(&outcome),
        s.mean_x,
        s.se_mean_x,
        s.gd_x,
        snap.drift,
        snap.se_drift,
        fl.gradient_flow[t][0],
        fl.modified_flow[t][0],
        snap.diverged,
        f.config().trajectories,
        out
    ));
    Ok(())
}

/// `noiselab run funnel-compare`: the comparison's record, and a summary of each σ's drift.
pub fn run_compare(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let (c, outcome) = output::run_lab::<FunnelCompare>(settings, out, |_| json!({}))?;
    let s = c.snapshot();
    let drifts: Vec<String> = (s.noise_stds.iter().zip(&s.runs))
        .map(|(sigma, r)| format!("σ = {sigma}: {:+.4} ± {:.4}", r.drift, r.se_drift))
        .collect();
    out.say(format_args!(
        "funnel-compare: {} steps ({}), M = {}, drift E[x] − x_GD {}: {} -> {}",
        s.step,
        output::ended(&outcome),
        s.trajectories,
        drifts.join(", "),
        if s.grows {
            "larger σ drifts further toward the flat side (each by > 2 SE)"
        } else {
            "the drift does not grow with σ by more than 2 SE here"
        },
        out
    ));
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
    Out::File(out.to_path_buf()).json_compact(doc)?;
    println!(
        "funnel surface ({}): {} levels -> {}",
        cost.name(),
        levels.len(),
        out.display()
    );
    Ok(())
}
