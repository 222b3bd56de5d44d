//! # noiselab-core
//!
//! The numerical core of noiselab, a teaching lab for Grosse, *CSC2541 Neural Net Training
//! Dynamics*, Lecture 8, "Implicit Regularization and Bayesian Inference". It has no web
//! dependency: the browser adapter (`noiselab-wasm`) and the command line (`noiselab`) drive the
//! same experiments through the [`experiment::Experiment`] trait.
//!
//! Conventions follow `SCIENCE.md` (shared with the lecture notes): `J` is the mean loss, every
//! random draw comes from an explicit seed through [`rng::SeededRng`], and transcendental functions
//! go through `libm` so the same seed gives bit-identical numbers natively and in WebAssembly.
//! The workspace's `clippy.toml` forbids std's transcendental `f64` methods outside tests (independent checks in
//! tests may use them).

#![cfg_attr(test, allow(clippy::disallowed_methods))]

pub mod bayes;
pub mod bayes_regression;
pub mod config;
pub mod contour;
pub mod data;
pub mod dropout;
pub mod experiment;
pub mod fastexp;
pub mod fixtures;
pub mod funnel;
pub mod implicit_reg;
mod lanes2;
pub mod linalg;
pub mod nn;
pub mod nng;
pub mod ode;
pub mod own_data;
pub mod rng;
pub mod sgd_posterior;
pub mod sharpness;
pub mod special;
#[cfg(test)]
mod test_data;

pub use config::{ConfigError, FieldKind, FieldSpec, Settings};
pub use experiment::{Experiment, RunOutcome, RunRecord, StopReason};
