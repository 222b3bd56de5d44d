//! The dropout experiment's settings: one field table ([`FIELDS`]) drives parsing, validation,
//! the UI's controls, the URL hash, element attributes and the CLI.

use crate::config::{choice_setting, settings, ConfigError, Matrix};
use crate::data::{Split, Task};
use crate::nn::mlp::{Activation, Dropout, Scaling};
use crate::nn::optim::OptimizerKind;
use crate::own_data::DataSpec;
use serde::{Deserialize, Serialize};

/// How the dropout net's gradient is estimated (Wei, Kakade & Ma 2020; SCIENCE.md §2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Variant {
    /// DROP₁: one fresh mask per example, `ĝ = ∇L_drop(w; m)`.
    #[default]
    Dropout,
    /// DROP_K: K fresh masks per example, `ĝ_K = (1/K)Σ_k ∇L_drop(w; m_k)`: same expected
    /// gradient `∇J_reg`, dropout noise covariance `Σ_drop/K`.
    DropK,
    /// The explicit regularizer alone: the mask-free gradient of `J + R̂` (see
    /// [`super::train::explicit_regularizer`] for R̂).
    ExplicitOnly,
    /// "DROP_K, noise": `ĝ_K + ξ`, `ξ = sqrt((K−1)/(2K))(g_a − g_b)` from two more fresh masks,
    /// so the dropout noise covariance is back to `Σ_drop`.
    KnockIn,
    /// No dropout: the "dropout" net trains exactly like the plain one (a control).
    None,
}

impl Variant {
    /// Values and labels, as in the config field `variant`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("dropout", "DROP₁ (ordinary dropout)"),
        ("dropK", "DROP_K (K masks averaged)"),
        ("explicitOnly", "explicit regularizer only"),
        ("knockIn", "DROP_K + knock-in noise"),
        ("none", "no dropout"),
    ];

    /// Parse a value of [`Variant::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::OPTIONS
            .iter()
            .position(|(v, _)| *v == name)
            .map(|i| Self::ALL[i])
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        Self::OPTIONS[Self::ALL.iter().position(|&v| v == self).unwrap()].0
    }

    const ALL: [Variant; 5] = [
        Variant::Dropout,
        Variant::DropK,
        Variant::ExplicitOnly,
        Variant::KnockIn,
        Variant::None,
    ];
}

/// Which layers are dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DropLayers {
    /// Every hidden layer.
    #[default]
    Hidden,
    /// The last hidden layer only (where the explicit regularizer of a squared loss is exact).
    LastHidden,
    /// The inputs only.
    Input,
    /// The inputs and every hidden layer.
    InputHidden,
}

impl DropLayers {
    /// Values and labels, as in the config field `dropLayers`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("hidden", "hidden layers"),
        ("lastHidden", "last hidden layer"),
        ("input", "inputs"),
        ("inputHidden", "inputs and hidden layers"),
    ];

    /// Parse a value of [`DropLayers::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hidden" => Some(DropLayers::Hidden),
            "lastHidden" => Some(DropLayers::LastHidden),
            "input" => Some(DropLayers::Input),
            "inputHidden" => Some(DropLayers::InputHidden),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            DropLayers::Hidden => "hidden",
            DropLayers::LastHidden => "lastHidden",
            DropLayers::Input => "input",
            DropLayers::InputHidden => "inputHidden",
        }
    }

    /// `layers[k]` for the `layers` layers 0 … L−1 of a net (0 = input).
    pub fn mask(self, layers: usize) -> Vec<bool> {
        (0..layers)
            .map(|k| match self {
                DropLayers::Hidden => k > 0,
                DropLayers::LastHidden => k > 0 && k == layers - 1,
                DropLayers::Input => k == 0,
                DropLayers::InputHidden => true,
            })
            .collect()
    }
}

/// The hidden widths offered (comma-separated). The table's field kinds have no free text, so
/// `hidden` is a choice; [`parse_hidden`] accepts any list for configs built in Rust.
pub const HIDDEN_OPTIONS: &[(&str, &str)] = &[
    ("", "none (linear/logistic)"),
    ("4", "4"),
    ("8", "8"),
    ("16", "16"),
    ("32", "32"),
    ("64", "64"),
    ("128", "128"),
    ("8,8", "8, 8"),
    ("16,16", "16, 16"),
    ("32,32", "32, 32"),
    ("64,64", "64, 64"),
    ("128,128", "128, 128"),
    ("32,32,32", "32, 32, 32"),
];

/// Hidden widths from `"32,32"` (empty: no hidden layer); `None` unless every entry is an
/// integer in 1 … 1024.
pub fn parse_hidden(text: &str) -> Option<Vec<usize>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .ok()
                .filter(|w| (1..=1024).contains(w))
        })
        .collect()
}

choice_setting!(DropLayers, Scaling, Variant);

settings! {
    /// Every dropout setting, its range and its default. The defaults (XOR, 40 training points,
    /// input noise 0.2, label noise 0.1, 2-64-64-1 ReLU, ρ = 0.6 on the hidden layers, SGD α = 0.5,
    /// B = 10, 2000 steps) show both lecture claims at first sight. Dropout's benefit: over seeds
    /// 1–12 final test loss 1.45 ± 0.19 with dropout vs 2.67 ± 0.22 without (the plain net's
    /// training loss goes to ~0.01: it overfits). Wei, Kakade & Ma's implicit effect (K = 8, same
    /// seeds, `noiselab run dropout-k`): DROP₈ − DROP₁ = +0.63 ± 0.13 (worse in 12 of 12 seeds, about
    /// half of dropout's benefit), knock-in − DROP₈ = −0.65 ± 0.14 (better in 12 of 12); already at
    /// step 1000: +0.30 ± 0.06 (11 of 12) and −0.34 ± 0.07 (12 of 12). At the old defaults (α = 0.1,
    /// ρ = 0.5, 3000 steps) DROP₈ kept the whole benefit (1.04 ± 0.13 vs DROP₁ 1.04 ± 0.14, seeds
    /// 1–8): the implicit part grows with the step size (the browser's "small-step" preset).
    /// See `defaults_show_the_benefit_of_dropout` in the tests.
    pub const FIELDS;
    /// Settings of a dropout run. Field names, ranges and defaults: [`FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct DropoutConfig {
        pub task: Task = Choice {
            name: "task",
            label: "dataset",
            unit: "",
            help: "1-D regression or a 2-D classification problem.",
            options: Task::OPTIONS,
            default: "xor",
        },
        pub train_points: u32 = Integer {
            name: "trainPoints",
            label: "training points N",
            unit: "points",
            help: "Size of the training set (few points: easy to overfit).",
            min: 2,
            max: 1000,
            default: 40,
        },
        pub test_points: u32 = Integer {
            name: "testPoints",
            label: "test points",
            unit: "points",
            help: "Size of the test set, drawn independently from the same distribution.",
            min: 10,
            max: 5000,
            default: 200,
        },
        /// Std of the target noise (regression) or of the input noise (classification).
        pub noise: f64 = Real {
            name: "noise",
            label: "noise std",
            unit: "",
            help: "Regression: std of the target noise. Classification: std of the noise on each input coordinate.",
            min: 0.0,
            max: 1.0,
            min_open: false,
            default: 0.2,
            step: 0.01,
        },
        /// Probability that a class label is flipped.
        pub label_noise: f64 = Real {
            name: "labelNoise",
            label: "label noise",
            unit: "",
            help: "Classification: probability that a label is flipped.",
            min: 0.0,
            max: 0.5,
            min_open: false,
            default: 0.1,
            step: 0.01,
        },
        /// Hidden widths, comma-separated, one of [`HIDDEN_OPTIONS`].
        pub hidden: String = Choice {
            name: "hidden",
            label: "hidden widths",
            unit: "units",
            help: "Widths of the hidden layers.",
            options: HIDDEN_OPTIONS,
            default: "64,64",
        },
        pub activation: Activation = Choice {
            name: "activation",
            label: "activation φ",
            unit: "",
            help: "Nonlinearity of the hidden units.",
            options: Activation::OPTIONS,
            default: "relu",
        },
        /// ρ.
        pub dropout_rate: f64 = Real {
            name: "dropoutRate",
            label: "dropout rate ρ",
            unit: "",
            help: "Drop probability of each unit, m ~ Bernoulli(1 − ρ).",
            min: 0.0,
            max: 0.95,
            min_open: false,
            default: 0.6,
            step: 0.05,
        },
        pub drop_layers: DropLayers = Choice {
            name: "dropLayers",
            label: "dropped layers",
            unit: "",
            help: "Which layers' units are dropped.",
            options: DropLayers::OPTIONS,
            default: "hidden",
        },
        pub scaling: Scaling = Choice {
            name: "scaling",
            label: "scaling",
            unit: "",
            help: "Inverted dropout (m/(1−ρ) in training) or standard dropout (weights × (1−ρ) at test time).",
            options: Scaling::OPTIONS,
            default: "inverted",
        },
        pub variant: Variant = Choice {
            name: "variant",
            label: "training rule",
            unit: "",
            help: "Ordinary dropout, K masks per gradient, the explicit regularizer only, or K masks plus knock-in noise (Wei, Kakade & Ma 2020).",
            options: Variant::OPTIONS,
            default: "dropout",
        },
        /// K.
        pub drop_k: u32 = Integer {
            name: "dropK",
            label: "masks per gradient K",
            unit: "",
            help: "Independent masks per example averaged in each gradient (DROP_K and knock-in).",
            min: 1,
            max: 32,
            default: 8,
        },
        pub optimizer: OptimizerKind = Choice {
            name: "optimizer",
            label: "optimizer",
            unit: "",
            help: "Stochastic gradient descent or Adam.",
            options: OptimizerKind::OPTIONS,
            default: "sgd",
        },
        /// α.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Step size of the optimizer.",
            min: 0.0,
            max: 2.0,
            min_open: true,
            default: 0.5,
            step: 0.001,
        },
        /// B ≤ `train_points`.
        pub batch_size: u32 = Integer {
            name: "batchSize",
            label: "batch size B",
            unit: "points",
            help: "Examples per gradient, drawn without replacement each step; at most trainPoints.",
            min: 1,
            max: 1000,
            default: 10,
        },
        /// λ.
        pub weight_decay: f64 = Real {
            name: "weightDecay",
            label: "weight decay λ",
            unit: "",
            help: "Adds (λ/2)‖W‖² to the mean loss (weights, not biases).",
            min: 0.0,
            max: 1.0,
            min_open: false,
            default: 0.0,
            step: 0.0001,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "Number of updates in a run.",
            min: 1,
            max: 100_000,
            default: 2000,
        },
        pub record_every: u32 = Integer {
            name: "recordEvery",
            label: "record every",
            unit: "steps",
            help: "Losses and the regularizer estimate are recorded every this many steps.",
            min: 1,
            max: 1000,
            default: 20,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data, the initialisation, the batches and the masks.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        /// Own data (issue 20): rows `x1 x2 y test` (classification) or `x y test`
        /// (regression), `test` 1 for a test point; empty: the seeded data.
        pub data: Matrix = Matrix {
            name: "data",
            label: "your data",
            unit: "",
            help: "Your own data (a CSV file read by the data button, the CLI's --data or Python's data=): one row per point, \"x1 x2 y test\" for a classification task (y = 0 or 1) or \"x y test\" for regression, test = 1 for a test point; inputs and regression targets in [-1000, 1000], at most 2000 rows, at least 2 training and 1 test row. Empty: the seeded data of trainPoints, testPoints, noise and labelNoise (ignored when data is given).",
            max_rows: 2000,
            max_cols: 4,
            square: false,
            default: "",
        },
    }
    check: |c: &DropoutConfig| {
        let mut errors = Vec::new();
        let spec = DataSpec::dropout(c.task);
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
                format!("trainPoints ({n})")
            } else {
                format!("the training rows of your data ({n})")
            };
            errors.push(ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to {of}"),
                got: c.batch_size.to_string(),
            });
        }
        errors
    };
}

impl DropoutConfig {
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

    /// `[n₀, hidden…, 1]` with `n₀` the task's input dimension.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.task.input_dim()];
        w.extend(parse_hidden(&self.hidden).expect("validated hidden widths"));
        w.push(1);
        w
    }

    /// The configured dropout (ρ, dropped layers, scaling) for a net with these widths.
    pub fn dropout(&self) -> Dropout {
        Dropout {
            rate: self.dropout_rate,
            layers: self.drop_layers.mask(self.widths().len() - 1),
            scaling: self.scaling,
        }
    }
}
