//! Settings of the Bayes-by-Backprop experiment: one field table ([`BBB_FIELDS`]) drives
//! parsing, validation, the UI's controls, the URL hash and the CLI.

use crate::config::{ConfigErrors, FieldKind, FieldSpec, Parsed};
use serde::{Deserialize, Serialize};

/// What the optimizer ascends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Objective {
    /// The ELBO `F = E_q ln p(D|w) − KL(q‖p(w))` (Blundell et al. 2015).
    #[default]
    Elbo,
    /// The likelihood term alone (the KL dropped): `q` collapses onto `w_ML`
    /// (Lecture 8: "Without the KL term, the optimal q would be a point mass on w_ML").
    Likelihood,
}

impl Objective {
    /// Values and labels of the `objective` field.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("elbo", "ELBO: likelihood − KL"),
        ("likelihood", "likelihood term only (KL dropped)"),
    ];

    /// Parse a value of [`Objective::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "elbo" => Some(Objective::Elbo),
            "likelihood" => Some(Objective::Likelihood),
            _ => None,
        }
    }

    /// The value used in settings.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Elbo => "elbo",
            Objective::Likelihood => "likelihood",
        }
    }
}

/// The update rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Optimizer {
    /// Adam (Kingma & Ba 2015): `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e−8`.
    #[default]
    Adam,
    /// Plain stochastic gradient ascent.
    Sgd,
}

impl Optimizer {
    /// Values and labels of the `optimizer` field.
    pub const OPTIONS: &'static [(&'static str, &'static str)] =
        &[("adam", "Adam"), ("sgd", "SGD")];

    /// Parse a value of [`Optimizer::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "adam" => Some(Optimizer::Adam),
            "sgd" => Some(Optimizer::Sgd),
            _ => None,
        }
    }

    /// The value used in settings.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Adam => "adam",
            Optimizer::Sgd => "sgd",
        }
    }
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

const fn integer(min: u64, max: u64, default: u64) -> FieldKind {
    FieldKind::Integer { min, max, default }
}

/// Every Bayes-by-Backprop setting, its range and its default (SCIENCE.md §4: σ² = 0.25,
/// η = 1).
pub const BBB_FIELDS: [FieldSpec; 13] = [
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Number of (x, t) examples in the synthetic regression data set.",
        kind: integer(1, 500, 20),
    },
    FieldSpec {
        name: "weights",
        label: "weights D",
        unit: "",
        help: "Number of regression weights (no bias).",
        kind: integer(1, 10, 2),
    },
    FieldSpec {
        name: "featureCorrelation",
        label: "feature correlation c",
        unit: "",
        help: "Correlation between any two input features; correlated features give a correlated posterior, which a factorized q cannot capture.",
        kind: real(0.0, 0.99, false, 0.8, 0.01),
    },
    FieldSpec {
        name: "noiseVariance",
        label: "noise variance σ²",
        unit: "",
        help: "Variance of the observation noise in t = wᵀx + N(0, σ²).",
        kind: real(0.0, 10.0, true, 0.25, 0.01),
    },
    FieldSpec {
        name: "priorVariance",
        label: "prior variance η",
        unit: "",
        help: "Variance of the prior p(w) = N(0, ηI) (a variance, not a std).",
        kind: real(0.0, 100.0, true, 1.0, 0.1),
    },
    FieldSpec {
        name: "objective",
        label: "objective",
        unit: "",
        help: "Ascend the ELBO, or the likelihood term alone (without the KL term q collapses onto the maximum-likelihood weights).",
        kind: FieldKind::Choice {
            options: Objective::OPTIONS,
            default: "elbo",
        },
    },
    FieldSpec {
        name: "optimizer",
        label: "optimizer",
        unit: "",
        help: "Update rule for the variational parameters μ and ρ (s = softplus(ρ)).",
        kind: FieldKind::Choice {
            options: Optimizer::OPTIONS,
            default: "adam",
        },
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "Step size on the per-example objective F/N.",
        kind: real(0.0, 1.0, true, 0.02, 0.001),
    },
    FieldSpec {
        name: "samplesPerStep",
        label: "samples per step S",
        unit: "",
        help: "Weight samples w = μ + s⊙ε averaged in each gradient estimate.",
        kind: integer(1, 100, 1),
    },
    FieldSpec {
        name: "localReparam",
        label: "local reparameterization",
        unit: "",
        help: "Sample each example's activation a_i = x_iᵀw from its Gaussian N(x_iᵀμ, Σ_j x_ij² s_j²) independently (Kingma, Salimans & Welling 2015) instead of one weight sample shared by all examples: the same expected gradient with lower variance.",
        kind: FieldKind::Choice {
            options: &[
                ("off", "off: one weight sample w = μ + s⊙ε"),
                ("on", "on: independent activation samples"),
            ],
            default: "off",
        },
    },
    FieldSpec {
        name: "initStd",
        label: "initial std s₀",
        unit: "",
        help: "Starting standard deviation of every weight in q (the means start at 0). Near 0, q is a point mass and BBB is ordinary backprop.",
        kind: real(0.0, 10.0, true, 0.5, 0.01),
    },
    FieldSpec {
        name: "steps",
        label: "steps",
        unit: "iterations",
        help: "Number of updates in a run.",
        kind: integer(1, 100_000, 2000),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data set and of the weight samples: the same seed gives the same run, natively and in the browser.",
        kind: integer(0, 4_294_967_295, 1),
    },
];

/// Settings of a Bayes-by-Backprop run. Names, ranges and defaults: [`BBB_FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BbbConfig {
    /// N.
    pub data_points: u32,
    /// D.
    pub weights: u32,
    /// c, the correlation between features.
    pub feature_correlation: f64,
    /// σ², the observation-noise variance.
    pub noise_variance: f64,
    /// η, the prior variance.
    pub prior_variance: f64,
    /// ELBO or likelihood term only.
    pub objective: Objective,
    /// Adam or SGD.
    pub optimizer: Optimizer,
    /// α, on the per-example objective `F/N`.
    pub learning_rate: f64,
    /// S, weight samples per gradient estimate.
    pub samples_per_step: u32,
    /// The local reparameterization trick (Kingma, Salimans & Welling 2015): sample the
    /// activations `a_i = x_iᵀw` per example instead of `w`. Off by default (SCIENCE.md §4
    /// describes the plain weight-sample estimator).
    pub local_reparam: bool,
    /// s₀, the initial std of every weight.
    pub init_std: f64,
    /// Number of updates.
    pub steps: u32,
    /// Seed of data and samples.
    pub seed: u32,
}

impl Default for BbbConfig {
    fn default() -> Self {
        // The defaults of BBB_FIELDS, parsed from the table so the two cannot disagree.
        Self::from_settings(std::iter::empty()).expect("BBB_FIELDS defaults are valid")
    }
}

impl BbbConfig {
    /// Build a config from `(name, text)` settings over the defaults; every bad setting is
    /// reported with its field name and allowed range.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let parsed = Parsed::new(&BBB_FIELDS, settings)?;
        let real = |i: usize| parsed.real(i);
        let int = |i: usize| parsed.int(i);
        let choice = |i: usize| parsed.choice(i);
        Ok(BbbConfig {
            data_points: int(0),
            weights: int(1),
            feature_correlation: real(2),
            noise_variance: real(3),
            prior_variance: real(4),
            objective: Objective::from_name(choice(5)).expect("options are objectives"),
            optimizer: Optimizer::from_name(choice(6)).expect("options are optimizers"),
            learning_rate: real(7),
            samples_per_step: int(8),
            local_reparam: choice(9) == "on",
            init_std: real(10),
            steps: int(11),
            seed: int(12),
        })
    }

    /// The settings as `(name, text)` pairs in [`BBB_FIELDS`] order; `from_settings` of them
    /// gives back an identical config.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dataPoints", format!("{}", self.data_points)),
            ("weights", format!("{}", self.weights)),
            (
                "featureCorrelation",
                format!("{}", self.feature_correlation),
            ),
            ("noiseVariance", format!("{}", self.noise_variance)),
            ("priorVariance", format!("{}", self.prior_variance)),
            ("objective", self.objective.name().to_string()),
            ("optimizer", self.optimizer.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("samplesPerStep", format!("{}", self.samples_per_step)),
            (
                "localReparam",
                if self.local_reparam { "on" } else { "off" }.to_string(),
            ),
            ("initStd", format!("{}", self.init_std)),
            ("steps", format!("{}", self.steps)),
            ("seed", format!("{}", self.seed)),
        ]
    }

    /// Check every field against [`BBB_FIELDS`] (for configs built in Rust or read with serde).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let settings = self.to_settings();
        Self::from_settings(settings.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }
}
