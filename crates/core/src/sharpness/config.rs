//! The sharpness panel's settings: one field table ([`FIELDS`]) drives parsing, validation, the
//! UI's controls, the URL hash, element attributes and the CLI.

use crate::config::{ConfigError, ConfigErrors, FieldKind, FieldSpec, Parsed};
use crate::data::Task;
use crate::mlp::Activation;
use serde::{Deserialize, Serialize};

const fn real(min: f64, max: f64, min_open: bool, default: f64, step: f64) -> FieldKind {
    FieldKind::Real {
        min,
        max,
        min_open,
        default,
        step,
    }
}

const fn int(min: u64, max: u64, default: u64) -> FieldKind {
    FieldKind::Integer { min, max, default }
}

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

/// Every setting, its range and its default (SCIENCE.md §1: the demo net is 2-3-1 ReLU and the
/// rescale slider runs from 0.25 to 10).
pub const FIELDS: [FieldSpec; 19] = [
    FieldSpec {
        name: "task",
        label: "dataset",
        unit: "",
        help: "The training and test data (classification uses the cross-entropy loss, regression the squared loss).",
        kind: FieldKind::Choice {
            options: Task::OPTIONS,
            default: "moons",
        },
    },
    FieldSpec {
        name: "trainPoints",
        label: "training points N",
        unit: "",
        help: "Size of the training set; sharpness and the loss J are over these points. The default, 64, is small enough for the net to overfit, the regime of Keskar et al.'s generalization gap.",
        kind: int(16, 1024, 64),
    },
    FieldSpec {
        name: "testPoints",
        label: "test points",
        unit: "",
        help: "Size of the independent test set.",
        kind: int(16, 4096, 512),
    },
    FieldSpec {
        name: "noise",
        label: "data noise",
        unit: "",
        help: "Input noise std (classification) or target noise std (regression).",
        kind: real(0.0, 1.0, false, 0.25, 0.05),
    },
    FieldSpec {
        name: "labelNoise",
        label: "label noise",
        unit: "",
        help: "Probability that a training or test label is flipped (classification only).",
        kind: real(0.0, 0.5, false, 0.1, 0.05),
    },
    FieldSpec {
        name: "hiddenUnits",
        label: "hidden units per layer",
        unit: "",
        help: "Width of each of the two hidden layers.",
        kind: int(2, 64, 16),
    },
    FieldSpec {
        name: "activation",
        label: "activation φ",
        unit: "",
        help: "The hidden-unit nonlinearity.",
        kind: FieldKind::Choice {
            options: Activation::OPTIONS,
            default: "tanh",
        },
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "SGD step size, the same for both batch sizes (as in Keskar et al.). Gradient descent is stable only while λ_max < 2/α.",
        kind: real(0.0, 2.0, true, 0.2, 0.01),
    },
    FieldSpec {
        name: "smallBatch",
        label: "small batch B",
        unit: "examples",
        help: "Minibatch size of the small-batch runs (at most N).",
        kind: int(1, 1024, 8),
    },
    FieldSpec {
        name: "largeBatch",
        label: "large batch B",
        unit: "examples",
        help: "Minibatch size of the large-batch runs (at most N; N is full-batch gradient descent).",
        kind: int(1, 1024, 64),
    },
    FieldSpec {
        name: "budget",
        label: "training budget",
        unit: "",
        help: "Same steps (the default): both batch sizes take the same number of updates, which removes Shallue et al.'s first confound. Same epochs is that confound: a large batch then takes far fewer steps.",
        kind: FieldKind::Choice {
            options: BUDGET_OPTIONS,
            default: "steps",
        },
    },
    FieldSpec {
        name: "epochs",
        label: "epochs",
        unit: "passes",
        help: "Passes over the training set per run (budget = same epochs).",
        kind: int(1, 500, 40),
    },
    FieldSpec {
        name: "steps",
        label: "steps",
        unit: "updates",
        help: "Updates per run (budget = same number of steps).",
        kind: int(1, 20000, 2000),
    },
    FieldSpec {
        name: "batchNorm",
        label: "batch-norm statistics",
        unit: "",
        help: "Shallue et al.'s second confound: normalizing hidden units with minibatch statistics adds noise that depends on the batch size.",
        kind: FieldKind::Choice {
            options: BATCH_NORM_OPTIONS,
            default: "off",
        },
    },
    FieldSpec {
        name: "repeats",
        label: "runs per batch size",
        unit: "",
        help: "Independent initializations (each shared by one small-batch and one large-batch run); each run is one point of the scatter.",
        kind: int(1, 5, 2),
    },
    FieldSpec {
        name: "checkpoints",
        label: "measurements per run",
        unit: "",
        help: "How often λ_max, the trace and the test loss are measured, evenly over each run.",
        kind: int(2, 60, 12),
    },
    FieldSpec {
        name: "rescale",
        label: "rescale a (Dinh demo net only)",
        unit: "",
        help: "Dinh et al.: W₁, b₁ → a·W₁, a·b₁ and W₂ → W₂/a in a separate 2-3-1 ReLU demonstration net (not the nets trained above). The function does not change; its sharpness does.",
        kind: real(0.25, 10.0, false, 1.0, 0.05),
    },
    FieldSpec {
        name: "demoNoise",
        label: "demo net target noise",
        unit: "",
        help: "Target noise of the Dinh rescaling demo net (not the trained nets): 0 puts it at an interpolating minimum (H = G).",
        kind: real(0.0, 1.0, false, 0.0, 0.05),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data, the initializations, the minibatches and the probes: the same seed gives the same numbers natively and in the browser.",
        kind: int(0, 4_294_967_295, 1),
    },
];

/// Settings of a sharpness run. Field names, ranges and defaults: [`FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharpnessConfig {
    pub task: Task,
    pub train_points: u32,
    pub test_points: u32,
    pub noise: f64,
    pub label_noise: f64,
    pub hidden_units: u32,
    pub activation: Activation,
    /// α.
    pub learning_rate: f64,
    pub small_batch: u32,
    pub large_batch: u32,
    /// `true`: every run takes [`SharpnessConfig::steps`] updates; `false`: every run makes
    /// [`SharpnessConfig::epochs`] passes.
    pub fixed_steps: bool,
    pub epochs: u32,
    pub steps: u32,
    pub batch_norm: bool,
    pub repeats: u32,
    pub checkpoints: u32,
    /// Dinh et al.'s `a`.
    pub rescale: f64,
    pub demo_noise: f64,
    pub seed: u32,
}

impl Default for SharpnessConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("FIELDS defaults are valid")
    }
}

impl SharpnessConfig {
    /// Build a config from `(name, text)` settings over the defaults; every bad setting is
    /// reported with its field name and allowed range. A batch larger than N, or a batch of 1
    /// with batch-norm statistics (a variance of one example), is an error naming the batch.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let p = Parsed::new(&FIELDS, settings)?;
        let c = SharpnessConfig {
            task: Task::from_name(p.choice(0)).expect("options are tasks"),
            train_points: p.int(1),
            test_points: p.int(2),
            noise: p.real(3),
            label_noise: p.real(4),
            hidden_units: p.int(5),
            activation: Activation::from_name(p.choice(6)).expect("options are activations"),
            learning_rate: p.real(7),
            small_batch: p.int(8),
            large_batch: p.int(9),
            fixed_steps: p.choice(10) == "steps",
            epochs: p.int(11),
            steps: p.int(12),
            batch_norm: p.choice(13) == "on",
            repeats: p.int(14),
            checkpoints: p.int(15),
            rescale: p.real(16),
            demo_noise: p.real(17),
            seed: p.int(18),
        };
        let mut errors = Vec::new();
        let min = if c.batch_norm { 2 } else { 1 };
        for (name, b) in [("smallBatch", c.small_batch), ("largeBatch", c.large_batch)] {
            if b > c.train_points || b < min {
                let norm = if c.batch_norm {
                    " with batch-norm statistics on"
                } else {
                    ""
                };
                errors.push(ConfigError::OutOfRange {
                    field: name.into(),
                    range: format!("from {min} to trainPoints (N = {}){norm}", c.train_points),
                    got: b.to_string(),
                });
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The settings as `(name, text)` pairs in [`FIELDS`] order; `from_settings` of them gives
    /// back an identical config.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("task", self.task.name().to_string()),
            ("trainPoints", self.train_points.to_string()),
            ("testPoints", self.test_points.to_string()),
            ("noise", format!("{}", self.noise)),
            ("labelNoise", format!("{}", self.label_noise)),
            ("hiddenUnits", self.hidden_units.to_string()),
            ("activation", self.activation.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("smallBatch", self.small_batch.to_string()),
            ("largeBatch", self.large_batch.to_string()),
            (
                "budget",
                if self.fixed_steps { "steps" } else { "epochs" }.into(),
            ),
            ("epochs", self.epochs.to_string()),
            ("steps", self.steps.to_string()),
            (
                "batchNorm",
                if self.batch_norm { "on" } else { "off" }.into(),
            ),
            ("repeats", self.repeats.to_string()),
            ("checkpoints", self.checkpoints.to_string()),
            ("rescale", format!("{}", self.rescale)),
            ("demoNoise", format!("{}", self.demo_noise)),
            ("seed", self.seed.to_string()),
        ]
    }

    /// Check every field against [`FIELDS`] (for configs built in Rust or read with serde).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let settings = self.to_settings();
        Self::from_settings(settings.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }
}
