//! Settings of the 1-D regression comparison: one field table shared by Rust, the URL hash,
//! element attributes and the CLI.

use crate::config::{choice_setting, settings, ConfigError, Matrix};
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

    /// Parse a value of [`Curvature::OPTIONS`].
    pub fn from_name(n: &str) -> Option<Self> {
        Some(match n {
            "ggn" => Curvature::Ggn,
            "diagonal" => Curvature::Diagonal,
            "hessian" => Curvature::Hessian,
            _ => return None,
        })
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

    /// Parse a value of [`Predictive::OPTIONS`].
    pub fn from_name(n: &str) -> Option<Self> {
        Some(match n {
            "linearized" => Predictive::Linearized,
            "sampled" => Predictive::Sampled,
            _ => return None,
        })
    }

    /// The config value.
    pub fn name(self) -> &'static str {
        match self {
            Predictive::Linearized => "linearized",
            Predictive::Sampled => "sampled",
        }
    }
}

choice_setting!(Curvature, Predictive);

settings! {
    /// Every setting of the comparison, its range and default.
    pub const REGRESSION_FIELDS;
    /// The settings (names, ranges, defaults: [`REGRESSION_FIELDS`]).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct RegressionConfig {
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Points drawn in two clusters (x ≈ −2 and x ≈ 2) with a gap between them.",
            min: 2,
            max: 200,
            default: 24,
        },
        pub hidden_units: u32 = Integer {
            name: "hiddenUnits",
            label: "hidden units H",
            unit: "",
            help: "Width of the single tanh hidden layer (P = 3H + 1 parameters).",
            min: 2,
            max: 50,
            default: 20,
        },
        pub noise_variance: f64 = Real {
            name: "noiseVariance",
            label: "noise variance σ²",
            unit: "",
            help: "Variance of the Gaussian observation noise (a variance, not a std).",
            min: 0.0,
            max: 1.0,
            min_open: true,
            default: 0.01,
            step: 0.005,
        },
        pub prior_variance: f64 = Real {
            name: "priorVariance",
            label: "prior variance η",
            unit: "",
            help: "Variance of the prior N(0, ηI) on every weight and bias (weight decay σ²/(Nη)).",
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 1.0,
            step: 0.1,
        },
        pub tune_prior: bool = Choice {
            name: "tunePrior",
            label: "tune η by evidence",
            unit: "",
            help: "Replace η by the maximizer of the Laplace (GGN) evidence over log η.",
            options: &[("off", "off: use η"), ("evidence", "maximize the evidence")],
            default: "off",
        },
        pub laplace: Curvature = Choice {
            name: "laplace",
            label: "Laplace curvature",
            unit: "",
            help: "Curvature of the Laplace approximation N(w_MAP, H̄⁻¹).",
            options: Curvature::OPTIONS,
            default: "ggn",
        },
        pub predictive: Predictive = Choice {
            name: "predictive",
            label: "Laplace predictive",
            unit: "",
            help: "Linearized (GLM) predictive, or Monte Carlo over sampled weights.",
            options: Predictive::OPTIONS,
            default: "linearized",
        },
        pub dropout_rate: f64 = Real {
            name: "dropoutRate",
            label: "dropout rate ρ",
            unit: "",
            help: "Drop probability of the hidden units for MC dropout (m ~ Bernoulli(1 − ρ)).",
            min: 0.0,
            max: 0.9,
            min_open: false,
            default: 0.1,
            step: 0.05,
        },
        pub training_steps: u32 = Integer {
            name: "trainingSteps",
            label: "training steps",
            unit: "steps",
            help: "Full-batch Adam steps for MAP, MC dropout and Bayes by Backprop.",
            min: 100,
            max: 20000,
            default: 3000,
        },
        pub hmc_samples: u32 = Integer {
            name: "hmcSamples",
            label: "HMC samples",
            unit: "",
            help: "HMC transitions kept after the step-size burn-in.",
            min: 10,
            max: 5000,
            default: 300,
        },
        pub leapfrog_steps: u32 = Integer {
            name: "leapfrogSteps",
            label: "leapfrog steps L",
            unit: "",
            help: "Leapfrog steps per HMC transition.",
            min: 1,
            max: 500,
            default: 40,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data, the initialisation and every sampler.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        /// Points added to the seeded data, one `x t` row each (issue 21: the figure's data
        /// recomputes from the settings alone, in the CLI too).
        pub added_points: Matrix = Matrix {
            name: "addedPoints",
            label: "added points (x t)",
            unit: "",
            help: "Data points added to the seeded clusters, one \"x t\" row each, rows separated by \";\" (clicking the plot adds one): x from −4.5 to 4.5, t from −10 to 10, at most 100 points.",
            max_rows: ADDED_POINTS_MAX as u32,
            max_cols: 2,
            square: false,
            default: "",
        },
        /// Own data (issue 20), one `x t` row per point, replacing the seeded clusters (added
        /// points still go on top); empty: the seeded clusters.
        pub data: Matrix = Matrix {
            name: "data",
            label: "your data",
            unit: "",
            help: "Your own data (a CSV file read by the data button, the CLI's --data or Python's data=), replacing the seeded clusters: one \"x t\" row per point, x in [-4.5, 4.5] (the plotted inputs), t in [-10, 10], 2 to 200 rows; addedPoints still go on top. Empty: the seeded clusters of dataPoints and seed.",
            max_rows: 200,
            max_cols: 2,
            square: false,
            default: "",
        },
    }
    check: added_points_in_range;
}

/// The most points [`RegressionConfig::added_points`] holds.
pub const ADDED_POINTS_MAX: usize = 100;
/// Bounds of an added point: `|x| ≤ 4.5` (the plotted inputs), `|t| ≤ 10`.
pub const ADDED_POINT_LIMITS: (f64, f64) = (4.5, 10.0);

fn added_points_in_range(c: &RegressionConfig) -> Vec<ConfigError> {
    let spec = crate::own_data::DataSpec::bayes_regression();
    if let Err(reason) = spec.check_matrix(&c.data) {
        return vec![ConfigError::BadMatrix {
            field: "data".into(),
            range: spec.range_text(),
            reason,
        }];
    }
    let m = &c.added_points;
    let (xm, tm) = ADDED_POINT_LIMITS;
    let bad = |reason: String| {
        vec![ConfigError::BadMatrix {
            field: "addedPoints".into(),
            range: format!(
                "empty or at most {ADDED_POINTS_MAX} rows \"x t\" with |x| ≤ {xm} and |t| ≤ {tm}"
            ),
            reason,
        }]
    };
    if m.is_empty() {
        return vec![];
    }
    if m.cols != 2 {
        return bad(format!("got {} number(s) per row", m.cols));
    }
    match (0..m.rows).find(|&i| m.get(i, 0).abs() > xm || m.get(i, 1).abs() > tm) {
        Some(i) => bad(format!(
            "row {} is ({}, {})",
            i + 1,
            m.get(i, 0),
            m.get(i, 1)
        )),
        None => vec![],
    }
}

impl RegressionConfig {}
