//! `noiselab run logreg-posterior` (SCIENCE.md §3–§4; the browser's `<noiselab-logreg-posterior>`
//! with the same settings, seeds and numbers).
//!
//! The predictive at the test input `x* = (testPoint1, testPoint2)` (SCIENCE.md §3, "Pitfall:
//! importance sampling") is in the JSON as `testPointFields` = [`TEST_POINT_COLUMNS`] and
//! `testPoint`, one row per method: `plugIn` `σ(w_MAPᵀx*)`, `probit` `σ(κμ_a)`,
//! `laplaceAverage` `∫σ(a)N(a; μ_a, s²)da`, `importanceSampling` (self-normalized, from
//! `N(w_MAP, cH̄⁻¹)`), `truth` (quadrature grid); columns `probability` and `standardError`
//! (0 for the deterministic ones). `importanceSampling` holds the sampler's numbers:
//! `estimate`, `standardError` (delta method), `effectiveSampleSize` (`(Σω)²/Σω²`), `samples`,
//! `proposalScale` (`c`), `criticalProposalScale` (`c* = ηλ_max(H̄)/2`), `finiteVariance`
//! (`c > c*`), and `limitStandardError`, `limitEffectiveSampleSize` (their large-`n` values by
//! quadrature; null when `c ≤ c*`: infinite weight variance). The same numbers are under
//! `analysis.testPoint`. The CSV (one row per Gaussian) is unchanged; stdout's summary line adds
//! `IS p(y=1|x*) = estimate ± SE (ESS …, c …)`.

use crate::output::{self, Format, Out, Settings};
use noiselab_core::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig, TestPoint};
use serde_json::{json, Value};

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

/// The columns of the test-point table: the method, `p(y = 1|x*)` and its standard error.
pub const TEST_POINT_COLUMNS: [&str; 3] = ["name", "probability", "standardError"];

/// The test-point table and the importance sampler's numbers (see the module doc).
fn test_point_json(t: &TestPoint) -> (Value, Value) {
    let e = &t.importance;
    let rows = json!([
        ["plugIn", t.laplace.plug_in, 0.0],
        ["probit", t.laplace.probit, 0.0],
        ["laplaceAverage", t.laplace.laplace_average, 0.0],
        ["importanceSampling", e.estimate, e.standard_error],
        ["truth", t.truth, 0.0],
    ]);
    let n = e.samples;
    let sampler = json!({
        "input": t.input,
        "estimate": e.estimate,
        "standardError": e.standard_error,
        "effectiveSampleSize": e.effective_sample_size,
        "samples": n,
        "proposalScale": e.proposal_scale,
        "criticalProposalScale": e.critical_proposal_scale,
        "finiteVariance": e.finite_variance,
        "limitStandardError": t.limits.map(|q| q.standard_error(n)),
        "limitEffectiveSampleSize": t.limits.map(|q| q.ess_fraction() * n as f64),
    });
    (rows, sampler)
}

/// The panel's numbers: JSON (summary, data, HMC samples, ellipses, predictive maps on a
/// 61×61 grid, the predictives at `x*`) or CSV (one row per Gaussian: Laplace, mean field, full covariance, true
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
        let comparison = rows
            .iter()
            .map(|(name, r)| json!([name, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]));
        let (rows, sampler) = test_point_json(&a.test_point);
        let doc = json!({
            "experiment": "logreg-posterior",
            "settings": output::settings_json(config.to_settings()),
            "analysis": a,
            "comparisonFields": COLUMNS,
            "comparison": comparison.collect::<Vec<_>>(),
            "testPointFields": TEST_POINT_COLUMNS,
            "testPoint": rows,
            "importanceSampling": sampler,
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
