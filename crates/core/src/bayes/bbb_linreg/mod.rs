//! Bayes by Backprop (Blundell, Cornebise, Kavukcuoglu & Wierstra 2015, ICML, "Weight
//! uncertainty in neural networks") on Bayesian linear regression (SCIENCE.md §4; Lecture 8,
//! "Posterior Inference: Variational Bayes").
//!
//! `q(w) = Π_j N(μ_j, s_j²)` with `s = softplus(ρ)`. Each step draws `S` weight samples
//! `w = μ + s⊙ε`, `ε ~ N(0, I)` (the reparameterization trick), and ascends the per-example
//! objective `F/N` with the gradient estimate
//! - `∂F/∂μ ≈ (1/S)Σ ∇_w ln p(D|w) − μ/η`,
//! - `∂F/∂ρ_j ≈ [(1/S)Σ (∇_w ln p(D|w))_j ε_j − s_j/η + 1/s_j]·σ(ρ_j)`,
//!
//! where `∇_w ln p(D|w) = Xᵀ(t − Xw)/σ²` and the KL part is analytic. Dropping the KL
//! ([`Objective::Likelihood`]) lets `q` collapse onto `w_ML`; with every `s_j = 0` the step is
//! ordinary backprop (gradient ascent on `ln p(D|μ)`, or on `ln p(D, μ)` with the KL's prior
//! term: MAP with weight decay).
//!
//! With `localReparam` on, [`local_gradient_estimate`] replaces the shared weight sample by the
//! local reparameterization trick (Kingma, Salimans & Welling 2015, "Variational dropout and the
//! local reparameterization trick"): `a_i = x_iᵀw` is Gaussian under q, `N(m_i, v_i)` with
//! `m_i = x_iᵀμ`, `v_i = Σ_j x_ij² s_j²`, so each example draws its own `a_i = m_i + √v_i ζ_i`.
//! The expected gradient is the same; the μ-gradient's covariance drops from `A diag(s²) A`
//! (`A = XᵀX/σ²`, all example pairs) to `Σ_i x_i x_iᵀ v_i/σ⁴` (the `i = k` terms only).
//!
//! The data come from stream 0 of the seed and the `ε` (or `ζ`) from stream 1; the step is plain
//! loops over the sufficient statistics (O(S·D²)) or, local, over the data (O(S·N·D)), so a seed
//! gives bit-identical runs in WebAssembly.

mod config;
pub mod view;

pub use config::{BbbConfig, Objective, Optimizer, BBB_FIELDS};

use super::linreg::{elbo_terms, BlrPosterior, ElboTerms, LinRegData, SufficientStats};
use super::special::{sigmoid, sigmoid_over_softplus, softplus, softplus_inverse, LN_2PI};
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::rng::SeededRng;
use serde::Serialize;

/// Names of the per-step values, in the order of a [`BayesByBackprop::history`] row. The
/// first five are exact (closed form at the step's `μ, s`); `mcLogLikelihood` is the step's
/// Monte Carlo estimate of the likelihood term at the parameters the step started from (NaN on
/// row 0).
pub const BBB_HISTORY_FIELDS: [&str; 6] = [
    "step",
    "elbo",
    "expectedLogLikelihood",
    "klNats",
    "klBits",
    "mcLogLikelihood",
];

/// Adam's `β₁`.
const BETA1: f64 = 0.9;
/// Adam's `β₂`.
const BETA2: f64 = 0.999;
/// Adam's `ε`.
const ADAM_EPSILON: f64 = 1e-8;

/// A Monte Carlo gradient of `F` (or of the likelihood term alone) in `(μ, ρ)`.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientEstimate {
    /// `∂F/∂μ`, length D (not divided by N).
    pub mean: Vec<f64>,
    /// `∂F/∂ρ`, length D.
    pub rho: Vec<f64>,
    /// `(1/S)Σ ln p(D|w_k)`: the estimate of `E_q ln p(D|w)`.
    pub log_likelihood: f64,
}

/// One reparameterized gradient estimate from `samples` draws of `ε` (D normals each, in
/// order) from `rng`. Noise and prior variances `σ²`, `η`.
pub fn gradient_estimate(
    stats: &SufficientStats,
    (mean, rho): (&[f64], &[f64]),
    (noise_variance, prior_variance): (f64, f64),
    objective: Objective,
    samples: usize,
    rng: &mut SeededRng,
) -> GradientEstimate {
    let d = mean.len();
    let std: Vec<f64> = rho.iter().map(|&r| softplus(r)).collect();
    let norm = -0.5 * stats.n as f64 * (LN_2PI + libm::log(noise_variance));
    let (mut g_mean, mut g_std) = (vec![0.0; d], vec![0.0; d]);
    let (mut eps, mut w, mut r) = (vec![0.0; d], vec![0.0; d], vec![0.0; d]);
    let mut log_likelihood = 0.0;
    for _ in 0..samples {
        for j in 0..d {
            eps[j] = rng.normal();
            w[j] = mean[j] + std[j] * eps[j];
        }
        let (rss, _) = stats.residual_gradient(&w, &mut r);
        log_likelihood += norm - rss / (2.0 * noise_variance);
        for j in 0..d {
            let g = r[j] / noise_variance;
            g_mean[j] += g;
            g_std[j] += g * eps[j];
        }
    }
    let inv = 1.0 / samples as f64;
    let mut g_rho = vec![0.0; d];
    for j in 0..d {
        g_mean[j] *= inv;
        let lik_s = g_std[j] * inv;
        g_rho[j] = match objective {
            Objective::Elbo => {
                g_mean[j] -= mean[j] / prior_variance;
                (lik_s - std[j] / prior_variance) * sigmoid(rho[j]) + sigmoid_over_softplus(rho[j])
            }
            Objective::Likelihood => lik_s * sigmoid(rho[j]),
        };
    }
    GradientEstimate {
        mean: g_mean,
        rho: g_rho,
        log_likelihood: log_likelihood * inv,
    }
}

/// The local-reparameterization gradient estimate (Kingma, Salimans & Welling 2015) from
/// `samples` draws of `ζ ∈ R^N` (N normals each, example by example) from `rng`: per example
/// `a_i = x_iᵀμ + √v_i ζ_i`, `v_i = Σ_j x_ij² s_j²`, `r_i = (t_i − a_i)/σ²`, and
/// - `∂ ln p(D|·)/∂μ_j = Σ_i r_i x_ij`,
/// - `∂ ln p(D|·)/∂s_j = Σ_i r_i ζ_i x_ij² s_j/√v_i` (0 where `v_i = 0`),
///
/// with the KL part and the `σ(ρ)` chain factor as in [`gradient_estimate`]. At `s = 0` it is
/// the exact gradient (ordinary backprop). Unbiased for the same `∂F/∂(μ, ρ)` (tested).
pub fn local_gradient_estimate(
    data: &LinRegData,
    (mean, rho): (&[f64], &[f64]),
    (noise_variance, prior_variance): (f64, f64),
    objective: Objective,
    samples: usize,
    rng: &mut SeededRng,
) -> GradientEstimate {
    let d = mean.len();
    let n = data.len();
    let std: Vec<f64> = rho.iter().map(|&r| softplus(r)).collect();
    let norm = -0.5 * n as f64 * (LN_2PI + libm::log(noise_variance));
    let (mut g_mean, mut g_std) = (vec![0.0; d], vec![0.0; d]);
    let mut log_likelihood = 0.0;
    for _ in 0..samples {
        let mut rss = 0.0;
        for i in 0..n {
            let x = &data.inputs[i * d..(i + 1) * d];
            let (mut m, mut v) = (0.0, 0.0);
            for j in 0..d {
                m += x[j] * mean[j];
                v += x[j] * x[j] * std[j] * std[j];
            }
            let zeta = rng.normal();
            let root = libm::sqrt(v);
            let a = m + root * zeta;
            let resid = data.targets[i] - a;
            rss += resid * resid;
            let r = resid / noise_variance;
            let c = if root > 0.0 { r * zeta / root } else { 0.0 };
            for j in 0..d {
                g_mean[j] += r * x[j];
                g_std[j] += c * x[j] * x[j] * std[j];
            }
        }
        log_likelihood += norm - rss / (2.0 * noise_variance);
    }
    let inv = 1.0 / samples as f64;
    let mut g_rho = vec![0.0; d];
    for j in 0..d {
        g_mean[j] *= inv;
        let lik_s = g_std[j] * inv;
        g_rho[j] = match objective {
            Objective::Elbo => {
                g_mean[j] -= mean[j] / prior_variance;
                (lik_s - std[j] / prior_variance) * sigmoid(rho[j]) + sigmoid_over_softplus(rho[j])
            }
            Objective::Likelihood => lik_s * sigmoid(rho[j]),
        };
    }
    GradientEstimate {
        mean: g_mean,
        rho: g_rho,
        log_likelihood: log_likelihood * inv,
    }
}

/// The readout of a Bayes-by-Backprop run (nats unless a name says bits).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BbbSnapshot {
    /// Configured number of steps.
    pub total_steps: usize,
    /// Steps taken.
    pub steps_done: usize,
    /// Set once the run has ended.
    pub stop_reason: Option<StopReason>,
    /// `F(q)`, exact at the current `μ, s`.
    pub elbo: f64,
    /// `E_q ln p(D|w)`, exact.
    pub expected_log_likelihood: f64,
    /// `KL(q‖p(w))` in nats.
    pub kl_nats: f64,
    /// `KL(q‖p(w))` in bits: the description length.
    pub kl_bits: f64,
    /// The last step's Monte Carlo estimate of `E_q ln p(D|w)`.
    pub mc_log_likelihood: f64,
    /// `ln p(D) − F(q) = KL(q‖p(w|D)) ≥ 0`.
    pub gap: f64,
    /// `μ`, length D.
    pub mean: Vec<f64>,
    /// `s = softplus(ρ)`, length D.
    pub std: Vec<f64>,
    /// Polyak–Ruppert averages of `μ` over the steps after the first half of the run (the
    /// current `μ` before that): removes most of the stochastic-gradient jitter.
    pub averaged_mean: Vec<f64>,
    /// The same average of `s`.
    pub averaged_std: Vec<f64>,
}

/// Bayes by Backprop on a seeded Bayesian-linear-regression data set.
#[derive(Clone, Debug)]
pub struct BayesByBackprop {
    config: BbbConfig,
    data: LinRegData,
    stats: SufficientStats,
    reference: BlrPosterior,
    mean: Vec<f64>,
    rho: Vec<f64>,
    adam_m: Vec<f64>,
    adam_v: Vec<f64>,
    beta1_power: f64,
    beta2_power: f64,
    rng: SeededRng,
    record: RunRecord,
    last: ElboTerms,
    last_mc: f64,
    tail_sum: Vec<f64>,
    tail_count: usize,
    parameter_history: Vec<f64>,
}

impl BayesByBackprop {
    /// Generate the data and start a run. The config must be valid ([`BbbConfig::validate`]).
    pub fn new(config: BbbConfig) -> Self {
        let data = LinRegData::generate(
            config.data_points as usize,
            config.weights as usize,
            config.feature_correlation,
            config.noise_variance,
            config.prior_variance,
            config.seed as u64,
        );
        let stats = data.sufficient_stats();
        let reference = BlrPosterior::new(&data, config.noise_variance, config.prior_variance);
        let d = data.dim;
        let total_steps = config.steps as usize;
        let mut run = BayesByBackprop {
            config,
            data,
            stats,
            reference,
            mean: vec![0.0; d],
            rho: vec![0.0; d],
            adam_m: vec![0.0; 2 * d],
            adam_v: vec![0.0; 2 * d],
            beta1_power: 1.0,
            beta2_power: 1.0,
            rng: SeededRng::new(0, 1),
            record: RunRecord::new(&BBB_HISTORY_FIELDS, total_steps),
            last: ElboTerms {
                expected_log_likelihood: 0.0,
                kl_nats: 0.0,
                kl_bits: 0.0,
                elbo: 0.0,
            },
            last_mc: f64::NAN,
            tail_sum: vec![0.0; 2 * d],
            tail_count: 0,
            parameter_history: Vec::new(),
        };
        run.reset();
        run
    }

    /// The configuration.
    pub fn config(&self) -> &BbbConfig {
        &self.config
    }

    /// The data set (N×D inputs, N targets, the generating weights).
    pub fn data(&self) -> &LinRegData {
        &self.data
    }

    /// The exact posterior, evidence, mean-field optimum and `w_ML` of this data set.
    pub fn reference(&self) -> &BlrPosterior {
        &self.reference
    }

    /// `μ`, length D.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// `s = softplus(ρ)`, length D.
    pub fn std(&self) -> Vec<f64> {
        self.rho.iter().map(|&r| softplus(r)).collect()
    }

    /// `ρ` (`s = softplus(ρ)`), length D.
    pub fn rho(&self) -> &[f64] {
        &self.rho
    }

    /// The data's sufficient statistics (`XᵀX`, `Xᵀt`, `tᵀt`, N).
    pub fn stats(&self) -> &SufficientStats {
        &self.stats
    }

    /// The Polyak–Ruppert average of `s` (see [`BbbSnapshot::averaged_std`]).
    pub fn averaged_std(&self) -> Vec<f64> {
        let d = self.mean.len();
        if self.tail_count == 0 {
            return self.std();
        }
        let k = self.tail_count as f64;
        self.tail_sum[d..].iter().map(|v| v / k).collect()
    }

    /// Per-step values from step 0 to now, row-major with [`BBB_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// `[μ₁ … μ_D, s₁ … s_D]` per step from step 0 to now, row-major (2D columns).
    pub fn parameter_history(&self) -> &[f64] {
        &self.parameter_history
    }

    fn record(&mut self) {
        let c = &self.config;
        let std = self.std();
        self.last = elbo_terms(
            &self.data,
            &self.mean,
            &std,
            c.noise_variance,
            c.prior_variance,
        );
        let t = &self.last;
        self.record.push(&[
            self.record.steps_done() as f64,
            t.elbo,
            t.expected_log_likelihood,
            t.kl_nats,
            t.kl_bits,
            self.last_mc,
        ]);
        self.parameter_history.extend_from_slice(&self.mean);
        self.parameter_history.extend_from_slice(&std);
        if 2 * self.record.steps_done() > c.steps as usize {
            for (sum, v) in self.tail_sum.iter_mut().zip(self.mean.iter().chain(&std)) {
                *sum += v;
            }
            self.tail_count += 1;
        }
    }

    fn update(&mut self, gradient: &[f64]) {
        let d = self.mean.len();
        let lr = self.config.learning_rate;
        let mut param = |i: usize, delta: f64| {
            if i < d {
                self.mean[i] += delta;
            } else {
                self.rho[i - d] += delta;
            }
        };
        match self.config.optimizer {
            Optimizer::Sgd => {
                for (i, g) in gradient.iter().enumerate() {
                    param(i, lr * g);
                }
            }
            Optimizer::Adam => {
                self.beta1_power *= BETA1;
                self.beta2_power *= BETA2;
                let (c1, c2) = (1.0 - self.beta1_power, 1.0 - self.beta2_power);
                for (i, g) in gradient.iter().enumerate() {
                    self.adam_m[i] = BETA1 * self.adam_m[i] + (1.0 - BETA1) * g;
                    self.adam_v[i] = BETA2 * self.adam_v[i] + (1.0 - BETA2) * g * g;
                    let step = lr * (self.adam_m[i] / c1)
                        / (libm::sqrt(self.adam_v[i] / c2) + ADAM_EPSILON);
                    param(i, step);
                }
            }
        }
    }
}

impl Experiment for BayesByBackprop {
    type Snapshot = BbbSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let c = &self.config;
        let g = if c.local_reparam {
            local_gradient_estimate(
                &self.data,
                (&self.mean, &self.rho),
                (c.noise_variance, c.prior_variance),
                c.objective,
                c.samples_per_step as usize,
                &mut self.rng,
            )
        } else {
            gradient_estimate(
                &self.stats,
                (&self.mean, &self.rho),
                (c.noise_variance, c.prior_variance),
                c.objective,
                c.samples_per_step as usize,
                &mut self.rng,
            )
        };
        // Ascend F/N, the per-example objective, so α is on the scale of a mean-loss rate.
        let n = self.data.len() as f64;
        let gradient: Vec<f64> = g.mean.iter().chain(&g.rho).map(|v| v / n).collect();
        self.update(&gradient);
        self.last_mc = g.log_likelihood;
        self.record.advance();
        self.record();
        let finite = self.mean.iter().chain(&self.rho).all(|v| v.is_finite());
        self.record.settle(
            !finite || (!self.last.elbo.is_finite() && self.config.objective == Objective::Elbo),
        )
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> BbbSnapshot {
        let d = self.mean.len();
        let std = self.std();
        let (averaged_mean, averaged_std) = if self.tail_count > 0 {
            let k = self.tail_count as f64;
            (
                self.tail_sum[..d].iter().map(|v| v / k).collect(),
                self.tail_sum[d..].iter().map(|v| v / k).collect(),
            )
        } else {
            (self.mean.clone(), std.clone())
        };
        BbbSnapshot {
            total_steps: self.config.steps as usize,
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            elbo: self.last.elbo,
            expected_log_likelihood: self.last.expected_log_likelihood,
            kl_nats: self.last.kl_nats,
            kl_bits: self.last.kl_bits,
            mc_log_likelihood: self.last_mc,
            gap: self.reference.log_evidence - self.last.elbo,
            mean: self.mean.clone(),
            std,
            averaged_mean,
            averaged_std,
        }
    }

    fn reset(&mut self) {
        let c = &self.config;
        let d = self.data.dim;
        self.mean = vec![0.0; d];
        self.rho = vec![softplus_inverse(c.init_std); d];
        self.adam_m = vec![0.0; 2 * d];
        self.adam_v = vec![0.0; 2 * d];
        self.beta1_power = 1.0;
        self.beta2_power = 1.0;
        self.rng = SeededRng::new(c.seed as u64, 1);
        self.last_mc = f64::NAN;
        self.tail_sum = vec![0.0; 2 * d];
        self.tail_count = 0;
        self.parameter_history.clear();
        let rows = c.steps as usize + 1;
        self.record.reset(rows);
        self.parameter_history.reserve(rows * 2 * d);
        self.record();
    }
}

crate::lab!(BayesByBackprop, BbbConfig, "bbb-linreg", BBB_HISTORY_FIELDS);
