//! "The implicit regularizer of SGD" (Grosse, Lecture 8, last section; Smith, Dherin, Barrett &
//! De, ICLR 2021, "On the origin of implicit regularization in stochastic gradient descent";
//! SCIENCE.md §10).
//!
//! With random shuffling, the mean SGD iterate after one epoch of m = N/B steps follows, to
//! O(m³α³), the modified flow `dw/dt = −α∇(J + R)` with
//! `R(w) = (α/4)‖∇J‖² + ((N−B)/(N−1))(α/(4B)) tr C_w` ([`regularizer`]). This module has
//! `R` and its exact gradient (per-example gradients and per-example Hessian–vector products
//! from [`crate::nn::hessian`]), full-batch GD on `J + R`, SGD with random shuffling, the exact one-epoch mean
//! iterate and an accurate modified flow ([`train`]), and the learning-rate and batch-size
//! sweeps of SGD against GD on `J` and on `J + R` as an [`crate::Experiment`] ([`sweep`]).

mod config;
mod fixture;
pub mod one_epoch;
pub mod regularizer;
pub mod sweep;
#[cfg(test)]
mod tests;
pub mod train;

pub use config::{ImplicitRegConfig, FIELDS};
pub use fixture::{
    implicit_reg_fixture, implicit_reg_fixture_config, IMPLICIT_REG_FIXTURE_HASH,
    IMPLICIT_REG_FIXTURE_TEST_ACCURACY_BITS,
};
pub use regularizer::{Coefficients, RegularizerParts, Workspace};
pub use sweep::{
    ImplicitRegSnapshot, ImplicitRegSweep, PointSpec, SweepKind, POINT_FIELDS, POINT_WIDTH,
};
