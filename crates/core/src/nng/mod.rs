//! Noisy natural gradient (Zhang, Sun, Duvenaud & Grosse, ICML 2018, "Noisy natural gradient as
//! variational inference"; Grosse, Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6).
//!
//! Variational inference with `q = N(μ, Λ⁻¹)` by stochastic natural gradient: sample weights
//! from `q`, keep the precision as a **moving average of the curvature** (plus the prior term),
//! and move the mean by a **stochastic Newton step** preconditioned by that precision. The
//! structure imposed on `Λ` is the structure of the posterior: full (the lecture's update),
//! diagonal (noisy Adam: a factorized Gaussian) or Kronecker-factored per layer (noisy K-FAC: a
//! matrix-variate Gaussian, which keeps correlations between a layer's weights).
//!
//! - [`model`]: Bayesian linear regression and a small regression MLP as per-example gradients,
//!   curvature pseudo-gradients and K-FAC statistics (`a`, `ds`).
//! - [`optim`]: the three updates on any [`NngModel`].
//! - [`reference`]: the target and the fixed points in closed form (linear regression).
//! - [`NngRun`]: the three methods side by side on one data set, as an [`Experiment`].
//!
//! Every seeded quantity is plain loops and `libm` ([`linalg`]), so [`nng_fixture`] is
//! bit-identical natively and in WebAssembly.

mod config;
mod experiment;
pub mod linalg;
pub mod model;
pub mod optim;
pub mod reference;
#[cfg(test)]
mod tests;

pub use config::{NngConfig, NNG_FIELDS};
pub use experiment::{MethodSnapshot, NngRun, NngSnapshot, NNG_HISTORY_FIELDS, SAMPLE_WINDOW};
pub use model::{Block, Curvature, LinRegModel, MlpModel, NngModel};
pub use optim::{Hyper, Method, VariationalState};
pub use reference::FixedPoints;

use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;

/// The fixture's settings: D = 3, N = 30, correlation 0.8, batch 10, sampled Fisher, 400 steps,
/// seed 2026 (every stream and code path: batches, samples, all three methods).
pub fn nng_fixture_config() -> NngConfig {
    NngConfig {
        data_points: 30,
        weights: 3,
        feature_correlation: 0.8,
        batch_size: 10,
        curvature: Curvature::SampledFisher,
        steps: 400,
        seed: 2026,
        ..NngConfig::default()
    }
}

/// Run [`nng_fixture_config`] to the end; return the FNV-1a hash of the history, every method's
/// mean and covariance and the kept samples, and the final K-FAC KL (nats).
pub fn nng_fixture() -> (u64, f64) {
    let mut run = NngRun::new(nng_fixture_config());
    run.run(usize::MAX);
    let snap = run.snapshot();
    let mut values: Vec<f64> = run.history().to_vec();
    for m in &snap.methods {
        values.extend(&m.mean);
        values.extend(&m.covariance);
    }
    values.extend(run.samples(0, 2));
    (hash_f64s(&values), snap.methods[2].kl)
}

/// Expected [`nng_fixture`] hash (recorded natively; the wasm tests assert the same value).
pub const NNG_FIXTURE_HASH: u64 = 0x375c_188f_40d0_23ee;
/// Expected [`nng_fixture`] final K-FAC KL, as IEEE-754 bits.
pub const NNG_FIXTURE_KL_BITS: u64 = 0x3fcf_197a_bc0a_b3a0;
