//! The dropout experiment's settings: one field table ([`FIELDS`]) drives parsing, validation,
//! the UI's controls, the URL hash, element attributes and the CLI.

use crate::config::{ConfigError, ConfigErrors, FieldKind, FieldSpec, Parsed};
use crate::data::Task;
use crate::mlp::{Activation, Dropout, OptimizerKind, Scaling};
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

const fn field(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    help: &'static str,
    kind: FieldKind,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        unit,
        help,
        kind,
    }
}

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
pub const FIELDS: [FieldSpec; 19] = [
    field("task", "dataset", "", "1-D regression or a 2-D classification problem.",
        FieldKind::Choice { options: Task::OPTIONS, default: "xor" }),
    field("trainPoints", "training points N", "points", "Size of the training set (few points: easy to overfit).",
        int(2, 1000, 40)),
    field("testPoints", "test points", "points", "Size of the test set, drawn independently from the same distribution.",
        int(10, 5000, 200)),
    field("noise", "noise std", "", "Regression: std of the target noise. Classification: std of the noise on each input coordinate.",
        real(0.0, 1.0, false, 0.2, 0.01)),
    field("labelNoise", "label noise", "", "Classification: probability that a label is flipped.",
        real(0.0, 0.5, false, 0.1, 0.01)),
    field("hidden", "hidden widths", "units", "Widths of the hidden layers.",
        FieldKind::Choice { options: HIDDEN_OPTIONS, default: "64,64" }),
    field("activation", "activation φ", "", "Nonlinearity of the hidden units.",
        FieldKind::Choice { options: Activation::OPTIONS, default: "relu" }),
    field("dropoutRate", "dropout rate ρ", "", "Drop probability of each unit, m ~ Bernoulli(1 − ρ).",
        real(0.0, 0.95, false, 0.6, 0.05)),
    field("dropLayers", "dropped layers", "", "Which layers' units are dropped.",
        FieldKind::Choice { options: DropLayers::OPTIONS, default: "hidden" }),
    field("scaling", "scaling", "", "Inverted dropout (m/(1−ρ) in training) or standard dropout (weights × (1−ρ) at test time).",
        FieldKind::Choice { options: Scaling::OPTIONS, default: "inverted" }),
    field("variant", "training rule", "", "Ordinary dropout, K masks per gradient, the explicit regularizer only, or K masks plus knock-in noise (Wei, Kakade & Ma 2020).",
        FieldKind::Choice { options: Variant::OPTIONS, default: "dropout" }),
    field("dropK", "masks per gradient K", "", "Independent masks per example averaged in each gradient (DROP_K and knock-in).",
        int(1, 32, 8)),
    field("optimizer", "optimizer", "", "Stochastic gradient descent or Adam.",
        FieldKind::Choice { options: OptimizerKind::OPTIONS, default: "sgd" }),
    field("learningRate", "learning rate α", "", "Step size of the optimizer.",
        real(0.0, 2.0, true, 0.5, 0.001)),
    field("batchSize", "batch size B", "points", "Examples per gradient, drawn without replacement each step; at most trainPoints.",
        int(1, 1000, 10)),
    field("weightDecay", "weight decay λ", "", "Adds (λ/2)‖W‖² to the mean loss (weights, not biases).",
        real(0.0, 1.0, false, 0.0, 0.0001)),
    field("steps", "steps", "iterations", "Number of updates in a run.",
        int(1, 100_000, 2000)),
    field("recordEvery", "record every", "steps", "Losses and the regularizer estimate are recorded every this many steps.",
        int(1, 1000, 20)),
    field("seed", "seed", "", "Seed of the data, the initialisation, the batches and the masks.",
        int(0, 4_294_967_295, 1)),
];

/// Settings of a dropout run. Field names, ranges and defaults: [`FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DropoutConfig {
    pub task: Task,
    pub train_points: u32,
    pub test_points: u32,
    /// Std of the target noise (regression) or of the input noise (classification).
    pub noise: f64,
    /// Probability that a class label is flipped.
    pub label_noise: f64,
    /// Hidden widths, comma-separated, one of [`HIDDEN_OPTIONS`].
    pub hidden: String,
    pub activation: Activation,
    /// ρ.
    pub dropout_rate: f64,
    pub drop_layers: DropLayers,
    pub scaling: Scaling,
    pub variant: Variant,
    /// K.
    pub drop_k: u32,
    pub optimizer: OptimizerKind,
    /// α.
    pub learning_rate: f64,
    /// B ≤ `train_points`.
    pub batch_size: u32,
    /// λ.
    pub weight_decay: f64,
    pub steps: u32,
    pub record_every: u32,
    pub seed: u32,
}

impl Default for DropoutConfig {
    fn default() -> Self {
        // The defaults of FIELDS, parsed from the table so the two cannot disagree.
        Self::from_settings(std::iter::empty()).expect("FIELDS defaults are valid")
    }
}

impl DropoutConfig {
    /// Build a config from `(name, text)` settings over the defaults; every bad setting is
    /// reported with its field name and allowed range, and so is `batchSize > trainPoints`.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let parsed = Parsed::new(&FIELDS, settings)?;
        let real = |i: usize| parsed.real(i);
        let int = |i: usize| parsed.int(i);
        let choice = |i: usize| parsed.choice(i);
        let config = DropoutConfig {
            task: Task::from_name(choice(0)).expect("options are tasks"),
            train_points: int(1),
            test_points: int(2),
            noise: real(3),
            label_noise: real(4),
            hidden: choice(5).to_string(),
            activation: Activation::from_name(choice(6)).expect("options"),
            dropout_rate: real(7),
            drop_layers: DropLayers::from_name(choice(8)).expect("options"),
            scaling: Scaling::from_name(choice(9)).expect("options"),
            variant: Variant::from_name(choice(10)).expect("options"),
            drop_k: int(11),
            optimizer: OptimizerKind::from_name(choice(12)).expect("options"),
            learning_rate: real(13),
            batch_size: int(14),
            weight_decay: real(15),
            steps: int(16),
            record_every: int(17),
            seed: int(18),
        };
        if config.batch_size > config.train_points {
            return Err(ConfigErrors(vec![ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to trainPoints ({})", config.train_points),
                got: config.batch_size.to_string(),
            }]));
        }
        Ok(config)
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
            ("hidden", self.hidden.clone()),
            ("activation", self.activation.name().to_string()),
            ("dropoutRate", format!("{}", self.dropout_rate)),
            ("dropLayers", self.drop_layers.name().to_string()),
            ("scaling", self.scaling.name().to_string()),
            ("variant", self.variant.name().to_string()),
            ("dropK", self.drop_k.to_string()),
            ("optimizer", self.optimizer.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("batchSize", self.batch_size.to_string()),
            ("weightDecay", format!("{}", self.weight_decay)),
            ("steps", self.steps.to_string()),
            ("recordEvery", self.record_every.to_string()),
            ("seed", self.seed.to_string()),
        ]
    }

    /// Check every field against [`FIELDS`] and `batchSize ≤ trainPoints` (for configs built in
    /// Rust or read with serde).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let settings = self.to_settings();
        Self::from_settings(settings.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
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
