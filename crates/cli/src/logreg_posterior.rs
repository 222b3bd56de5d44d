//! `noiselab run logreg-posterior` (SCIENCE.md §3–§4; the browser's `<noiselab-logreg-posterior>`
//! with the same settings, seeds and numbers).
//!
//! The JSON is the widget's export: `analysis` (the Laplace fit, the true `ln p(D)` and posterior
//! moments, both variational Gaussians, `KL(q‖p(w|D))`, HMC's acceptance and mean, the posterior's
//! `shape`, and `testPoint`: the predictives at `x* = (testPoint1, testPoint2)` — `laplace.plugIn`
//! `σ(w_MAPᵀx*)`, `laplace.probit` `σ(κμ_a)`, `laplace.laplaceAverage` `∫σ(a)N(a; μ_a, s²)da`,
//! `truth` (quadrature grid) and `importance`, the self-normalized importance sampler from
//! `N(w_MAP, cH̄⁻¹)` with its `estimate`, `standardError`, `effectiveSampleSize`,
//! `proposalScale` `c`, `criticalProposalScale` `c* = ηλ_max(H̄)/2`, `finiteVariance`, and
//! `limits` (null when `c ≤ c*`); SCIENCE.md §3, "Pitfall: importance sampling"), `hmcSamples`
//! (row-major pairs), the data as `historyFields` `[x1, x2, y]` and `history`, and the figure's
//! fields: `posteriorDensity`, `ellipses`, `predictive`. The CSV is the comparison, one row per
//! Gaussian ([`COLUMNS`]); stdout's summary line adds `IS p(y=1|x*) = estimate ± SE (ESS …, c …)`.

use crate::Entry;
use crate::output::{self, Format, Out, Settings};
use noiselab_core::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
use serde_json::json;

/// The kind's own run, `noiselab run logreg-posterior`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<LogRegPanelConfig>(
        "2-D logistic regression: true posterior, Laplace, variational Gaussians, HMC",
        run,
    ),
];

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

/// The panel's numbers: JSON (the analysis, HMC samples, the data, the posterior density on an
/// 81×81 grid, ellipses, predictive maps on a 61×61 grid; see the module doc) or CSV (one row per Gaussian: Laplace, mean field, full covariance, true
/// moments).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: LogRegPanelConfig = output::config(settings)?;
    let format = out.format()?;
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
        // The widget's export (www/widgets/logreg-posterior.js), key for key.
        let analysis = json!({
            "laplace": a.laplace,
            "logEvidence": a.log_evidence,
            "posteriorMean": a.posterior_mean,
            "posteriorCovariance": a.posterior_covariance,
            "meanField": a.mean_field,
            "fullCovariance": a.full_covariance,
            "klToPosterior": a.kl_to_posterior,
            "hmcAcceptance": a.hmc_acceptance,
            "hmcMean": a.hmc_mean,
            "dataPoints": a.data.inputs.len(),
            "shape": a.shape,
            "testPoint": a.test_point,
        });
        let points = a.data.inputs.iter().zip(&a.data.labels);
        let doc = json!({
            "experiment": "logreg-posterior",
            "settings": output::settings_json(config.to_settings()),
            "analysis": analysis,
            "hmcSamples": a.hmc_samples,
            "historyFields": ["x1", "x2", "y"],
            "history": points.map(|(x, y)| [x[0], x[1], *y]).collect::<Vec<_>>(),
            "posteriorDensity": a.posterior_density,
            "ellipses": a.ellipses,
            "predictive": a.predictive,
        });
        out.json_compact(doc)?;
    } else {
        let cells = rows
            .iter()
            .map(|(name, r)| [vec![name.to_string()], output::cells(r)].concat());
        out.csv(&COLUMNS, cells)?;
    }
    let t = &a.test_point;
    let e = &t.importance;
    out.say(format_args!(
        "logreg-posterior: N = {}, ln p(D) = {:.5} (Laplace {:.5}); KL(q‖p(w|D)) nats: mean field {:.5}, full {:.5}, Laplace {:.5}; skewness along E[w|D] {:.3}, w_MAP {:+.3} sd from the mean; HMC acceptance {:.2}; p(y=1|x* = ({}, {})): plug-in {:.4}, probit {:.4}, Laplace average {:.4}, IS {:.4} ± {:.4} (ESS {:.0} of {}, c = {:.3}, c* = {:.3}{}), truth {:.4} -> {}",
        a.data.inputs.len(),
        a.log_evidence,
        a.laplace.log_evidence,
        kl[0],
        kl[1],
        kl[2],
        a.shape.skewness,
        a.shape.laplace_offset,
        a.hmc_acceptance,
        t.input[0],
        t.input[1],
        t.laplace.plug_in,
        t.laplace.probit,
        t.laplace.laplace_average,
        e.estimate,
        e.standard_error,
        e.effective_sample_size,
        e.samples,
        e.proposal_scale,
        e.critical_proposal_scale,
        if e.finite_variance {
            ""
        } else {
            ": c ≤ c*, infinite weight variance, SE and ESS unreliable"
        },
        t.truth,
        out
    ));
    Ok(())
}
