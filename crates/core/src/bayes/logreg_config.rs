//! Settings of the 2-D logistic-regression demo (SCIENCE.md §3) and its one-shot analysis.

use super::logreg::{grid_posterior, laplace, GridPosterior, GridSpec, Laplace, LogRegData};
use crate::config::{ConfigErrors, FieldKind, FieldSpec, Parsed};
use serde::{Deserialize, Serialize};

const fn real(min: f64, max: f64, default: f64, step: f64) -> FieldKind {
    FieldKind::Real {
        min,
        max,
        min_open: false,
        default,
        step,
    }
}

/// Every logistic-regression setting, its range and its default (η = 2 as in SCIENCE.md §3;
/// a small data set, so the posterior is visibly skewed).
pub const LOGREG_FIELDS: [FieldSpec; 5] = [
    FieldSpec {
        name: "dataPoints",
        label: "data points N",
        unit: "",
        help: "Number of labelled 2-D points; fewer points give a more skewed posterior.",
        kind: FieldKind::Integer {
            min: 0,
            max: 200,
            default: 10,
        },
    },
    FieldSpec {
        name: "priorVariance",
        label: "prior variance η",
        unit: "",
        help: "Variance of the prior p(w) = N(0, ηI) (a variance, not a std).",
        kind: FieldKind::Real {
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 2.0,
            step: 0.1,
        },
    },
    FieldSpec {
        name: "trueWeight1",
        label: "true weight w₁",
        unit: "",
        help: "First weight of the model that labels the synthetic data, p(y = 1|x) = σ(wᵀx).",
        kind: real(-5.0, 5.0, 2.0, 0.1),
    },
    FieldSpec {
        name: "trueWeight2",
        label: "true weight w₂",
        unit: "",
        help: "Second weight of the model that labels the synthetic data.",
        kind: real(-5.0, 5.0, -1.0, 0.1),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the data set.",
        kind: FieldKind::Integer {
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    },
];

/// Settings of the demo. Names, ranges and defaults: [`LOGREG_FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LogRegConfig {
    /// N.
    pub data_points: u32,
    /// η.
    pub prior_variance: f64,
    /// `w_true,1`.
    pub true_weight1: f64,
    /// `w_true,2`.
    pub true_weight2: f64,
    /// Seed of the data.
    pub seed: u32,
}

impl Default for LogRegConfig {
    fn default() -> Self {
        Self::from_settings(std::iter::empty()).expect("LOGREG_FIELDS defaults are valid")
    }
}

impl LogRegConfig {
    /// Build from `(name, text)` settings over the defaults; every bad setting is reported
    /// with its field name and allowed range.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let parsed = Parsed::new(&LOGREG_FIELDS, settings)?;
        let real = |i: usize| parsed.real(i);
        let int = |i: usize| parsed.int(i);
        Ok(LogRegConfig {
            data_points: int(0),
            prior_variance: real(1),
            true_weight1: real(2),
            true_weight2: real(3),
            seed: int(4),
        })
    }

    /// The settings as `(name, text)` pairs in [`LOGREG_FIELDS`] order.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("dataPoints", format!("{}", self.data_points)),
            ("priorVariance", format!("{}", self.prior_variance)),
            ("trueWeight1", format!("{}", self.true_weight1)),
            ("trueWeight2", format!("{}", self.true_weight2)),
            ("seed", format!("{}", self.seed)),
        ]
    }

    /// Check every field against [`LOGREG_FIELDS`].
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let s = self.to_settings();
        Self::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }

    /// The seeded data set ([`LogRegData::generate`]).
    pub fn data(&self) -> LogRegData {
        LogRegData::generate(
            self.data_points as usize,
            [self.true_weight1, self.true_weight2],
            self.seed as u64,
        )
    }
}

/// Laplace and the true (grid) posterior of one configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRegAnalysis {
    /// The data.
    pub data: LogRegData,
    /// MAP, `H̄`, Laplace evidence.
    pub laplace: Laplace,
    /// True evidence, mean, covariance and predictive nodes.
    pub posterior: GridPosterior,
    /// `c* = ηλ_max(H̄)/2`, the importance-sampling threshold.
    pub critical_proposal_scale: f64,
}

/// Generate the data, fit Newton MAP and Laplace, and integrate the true posterior on the
/// default grid ([`GridSpec::for_laplace`]).
pub fn analyze(config: &LogRegConfig) -> LogRegAnalysis {
    let data = config.data();
    let laplace = laplace(&data, config.prior_variance);
    let posterior = grid_posterior(&data, &laplace, GridSpec::for_laplace(&laplace));
    LogRegAnalysis {
        critical_proposal_scale: laplace.critical_proposal_scale(),
        data,
        laplace,
        posterior,
    }
}
