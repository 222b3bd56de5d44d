//! Wei, Kakade & Ma (ICML 2020)'s comparison as one experiment (SCIENCE.md §2.3): DROP₁,
//! DROP_K, DROP_K with knock-in noise and the explicit regularizer alone, each a dropout net,
//! plus the net without dropout, trained in lockstep on the same data, initialisation, batches
//! and seed. The browser's "Implicit vs explicit" view and `noiselab run dropout-k` both run it.
//!
//! Every number equals that of a separate [`DropoutTraining`](super::DropoutTraining) run of the
//! same settings with `variant` set (same random streams, same float operations in the same
//! order; see the tests): the plain net, identical in all those runs, is trained once here, and
//! each dropout net keeps its own mask, knock-in and regularizer streams. A row holds every
//! variant's columns ([`WEI_HISTORY_FIELDS`]); [`WeiComparison::variant_history`] gives back the
//! rows of one separate run. The comparison stops when any net diverges.

use super::config::FIELDS;
use super::train::{self, Net, Workspace};
use super::{
    due, sample_batch, DropoutConfig, DropoutSnapshot, Record, Setup, Variant, Which, BATCH_STREAM,
    HISTORY_FIELDS, KNOCK_STREAM, MASK_STREAM, REGULARIZER_STREAM,
};
use crate::config::{Config, ConfigErrors, FieldSpec, Parsed};
use crate::data::Split;
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::nn::mlp::{Dropout, Mlp};
use crate::nn::optim::Optimizer;
use crate::rng::SeededRng;
use serde::Serialize;

/// The compared training rules, in the order of the columns (the plain net comes after them).
pub const WEI_VARIANTS: [Variant; 4] = [
    Variant::Dropout,
    Variant::DropK,
    Variant::KnockIn,
    Variant::ExplicitOnly,
];

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn without_variant() -> [FieldSpec; FIELDS.len() - 1] {
    let mut out = [FIELDS[0]; FIELDS.len() - 1];
    let (mut i, mut j) = (0, 0);
    while i < FIELDS.len() {
        if !same(FIELDS[i].name, "variant") {
            out[j] = FIELDS[i];
            j += 1;
        }
        i += 1;
    }
    out
}

/// The comparison's settings: the dropout run's table ([`FIELDS`]) without `variant` (the
/// comparison trains every rule). Taken from that table, not copied: the `settings!` macro
/// declares a struct with its own field list and cannot compose another config's, so
/// [`WeiConfig`] wraps a [`DropoutConfig`] and implements [`Config`] by hand.
pub const WEI_FIELDS: [FieldSpec; FIELDS.len() - 1] = without_variant();

/// Settings of [`WeiComparison`]: a [`DropoutConfig`] whose `variant` is unused (the default).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct WeiConfig(DropoutConfig);

impl WeiConfig {
    /// The dropout settings of the comparison (`variant` at its default, unused).
    pub fn dropout(&self) -> &DropoutConfig {
        &self.0
    }

    /// The settings of the separate `dropout` run of one rule.
    pub fn with_variant(&self, variant: Variant) -> DropoutConfig {
        DropoutConfig {
            variant,
            ..self.0.clone()
        }
    }

    /// Parse `(name, text)` settings of [`WEI_FIELDS`] over the defaults; every bad one (and a
    /// `variant`, which is not a setting here) is reported, then the dropout run's rules
    /// across fields.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let settings: Vec<(&str, &str)> = settings.into_iter().collect();
        Parsed::new(&WEI_FIELDS, settings.iter().copied())?;
        DropoutConfig::from_settings(settings).map(WeiConfig)
    }

    /// The settings as `(name, text)` pairs in the order of [`WEI_FIELDS`].
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        let mut s = self.0.to_settings();
        s.retain(|(name, _)| *name != "variant");
        s
    }
}

impl Config for WeiConfig {
    const FIELDS: &'static [FieldSpec] = &WEI_FIELDS;

    fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        WeiConfig::from_settings(settings)
    }

    fn to_settings(&self) -> Vec<(&'static str, String)> {
        WeiConfig::to_settings(self)
    }
}

macro_rules! wei_fields {
    ($($v:literal),*) => {
        [
            "step",
            $(
                concat!($v, "TrainLoss"),
                concat!($v, "TestLoss"),
                concat!($v, "TrainAccuracy"),
                concat!($v, "TestAccuracy"),
                concat!($v, "Regularizer"),
                concat!($v, "SeRegularizer"),
                concat!($v, "TaylorRegularizer"),
            )*
            "plainTrainLoss",
            "plainTestLoss",
            "plainTrainAccuracy",
            "plainTestAccuracy",
            "plainRegularizer",
            "sePlainRegularizer",
            "noneRegularizer",
            "seNoneRegularizer",
            "noneTaylorRegularizer",
        ]
    };
}

/// Columns of a row: the step; per rule of [`WEI_VARIANTS`] its dropout net's train and test
/// loss and accuracy, `R(w)` with its SE and `R̂` (as in [`HISTORY_FIELDS`]); the plain net's
/// columns; and `R(w)`, its SE and `R̂` of the plain net under inverted dropout (what a separate
/// `variant = none` run records as its "dropout" net's regularizer).
pub const WEI_HISTORY_FIELDS: [&str; 38] =
    wei_fields!("dropout", "dropK", "knockIn", "explicitOnly");

/// Columns of one rule in a row (after the step).
const LANE: usize = 7;
const PLAIN: usize = 1 + LANE * 4;
const NONE: usize = PLAIN + 6;

/// The readout of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WeiSnapshot {
    pub total_steps: usize,
    pub steps_done: usize,
    pub stop_reason: Option<StopReason>,
    /// The net that diverged (a variant's name or "plain"), if one did.
    pub diverged: Option<&'static str>,
    /// The last recorded row of each rule of [`WEI_VARIANTS`], as its separate run records it.
    pub last: [Record; 4],
    /// The last row of the separate `variant = none` run (no dropout).
    pub none: Record,
}

/// One dropout net of the comparison and its own random streams.
#[derive(Clone, Debug)]
struct Lane {
    variant: Variant,
    params: Vec<f64>,
    optimizer: Optimizer,
    mask_rng: SeededRng,
    knock_rng: SeededRng,
    /// The last step's first mask (see [`DropoutSnapshot::mask`]); empty for mask-free rules.
    mask: Vec<f64>,
}

/// The four rules and the plain net in lockstep (see the module doc).
#[derive(Clone, Debug)]
pub struct WeiComparison {
    config: WeiConfig,
    mlp: Mlp,
    configured: Dropout,
    inverted: Dropout,
    off: Dropout,
    data: Split,
    init: Vec<f64>,
    lanes: Vec<Lane>,
    plain: Vec<f64>,
    plain_optimizer: Optimizer,
    batch_rng: SeededRng,
    regularizer_rng: SeededRng,
    ws: Workspace,
    grad: Vec<f64>,
    batch: Vec<usize>,
    masks: Vec<f64>,
    record: RunRecord,
    diverged: Option<&'static str>,
    last: [Record; 5],
}

impl WeiComparison {
    /// Start the comparison. The config must be valid.
    pub fn new(config: WeiConfig) -> Self {
        let c = config.dropout();
        let set = Setup::new(c);
        let seed = c.seed as u64;
        let mut t = WeiComparison {
            lanes: WEI_VARIANTS
                .iter()
                .map(|&variant| Lane {
                    variant,
                    params: set.init.clone(),
                    optimizer: set.optimizer.clone(),
                    mask_rng: SeededRng::new(seed, MASK_STREAM),
                    knock_rng: SeededRng::new(seed, KNOCK_STREAM),
                    mask: Vec::new(),
                })
                .collect(),
            plain: set.init.clone(),
            plain_optimizer: set.optimizer,
            batch_rng: SeededRng::new(seed, BATCH_STREAM),
            regularizer_rng: SeededRng::new(seed, REGULARIZER_STREAM),
            ws: Workspace::new(&set.mlp),
            grad: vec![0.0; set.mlp.num_params()],
            batch: Vec::new(),
            masks: Vec::new(),
            record: RunRecord::new(&WEI_HISTORY_FIELDS, c.steps as usize),
            diverged: None,
            last: [Record::default(); 5],
            off: Dropout::off(set.mlp.layers()),
            configured: set.configured,
            inverted: set.inverted,
            data: set.data,
            init: set.init,
            mlp: set.mlp,
            config,
        };
        t.reset();
        t
    }

    /// The settings of this comparison.
    pub fn config(&self) -> &WeiConfig {
        &self.config
    }

    /// Recorded rows from step 0 to now, row-major with [`WEI_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// The rows (row-major, [`HISTORY_FIELDS`] columns) the separate `dropout` run of
    /// `variant` records (any [`Variant`], `None` included).
    pub fn variant_history(&self, variant: Variant) -> Vec<f64> {
        let lane = WEI_VARIANTS.iter().position(|&v| v == variant);
        let mut out = Vec::with_capacity(self.record.rows() * HISTORY_FIELDS.len());
        for row in self.history().chunks(WEI_HISTORY_FIELDS.len()) {
            let plain = &row[PLAIN..NONE];
            out.push(row[0]);
            match lane {
                Some(l) => out.extend_from_slice(&row[1 + l * LANE..1 + (l + 1) * LANE]),
                None => {
                    out.extend_from_slice(&plain[..4]);
                    out.extend_from_slice(&row[NONE..NONE + 3]);
                }
            }
            out.extend_from_slice(plain);
        }
        out
    }

    /// The snapshot the separate `dropout` run of `variant` (any [`Variant`]) ends with.
    pub fn variant_snapshot(&self, variant: Variant) -> DropoutSnapshot {
        let lane = WEI_VARIANTS.iter().position(|&v| v == variant);
        let units = self.mlp.num_units();
        let mask = lane
            .map(|l| &self.lanes[l].mask)
            .filter(|m| m.len() >= units);
        DropoutSnapshot {
            total_steps: self.config.0.steps as usize,
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            diverged: match self.diverged {
                Some("plain") => Some(Which::Plain),
                Some(name) if name == variant.name() => Some(Which::Dropout),
                _ => None,
            },
            last: self.last[lane.unwrap_or(4)],
            widths: self.mlp.widths().to_vec(),
            mask: mask.map_or_else(|| vec![1.0; units], |m| m[..units].to_vec()),
            train_points: self.data.train.len(),
            test_points: self.data.test.len(),
        }
    }

    /// `(mean loss, accuracy)` of `params` with `dropout`'s test-time scaling on the training
    /// or the test set (as [`super::DropoutTraining`] evaluates).
    fn evaluate(&mut self, params: &[f64], dropout: &Dropout, test: bool) -> (f64, f64) {
        let data = if test {
            &self.data.test
        } else {
            &self.data.train
        };
        let tape = &mut self.ws.tape;
        let (mut loss, mut correct) = (0.0, 0usize);
        for i in 0..data.len() {
            let z = self.mlp.forward(params, dropout, data.input(i), None, tape);
            loss += self.mlp.loss.value(z, data.targets[i]);
            correct += ((z >= 0.0) == (data.targets[i] >= 0.5)) as usize;
        }
        let n = data.len() as f64;
        let accuracy = if self.config.0.task.is_classification() {
            correct as f64 / n
        } else {
            f64::NAN
        };
        (loss / n, accuracy)
    }

    fn taylor(&mut self, params: &[f64], dropout: &Dropout) -> f64 {
        let net = Net {
            mlp: &self.mlp,
            params,
            dropout,
        };
        let n = self.data.train.len();
        (0..n)
            .map(|i| train::explicit_regularizer(net, self.data.train.input(i), &mut self.ws))
            .sum::<f64>()
            / n as f64
    }

    fn mc(&mut self, params: &[f64], dropout: &Dropout, rng: &mut SeededRng) -> (f64, f64) {
        let net = Net {
            mlp: &self.mlp,
            params,
            dropout,
        };
        train::mc_regularizer(net, &self.data.train, rng, &mut self.ws)
    }

    fn record(&mut self) {
        let step = self.record.steps_done();
        let (configured, inverted, off) = (
            self.configured.clone(),
            self.inverted.clone(),
            self.off.clone(),
        );
        // Every separate run's regularizer stream is here: each dropout net's estimate starts
        // from it; a `none` run draws its own net's estimate first, then every run the plain
        // net's (the same number of draws, so all runs' streams stay in step).
        let start = self.regularizer_rng.clone();
        let plain = std::mem::take(&mut self.plain);
        let (ptl, pta) = self.evaluate(&plain, &off, false);
        let (pvl, pva) = self.evaluate(&plain, &off, true);
        let mut rng = start.clone();
        let none_r = self.mc(&plain, &inverted, &mut rng);
        let plain_r = self.mc(&plain, &inverted, &mut rng);
        self.regularizer_rng = rng;
        let none_taylor = self.taylor(&plain, &inverted);
        self.plain = plain;
        let with_plain = |r: Record| Record {
            plain_train_loss: ptl,
            plain_test_loss: pvl,
            plain_train_accuracy: pta,
            plain_test_accuracy: pva,
            plain_regularizer: plain_r.0,
            se_plain_regularizer: plain_r.1,
            ..r
        };
        let mut row = Vec::with_capacity(WEI_HISTORY_FIELDS.len());
        row.push(step as f64);
        for l in 0..self.lanes.len() {
            let params = std::mem::take(&mut self.lanes[l].params);
            let (train_loss, train_accuracy) = self.evaluate(&params, &configured, false);
            let (test_loss, test_accuracy) = self.evaluate(&params, &configured, true);
            let r = self.mc(&params, &configured, &mut start.clone());
            let taylor = self.taylor(&params, &configured);
            self.lanes[l].params = params;
            self.last[l] = with_plain(Record {
                step,
                train_loss,
                test_loss,
                train_accuracy,
                test_accuracy,
                regularizer: r.0,
                se_regularizer: r.1,
                taylor_regularizer: taylor,
                ..Record::default()
            });
            row.extend_from_slice(&self.last[l].row()[1..1 + LANE]);
        }
        self.last[4] = with_plain(Record {
            step,
            train_loss: ptl,
            test_loss: pvl,
            train_accuracy: pta,
            test_accuracy: pva,
            regularizer: none_r.0,
            se_regularizer: none_r.1,
            taylor_regularizer: none_taylor,
            ..Record::default()
        });
        let none = self.last[4].row();
        row.extend_from_slice(&none[1 + LANE..]);
        row.extend_from_slice(&none[5..1 + LANE]);
        self.record.push(&row);
    }
}

impl Experiment for WeiComparison {
    type Snapshot = WeiSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let c = &self.config.0;
        let train = &self.data.train;
        sample_batch(
            train.len(),
            c.batch_size as usize,
            &mut self.batch_rng,
            &mut self.batch,
        );
        let units = self.mlp.num_units();
        let finite =
            |loss: f64, params: &[f64]| loss.is_finite() && params.iter().all(|p| p.is_finite());
        for lane in &mut self.lanes {
            let net = Net {
                mlp: &self.mlp,
                params: &lane.params,
                dropout: &self.configured,
            };
            let loss = train::variant_gradient(
                lane.variant,
                c.drop_k as usize,
                net,
                train,
                &self.batch,
                &mut lane.mask_rng,
                &mut lane.knock_rng,
                &mut self.ws,
                &mut self.grad,
                &mut self.masks,
            );
            lane.optimizer.step(&mut lane.params, &self.grad);
            lane.mask.clear();
            if self.masks.len() >= units {
                lane.mask.extend_from_slice(&self.masks[..units]);
            }
            if self.diverged.is_none() && !finite(loss, &lane.params) {
                self.diverged = Some(lane.variant.name());
            }
        }
        let net = Net {
            mlp: &self.mlp,
            params: &self.plain,
            dropout: &self.off,
        };
        let loss = train::plain_gradient(net, train, &self.batch, &mut self.ws, &mut self.grad);
        self.plain_optimizer.step(&mut self.plain, &self.grad);
        if self.diverged.is_none() && !finite(loss, &self.plain) {
            self.diverged = Some("plain");
        }
        self.record.advance();
        if due(&self.record, c.record_every, self.diverged.is_some()) {
            self.record();
        }
        self.record.settle(self.diverged.is_some())
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> WeiSnapshot {
        WeiSnapshot {
            total_steps: self.config.0.steps as usize,
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            diverged: self.diverged,
            last: [self.last[0], self.last[1], self.last[2], self.last[3]],
            none: self.last[4],
        }
    }

    /// Restart from the same initialisation and random streams.
    fn reset(&mut self) {
        let c = &self.config.0;
        let seed = c.seed as u64;
        let optimizer = Optimizer::new(c.optimizer, c.learning_rate, c.weight_decay, &self.mlp);
        for lane in &mut self.lanes {
            lane.params = self.init.clone();
            lane.optimizer = optimizer.clone();
            lane.mask_rng = SeededRng::new(seed, MASK_STREAM);
            lane.knock_rng = SeededRng::new(seed, KNOCK_STREAM);
            lane.mask.clear();
        }
        self.plain = self.init.clone();
        self.plain_optimizer = optimizer;
        self.batch_rng = SeededRng::new(seed, BATCH_STREAM);
        self.regularizer_rng = SeededRng::new(seed, REGULARIZER_STREAM);
        self.masks.clear();
        self.record
            .reset(c.steps.div_ceil(c.record_every) as usize + 1);
        self.diverged = None;
        self.record();
    }
}

crate::lab!(WeiComparison, WeiConfig, "dropout-k", WEI_HISTORY_FIELDS);
