//! Settings of the noisy-natural-gradient experiment: one field table ([`NNG_FIELDS`]) drives
//! parsing, validation, the UI's controls, the URL hash and the CLI (SCIENCE.md §6 defaults:
//! σ² = 0.25, η = 1, λ = 1, α = 2, β = 1).

use super::model::Curvature;
use super::optim::Hyper;
use crate::config::{choice_setting, settings};
use serde::{Deserialize, Serialize};

choice_setting!(Curvature);

settings! {
    /// Every setting, its range and default. `dataPoints ≥ 10` keeps `β̃ = λβ/N ≤ ½` for every
    /// allowed `β`, so no two fields constrain each other.
    pub const NNG_FIELDS;
    /// Settings of a noisy-natural-gradient run on Bayesian linear regression ([`NNG_FIELDS`]).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct NngConfig {
        /// N.
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Number of regression examples (features and targets drawn from the model with the seed).",
            min: 10,
            max: 500,
            default: 40,
        },
        /// D.
        pub weights: u32 = Integer {
            name: "weights",
            label: "weights D",
            unit: "",
            help: "Number of regression weights (no bias). The plot shows two of them.",
            min: 2,
            max: 8,
            default: 2,
        },
        pub feature_correlation: f64 = Real {
            name: "featureCorrelation",
            label: "input correlation c",
            unit: "",
            help: "Correlation between any two input features: correlated inputs give a correlated posterior, which a diagonal Gaussian cannot represent.",
            min: 0.0,
            max: 0.99,
            min_open: false,
            default: 0.9,
            step: 0.01,
        },
        /// σ².
        pub noise_variance: f64 = Real {
            name: "noiseVariance",
            label: "noise variance σ²",
            unit: "",
            help: "Variance of the observation noise, t = wᵀx + N(0, σ²).",
            min: 0.01,
            max: 4.0,
            min_open: false,
            default: 0.25,
            step: 0.01,
        },
        /// η.
        pub prior_variance: f64 = Real {
            name: "priorVariance",
            label: "prior variance η",
            unit: "",
            help: "The prior is p(w) = N(0, ηI); η is a variance. It sets the intrinsic damping γ_in = λ/(Nη).",
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 1.0,
            step: 0.01,
        },
        /// λ.
        pub kl_weight: f64 = Real {
            name: "klWeight",
            label: "KL weight λ",
            unit: "",
            help: "Weight of the KL term. λ = 1 is plain variational Bayes; λ < 1 targets the posterior with the likelihood raised to 1/λ.",
            min: 0.0,
            max: 1.0,
            min_open: true,
            default: 1.0,
            step: 0.05,
        },
        /// α (lecture form).
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Lecture-form rate of μ ← μ + αΛ⁻¹[∇log p − γ_in w]; noisy Adam and K-FAC use α̃ = αλ/N. The mean's step contracts by 1 − αλ/N: above αλ/N = 2 it diverges.",
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 2.0,
            step: 0.1,
        },
        /// β (lecture form).
        pub beta: f64 = Real {
            name: "beta",
            label: "precision rate β",
            unit: "",
            help: "Lecture-form rate of the precision's moving average Λ ← (1 − λβ/N)Λ + β[G + γ_in I]; every curvature average uses β̃ = λβ/N.",
            min: 0.0,
            max: 5.0,
            min_open: true,
            default: 1.0,
            step: 0.05,
        },
        /// β₁.
        pub momentum: f64 = Real {
            name: "momentum",
            label: "noisy Adam momentum β₁",
            unit: "",
            help: "Momentum of noisy Adam's mean update (Alg. 1); 0 makes it the diagonal version of the lecture's update.",
            min: 0.0,
            max: 0.99,
            min_open: false,
            default: 0.9,
            step: 0.01,
        },
        /// γ_ex.
        pub extrinsic_damping: f64 = Real {
            name: "extrinsicDamping",
            label: "extrinsic damping γ_ex",
            unit: "",
            help: "Extra damping added to the curvature in noisy Adam's and noisy K-FAC's mean update (not to the sampling covariance).",
            min: 0.0,
            max: 10.0,
            min_open: false,
            default: 0.0,
            step: 0.01,
        },
        pub curvature: Curvature = Choice {
            name: "curvature",
            label: "curvature estimate",
            unit: "",
            help: "What the precision averages: the exact Fisher (= G = −Hessian here), the Fisher with targets sampled from the model, or the empirical Fisher (squared data gradients), whose fixed point differs.",
            options: Curvature::OPTIONS,
            default: "fisher",
        },
        /// B (capped at N).
        pub batch_size: u32 = Integer {
            name: "batchSize",
            label: "batch size B",
            unit: "",
            help: "Examples per step, drawn without replacement; a value ≥ N uses the full batch.",
            min: 1,
            max: 500,
            default: 500,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "Number of updates in a run.",
            min: 1,
            max: 20000,
            default: 2000,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data and of every weight sample: the same seed gives the same run, natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
}

impl NngConfig {
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
