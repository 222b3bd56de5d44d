//! Bayes by Backprop on the regression MLP (Blundell et al. 2015, "Weight uncertainty in
//! neural networks"; SCIENCE.md §4).
//!
//! `q(w) = Π_j N(μ_j, s_j²)` with `s = softplus(ρ)`; `w = μ + s ⊙ ε`, `ε ~ N(0, I)`. The ELBO
//! `F = E_q ln p(D|w) − KL(q‖N(0, ηI))` has its two terms estimated separately: the expected
//! log-likelihood by S reparameterized samples, the KL in closed form,
//! `KL = ½Σ_j[(s_j² + μ_j²)/η − 1 − ln(s_j²/η)]`. Gradients: with `g = ∇_w ln p(D|w)` at the
//! sample, `∂F/∂μ = g − μ/η` and `∂F/∂ρ = (g ε − s/η + 1/s)·σ(ρ)`. As `s → 0` the μ-gradient is
//! the ordinary backprop gradient of the log posterior (tested).

use super::model::{BayesianMlp, RegressionData};
use crate::nn::mlp::Tape;
use crate::rng::SeededRng;
use crate::special::{sigmoid, softplus};
use serde::Serialize;

/// The ELBO's terms (nats; the KL also in bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElboEstimate {
    /// Monte Carlo estimate of `E_q ln p(D|w)` (S samples).
    pub expected_log_likelihood: f64,
    /// `KL(q‖p(w))` in nats.
    pub kl_nats: f64,
    /// The same in bits (the description length of the weights).
    pub kl_bits: f64,
    /// `F = E_q ln p(D|w) − KL`.
    pub elbo: f64,
}

/// `KL(Π N(μ_j, s_j²) ‖ N(0, ηI))` in nats.
pub fn kl_to_prior(mean: &[f64], std: &[f64], prior_variance: f64) -> f64 {
    0.5 * mean
        .iter()
        .zip(std)
        .map(|(m, s)| (s * s + m * m) / prior_variance - 1.0 - libm::log(s * s / prior_variance))
        .sum::<f64>()
}

/// The ELBO estimate and its gradient with respect to `(μ, ρ)` from `samples` reparameterized
/// draws (ε from `rng`, sample by sample, parameter by parameter). `grad` has length 2P:
/// `[∂F/∂μ, ∂F/∂ρ]`.
#[allow(clippy::too_many_arguments)]
pub fn elbo_gradient(
    model: &BayesianMlp,
    data: &RegressionData,
    mean: &[f64],
    rho: &[f64],
    samples: usize,
    rng: &mut SeededRng,
    tape: &mut Tape,
    grad: &mut [f64],
) -> ElboEstimate {
    let p = mean.len();
    let eta = model.prior_variance;
    grad.fill(0.0);
    let std: Vec<f64> = rho.iter().map(|&r| softplus(r)).collect();
    let mut w = vec![0.0; p];
    let mut eps = vec![0.0; p];
    let mut g = vec![0.0; p];
    let mut ell = 0.0;
    let inv = 1.0 / samples as f64;
    for _ in 0..samples {
        for j in 0..p {
            eps[j] = rng.normal();
            w[j] = mean[j] + std[j] * eps[j];
        }
        ell += inv * model.log_likelihood(&w, data, tape, &mut g);
        for j in 0..p {
            grad[j] += inv * g[j];
            grad[p + j] += inv * g[j] * eps[j];
        }
    }
    for j in 0..p {
        grad[j] -= mean[j] / eta;
        grad[p + j] = (grad[p + j] - std[j] / eta + 1.0 / std[j]) * sigmoid(rho[j]);
    }
    let kl = kl_to_prior(mean, &std, eta);
    ElboEstimate {
        expected_log_likelihood: ell,
        kl_nats: kl,
        kl_bits: kl / std::f64::consts::LN_2,
        elbo: ell - kl,
    }
}
