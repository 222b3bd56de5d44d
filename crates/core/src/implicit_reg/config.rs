//! The implicit-regularizer sweeps' settings: one field table ([`FIELDS`]) drives parsing,
//! validation, the UI's controls, the URL hash, element attributes and the CLI.

use super::train::Sampling;
use crate::config::{settings, ConfigError, Matrix};
use crate::data::{Split, Task};
use crate::nn::mlp::Activation;
use crate::own_data::DataSpec;
use serde::{Deserialize, Serialize};

/// The classification tasks (the sweeps report accuracies).
pub const TASK_OPTIONS: &[(&str, &str)] = &[
    ("moons", "two moons"),
    ("circles", "circles"),
    ("xor", "XOR"),
    ("spiral", "spiral"),
];

/// Training-set sizes: powers of two, so every power-of-two batch size divides N.
pub const TRAIN_POINTS_OPTIONS: &[(&str, &str)] =
    &[("16", "16"), ("32", "32"), ("64", "64"), ("128", "128")];

/// Batch sizes of the learning-rate sweep (must not exceed N).
pub const BATCH_SIZE_OPTIONS: &[(&str, &str)] = &[
    ("1", "1"),
    ("2", "2"),
    ("4", "4"),
    ("8", "8"),
    ("16", "16"),
    ("32", "32"),
    ("64", "64"),
    ("128", "128"),
];

/// What the widget plots against α and B (display only: no sweep point depends on it).
pub const VIEW_OPTIONS: &[(&str, &str)] = &[
    ("trainLoss", "training loss J (SGD vs GD on J + R)"),
    ("loss", "loss J (train and test)"),
    ("accuracy", "accuracy (train and test)"),
    ("regularizer", "R(w) at the end of training"),
];

settings! {
    /// Every setting, its range and its default (SCIENCE.md §10; a 2-16-1 tanh net with
    /// cross-entropy on 64 noisy two-moons points, where one sweep point costs well under a second
    /// in wasm).
    ///
    /// The defaults show Smith et al.'s claim at first sight (issue 17, finding 2): α up to 1.5 at
    /// B = 8 and the batch sweep at α = 0.5, plotted as the training loss J. There GD on J + R
    /// lands 1.16–2.99× closer to SGD than GD on J at the largest α, at seeds 1–8 (batch sweep:
    /// 1.45–3.55× closer on average over B < N); SGD ends above GD on J at seeds 1–6 and 8. At α = 3 (the old
    /// default) SGD begins to destabilize, past the O(α²) expansion that defines R; at this scale
    /// the test *accuracy* does not separate the methods (the widget's "accuracy" preset).
    pub const FIELDS;
    /// Settings of the sweeps. Field names, ranges and defaults: [`FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct ImplicitRegConfig {
        pub task: Task = Choice {
            name: "task",
            label: "dataset",
            unit: "",
            help: "The 2-D binary classification task (inputs with Gaussian noise, labels flipped with the label-noise probability).",
            options: TASK_OPTIONS,
            default: "moons",
        },
        /// N.
        pub train_points: u32 = Choice {
            name: "trainPoints",
            label: "training points N",
            unit: "",
            help: "Size of the training set (a power of two, so every power-of-two batch size divides it).",
            options: TRAIN_POINTS_OPTIONS,
            default: "64",
        },
        pub test_points: u32 = Integer {
            name: "testPoints",
            label: "test points",
            unit: "",
            help: "Size of the independent test set.",
            min: 50,
            max: 5000,
            default: 1000,
        },
        pub noise: f64 = Real {
            name: "noise",
            label: "input noise std",
            unit: "",
            help: "Standard deviation of the Gaussian noise added to each input coordinate.",
            min: 0.0,
            max: 1.0,
            min_open: false,
            default: 0.25,
            step: 0.05,
        },
        pub label_noise: f64 = Real {
            name: "labelNoise",
            label: "label noise",
            unit: "probability",
            help: "Probability that a label is flipped (gives the net something to overfit).",
            min: 0.0,
            max: 0.5,
            min_open: false,
            default: 0.1,
            step: 0.05,
        },
        pub hidden_units: u32 = Integer {
            name: "hiddenUnits",
            label: "hidden units",
            unit: "",
            help: "Width of the single hidden layer of the 2-H-1 network.",
            min: 1,
            max: 32,
            default: 16,
        },
        pub activation: Activation = Choice {
            name: "activation",
            label: "activation φ",
            unit: "",
            help: "Hidden nonlinearity (the Hessian–vector products are exact for both).",
            options: Activation::OPTIONS,
            default: "tanh",
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps per run",
            unit: "iterations",
            help: "Updates per training run, the same for SGD and both full-batch runs (the same flow time α·steps).",
            min: 10,
            max: 20000,
            default: 400,
        },
        /// B of the learning-rate sweep.
        pub batch_size: u32 = Choice {
            name: "batchSize",
            label: "batch size B (α sweep)",
            unit: "",
            help: "SGD's batch size in the learning-rate sweep; R's trace term uses it. At most N.",
            options: BATCH_SIZE_OPTIONS,
            default: "8",
        },
        pub learning_rate_min: f64 = Real {
            name: "learningRateMin",
            label: "smallest α (α sweep)",
            unit: "",
            help: "The learning-rate sweep runs from this α to the largest, evenly on a log scale.",
            min: 0.0,
            max: 20.0,
            min_open: true,
            default: 0.05,
            step: 0.01,
        },
        pub learning_rate_max: f64 = Real {
            name: "learningRateMax",
            label: "largest α (α sweep)",
            unit: "",
            help: "The largest learning rate of the sweep (at least the smallest).",
            min: 0.0,
            max: 20.0,
            min_open: true,
            default: 1.5,
            step: 0.1,
        },
        pub sweep_points: u32 = Integer {
            name: "sweepPoints",
            label: "learning rates in the sweep",
            unit: "",
            help: "Number of learning rates, log-spaced from the smallest to the largest.",
            min: 2,
            max: 16,
            default: 8,
        },
        /// α of the batch-size sweep.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α (B sweep)",
            unit: "",
            help: "The learning rate of the batch-size sweep, which runs B = 1, 2, 4, …, N.",
            min: 0.0,
            max: 20.0,
            min_open: true,
            default: 0.5,
            step: 0.05,
        },
        pub sgd_runs: u32 = Integer {
            name: "sgdRuns",
            label: "SGD runs per point",
            unit: "",
            help: "Independent shuffling sequences averaged at each point (the mean and its standard error are shown).",
            min: 1,
            max: 16,
            default: 4,
        },
        /// How SGD draws its batches ([`Sampling`]).
        pub sampling: Sampling = Choice {
            name: "sampling",
            label: "SGD batches",
            unit: "",
            help: "Random reshuffling (each epoch N/B disjoint batches: Smith et al.'s R) or i.i.d. batches (a fresh uniform size-B subset each step: no tr C term at O(α²)).",
            options: Sampling::OPTIONS,
            default: "reshuffle",
        },
        /// What the widget plots (one of [`VIEW_OPTIONS`]; no number depends on it).
        pub view: String = Choice {
            name: "view",
            label: "plot",
            unit: "",
            help: "What the two panels plot against α and B (display only: changing it recomputes nothing).",
            options: VIEW_OPTIONS,
            default: "trainLoss",
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data, the initialization and the shuffles: the same seed gives the same sweep, natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        /// Own data (issue 20): rows `x1 x2 y test`; empty: the seeded data.
        pub data: Matrix = Matrix {
            name: "data",
            label: "your data",
            unit: "",
            help: "Your own data (a CSV file read by the data button, the CLI's --data or Python's data=): one row per point, \"x1 x2 y test\" with y = 0 or 1 and test = 1 for a test point; inputs in [-1000, 1000], at most 2000 rows, exactly 16, 32, 64 or 128 training rows (every power-of-two batch size must divide N) and at least 1 test row. Empty: the seeded data of task, trainPoints, testPoints, noise and labelNoise (ignored when data is given).",
            max_rows: 2000,
            max_cols: 4,
            square: false,
            default: "",
        },
    }
    check: cross_field_rules;
}

/// `data` fits its spec, `batchSize ≤ N` (trainPoints or own data's training rows) and
/// `learningRateMin ≤ learningRateMax`.
fn cross_field_rules(c: &ImplicitRegConfig) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let spec = DataSpec::implicit_reg();
    if let Err(reason) = spec.check_matrix(&c.data) {
        errors.push(ConfigError::BadMatrix {
            field: "data".into(),
            range: spec.range_text(),
            reason,
        });
        return errors;
    }
    let n = c.train_len();
    if c.batch_size as usize > n {
        let of = if c.data.is_empty() {
            "trainPoints"
        } else {
            "the training rows of your data"
        };
        errors.push(ConfigError::OutOfRange {
            field: "batchSize".into(),
            range: format!("at most {of} ({n}), one of 1, 2, 4, …"),
            got: c.batch_size.to_string(),
        });
    }
    if c.learning_rate_max < c.learning_rate_min {
        errors.push(ConfigError::OutOfRange {
            field: "learningRateMax".into(),
            range: format!(
                "at least learningRateMin ({}) and at most 20",
                c.learning_rate_min
            ),
            got: format!("{}", c.learning_rate_max),
        });
    }
    errors
}

impl ImplicitRegConfig {
    /// The training and test sets: own data (`data`) when given, else the seeded sets.
    pub fn split(&self) -> Split {
        Split::own_or_generated(
            &self.data,
            self.task,
            self.train_points as usize,
            self.test_points as usize,
            self.noise,
            self.label_noise,
            self.seed as u64,
        )
    }

    /// N: own data's training rows, else `trainPoints`.
    pub fn train_len(&self) -> usize {
        crate::own_data::train_len(&self.data, self.train_points as usize)
    }

    /// The learning rates of the α sweep: `sweepPoints` values log-spaced from
    /// `learningRateMin` to `learningRateMax` (both included).
    pub fn learning_rates(&self) -> Vec<f64> {
        let k = self.sweep_points as usize;
        let (lo, hi) = (
            libm::log(self.learning_rate_min),
            libm::log(self.learning_rate_max),
        );
        (0..k)
            .map(|i| {
                if i + 1 == k {
                    self.learning_rate_max
                } else if i == 0 {
                    self.learning_rate_min
                } else {
                    libm::exp(lo + (hi - lo) * i as f64 / (k - 1) as f64)
                }
            })
            .collect()
    }

    /// The batch sizes of the B sweep: `1, 2, 4, …, N` ([`ImplicitRegConfig::train_len`]).
    pub fn batch_sizes(&self) -> Vec<usize> {
        let mut out = vec![1usize];
        while out[out.len() - 1] < self.train_len() {
            out.push(out[out.len() - 1] * 2);
        }
        out
    }
}
