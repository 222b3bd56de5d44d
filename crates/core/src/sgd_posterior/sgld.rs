//! Stochastic gradient Langevin dynamics (Welling & Teh 2011, ICML, sec. 3; Grosse, Lecture 8,
//! "SGD and Implicit Variational Bayes"; SCIENCE.md §7).
//!
//! Target `U(w) = −ln p(w|D) = Σ_i ℓ_i(w) + R(w)` (**summed** over the data, `ℓ_i = −ln p(t_i|x_i,w)`,
//! `R = −ln p(w)`). Each step draws a fresh subset b of size n (uniform, without replacement),
//! `∇Û = ∇R + (N/n)Σ_{i∈b}∇ℓ_i`, and
//! `w ← w − α_t∇Û + N(0, v_t I)`, with
//! - Welling–Teh: `v_t = 2α_t` (their ε_t = 2α_t): stationary law → the posterior as α → 0;
//! - the lecture's rule as written: `v_t = α_t`: it samples ∝ `exp(−2U)`, covariance
//!   `(2P − αP²)⁻¹ → P⁻¹/2` on linear regression. The factor of two is the pitfall.
//!
//! Reference quantities: the exact posterior (closed form for linear regression, a grid for the
//! others) and, on linear regression at fixed α, the **exact** stationary covariance of the
//! chain: full-batch `S = MSMᵀ + vI`, `M = I − αP`, and mini-batch
//! `S₂ = E_b[M_bS₂M_bᵀ + α(M_bmc_bᵀ + c_bmᵀM_bᵀ) + α²c_bc_bᵀ] + vI`, `Cov = S₂ − mmᵀ`
//! (SCIENCE.md §7 with ε/2 = α), where the expectations over subsets use the inclusion
//! probabilities `n/N` and `n(n−1)/(N(N−1))` (O(N) sums, checked against enumeration).
//!
//! Chain `i` draws from stream `i + 1` of the seed; the data from stream 0. Plain loops only.

use super::lyapunov::{discrete_lyapunov, flat2, mat2, symmetrize};
use super::ou_config::Convention;
use super::sgld_config::{Model, Schedule, SgldConfig};
use crate::bayes::linreg::{BlrPosterior, LinRegData};
use crate::bayes::logreg::{grid_posterior, laplace, GridSpec, LogRegData};
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::rng::SeededRng;
use crate::special::sigmoid;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

/// Linear regression: observation-noise variance σ² and prior variance η (SCIENCE.md §7).
pub const LINREG_NOISE_VARIANCE: f64 = 0.25;
pub const LINREG_PRIOR_VARIANCE: f64 = 1.0;
/// Feature correlation of the linear-regression data (a tilted posterior).
pub const LINREG_FEATURE_CORRELATION: f64 = 0.5;
/// Logistic regression: prior variance (SCIENCE.md §3) and the weights generating the labels.
pub const LOGREG_PRIOR_VARIANCE: f64 = 2.0;
pub const LOGREG_TRUE_WEIGHTS: [f64; 2] = [1.5, -1.0];
/// Banana: `y_i = 1 + 2ε_i`, likelihood `N(y_i; w₁ + w₂², 4)`, prior `N(0, I)`.
pub const BANANA_NOISE_VARIANCE: f64 = 4.0;
/// Half-width of the banana's reference grid `[−L, L]²` and its nodes per axis.
const BANANA_HALF_WIDTH: f64 = 5.0;
const BANANA_GRID: usize = 501;

/// A chain leaving `|w| ≤ DIVERGENCE_BOUND` (or non-finite) has diverged.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// Columns of a history row.
pub const SGLD_HISTORY_FIELDS: [&str; 7] = [
    "step",
    "learningRate",
    "meanX",
    "meanY",
    "covXX",
    "covXY",
    "covYY",
];

/// A posterior over `w ∈ R²` as a sum of per-example terms plus a prior.
#[derive(Clone, Debug)]
pub enum Target {
    /// Examples `(x_i, t_i)`.
    Linreg(Vec<([f64; 2], f64)>),
    /// Examples `(x_i, y_i)`.
    Logreg(Vec<([f64; 2], f64)>),
    /// Observations `y_i`.
    Banana(Vec<f64>),
}

impl Target {
    /// The seeded data of `model` (stream 0 of `seed`).
    pub fn new(model: Model, n: usize, seed: u64) -> Self {
        match model {
            Model::Linreg => {
                let d = LinRegData::generate(
                    n,
                    2,
                    LINREG_FEATURE_CORRELATION,
                    LINREG_NOISE_VARIANCE,
                    LINREG_PRIOR_VARIANCE,
                    seed,
                );
                Target::Linreg(
                    d.inputs
                        .chunks(2)
                        .zip(&d.targets)
                        .map(|(x, t)| ([x[0], x[1]], *t))
                        .collect(),
                )
            }
            Model::Logreg => {
                let d = LogRegData::generate(n, LOGREG_TRUE_WEIGHTS, seed);
                Target::Logreg(d.inputs.into_iter().zip(d.labels).collect())
            }
            Model::Banana => {
                let mut rng = SeededRng::new(seed, 0);
                let sd = libm::sqrt(BANANA_NOISE_VARIANCE);
                Target::Banana((0..n).map(|_| 1.0 + sd * rng.normal()).collect())
            }
        }
    }

    /// N.
    pub fn len(&self) -> usize {
        match self {
            Target::Linreg(e) | Target::Logreg(e) => e.len(),
            Target::Banana(y) => y.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn prior_variance(&self) -> f64 {
        match self {
            Target::Linreg(_) => LINREG_PRIOR_VARIANCE,
            Target::Logreg(_) => LOGREG_PRIOR_VARIANCE,
            Target::Banana(_) => 1.0,
        }
    }

    /// `∇ℓ_i(w)`, the gradient of example i's negative log-likelihood.
    #[inline]
    pub fn example_gradient(&self, i: usize, w: [f64; 2]) -> [f64; 2] {
        match self {
            Target::Linreg(e) => {
                let (x, t) = e[i];
                let r = (x[0] * w[0] + x[1] * w[1] - t) / LINREG_NOISE_VARIANCE;
                [x[0] * r, x[1] * r]
            }
            Target::Logreg(e) => {
                let (x, y) = e[i];
                let s = sigmoid(x[0] * w[0] + x[1] * w[1]);
                [(s - y) * x[0], (s - y) * x[1]]
            }
            Target::Banana(y) => {
                let r = (w[0] + w[1] * w[1] - y[i]) / BANANA_NOISE_VARIANCE;
                [r, 2.0 * w[1] * r]
            }
        }
    }

    /// `U(w) = Σ_i ℓ_i(w) + ‖w‖²/(2η)` up to a constant.
    pub fn potential(&self, w: [f64; 2]) -> f64 {
        let prior = (w[0] * w[0] + w[1] * w[1]) / (2.0 * self.prior_variance());
        let lik: f64 = match self {
            Target::Linreg(e) => e
                .iter()
                .map(|(x, t)| {
                    let r = x[0] * w[0] + x[1] * w[1] - t;
                    r * r / (2.0 * LINREG_NOISE_VARIANCE)
                })
                .sum(),
            Target::Logreg(e) => e
                .iter()
                .map(|(x, y)| {
                    let a = x[0] * w[0] + x[1] * w[1];
                    -(y * crate::special::log_sigmoid(a)
                        + (1.0 - y) * crate::special::log_sigmoid(-a))
                })
                .sum(),
            Target::Banana(y) => y
                .iter()
                .map(|y| {
                    let r = w[0] + w[1] * w[1] - y;
                    r * r / (2.0 * BANANA_NOISE_VARIANCE)
                })
                .sum(),
        };
        prior + lik
    }

    /// The exact posterior mean and covariance (2×2 row-major): closed form (linear
    /// regression), the Gauss–Legendre grid of `bayes::logreg` (logistic), or a 501² trapezoid
    /// grid on `[−5, 5]²` (banana; the mass outside is below e⁻¹²).
    pub fn posterior_moments(&self) -> ([f64; 2], [f64; 4]) {
        match self {
            Target::Linreg(e) => {
                let p = BlrPosterior::new(
                    &self.linreg_data(e),
                    LINREG_NOISE_VARIANCE,
                    LINREG_PRIOR_VARIANCE,
                );
                let c = &p.covariance;
                ([p.mean[0], p.mean[1]], [c[0], c[1], c[2], c[3]])
            }
            Target::Logreg(e) => {
                let data = LogRegData {
                    inputs: e.iter().map(|(x, _)| *x).collect(),
                    labels: e.iter().map(|(_, y)| *y).collect(),
                };
                let lap = laplace(&data, LOGREG_PRIOR_VARIANCE);
                let g = grid_posterior(&data, &lap, GridSpec::for_laplace(&lap));
                (g.mean, g.covariance)
            }
            Target::Banana(_) => {
                let n = BANANA_GRID;
                let h = 2.0 * BANANA_HALF_WIDTH / (n - 1) as f64;
                let node = |k: usize| -BANANA_HALF_WIDTH + h * k as f64;
                let mut u = Vec::with_capacity(n * n);
                for i in 0..n {
                    for j in 0..n {
                        u.push(self.potential([node(i), node(j)]));
                    }
                }
                let umin = u.iter().copied().fold(f64::INFINITY, f64::min);
                let (mut z, mut m, mut s) = (0.0, [0.0; 2], [0.0; 3]);
                for i in 0..n {
                    for j in 0..n {
                        let p = libm::exp(umin - u[i * n + j]);
                        let (a, b) = (node(i), node(j));
                        z += p;
                        m[0] += p * a;
                        m[1] += p * b;
                        s[0] += p * a * a;
                        s[1] += p * a * b;
                        s[2] += p * b * b;
                    }
                }
                let m = [m[0] / z, m[1] / z];
                let c01 = s[1] / z - m[0] * m[1];
                (
                    m,
                    [s[0] / z - m[0] * m[0], c01, c01, s[2] / z - m[1] * m[1]],
                )
            }
        }
    }

    fn linreg_data(&self, e: &[([f64; 2], f64)]) -> LinRegData {
        LinRegData::new(
            e.iter().flat_map(|(x, _)| *x).collect(),
            e.iter().map(|(_, t)| *t).collect(),
            2,
        )
    }
}

/// `E_b[F(X_b, Y_b)]` over uniform size-n subsets b of N items without replacement, for
/// `X_b = X₀ + Σ_{i∈b} x_i`, `Y_b = Y₀ + Σ_{j∈b} y_j` and F bilinear, from the inclusion
/// probabilities `p₁ = n/N` (one item) and `p₂ = n(n−1)/(N(N−1))` (two distinct items):
/// `F(X₀,Y₀) + p₁Σ_i[F(X₀,y_i) + F(x_i,Y₀) + F(x_i,y_i)] + p₂[F(Σx,Σy) − Σ_iF(x_i,y_i)]`.
pub fn subset_expectation<F>(
    x0: &DMatrix<f64>,
    xs: &[DMatrix<f64>],
    y0: &DMatrix<f64>,
    ys: &[DMatrix<f64>],
    n: usize,
    f: F,
) -> DMatrix<f64>
where
    F: Fn(&DMatrix<f64>, &DMatrix<f64>) -> DMatrix<f64>,
{
    let big_n = xs.len() as f64;
    let nf = n as f64;
    let p1 = nf / big_n;
    let p2 = if xs.len() > 1 {
        nf * (nf - 1.0) / (big_n * (big_n - 1.0))
    } else {
        0.0
    };
    let sx = xs.iter().fold(x0 * 0.0, |a, b| a + b);
    let sy = ys.iter().fold(y0 * 0.0, |a, b| a + b);
    let mut diag = f(x0, y0) * 0.0;
    let mut single = f(x0, y0) * 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let d = f(x, y);
        single += f(x0, y) + f(x, y0) + &d;
        diag += d;
    }
    f(x0, y0) + single * p1 + (f(&sx, &sy) - diag) * p2
}

/// The exact stationary mean and covariance of SGLD at fixed α on linear regression with
/// mini-batches of size n (n = N is full batch): `(m, Cov)`; `None` if the second-moment
/// recursion has no positive definite fixed point (α too large).
pub fn linreg_stationary(
    examples: &[([f64; 2], f64)],
    rate: f64,
    injected_variance: f64,
    batch: usize,
) -> Option<([f64; 2], [f64; 4])> {
    let big_n = examples.len();
    let kappa = big_n as f64 / batch as f64;
    let eye = DMatrix::<f64>::identity(2, 2);
    let a: Vec<DMatrix<f64>> = examples
        .iter()
        .map(|(x, _)| {
            let v = DVector::from_column_slice(x);
            &v * v.transpose() / LINREG_NOISE_VARIANCE
        })
        .collect();
    let c: Vec<DMatrix<f64>> = examples
        .iter()
        .map(|(x, t)| DMatrix::from_column_slice(2, 1, x) * (*t / LINREG_NOISE_VARIANCE))
        .collect();
    let prec = a
        .iter()
        .fold(eye.clone() / LINREG_PRIOR_VARIANCE, |s, m| s + m);
    let b = c.iter().fold(DMatrix::zeros(2, 1), |s, m| s + m);
    let m = prec.clone().cholesky()?.solve(&b);
    if batch >= big_n {
        let mm = &eye - &prec * rate;
        let s = discrete_lyapunov(&mm, &(&eye * injected_variance))?;
        return Some(([m[0], m[1]], flat2(&s)));
    }
    // M_b = (I − αI/η) + Σ_{i∈b}(−ακ a_i); c_b = Σ_{i∈b} κ c_i.
    let m0 = &eye - &eye * (rate / LINREG_PRIOR_VARIANCE);
    let mi: Vec<DMatrix<f64>> = a.iter().map(|x| x * (-rate * kappa)).collect();
    let ci: Vec<DMatrix<f64>> = c.iter().map(|x| x * kappa).collect();
    let zero_c = DMatrix::zeros(2, 1);
    let kron = subset_expectation(&m0, &mi, &m0, &mi, batch, |x, y| x.kronecker(y));
    let cross = subset_expectation(&m0, &mi, &zero_c, &ci, batch, |x, y| x * &m * y.transpose());
    let cc = subset_expectation(&zero_c, &ci, &zero_c, &ci, batch, |x, y| x * y.transpose());
    let rhs = (&cross + cross.transpose()) * rate + cc * (rate * rate) + &eye * injected_variance;
    let lhs = DMatrix::<f64>::identity(4, 4) - kron;
    let s2 = lhs
        .lu()
        .solve(&DVector::from_column_slice(rhs.as_slice()))?;
    let s2 = DMatrix::from_column_slice(2, 2, s2.as_slice());
    let cov = symmetrize(&(s2 - &m * m.transpose()));
    super::lyapunov::is_spd(&cov).then(|| ([m[0], m[1]], flat2(&cov)))
}

/// Reference numbers for a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SgldReference {
    pub posterior_mean: [f64; 2],
    pub posterior_covariance: [f64; 4],
    /// Linear regression at fixed α: the exact stationary covariance of full-batch SGLD and of
    /// the configured mini-batch SGLD (same α and convention); `None` otherwise or if unstable.
    pub full_batch_covariance: Option<[f64; 4]>,
    pub minibatch_covariance: Option<[f64; 4]>,
    /// Linear regression: full-batch stability limit `2/λ_max(P)` on α.
    pub stability_limit: Option<f64>,
}

/// Snapshot: the cloud now and its time average (second half of the steps so far).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SgldSnapshot {
    pub step: usize,
    pub total_steps: usize,
    pub stop_reason: Option<StopReason>,
    pub message: Option<String>,
    /// `α_t` of the last step.
    pub learning_rate: f64,
    pub mean: [f64; 2],
    pub covariance: [f64; 4],
}

/// The SGLD experiment: M chains started at the posterior mean's neighbourhood (w = 0).
#[derive(Clone, Debug)]
pub struct Sgld {
    config: SgldConfig,
    target: Target,
    reference: SgldReference,
    w: Vec<[f64; 2]>,
    rngs: Vec<SeededRng>,
    /// Per chain, a permutation of 0..N for partial Fisher–Yates subset draws.
    perms: Vec<Vec<u32>>,
    record: RunRecord,
    message: Option<String>,
}

impl Sgld {
    pub fn new(config: SgldConfig) -> Self {
        let target = Target::new(
            config.model,
            config.data_points as usize,
            config.seed as u64,
        );
        let (posterior_mean, posterior_covariance) = target.posterior_moments();
        let (mut full, mut mini, mut limit) = (None, None, None);
        if let Target::Linreg(e) = &target {
            let p = mat2(posterior_covariance)
                .try_inverse()
                .expect("P is invertible");
            limit = Some(2.0 / symmetrize(&p).symmetric_eigenvalues().max());
            if config.schedule == Schedule::Fixed {
                let v = config.convention.noise_factor() * config.learning_rate;
                full = linreg_stationary(e, config.learning_rate, v, e.len()).map(|s| s.1);
                mini = linreg_stationary(e, config.learning_rate, v, config.batch_size as usize)
                    .map(|s| s.1);
            }
        }
        let reference = SgldReference {
            posterior_mean,
            posterior_covariance,
            full_batch_covariance: full,
            minibatch_covariance: mini,
            stability_limit: limit,
        };
        let total_steps = config.steps as usize;
        let mut run = Sgld {
            config,
            target,
            reference,
            w: Vec::new(),
            rngs: Vec::new(),
            perms: Vec::new(),
            record: RunRecord::new(&SGLD_HISTORY_FIELDS, total_steps),
            message: None,
        };
        run.reset();
        run
    }

    pub fn config(&self) -> &SgldConfig {
        &self.config
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn reference(&self) -> &SgldReference {
        &self.reference
    }

    /// Positions `[x₀, y₀, …]` (2M).
    pub fn positions(&self) -> Vec<f64> {
        self.w.iter().flat_map(|w| *w).collect()
    }

    /// History rows, [`SGLD_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    fn record(&mut self, rate: f64) {
        let m = self.w.len() as f64;
        let mut mean = [0.0; 2];
        for w in &self.w {
            mean[0] += w[0] / m;
            mean[1] += w[1] / m;
        }
        let mut cov = [0.0; 3];
        for w in &self.w {
            let d = [w[0] - mean[0], w[1] - mean[1]];
            cov[0] += d[0] * d[0] / (m - 1.0);
            cov[1] += d[0] * d[1] / (m - 1.0);
            cov[2] += d[1] * d[1] / (m - 1.0);
        }
        self.record.push(&[
            self.record.steps_done() as f64,
            rate,
            mean[0],
            mean[1],
            cov[0],
            cov[1],
            cov[2],
        ]);
    }
}

impl Experiment for Sgld {
    type Snapshot = SgldSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let rate = self.config.rate_at(self.record.steps_done());
        let noise_sd = libm::sqrt(self.config.convention.noise_factor() * rate);
        let big_n = self.target.len();
        let n = self.config.batch_size as usize;
        let kappa = big_n as f64 / n as f64;
        let inv_eta = 1.0 / self.target.prior_variance();
        let mut diverged = false;
        for c in 0..self.w.len() {
            let w = self.w[c];
            let rng = &mut self.rngs[c];
            let perm = &mut self.perms[c];
            let mut g = [0.0; 2];
            for k in 0..n {
                // Partial Fisher–Yates: perm[k] becomes a uniform pick from perm[k..].
                let j = k + ((rng.uniform() * (big_n - k) as f64) as usize).min(big_n - k - 1);
                perm.swap(k, j);
                let gi = self.target.example_gradient(perm[k] as usize, w);
                g[0] += gi[0];
                g[1] += gi[1];
            }
            let z = rng.normal_pair();
            let next = [
                w[0] - rate * (w[0] * inv_eta + kappa * g[0]) + noise_sd * z.0,
                w[1] - rate * (w[1] * inv_eta + kappa * g[1]) + noise_sd * z.1,
            ];
            if !(next[0].abs() <= DIVERGENCE_BOUND && next[1].abs() <= DIVERGENCE_BOUND) {
                diverged = true;
            }
            self.w[c] = next;
        }
        self.record.advance();
        if diverged {
            self.message = Some(match self.reference.stability_limit {
                Some(l) => format!(
                    "SGLD diverged at step {}: learning rate α = {} is too large (full-batch stability needs α < 2/λ_max(P) = {:.4}; mini-batches need less)",
                    self.record.steps_done(), rate, l
                ),
                None => format!(
                    "SGLD diverged at step {}: learning rate α = {} is too large",
                    self.record.steps_done(), rate
                ),
            });
            self.record.stop(StopReason::Diverged);
            return self.record.stop_reason();
        }
        self.record(rate);
        if self.record.steps_done() >= self.config.steps as usize {
            self.record.stop(StopReason::Done);
        }
        self.record.stop_reason()
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> SgldSnapshot {
        let h = self.record.last_row();
        SgldSnapshot {
            step: self.record.steps_done(),
            total_steps: self.config.steps as usize,
            stop_reason: self.record.stop_reason(),
            message: self.message.clone(),
            learning_rate: h[1],
            mean: [h[2], h[3]],
            covariance: [h[4], h[5], h[5], h[6]],
        }
    }

    fn reset(&mut self) {
        let m = self.config.chains as usize;
        self.w = vec![[0.0, 0.0]; m];
        self.rngs = (0..m as u64)
            .map(|i| SeededRng::new(self.config.seed as u64, i + 1))
            .collect();
        self.perms = vec![(0..self.target.len() as u32).collect(); m];
        self.record.reset(self.config.steps as usize + 1);
        self.message = None;
        self.record(self.config.rate_at(0));
    }
}

/// The convention's injected variance per unit step (re-exported for the CLI's labels).
pub fn noise_factor(c: Convention) -> f64 {
    c.noise_factor()
}
