//! Settings of the Bayes-by-Backprop experiment: one field table ([`BBB_FIELDS`]) drives
//! parsing, validation, the UI's controls, the URL hash and the CLI.

use crate::config::{choice_setting, settings};
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

choice_setting!(Objective, Optimizer);

settings! {
    /// Every Bayes-by-Backprop setting, its range and its default (SCIENCE.md §4: σ² = 0.25,
    /// η = 1).
    pub const BBB_FIELDS;
    /// Settings of a Bayes-by-Backprop run. Names, ranges and defaults: [`BBB_FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct BbbConfig {
        /// N.
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Number of (x, t) examples in the synthetic regression data set.",
            min: 1,
            max: 500,
            default: 20,
        },
        /// D.
        pub weights: u32 = Integer {
            name: "weights",
            label: "weights D",
            unit: "",
            help: "Number of regression weights (no bias).",
            min: 1,
            max: 10,
            default: 2,
        },
        /// c, the correlation between features.
        pub feature_correlation: f64 = Real {
            name: "featureCorrelation",
            label: "feature correlation c",
            unit: "",
            help: "Correlation between any two input features; correlated features give a correlated posterior, which a factorized q cannot capture.",
            min: 0.0,
            max: 0.99,
            min_open: false,
            default: 0.8,
            step: 0.01,
        },
        /// σ², the observation-noise variance.
        pub noise_variance: f64 = Real {
            name: "noiseVariance",
            label: "noise variance σ²",
            unit: "",
            help: "Variance of the observation noise in t = wᵀx + N(0, σ²).",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 0.25,
            step: 0.01,
        },
        /// η, the prior variance.
        pub prior_variance: f64 = Real {
            name: "priorVariance",
            label: "prior variance η",
            unit: "",
            help: "Variance of the prior p(w) = N(0, ηI) (a variance, not a std).",
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 1.0,
            step: 0.1,
        },
        /// ELBO or likelihood term only.
        pub objective: Objective = Choice {
            name: "objective",
            label: "objective",
            unit: "",
            help: "Ascend the ELBO, or the likelihood term alone (without the KL term q collapses onto the maximum-likelihood weights).",
            options: Objective::OPTIONS,
            default: "elbo",
        },
        /// Adam or SGD.
        pub optimizer: Optimizer = Choice {
            name: "optimizer",
            label: "optimizer",
            unit: "",
            help: "Update rule for the variational parameters μ and ρ (s = softplus(ρ)).",
            options: Optimizer::OPTIONS,
            default: "adam",
        },
        /// α, on the per-example objective `F/N`.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Step size on the per-example objective F/N.",
            min: 0.0,
            max: 1.0,
            min_open: true,
            default: 0.02,
            step: 0.001,
        },
        /// S, weight samples per gradient estimate.
        pub samples_per_step: u32 = Integer {
            name: "samplesPerStep",
            label: "samples per step S",
            unit: "",
            help: "Weight samples w = μ + s⊙ε averaged in each gradient estimate.",
            min: 1,
            max: 100,
            default: 1,
        },
        /// The local reparameterization trick (Kingma, Salimans & Welling 2015): sample the
        /// activations `a_i = x_iᵀw` per example instead of `w`. Off by default (SCIENCE.md §4
        /// describes the plain weight-sample estimator).
        pub local_reparam: bool = Choice {
            name: "localReparam",
            label: "local reparameterization",
            unit: "",
            help: "Sample each example's activation a_i = x_iᵀw from its Gaussian N(x_iᵀμ, Σ_j x_ij² s_j²) independently (Kingma, Salimans & Welling 2015) instead of one weight sample shared by all examples: the same expected gradient with lower variance.",
            options: &[
                    ("off", "off: one weight sample w = μ + s⊙ε"),
                    ("on", "on: independent activation samples"),
                ],
            default: "off",
        },
        /// s₀, the initial std of every weight.
        pub init_std: f64 = Real {
            name: "initStd",
            label: "initial std s₀",
            unit: "",
            help: "Starting standard deviation of every weight in q (the means start at 0). Near 0, q is a point mass and BBB is ordinary backprop.",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 0.5,
            step: 0.01,
        },
        /// Number of updates.
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "Number of updates in a run.",
            min: 1,
            max: 100_000,
            default: 2000,
        },
        /// Seed of data and samples.
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data set and of the weight samples: the same seed gives the same run, natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
}

impl BbbConfig {}
