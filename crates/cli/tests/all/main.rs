//! The CLI's integration tests, in one test binary (one link instead of one per file): each
//! module is one command or analysis, `common` runs the built `noiselab` binary.
mod common;

mod bayes_panels;
mod cli;
mod dropout_k;
mod dropout_linear;
mod funnel_compare;
mod kinds;
mod own_data;
mod sgd_noise;
mod sharpness;
mod small_bayes;
