//! Bayesian inference for small models (Grosse, Lecture 8, "Variational Bayes and MDL" and
//! "Variational Bayes and Curvature"; SCIENCE.md §3, §4 and §5).
//!
//! - [`laplace_vb`]: Bishop's 1-D density `p̃(z) = exp(−z²/2)σ(20z + 4)` (PRML Figs. 4.14 and
//!   10.1): its Laplace approximation, the Gaussian minimizing `KL(q‖p)` and the moment-matched
//!   Gaussian, all by quadrature (no Monte Carlo).
//! - [`linreg`]: Bayesian linear regression in closed form: posterior, evidence, the mean-field
//!   optimum, the ELBO and its terms, description length in bits.
//! - [`bbb_linreg`]: Bayes by Backprop (Blundell et al. 2015) on that regression, as an
//!   [`Experiment`] with a field table.
//! - [`hmc`]: Hamiltonian Monte Carlo (Neal 2011), the gold standard the others are checked
//!   against.
//! - [`logreg`]: 2-D Bayesian logistic regression: Newton MAP, Laplace, probit and the true
//!   posterior on a Gauss–Legendre grid.
//! - [`logreg_importance`]: its predictive by self-normalized importance sampling from a widened
//!   Laplace proposal, with the delta-method standard error, the effective sample size and their
//!   large-`n` limits by quadrature (SCIENCE.md §3, "Pitfall: importance sampling").
//!
//! Conventions (SCIENCE.md §0): `η` (`prior_variance`) is a prior **variance**,
//! `p(w) = N(0, ηI)`; `σ²` (`noise_variance`) is the observation-noise variance; `s` is a
//! standard deviation; KL is in nats unless a name says bits. Matrices are flat row-major `Vec<f64>`
//! at the API; nalgebra (column-major) is used inside [`linreg`] only for reference quantities.
//! Everything that feeds a seeded run (the BBB step, HMC, data generation) is plain loops and
//! `libm`, so [`bayes_fixture`] is bit-identical natively and in WebAssembly.

pub mod bbb_linreg;
pub mod description_length;
pub mod hmc;
pub mod laplace_vb;
pub mod linreg;
pub mod logreg;
mod logreg_config;
pub mod logreg_importance;
pub mod logreg_posterior;
pub mod logreg_vi;
pub mod pac_bayes;
pub mod quad;
pub use crate::special;

#[cfg(test)]
mod tests;

pub use bbb_linreg::{
    BayesByBackprop, BbbConfig, BbbSnapshot, Objective, Optimizer, BBB_FIELDS, BBB_HISTORY_FIELDS,
};
pub use logreg_config::{analyze as analyze_logreg, LogRegAnalysis, LogRegConfig, LOGREG_FIELDS};

use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;

/// The BBB half of the fixture: 2 weights, N = 20, feature correlation 0.8, Adam with learning
/// rate 0.05, 2 samples a step, 300 steps, seed 2026.
pub fn bbb_fixture_config() -> BbbConfig {
    BbbConfig {
        data_points: 20,
        weights: 2,
        feature_correlation: 0.8,
        noise_variance: 0.25,
        prior_variance: 1.0,
        objective: Objective::Elbo,
        optimizer: Optimizer::Adam,
        learning_rate: 0.05,
        samples_per_step: 2,
        local_reparam: false,
        init_std: 0.1,
        steps: 300,
        seed: 2026,
    }
}

/// Seeded regression fixture over Bayes by Backprop and HMC.
///
/// Runs [`bbb_fixture_config`] to the end and 200 HMC iterations (step size 0.05, 20 leapfrog
/// steps, jitter 0.2, seed 2026) on the same data's exact posterior. Returns the FNV-1a hash
/// ([`hash_f64s`]) of the BBB history, its final `μ` and `s`, the HMC samples and the HMC
/// acceptance count, and the final ELBO (nats). Only plain loops and `libm` feed these numbers,
/// so the WebAssembly build must reproduce them bit for bit.
pub fn bayes_fixture() -> (u64, f64) {
    let mut run = BayesByBackprop::new(bbb_fixture_config());
    run.run(usize::MAX);
    let mut hmc = hmc::Hmc::new(
        run.data().log_posterior_fn(0.25, 1.0),
        vec![0.0; 2],
        hmc::HmcSettings {
            step_size: 0.05,
            leapfrog_steps: 20,
            step_size_jitter: 0.2,
            seed: 2026,
        },
    );
    let samples = hmc.sample(200);
    let accepted = [hmc.accepted() as f64];
    let hash = hash_f64s(
        run.history()
            .iter()
            .chain(run.mean())
            .chain(&run.std())
            .chain(&samples)
            .chain(&accepted),
    );
    (hash, run.snapshot().elbo)
}

/// Expected [`bayes_fixture`] hash (recorded natively; the wasm tests assert the same value).
pub const BAYES_FIXTURE_HASH: u64 = 0x475e_8d2e_3086_193b;
/// Expected [`bayes_fixture`] final ELBO, as IEEE-754 bits.
pub const BAYES_FIXTURE_ELBO_BITS: u64 = 0xc038_fc55_274a_80df;
