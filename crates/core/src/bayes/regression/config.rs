//! Settings of the 1-D regression comparison: one field table shared by Rust, the URL hash,
//! element attributes and the CLI.

use crate::config::{ConfigErrors, FieldKind, FieldSpec, Parsed};
use serde::Serialize;

/// Which curvature the Laplace approximation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Curvature {
    /// Generalized Gauss–Newton `JᵀJ/σ² + I/η`.
    Ggn,
    /// Its diagonal.
    Diagonal,
    /// The full Hessian of `−ln p(w, D)`.
    Hessian,
}

impl Curvature {
    /// Values and labels.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("ggn", "Gauss–Newton (GGN)"),
        ("diagonal", "diagonal GGN"),
        ("hessian", "full Hessian"),
    ];

    fn from_name(n: &str) -> Self {
        match n {
            "diagonal" => Curvature::Diagonal,
            "hessian" => Curvature::Hessian,
            _ => Curvature::Ggn,
        }
    }

    /// The config value.
    pub fn name(self) -> &'static str {
        match self {
            Curvature::Ggn => "ggn",
            Curvature::Diagonal => "diagonal",
            Curvature::Hessian => "hessian",
        }
    }
}

/// How the Laplace predictive is formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Predictive {
    /// Linearized (GLM): `f(x; w*) ± sqrt(J*ᵀH̄⁻¹J* + σ²)`.
    Linearized,
    /// Monte Carlo over `w ~ N(w*, H̄⁻¹)` through the network.
    Sampled,
}

impl Predictive {
    /// Values and labels.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("linearized", "linearized (GLM)"),
        ("sampled", "sampled weights"),
    ];

    /// The config value.
    pub fn name(self) -> &'static str {
        match self {
            Predictive::Linearized => "linearized",
            Predictive::Sampled => "sampled",
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

const fn int(min: u64, max: u64, default: u64) -> FieldKind {
    FieldKind::Integer { min, max, default }
}

/// Every setting of the comparison, its range and default.
pub const REGRESSION_FIELDS: [FieldSpec; 12] = [
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Points drawn in two clusters (x ≈ −2 and x ≈ 2) with a gap between them.",
        kind: int(2, 200, 24),
    },
    FieldSpec {
        name: "hiddenUnits",
        label: "hidden units H",
        unit: "",
        help: "Width of the single tanh hidden layer (P = 3H + 1 parameters).",
        kind: int(2, 50, 20),
    },
    FieldSpec {
        name: "noiseVariance",
        label: "noise variance σ²",
        unit: "",
        help: "Variance of the Gaussian observation noise (a variance, not a std).",
        kind: real(0.0, 1.0, true, 0.01, 0.005),
    },
    FieldSpec {
        name: "priorVariance",
        label: "prior variance η",
        unit: "",
        help: "Variance of the prior N(0, ηI) on every weight and bias (weight decay σ²/(Nη)).",
        kind: real(0.0, 100.0, true, 1.0, 0.1),
    },
    FieldSpec {
        name: "tunePrior",
        label: "tune η by evidence",
        unit: "",
        help: "Replace η by the maximizer of the Laplace (GGN) evidence over log η.",
        kind: FieldKind::Choice {
            options: &[("off", "off: use η"), ("evidence", "maximize the evidence")],
            default: "off",
        },
    },
    FieldSpec {
        name: "laplace",
        label: "Laplace curvature",
        unit: "",
        help: "Curvature of the Laplace approximation N(w_MAP, H̄⁻¹).",
        kind: FieldKind::Choice {
            options: Curvature::OPTIONS,
            default: "ggn",
        },
    },
    FieldSpec {
        name: "predictive",
        label: "Laplace predictive",
        unit: "",
        help: "Linearized (GLM) predictive, or Monte Carlo over sampled weights.",
        kind: FieldKind::Choice {
            options: Predictive::OPTIONS,
            default: "linearized",
        },
    },
    FieldSpec {
        name: "dropoutRate",
        label: "dropout rate ρ",
        unit: "",
        help: "Drop probability of the hidden units for MC dropout (m ~ Bernoulli(1 − ρ)).",
        kind: real(0.0, 0.9, false, 0.1, 0.05),
    },
    FieldSpec {
        name: "trainingSteps",
        label: "training steps",
        unit: "steps",
        help: "Full-batch Adam steps for MAP, MC dropout and Bayes by Backprop.",
        kind: int(100, 20000, 3000),
    },
    FieldSpec {
        name: "hmcSamples",
        label: "HMC samples",
        unit: "",
        help: "HMC transitions kept after the step-size burn-in.",
        kind: int(10, 5000, 300),
    },
    FieldSpec {
        name: "leapfrogSteps",
        label: "leapfrog steps L",
        unit: "",
        help: "Leapfrog steps per HMC transition.",
        kind: int(1, 500, 40),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data, the initialisation and every sampler.",
        kind: int(0, 4_294_967_295, 1),
    },
];

/// The settings (names, ranges, defaults: [`REGRESSION_FIELDS`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegressionConfig {
    pub data_points: u32,
    pub hidden_units: u32,
    pub noise_variance: f64,
    pub prior_variance: f64,
    pub tune_prior: bool,
    pub laplace: Curvature,
    pub predictive: Predictive,
    pub dropout_rate: f64,
    pub training_steps: u32,
    pub hmc_samples: u32,
    pub leapfrog_steps: u32,
    pub seed: u32,
}

impl Default for RegressionConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("REGRESSION_FIELDS defaults are valid")
    }
}

impl RegressionConfig {
    /// Build from `(name, text)` settings over the defaults; every bad setting is reported
    /// with its field name and allowed range.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let p = Parsed::new(&REGRESSION_FIELDS, settings)?;
        Ok(RegressionConfig {
            data_points: p.int(0),
            hidden_units: p.int(1),
            noise_variance: p.real(2),
            prior_variance: p.real(3),
            tune_prior: p.choice(4) == "evidence",
            laplace: Curvature::from_name(p.choice(5)),
            predictive: if p.choice(6) == "sampled" {
                Predictive::Sampled
            } else {
                Predictive::Linearized
            },
            dropout_rate: p.real(7),
            training_steps: p.int(8),
            hmc_samples: p.int(9),
            leapfrog_steps: p.int(10),
            seed: p.int(11),
        })
    }

    /// The settings as `(name, text)` pairs in [`REGRESSION_FIELDS`] order.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dataPoints", self.data_points.to_string()),
            ("hiddenUnits", self.hidden_units.to_string()),
            ("noiseVariance", format!("{}", self.noise_variance)),
            ("priorVariance", format!("{}", self.prior_variance)),
            (
                "tunePrior",
                if self.tune_prior { "evidence" } else { "off" }.into(),
            ),
            ("laplace", self.laplace.name().into()),
            ("predictive", self.predictive.name().into()),
            ("dropoutRate", format!("{}", self.dropout_rate)),
            ("trainingSteps", self.training_steps.to_string()),
            ("hmcSamples", self.hmc_samples.to_string()),
            ("leapfrogSteps", self.leapfrog_steps.to_string()),
            ("seed", self.seed.to_string()),
        ]
    }
}
