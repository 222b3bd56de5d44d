//! Settings of the noisy-natural-gradient experiment: one field table ([`NNG_FIELDS`]) drives
//! parsing, validation, the UI's controls, the URL hash and the CLI (SCIENCE.md §6 defaults:
//! σ² = 0.25, η = 1, λ = 1, α = 2, β = 1).

use super::model::Curvature;
use super::optim::Hyper;
use crate::config::{ConfigErrors, FieldKind, FieldSpec, Parsed};
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

/// Every setting, its range and default. `dataPoints ≥ 10` keeps `β̃ = λβ/N ≤ ½` for every
/// allowed `β`, so no two fields constrain each other.
pub const NNG_FIELDS: [FieldSpec; 14] = [
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Number of regression examples (features and targets drawn from the model with the seed).",
        kind: int(10, 500, 40),
    },
    FieldSpec {
        name: "weights",
        label: "weights D",
        unit: "",
        help: "Number of regression weights (no bias). The plot shows two of them.",
        kind: int(2, 8, 2),
    },
    FieldSpec {
        name: "featureCorrelation",
        label: "input correlation c",
        unit: "",
        help: "Correlation between any two input features: correlated inputs give a correlated posterior, which a diagonal Gaussian cannot represent.",
        kind: real(0.0, 0.99, false, 0.9, 0.01),
    },
    FieldSpec {
        name: "noiseVariance",
        label: "noise variance σ²",
        unit: "",
        help: "Variance of the observation noise, t = wᵀx + N(0, σ²).",
        kind: real(0.01, 4.0, false, 0.25, 0.01),
    },
    FieldSpec {
        name: "priorVariance",
        label: "prior variance η",
        unit: "",
        help: "The prior is p(w) = N(0, ηI); η is a variance. It sets the intrinsic damping γ_in = λ/(Nη).",
        kind: real(0.0, 100.0, true, 1.0, 0.01),
    },
    FieldSpec {
        name: "klWeight",
        label: "KL weight λ",
        unit: "",
        help: "Weight of the KL term. λ = 1 is plain variational Bayes; λ < 1 targets the posterior with the likelihood raised to 1/λ.",
        kind: real(0.0, 1.0, true, 1.0, 0.05),
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "Lecture-form rate of μ ← μ + αΛ⁻¹[∇log p − γ_in w]; noisy Adam and K-FAC use α̃ = αλ/N. The mean's step contracts by 1 − αλ/N: above αλ/N = 2 it diverges.",
        kind: real(0.0, 100.0, true, 2.0, 0.1),
    },
    FieldSpec {
        name: "beta",
        label: "precision rate β",
        unit: "",
        help: "Lecture-form rate of the precision's moving average Λ ← (1 − λβ/N)Λ + β[G + γ_in I]; every curvature average uses β̃ = λβ/N.",
        kind: real(0.0, 5.0, true, 1.0, 0.05),
    },
    FieldSpec {
        name: "momentum",
        label: "noisy Adam momentum β₁",
        unit: "",
        help: "Momentum of noisy Adam's mean update (Alg. 1); 0 makes it the diagonal version of the lecture's update.",
        kind: real(0.0, 0.99, false, 0.9, 0.01),
    },
    FieldSpec {
        name: "extrinsicDamping",
        label: "extrinsic damping γ_ex",
        unit: "",
        help: "Extra damping added to the curvature in noisy Adam's and noisy K-FAC's mean update (not to the sampling covariance).",
        kind: real(0.0, 10.0, false, 0.0, 0.01),
    },
    FieldSpec {
        name: "curvature",
        label: "curvature estimate",
        unit: "",
        help: "What the precision averages: the exact Fisher (= G = −Hessian here), the Fisher with targets sampled from the model, or the empirical Fisher (squared data gradients), whose fixed point differs.",
        kind: FieldKind::Choice {
            options: Curvature::OPTIONS,
            default: "fisher",
        },
    },
    FieldSpec {
        name: "batchSize",
        label: "batch size B",
        unit: "",
        help: "Examples per step, drawn without replacement; a value ≥ N uses the full batch.",
        kind: int(1, 500, 500),
    },
    FieldSpec {
        name: "steps",
        label: "steps",
        unit: "iterations",
        help: "Number of updates in a run.",
        kind: int(1, 20000, 2000),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data and of every weight sample: the same seed gives the same run, natively and in the browser.",
        kind: int(0, 4_294_967_295, 1),
    },
];

/// Settings of a noisy-natural-gradient run on Bayesian linear regression ([`NNG_FIELDS`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NngConfig {
    /// N.
    pub data_points: u32,
    /// D.
    pub weights: u32,
    pub feature_correlation: f64,
    /// σ².
    pub noise_variance: f64,
    /// η.
    pub prior_variance: f64,
    /// λ.
    pub kl_weight: f64,
    /// α (lecture form).
    pub learning_rate: f64,
    /// β (lecture form).
    pub beta: f64,
    /// β₁.
    pub momentum: f64,
    /// γ_ex.
    pub extrinsic_damping: f64,
    pub curvature: Curvature,
    /// B (capped at N).
    pub batch_size: u32,
    pub steps: u32,
    pub seed: u32,
}

impl Default for NngConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("NNG_FIELDS defaults are valid")
    }
}

impl NngConfig {
    /// Build a config from `(name, text)` settings over the defaults; every bad setting is
    /// reported with its field name and allowed range.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let p = Parsed::new(&NNG_FIELDS, settings)?;
        Ok(NngConfig {
            data_points: p.int(0),
            weights: p.int(1),
            feature_correlation: p.real(2),
            noise_variance: p.real(3),
            prior_variance: p.real(4),
            kl_weight: p.real(5),
            learning_rate: p.real(6),
            beta: p.real(7),
            momentum: p.real(8),
            extrinsic_damping: p.real(9),
            curvature: Curvature::from_name(p.choice(10)).expect("options are curvatures"),
            batch_size: p.int(11),
            steps: p.int(12),
            seed: p.int(13),
        })
    }

    /// The settings as `(name, text)` pairs in [`NNG_FIELDS`] order (round-trips exactly).
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dataPoints", self.data_points.to_string()),
            ("weights", self.weights.to_string()),
            (
                "featureCorrelation",
                format!("{}", self.feature_correlation),
            ),
            ("noiseVariance", format!("{}", self.noise_variance)),
            ("priorVariance", format!("{}", self.prior_variance)),
            ("klWeight", format!("{}", self.kl_weight)),
            ("learningRate", format!("{}", self.learning_rate)),
            ("beta", format!("{}", self.beta)),
            ("momentum", format!("{}", self.momentum)),
            ("extrinsicDamping", format!("{}", self.extrinsic_damping)),
            ("curvature", self.curvature.name().to_string()),
            ("batchSize", self.batch_size.to_string()),
            ("steps", self.steps.to_string()),
            ("seed", self.seed.to_string()),
        ]
    }

    /// Check every field against [`NNG_FIELDS`] (for configs built in Rust or read with serde).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let s = self.to_settings();
        Self::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }

    /// The effective batch size `min(B, N)`.
    pub fn effective_batch(&self) -> usize {
        self.batch_size.min(self.data_points) as usize
    }

    /// The optimizer's hyperparameters.
    pub fn hyper(&self) -> Hyper {
        Hyper {
            learning_rate: self.learning_rate,
            beta: self.beta,
            kl_weight: self.kl_weight,
            prior_variance: self.prior_variance,
            momentum: self.momentum,
            extrinsic_damping: self.extrinsic_damping,
            curvature: self.curvature,
            data_points: self.data_points as usize,
        }
    }
}
