//! `noiselab run laplace-vb`: the browser's `<noiselab-laplace-vb>` (Bishop's 1-D density,
//! SCIENCE.md §5) with the same settings and numbers.

use crate::output::{self, Format, Out, Settings};
use noiselab_core::bayes::laplace_vb::{analyze, curves, TiltedGaussian};
use serde_json::json;

/// The plotted range and resolution of the browser widget (www/widgets/laplace-vb.js).
const Z_MIN: f64 = -2.0;
const Z_MAX: f64 = 4.0;
const POINTS: usize = 481;

/// Bishop's density `p̃(z) = exp(−z²/2)σ(slope·z + offset)`: JSON (settings, the analysis —
/// mode, Laplace, variational and moment-matched Gaussians, ln Z, both KLs — and the curves) or
/// CSV (one row per z: the four densities and the four negative log densities).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let density: TiltedGaussian = output::config(settings)?;
    let format = out.format()?;
    let analysis = analyze(density);
    let c = curves(&analysis, Z_MIN, Z_MAX, POINTS);
    if format == Format::Csv {
        let header = [
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
        let rows = (0..c.z.len()).map(|i| {
            let mut r = vec![c.z[i]];
            r.extend(c.density.iter().map(|d| d[i]));
            r.extend(c.neg_log_density.iter().map(|d| d[i]));
            output::cells(&r)
        });
        return out.csv(&header, rows);
    }
    out.json(json!({
        "experiment": "laplace-vb",
        "settings": output::settings_json(density.to_settings()),
        "analysis": analysis,
        "curves": {
            "order": ["p", "qLaplace", "qVariational", "qMomentMatched"],
            "z": c.z,
            "density": c.density,
            "negLogDensity": c.neg_log_density,
        },
    }))
}
