//! Tests of the Bayesian-inference core. Oracle tests compare with an independent computation;
//! statistical tests state their tolerance in standard errors and their power; every run is
//! seeded, so outcomes are deterministic and `cargo test -- --nocapture` prints the margins.

mod bbb;
mod bbb_logreg;
mod density1d;
mod hmc;
mod linreg;
mod logreg;
mod logreg_vi;
