//! `noiselab run logreg-posterior` (SCIENCE.md §3–§4; the browser's `<noiselab-logreg-posterior>`
//! with the same settings, seeds and numbers).

use crate::output::{self, Format, Settings};
use noiselab_core::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
use serde_json::json;
use std::path::Path;

/// The columns of the comparison: one row per Gaussian (name, mean, covariance, F in nats, KL
/// to the posterior in nats, KL to the prior in bits, NaN where not defined).
const COLUMNS: [&str; 9] = [
    "name",
    "mean1",
    "mean2",
    "cov11",
    "cov12",
    "cov22",
    "elboNats",
    "klToPosteriorNats",
    "klToPriorBits",
];

/// The panel's numbers: JSON (summary, data, HMC samples, ellipses, predictive maps on a
/// 61×61 grid) or CSV (one row per Gaussian: Laplace, mean field, full covariance, true
/// moments).
pub fn run(settings: &Settings, out: &Path) -> Result<(), String> {
    let config: LogRegPanelConfig = output::config(settings)?;
    let format = output::format(out)?;
    let a = analyze_panel(&config, config.data(), 81, 61);
    let (mf, full, kl) = (&a.mean_field, &a.full_covariance, a.kl_to_posterior);
    let row = |name, m: [f64; 2], c: [f64; 4], elbo, kl, bits| {
        (name, [m[0], m[1], c[0], c[1], c[3], elbo, kl, bits])
    };
    let nan = f64::NAN;
    let rows = [
        row(
            "laplace",
            a.laplace.map,
            a.laplace.covariance,
            a.log_evidence - kl[2],
            kl[2],
            nan,
        ),
        row(
            "meanField",
            mf.mean,
            mf.covariance,
            mf.elbo,
            kl[0],
            mf.kl_prior_bits,
        ),
        row(
            "fullCovariance",
            full.mean,
            full.covariance,
            full.elbo,
            kl[1],
            full.kl_prior_bits,
        ),
        row(
            "truePosterior",
            a.posterior_mean,
            a.posterior_covariance,
            a.log_evidence,
            0.0,
            nan,
        ),
    ];
    if format == Format::Json {
        let comparison = rows
            .iter()
            .map(|(name, r)| json!([name, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]));
        let doc = json!({
            "experiment": "logreg-posterior",
            "settings": output::settings_json(config.to_settings()),
            "analysis": a,
            "comparisonFields": COLUMNS,
            "comparison": comparison.collect::<Vec<_>>(),
        });
        output::json_compact(out, &doc)?;
    } else {
        let cells = rows
            .iter()
            .map(|(name, r)| [vec![name.to_string()], output::cells(r)].concat());
        output::csv(out, &COLUMNS, cells)?;
    }
    println!(
        "logreg-posterior: N = {}, ln p(D) = {:.5} (Laplace {:.5}); KL(q‖p(w|D)) nats: mean field {:.5}, full {:.5}, Laplace {:.5}; skewness along E[w|D] {:.3}, w_MAP {:+.3} sd from the mean; HMC acceptance {:.2} -> {}",
        a.data.inputs.len(),
        a.log_evidence,
        a.laplace.log_evidence,
        kl[0],
        kl[1],
        kl[2],
        a.shape.skewness,
        a.shape.laplace_offset,
        a.hmc_acceptance,
        out.display()
    );
    Ok(())
}
