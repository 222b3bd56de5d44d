//! The shared dense algebra (crate::linalg), under the name this module's code uses.
pub use crate::linalg::{back_solve, cholesky, cholesky_solve, inverse_quadratic_form, log_det};
