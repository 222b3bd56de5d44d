//! Settings of the SGLD experiment ([`super::Sgld`]): one field table ([`SGLD_FIELDS`]).

use super::ou_config::Convention;
use crate::config::{choice_setting, settings, ConfigError};
use serde::Serialize;

/// The posterior SGLD samples (SCIENCE.md §7 and the 2-D non-Gaussian case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Model {
    /// Bayesian linear regression, 2 weights, σ² = 0.25, η = 1, feature correlation 0.5.
    Linreg,
    /// Bayesian logistic regression in 2-D, no bias, η = 2, true weights (1.5, −1).
    Logreg,
    /// `y_i ~ N(w₁ + w₂², σ² = 4)`, prior `N(0, I)`, data with `w₁ + w₂² = 1`: a banana.
    Banana,
}

impl Model {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("linreg", "Bayesian linear regression (Gaussian posterior)"),
        ("logreg", "Bayesian logistic regression"),
        ("banana", "banana: y ~ N(w₁ + w₂², 4)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "linreg" => Some(Model::Linreg),
            "logreg" => Some(Model::Logreg),
            "banana" => Some(Model::Banana),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }
}

/// Fixed `α_t = α` or Welling–Teh's decaying `α_t = α(1 + t/t₀)^(−γ)`, `γ ∈ (0.5, 1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Schedule {
    Fixed,
    Decaying,
}

impl Schedule {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("fixed", "fixed α"),
        ("decaying", "decaying α(1 + t/t₀)^(−γ)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "fixed" => Some(Schedule::Fixed),
            "decaying" => Some(Schedule::Decaying),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }
}

choice_setting!(Model, Schedule);

settings! {
    /// Every SGLD setting. SCIENCE.md §7 defaults: 2 weights, σ² = 0.25, η = 1,
    /// ε ∈ {0.001, 0.01, 0.05} (here α = ε/2, so 0.005 ↔ ε = 0.01), mini-batch n = 2.
    pub const SGLD_FIELDS;
    /// Settings of an SGLD run ([`SGLD_FIELDS`]).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SgldConfig {
        pub model: Model = Choice {
            name: "model",
            label: "posterior",
            unit: "",
            help: "Which posterior to sample: linear regression (exact Gaussian), logistic regression, or a banana-shaped one.",
            options: Model::OPTIONS,
            default: "linreg",
        },
        pub convention: Convention = Choice {
            name: "convention",
            label: "injected noise",
            unit: "",
            help: "Welling–Teh: w ← w − α∇Û + N(0, 2α) (ε = 2α) samples the posterior; the lecture's rule as written, N(0, α), samples ∝ exp(−2U): half the covariance.",
            options: Convention::OPTIONS,
            default: "wellingTeh",
        },
        /// α (Welling–Teh ε = 2α).
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Coefficient of the mini-batch gradient of U = −ln p(w|D) (summed over the data); Welling–Teh's ε is 2α.",
            min: 0.0,
            max: 0.5,
            min_open: true,
            default: 0.005,
            step: 0.0005,
        },
        pub schedule: Schedule = Choice {
            name: "schedule",
            label: "step sizes",
            unit: "",
            help: "Fixed α (a biased stationary law) or decaying α_t = α(1 + t/t₀)^(−γ) (Welling & Teh: Σα_t = ∞, Σα_t² < ∞).",
            options: Schedule::OPTIONS,
            default: "fixed",
        },
        /// γ.
        pub decay_exponent: f64 = Real {
            name: "decayExponent",
            label: "decay exponent γ",
            unit: "",
            help: "Decaying schedule only: γ in (0.5, 1].",
            min: 0.5,
            max: 1.0,
            min_open: true,
            default: 0.55,
            step: 0.05,
        },
        /// t₀.
        pub decay_scale: u32 = Integer {
            name: "decayScale",
            label: "decay scale t₀",
            unit: "steps",
            help: "Decaying schedule only: α_t halves after about t₀(2^(1/γ) − 1) steps.",
            min: 1,
            max: 1_000_000,
            default: 100,
        },
        /// n.
        pub batch_size: u32 = Integer {
            name: "batchSize",
            label: "batch size n",
            unit: "examples",
            help: "Examples per mini-batch (a fresh subset without replacement each step, scaled by N/n); n = N is full-batch Langevin.",
            min: 1,
            max: 500,
            default: 2,
        },
        /// N.
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Size of the seeded data set.",
            min: 2,
            max: 500,
            default: 20,
        },
        /// M.
        pub chains: u32 = Integer {
            name: "chains",
            label: "chains M",
            unit: "",
            help: "Independent SGLD chains (the cloud).",
            min: 2,
            max: 5000,
            default: 500,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "Number of updates in a run.",
            min: 1,
            max: 200000,
            default: 4000,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data and the noise.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
    check: |c: &SgldConfig| {
        if c.batch_size > c.data_points {
            vec![ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to dataPoints = {}", c.data_points),
                got: format!("{}", c.batch_size),
            }]
        } else {
            vec![]
        }
    };
}

impl SgldConfig {
    /// `α_t` at step `t` (0-based).
    pub fn rate_at(&self, t: usize) -> f64 {
        match self.schedule {
            Schedule::Fixed => self.learning_rate,
            Schedule::Decaying => {
                self.learning_rate
                    * libm::pow(
                        1.0 + t as f64 / self.decay_scale as f64,
                        -self.decay_exponent,
                    )
            }
        }
    }
}
