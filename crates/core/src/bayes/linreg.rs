//! Bayesian linear regression in closed form (SCIENCE.md §4; Bishop PRML §3.3–3.4, §10.1;
//! Lecture 8, "Variational Bayes and MDL").
//!
//! Model: `t_i = wᵀx_i + N(0, σ²)` with `σ²` the `noise_variance` (default 0.25) and prior
//! `w ~ N(0, ηI)` with `η` the `prior_variance` (default 1). With `X` the N×D input matrix,
//! `A = XᵀX/σ²` and `b = Xᵀt/σ²`:
//! - posterior precision `P = A + I/η` and mean `m = P⁻¹b`;
//! - evidence `ln p(D) = ln N(t; 0, σ²I + ηXXᵀ)
//!   = −(N/2)ln 2πσ² − (D/2)ln η − ½ln det P − ½(tᵀt/σ² − bᵀm)`;
//! - for `q = N(μ, Σ)`: `F(q) = E_q ln p(D|w) − KL(q‖p(w)) = ln p(D) − KL(q‖p(w|D))`;
//! - the mean-field optimum `q = Π_j N(m_j, 1/P_jj)` has gap `½(Σ_j ln P_jj − ln det P) ≥ 0`.
//!
//! Matrices are flat row-major `Vec<f64>` (D×D or N×D) at the API. nalgebra (column-major)
//! does the Cholesky factorizations, solves and log-determinants of the reference quantities
//! ([`BlrPosterior`]); the per-step quantities a seeded run hashes ([`elbo_terms`],
//! [`SufficientStats`]) are plain loops.

use super::special::LN_2PI;
use crate::rng::SeededRng;
use nalgebra::DMatrix;
use serde::Serialize;
use std::f64::consts::LN_2;

/// A regression data set: inputs `X` (N×D, row-major) and targets `t` (length N).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinRegData {
    /// `X`, N×D row-major: row `i` is `x_iᵀ`.
    pub inputs: Vec<f64>,
    /// `t`, length N.
    pub targets: Vec<f64>,
    /// D, the number of weights.
    pub dim: usize,
    /// The weights that generated the data (empty for data given by hand).
    pub true_weights: Vec<f64>,
}

impl LinRegData {
    /// Data from `X` (N×D row-major) and `t`.
    pub fn new(inputs: Vec<f64>, targets: Vec<f64>, dim: usize) -> Self {
        assert_eq!(inputs.len(), targets.len() * dim, "X must be N×D");
        LinRegData {
            inputs,
            targets,
            dim,
            true_weights: Vec::new(),
        }
    }

    /// A seeded synthetic data set from the model itself: `w ~ N(0, ηI)`, equicorrelated
    /// standard-normal features `x_ij = √c·g_i + √(1−c)·z_ij` (correlation `c` between any two
    /// features, which makes the posterior correlated and the mean-field gap visible), and
    /// `t_i = wᵀx_i + σ·ε_i`. Draws from stream 0 of `seed`: `w` first, then per example
    /// `g_i, z_i1 … z_iD, ε_i`.
    pub fn generate(
        data_points: usize,
        dim: usize,
        feature_correlation: f64,
        noise_variance: f64,
        prior_variance: f64,
        seed: u64,
    ) -> Self {
        let mut rng = SeededRng::new(seed, 0);
        let prior_std = libm::sqrt(prior_variance);
        let w: Vec<f64> = (0..dim).map(|_| prior_std * rng.normal()).collect();
        let (shared, own) = (
            libm::sqrt(feature_correlation),
            libm::sqrt(1.0 - feature_correlation),
        );
        let noise_std = libm::sqrt(noise_variance);
        let mut inputs = Vec::with_capacity(data_points * dim);
        let mut targets = Vec::with_capacity(data_points);
        for _ in 0..data_points {
            let g = rng.normal();
            let mut t = 0.0;
            for wj in &w {
                let x = shared * g + own * rng.normal();
                inputs.push(x);
                t += wj * x;
            }
            targets.push(t + noise_std * rng.normal());
        }
        LinRegData {
            inputs,
            targets,
            dim,
            true_weights: w,
        }
    }

    /// N, the number of examples.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// `‖t − Xw‖²`, by plain loops over the data.
    pub fn residual_sum_of_squares(&self, w: &[f64]) -> f64 {
        self.inputs
            .chunks(self.dim)
            .zip(&self.targets)
            .map(|(x, t)| {
                let r = t - x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>();
                r * r
            })
            .sum()
    }

    /// `XᵀX`, `Xᵀt` and `tᵀt` by plain loops.
    pub fn sufficient_stats(&self) -> SufficientStats {
        let d = self.dim;
        let mut gram = vec![0.0; d * d];
        let mut xt_t = vec![0.0; d];
        for (x, t) in self.inputs.chunks(d).zip(&self.targets) {
            for j in 0..d {
                xt_t[j] += x[j] * t;
                for k in 0..d {
                    gram[j * d + k] += x[j] * x[k];
                }
            }
        }
        SufficientStats {
            gram,
            xt_t,
            t_t: self.targets.iter().map(|t| t * t).sum(),
            n: self.len(),
        }
    }

    /// The unnormalized log posterior `ln p(w, D) = ln p(D|w) + ln p(w)` and its gradient
    /// `Xᵀ(t − Xw)/σ² − w/η` as a closure for [`super::hmc::Hmc`] (plain loops, O(D²) a call).
    pub fn log_posterior_fn(
        &self,
        noise_variance: f64,
        prior_variance: f64,
    ) -> impl FnMut(&[f64], &mut [f64]) -> f64 {
        let stats = self.sufficient_stats();
        let d = self.dim;
        let norm = -0.5 * stats.n as f64 * (LN_2PI + libm::log(noise_variance))
            - 0.5 * d as f64 * (LN_2PI + libm::log(prior_variance));
        move |w: &[f64], grad: &mut [f64]| {
            let (rss, ww) = stats.residual_gradient(w, grad);
            for j in 0..d {
                grad[j] = grad[j] / noise_variance - w[j] / prior_variance;
            }
            norm - rss / (2.0 * noise_variance) - ww / (2.0 * prior_variance)
        }
    }
}

/// `XᵀX` (D×D row-major), `Xᵀt`, `tᵀt` and N: all a Gaussian likelihood needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SufficientStats {
    /// `XᵀX`, D×D row-major.
    pub gram: Vec<f64>,
    /// `Xᵀt`, length D.
    pub xt_t: Vec<f64>,
    /// `tᵀt`.
    pub t_t: f64,
    /// N.
    pub n: usize,
}

impl SufficientStats {
    /// Writes `Xᵀ(t − Xw) = Xᵀt − XᵀXw` into `out` and returns
    /// `(‖t − Xw‖² = tᵀt − 2wᵀXᵀt + wᵀXᵀXw, wᵀw)`.
    #[inline]
    pub fn residual_gradient(&self, w: &[f64], out: &mut [f64]) -> (f64, f64) {
        let d = w.len();
        let (mut quad, mut lin, mut ww) = (0.0, 0.0, 0.0);
        for j in 0..d {
            let gw: f64 = (0..d).map(|k| self.gram[j * d + k] * w[k]).sum();
            out[j] = self.xt_t[j] - gw;
            quad += w[j] * gw;
            lin += w[j] * self.xt_t[j];
            ww += w[j] * w[j];
        }
        (self.t_t - 2.0 * lin + quad, ww)
    }
}

/// The terms of the ELBO for a Gaussian `q`, in nats (and the KL also in bits).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElboTerms {
    /// `E_q ln p(D|w) = −(N/2)ln 2πσ² − (‖t − Xμ‖² + tr(XᵀX Σ))/(2σ²)`.
    pub expected_log_likelihood: f64,
    /// `KL(q‖N(0, ηI)) = ½[tr Σ/η + μᵀμ/η − D − ln det Σ + D ln η]`.
    pub kl_nats: f64,
    /// The same KL in bits: the description length of the weights.
    pub kl_bits: f64,
    /// `F = E_q ln p(D|w) − KL`.
    pub elbo: f64,
}

impl ElboTerms {
    fn new(expected_log_likelihood: f64, kl_nats: f64) -> Self {
        ElboTerms {
            expected_log_likelihood,
            kl_nats,
            kl_bits: kl_nats / LN_2,
            elbo: expected_log_likelihood - kl_nats,
        }
    }
}

/// [`ElboTerms`] for the fully factorized `q = Π_j N(μ_j, s_j²)` (plain loops, O(ND)):
/// `E_q ln p(D|w) = −(N/2)ln 2πσ² − (‖t − Xμ‖² + Σ_j s_j²(XᵀX)_jj)/(2σ²)` and
/// `KL = ½Σ_j[(s_j² + μ_j²)/η − 1 − ln(s_j²/η)]`.
pub fn elbo_terms(
    data: &LinRegData,
    mean: &[f64],
    std: &[f64],
    noise_variance: f64,
    prior_variance: f64,
) -> ElboTerms {
    let d = data.dim;
    let mut trace = 0.0;
    for x in data.inputs.chunks(d) {
        for j in 0..d {
            trace += std[j] * std[j] * x[j] * x[j];
        }
    }
    let n = data.len() as f64;
    let ell = -0.5 * n * (LN_2PI + libm::log(noise_variance))
        - (data.residual_sum_of_squares(mean) + trace) / (2.0 * noise_variance);
    let mut kl = 0.0;
    for j in 0..d {
        let v = std[j] * std[j];
        kl +=
            0.5 * ((v + mean[j] * mean[j]) / prior_variance - 1.0 - libm::log(v / prior_variance));
    }
    ElboTerms::new(ell, kl)
}

/// Exact gradient of `F` for the factorized `q` (SCIENCE.md §4):
/// `∂F/∂μ = Xᵀ(t − Xμ)/σ² − μ/η` and `∂F/∂s_j = −s_j(XᵀX)_jj/σ² − s_j/η + 1/s_j`.
pub fn elbo_gradient(
    stats: &SufficientStats,
    mean: &[f64],
    std: &[f64],
    noise_variance: f64,
    prior_variance: f64,
) -> (Vec<f64>, Vec<f64>) {
    let d = mean.len();
    let mut g_mean = vec![0.0; d];
    stats.residual_gradient(mean, &mut g_mean);
    let mut g_std = vec![0.0; d];
    for j in 0..d {
        g_mean[j] = g_mean[j] / noise_variance - mean[j] / prior_variance;
        let s = std[j];
        g_std[j] = -s * stats.gram[j * d + j] / noise_variance - s / prior_variance + 1.0 / s;
    }
    (g_mean, g_std)
}

/// `M` (row-major `rows×cols`) as an nalgebra matrix.
pub fn from_row_major(rows: usize, cols: usize, m: &[f64]) -> DMatrix<f64> {
    DMatrix::from_row_slice(rows, cols, m)
}

/// An nalgebra matrix as a flat row-major `Vec` (nalgebra stores columns).
pub fn to_row_major(m: &DMatrix<f64>) -> Vec<f64> {
    let mut out = Vec::with_capacity(m.nrows() * m.ncols());
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(m[(i, j)]);
        }
    }
    out
}

/// `ln det` of a symmetric positive definite matrix by Cholesky, `2Σ ln L_ii`; `None` if the
/// factorization fails.
pub fn log_det_spd(m: &DMatrix<f64>) -> Option<f64> {
    let l = m.clone().cholesky()?;
    Some(2.0 * l.l().diagonal().iter().map(|v| libm::log(*v)).sum::<f64>())
}

/// [`ElboTerms`] for a full-covariance `q = N(μ, Σ)` (Σ D×D row-major, positive definite).
pub fn elbo_terms_full(
    data: &LinRegData,
    mean: &[f64],
    covariance: &[f64],
    noise_variance: f64,
    prior_variance: f64,
) -> ElboTerms {
    let d = data.dim;
    let stats = data.sufficient_stats();
    let trace_gs: f64 = (0..d * d).map(|i| stats.gram[i] * covariance[i]).sum();
    let n = data.len() as f64;
    let ell = -0.5 * n * (LN_2PI + libm::log(noise_variance))
        - (data.residual_sum_of_squares(mean) + trace_gs) / (2.0 * noise_variance);
    let trace: f64 = (0..d).map(|j| covariance[j * d + j]).sum();
    let mm: f64 = mean.iter().map(|v| v * v).sum();
    let log_det = log_det_spd(&from_row_major(d, d, covariance)).expect("Σ must be SPD");
    let kl = 0.5
        * ((trace + mm) / prior_variance - d as f64 - log_det
            + d as f64 * libm::log(prior_variance));
    ElboTerms::new(ell, kl)
}

/// The exact posterior and the reference quantities of §4 for one data set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlrPosterior {
    /// `σ²`.
    pub noise_variance: f64,
    /// `η`.
    pub prior_variance: f64,
    /// `P = XᵀX/σ² + I/η`, D×D row-major.
    pub precision: Vec<f64>,
    /// `m = P⁻¹Xᵀt/σ²`.
    pub mean: Vec<f64>,
    /// `P⁻¹`, D×D row-major.
    pub covariance: Vec<f64>,
    /// `ln det P`.
    pub log_det_precision: f64,
    /// `ln p(D)` in nats.
    pub log_evidence: f64,
    /// Mean-field optimum standard deviations `1/√P_jj` (below the true marginal stds).
    pub mean_field_std: Vec<f64>,
    /// True marginal standard deviations `√(P⁻¹)_jj`.
    pub marginal_std: Vec<f64>,
    /// `ln p(D) − F(q_MF) = ½(Σ ln P_jj − ln det P) ≥ 0`, nats.
    pub mean_field_gap: f64,
    /// `w_ML = (XᵀX)⁻¹Xᵀt`, where `XᵀX` is invertible (N ≥ D and independent features).
    pub max_likelihood: Option<Vec<f64>>,
}

impl BlrPosterior {
    /// Exact posterior by Cholesky of `P` (nalgebra), evidence by the identity above.
    pub fn new(data: &LinRegData, noise_variance: f64, prior_variance: f64) -> Self {
        let d = data.dim;
        let stats = data.sufficient_stats();
        let gram = from_row_major(d, d, &stats.gram);
        let p = &gram / noise_variance + DMatrix::identity(d, d) / prior_variance;
        let b = nalgebra::DVector::from_column_slice(&stats.xt_t) / noise_variance;
        let chol = p
            .clone()
            .cholesky()
            .expect("P = XᵀX/σ² + I/η is positive definite");
        let m = chol.solve(&b);
        let cov = chol.inverse();
        let log_det: f64 = 2.0
            * chol
                .l()
                .diagonal()
                .iter()
                .map(|v| libm::log(*v))
                .sum::<f64>();
        let n = data.len() as f64;
        let log_evidence = -0.5 * n * (LN_2PI + libm::log(noise_variance))
            - 0.5 * d as f64 * libm::log(prior_variance)
            - 0.5 * log_det
            - 0.5 * (stats.t_t / noise_variance - b.dot(&m));
        let sum_log_diag: f64 = (0..d).map(|j| libm::log(p[(j, j)])).sum();
        let max_likelihood = gram
            .clone()
            .cholesky()
            .map(|c| c.solve(&nalgebra::DVector::from_column_slice(&stats.xt_t)))
            .map(|w| w.iter().copied().collect());
        BlrPosterior {
            noise_variance,
            prior_variance,
            mean_field_std: (0..d).map(|j| 1.0 / libm::sqrt(p[(j, j)])).collect(),
            marginal_std: (0..d).map(|j| libm::sqrt(cov[(j, j)])).collect(),
            precision: to_row_major(&p),
            mean: m.iter().copied().collect(),
            covariance: to_row_major(&cov),
            log_det_precision: log_det,
            log_evidence,
            mean_field_gap: 0.5 * (sum_log_diag - log_det),
            max_likelihood,
        }
    }

    /// `KL(N(μ, Σ)‖p(w|D)) = ½[tr(PΣ) + (μ − m)ᵀP(μ − m) − D − ln det Σ − ln det P]`.
    pub fn kl_from_posterior(&self, mean: &[f64], covariance: &[f64]) -> f64 {
        let d = mean.len();
        let mut tr = 0.0;
        let mut quad = 0.0;
        for i in 0..d {
            for j in 0..d {
                tr += self.precision[i * d + j] * covariance[j * d + i];
                quad +=
                    (mean[i] - self.mean[i]) * self.precision[i * d + j] * (mean[j] - self.mean[j]);
            }
        }
        let log_det = log_det_spd(&from_row_major(d, d, covariance)).expect("Σ must be SPD");
        0.5 * (tr + quad - d as f64 - log_det - self.log_det_precision)
    }
}

/// `ln N(t; 0, σ²I + ηXXᵀ)` directly, by an N×N Cholesky: the textbook formula, an
/// independent check of [`BlrPosterior::log_evidence`] (O(N³); for tests and small N).
pub fn log_evidence_direct(data: &LinRegData, noise_variance: f64, prior_variance: f64) -> f64 {
    let (n, d) = (data.len(), data.dim);
    let x = from_row_major(n, d, &data.inputs);
    let c = &x * x.transpose() * prior_variance + DMatrix::identity(n, n) * noise_variance;
    let chol = c.cholesky().expect("σ²I + ηXXᵀ is positive definite");
    let t = nalgebra::DVector::from_column_slice(&data.targets);
    let alpha = chol.solve(&t);
    let log_det: f64 = 2.0
        * chol
            .l()
            .diagonal()
            .iter()
            .map(|v| libm::log(*v))
            .sum::<f64>();
    -0.5 * (n as f64 * LN_2PI + log_det + t.dot(&alpha))
}
