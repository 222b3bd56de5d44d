//! The experiment: full NNG, noisy Adam and noisy K-FAC side by side on one seeded Bayesian
//! linear regression (SCIENCE.md §6), each with its own random stream, against the exact
//! (tempered) posterior.
//!
//! Streams of the seed: 0 the data ([`LinRegData::generate`]), 1 + k method k's batches and
//! weight samples (k in [`Method::ALL`] order), so a method's run does not depend on the others.

use super::config::NngConfig;
use super::linalg::kl_gaussian;
use super::model::{LinRegModel, NngModel};
use super::optim::{Hyper, Method, VariationalState};
use super::reference::FixedPoints;
use crate::bayes::linreg::LinRegData;
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::linalg::ellipse;
use crate::rng::SeededRng;
use serde::Serialize;

/// Names of the per-step values, in the order of a history row: the KL of each method's `q`
/// to the target, in nats (NaN once that method diverged), and the relative Frobenius error
/// `‖Λ_k − Λ*‖/‖Λ*‖` of the full method's precision.
pub const NNG_HISTORY_FIELDS: [&str; 5] = [
    "step",
    "klFull",
    "klNoisyAdam",
    "klNoisyKfac",
    "precisionErrorFull",
];

/// How many of the most recent weight samples each method keeps for drawing.
pub const SAMPLE_WINDOW: usize = 300;

/// First stream of the draws from `q₀` that fill the sample window at step 0 (stream
/// `SHOW_STREAM + k` for method k): for display only, never used by the updates, so a method's
/// trajectory is the same with or without them.
const SHOW_STREAM: u64 = 100;

/// One method's current `q`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSnapshot {
    /// `full`, `noisyAdam` or `noisyKfac`.
    pub method: &'static str,
    /// `μ`.
    pub mean: Vec<f64>,
    /// The covariance of `q`, D×D row-major (NaN if not positive definite).
    pub covariance: Vec<f64>,
    /// `KL(q‖target)`, nats.
    pub kl: f64,
    /// The correlation of `q` between the first two weights.
    pub correlation: f64,
    pub diverged: bool,
}

/// The readout of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NngSnapshot {
    pub total_steps: usize,
    pub steps_done: usize,
    pub stop_reason: Option<StopReason>,
    /// Full, noisy Adam, noisy K-FAC.
    pub methods: Vec<MethodSnapshot>,
    /// Target mean `μ*`.
    pub target_mean: Vec<f64>,
    /// Target covariance `Λ*⁻¹`.
    pub target_covariance: Vec<f64>,
    /// The target's correlation between the first two weights.
    pub target_correlation: f64,
    /// KL of the best diagonal Gaussian (noisy Adam's exact-Fisher fixed point).
    pub kl_mean_field: f64,
    /// KL of noisy K-FAC's exact-Fisher fixed point.
    pub kl_kfac_fixed_point: f64,
    /// KL of noisy Adam's empirical-Fisher fixed point.
    pub kl_empirical_fixed_point: f64,
    /// `‖Λ_k − Λ*‖/‖Λ*‖` of the full method.
    pub precision_error_full: f64,
    /// `γ_in = λ/(Nη)`.
    pub intrinsic_damping: f64,
    /// `α̃ = αλ/N`: the mean's contraction rate at the fixed point.
    pub effective_rate: f64,
    /// `β̃ = λβ/N`.
    pub ema_rate: f64,
    /// The effective batch size `min(B, N)` (B ≥ N: the full batch).
    pub batch_size: usize,
    /// Each method's KL averaged over the second half of the steps done so far (the current KL
    /// at step 0; NaN once it diverged): the level its KL settles at, without the last
    /// sample's jitter.
    pub kl_tail_mean: Vec<f64>,
    /// The first step after which every method's KL stayed finite and at most its step-0
    /// value (the prior's KL): the end of the start-up transient (Λ₀ = I/η is far below the
    /// posterior precision, so the first Newton steps overshoot). `None` if there is none yet.
    pub transient_end: Option<usize>,
}

/// Noisy natural gradient on Bayesian linear regression: three methods, one data set.
#[derive(Clone, Debug)]
pub struct NngRun {
    config: NngConfig,
    hyper: Hyper,
    model: LinRegModel,
    fixed: FixedPoints,
    states: Vec<VariationalState>,
    rngs: Vec<SeededRng>,
    /// Per method, a ring of the last [`SAMPLE_WINDOW`] samples (D each) and its fill.
    samples: Vec<Vec<f64>>,
    sample_count: usize,
    order: Vec<usize>,
    record: RunRecord,
    last_row: [f64; 5],
}

fn correlation(cov: &[f64], d: usize) -> f64 {
    cov[1] / libm::sqrt(cov[0] * cov[d + 1])
}

impl NngRun {
    /// Generate the data and start. The config must be valid ([`NngConfig::validate`]).
    pub fn new(config: NngConfig) -> Self {
        let data = LinRegData::generate(
            config.data_points as usize,
            config.weights as usize,
            config.feature_correlation,
            config.noise_variance,
            config.prior_variance,
            config.seed as u64,
        );
        let hyper = config.hyper();
        let fixed = FixedPoints::new(&data, config.noise_variance, &hyper);
        let model = LinRegModel::new(data, config.noise_variance);
        let mut run = NngRun {
            hyper,
            fixed,
            states: Vec::new(),
            rngs: Vec::new(),
            samples: Vec::new(),
            sample_count: 0,
            order: (0..model.len()).collect(),
            model,
            record: RunRecord::new(&NNG_HISTORY_FIELDS, config.steps as usize),
            last_row: [0.0; 5],
            config,
        };
        run.reset();
        run
    }

    pub fn config(&self) -> &NngConfig {
        &self.config
    }

    /// The data set.
    pub fn data(&self) -> &LinRegData {
        &self.model.data
    }

    /// The target and fixed points.
    pub fn fixed_points(&self) -> &FixedPoints {
        &self.fixed
    }

    /// The state of method `m`.
    pub fn state(&self, m: Method) -> &VariationalState {
        &self.states[Method::ALL.iter().position(|&x| x == m).expect("a method")]
    }

    /// Per-step values from step 0 to now, row-major with [`NNG_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    fn covariance(&self, k: usize) -> Option<Vec<f64>> {
        self.states[k].covariance(&self.model, &self.hyper)
    }

    fn kl(&self, k: usize) -> f64 {
        if self.states[k].diverged {
            return f64::NAN;
        }
        self.covariance(k)
            .and_then(|c| {
                kl_gaussian(
                    &self.states[k].mean,
                    &c,
                    &self.fixed.mean,
                    &self.fixed.precision,
                )
            })
            .unwrap_or(f64::NAN)
    }

    fn precision_error(&self) -> f64 {
        let s = &self.states[0];
        if s.diverged {
            return f64::NAN;
        }
        let (mut num, mut den) = (0.0, 0.0);
        for (a, b) in s.precision.iter().zip(&self.fixed.precision) {
            num += (a - b) * (a - b);
            den += b * b;
        }
        libm::sqrt(num / den)
    }

    fn record(&mut self) {
        self.last_row = [
            self.record.steps_done() as f64,
            self.kl(0),
            self.kl(1),
            self.kl(2),
            self.precision_error(),
        ];
        self.record.push(&self.last_row);
    }

    /// The batch of method `k` for this step: all examples in order when `B ≥ N`, else `B`
    /// drawn without replacement (a partial Fisher–Yates shuffle on method k's stream).
    fn batch(&mut self, k: usize) -> Vec<usize> {
        let n = self.model.len();
        let b = self.config.effective_batch();
        if b >= n {
            return (0..n).collect();
        }
        let rng = &mut self.rngs[k];
        for i in 0..b {
            let j = i + ((rng.uniform() * (n - i) as f64) as usize).min(n - i - 1);
            self.order.swap(i, j);
        }
        self.order[..b].to_vec()
    }

    /// Ellipses `k·σ` (2σ for `k = 2`) over weights `(i, j)`, `points` each, flat
    /// `[target, full, noisy Adam, noisy K-FAC]` × points × (x, y); NaN for a diverged method.
    pub fn ellipses(&self, i: usize, j: usize, k: f64, points: usize) -> Vec<f64> {
        let d = self.model.num_params();
        let pick = |mean: &[f64], cov: &[f64]| {
            ellipse(
                [mean[i], mean[j]],
                [
                    cov[i * d + i],
                    cov[i * d + j],
                    cov[i * d + j],
                    cov[j * d + j],
                ],
                k,
                points,
            )
        };
        let mut out = pick(&self.fixed.mean, &self.fixed.covariance);
        for m in 0..3 {
            match self.covariance(m).filter(|_| !self.states[m].diverged) {
                Some(c) => out.extend(pick(&self.states[m].mean, &c)),
                None => out.extend(std::iter::repeat_n(f64::NAN, 2 * points.max(3))),
            }
        }
        out
    }

    /// The last (up to [`SAMPLE_WINDOW`]) weight samples of each method over weights `(i, j)`:
    /// flat `[method][sample](x, y)`, [`NngRun::sample_count`] per method.
    pub fn samples(&self, i: usize, j: usize) -> Vec<f64> {
        let d = self.model.num_params();
        let mut out = Vec::with_capacity(3 * 2 * self.sample_count);
        for ring in &self.samples {
            for s in 0..self.sample_count {
                out.push(ring[s * d + i]);
                out.push(ring[s * d + j]);
            }
        }
        out
    }

    /// Samples kept per method.
    pub fn sample_count(&self) -> usize {
        self.sample_count
    }

    /// Method `k`'s KL (history column `1 + k`) averaged over steps `⌈t/2⌉ ..= t` of the `t`
    /// done so far.
    fn kl_tail_mean(&self, k: usize) -> f64 {
        let (w, h) = (NNG_HISTORY_FIELDS.len(), self.record.history());
        let rows = self.record.rows();
        let from = self.record.steps_done().div_ceil(2);
        let (mut sum, mut n) = (0.0, 0usize);
        for r in from..rows {
            sum += h[r * w + 1 + k];
            n += 1;
        }
        sum / n as f64
    }

    /// See [`NngSnapshot::transient_end`].
    fn transient_end(&self) -> Option<usize> {
        let (w, h) = (NNG_HISTORY_FIELDS.len(), self.record.history());
        let rows = self.record.rows();
        let start: Vec<f64> = (1..4).map(|c| h[c]).collect();
        let mut end = rows;
        for r in (0..rows).rev() {
            let row = &h[r * w..(r + 1) * w];
            let calm = (0..3).all(|k| {
                let v = row[1 + k];
                (v.is_finite() && v <= start[k]) || self.states[k].diverged
            });
            if !calm {
                break;
            }
            end = r;
        }
        (end < rows).then_some(end)
    }

    /// Fill the sample window with `SAMPLE_WINDOW` draws from each method's `q₀` (display
    /// streams only), so step 0 shows q's samples; the steps then overwrite them one by one.
    fn prefill_samples(&mut self) {
        let d = self.model.num_params();
        let seed = self.config.seed as u64;
        for k in 0..3 {
            let mut probe = self.states[k].clone();
            let mut rng = SeededRng::new(seed, SHOW_STREAM + k as u64);
            for slot in 0..SAMPLE_WINDOW {
                if probe.sample(&self.model, &self.hyper, &mut rng).is_none() {
                    break;
                }
                self.samples[k][slot * d..(slot + 1) * d].copy_from_slice(&probe.last_sample);
            }
        }
        self.sample_count = SAMPLE_WINDOW;
    }
}

impl Experiment for NngRun {
    type Snapshot = NngSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let d = self.model.num_params();
        let slot = self.record.steps_done() % SAMPLE_WINDOW;
        for k in 0..3 {
            if self.states[k].diverged {
                continue;
            }
            let batch = self.batch(k);
            let (state, rng) = (&mut self.states[k], &mut self.rngs[k]);
            state.step(&mut self.model, &self.hyper, &batch, rng);
            self.samples[k][slot * d..(slot + 1) * d].copy_from_slice(&state.last_sample);
        }
        self.sample_count = (self.sample_count + 1).min(SAMPLE_WINDOW);
        self.record.advance();
        self.record();
        self.record.settle(self.states.iter().all(|s| s.diverged))
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> NngSnapshot {
        let d = self.model.num_params();
        let methods = (0..3)
            .map(|k| {
                let s = &self.states[k];
                let covariance = self
                    .covariance(k)
                    .filter(|_| !s.diverged)
                    .unwrap_or_else(|| vec![f64::NAN; d * d]);
                MethodSnapshot {
                    method: s.method.name(),
                    mean: s.mean.clone(),
                    correlation: correlation(&covariance, d),
                    covariance,
                    kl: self.last_row[1 + k],
                    diverged: s.diverged,
                }
            })
            .collect();
        NngSnapshot {
            total_steps: self.config.steps as usize,
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            methods,
            target_mean: self.fixed.mean.clone(),
            target_covariance: self.fixed.covariance.clone(),
            target_correlation: correlation(&self.fixed.covariance, d),
            kl_mean_field: self.fixed.kl_mean_field,
            kl_kfac_fixed_point: self.fixed.kl_kfac,
            kl_empirical_fixed_point: self.fixed.kl_empirical,
            precision_error_full: self.last_row[4],
            intrinsic_damping: self.hyper.intrinsic_damping(),
            effective_rate: self.hyper.paper_learning_rate(),
            ema_rate: self.hyper.ema_rate(),
            batch_size: self.config.effective_batch(),
            kl_tail_mean: (0..3).map(|k| self.kl_tail_mean(k)).collect(),
            transient_end: self.transient_end(),
        }
    }

    fn reset(&mut self) {
        let d = self.model.num_params();
        let seed = self.config.seed as u64;
        self.states = Method::ALL
            .iter()
            .map(|&m| VariationalState::new(m, &self.model, &self.hyper, vec![0.0; d]))
            .collect();
        self.rngs = (0..3).map(|k| SeededRng::new(seed, 1 + k)).collect();
        self.samples = vec![vec![0.0; SAMPLE_WINDOW * d]; 3];
        self.sample_count = 0;
        self.prefill_samples();
        self.order = (0..self.model.len()).collect();
        self.record.reset(self.config.steps as usize + 1);
        self.record();
    }
}

crate::lab!(NngRun, NngConfig, "nng", NNG_HISTORY_FIELDS);
