//! "Dropout" (Grosse, Lecture 8, middle third; SCIENCE.md §2).
//!
//! [`DropoutTraining`] trains two MLPs side by side on the same data, from the same
//! initialisation, with the same batches: one with dropout (`h = m ⊙ φ(z)`,
//! `m ~ Bernoulli(1 − ρ)`, Srivastava et al. 2014, JMLR 15) or one of the rules of Wei, Kakade &
//! Ma (ICML 2020) — DROP_K, the explicit regularizer alone, DROP_K with knock-in noise — and one
//! without. It records train and test loss (and accuracy) for both and an MC estimate of the
//! explicit regularizer `R(w) = E_{x,t}[E_m ℓ(f_drop) − ℓ(f)]` with its standard error.
//!
//! Random streams of the seed: data 0 (train) and 1 (test) ([`crate::data::Split`]), 2 the
//! initialisation, 3 the batches, 4 the masks, 5 the knock-in masks, 6 the regularizer estimate.
//! DROP_K and knock-in runs of one seed therefore share `ĝ_K` exactly.
//!
//! At the defaults (α = 0.5, ρ = 0.6, K = 8, 2000 steps; `noiselab run dropout-k`, seeds 1–12,
//! final test loss mean ± SE): no dropout 2.67 ± 0.22, DROP₁ 1.45 ± 0.19, DROP₈ 2.08 ± 0.25,
//! knock-in 1.43 ± 0.16, explicit only 2.56 ± 0.31. Paired over seeds, DROP₈ − DROP₁ =
//! +0.63 ± 0.13 (worse in 12 of 12: about half of dropout's benefit is implicit) and knock-in −
//! DROP₈ = −0.65 ± 0.14 (better in 12 of 12); at step 1000 already +0.30 ± 0.06 (11 of 12) and
//! −0.34 ± 0.07 (12 of 12). With α = 0.3, ρ = 0.7 (3000 steps) the same pattern only grows late
//! (+0.02 ± 0.02 at step 1000, +0.50 ± 0.16 at 3000, seeds 1–6). At α = 0.1, ρ = 0.5 (the defaults
//! before 2026-12-06; seeds 1–8) it does not show: no dropout 1.82 ± 0.24, DROP₁ 1.04 ± 0.14,
//! DROP₈ 1.04 ± 0.13, DROP₃₂ 1.03 ± 0.13, knock-in 1.04 ± 0.14, explicit only 1.45 ± 0.16. So at
//! this scale the implicit part of dropout grows with the step size, as Wei et al.'s analysis of
//! the noise term (∝ α) suggests. Test accuracy hardly separates the rules at this scale (200
//! test points, SE ≈ 0.03); the test loss (cross-entropy) does.
//!
//! The explicit-only rule (SGD on `J + R̂`, R̂ second order, see [`train::explicit_regularizer`])
//! is stiff at large steps: `R̂ = ½·ρ/(1−ρ)·ℓ''(z)·Σ(∂z/∂h)²h²`, and once the weights have grown
//! (‖w‖ ≈ 20) a training point whose margin shrinks moves ℓ'' from ≈ 0 to ¼ in a few steps, so
//! its R̂ jumps (seed 1, α = 0.3, ρ = 0.7: max per-example R̂ 0.3 → 20 and ‖∇‖ 0.3 → 6.5 between
//! steps 1805 and 1827) and a step of size α overshoots: the training loss jumps (0.14 → 1.6)
//! and the net relearns with smaller weights. It is a step-size instability of gradient descent
//! on R̂ (none at α ≤ 0.25 for seeds 1 and 4 at ρ = 0.6), not a wrong gradient (the gradient is
//! checked against finite differences in the tests); DROP₁'s mask loss is bounded and has no
//! such term. The browser's Wei view marks such jumps.
//!
//! [`wei`] runs Wei et al.'s rules side by side as one experiment (`noiselab run dropout-k`, the
//! browser's Wei view); [`testtime`] compares the test-time rules; [`linear`] has the closed forms of linear
//! regression and dropout SGD on it.

// Index loops follow the formulas (W[o][i], x_ij …) and are kept as written.
#![allow(clippy::needless_range_loop)]

mod config;
mod fixture;
pub mod linear;
pub mod linear_view;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_experiment;
#[cfg(test)]
mod tests_linear;
#[cfg(test)]
mod tests_wei;
pub mod testtime;
pub mod train;
pub mod wei;

pub use config::{parse_hidden, DropLayers, DropoutConfig, Variant, FIELDS, HIDDEN_OPTIONS};
pub use fixture::{dropout_fixture, DROPOUT_FIXTURE_HASH, DROPOUT_FIXTURE_TEST_LOSS_BITS};

use crate::contour::{contour_segments, Domain};
use crate::data::Split;
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::nn::mlp::{Dropout, Loss, Mlp, Scaling};
use crate::nn::optim::Optimizer;
use crate::rng::SeededRng;
use serde::Serialize;
use testtime::{Members, TestTimePredictions};
use train::{Net, Workspace};

const INIT_STREAM: u64 = 2;
const BATCH_STREAM: u64 = 3;
const MASK_STREAM: u64 = 4;
const KNOCK_STREAM: u64 = 5;
const REGULARIZER_STREAM: u64 = 6;

/// Draw `b ≤ n` distinct indices uniformly (a partial Fisher–Yates shuffle of `0..n`, one
/// uniform per index) into `out`.
pub(crate) fn sample_batch(n: usize, b: usize, rng: &mut SeededRng, out: &mut Vec<usize>) {
    out.clear();
    out.extend(0..n);
    for i in 0..b.min(n) {
        let j = i + ((rng.uniform() * (n - i) as f64) as usize).min(n - i - 1);
        out.swap(i, j);
    }
    out.truncate(b.min(n));
}

/// Names of the recorded statistics, in the order of a history row. "Dropout" columns are the
/// net trained with the configured rule, "plain" the net trained without dropout. Losses and
/// accuracies use test-time weight scaling; accuracies are NaN for regression.
pub const HISTORY_FIELDS: [&str; 14] = [
    "step",
    "trainLoss",
    "testLoss",
    "trainAccuracy",
    "testAccuracy",
    "regularizer",
    "seRegularizer",
    "taylorRegularizer",
    "plainTrainLoss",
    "plainTestLoss",
    "plainTrainAccuracy",
    "plainTestAccuracy",
    "plainRegularizer",
    "sePlainRegularizer",
];

/// One recorded row (see [`HISTORY_FIELDS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub step: usize,
    /// `J(w)` of the dropout net on the training set.
    pub train_loss: f64,
    pub test_loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
    /// MC estimate of `R(w)` on the training set ([`train::mc_regularizer`]); `J + R` is the
    /// dropout objective.
    pub regularizer: f64,
    pub se_regularizer: f64,
    /// The second-order `R̂` of [`train::explicit_regularizer`], averaged over the training set.
    pub taylor_regularizer: f64,
    pub plain_train_loss: f64,
    pub plain_test_loss: f64,
    pub plain_train_accuracy: f64,
    pub plain_test_accuracy: f64,
    /// `R(w)` of the plain net's weights under the configured dropout (inverted scaling, so the
    /// test-time function is the plain net itself): how much dropout would hurt it.
    pub plain_regularizer: f64,
    pub se_plain_regularizer: f64,
}

impl Record {
    fn row(&self) -> [f64; 14] {
        [
            self.step as f64,
            self.train_loss,
            self.test_loss,
            self.train_accuracy,
            self.test_accuracy,
            self.regularizer,
            self.se_regularizer,
            self.taylor_regularizer,
            self.plain_train_loss,
            self.plain_test_loss,
            self.plain_train_accuracy,
            self.plain_test_accuracy,
            self.plain_regularizer,
            self.se_plain_regularizer,
        ]
    }
}

/// Which of the two networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Which {
    /// Trained with the configured rule ([`Variant`]).
    Dropout,
    /// Trained without dropout.
    Plain,
}

impl Which {
    /// The net named `"dropout"` or `"plain"`, or an error naming both.
    pub fn from_name(name: &str) -> Result<Which, String> {
        match name {
            "dropout" => Ok(Which::Dropout),
            "plain" => Ok(Which::Plain),
            _ => Err(format!(
                "net must be \"dropout\" or \"plain\"; got \"{name}\""
            )),
        }
    }
}

/// Largest grid side for predictions asked by a front end (keeps one call well under a frame
/// at the defaults); a 1-D curve may have four times as many points.
pub const MAX_GRID: usize = 256;
/// Largest K of a test-time MC average and number of sampled members a front end may ask.
pub const MAX_K: usize = 256;
/// Most forward passes an exact `2^D` average over the prediction points may take.
pub const MAX_EXACT_PASSES: u64 = 8_388_608;

/// Check a prediction grid of `nx × ny` nodes (`ny` ignored for a 1-D curve).
pub fn check_grid(nx: usize, ny: usize, one_d: bool) -> Result<(), String> {
    let ny_ok = one_d || (2..=MAX_GRID).contains(&ny);
    if !(2..=MAX_GRID * 4).contains(&nx) || !ny_ok {
        return Err(format!(
            "prediction grid must be 2 to {MAX_GRID} nodes per side"
        ));
    }
    Ok(())
}

/// Check a count `k` (of masks or members) named `what`.
pub fn check_count(what: &str, k: usize) -> Result<(), String> {
    if !(1..=MAX_K).contains(&k) {
        return Err(format!(
            "{what} must be a whole number from 1 to {MAX_K}; got {k}"
        ));
    }
    Ok(())
}

/// The readout of a dropout run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DropoutSnapshot {
    pub total_steps: usize,
    pub steps_done: usize,
    pub stop_reason: Option<StopReason>,
    /// Which net diverged (non-finite loss or weights), if one did.
    pub diverged: Option<Which>,
    /// The last recorded row.
    pub last: Record,
    /// `[n₀, …, n_L]`.
    pub widths: Vec<usize>,
    /// The current step's mask of the first example of the batch (its first of K masks), over
    /// the units of layers 0 … L−1 (inputs first): 1 kept, 0 dropped. All ones before the
    /// first step and for mask-free rules.
    pub mask: Vec<f64>,
    /// Current training-set size (user points included).
    pub train_points: usize,
    /// Test-set size (own data: its test rows).
    pub test_points: usize,
}

/// Train and test sets and two nets, one trained with dropout and one without.
#[derive(Clone, Debug)]
pub struct DropoutTraining {
    config: DropoutConfig,
    mlp: Mlp,
    /// What the dropout net trains and predicts with (off for `Variant::None`).
    train_dropout: Dropout,
    /// The dropout under which `R(w)` is estimated for each net.
    probe: [Dropout; 2],
    off: Dropout,
    data: Split,
    init: Vec<f64>,
    params: [Vec<f64>; 2],
    optimizers: [Optimizer; 2],
    rngs: [SeededRng; 4],
    workspaces: [Workspace; 2],
    grad: Vec<f64>,
    batch: Vec<usize>,
    masks: Vec<f64>,
    record: RunRecord,
    diverged: Option<Which>,
    last: Record,
}

/// What a dropout run and the Wei comparison build from a config: the data, the net and its
/// seeded initial weights, the configured dropout and the same with inverted scaling, and the
/// optimizer.
struct Setup {
    data: Split,
    mlp: Mlp,
    init: Vec<f64>,
    configured: Dropout,
    inverted: Dropout,
    optimizer: Optimizer,
}

impl Setup {
    fn new(c: &DropoutConfig) -> Self {
        let data = c.split();
        let loss = if c.task.is_classification() {
            Loss::CrossEntropy
        } else {
            Loss::Squared
        };
        let mlp = Mlp::new(&c.widths(), c.activation, loss);
        let init = mlp.init(&mut SeededRng::new(c.seed as u64, INIT_STREAM));
        let configured = c.dropout();
        let inverted = Dropout {
            scaling: Scaling::Inverted,
            ..configured.clone()
        };
        let optimizer = Optimizer::new(c.optimizer, c.learning_rate, c.weight_decay, &mlp);
        Setup {
            data,
            mlp,
            init,
            configured,
            inverted,
            optimizer,
        }
    }
}

/// Whether the step just taken gets a history row: every `every` steps, the last and a diverged
/// one.
fn due(record: &RunRecord, every: u32, diverged: bool) -> bool {
    let n = record.steps_done();
    diverged || n >= record.total_steps() || n % every as usize == 0
}

impl DropoutTraining {
    /// Start a run. The config must be valid (see [`DropoutConfig::validate`]).
    pub fn new(config: DropoutConfig) -> Self {
        let c = &config;
        let set = Setup::new(c);
        let off = Dropout::off(set.mlp.layers());
        let (train_dropout, probe_dropout) = if c.variant == Variant::None {
            (off.clone(), set.inverted.clone())
        } else {
            (set.configured.clone(), set.configured)
        };
        let mut t = DropoutTraining {
            train_dropout,
            probe: [probe_dropout, set.inverted],
            off,
            data: set.data,
            params: [set.init.clone(), set.init.clone()],
            init: set.init,
            optimizers: [set.optimizer.clone(), set.optimizer],
            rngs: [BATCH_STREAM, MASK_STREAM, KNOCK_STREAM, REGULARIZER_STREAM]
                .map(|s| SeededRng::new(c.seed as u64, s)),
            workspaces: [Workspace::new(&set.mlp), Workspace::new(&set.mlp)],
            grad: vec![0.0; set.mlp.num_params()],
            batch: Vec::new(),
            masks: Vec::new(),
            record: RunRecord::new(&HISTORY_FIELDS, c.steps as usize),
            diverged: None,
            last: Record::default(),
            mlp: set.mlp,
            config,
        };
        t.reset();
        t
    }

    /// The configuration of this run.
    pub fn config(&self) -> &DropoutConfig {
        &self.config
    }

    /// The architecture shared by both nets.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// The dropout the dropout net trains and predicts with.
    pub fn dropout(&self) -> &Dropout {
        &self.train_dropout
    }

    /// The current training and test sets.
    pub fn data(&self) -> &Split {
        &self.data
    }

    /// Flat parameters of a net (order in [`crate::nn::mlp`]).
    pub fn params(&self, which: Which) -> &[f64] {
        &self.params[which as usize]
    }

    /// Recorded rows from step 0 to now, row-major with [`HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// All masks of the last step: `B·K` rows (example-major, then mask k) of
    /// [`Mlp::num_units`] 0/1 entries; empty before the first step and for mask-free rules.
    pub fn step_masks(&self) -> &[f64] {
        &self.masks
    }

    /// The plotted rectangle of the task ([`crate::data::Task::domain`]); with own data, the
    /// rectangle around it ([`crate::own_data::domain_around`]).
    pub fn domain(&self) -> Domain {
        let c = &self.config;
        if c.data.is_empty() {
            c.task.domain()
        } else {
            crate::own_data::domain_around(&c.data, c.task.input_dim())
        }
    }

    fn net(&self, which: Which) -> Net<'_> {
        Net {
            mlp: &self.mlp,
            params: &self.params[which as usize],
            dropout: match which {
                Which::Dropout => &self.train_dropout,
                Which::Plain => &self.off,
            },
        }
    }

    /// The inputs where predictions are drawn: for 2-D tasks the `nx × ny` nodes of
    /// [`Domain::grid`] (row-major, image order, row 0 at `y_max`), flat `[x₁, x₂, …]`
    /// (length `2·nx·ny`); for 1-D regression `nx` points from `x_min` to `x_max` (ny unused).
    pub fn inputs(&self, nx: usize, ny: usize) -> Vec<f64> {
        let d = self.domain();
        if self.config.task.input_dim() == 1 {
            return (0..nx).map(|i| d.x_at(i, nx)).collect();
        }
        let mut v = Vec::with_capacity(2 * nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                v.extend_from_slice(&[d.x_at(i, nx), d.y_at(j, ny)]);
            }
        }
        v
    }

    /// Test-time (weight-scaled) predictions of a net at [`DropoutTraining::inputs`]:
    /// `p(t = 1 | x)` for classification (a heat map of `nx·ny` values), `f(x)` for regression
    /// (a curve of `nx` values).
    pub fn predictions(&self, which: Which, nx: usize, ny: usize) -> Vec<f64> {
        let net = self.net(which);
        let mut tape = self.mlp.tape();
        self.inputs(nx, ny)
            .chunks(self.mlp.widths()[0])
            .map(|x| self.mlp.predict(net.params, net.dropout, x, &mut tape))
            .collect()
    }

    /// The noise-free regression function at the `nx` curve points (NaN for classification,
    /// and for own data, whose generating function is unknown).
    pub fn true_curve(&self, nx: usize) -> Vec<f64> {
        let d = self.domain();
        let own = !self.config.data.is_empty();
        (0..nx)
            .map(|i| {
                if own {
                    f64::NAN
                } else {
                    self.config.task.target_function(d.x_at(i, nx))
                }
            })
            .collect()
    }

    /// The decision boundary `p = ½` of a net as contour segments `[x0, y0, x1, y1, …]` in data
    /// coordinates, from an `nx × ny` grid; empty for regression.
    pub fn decision_boundary(&self, which: Which, nx: usize, ny: usize) -> Vec<f64> {
        if !self.config.task.is_classification() {
            return Vec::new();
        }
        let grid = self.predictions(which, nx, ny);
        contour_segments(&self.domain(), &grid, nx, ny, 0.5)
    }

    /// The dropout net's predictions by weight scaling, a K-mask MC average (masks shared across
    /// points, from `SeededRng::new(seed, 0)`) and, with `exact` and few droppable units, the
    /// exact mask average ([`testtime::test_time_predictions`]), at [`DropoutTraining::inputs`].
    pub fn test_time(
        &self,
        nx: usize,
        ny: usize,
        k: usize,
        exact: bool,
        seed: u64,
    ) -> TestTimePredictions {
        let mut ws = Workspace::new(&self.mlp);
        let mut rng = SeededRng::new(seed, 0);
        let net = self.probe_net(Which::Dropout);
        testtime::test_time_predictions(net, &self.inputs(nx, ny), k, exact, &mut rng, &mut ws)
    }

    /// [`DropoutTraining::test_time`] after checking the grid ([`check_grid`]) and K
    /// ([`check_count`]); the exact average only when [`DropoutTraining::exact_affordable`] at
    /// the grid's points.
    pub fn checked_test_time(
        &self,
        nx: usize,
        ny: usize,
        k: usize,
        exact: bool,
        seed: u64,
    ) -> Result<TestTimePredictions, String> {
        check_grid(nx, ny, self.one_d())?;
        check_count("K", k)?;
        let exact = exact && self.exact_affordable(self.points(nx, ny));
        Ok(self.test_time(nx, ny, k, exact, seed))
    }

    /// Test-time predictions of the dropout net along the horizontal slice `x₂ = x2` of a 2-D
    /// task (`n` points from `xMin` to `xMax`), as [`DropoutTraining::checked_test_time`] (the
    /// same K masks for the same `seed`).
    pub fn test_time_slice(
        &self,
        n: usize,
        x2: f64,
        k: usize,
        exact: bool,
        seed: u64,
    ) -> Result<TestTimePredictions, String> {
        check_grid(n, 2, true)?;
        if self.one_d() || !x2.is_finite() {
            return Err("a slice needs a 2-D task and a finite x₂".into());
        }
        check_count("K", k)?;
        let d = self.domain();
        let inputs: Vec<f64> = (0..n).flat_map(|i| [d.x_at(i, n), x2]).collect();
        let net = Net {
            mlp: &self.mlp,
            params: self.params(Which::Dropout),
            dropout: self.dropout(),
        };
        let mut ws = Workspace::new(&self.mlp);
        let mut rng = SeededRng::new(seed, 0);
        let exact = exact && self.exact_affordable(n);
        Ok(testtime::test_time_predictions(
            net, &inputs, k, exact, &mut rng, &mut ws,
        ))
    }

    /// Number D of droppable units of the dropout net (the ensemble has `2^D` members).
    pub fn droppable_units(&self) -> usize {
        self.dropout().droppable_units(&self.mlp).len()
    }

    /// Whether the exact `2^D` average at `n` points stays within [`MAX_EXACT_PASSES`].
    pub fn exact_affordable(&self, n: usize) -> bool {
        let d = self.droppable_units();
        d <= testtime::MAX_EXACT_UNITS && (n as u64) << d <= MAX_EXACT_PASSES
    }

    /// Whether the task has one input (curves of `nx` points instead of `nx × ny` grids).
    pub fn one_d(&self) -> bool {
        self.config.task.input_dim() == 1
    }

    /// Number of prediction points of an `nx × ny` grid (`nx` for a 1-D task).
    pub fn points(&self, nx: usize, ny: usize) -> usize {
        if self.one_d() {
            nx
        } else {
            nx * ny
        }
    }

    /// `count` sampled sub-networks of the dropout net and their predictions at
    /// [`DropoutTraining::inputs`] ([`testtime::sample_members`]; masks from
    /// `SeededRng::new(seed, 0)`).
    pub fn members(&self, count: usize, nx: usize, ny: usize, seed: u64) -> Members {
        let mut ws = Workspace::new(&self.mlp);
        let mut rng = SeededRng::new(seed, 0);
        let net = self.probe_net(Which::Dropout);
        testtime::sample_members(net, &self.inputs(nx, ny), count, &mut rng, &mut ws)
    }

    fn probe_net(&self, which: Which) -> Net<'_> {
        Net {
            mlp: &self.mlp,
            params: &self.params[which as usize],
            dropout: &self.probe[which as usize],
        }
    }

    /// Add a training point (a click). Training goes on from the current weights.
    pub fn add_point(&mut self, x: &[f64], t: f64) {
        self.data.train.push(x, t);
    }

    /// [`DropoutTraining::add_point`] after checking the point: `x` of the task's input
    /// dimension, finite, and a finite target (0 or 1 for classification). Returns the number
    /// of training points.
    pub fn add_checked_point(&mut self, x: &[f64], t: f64) -> Result<usize, String> {
        let dim = self.config.task.input_dim();
        if x.len() != dim || !x.iter().all(|v| v.is_finite()) || !t.is_finite() {
            return Err(format!(
                "a point needs {dim} finite input(s) and a finite target"
            ));
        }
        if self.config.task.is_classification() && t != 0.0 && t != 1.0 {
            return Err("a class label must be 0 or 1".into());
        }
        self.add_point(x, t);
        Ok(self.data.train.len())
    }

    /// Remove the training point nearest to `x` (and to `t`, for a click in the (x, t) plane of
    /// a regression); returns its index. The last point is never removed, nor one for an `x`
    /// not of the task's input dimension.
    pub fn remove_nearest(&mut self, x: &[f64], t: Option<f64>) -> Option<usize> {
        if self.data.train.len() <= 1 || x.len() != self.config.task.input_dim() {
            return None;
        }
        self.data.train.remove_nearest(x, t)
    }

    /// Restore the seeded training and test sets (undo user points) and restart training.
    pub fn reset_data(&mut self) {
        self.data = self.config.split();
        self.reset();
    }

    /// `(mean loss, accuracy)` of a net on a dataset with weight scaling; accuracy counts
    /// `z ≥ 0 ⇔ t = 1` (NaN for regression).
    fn evaluate(&mut self, which: Which, test: bool) -> (f64, f64) {
        let data = if test {
            &self.data.test
        } else {
            &self.data.train
        };
        let net = Net {
            mlp: &self.mlp,
            params: &self.params[which as usize],
            dropout: match which {
                Which::Dropout => &self.train_dropout,
                Which::Plain => &self.off,
            },
        };
        let tape = &mut self.workspaces[which as usize].tape;
        let classify = self.config.task.is_classification();
        let (mut loss, mut correct) = (0.0, 0usize);
        for i in 0..data.len() {
            let z = self
                .mlp
                .forward(net.params, net.dropout, data.input(i), None, tape);
            loss += self.mlp.loss.value(z, data.targets[i]);
            correct += ((z >= 0.0) == (data.targets[i] >= 0.5)) as usize;
        }
        let n = data.len() as f64;
        (
            loss / n,
            if classify {
                correct as f64 / n
            } else {
                f64::NAN
            },
        )
    }

    fn record(&mut self) {
        let (train_loss, train_accuracy) = self.evaluate(Which::Dropout, false);
        let (test_loss, test_accuracy) = self.evaluate(Which::Dropout, true);
        let (plain_train_loss, plain_train_accuracy) = self.evaluate(Which::Plain, false);
        let (plain_test_loss, plain_test_accuracy) = self.evaluate(Which::Plain, true);
        let mut r = [(0.0, 0.0); 2];
        for which in [Which::Dropout, Which::Plain] {
            let net = Net {
                mlp: &self.mlp,
                params: &self.params[which as usize],
                dropout: &self.probe[which as usize],
            };
            let ws = &mut self.workspaces[which as usize];
            r[which as usize] = train::mc_regularizer(net, &self.data.train, &mut self.rngs[3], ws);
        }
        let net = Net {
            mlp: &self.mlp,
            params: &self.params[0],
            dropout: &self.probe[0],
        };
        let ws = &mut self.workspaces[0];
        let n = self.data.train.len();
        let taylor = (0..n)
            .map(|i| train::explicit_regularizer(net, self.data.train.input(i), ws))
            .sum::<f64>()
            / n as f64;
        self.last = Record {
            step: self.record.steps_done(),
            train_loss,
            test_loss,
            train_accuracy,
            test_accuracy,
            regularizer: r[0].0,
            se_regularizer: r[0].1,
            taylor_regularizer: taylor,
            plain_train_loss,
            plain_test_loss,
            plain_train_accuracy,
            plain_test_accuracy,
            plain_regularizer: r[1].0,
            se_plain_regularizer: r[1].1,
        };
        self.record.push(&self.last.row());
    }
}

impl Experiment for DropoutTraining {
    type Snapshot = DropoutSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let c = &self.config;
        let [batch_rng, mask_rng, knock_rng, _] = &mut self.rngs;
        sample_batch(
            self.data.train.len(),
            c.batch_size as usize,
            batch_rng,
            &mut self.batch,
        );
        let mut finite = [true; 2];
        for which in [Which::Dropout, Which::Plain] {
            let w = which as usize;
            let net = Net {
                mlp: &self.mlp,
                params: &self.params[w],
                dropout: match which {
                    Which::Dropout => &self.train_dropout,
                    Which::Plain => &self.off,
                },
            };
            let ws = &mut self.workspaces[w];
            let loss = match which {
                Which::Dropout => train::variant_gradient(
                    c.variant,
                    c.drop_k as usize,
                    net,
                    &self.data.train,
                    &self.batch,
                    mask_rng,
                    knock_rng,
                    ws,
                    &mut self.grad,
                    &mut self.masks,
                ),
                Which::Plain => {
                    train::plain_gradient(net, &self.data.train, &self.batch, ws, &mut self.grad)
                }
            };
            self.optimizers[w].step(&mut self.params[w], &self.grad);
            finite[w] = loss.is_finite() && self.params[w].iter().all(|p| p.is_finite());
        }
        self.record.advance();
        if !finite[0] {
            self.diverged = Some(Which::Dropout);
        } else if !finite[1] {
            self.diverged = Some(Which::Plain);
        }
        if due(
            &self.record,
            self.config.record_every,
            self.diverged.is_some(),
        ) {
            self.record();
        }
        self.record.settle(self.diverged.is_some())
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> DropoutSnapshot {
        let units = self.mlp.num_units();
        DropoutSnapshot {
            total_steps: self.config.steps as usize,
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            diverged: self.diverged,
            last: self.last,
            widths: self.mlp.widths().to_vec(),
            mask: if self.masks.len() >= units {
                self.masks[..units].to_vec()
            } else {
                vec![1.0; units]
            },
            train_points: self.data.train.len(),
            test_points: self.data.test.len(),
        }
    }

    /// Restart training from the same initialisation and random streams, on the current data
    /// (user points are kept; [`DropoutTraining::reset_data`] restores the seeded data).
    fn reset(&mut self) {
        let c = &self.config;
        self.params = [self.init.clone(), self.init.clone()];
        self.optimizers =
            [0, 1].map(|_| Optimizer::new(c.optimizer, c.learning_rate, c.weight_decay, &self.mlp));
        self.rngs = [BATCH_STREAM, MASK_STREAM, KNOCK_STREAM, REGULARIZER_STREAM]
            .map(|s| SeededRng::new(c.seed as u64, s));
        self.masks.clear();
        self.record.reset(0);
        self.diverged = None;
        self.record();
    }
}

crate::lab!(DropoutTraining, DropoutConfig, "dropout", HISTORY_FIELDS);
