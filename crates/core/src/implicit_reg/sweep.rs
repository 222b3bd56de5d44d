//! The sweeps: SGD (random shuffling, or i.i.d. batches with `sampling = iid`) against full-batch GD on `J` and on `J + R`, over learning
//! rates at a fixed batch size and over batch sizes at a fixed learning rate (Smith et al. 2021,
//! Figs. 1–2 in miniature; SCIENCE.md §10).
//!
//! Every method takes the same number of steps with the same α, so all three approximate flows
//! over the same time α·steps; GD on `J + R` with R for (α, B) is the full-batch stand-in for SGD
//! at (α, B). Note that full-batch GD has its own implicit term, `(α/4)‖∇(J + R)‖²` to this
//! order, so GD on `J + R` counts the first term of R twice; the brief of issue 6 asks for
//! `J + R` exactly as SCIENCE.md §10 writes it, and the sweeps show it that way.
//!
//! One [`Experiment::step`] computes one sweep point (all three methods), so a caller can report
//! progress and cache points: a point depends only on the shared settings and its (α, B)
//! ([`ImplicitRegSweep::point_key`]), never on the sweep range or the order of computation.
//! The data, the initialization (shared by every run) and the shuffles come from the seed: SGD
//! run r uses stream `SHUFFLE_STREAM + r` at every point (common random numbers, so the curves
//! are smooth in α and B). With `sampling = iid` the same streams draw i.i.d. batches
//! ([`super::train::IidBatches`]); R keeps Smith et al.'s trace term, which i.i.d. sampling does
//! not imply (SCIENCE.md §10, "Pitfall"; [`super::train::mean_epoch_iterate`]).

use super::config::ImplicitRegConfig;
use super::regularizer::{evaluate, regularizer, Coefficients, Workspace};
use super::train::{train_gd, train_sgd, Trained};
use crate::data::Split;
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::nn::mlp::{Loss, Mlp, Tape};
use crate::rng::SeededRng;
use serde::Serialize;

const INIT_STREAM: u64 = 2;
/// SGD run r shuffles with stream `SHUFFLE_STREAM + r` of the seed.
pub const SHUFFLE_STREAM: u64 = 100;

/// Columns of a point row. `sweep` is 0 for the learning-rate sweep, 1 for the batch-size
/// sweep. Per method (`sgd`, `gd` = GD on J, `reg` = GD on J + R): final training loss J and
/// accuracy, test loss and accuracy, whether it diverged (SGD: the fraction of runs), and
/// `R(w)` at its final weights with this point's (α, B). SGD's numbers are means over
/// `sgdRuns` runs that did not diverge, with standard errors `sd/√runs` (NaN for one run).
/// Accuracies are fractions; a diverged method has NaN metrics. The last two columns, the
/// standard errors of SGD's training loss and of its `R(w)`, were appended for the widget's
/// verdict (issue 17); the determinism fixture hashes the first [`FIXTURE_COLUMNS`] of each row.
pub const POINT_FIELDS: [&str; 27] = [
    "sweep",
    "learningRate",
    "batchSize",
    "steps",
    "traceCoefficient",
    "sgdTrainLoss",
    "sgdTrainAccuracy",
    "sgdTestLoss",
    "sgdTestAccuracy",
    "sgdTestLossSe",
    "sgdTestAccuracySe",
    "sgdDiverged",
    "sgdRegularizer",
    "gdTrainLoss",
    "gdTrainAccuracy",
    "gdTestLoss",
    "gdTestAccuracy",
    "gdDiverged",
    "gdRegularizer",
    "regTrainLoss",
    "regTrainAccuracy",
    "regTestLoss",
    "regTestAccuracy",
    "regDiverged",
    "regRegularizer",
    "sgdTrainLossSe",
    "sgdRegularizerSe",
];

/// The columns a row had when the determinism fixture was recorded (the fixture hashes these).
pub const FIXTURE_COLUMNS: usize = 25;

/// Width of a point row.
pub const POINT_WIDTH: usize = POINT_FIELDS.len();

/// Which sweep a point belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SweepKind {
    LearningRate,
    BatchSize,
}

/// One point of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PointSpec {
    pub sweep: SweepKind,
    pub learning_rate: f64,
    pub batch_size: usize,
}

/// Progress of the sweeps.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImplicitRegSnapshot {
    pub total_points: usize,
    pub done_points: usize,
    pub stop_reason: Option<StopReason>,
    /// The next point to compute (none once done).
    pub next: Option<PointSpec>,
    /// Index of the last point computed (or filled from a cache).
    pub last: Option<usize>,
    /// Number of network parameters P.
    pub parameters: usize,
    pub train_points: usize,
}

/// Means (over finite values) and standard errors `sd/√count`.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = finite.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let var = finite.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    (mean, libm::sqrt(var / n as f64))
}

/// The learning-rate and batch-size sweeps of one configuration.
#[derive(Clone, Debug)]
pub struct ImplicitRegSweep {
    config: ImplicitRegConfig,
    mlp: Mlp,
    split: Split,
    init: Vec<f64>,
    specs: Vec<PointSpec>,
    rows: Vec<Option<[f64; POINT_WIDTH]>>,
    last: Option<usize>,
    /// A step computes one point (or a cache fills it): steps done = points present.
    record: RunRecord,
    ws: Workspace,
    tape: Tape,
}

impl ImplicitRegSweep {
    /// Set up the sweeps (data, network, initialization). The config must be valid (see
    /// [`ImplicitRegConfig::validate`]).
    pub fn new(config: ImplicitRegConfig) -> Self {
        let c = &config;
        let split = c.split();
        let mlp = Mlp::new(
            &[2, c.hidden_units as usize, 1],
            c.activation,
            Loss::CrossEntropy,
        );
        let init = mlp.init(&mut SeededRng::new(c.seed as u64, INIT_STREAM));
        let mut specs: Vec<PointSpec> = c
            .learning_rates()
            .into_iter()
            .map(|learning_rate| PointSpec {
                sweep: SweepKind::LearningRate,
                learning_rate,
                batch_size: c.batch_size as usize,
            })
            .collect();
        specs.extend(c.batch_sizes().into_iter().map(|batch_size| PointSpec {
            sweep: SweepKind::BatchSize,
            learning_rate: c.learning_rate,
            batch_size,
        }));
        let ws = Workspace::new(&mlp, split.train.len());
        let tape = mlp.tape();
        let mut sweep = ImplicitRegSweep {
            rows: vec![None; specs.len()],
            last: None,
            record: RunRecord::new(&[], specs.len()),
            config,
            mlp,
            split,
            init,
            specs,
            ws,
            tape,
        };
        sweep.record.settle(false);
        sweep
    }

    /// The configuration.
    pub fn config(&self) -> &ImplicitRegConfig {
        &self.config
    }

    /// The data of the sweeps.
    pub fn split(&self) -> &Split {
        &self.split
    }

    /// The points, learning-rate sweep first, then the batch-size sweep.
    pub fn specs(&self) -> &[PointSpec] {
        &self.specs
    }

    /// A key naming what point `k` computes: the settings it depends on and its (α, B). Two
    /// points with equal keys have bit-identical rows (apart from the `sweep` column).
    pub fn point_key(&self, k: usize) -> String {
        let spec = self.specs[k];
        let shared: Vec<String> = self
            .config
            .to_settings()
            .into_iter()
            .filter(|(name, _)| {
                !matches!(
                    *name,
                    "batchSize"
                        | "learningRateMin"
                        | "learningRateMax"
                        | "sweepPoints"
                        | "learningRate"
                        | "view"
                )
            })
            .filter(|(name, value)| !(*name == "data" && value.is_empty()))
            .map(|(name, value)| {
                if name == "data" {
                    // Own data: a 64-bit FNV-1a hash of its text keeps the key short.
                    format!("data#{:016x}", crate::own_data::fnv1a(value.as_bytes()))
                } else {
                    format!("{name}={value}")
                }
            })
            .collect();
        format!(
            "{}&alpha={}&B={}",
            shared.join("&"),
            spec.learning_rate,
            spec.batch_size
        )
    }

    /// Rows of all points, `points × POINT_WIDTH` row-major ([`POINT_FIELDS`]); rows not yet
    /// computed are NaN except for their `sweep`, `learningRate` and `batchSize`.
    pub fn rows(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.specs.len() * POINT_WIDTH);
        for (spec, row) in self.specs.iter().zip(&self.rows) {
            match row {
                Some(r) => out.extend_from_slice(r),
                None => {
                    let mut r = [f64::NAN; POINT_WIDTH];
                    r[0] = (spec.sweep == SweepKind::BatchSize) as u8 as f64;
                    r[1] = spec.learning_rate;
                    r[2] = spec.batch_size as f64;
                    out.extend_from_slice(&r);
                }
            }
        }
        out
    }

    /// The row of point `k`, if computed.
    pub fn row(&self, k: usize) -> Option<&[f64; POINT_WIDTH]> {
        self.rows.get(k).and_then(|r| r.as_ref())
    }

    /// Fill point `k` with a row computed earlier for the same [`ImplicitRegSweep::point_key`]
    /// (a cache). Returns false (and changes nothing) for a bad index or a row of the wrong
    /// width or (α, B).
    pub fn fill(&mut self, k: usize, row: &[f64]) -> bool {
        let Some(spec) = self.specs.get(k) else {
            return false;
        };
        if row.len() != POINT_WIDTH
            || row[1] != spec.learning_rate
            || row[2] != spec.batch_size as f64
        {
            return false;
        }
        let mut r = [0.0; POINT_WIDTH];
        r.copy_from_slice(row);
        r[0] = (spec.sweep == SweepKind::BatchSize) as u8 as f64;
        if self.rows[k].replace(r).is_none() {
            self.record.advance();
        }
        self.last = Some(k);
        self.record.settle(false);
        true
    }

    /// `(train J, train accuracy, test J, test accuracy, R)` of a finished run (NaN if it
    /// diverged).
    fn metrics(&mut self, run: &Trained, c: Coefficients) -> [f64; 5] {
        if run.diverged {
            return [f64::NAN; 5];
        }
        let (train_loss, train_accuracy) =
            evaluate(&self.mlp, &run.params, &self.split.train, &mut self.tape);
        let (test_loss, test_accuracy) =
            evaluate(&self.mlp, &run.params, &self.split.test, &mut self.tape);
        let r = regularizer(&self.mlp, &run.params, &self.split.train, c, &mut self.ws).value;
        [train_loss, train_accuracy, test_loss, test_accuracy, r]
    }

    /// Compute the row of `spec` (three methods; SGD `sgdRuns` times).
    pub fn compute(&mut self, spec: PointSpec) -> [f64; POINT_WIDTH] {
        let c = &self.config;
        let (steps, alpha, b, n) = (
            c.steps as usize,
            spec.learning_rate,
            spec.batch_size,
            self.split.train.len(),
        );
        let (seed, runs, sampling) = (c.seed as u64, c.sgd_runs as usize, c.sampling);
        let coefficients = Coefficients::smith(alpha, b, n);
        let mut sgd = Vec::with_capacity(runs);
        let mut diverged = 0usize;
        for r in 0..runs {
            let rng = SeededRng::new(seed, SHUFFLE_STREAM + r as u64);
            let run = train_sgd(
                &self.mlp,
                &self.split.train,
                &self.init,
                alpha,
                b,
                steps,
                sampling,
                rng,
            );
            diverged += run.diverged as usize;
            sgd.push(self.metrics(&run, coefficients));
        }
        let column = |j: usize| sgd.iter().map(|m| m[j]).collect::<Vec<f64>>();
        let (train_loss, train_loss_se) = mean_se(&column(0));
        let (train_accuracy, _) = mean_se(&column(1));
        let (test_loss, test_loss_se) = mean_se(&column(2));
        let (test_accuracy, test_accuracy_se) = mean_se(&column(3));
        let (sgd_r, sgd_r_se) = mean_se(&column(4));
        let mut ws = std::mem::replace(&mut self.ws, Workspace::new(&self.mlp, 0));
        let gd = train_gd(
            &self.mlp,
            &self.split.train,
            &self.init,
            alpha,
            Coefficients::ZERO,
            steps,
            &mut ws,
        );
        let reg = train_gd(
            &self.mlp,
            &self.split.train,
            &self.init,
            alpha,
            coefficients,
            steps,
            &mut ws,
        );
        self.ws = ws;
        let g = self.metrics(&gd, coefficients);
        let m = self.metrics(&reg, coefficients);
        [
            (spec.sweep == SweepKind::BatchSize) as u8 as f64,
            alpha,
            b as f64,
            steps as f64,
            coefficients.trace,
            train_loss,
            train_accuracy,
            test_loss,
            test_accuracy,
            test_loss_se,
            test_accuracy_se,
            diverged as f64 / runs as f64,
            sgd_r,
            g[0],
            g[1],
            g[2],
            g[3],
            gd.diverged as u8 as f64,
            g[4],
            m[0],
            m[1],
            m[2],
            m[3],
            reg.diverged as u8 as f64,
            m[4],
            train_loss_se,
            sgd_r_se,
        ]
    }

    fn next_missing(&self) -> Option<usize> {
        self.rows.iter().position(|r| r.is_none())
    }
}

impl Experiment for ImplicitRegSweep {
    type Snapshot = ImplicitRegSnapshot;

    /// Compute the next point not yet computed (or filled).
    fn step(&mut self) -> Option<StopReason> {
        if let Some(k) = self.next_missing() {
            let row = self.compute(self.specs[k]);
            self.rows[k] = Some(row);
            self.last = Some(k);
            self.record.advance();
        }
        self.record.settle(false)
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> ImplicitRegSnapshot {
        ImplicitRegSnapshot {
            total_points: self.specs.len(),
            done_points: self.steps_done(),
            stop_reason: self.stop_reason(),
            next: self.next_missing().map(|k| self.specs[k]),
            last: self.last,
            parameters: self.mlp.num_params(),
            train_points: self.split.train.len(),
        }
    }

    /// Forget every point (the sweep recomputes them, bit-identically).
    fn reset(&mut self) {
        self.rows.iter_mut().for_each(|r| *r = None);
        self.last = None;
        self.record.reset(0);
        self.record.settle(false);
    }
}

crate::lab!(ImplicitRegSweep, ImplicitRegConfig, "implicit-reg", []);
