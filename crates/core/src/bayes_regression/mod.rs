//! One 1-D regression data set, five predictive distributions (Grosse, Lecture 8, "Variational
//! Bayes and MDL" and "Variational Bayes and Curvature"; SCIENCE.md §3–§4): MAP, Laplace (GGN,
//! diagonal GGN or full Hessian; linearized or sampled predictive; evidence and η tuning),
//! Bayes by Backprop (Blundell et al. 2015), MC dropout (Gal & Ghahramani 2016) and HMC (Neal
//! 2011) on the same small MLP, data and prior.
//!
//! The default data lie in two clusters with a gap, where the methods disagree most: HMC and
//! the linearized Laplace widen their bands between the clusters, while the fully factorized
//! Gaussian of Bayes by Backprop barely does (Foong, Li, Hernández-Lobato & Turner 2019,
//! "'In-between' uncertainty in Bayesian neural networks").
//!
//! - [`model`]: the data, the Bayesian MLP, its log joint, Jacobians, GGN, Hessian, LM steps and
//!   the Laplace evidence;
//! - [`bbb`]: the ELBO and its reparameterization gradient on the MLP;
//! - [`run`]: the staged [`run::RegressionRun`] experiment and its bands;
//! - [`config`]: the field table.

pub mod bbb;
mod config;
pub mod linalg;
pub mod model;
pub mod run;
#[cfg(test)]
mod tests;

pub use config::{Curvature, Predictive, RegressionConfig, REGRESSION_FIELDS};
pub use model::{BayesianMlp, RegressionData};
pub use run::{RegressionRun, RegressionSnapshot, Stage, GRID_POINTS, METHODS, X_RANGE};
