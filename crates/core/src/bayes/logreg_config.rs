//! Settings of the 2-D logistic-regression demo (SCIENCE.md §3) and its one-shot analysis.

use super::logreg::{grid_posterior, laplace, GridPosterior, GridSpec, Laplace, LogRegData};
use crate::config::settings;
use serde::{Deserialize, Serialize};

settings! {
    /// Every logistic-regression setting, its range and its default (η = 2 as in SCIENCE.md §3;
    /// a small data set, so the posterior is visibly skewed).
    pub const LOGREG_FIELDS;
    /// Settings of the demo. Names, ranges and defaults: [`LOGREG_FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct LogRegConfig {
        /// N.
        pub data_points: u32 = Integer {
            name: "dataPoints",
            label: "data points N",
            unit: "",
            help: "Number of labelled 2-D points; fewer points give a more skewed posterior.",
            min: 0,
            max: 200,
            default: 10,
        },
        /// η.
        pub prior_variance: f64 = Real {
            name: "priorVariance",
            label: "prior variance η",
            unit: "",
            help: "Variance of the prior p(w) = N(0, ηI) (a variance, not a std).",
            min: 0.0,
            max: 100.0,
            min_open: true,
            default: 2.0,
            step: 0.1,
        },
        /// `w_true,1`.
        pub true_weight1: f64 = Real {
            name: "trueWeight1",
            label: "true weight w₁",
            unit: "",
            help: "First weight of the model that labels the synthetic data, p(y = 1|x) = σ(wᵀx).",
            min: -5.0,
            max: 5.0,
            min_open: false,
            default: 2.0,
            step: 0.1,
        },
        /// `w_true,2`.
        pub true_weight2: f64 = Real {
            name: "trueWeight2",
            label: "true weight w₂",
            unit: "",
            help: "Second weight of the model that labels the synthetic data.",
            min: -5.0,
            max: 5.0,
            min_open: false,
            default: -1.0,
            step: 0.1,
        },
        /// Seed of the data.
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the data set.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
}

impl LogRegConfig {
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
