//! "Sharp and flat minima" (Grosse, Lecture 8, first section; SCIENCE.md §1).
//!
//! Keskar et al. (ICLR 2017) trained the same network with small and large minibatches and
//! found the large-batch minima sharper (larger top eigenvalues of the Hessian `H = ∇²J`) and
//! worse on test data. Shallue et al. (2018) named two confounds: comparing at the same number
//! of **epochs** (a large batch then takes far fewer steps) instead of the same number of steps,
//! and batch normalization, whose minibatch statistics add batch-size-dependent noise. Dinh et
//! al. (ICML 2017) showed that for ReLU nets sharpness is not a function of the function: see
//! [`rescale`].
//!
//! [`BatchSizeExperiment`] trains `repeats` initializations, each with a small and a large batch
//! (SGD with random shuffling, the same learning rate), and measures at `checkpoints` evenly
//! spaced steps of each run: the training and test loss, the test error, `λ_max(H)` by Lanczos
//! ([`spectrum::lanczos`], [`LANCZOS_STEPS`] exact Hessian–vector products, batched by
//! [`crate::nn::hessian_batch`]), `tr H` by Hutchinson ([`PROBES`] Rademacher probes, with its SE), the
//! top eigenvalue of the Gauss–Newton matrix `G`, and the mean input sensitivity `‖∂f/∂x‖`.
//!
//! **Batch-norm-like statistics** (`batchNorm = on`): every hidden pre-activation is
//! normalized, `z̃ = (z − μ_B)/σ_B` with the minibatch mean and std (`σ_B² = var_B + 10⁻⁵`,
//! no learned scale or shift), treated as constants in the backward pass (a stop-gradient,
//! unlike full batch norm: the deviation keeps the gradient an ordinary MLP gradient). At
//! evaluation the statistics of the whole training set are used, which makes the network an MLP
//! with folded parameters `θ_f = d ⊙ θ + c` (`d = 1/σ` on a unit's weights and bias, `c = −μ/σ`
//! on its bias). Curvature is reported in the trained parameters θ with those statistics fixed:
//! `H_θ = diag(d) H_f diag(d)`.

mod config;
pub mod fixture;
pub mod rescale;
pub mod spectrum;
#[cfg(test)]
mod tests;

pub use config::{SharpnessConfig, BATCH_NORM_OPTIONS, BUDGET_OPTIONS, FIELDS};

use crate::data::{Dataset, Split};
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::nn::hessian::{self, CurvatureTape};
use crate::nn::hessian_batch::BatchHessian;
use crate::nn::mlp::{Dropout, Loss, Mlp};
use crate::rng::SeededRng;
use serde::Serialize;
use spectrum::{hutchinson, lanczos};

/// Lanczos iterations per `λ_max` measurement (of `H` and of `G`).
pub const LANCZOS_STEPS: usize = 20;
/// Rademacher probes per Hutchinson trace estimate.
pub const PROBES: usize = 8;
/// The `ε` added to minibatch variances of the batch-norm-like statistics.
pub const BATCH_NORM_EPSILON: f64 = 1e-5;
/// A run whose training loss exceeds this (or turns non-finite) has diverged.
pub const DIVERGENCE_LOSS: f64 = 1e6;

/// Names of the columns of a history row (one row per measurement).
pub const HISTORY_FIELDS: [&str; 14] = [
    "run",
    "large",
    "repeat",
    "batchSize",
    "step",
    "epoch",
    "trainLoss",
    "testLoss",
    "testError",
    "lambdaMax",
    "trace",
    "traceSe",
    "lambdaMaxGaussNewton",
    "inputJacobianNorm",
];

/// One measurement of one run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    pub step: usize,
    /// Examples seen / N.
    pub epoch: f64,
    /// `J` on the training set.
    pub train_loss: f64,
    pub test_loss: f64,
    /// Misclassification rate (classification) or the test loss (regression).
    pub test_error: f64,
    /// `λ_max(H)`.
    pub lambda_max: f64,
    /// Hutchinson's estimate of `tr H` and its standard error.
    pub trace: f64,
    pub trace_se: f64,
    /// `λ_max(G)`.
    pub lambda_max_gauss_newton: f64,
    /// Mean over the training points of `‖∂f/∂x‖`.
    pub input_jacobian_norm: f64,
}

/// The state of one run in a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub batch_size: usize,
    pub large: bool,
    pub repeat: usize,
    pub step: usize,
    pub total_steps: usize,
    pub diverged: bool,
    pub finished: bool,
    /// The latest measurement.
    pub last: Measurement,
}

/// The readout of a [`BatchSizeExperiment`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SharpnessSnapshot {
    pub steps_done: usize,
    /// Steps of the longest run.
    pub total_steps: usize,
    pub stop_reason: Option<StopReason>,
    pub runs: Vec<RunSummary>,
    /// Small vs large batch at the latest measurements (`None` until one initialization has
    /// both runs finite).
    pub comparison: Option<BatchComparison>,
}

/// How the large batch's latest `λ_max` compares with the small batch's (Keskar et al.'s first
/// claim: larger batches reach sharper minima).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Sharpness {
    /// Mean `λ_max` at least [`SHARPER_RATIO`] times the small batch's, and larger in most
    /// initializations.
    Sharper,
    /// Mean `λ_max` at most 1/[`SHARPER_RATIO`] times the small batch's, and smaller in most
    /// initializations.
    Flatter,
    /// Neither.
    Similar,
}

/// How a large-minus-small test difference compares with its standard error (Keskar et al.'s
/// second claim: the sharper large-batch minima generalize worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Generalization {
    /// Large batch higher by more than [`SIGNIFICANT_SE`] standard errors.
    Worse,
    /// Large batch lower by more than [`SIGNIFICANT_SE`] standard errors.
    Better,
    /// Within [`SIGNIFICANT_SE`] standard errors.
    Similar,
}

/// The mean-`λ_max` ratio beyond which the large batch counts as sharper (or flatter).
pub const SHARPER_RATIO: f64 = 1.25;
/// Standard errors beyond which a test difference counts as real.
pub const SIGNIFICANT_SE: f64 = 2.0;

/// Small vs large batch at their latest measurements, averaged over the initializations whose
/// two runs are both finite ("pairs": each initialization trains once with each batch size).
/// Test differences are large minus small, paired per test point: with
/// `D_i = mean over pairs of (loss_large,i − loss_small,i)`, the difference is `mean_i D_i` and
/// its standard error `sd_i(D_i)/√n_test` (the test set's sampling error, the trained nets
/// held fixed).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchComparison {
    pub small_batch: usize,
    pub large_batch: usize,
    pub pairs: usize,
    /// Steps taken so far, and the budget, of each batch size.
    pub small_steps: usize,
    pub large_steps: usize,
    pub small_total_steps: usize,
    pub large_total_steps: usize,
    /// Mean `λ_max(H)` of each batch size.
    pub small_lambda_max: f64,
    pub large_lambda_max: f64,
    /// Pairs in which the large batch's `λ_max` is the larger.
    pub sharper_pairs: usize,
    pub sharpness: Sharpness,
    /// Mean training loss `J` of each batch size.
    pub small_train_loss: f64,
    pub large_train_loss: f64,
    pub small_test_loss: f64,
    pub large_test_loss: f64,
    pub test_loss_difference: f64,
    pub test_loss_difference_se: f64,
    pub test_loss: Generalization,
    /// Misclassification rates (the test loss again for regression).
    pub small_test_error: f64,
    pub large_test_error: f64,
    pub test_error_difference: f64,
    pub test_error_difference_se: f64,
    pub test_error: Generalization,
}

/// Mean of `d` and its standard error `sd/√n`.
fn mean_se(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let ss: f64 = d.iter().map(|x| (x - mean) * (x - mean)).sum();
    let se = if d.len() > 1 {
        libm::sqrt(ss / (n - 1.0) / n)
    } else {
        f64::NAN
    };
    (mean, se)
}

fn judge(difference: f64, se: f64) -> Generalization {
    if difference > SIGNIFICANT_SE * se {
        Generalization::Worse
    } else if difference < -SIGNIFICANT_SE * se {
        Generalization::Better
    } else {
        Generalization::Similar
    }
}

/// Loss along two lines through each run's current parameters (see [`BatchSizeExperiment::slice`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LossSlice {
    /// Offsets `s` (Euclidean distance in parameter space), shared by every run.
    pub s: Vec<f64>,
    /// Per run (in run order), `J(θ + s·u)` along the top Hessian eigenvector `u` of the last
    /// measurement, and along a fixed random unit direction.
    pub along_top: Vec<Vec<f64>>,
    pub along_random: Vec<Vec<f64>>,
}

#[derive(Clone, Debug)]
struct Run {
    batch: usize,
    large: bool,
    repeat: usize,
    params: Vec<f64>,
    total_steps: usize,
    step: usize,
    checkpoints: Vec<usize>,
    next_checkpoint: usize,
    order: Vec<usize>,
    cursor: usize,
    batch_rng: SeededRng,
    probe_rng: SeededRng,
    lanczos_seed: (u64, u64),
    diverged: bool,
    last: Measurement,
    top_vector: Vec<f64>,
    /// Per test point at the latest measurement: the loss, and 1 if misclassified.
    test_losses: Vec<f64>,
    test_wrong: Vec<f64>,
}

/// Keskar et al.'s small-vs-large-batch experiment with Shallue et al.'s confounds as settings.
#[derive(Clone, Debug)]
pub struct BatchSizeExperiment {
    config: SharpnessConfig,
    mlp: Mlp,
    split: Split,
    runs: Vec<Run>,
    initial: Vec<Run>,
    record: RunRecord,
    /// The record after the step-0 measurements, restored by `reset`.
    initial_record: RunRecord,
}

/// `θ_f = d ⊙ θ + c`: folded batch-norm-like statistics of `inputs` (see the module docs);
/// without batch norm `d = 1`, `c = 0`.
fn fold(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    rows: &[usize],
    batch_norm: bool,
) -> (Vec<f64>, Vec<f64>) {
    let p = params.len();
    let (mut d, mut c) = (vec![1.0; p], vec![0.0; p]);
    if !batch_norm || rows.is_empty() {
        return (d, c);
    }
    let widths = mlp.widths();
    let drop = Dropout::off(mlp.layers());
    let mut tape = mlp.tape();
    let mut folded = params.to_vec();
    let n = rows.len() as f64;
    for l in 1..mlp.layers() {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let (mut sum, mut sum2) = (vec![0.0; n_out], vec![0.0; n_out]);
        for &i in rows {
            mlp.forward(&folded, &drop, data.input(i), None, &mut tape);
            for o in 0..n_out {
                let z = tape.z[l][o];
                sum[o] += z;
                sum2[o] += z * z;
            }
        }
        let off = mlp.weight_offset(l);
        for o in 0..n_out {
            let mean = sum[o] / n;
            let var = (sum2[o] / n - mean * mean).max(0.0);
            let inv = 1.0 / libm::sqrt(var + BATCH_NORM_EPSILON);
            for j in off + o * n_in..off + (o + 1) * n_in {
                d[j] = inv;
                folded[j] = params[j] * inv;
            }
            let b = off + n_out * n_in + o;
            d[b] = inv;
            c[b] = -mean * inv;
            folded[b] = params[b] * inv + c[b];
        }
    }
    (d, c)
}

fn apply_fold(params: &[f64], d: &[f64], c: &[f64]) -> Vec<f64> {
    params
        .iter()
        .zip(d)
        .zip(c)
        .map(|((p, d), c)| d * p + c)
        .collect()
}

impl BatchSizeExperiment {
    /// A fresh experiment; the data come from [`SharpnessConfig::split`] (own data, or
    /// `Split::generate` with the config's seed), each
    /// repeat's initialization from stream `100 + repeat`, run `k`'s minibatches from stream
    /// `200 + k`, its probes from `400 + k`.
    pub fn new(config: SharpnessConfig) -> Self {
        let seed = config.seed as u64;
        let task = config.task;
        let split = config.split();
        let loss = if task.is_classification() {
            Loss::CrossEntropy
        } else {
            Loss::Squared
        };
        let hidden = config.hidden_units as usize;
        let mlp = Mlp::new(
            &[task.input_dim(), hidden, hidden, 1],
            config.activation,
            loss,
        );
        let n = split.train.len();
        let mut runs = Vec::new();
        for repeat in 0..config.repeats as usize {
            let init = mlp.init(&mut SeededRng::new(seed, 100 + repeat as u64));
            for (large, b) in [(false, config.small_batch), (true, config.large_batch)] {
                let batch = (b as usize).clamp(1, n);
                let total_steps = if config.fixed_steps {
                    config.steps as usize
                } else {
                    config.epochs as usize * (n / batch)
                };
                let k = config.checkpoints as usize;
                let mut checkpoints: Vec<usize> = (0..k)
                    .map(|i| (i * total_steps + (k - 1) / 2) / (k - 1))
                    .collect();
                checkpoints.dedup();
                let index = runs.len() as u64;
                runs.push(Run {
                    batch,
                    large,
                    repeat,
                    params: init.clone(),
                    total_steps,
                    step: 0,
                    checkpoints,
                    next_checkpoint: 0,
                    order: (0..n).collect(),
                    cursor: n,
                    batch_rng: SeededRng::new(seed, 200 + index),
                    probe_rng: SeededRng::new(seed, 400 + index),
                    lanczos_seed: (seed, 300 + index),
                    diverged: false,
                    last: nan_measurement(0),
                    top_vector: vec![0.0; mlp.num_params()],
                    test_losses: Vec::new(),
                    test_wrong: Vec::new(),
                });
            }
        }
        let total_steps = runs.iter().map(|r| r.total_steps).max().unwrap_or(0);
        let mut e = BatchSizeExperiment {
            config,
            mlp,
            split,
            initial: Vec::new(),
            runs,
            record: RunRecord::new(&HISTORY_FIELDS, total_steps),
            initial_record: RunRecord::new(&HISTORY_FIELDS, total_steps),
        };
        for k in 0..e.runs.len() {
            e.measure(k);
        }
        e.initial = e.runs.clone();
        e.initial_record = e.record.clone();
        e
    }

    pub fn config(&self) -> &SharpnessConfig {
        &self.config
    }

    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    pub fn split(&self) -> &Split {
        &self.split
    }

    /// Current parameters of run `k` (runs are ordered repeat by repeat, small batch first).
    pub fn params(&self, k: usize) -> &[f64] {
        &self.runs[k].params
    }

    /// History rows (columns [`HISTORY_FIELDS`]), flat, in order of measurement.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// The folding of run `k`'s batch-norm-like statistics over the whole training set.
    fn eval_fold(&self, k: usize) -> (Vec<f64>, Vec<f64>) {
        let rows: Vec<usize> = (0..self.split.train.len()).collect();
        fold(
            &self.mlp,
            &self.runs[k].params,
            &self.split.train,
            &rows,
            self.config.batch_norm,
        )
    }

    /// Per point of `data`: the loss of the folded parameters, and 1 if misclassified.
    fn evaluate_points(&self, folded: &[f64], data: &Dataset) -> (Vec<f64>, Vec<f64>) {
        let drop = Dropout::off(self.mlp.layers());
        let mut tape = self.mlp.tape();
        let (mut losses, mut wrong) = (Vec::with_capacity(data.len()), Vec::new());
        wrong.reserve(data.len());
        for i in 0..data.len() {
            let z = self
                .mlp
                .forward(folded, &drop, data.input(i), None, &mut tape);
            let t = data.targets[i];
            losses.push(self.mlp.loss.value(z, t));
            wrong.push(if ((z > 0.0) as u8 as f64) != t {
                1.0
            } else {
                0.0
            });
        }
        (losses, wrong)
    }

    /// Mean loss and error of the folded parameters on `data`.
    fn evaluate(&self, folded: &[f64], data: &Dataset) -> (f64, f64) {
        let (losses, wrong) = self.evaluate_points(folded, data);
        self.summarize(&losses, &wrong)
    }

    /// Mean loss and error (the misclassification rate, or the mean loss for regression) from
    /// per-point values, summed in point order.
    fn summarize(&self, losses: &[f64], wrong: &[f64]) -> (f64, f64) {
        let (mut loss, mut errors) = (0.0, 0.0);
        for (l, w) in losses.iter().zip(wrong) {
            loss += l;
            errors += w;
        }
        let n = losses.len().max(1) as f64;
        let error = if self.mlp.loss == Loss::CrossEntropy {
            errors / n
        } else {
            loss / n
        };
        (loss / n, error)
    }

    fn measure(&mut self, k: usize) {
        let (d, c) = self.eval_fold(k);
        let run = &self.runs[k];
        let folded = apply_fold(&run.params, &d, &c);
        let (train_loss, _) = self.evaluate(&folded, &self.split.train);
        let (test_losses, test_wrong) = self.evaluate_points(&folded, &self.split.test);
        let (test_loss, test_error) = self.summarize(&test_losses, &test_wrong);
        let (mlp, train) = (&self.mlp, &self.split.train);
        let p = mlp.num_params();
        let mut scratch = vec![0.0; p];
        // Batched products (hessian::hvp to rounding) with the forward pass done once.
        let mut hessian = BatchHessian::new(mlp, &folded, train);
        let mut hv = |v: &[f64], out: &mut [f64]| {
            scratch
                .iter_mut()
                .zip(v)
                .zip(&d)
                .for_each(|((s, v), d)| *s = v * d);
            hessian.apply(&scratch, out);
            out.iter_mut().zip(&d).for_each(|(o, d)| *o *= d);
        };
        let finite = train_loss.is_finite() && train_loss < DIVERGENCE_LOSS;
        let (seed, stream) = run.lanczos_seed;
        let mut probe_rng = run.probe_rng.clone();
        let (top, trace, trace_se) = if finite {
            let top = lanczos(
                p,
                LANCZOS_STEPS,
                1,
                &mut SeededRng::new(seed, stream),
                &mut hv,
            );
            let (t, se) = hutchinson(p, PROBES, &mut probe_rng, &mut hv);
            (top, t, se)
        } else {
            (
                spectrum::Lanczos {
                    eigenvalues: Vec::new(),
                    top_vector: Vec::new(),
                    steps: 0,
                },
                f64::NAN,
                f64::NAN,
            )
        };
        let lambda_gn = if finite {
            let mut scratch = vec![0.0; p];
            lanczos(
                p,
                LANCZOS_STEPS,
                1,
                &mut SeededRng::new(seed, stream),
                |v, out| {
                    scratch
                        .iter_mut()
                        .zip(v)
                        .zip(&d)
                        .for_each(|((s, v), d)| *s = v * d);
                    hessian::gnvp(mlp, &folded, train, &scratch, out);
                    out.iter_mut().zip(&d).for_each(|(o, d)| *o *= d);
                },
            )
            .eigenvalues[0]
        } else {
            f64::NAN
        };
        let mut tape = CurvatureTape::new(mlp);
        let mut dx = vec![0.0; mlp.widths()[0]];
        let mut sens = 0.0;
        for i in 0..train.len() {
            hessian::input_gradient(mlp, &folded, train.input(i), &mut tape, &mut dx);
            sens += libm::sqrt(crate::nn::mlp::dot(&dx, &dx));
        }
        let n = train.len() as f64;
        let m = Measurement {
            step: run.step,
            epoch: (run.step * run.batch) as f64 / n,
            train_loss,
            test_loss,
            test_error,
            lambda_max: top.eigenvalues.first().copied().unwrap_or(f64::NAN),
            trace,
            trace_se,
            lambda_max_gauss_newton: lambda_gn,
            input_jacobian_norm: sens / n,
        };
        let row = [
            k as f64,
            run.large as u8 as f64,
            run.repeat as f64,
            run.batch as f64,
            m.step as f64,
            m.epoch,
            m.train_loss,
            m.test_loss,
            m.test_error,
            m.lambda_max,
            m.trace,
            m.trace_se,
            m.lambda_max_gauss_newton,
            m.input_jacobian_norm,
        ];
        let top_vector = top.top_vector;
        let run = &mut self.runs[k];
        run.probe_rng = probe_rng;
        if top_vector.len() == run.top_vector.len() {
            run.top_vector = top_vector;
        }
        run.last = m;
        run.test_losses = test_losses;
        run.test_wrong = test_wrong;
        run.next_checkpoint += 1;
        if !finite {
            run.diverged = true;
        }
        self.record.push(&row);
    }

    /// One SGD step of run `k` on its next minibatch (random shuffling, `⌊N/B⌋` disjoint
    /// batches per epoch, the remainder of each epoch unused).
    fn train_step(&mut self, k: usize) {
        let n = self.split.train.len();
        let run = &mut self.runs[k];
        let b = run.batch;
        if run.cursor + b > n {
            // Fisher–Yates shuffle of the training indices.
            for i in (1..n).rev() {
                let j = ((run.batch_rng.uniform() * (i + 1) as f64) as usize).min(i);
                run.order.swap(i, j);
            }
            run.cursor = 0;
        }
        let rows: Vec<usize> = run.order[run.cursor..run.cursor + b].to_vec();
        run.cursor += b;
        let (d, c) = fold(
            &self.mlp,
            &run.params,
            &self.split.train,
            &rows,
            self.config.batch_norm,
        );
        let folded = apply_fold(&run.params, &d, &c);
        let drop = Dropout::off(self.mlp.layers());
        let mut tape = self.mlp.tape();
        let mut grad = vec![0.0; self.mlp.num_params()];
        let w = 1.0 / b as f64;
        for &i in &rows {
            self.mlp.example_gradient(
                &folded,
                &drop,
                self.split.train.input(i),
                self.split.train.targets[i],
                None,
                w,
                &mut tape,
                &mut grad,
            );
        }
        let rate = self.config.learning_rate;
        for ((p, g), d) in run.params.iter_mut().zip(&grad).zip(&d) {
            *p -= rate * d * g;
        }
        run.step += 1;
        if run.params.iter().any(|p| !p.is_finite()) {
            run.diverged = true;
        }
    }

    fn finished(&self, k: usize) -> bool {
        let r = &self.runs[k];
        r.diverged || r.step >= r.total_steps
    }

    /// The loss along the top Hessian eigenvector (of each run's last measurement) and along a
    /// fixed random unit direction, at `points` offsets in `[−r, r]` with
    /// `r = 2·sqrt(2/max λ_max)` (the quadratic model of the sharpest run rises by 4 there).
    pub fn slice(&self, points: usize) -> LossSlice {
        let points = points.clamp(3, 401);
        let sharpest = self
            .runs
            .iter()
            .map(|r| r.last.lambda_max)
            .filter(|l| l.is_finite() && *l > 0.0)
            .fold(0.0f64, f64::max);
        let radius = if sharpest > 0.0 {
            2.0 * libm::sqrt(2.0 / sharpest)
        } else {
            1.0
        };
        let s: Vec<f64> = (0..points)
            .map(|i| -radius + 2.0 * radius * i as f64 / (points - 1) as f64)
            .collect();
        let p = self.mlp.num_params();
        let mut rng = SeededRng::new(self.config.seed as u64, 500);
        let mut random: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
        let norm = libm::sqrt(crate::nn::mlp::dot(&random, &random));
        random.iter_mut().for_each(|x| *x /= norm);
        let (mut along_top, mut along_random) = (Vec::new(), Vec::new());
        for k in 0..self.runs.len() {
            let (d, c) = self.eval_fold(k);
            let run = &self.runs[k];
            let line = |u: &[f64]| -> Vec<f64> {
                s.iter()
                    .map(|&s| {
                        let moved: Vec<f64> =
                            run.params.iter().zip(u).map(|(p, u)| p + s * u).collect();
                        self.evaluate(&apply_fold(&moved, &d, &c), &self.split.train)
                            .0
                    })
                    .collect()
            };
            along_top.push(line(&run.top_vector));
            along_random.push(line(&random));
        }
        LossSlice {
            s,
            along_top,
            along_random,
        }
    }
}

impl BatchSizeExperiment {
    /// Small vs large batch at the latest measurements (see [`BatchComparison`]).
    pub fn comparison(&self) -> Option<BatchComparison> {
        let finite = |r: &Run| !r.diverged && r.last.lambda_max.is_finite();
        let pairs: Vec<(&Run, &Run)> = self
            .runs
            .chunks(2)
            .filter(|p| p.len() == 2 && finite(&p[0]) && finite(&p[1]))
            .map(|p| (&p[0], &p[1]))
            .collect();
        let first = pairs.first()?;
        let np = pairs.len() as f64;
        let mean = |f: &dyn Fn(&Run) -> f64, large: bool| -> f64 {
            pairs
                .iter()
                .map(|(s, l)| f(if large { l } else { s }))
                .sum::<f64>()
                / np
        };
        let classification = self.mlp.loss == Loss::CrossEntropy;
        let n_test = first.0.test_losses.len();
        let paired = |pick: &dyn Fn(&Run) -> &[f64]| -> (f64, f64) {
            let d: Vec<f64> = (0..n_test)
                .map(|i| {
                    pairs
                        .iter()
                        .map(|(s, l)| pick(l)[i] - pick(s)[i])
                        .sum::<f64>()
                        / np
                })
                .collect();
            mean_se(&d)
        };
        let (loss_d, loss_se) = paired(&|r| &r.test_losses);
        let (error_d, error_se) = if classification {
            paired(&|r| &r.test_wrong)
        } else {
            (loss_d, loss_se)
        };
        let small_lambda = mean(&|r| r.last.lambda_max, false);
        let large_lambda = mean(&|r| r.last.lambda_max, true);
        let sharper_pairs = pairs
            .iter()
            .filter(|(s, l)| l.last.lambda_max > s.last.lambda_max)
            .count();
        let sharpness = if large_lambda >= SHARPER_RATIO * small_lambda
            && 2 * sharper_pairs > pairs.len()
        {
            Sharpness::Sharper
        } else if large_lambda * SHARPER_RATIO <= small_lambda && 2 * sharper_pairs < pairs.len() {
            Sharpness::Flatter
        } else {
            Sharpness::Similar
        };
        Some(BatchComparison {
            small_batch: first.0.batch,
            large_batch: first.1.batch,
            pairs: pairs.len(),
            small_steps: first.0.step,
            large_steps: first.1.step,
            small_total_steps: first.0.total_steps,
            large_total_steps: first.1.total_steps,
            small_lambda_max: small_lambda,
            large_lambda_max: large_lambda,
            sharper_pairs,
            sharpness,
            small_train_loss: mean(&|r| r.last.train_loss, false),
            large_train_loss: mean(&|r| r.last.train_loss, true),
            small_test_loss: mean(&|r| r.last.test_loss, false),
            large_test_loss: mean(&|r| r.last.test_loss, true),
            test_loss_difference: loss_d,
            test_loss_difference_se: loss_se,
            test_loss: judge(loss_d, loss_se),
            small_test_error: mean(&|r| r.last.test_error, false),
            large_test_error: mean(&|r| r.last.test_error, true),
            test_error_difference: error_d,
            test_error_difference_se: error_se,
            test_error: judge(error_d, error_se),
        })
    }
}

fn nan_measurement(step: usize) -> Measurement {
    Measurement {
        step,
        epoch: 0.0,
        train_loss: f64::NAN,
        test_loss: f64::NAN,
        test_error: f64::NAN,
        lambda_max: f64::NAN,
        trace: f64::NAN,
        trace_se: f64::NAN,
        lambda_max_gauss_newton: f64::NAN,
        input_jacobian_norm: f64::NAN,
    }
}

impl Experiment for BatchSizeExperiment {
    type Snapshot = SharpnessSnapshot;

    /// One SGD step of every unfinished run, then the measurements that fall due.
    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        for k in 0..self.runs.len() {
            if self.finished(k) {
                continue;
            }
            self.train_step(k);
            let run = &self.runs[k];
            let due = run.checkpoints.get(run.next_checkpoint) == Some(&run.step);
            if run.diverged || due {
                self.measure(k);
            }
        }
        self.record.advance();
        if (0..self.runs.len()).all(|k| self.finished(k)) {
            self.record.stop(if self.runs.iter().all(|r| r.diverged) {
                StopReason::Diverged
            } else {
                StopReason::Done
            });
        }
        self.record.stop_reason()
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> SharpnessSnapshot {
        SharpnessSnapshot {
            steps_done: self.record.steps_done(),
            total_steps: self.record.total_steps(),
            stop_reason: self.record.stop_reason(),
            runs: self
                .runs
                .iter()
                .enumerate()
                .map(|(k, r)| RunSummary {
                    batch_size: r.batch,
                    large: r.large,
                    repeat: r.repeat,
                    step: r.step,
                    total_steps: r.total_steps,
                    diverged: r.diverged,
                    finished: self.finished(k),
                    last: r.last,
                })
                .collect(),
            comparison: self.comparison(),
        }
    }

    fn reset(&mut self) {
        self.runs = self.initial.clone();
        self.record = self.initial_record.clone();
    }
}

crate::lab!(
    BatchSizeExperiment,
    SharpnessConfig,
    "sharpness",
    HISTORY_FIELDS
);
