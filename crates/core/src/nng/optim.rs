//! The three noisy-natural-gradient updates of Zhang, Sun, Duvenaud & Grosse (ICML 2018),
//! "Noisy natural gradient as variational inference", with SCIENCE.md §6's conventions:
//! per-example gradients averaged over the batch, `λ` the KL weight, `γ_in = λ/(Nη)`,
//! `γ = γ_in + γ_ex`, `α̃ = αλ/N`, `β̃ = λβ/N`.
//!
//! Each step samples weights from `q`, takes the batch's gradient and curvature there, moves the
//! precision (a moving average of the curvature) and takes a stochastic Newton step on the mean:
//! - **full** (the lecture form): `w ~ N(μ, Λ⁻¹)`; `μ ← μ + αΛ⁻¹[∇log p − γ_in w]`, then
//!   `Λ ← (1 − β̃)Λ + β[Ĉ + γ_in I]` with `Ĉ` the batch mean of `c cᵀ` (G in place of −∇²).
//! - **noisy Adam** (Alg. 1, diagonal precision `Λ = (N/λ)diag(f + γ_in)`):
//!   `w ~ N(μ, (λ/N)diag(f + γ_in)⁻¹)`, `v = ∇log p − γ_in w`, `m ← β₁m + (1 − β₁)v`,
//!   `f ← (1 − β̃)f + β̃·mean(c²)`, `μ ← μ + α̃(m/(1 − β₁ᵏ))/(f + γ)`, with **no square root**.
//!   `f` starts at 0 (so `q` starts at the prior, as `Λ₀ = I/η`) and is not bias-corrected:
//!   `(N/λ)(f_k + γ_in)` then equals the lecture form's diagonal `Λ_k` exactly.
//! - **noisy K-FAC** (Alg. 2, per layer `Λ ≈ (N/λ)(S ⊗ A) + damping`): `A ← (1 − β̃)A + β̃·mean(a aᵀ)`,
//!   `S ← (1 − β̃)S + β̃·mean(ds dsᵀ)`, `π = √((tr A/dim A)/(tr S/dim S))`, `A^γ = A + π√γ I`,
//!   `S^γ = S + (√γ/π)I`; `W ~ MN(M, (λ/N)[S^{γ_in}]⁻¹, [A^{γ_in}]⁻¹)` (rows = outputs here,
//!   the transpose of the paper's layout), `M ← M + α̃[S^γ]⁻¹V[A^γ]⁻¹`, `V = ∇_W log p − γ_in W`.
//!   Factors start at 0, where `π := 1`, so `q` starts at the prior.
//!
//! Order within a step: sample from the current `q`; the full form updates `μ` with the
//! current `Λ` and then `Λ` (SCIENCE.md §6 "Trajectory"); noisy Adam and noisy K-FAC update the
//! curvature first and then the mean (the order of the paper's algorithms). The full form has no
//! `γ_ex` (the lecture's update has none).

// Index loops follow the formulas (Λ_ij, A_ik …) and are kept as written.
#![allow(clippy::needless_range_loop)]

use super::linalg::{back_solve, cholesky, cholesky_inverse, cholesky_solve};
use super::model::{Block, Curvature, ExampleStats, NngModel};
use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

/// A mean whose entries leave `±DIVERGENCE_BOUND` (or any non-finite state) counts as diverged.
pub const DIVERGENCE_BOUND: f64 = 1e8;

/// Which structure the precision has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Method {
    /// Full precision matrix (the lecture's NNG).
    Full,
    /// Diagonal precision: noisy Adam (Alg. 1).
    NoisyAdam,
    /// Kronecker-factored precision per layer: noisy K-FAC (Alg. 2).
    NoisyKfac,
}

impl Method {
    /// All methods, in the order of histories and snapshots.
    pub const ALL: [Method; 3] = [Method::Full, Method::NoisyAdam, Method::NoisyKfac];

    /// camelCase name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Full => "full",
            Method::NoisyAdam => "noisyAdam",
            Method::NoisyKfac => "noisyKfac",
        }
    }
}

/// Hyperparameters shared by the three updates (lecture-form `α`, `β`; see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    /// `α`, the lecture form's learning rate; noisy Adam and K-FAC use `α̃ = αλ/N`.
    pub learning_rate: f64,
    /// `β`, the lecture form's precision rate; every moving average uses `β̃ = λβ/N`.
    pub beta: f64,
    /// `λ`, the KL weight.
    pub kl_weight: f64,
    /// `η`, the prior variance.
    pub prior_variance: f64,
    /// `β₁`, noisy Adam's momentum.
    pub momentum: f64,
    /// `γ_ex`, extra damping of the mean update (noisy Adam and K-FAC).
    pub extrinsic_damping: f64,
    pub curvature: Curvature,
    /// `N`.
    pub data_points: usize,
}

impl Hyper {
    /// `γ_in = λ/(Nη)`.
    pub fn intrinsic_damping(&self) -> f64 {
        self.kl_weight / (self.data_points as f64 * self.prior_variance)
    }
    /// `α̃ = αλ/N`.
    pub fn paper_learning_rate(&self) -> f64 {
        self.learning_rate * self.kl_weight / self.data_points as f64
    }
    /// `β̃ = λβ/N`.
    pub fn ema_rate(&self) -> f64 {
        self.kl_weight * self.beta / self.data_points as f64
    }
    /// `λ/N`, the scale of the covariance.
    fn scale(&self) -> f64 {
        self.kl_weight / self.data_points as f64
    }
}

/// K-FAC's damping split `π = √((tr A/dim A)/(tr S/dim S))`, 1 when either factor is zero.
pub fn kfac_pi(a: &[f64], s: &[f64]) -> f64 {
    let (da, ds) = (isqrt(a.len()), isqrt(s.len()));
    let ta: f64 = (0..da).map(|i| a[i * da + i]).sum::<f64>() / da as f64;
    let ts: f64 = (0..ds).map(|i| s[i * ds + i]).sum::<f64>() / ds as f64;
    if ta > 0.0 && ts > 0.0 {
        libm::sqrt(ta / ts)
    } else {
        1.0
    }
}

fn isqrt(n: usize) -> usize {
    let mut k = 0;
    while (k + 1) * (k + 1) <= n {
        k += 1;
    }
    k
}

/// `M + c·I` for a flat `n×n` matrix.
fn plus_identity(m: &[f64], c: f64) -> Vec<f64> {
    let n = isqrt(m.len());
    let mut out = m.to_vec();
    for i in 0..n {
        out[i * n + i] += c;
    }
    out
}

/// The damped factors `(A + π√γ I, S + (√γ/π)I)` of one block.
pub fn damped_factors(a: &[f64], s: &[f64], gamma: f64) -> (Vec<f64>, Vec<f64>) {
    let pi = kfac_pi(a, s);
    let root = libm::sqrt(gamma);
    (plus_identity(a, pi * root), plus_identity(s, root / pi))
}

/// The state of `q` and of the optimizer for one method.
#[derive(Clone, Debug)]
pub struct VariationalState {
    pub method: Method,
    /// `μ`, flat.
    pub mean: Vec<f64>,
    /// Full: `Λ` (D×D). Empty otherwise.
    pub precision: Vec<f64>,
    /// Noisy Adam: `f` (the diagonal curvature average). Empty otherwise.
    pub fisher_diagonal: Vec<f64>,
    /// Noisy Adam: the momentum `m`.
    pub momentum: Vec<f64>,
    beta1_power: f64,
    /// Noisy K-FAC: `(A, S)` per block, `cols×cols` and `n_out×n_out`, row-major.
    pub factors: Vec<(Vec<f64>, Vec<f64>)>,
    /// The weights sampled by the last step.
    pub last_sample: Vec<f64>,
    /// The batch-mean log-likelihood at the last sample.
    pub last_log_likelihood: f64,
    /// Set once the state turned non-finite or exploded; the state is then frozen.
    pub diverged: bool,
    stats: ExampleStats,
    gradient: Vec<f64>,
}

impl VariationalState {
    /// `q` at the prior `N(0, ηI)` with mean `initial_mean` (zeros for linear regression).
    pub fn new<M: NngModel + ?Sized>(
        method: Method,
        model: &M,
        hyper: &Hyper,
        initial_mean: Vec<f64>,
    ) -> Self {
        let d = model.num_params();
        assert_eq!(initial_mean.len(), d);
        let precision = match method {
            Method::Full => {
                let mut p = vec![0.0; d * d];
                for i in 0..d {
                    p[i * d + i] = 1.0 / hyper.prior_variance;
                }
                p
            }
            _ => Vec::new(),
        };
        let (fisher_diagonal, momentum) = match method {
            Method::NoisyAdam => (vec![0.0; d], vec![0.0; d]),
            _ => (Vec::new(), Vec::new()),
        };
        let factors = match method {
            Method::NoisyKfac => model
                .blocks()
                .iter()
                .map(|b| (vec![0.0; b.cols() * b.cols()], vec![0.0; b.n_out * b.n_out]))
                .collect(),
            _ => Vec::new(),
        };
        VariationalState {
            method,
            mean: initial_mean.clone(),
            precision,
            fisher_diagonal,
            momentum,
            beta1_power: 1.0,
            factors,
            last_sample: initial_mean,
            last_log_likelihood: f64::NAN,
            diverged: false,
            stats: ExampleStats::for_model(model),
            gradient: vec![0.0; d],
        }
    }

    /// The covariance of `q`, D×D row-major (`None` if the precision is not positive definite).
    pub fn covariance<M: NngModel + ?Sized>(&self, model: &M, hyper: &Hyper) -> Option<Vec<f64>> {
        let d = self.mean.len();
        let gin = hyper.intrinsic_damping();
        match self.method {
            Method::Full => Some(cholesky_inverse(&cholesky(&self.precision, d)?, d)),
            Method::NoisyAdam => {
                let mut c = vec![0.0; d * d];
                for j in 0..d {
                    c[j * d + j] = hyper.scale() / (self.fisher_diagonal[j] + gin);
                }
                Some(c)
            }
            Method::NoisyKfac => {
                let mut c = vec![0.0; d * d];
                for (b, (a, s)) in model.blocks().iter().zip(&self.factors) {
                    let (ag, sg) = damped_factors(a, s, gin);
                    let ai = cholesky_inverse(&cholesky(&ag, b.cols())?, b.cols());
                    let si = cholesky_inverse(&cholesky(&sg, b.n_out)?, b.n_out);
                    for o in 0..b.n_out {
                        for i in 0..b.cols() {
                            for o2 in 0..b.n_out {
                                for i2 in 0..b.cols() {
                                    c[b.index(o, i) * d + b.index(o2, i2)] = hyper.scale()
                                        * si[o * b.n_out + o2]
                                        * ai[i * b.cols() + i2];
                                }
                            }
                        }
                    }
                }
                Some(c)
            }
        }
    }

    /// Draw `w ~ q` into `last_sample` (D normals per step, in parameter or block order).
    pub(crate) fn sample<M: NngModel + ?Sized>(
        &mut self,
        model: &M,
        hyper: &Hyper,
        rng: &mut SeededRng,
    ) -> Option<()> {
        let d = self.mean.len();
        let gin = hyper.intrinsic_damping();
        let w = &mut self.last_sample;
        match self.method {
            Method::Full => {
                let l = cholesky(&self.precision, d)?;
                let mut z: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
                back_solve(&l, d, &mut z);
                for j in 0..d {
                    w[j] = self.mean[j] + z[j];
                }
            }
            Method::NoisyAdam => {
                for j in 0..d {
                    let var = hyper.scale() / (self.fisher_diagonal[j] + gin);
                    w[j] = self.mean[j] + libm::sqrt(var) * rng.normal();
                }
            }
            Method::NoisyKfac => {
                let root = libm::sqrt(hyper.scale());
                for (b, (a, s)) in model.blocks().iter().zip(&self.factors) {
                    let (ag, sg) = damped_factors(a, s, gin);
                    let (la, ls) = (cholesky(&ag, b.cols())?, cholesky(&sg, b.n_out)?);
                    let (rows, cols) = (b.n_out, b.cols());
                    // E = L_S⁻ᵀ Z L_A⁻¹: rows of Z solved against L_Aᵀ, then columns against L_S.
                    let mut e: Vec<f64> = (0..rows * cols).map(|_| rng.normal()).collect();
                    for r in 0..rows {
                        back_solve(&la, cols, &mut e[r * cols..(r + 1) * cols]);
                    }
                    let mut col = vec![0.0; rows];
                    for c in 0..cols {
                        for r in 0..rows {
                            col[r] = e[r * cols + c];
                        }
                        back_solve(&ls, rows, &mut col);
                        for r in 0..rows {
                            e[r * cols + c] = col[r];
                        }
                    }
                    for r in 0..rows {
                        for c in 0..cols {
                            let k = b.index(r, c);
                            w[k] = self.mean[k] + root * e[r * cols + c];
                        }
                    }
                }
            }
        }
        Some(())
    }

    /// One step on the examples `batch`. Returns false (and freezes the state) on divergence.
    pub fn step<M: NngModel + ?Sized>(
        &mut self,
        model: &mut M,
        hyper: &Hyper,
        batch: &[usize],
        rng: &mut SeededRng,
    ) -> bool {
        if self.diverged {
            return false;
        }
        let ok = self.try_step(model, hyper, batch, rng).is_some()
            && self
                .mean
                .iter()
                .all(|v| v.is_finite() && v.abs() <= DIVERGENCE_BOUND)
            && self.precision.iter().all(|v| v.is_finite())
            && self.fisher_diagonal.iter().all(|v| v.is_finite())
            && self
                .factors
                .iter()
                .all(|(a, s)| a.iter().chain(s).all(|v| v.is_finite()));
        if !ok {
            self.diverged = true;
        }
        ok
    }

    fn try_step<M: NngModel + ?Sized>(
        &mut self,
        model: &mut M,
        hyper: &Hyper,
        batch: &[usize],
        rng: &mut SeededRng,
    ) -> Option<()> {
        let d = self.mean.len();
        let gin = hyper.intrinsic_damping();
        let beta_t = hyper.ema_rate();
        self.sample(model, hyper, rng)?;
        // Batch means of the gradient and of the method's curvature statistic.
        let inv_b = 1.0 / batch.len() as f64;
        self.gradient.fill(0.0);
        let mut curv_full = if self.method == Method::Full {
            vec![0.0; d * d]
        } else {
            Vec::new()
        };
        let mut curv_diag = if self.method == Method::NoisyAdam {
            vec![0.0; d]
        } else {
            Vec::new()
        };
        let mut kfac_stats: Vec<(Vec<f64>, Vec<f64>)> = if self.method == Method::NoisyKfac {
            model
                .blocks()
                .iter()
                .map(|b| (vec![0.0; b.cols() * b.cols()], vec![0.0; b.n_out * b.n_out]))
                .collect()
        } else {
            Vec::new()
        };
        let mut loglik = 0.0;
        for &i in batch {
            loglik += model.example(&self.last_sample, i, hyper.curvature, rng, &mut self.stats);
            let st = &self.stats;
            for j in 0..d {
                self.gradient[j] += st.gradient[j] * inv_b;
            }
            match self.method {
                Method::Full => {
                    for j in 0..d {
                        for k in 0..d {
                            curv_full[j * d + k] += st.curvature[j] * st.curvature[k] * inv_b;
                        }
                    }
                }
                Method::NoisyAdam => {
                    for j in 0..d {
                        curv_diag[j] += st.curvature[j] * st.curvature[j] * inv_b;
                    }
                }
                Method::NoisyKfac => {
                    for (l, (a_hat, s_hat)) in kfac_stats.iter_mut().enumerate() {
                        add_outer(a_hat, &st.activations[l], inv_b);
                        add_outer(s_hat, &st.pre_activation[l], inv_b);
                    }
                }
            }
        }
        self.last_log_likelihood = loglik * inv_b;
        // v = ∇log p − γ_in w.
        let mut v: Vec<f64> = (0..d)
            .map(|j| self.gradient[j] - gin * self.last_sample[j])
            .collect();
        match self.method {
            Method::Full => {
                let l = cholesky(&self.precision, d)?;
                cholesky_solve(&l, d, &mut v);
                for j in 0..d {
                    self.mean[j] += hyper.learning_rate * v[j];
                }
                for j in 0..d {
                    for k in 0..d {
                        let target = curv_full[j * d + k] + if j == k { gin } else { 0.0 };
                        self.precision[j * d + k] =
                            (1.0 - beta_t) * self.precision[j * d + k] + hyper.beta * target;
                    }
                }
            }
            Method::NoisyAdam => {
                let b1 = hyper.momentum;
                self.beta1_power *= b1;
                let gamma = gin + hyper.extrinsic_damping;
                let rate = hyper.paper_learning_rate();
                for j in 0..d {
                    self.momentum[j] = b1 * self.momentum[j] + (1.0 - b1) * v[j];
                    self.fisher_diagonal[j] =
                        (1.0 - beta_t) * self.fisher_diagonal[j] + beta_t * curv_diag[j];
                    let m_hat = self.momentum[j] / (1.0 - self.beta1_power);
                    self.mean[j] += rate * m_hat / (self.fisher_diagonal[j] + gamma);
                }
            }
            Method::NoisyKfac => {
                let gamma = gin + hyper.extrinsic_damping;
                let rate = hyper.paper_learning_rate();
                let blocks: Vec<Block> = model.blocks().to_vec();
                for ((b, (a, s)), (a_hat, s_hat)) in
                    blocks.iter().zip(self.factors.iter_mut()).zip(&kfac_stats)
                {
                    for (x, y) in a.iter_mut().zip(a_hat) {
                        *x = (1.0 - beta_t) * *x + beta_t * y;
                    }
                    for (x, y) in s.iter_mut().zip(s_hat) {
                        *x = (1.0 - beta_t) * *x + beta_t * y;
                    }
                    let (ag, sg) = damped_factors(a, s, gamma);
                    let (la, ls) = (cholesky(&ag, b.cols())?, cholesky(&sg, b.n_out)?);
                    let (rows, cols) = (b.n_out, b.cols());
                    let mut m: Vec<f64> = (0..rows * cols)
                        .map(|k| v[b.index(k / cols, k % cols)])
                        .collect();
                    // [S^γ]⁻¹ V [A^γ]⁻¹: rows against A^γ (symmetric), then columns against S^γ.
                    for r in 0..rows {
                        cholesky_solve(&la, cols, &mut m[r * cols..(r + 1) * cols]);
                    }
                    let mut col = vec![0.0; rows];
                    for c in 0..cols {
                        for r in 0..rows {
                            col[r] = m[r * cols + c];
                        }
                        cholesky_solve(&ls, rows, &mut col);
                        for r in 0..rows {
                            self.mean[b.index(r, c)] += rate * col[r];
                        }
                    }
                }
            }
        }
        Some(())
    }
}

/// `M += c·x xᵀ` for a flat `n×n` matrix, `n = x.len()`.
fn add_outer(m: &mut [f64], x: &[f64], c: f64) {
    let n = x.len();
    for i in 0..n {
        for j in 0..n {
            m[i * n + j] += c * x[i] * x[j];
        }
    }
}
