//! `noiselab run sgd-posterior|sgld` (SCIENCE.md §7, §8; `sgd-ou` is the old name of
//! `sgd-posterior`, and the name its files carry).
//!
//! `run sgd-posterior --out x.json` keys (2×2 matrices are row-major `[a11, a12, a21, a22]`):
//! - `theory`: `continuous`, `discrete`, `discreteMinibatch`, `posterior`, … (see `OuTheory`);
//!   the closed-form error bars of SCIENCE.md §8: `secondMomentTau` (τ_ij, one chain's
//!   T-step average of `w_iw_j` has variance ≈ τ_ij/T), `autocorrelationTime`
//!   (τ_ij/(Σ_iiΣ_jj + Σ_ij²), steps), `traceTau` (the same for `tr wwᵀ`) and
//!   `errorBarsExact` (true with Gaussian noise, `problem=custom`; false on data, where real
//!   mini-batches make the Gaussian fourth-moment formula an approximation).
//! - `snapshot`: `averageCovariance` (time-and-chain average of `wwᵀ` after the burn-in),
//!   `averageCovarianceSe` (empirical SE from 20 independent groups of chains) beside
//!   `averageCovarianceSeTheory` (closed form `√(τ_ij/(T·M))`, T averaged steps, M chains);
//!   `traceRatio`, `traceRatioSe` (empirical) and `traceRatioSeTheory` (closed form).
//!
//! - d dimensions (`--set problem=spectrum --set dimension=5`, or `problem=matrix` with
//!   `hessian` and `gradientCovariance`): every 2×2 matrix above is the sub-block at the plotted
//!   coordinates `projectI`, `projectJ` (the covariance of the projection; `positions` are the
//!   projected chains, `positionsFull` the d-dimensional ones, M rows of d), and
//!   `theory.full` holds the d-dimensional theory: `dimension`, `projection` (1-based),
//!   `hessian`, `noiseCovariance`, `preconditioner`, `posterior` (H⁻¹/N), `continuous` (Σ of
//!   ΣH + HΣ = (α/B)C, preconditioned form for P ≠ I), `discrete` (Σ_d), their
//!   `continuousTraceRatio`, `discreteTraceRatio`, `continuousKl`, `discreteKl` (nats, against
//!   the posterior), `optimalRate` (Mandt et al.'s α* = 2BD/(N tr C)), `optimalRateKl` (SGD's
//!   continuous-time KL at α*), `hessianEigenvalues`, `noiseEigenvalues`, `secondMomentTau`.
//!   d×d matrices are rows: `[[a11, a12, …], …]`.
//!
//! The one-line summary prints both SEs of the trace ratio: `± <empirical> (closed form <se>)`,
//! and in d > 2 dimensions α* and the KL at α*.

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::experiment::Experiment;
use noiselab_core::sgd_posterior::{SgdOu, SgdOuConfig, Sgld, SgldConfig, SGLD_HISTORY_FIELDS};
use serde_json::json;

/// The kind's own run, `noiselab run sgd-posterior`, then its analyses (`sgld`); build.rs gathers
/// every registry kind's `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<SgdOuConfig>(
        "SGD, preconditioned SGD and SGLD on a quadratic as an Ornstein–Uhlenbeck process",
        run,
    )
    .aliases(&["sgd-ou"]),
    Entry::analysis::<SgldConfig>(
        "sgld",
        "SGLD (Welling & Teh) on linear/logistic regression or a banana, both noise conventions",
        run_sgld,
    ),
];

fn fmt4(m: Option<[f64; 4]>) -> String {
    m.map_or("none (unstable)".into(), |m| {
        format!("[{:.5}, {:.5}; {:.5}, {:.5}]", m[0], m[1], m[2], m[3])
    })
}

/// A run's message, bracketed, or nothing.
fn note(message: &Option<String>) -> String {
    message
        .as_ref()
        .map(|m| format!(" [{m}]"))
        .unwrap_or_default()
}

/// `run sgd-posterior`: M chains to the end; JSON adds the theory (continuous, discrete,
/// posterior covariances), the snapshot (empirical time average with SEs) and the α sweep.
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let (run, outcome) = output::run_lab::<SgdOu>(settings, out, |run| {
        json!({
            "problem": run.problem(),
            "theory": run.theory(),
            "rateSweep": run.rate_sweep(60),
            "positionsLayout": "x0, y0, x1, y1, … of the M chains at the end, measured from the minimizer",
            "positions": run.positions(),
            "positionsFull": run.positions_full(),
        })
    })?;
    let (snap, t) = (run.snapshot(), run.theory());
    if t.full.dimension > 2 {
        out.say(format_args!(
            "sgd-ou: d = {}, plotted coordinates {:?}; α* = 2BD/(N tr C) = {:.6}, SGD's continuous-time KL at α* = {:.6} nats; full KL(N(0, Σ_d)‖posterior) = {:.6} nats",
            t.full.dimension, t.full.projection, t.full.optimal_rate, t.full.optimal_rate_kl, t.full.discrete_kl
        ));
    }
    out.say(format_args!(
        "sgd-ou ({}): {} steps ({}){}; empirical Σ {} (tr ratio {:.4} ± {:.4}, closed form ± {:.4}); discrete {}; continuous {}; posterior {} -> {}",
        run.config().method.name(),
        run.steps_done(),
        output::ended(&outcome),
        note(&snap.message),
        fmt4(Some(snap.average_covariance)),
        snap.trace_ratio,
        snap.trace_ratio_se,
        snap.trace_ratio_se_theory,
        fmt4(t.discrete),
        fmt4(t.continuous),
        fmt4(Some(t.posterior)),
        out
    ));
    Ok(())
}

/// `run sgld`: M chains to the end; JSON adds the exact posterior and (linear regression,
/// fixed α) the exact biased stationary covariances.
pub fn run_sgld(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: SgldConfig = output::config(settings)?;
    out.format()?;
    let mut run = Sgld::new(config.clone());
    let outcome = run.run(usize::MAX);
    let snap = run.snapshot();
    let doc = json!({
        "experiment": "sgld",
        "settings": output::settings_json(config.to_settings()),
        "reference": run.reference(),
        "snapshot": snap,
        "positionsLayout": "x0, y0, x1, y1, … of the M chains at the end",
        "positions": run.positions(),
    });
    out.history(&SGLD_HISTORY_FIELDS, run.history(), doc)?;
    let r = run.reference();
    out.say(format_args!(
        "sgld ({}, {}): {} steps ({}){}; cloud cov {}; posterior {}; exact mini-batch {} -> {}",
        config.model.name(),
        config.convention.name(),
        run.steps_done(),
        output::ended(&outcome),
        note(&snap.message),
        fmt4(Some(snap.covariance)),
        fmt4(Some(r.posterior_covariance)),
        fmt4(r.minibatch_covariance),
        out
    ));
    Ok(())
}
