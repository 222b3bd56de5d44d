//! `noiselab run laplace-vb|bbb-linreg` and their `fields`: the browser's
//! `<noiselab-laplace-vb>` (Bishop's 1-D density, SCIENCE.md §5) and `<noiselab-bbb-linreg>`
//! (Bayes by Backprop on Bayesian linear regression, SCIENCE.md §4) with the same settings,
//! seeds and numbers.

use noiselab_core::bayes::bbb_view::reference;
use noiselab_core::bayes::density1d::{analyze, curves, TiltedGaussian, DENSITY1D_FIELDS};
use noiselab_core::bayes::{BayesByBackprop, BbbConfig, BBB_FIELDS, BBB_HISTORY_FIELDS};
use noiselab_core::experiment::Experiment;
use serde_json::json;
use std::path::Path;

/// The plotted range and resolution of the browser widget (www/widgets/laplace-vb.js).
const Z_MIN: f64 = -2.0;
const Z_MAX: f64 = 4.0;
const POINTS: usize = 481;

fn pairs(settings: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

fn settings_json(s: Vec<(&'static str, String)>) -> serde_json::Value {
    s.into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn write_json(out: &Path, value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

fn write_csv(
    out: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<f64>>,
) -> Result<(), String> {
    let mut w =
        csv::Writer::from_path(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r.iter().map(|v| v.to_string()))
            .map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

fn is_csv(out: &Path) -> Result<bool, String> {
    match out.extension().and_then(|e| e.to_str()) {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        _ => Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        )),
    }
}

/// Bishop's density `p̃(z) = exp(−z²/2)σ(slope·z + offset)`: JSON (settings, the analysis —
/// mode, Laplace, variational and moment-matched Gaussians, ln Z, both KLs — and the curves) or
/// CSV (one row per z: the four densities and the four negative log densities).
pub fn run_laplace_vb(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let density = TiltedGaussian::from_settings(pairs(settings))
        .map_err(|e| format!("invalid settings: {e}"))?;
    let csv = is_csv(out)?;
    let analysis = analyze(density);
    let c = curves(&analysis, Z_MIN, Z_MAX, POINTS);
    if csv {
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
            r
        });
        return write_csv(out, &header, rows);
    }
    write_json(
        out,
        &json!({
            "experiment": "laplace-vb",
            "settings": settings_json(density.to_settings()),
            "analysis": analysis,
            "curves": {
                "order": ["p", "qLaplace", "qVariational", "qMomentMatched"],
                "z": c.z,
                "density": c.density,
                "negLogDensity": c.neg_log_density,
            },
        }),
    )
}

/// Bayes by Backprop on Bayesian linear regression, run to the end: JSON (settings, the exact
/// references at the final q — ln p(D), the mean-field gap, the variance ratios — the final
/// means and stds, and the history) or CSV (one history row per recorded step).
pub fn run_bbb_linreg(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config =
        BbbConfig::from_settings(pairs(settings)).map_err(|e| format!("invalid settings: {e}"))?;
    let csv = is_csv(out)?;
    let mut run = BayesByBackprop::new(config);
    let outcome = run.run(usize::MAX);
    let k = BBB_HISTORY_FIELDS.len();
    let history = run.history();
    if csv {
        return write_csv(
            out,
            &BBB_HISTORY_FIELDS,
            history.chunks(k).map(<[f64]>::to_vec),
        );
    }
    let rows: Vec<serde_json::Value> = history
        .chunks(k)
        .map(|r| {
            BBB_HISTORY_FIELDS
                .iter()
                .zip(r)
                .map(|(name, v)| (name.to_string(), json!(v)))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect();
    write_json(
        out,
        &json!({
            "experiment": "bbb-linreg",
            "settings": settings_json(run.config().to_settings()),
            "stop": outcome,
            "reference": reference(&run),
            "mean": run.mean(),
            "std": run.std(),
            "history": rows,
        }),
    )
}

/// The Bishop-density field table.
pub fn print_laplace_vb_fields() {
    crate::print_fields(&DENSITY1D_FIELDS);
}

/// The Bayes-by-Backprop (linear regression) field table.
pub fn print_bbb_linreg_fields() {
    crate::print_fields(&BBB_FIELDS);
}
