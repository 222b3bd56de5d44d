//! Settings of the SGD-as-Ornstein–Uhlenbeck experiment ([`super::SgdOu`]): one field table
//! ([`SGD_OU_FIELDS`]) for parsing, validation, the UI's controls, the URL hash and the CLI.

use crate::config::{ConfigError, ConfigErrors, FieldKind, FieldSpec, Parsed};
use serde::Serialize;

const fn real(min: f64, max: f64, min_open: bool, default: f64, step: f64) -> FieldKind {
    FieldKind::Real {
        min,
        max,
        min_open,
        default,
        step,
    }
}

/// Which iteration runs on `J = ½wᵀHw` with gradient noise `ξ ~ C/B` (SCIENCE.md §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Method {
    /// `w ← w − α(Hw + ξ)`.
    Sgd,
    /// `w ← w − αC⁻¹(Hw + ξ)`: continuous stationary covariance `(α/2B)H⁻¹` (the lecture).
    PrecondInverseC,
    /// `w ← w − αP(Hw + ξ)` with `P = (2B/(αN))C⁻¹`: continuous stationary covariance exactly
    /// the posterior `H⁻¹/N` (Mandt et al. 2017, sec. 4).
    PrecondBayes,
    /// SGLD on `U = N·J` in the mean-loss step α: `w ← w − α(Hw + ξ) + N(0, vI)` with injected
    /// variance `v = 2α/N` (Welling–Teh, ε = 2α/N on U) or `α/N` (the lecture's rule as written).
    Sgld,
}

impl Method {
    /// `(value, label)` pairs for the UI and the CLI.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("sgd", "SGD"),
        ("precondInverseC", "SGD preconditioned by C⁻¹"),
        ("precondBayes", "SGD preconditioned by (2B/αN)C⁻¹"),
        ("sgld", "SGLD (injected noise)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sgd" => Method::Sgd,
            "precondInverseC" => Method::PrecondInverseC,
            "precondBayes" => Method::PrecondBayes,
            "sgld" => Method::Sgld,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }
}

/// The SGLD noise convention (SCIENCE.md §7): Welling–Teh injects variance 2× the gradient step
/// (samples the posterior); the lecture's slide, as written, injects 1× (samples ∝ exp(−2U)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Convention {
    WellingTeh,
    Lecture,
}

impl Convention {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("wellingTeh", "Welling–Teh: noise N(0, 2α)"),
        ("lecture", "lecture as written: noise N(0, α)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "wellingTeh" => Some(Convention::WellingTeh),
            "lecture" => Some(Convention::Lecture),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }

    /// Injected noise variance per unit of gradient step: 2 (Welling–Teh) or 1 (lecture).
    pub fn noise_factor(self) -> f64 {
        match self {
            Convention::WellingTeh => 2.0,
            Convention::Lecture => 1.0,
        }
    }
}

/// Where H and C come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Problem {
    /// A linear-regression data set: `H = XᵀX/N` (mean squared loss ½(y − t)²), `C` the
    /// per-example gradient covariance at the least-squares fit; the iterates use real
    /// mini-batches (drawn with replacement, so their noise covariance at the fit is `C/B`).
    Data,
    /// `H` and `C` typed in (h11, h12, h22, c11, c12, c22); the noise is Gaussian `N(0, C/B)`.
    Custom,
}

impl Problem {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("data", "linear-regression data (real mini-batches)"),
        ("custom", "H and C set by hand (Gaussian noise)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "data" => Some(Problem::Data),
            "custom" => Some(Problem::Custom),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }
}

/// Every setting, range and default. Defaults: SCIENCE.md §8 asks for non-commuting SPD H, C at
/// α ≈ 0.1 and a large stable α ≈ 0.5; the custom H, C below do not commute.
pub const SGD_OU_FIELDS: [FieldSpec; 18] = [
    FieldSpec {
        name: "method",
        label: "method",
        unit: "",
        help: "SGD, SGD preconditioned by C⁻¹ (Σ → (α/2B)H⁻¹), by (2B/αN)C⁻¹ (Σ → H⁻¹/N), or SGLD (SGD plus injected Gaussian noise).",
        kind: FieldKind::Choice {
            options: Method::OPTIONS,
            default: "sgd",
        },
    },
    FieldSpec {
        name: "convention",
        label: "SGLD noise",
        unit: "",
        help: "SGLD only: Welling–Teh injects variance 2α/N per step (samples the posterior); the lecture's rule as written injects α/N (half the posterior covariance).",
        kind: FieldKind::Choice {
            options: Convention::OPTIONS,
            default: "wellingTeh",
        },
    },
    FieldSpec {
        name: "problem",
        label: "H and C from",
        unit: "",
        help: "A linear-regression data set (H = XᵀX/N, C = per-example gradient covariance at the fit; real mini-batches) or H and C typed in (Gaussian noise C/B).",
        kind: FieldKind::Choice {
            options: Problem::OPTIONS,
            default: "data",
        },
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "Step size. Stable iff α < 2/λ_max(PH) (P the preconditioner); beyond it the iterates diverge.",
        kind: real(0.0, 4.0, true, 0.1, 0.01),
    },
    FieldSpec {
        name: "batchSize",
        label: "batch size B",
        unit: "examples",
        help: "Mini-batch size: the gradient noise covariance is C/B.",
        kind: FieldKind::Integer {
            min: 1,
            max: 1000,
            default: 4,
        },
    },
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Training-set size: the Bayesian posterior is N(0, H⁻¹/N).",
        kind: FieldKind::Integer {
            min: 2,
            max: 10000,
            default: 100,
        },
    },
    FieldSpec {
        name: "featureCorrelation",
        label: "feature correlation",
        unit: "",
        help: "Data only: correlation of the two input features (tilts H).",
        kind: real(0.0, 0.95, false, 0.6, 0.05),
    },
    FieldSpec {
        name: "misspecification",
        label: "misspecification κ",
        unit: "",
        help: "Data only: the targets get an extra κ(x₁² − 1) the linear model cannot fit, which makes the gradient noise C differ in shape from H.",
        kind: real(0.0, 3.0, false, 1.0, 0.1),
    },
    FieldSpec {
        name: "noiseVariance",
        label: "target noise variance σ²",
        unit: "",
        help: "Data only: variance of the Gaussian noise on the targets.",
        kind: real(0.0, 10.0, true, 0.25, 0.05),
    },
    FieldSpec {
        name: "h11",
        label: "H₁₁",
        unit: "",
        help: "Custom only: Hessian entry (H must be positive definite).",
        kind: real(0.0, 10.0, true, 1.0, 0.05),
    },
    FieldSpec {
        name: "h12",
        label: "H₁₂",
        unit: "",
        help: "Custom only: off-diagonal Hessian entry; needs H₁₂² < H₁₁H₂₂.",
        kind: real(-10.0, 10.0, false, 0.4, 0.05),
    },
    FieldSpec {
        name: "h22",
        label: "H₂₂",
        unit: "",
        help: "Custom only: Hessian entry.",
        kind: real(0.0, 10.0, true, 0.4, 0.05),
    },
    FieldSpec {
        name: "c11",
        label: "C₁₁",
        unit: "",
        help: "Custom only: per-example gradient-noise covariance entry (C must be positive definite).",
        kind: real(0.0, 10.0, true, 0.3, 0.05),
    },
    FieldSpec {
        name: "c12",
        label: "C₁₂",
        unit: "",
        help: "Custom only: off-diagonal noise covariance entry; needs C₁₂² < C₁₁C₂₂.",
        kind: real(-10.0, 10.0, false, -0.2, 0.05),
    },
    FieldSpec {
        name: "c22",
        label: "C₂₂",
        unit: "",
        help: "Custom only: noise covariance entry.",
        kind: real(0.0, 10.0, true, 1.0, 0.05),
    },
    FieldSpec {
        name: "chains",
        label: "chains M",
        unit: "",
        help: "Independent runs drawn as the cloud; their covariance estimates Σ with standard errors.",
        kind: FieldKind::Integer {
            min: 2,
            max: 5000,
            default: 400,
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
        help: "Seed of the data and the noise: the same seed gives the same run, natively and in the browser.",
        kind: FieldKind::Integer {
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    },
];

/// Settings of an [`super::SgdOu`] run. Names, ranges, defaults: [`SGD_OU_FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SgdOuConfig {
    pub method: Method,
    pub convention: Convention,
    pub problem: Problem,
    /// α.
    pub learning_rate: f64,
    /// B.
    pub batch_size: u32,
    /// N.
    pub data_points: u32,
    pub feature_correlation: f64,
    /// κ.
    pub misspecification: f64,
    /// σ².
    pub noise_variance: f64,
    /// `[h11, h12, h22]`.
    pub hessian: [f64; 3],
    /// `[c11, c12, c22]`.
    pub noise_covariance: [f64; 3],
    /// M.
    pub chains: u32,
    pub steps: u32,
    pub seed: u32,
}

impl Default for SgdOuConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("SGD_OU_FIELDS defaults are valid")
    }
}

fn spd_error(name: &'static str, diag: (&str, &str), off: f64) -> ConfigError {
    ConfigError::OutOfRange {
        field: name.to_string(),
        range: format!(
            "a number with {name}² < {}·{} (the matrix must be positive definite)",
            diag.0, diag.1
        ),
        got: format!("{off}"),
    }
}

impl SgdOuConfig {
    /// Build a config from `(name, text)` settings over the defaults. Besides each field's
    /// range, H and C must be positive definite (`h12² < h11·h22`, `c12² < c11·c22`; the error
    /// names h12 or c12) and, on data, `B ≤ N`.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let p = Parsed::new(&SGD_OU_FIELDS, settings)?;
        let config = SgdOuConfig {
            method: Method::from_name(p.choice(0)).expect("options are methods"),
            convention: Convention::from_name(p.choice(1)).expect("options are conventions"),
            problem: Problem::from_name(p.choice(2)).expect("options are problems"),
            learning_rate: p.real(3),
            batch_size: p.int(4),
            data_points: p.int(5),
            feature_correlation: p.real(6),
            misspecification: p.real(7),
            noise_variance: p.real(8),
            hessian: [p.real(9), p.real(10), p.real(11)],
            noise_covariance: [p.real(12), p.real(13), p.real(14)],
            chains: p.int(15),
            steps: p.int(16),
            seed: p.int(17),
        };
        let mut errors = Vec::new();
        let [h11, h12, h22] = config.hessian;
        if h12 * h12 >= h11 * h22 {
            errors.push(spd_error("h12", ("h11", "h22"), h12));
        }
        let [c11, c12, c22] = config.noise_covariance;
        if c12 * c12 >= c11 * c22 {
            errors.push(spd_error("c12", ("c11", "c22"), c12));
        }
        if config.problem == Problem::Data && config.batch_size > config.data_points {
            errors.push(ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to dataPoints = {}", config.data_points),
                got: format!("{}", config.batch_size),
            });
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The settings as `(name, text)` pairs in table order (round-trips through `from_settings`).
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        let [h11, h12, h22] = self.hessian;
        let [c11, c12, c22] = self.noise_covariance;
        vec![
            ("method", self.method.name().to_string()),
            ("convention", self.convention.name().to_string()),
            ("problem", self.problem.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("batchSize", format!("{}", self.batch_size)),
            ("dataPoints", format!("{}", self.data_points)),
            (
                "featureCorrelation",
                format!("{}", self.feature_correlation),
            ),
            ("misspecification", format!("{}", self.misspecification)),
            ("noiseVariance", format!("{}", self.noise_variance)),
            ("h11", format!("{h11}")),
            ("h12", format!("{h12}")),
            ("h22", format!("{h22}")),
            ("c11", format!("{c11}")),
            ("c12", format!("{c12}")),
            ("c22", format!("{c22}")),
            ("chains", format!("{}", self.chains)),
            ("steps", format!("{}", self.steps)),
            ("seed", format!("{}", self.seed)),
        ]
    }

    /// Check every field and the cross-field rules.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let s = self.to_settings();
        Self::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }
}
