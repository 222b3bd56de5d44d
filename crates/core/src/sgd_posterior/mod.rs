//! "SGD and Implicit Variational Bayes" (Grosse, Lecture 8; SCIENCE.md §7 and §8): is SGD doing
//! Bayesian inference?
//!
//! - [`sgld`]: stochastic gradient Langevin dynamics (Welling & Teh 2011) with mini-batches,
//!   fixed and decaying step sizes, on Bayesian linear regression, Bayesian logistic regression
//!   and a banana; the Welling–Teh noise `N(0, 2α)` and the lecture's `N(0, α)` side by side.
//! - [`ou`]: SGD on `J = ½wᵀHw` with gradient-noise covariance `C/B` as an Ornstein–Uhlenbeck
//!   process (Mandt, Hoffman & Blei 2017): iterates of SGD, preconditioned SGD and SGLD, with
//!   their stationary covariances from the continuous and the exact discrete Lyapunov equations
//!   ([`lyapunov`]) against the posterior `H⁻¹/N`.
//!
//! Conventions (SCIENCE.md §0): J is the mean loss and H its Hessian; U = −ln p(w|D) is summed.
//! The learning rate α is always the coefficient of the gradient in the update, so Welling &
//! Teh's ε is 2α (see [`sgld`]); in [`ou`] SGLD's α is the mean-loss step (`ε = 2α/N` on U).

pub mod lyapunov;
pub mod ou;
mod ou_config;
pub mod sgld;
mod sgld_config;
pub mod spectrum;
#[cfg(test)]
mod tests;

pub use ou::{OuSnapshot, OuTheory, Quadratic, RateSweep, SgdOu, SGD_OU_HISTORY_FIELDS};
pub use ou_config::{Convention, Method, Problem, SgdOuConfig, SGD_OU_FIELDS};
pub use sgld::{Sgld, SgldReference, SgldSnapshot, Target, SGLD_HISTORY_FIELDS};
pub use sgld_config::{Model, Schedule, SgldConfig, SGLD_FIELDS};
pub use spectrum::OuFull;

use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;

/// The seeded fixture: an SGD-OU run on data (SGLD method, M = 30, 300 steps, seed 2026) and an
/// SGLD run on the banana (M = 20, n = 3, decaying steps, 300 steps, seed 2026). Returns the
/// FNV-1a hash of both histories and final positions, and the last trace ratio of the first.
/// Plain loops and `libm` only: the WebAssembly build must reproduce it bit for bit.
pub fn sgd_posterior_fixture() -> (u64, f64) {
    let ou_config = SgdOuConfig {
        method: Method::Sgld,
        chains: 30,
        steps: 300,
        seed: 2026,
        ..SgdOuConfig::default()
    };
    let mut ou = SgdOu::new(ou_config);
    ou.run(usize::MAX);
    let sgld_config = SgldConfig {
        model: Model::Banana,
        schedule: Schedule::Decaying,
        batch_size: 3,
        chains: 20,
        steps: 300,
        seed: 2026,
        ..SgldConfig::default()
    };
    let mut sgld = Sgld::new(sgld_config);
    sgld.run(usize::MAX);
    let (p1, p2) = (ou.positions(), sgld.positions());
    let hash = hash_f64s(
        ou.history()
            .iter()
            .chain(&p1)
            .chain(sgld.history())
            .chain(&p2),
    );
    (hash, ou.snapshot().trace_ratio)
}

/// Expected [`sgd_posterior_fixture`] hash (recorded natively; the wasm test asserts the same).
pub const SGD_POSTERIOR_FIXTURE_HASH: u64 = 0xbdcd_f754_59f3_850f;
/// Expected final trace ratio bits.
pub const SGD_POSTERIOR_FIXTURE_RATIO_BITS: u64 = 0x4010_a99d_1752_0440;
