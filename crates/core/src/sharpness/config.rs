//! The sharpness panel's settings: one field table ([`FIELDS`]) drives parsing, validation, the
//! UI's controls, the URL hash, element attributes and the CLI.

use crate::config::{settings, ConfigError, Matrix};
use crate::data::{Split, Task};
use crate::nn::mlp::Activation;
use crate::own_data::DataSpec;
use serde::{Deserialize, Serialize};

/// How long each batch size trains (Shallue et al. 2018's first confound).
pub const BUDGET_OPTIONS: &[(&str, &str)] = &[("epochs", "same epochs"), ("steps", "same steps")];

/// Batch-norm-like noisy statistics (Shallue et al.'s second confound).
pub const BATCH_NORM_OPTIONS: &[(&str, &str)] = &[
    ("off", "off"),
    (
        "on",
        "on: hidden units normalized with minibatch statistics",
    ),
];

settings! {
    /// Every setting, its range and its default (SCIENCE.md §1: the demo net is 2-3-1 ReLU and the
    /// rescale slider runs from 0.25 to 10).
    pub const FIELDS;
    /// Settings of a sharpness run. Field names, ranges and defaults: [`FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SharpnessConfig {
        pub task: Task = Choice {
            name: "task",
            label: "dataset",
            unit: "",
            help: "The training and test data (classification uses the cross-entropy loss, regression the squared loss).",
            options: Task::OPTIONS,
            default: "moons",
        },
        pub train_points: u32 = Integer {
            name: "trainPoints",
            label: "training points N",
            unit: "",
            help: "Size of the training set; sharpness and the loss J are over these points. The default, 64, is small enough for the net to overfit, the regime of Keskar et al.'s generalization gap.",
            min: 16,
            max: 1024,
            default: 64,
        },
        pub test_points: u32 = Integer {
            name: "testPoints",
            label: "test points",
            unit: "",
            help: "Size of the independent test set.",
            min: 16,
            max: 4096,
            default: 512,
        },
        pub noise: f64 = Real {
            name: "noise",
            label: "data noise",
            unit: "",
            help: "Input noise std (classification) or target noise std (regression).",
            min: 0.0,
            max: 1.0,
            min_open: false,
            default: 0.25,
            step: 0.05,
        },
        pub label_noise: f64 = Real {
            name: "labelNoise",
            label: "label noise",
            unit: "",
            help: "Probability that a training or test label is flipped (classification only).",
            min: 0.0,
            max: 0.5,
            min_open: false,
            default: 0.1,
            step: 0.05,
        },
        pub hidden_units: u32 = Integer {
            name: "hiddenUnits",
            label: "hidden units per layer",
            unit: "",
            help: "Width of each of the two hidden layers.",
            min: 2,
            max: 64,
            default: 16,
        },
        pub activation: Activation = Choice {
            name: "activation",
            label: "activation φ",
            unit: "",
            help: "The hidden-unit nonlinearity.",
            options: Activation::OPTIONS,
            default: "tanh",
        },
        /// α.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "SGD step size, the same for both batch sizes (as in Keskar et al.). Gradient descent is stable only while λ_max < 2/α.",
            min: 0.0,
            max: 2.0,
            min_open: true,
            default: 0.2,
            step: 0.01,
        },
        pub small_batch: u32 = Integer {
            name: "smallBatch",
            label: "small batch B",
            unit: "examples",
            help: "Minibatch size of the small-batch runs (at most N).",
            min: 1,
            max: 1024,
            default: 8,
        },
        pub large_batch: u32 = Integer {
            name: "largeBatch",
            label: "large batch B",
            unit: "examples",
            help: "Minibatch size of the large-batch runs (at most N; N is full-batch gradient descent).",
            min: 1,
            max: 1024,
            default: 64,
        },
        /// `true`: every run takes [`SharpnessConfig::steps`] updates; `false`: every run makes
        /// [`SharpnessConfig::epochs`] passes.
        pub fixed_steps: bool = Choice {
            name: "budget",
            label: "training budget",
            unit: "",
            help: "Same steps (the default): both batch sizes take the same number of updates, which removes Shallue et al.'s first confound. Same epochs is that confound: a large batch then takes far fewer steps.",
            options: BUDGET_OPTIONS,
            default: "steps",
        },
        pub epochs: u32 = Integer {
            name: "epochs",
            label: "epochs",
            unit: "passes",
            help: "Passes over the training set per run (budget = same epochs).",
            min: 1,
            max: 500,
            default: 40,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "updates",
            help: "Updates per run (budget = same number of steps).",
            min: 1,
            max: 20000,
            default: 2000,
        },
        pub batch_norm: bool = Choice {
            name: "batchNorm",
            label: "batch-norm statistics",
            unit: "",
            help: "Shallue et al.'s second confound: normalizing hidden units with minibatch statistics adds noise that depends on the batch size.",
            options: BATCH_NORM_OPTIONS,
            default: "off",
        },
        pub repeats: u32 = Integer {
            name: "repeats",
            label: "runs per batch size",
            unit: "",
            help: "Independent initializations (each shared by one small-batch and one large-batch run); each run is one point of the scatter.",
            min: 1,
            max: 5,
            default: 2,
        },
        pub checkpoints: u32 = Integer {
            name: "checkpoints",
            label: "measurements per run",
            unit: "",
            help: "How often λ_max, the trace and the test loss are measured, evenly over each run.",
            min: 2,
            max: 60,
            default: 12,
        },
        /// Dinh et al.'s `a`.
        pub rescale: f64 = Real {
            name: "rescale",
            label: "rescale a (Dinh demo net only)",
            unit: "",
            help: "Dinh et al.: W₁, b₁ → a·W₁, a·b₁ and W₂ → W₂/a in a separate 2-3-1 ReLU demonstration net (not the nets trained above). The function does not change; its sharpness does.",
            min: 0.25,
            max: 10.0,
            min_open: false,
            default: 1.0,
            step: 0.05,
        },
        pub demo_noise: f64 = Real {
            name: "demoNoise",
            label: "demo net target noise",
            unit: "",
            help: "Target noise of the Dinh rescaling demo net (not the trained nets): 0 puts it at an interpolating minimum (H = G).",
            min: 0.0,
            max: 1.0,
            min_open: false,
            default: 0.0,
            step: 0.05,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data, the initializations, the minibatches and the probes: the same seed gives the same numbers natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        /// Own data (issue 20): rows `x1 x2 y test` or `x y test`; empty: the seeded data.
        pub data: Matrix = Matrix {
            name: "data",
            label: "your data",
            unit: "",
            help: "Your own data (a CSV file read by the data button, the CLI's --data or Python's data=): one row per point, \"x1 x2 y test\" for a classification task (y = 0 or 1) or \"x y test\" for regression, test = 1 for a test point; inputs and regression targets in [-1000, 1000], at most 2000 rows, at least 16 training and 1 test row; both batch sizes at most the training rows. Empty: the seeded data of trainPoints, testPoints, noise and labelNoise (ignored when data is given).",
            max_rows: 2000,
            max_cols: 4,
            square: false,
            default: "",
        },
    }
    check: cross_field_rules;
}

/// Both batch sizes at most `trainPoints` (and at least 2 with batch-norm statistics on).
fn cross_field_rules(c: &SharpnessConfig) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let spec = DataSpec::sharpness(c.task);
    if let Err(reason) = spec.check_matrix(&c.data) {
        errors.push(ConfigError::BadMatrix {
            field: "data".into(),
            range: spec.range_text(),
            reason,
        });
        return errors;
    }
    let n = c.train_len();
    let of = if c.data.is_empty() {
        "trainPoints"
    } else {
        "the training rows of your data"
    };
    let min = if c.batch_norm { 2 } else { 1 };
    for (name, b) in [("smallBatch", c.small_batch), ("largeBatch", c.large_batch)] {
        if b as usize > n || b < min {
            let norm = if c.batch_norm {
                " with batch-norm statistics on"
            } else {
                ""
            };
            errors.push(ConfigError::OutOfRange {
                field: name.into(),
                range: format!("from {min} to {of} (N = {n}){norm}"),
                got: b.to_string(),
            });
        }
    }
    errors
}

impl SharpnessConfig {
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

    /// The number of training points: own data's training rows, else `trainPoints`.
    pub fn train_len(&self) -> usize {
        crate::own_data::train_len(&self.data, self.train_points as usize)
    }
}
