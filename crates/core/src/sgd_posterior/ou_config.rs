//! Settings of the SGD-as-Ornstein–Uhlenbeck experiment ([`super::SgdOu`]): one field table
//! ([`SGD_OU_FIELDS`]) for parsing, validation, the UI's controls, the URL hash and the CLI.

use crate::config::{choice_setting, settings, ConfigError, Matrix};
use serde::Serialize;

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
    /// d dimensions (`dimension`), generated with chosen spectra (see
    /// [`super::spectrum`]): H diagonal with condition number `conditionNumber`, C rotated by a
    /// seeded rotation with condition number `noiseConditionNumber`; Gaussian noise.
    Spectrum,
    /// `hessian` and `gradientCovariance` typed as d×d matrices (d ≤ 8); Gaussian noise.
    Matrix,
}

impl Problem {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("data", "linear-regression data (real mini-batches)"),
        ("custom", "H and C set by hand (Gaussian noise)"),
        (
            "spectrum",
            "d dimensions, generated spectra (Gaussian noise)",
        ),
        ("matrix", "H and C typed as d×d matrices (Gaussian noise)"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "data" => Some(Problem::Data),
            "custom" => Some(Problem::Custom),
            "spectrum" => Some(Problem::Spectrum),
            "matrix" => Some(Problem::Matrix),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::OPTIONS[self as usize].0
    }
}

settings! {
    /// Every setting, range and default. Defaults: SCIENCE.md §8 asks for non-commuting SPD H, C at
    /// α ≈ 0.1 and a large stable α ≈ 0.5; the custom H, C below do not commute.
    pub const SGD_OU_FIELDS;
    /// Settings of an [`super::SgdOu`] run. Names, ranges, defaults: [`SGD_OU_FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SgdOuConfig {
        pub method: Method = Choice {
            name: "method",
            label: "method",
            unit: "",
            help: "SGD, SGD preconditioned by C⁻¹ (Σ → (α/2B)H⁻¹), by (2B/αN)C⁻¹ (Σ → H⁻¹/N), or SGLD (SGD plus injected Gaussian noise).",
            options: Method::OPTIONS,
            default: "sgd",
        },
        pub convention: Convention = Choice {
            name: "convention",
            label: "SGLD noise",
            unit: "",
            help: "SGLD only: Welling–Teh injects variance 2α/N per step (samples the posterior); the lecture's rule as written injects α/N (half the posterior covariance).",
            options: Convention::OPTIONS,
            default: "wellingTeh",
        },
        pub problem: Problem = Choice {
            name: "problem",
            label: "H and C from",
            unit: "",
            help: "A linear-regression data set (H = XᵀX/N, C = per-example gradient covariance at the fit; real mini-batches), H and C typed in (2×2 entries), generated in d dimensions with chosen spectra, or typed as d×d matrices (Gaussian noise C/B).",
            options: Problem::OPTIONS,
            default: "data",
        },
        /// α.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Step size. Stable iff α < 2/λ_max(PH) (P the preconditioner); beyond it the iterates diverge.",
            min: 0.0,
            max: 4.0,
            min_open: true,
            default: 0.1,
            step: 0.01,
        },
        /// B.
        pub batch_size: u32 = Integer {
            name: "batchSize",
            label: "batch size B",
            unit: "examples",
            help: "Mini-batch size: the gradient noise covariance is C/B.",
            min: 1,
            max: 1000,
            default: 4,
        },
        /// N.
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Training-set size: the Bayesian posterior is N(0, H⁻¹/N).",
            min: 2,
            max: 10000,
            default: 100,
        },
        pub feature_correlation: f64 = Real {
            name: "featureCorrelation",
            label: "feature correlation",
            unit: "",
            help: "Data only: correlation of the two input features (tilts H).",
            min: 0.0,
            max: 0.95,
            min_open: false,
            default: 0.6,
            step: 0.05,
        },
        /// κ.
        pub misspecification: f64 = Real {
            name: "misspecification",
            label: "misspecification κ",
            unit: "",
            help: "Data only: the targets get an extra κ(x₁² − 1) the linear model cannot fit, which makes the gradient noise C differ in shape from H.",
            min: 0.0,
            max: 3.0,
            min_open: false,
            default: 1.0,
            step: 0.1,
        },
        /// σ².
        pub noise_variance: f64 = Real {
            name: "noiseVariance",
            label: "target noise variance σ²",
            unit: "",
            help: "Data only: variance of the Gaussian noise on the targets.",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 0.25,
            step: 0.05,
        },
        pub h11: f64 = Real {
            name: "h11",
            label: "H₁₁",
            unit: "",
            help: "Custom only: Hessian entry (H must be positive definite).",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 1.0,
            step: 0.05,
        },
        pub h12: f64 = Real {
            name: "h12",
            label: "H₁₂",
            unit: "",
            help: "Custom only: off-diagonal Hessian entry; needs H₁₂² < H₁₁H₂₂.",
            min: -10.0,
            max: 10.0,
            min_open: false,
            default: 0.4,
            step: 0.05,
        },
        pub h22: f64 = Real {
            name: "h22",
            label: "H₂₂",
            unit: "",
            help: "Custom only: Hessian entry.",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 0.4,
            step: 0.05,
        },
        pub c11: f64 = Real {
            name: "c11",
            label: "C₁₁",
            unit: "",
            help: "Custom only: per-example gradient-noise covariance entry (C must be positive definite).",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 0.3,
            step: 0.05,
        },
        pub c12: f64 = Real {
            name: "c12",
            label: "C₁₂",
            unit: "",
            help: "Custom only: off-diagonal noise covariance entry; needs C₁₂² < C₁₁C₂₂.",
            min: -10.0,
            max: 10.0,
            min_open: false,
            default: -0.2,
            step: 0.05,
        },
        pub c22: f64 = Real {
            name: "c22",
            label: "C₂₂",
            unit: "",
            help: "Custom only: noise covariance entry.",
            min: 0.0,
            max: 10.0,
            min_open: true,
            default: 1.0,
            step: 0.05,
        },
        /// d (spectrum only; data and custom are 2-D, matrix takes the matrices' size).
        pub dimension: u32 = Integer {
            name: "dimension",
            label: "dimension d",
            unit: "",
            help: "Spectrum only: the number of parameters d (ignored otherwise: data and custom are 2-D; matrix takes the size of the typed matrices).",
            min: 2,
            max: 8,
            default: 2,
        },
        /// κ_H.
        pub condition_number: f64 = Real {
            name: "conditionNumber",
            label: "condition number of H",
            unit: "",
            help: "Spectrum only: H = diag(λ), λ log-spaced from 1 down to 1/κ_H.",
            min: 1.0,
            max: 10000.0,
            min_open: false,
            default: 10.0,
            step: 1.0,
        },
        /// κ_C.
        pub noise_condition_number: f64 = Real {
            name: "noiseConditionNumber",
            label: "condition number of C",
            unit: "",
            help: "Spectrum only: C = Q diag(μ) Qᵀ, μ log-spaced from 1 down to 1/κ_C, Q a seeded rotation (so H and C do not commute).",
            min: 1.0,
            max: 10000.0,
            min_open: false,
            default: 4.0,
            step: 1.0,
        },
        pub hessian_matrix: Matrix = Matrix {
            name: "hessian",
            label: "H (d×d)",
            unit: "",
            help: "Matrix only: the Hessian H, symmetric positive definite, rows separated by ';' (e.g. \"2 0.5; 0.5 1\").",
            max_rows: 8,
            max_cols: 8,
            square: true,
            default: "",
        },
        pub gradient_covariance: Matrix = Matrix {
            name: "gradientCovariance",
            label: "C (d×d)",
            unit: "",
            help: "Matrix only: the per-example gradient covariance C, symmetric positive definite, the size of H.",
            max_rows: 8,
            max_cols: 8,
            square: true,
            default: "",
        },
        /// The plotted coordinates (1-based).
        pub project_i: u32 = Integer {
            name: "projectI",
            label: "plotted coordinate i",
            unit: "",
            help: "Spectrum and matrix only: the figure shows the projection onto coordinates (i, j), the cloud's w_i, w_j and the 2×2 sub-blocks of every Σ.",
            min: 1,
            max: 8,
            default: 1,
        },
        pub project_j: u32 = Integer {
            name: "projectJ",
            label: "plotted coordinate j",
            unit: "",
            help: "The second plotted coordinate (≠ i, ≤ d).",
            min: 1,
            max: 8,
            default: 2,
        },
        /// M.
        pub chains: u32 = Integer {
            name: "chains",
            label: "chains M",
            unit: "",
            help: "Independent runs drawn as the cloud; their covariance estimates Σ with standard errors.",
            min: 2,
            max: 5000,
            default: 400,
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
            help: "Seed of the data and the noise: the same seed gives the same run, natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
    check: cross_field_rules;
}

choice_setting!(Method, Convention, Problem);

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

/// Besides each field's range, H and C must be positive definite (`h12² < h11·h22`,
/// `c12² < c11·c22`; the error names h12 or c12), on data `B ≤ N`; with problem = matrix,
/// `hessian` and `gradientCovariance` are symmetric positive definite of the same size; with
/// d×d problems (spectrum, matrix) `projectI ≠ projectJ`, both ≤ d. Like the data-only
/// settings, `dimension` and the projection are ignored where they do not apply (data and
/// custom are 2-D and plot both coordinates).
fn cross_field_rules(config: &SgdOuConfig) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    let [h11, h12, h22] = config.hessian();
    if h12 * h12 >= h11 * h22 {
        errors.push(spd_error("h12", ("h11", "h22"), h12));
    }
    let [c11, c12, c22] = config.noise_covariance();
    if c12 * c12 >= c11 * c22 {
        errors.push(spd_error("c12", ("c11", "c22"), c12));
    }
    if config.problem == Problem::Matrix {
        let bad = |field: &str, reason: String| ConfigError::BadMatrix {
            field: field.into(),
            range: "a symmetric positive definite d×d matrix (2 ≤ d ≤ 8) when problem = matrix"
                .into(),
            reason,
        };
        let (h, c) = (&config.hessian_matrix, &config.gradient_covariance);
        for (name, m) in [("hessian", h), ("gradientCovariance", c)] {
            if m.rows < 2 {
                errors.push(bad(name, format!("got {} rows", m.rows)));
            } else if !spd_matrix(m) {
                errors.push(bad(name, "it is not symmetric positive definite".into()));
            }
        }
        if h.rows >= 2 && c.rows >= 2 && h.rows != c.rows {
            errors.push(bad(
                "gradientCovariance",
                format!("H is {0}×{0}, C is {1}×{1}", h.rows, c.rows),
            ));
        }
    }
    let d = config.dim();
    let general = matches!(config.problem, Problem::Spectrum | Problem::Matrix);
    for (name, v) in [
        ("projectI", config.project_i),
        ("projectJ", config.project_j),
    ] {
        if general && v as usize > d {
            errors.push(ConfigError::OutOfRange {
                field: name.into(),
                range: format!("from 1 to d = {d}"),
                got: format!("{v}"),
            });
        }
    }
    if general && config.project_i == config.project_j {
        errors.push(ConfigError::OutOfRange {
            field: "projectJ".into(),
            range: format!("a coordinate other than projectI = {}", config.project_i),
            got: format!("{}", config.project_j),
        });
    }
    if config.problem == Problem::Data && config.batch_size > config.data_points {
        errors.push(ConfigError::OutOfRange {
            field: "batchSize".into(),
            range: format!("from 1 to dataPoints = {}", config.data_points),
            got: format!("{}", config.batch_size),
        });
    }
    errors
}

/// Symmetric (to 1e-12 relative) and positive definite (Cholesky).
fn spd_matrix(m: &Matrix) -> bool {
    let d = m.rows;
    let scale = m.data.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let symmetric =
        (0..d).all(|i| (0..i).all(|j| (m.get(i, j) - m.get(j, i)).abs() <= 1e-12 * scale));
    symmetric && super::lyapunov::is_spd(&nalgebra::DMatrix::from_row_slice(d, d, &m.data))
}

impl SgdOuConfig {
    /// The dimension d of the problem: 2 (data, custom), `dimension` (spectrum) or the typed
    /// matrices' size (matrix).
    pub fn dim(&self) -> usize {
        match self.problem {
            Problem::Data | Problem::Custom => 2,
            Problem::Spectrum => self.dimension as usize,
            Problem::Matrix => self.hessian_matrix.rows.max(2),
        }
    }

    /// The plotted coordinates, 0-based (`[0, 1]` for the 2-D problems data and custom).
    pub fn projection(&self) -> [usize; 2] {
        match self.problem {
            Problem::Data | Problem::Custom => [0, 1],
            Problem::Spectrum | Problem::Matrix => {
                [self.project_i as usize - 1, self.project_j as usize - 1]
            }
        }
    }

    /// `[h11, h12, h22]`.
    pub fn hessian(&self) -> [f64; 3] {
        [self.h11, self.h12, self.h22]
    }

    /// `[c11, c12, c22]`.
    pub fn noise_covariance(&self) -> [f64; 3] {
        [self.c11, self.c12, self.c22]
    }
}
