//! Tests of the Bayesian-inference core. Oracle tests compare with an independent computation;
//! statistical tests state their tolerance in standard errors and their power; every run is
//! seeded, so outcomes are deterministic and `cargo test -- --nocapture` prints the margins.

mod bbb_linreg;
mod description_length;
mod hmc;
mod laplace_vb;
mod linreg;
mod logreg;
mod logreg_importance;
mod logreg_posterior;
mod logreg_vi;
