//! Settings of the SGLD experiment ([`super::Sgld`]): one field table ([`SGLD_FIELDS`]).

use super::ou_config::Convention;
use crate::config::{ConfigError, ConfigErrors, FieldKind, FieldSpec, Parsed};
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

/// Every SGLD setting. SCIENCE.md §7 defaults: 2 weights, σ² = 0.25, η = 1,
/// ε ∈ {0.001, 0.01, 0.05} (here α = ε/2, so 0.005 ↔ ε = 0.01), mini-batch n = 2.
pub const SGLD_FIELDS: [FieldSpec; 11] = [
    FieldSpec {
        name: "model",
        label: "posterior",
        unit: "",
        help: "Which posterior to sample: linear regression (exact Gaussian), logistic regression, or a banana-shaped one.",
        kind: FieldKind::Choice {
            options: Model::OPTIONS,
            default: "linreg",
        },
    },
    FieldSpec {
        name: "convention",
        label: "injected noise",
        unit: "",
        help: "Welling–Teh: w ← w − α∇Û + N(0, 2α) (ε = 2α) samples the posterior; the lecture's rule as written, N(0, α), samples ∝ exp(−2U): half the covariance.",
        kind: FieldKind::Choice {
            options: Convention::OPTIONS,
            default: "wellingTeh",
        },
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "Coefficient of the mini-batch gradient of U = −ln p(w|D) (summed over the data); Welling–Teh's ε is 2α.",
        kind: FieldKind::Real {
            min: 0.0,
            max: 0.5,
            min_open: true,
            default: 0.005,
            step: 0.0005,
        },
    },
    FieldSpec {
        name: "schedule",
        label: "step sizes",
        unit: "",
        help: "Fixed α (a biased stationary law) or decaying α_t = α(1 + t/t₀)^(−γ) (Welling & Teh: Σα_t = ∞, Σα_t² < ∞).",
        kind: FieldKind::Choice {
            options: Schedule::OPTIONS,
            default: "fixed",
        },
    },
    FieldSpec {
        name: "decayExponent",
        label: "decay exponent γ",
        unit: "",
        help: "Decaying schedule only: γ in (0.5, 1].",
        kind: FieldKind::Real {
            min: 0.5,
            max: 1.0,
            min_open: true,
            default: 0.55,
            step: 0.05,
        },
    },
    FieldSpec {
        name: "decayScale",
        label: "decay scale t₀",
        unit: "steps",
        help: "Decaying schedule only: α_t halves after about t₀(2^(1/γ) − 1) steps.",
        kind: FieldKind::Integer {
            min: 1,
            max: 1_000_000,
            default: 100,
        },
    },
    FieldSpec {
        name: "batchSize",
        label: "batch size n",
        unit: "examples",
        help: "Examples per mini-batch (a fresh subset without replacement each step, scaled by N/n); n = N is full-batch Langevin.",
        kind: FieldKind::Integer {
            min: 1,
            max: 500,
            default: 2,
        },
    },
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Size of the seeded data set.",
        kind: FieldKind::Integer {
            min: 2,
            max: 500,
            default: 20,
        },
    },
    FieldSpec {
        name: "chains",
        label: "chains M",
        unit: "",
        help: "Independent SGLD chains (the cloud).",
        kind: FieldKind::Integer {
            min: 2,
            max: 5000,
            default: 500,
        },
    },
    FieldSpec {
        name: "steps",
        label: "steps",
        unit: "iterations",
        help: "Number of updates in a run.",
        kind: FieldKind::Integer {
            min: 1,
            max: 200000,
            default: 4000,
        },
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data and the noise.",
        kind: FieldKind::Integer {
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    },
];

/// Settings of an SGLD run ([`SGLD_FIELDS`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SgldConfig {
    pub model: Model,
    pub convention: Convention,
    /// α (Welling–Teh ε = 2α).
    pub learning_rate: f64,
    pub schedule: Schedule,
    /// γ.
    pub decay_exponent: f64,
    /// t₀.
    pub decay_scale: u32,
    /// n.
    pub batch_size: u32,
    /// N.
    pub data_points: u32,
    /// M.
    pub chains: u32,
    pub steps: u32,
    pub seed: u32,
}

impl Default for SgldConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("SGLD_FIELDS defaults are valid")
    }
}

impl SgldConfig {
    /// Parse settings over the defaults; also `batchSize ≤ dataPoints`.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let p = Parsed::new(&SGLD_FIELDS, settings)?;
        let c = SgldConfig {
            model: Model::from_name(p.choice(0)).expect("options are models"),
            convention: Convention::from_name(p.choice(1)).expect("options are conventions"),
            learning_rate: p.real(2),
            schedule: Schedule::from_name(p.choice(3)).expect("options are schedules"),
            decay_exponent: p.real(4),
            decay_scale: p.int(5),
            batch_size: p.int(6),
            data_points: p.int(7),
            chains: p.int(8),
            steps: p.int(9),
            seed: p.int(10),
        };
        if c.batch_size > c.data_points {
            return Err(ConfigErrors(vec![ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to dataPoints = {}", c.data_points),
                got: format!("{}", c.batch_size),
            }]));
        }
        Ok(c)
    }

    /// `(name, text)` pairs in table order.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("model", self.model.name().to_string()),
            ("convention", self.convention.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("schedule", self.schedule.name().to_string()),
            ("decayExponent", format!("{}", self.decay_exponent)),
            ("decayScale", format!("{}", self.decay_scale)),
            ("batchSize", format!("{}", self.batch_size)),
            ("dataPoints", format!("{}", self.data_points)),
            ("chains", format!("{}", self.chains)),
            ("steps", format!("{}", self.steps)),
            ("seed", format!("{}", self.seed)),
        ]
    }

    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let s = self.to_settings();
        Self::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }

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
