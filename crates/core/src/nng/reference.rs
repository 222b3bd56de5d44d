//! Closed-form targets and fixed points on Bayesian linear regression (SCIENCE.md §6 "Demo" and
//! "Fixed points"), computed independently of the iterations they check.
//!
//! With `F = XᵀX/(Nσ²)` (the mean per-example Fisher = G = −Hessian), `b = Xᵀt/(Nσ²)` and
//! `K = F + γ_in I`:
//! - the target of every method (the posterior with the likelihood raised to `1/λ`; the
//!   posterior itself at `λ = 1`): precision `Λ* = (N/λ)F + I/η`, mean `μ* = K⁻¹b`;
//! - noisy Adam (exact Fisher): variances `1/Λ*_jj`, the mean-field optimum, with
//!   `KL = ½(Σ ln Λ*_jj − ln det Λ*)`;
//! - noisy Adam (empirical Fisher): the fixed point of
//!   `f_j = mean_i x_ij²[(t_i − x_iᵀμ*)² + Σ_k x_ik²Σ_k]/σ⁴`, `Σ_k = (λ/N)/(f_k + γ_in)`;
//! - noisy K-FAC (exact Fisher): `A = XᵀX/N`, `S = 1/σ²`, covariance
//!   `(λ/N)(A + π√γ_in I)⁻¹/(S + √γ_in/π)`, not the posterior's.

// Index loops follow the formulas.
#![allow(clippy::needless_range_loop)]

use super::linalg::{cholesky, cholesky_inverse, cholesky_solve, kl_gaussian};
use super::optim::{damped_factors, Hyper};
use crate::bayes::linreg::LinRegData;
use serde::Serialize;

/// Target and fixed points for one data set and setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixedPoints {
    /// `μ* = K⁻¹b`.
    pub mean: Vec<f64>,
    /// `Λ*`, D×D row-major.
    pub precision: Vec<f64>,
    /// `Λ*⁻¹`.
    pub covariance: Vec<f64>,
    /// The mean-field optimum's variances `1/Λ*_jj` (noisy Adam's fixed point, exact Fisher).
    pub mean_field_variance: Vec<f64>,
    /// `KL(q_MF‖target)`, nats.
    pub kl_mean_field: f64,
    /// K-FAC's fixed-point factor `A = XᵀX/N`.
    pub kfac_a: Vec<f64>,
    /// K-FAC's fixed-point factor `S = 1/σ²` (1×1).
    pub kfac_s: f64,
    /// K-FAC's fixed-point covariance.
    pub kfac_covariance: Vec<f64>,
    /// `KL(q_KFAC‖target)` with mean `μ*`, nats.
    pub kl_kfac: f64,
    /// Noisy Adam's fixed-point `f` with the empirical Fisher.
    pub empirical_fisher_diagonal: Vec<f64>,
    /// Its variances `(λ/N)/(f_j + γ_in)`.
    pub empirical_variance: Vec<f64>,
    /// `KL(q_emp‖target)`, nats.
    pub kl_empirical: f64,
}

impl FixedPoints {
    /// All fixed points for `data`, noise variance `σ²` and the hyperparameters (`λ`, `η`, N).
    pub fn new(data: &LinRegData, noise_variance: f64, hyper: &Hyper) -> Self {
        let d = data.dim;
        let n = data.len() as f64;
        let stats = data.sufficient_stats();
        let gin = hyper.intrinsic_damping();
        let lam = hyper.kl_weight;
        let mut k = vec![0.0; d * d];
        let mut precision = vec![0.0; d * d];
        let mut kfac_a = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..d {
                let f = stats.gram[i * d + j] / (n * noise_variance);
                k[i * d + j] = f + if i == j { gin } else { 0.0 };
                precision[i * d + j] = n / lam * f
                    + if i == j {
                        1.0 / hyper.prior_variance
                    } else {
                        0.0
                    };
                kfac_a[i * d + j] = stats.gram[i * d + j] / n;
            }
        }
        let mut mean: Vec<f64> = stats
            .xt_t
            .iter()
            .map(|v| v / (n * noise_variance))
            .collect();
        cholesky_solve(&cholesky(&k, d).expect("K is SPD"), d, &mut mean);
        let covariance = cholesky_inverse(&cholesky(&precision, d).expect("Λ* is SPD"), d);
        let diag = |v: &[f64]| {
            let mut m = vec![0.0; d * d];
            for j in 0..d {
                m[j * d + j] = v[j];
            }
            m
        };
        let mean_field_variance: Vec<f64> = (0..d).map(|j| 1.0 / precision[j * d + j]).collect();
        let kl = |cov: &[f64]| kl_gaussian(&mean, cov, &mean, &precision).unwrap_or(f64::NAN);
        let kl_mean_field = kl(&diag(&mean_field_variance));
        let kfac_s = 1.0 / noise_variance;
        let (ag, sg) = damped_factors(&kfac_a, &[kfac_s], gin);
        let mut kfac_covariance = cholesky_inverse(&cholesky(&ag, d).expect("A^γ is SPD"), d);
        for v in &mut kfac_covariance {
            *v *= lam / n / sg[0];
        }
        let kl_kfac = kl(&kfac_covariance);
        // Empirical Fisher: iterate the fixed-point map (a contraction for these sizes).
        let s4 = noise_variance * noise_variance;
        let resid: Vec<f64> = data
            .inputs
            .chunks(d)
            .zip(&data.targets)
            .map(|(x, t)| t - x.iter().zip(&mean).map(|(a, b)| a * b).sum::<f64>())
            .collect();
        let mut f: Vec<f64> = (0..d)
            .map(|j| precision[j * d + j] * lam / n - gin)
            .collect();
        for _ in 0..500 {
            let var: Vec<f64> = f.iter().map(|fk| lam / n / (fk + gin)).collect();
            let mut next = vec![0.0; d];
            for (x, r) in data.inputs.chunks(d).zip(&resid) {
                let spread: f64 = (0..d).map(|k| x[k] * x[k] * var[k]).sum();
                for j in 0..d {
                    next[j] += x[j] * x[j] * (r * r + spread) / s4 / n;
                }
            }
            f = next;
        }
        let empirical_variance: Vec<f64> = f.iter().map(|fk| lam / n / (fk + gin)).collect();
        let kl_empirical = kl(&diag(&empirical_variance));
        FixedPoints {
            mean,
            precision,
            covariance,
            mean_field_variance,
            kl_mean_field,
            kfac_a,
            kfac_s,
            kfac_covariance,
            kl_kfac,
            empirical_fisher_diagonal: f,
            empirical_variance,
            kl_empirical,
        }
    }
}
