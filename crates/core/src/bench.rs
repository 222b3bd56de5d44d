//! The workloads of the benchmark suite (issue 7; `npm run bench`, `noiselab bench …`), defined
//! once here so the native CLI and the WebAssembly adapter time exactly the same computation.
//! The JavaScript peers in `bench/peers.js` rebuild the same data from the same recipe.
//!
//! - W1: a 2-64-64-1 tanh MLP, squared loss, plain SGD (α = 0.01), batch 32, on 1,024 fixed 2-D
//!   points ([`w1_data`]), 2,000 steps; batches cycle through the data in order.
//! - W2: noisy GD on the funnel (SCIENCE.md §9), 1,000 trajectories × 1,000 steps, σ = 1.
//! - W3: the top Hessian eigenvalue of the W1 network's mean loss on its first 256 points.

use crate::data::Dataset;
use crate::funnel::FunnelConfig;
use crate::hessian::hvp;
use crate::mlp::{Activation, Loss, Mlp};
use crate::mlp_batch::BatchTrainer;
use crate::rng::SeededRng;

/// Number of W1 data points.
pub const W1_POINTS: usize = 1024;
/// W1 batch size.
pub const W1_BATCH: usize = 32;
/// W1 learning rate.
pub const W1_RATE: f64 = 0.01;
/// W1 widths.
pub const W1_WIDTHS: [usize; 4] = [2, 64, 64, 1];
/// W1 seed of the initial weights.
pub const W1_SEED: u64 = 7;

/// The W1 data: `n` points of the additive recurrence `x_i = (2{½ + iα₁} − 1, 2{½ + iα₂} − 1)`
/// with `α = (1/φ₂, 1/φ₂²)` (Roberts' R2 sequence, `φ₂` the plastic number), evenly spread
/// over `[−1, 1]²` without a generator, and targets `t = sin(3x₁)·cos(2x₂)`. Returns
/// (row-major inputs, targets).
pub fn w1_data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut xs = Vec::with_capacity(2 * n);
    let mut ts = Vec::with_capacity(n);
    for i in 0..n {
        let u = (0.5 + i as f64 * 0.754_877_666_246_692_7).fract() * 2.0 - 1.0;
        let v = (0.5 + i as f64 * 0.569_840_290_998_053_2).fract() * 2.0 - 1.0;
        xs.extend_from_slice(&[u, v]);
        ts.push(libm::sin(3.0 * u) * libm::cos(2.0 * v));
    }
    (xs, ts)
}

/// The W1 network.
pub fn w1_mlp() -> Mlp {
    Mlp::new(&W1_WIDTHS, Activation::Tanh, Loss::Squared)
}

/// W1: the network, its parameters, the data and a trainer.
#[derive(Clone, Debug)]
pub struct MlpBench {
    pub params: Vec<f64>,
    xs: Vec<f64>,
    ts: Vec<f64>,
    trainer: BatchTrainer,
    step: usize,
}

impl Default for MlpBench {
    fn default() -> Self {
        Self::new()
    }
}

impl MlpBench {
    /// Fresh W1 state: seeded LeCun initialisation, step 0.
    pub fn new() -> Self {
        let mlp = w1_mlp();
        let (xs, ts) = w1_data(W1_POINTS);
        MlpBench {
            params: mlp.init(&mut SeededRng::new(W1_SEED, 0)),
            xs,
            ts,
            trainer: BatchTrainer::new(&mlp, W1_BATCH),
            step: 0,
        }
    }

    /// `steps` SGD steps; returns the mean batch loss of the last one.
    pub fn run(&mut self, steps: usize) -> f64 {
        let batches = W1_POINTS / W1_BATCH;
        let mut loss = f64::NAN;
        for _ in 0..steps {
            let k = self.step % batches;
            let xs = &self.xs[2 * W1_BATCH * k..2 * W1_BATCH * (k + 1)];
            let ts = &self.ts[W1_BATCH * k..W1_BATCH * (k + 1)];
            loss = self.trainer.sgd_step(&mut self.params, xs, ts, W1_RATE);
            self.step += 1;
        }
        loss
    }
}

/// W2's funnel settings: the defaults with σ = 1 and the given size.
pub fn w2_config(trajectories: u32, steps: u32) -> FunnelConfig {
    FunnelConfig {
        trajectories,
        steps,
        noise_std: 1.0,
        ..FunnelConfig::default()
    }
}

/// Result of [`sharpness`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sharpness {
    /// The Rayleigh quotient `vᵀHv` at the last iterate: the eigenvalue of largest magnitude.
    pub eigenvalue: f64,
    /// Hessian–vector products used.
    pub iterations: usize,
}

/// W3: power iteration on the Hessian of the mean loss until the Rayleigh quotient changes by at
/// most `tol` relative (or `max_iter` products). Start vector: seeded standard normals. Each
/// product is exact ([`crate::hessian::hvp`], Pearlmutter's R-operator).
pub fn sharpness(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    tol: f64,
    max_iter: usize,
) -> Sharpness {
    let n = mlp.num_params();
    let mut rng = SeededRng::new(W1_SEED, 1);
    let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
    let mut w = vec![0.0; n];
    let norm = |u: &[f64]| libm::sqrt(u.iter().map(|a| a * a).sum::<f64>());
    let nv = norm(&v);
    v.iter_mut().for_each(|a| *a /= nv);
    let mut lambda = f64::NAN;
    for it in 1..=max_iter {
        hvp(mlp, params, data, &v, &mut w);
        let next: f64 = v.iter().zip(&w).map(|(a, b)| a * b).sum();
        let nw = norm(&w);
        if nw == 0.0 || !nw.is_finite() {
            return Sharpness { eigenvalue: next, iterations: it };
        }
        v.iter_mut().zip(&w).for_each(|(a, &b)| *a = b / nw);
        if (next - lambda).abs() <= tol * next.abs() {
            return Sharpness { eigenvalue: next, iterations: it };
        }
        lambda = next;
    }
    Sharpness { eigenvalue: lambda, iterations: max_iter }
}

/// W3 as timed: the W1 network at its initialisation, the first 256 W1 points, `tol = 1e-6`.
pub fn w3() -> Sharpness {
    let mlp = w1_mlp();
    let params = mlp.init(&mut SeededRng::new(W1_SEED, 0));
    sharpness(&mlp, &params, &w3_data(), 1e-6, 10_000)
}

/// The W3 data: the first 256 W1 points.
pub fn w3_data() -> Dataset {
    let (inputs, targets) = w1_data(256);
    Dataset {
        dim: 2,
        inputs,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_iteration_finds_the_top_eigenvalue_of_the_dense_hessian() {
        // Dense Hessian by HVPs with unit vectors, symmetric eigen-decomposition by nalgebra.
        let mlp = Mlp::new(&[2, 6, 5, 1], Activation::Tanh, Loss::Squared);
        let params = mlp.init(&mut SeededRng::new(5, 0));
        let (inputs, targets) = w1_data(64);
        let data = Dataset { dim: 2, inputs, targets };
        let n = mlp.num_params();
        let dense = nalgebra::DMatrix::from_row_slice(n, n, &crate::hessian::dense_hessian(&mlp, &params, &data));
        let eig = nalgebra::SymmetricEigen::new(dense).eigenvalues;
        let top = eig.iter().cloned().fold(0.0f64, |m, l| if l.abs() > m.abs() { l } else { m });
        let s = sharpness(&mlp, &params, &data, 1e-10, 20_000);
        assert!((s.eigenvalue - top).abs() < 1e-6 * top.abs(), "{} vs {top}", s.eigenvalue);
    }

    #[test]
    fn w1_run_reduces_the_loss() {
        let mut b = MlpBench::new();
        let first = b.run(1);
        b.run(1000);
        let last = b.run(32);
        assert!(last < first, "{first} → {last}");
    }
}
