//! `noiselab run laplace-vb`: the browser's `<noiselab-laplace-vb>` (Bishop's 1-D density,
//! SCIENCE.md §5) with the same settings and numbers.

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::bayes::laplace_vb::{analyze, curves, TiltedGaussian};
use serde_json::json;

/// The kind's own run, `noiselab run laplace-vb`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<TiltedGaussian>(
        "Laplace vs variational Gaussian on Bishop's 1-D density exp(−z²/2)σ(az + b)",
        run,
    ),
];

/// The plotted range and resolution of the browser widget (www/widgets/laplace-vb.js).
const Z_MIN: f64 = -2.0;
const Z_MAX: f64 = 4.0;
const POINTS: usize = 481;
/// The curves' columns: z, the density p and the three Gaussians (Laplace, variational, moment
/// matched), then their negative logs.
const HEADER: [&str; 9] = [
    "z",
    "p",
    "qLaplace",
    "qVariational",
    "qMomentMatched",
    "negLogP",
    "negLogQLaplace",
    "negLogQVariational",
    "negLogQMomentMatched",
];

/// Bishop's density `p̃(z) = exp(−z²/2)σ(slope·z + offset)`: JSON (the widget's export: settings,
/// the `analysis` — mode, Laplace, variational and moment-matched Gaussians, ln Z, both KLs — and
/// the curves as `historyFields`/`history`) or CSV (the same rows: one per z, the four densities
/// and the four negative log densities).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let density: TiltedGaussian = output::config(settings)?;
    out.format()?;
    let analysis = analyze(density);
    let c = curves(&analysis, Z_MIN, Z_MAX, POINTS);
    // One row per z: z, then the densities and their negative logs (the widget's export).
    let mut rows = Vec::with_capacity(c.z.len() * HEADER.len());
    for (i, z) in c.z.iter().enumerate() {
        rows.push(*z);
        rows.extend(c.density.iter().map(|d| d[i]));
        rows.extend(c.neg_log_density.iter().map(|d| d[i]));
    }
    let doc = json!({
        "experiment": "laplace-vb",
        "settings": output::settings_json(density.to_settings()),
        "analysis": analysis,
    });
    out.history(&HEADER, &rows, doc)
}
