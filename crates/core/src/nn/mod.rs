//! The network primitives every neural-net experiment shares: the MLP with dropout masks
//! ([`mlp`]), its batched forward/backward in lanes of examples ([`mlp_batch`]), exact
//! Hessian–vector products by Pearlmutter's R-operator ([`hessian`], one example at a time, and
//! [`hessian_batch`], on a batch), and the optimizers ([`optim`]: SGD and Adam).
//!
//! Plain loops in a fixed order and `libm` throughout, so a seed gives the same bits natively
//! and in WebAssembly.

pub mod hessian;
pub mod hessian_batch;
pub mod mlp;
pub mod mlp_batch;
pub mod optim;
