//! # noiselab-bench
//!
//! The workloads of the benchmark suite (issue 7; `npm run bench`, `noiselab bench …`), defined
//! once here so the native CLI and the WebAssembly adapter (its `bench` feature) time exactly the
//! same computation. The JavaScript peers in `bench/peers.js` rebuild the same data from the same
//! recipe. No experiment uses them: they live outside `noiselab-core` (issue 18) and run the
//! core's public kernels.
//!
//! - W1: a 2-64-64-1 tanh MLP, squared loss, plain SGD (α = 0.01), batch 32, on 1,024 fixed 2-D
//!   points ([`w1_data`]), 2,000 steps; batches cycle through the data in order.
//! - W2: noisy GD on the funnel (SCIENCE.md §9), 1,000 trajectories × 1,000 steps, σ = 1.
//! - W3: the top Hessian eigenvalue of the W1 network's mean loss on its first 256 points.

use noiselab_core::data::Dataset;
use noiselab_core::funnel::FunnelConfig;
use noiselab_core::nn::hessian_batch::BatchHessian;
use noiselab_core::nn::mlp::{Activation, Loss, Mlp};
use noiselab_core::nn::mlp_batch::BatchTrainer;
use noiselab_core::rng::SeededRng;

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

/// The W1 data: `n` points of [`noiselab_core::data::r2_surface`] (Roberts' R2 sequence over
/// `[−1, 1]²`, targets `sin(3x₁)·cos(2x₂)`). Returns (row-major inputs, targets).
pub use noiselab_core::data::r2_surface as w1_data;

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

/// W3's start vector for both eigen-solvers: `n` seeded standard normals (stream 1 of the W1
/// seed), scaled to unit length.
fn start_vector(n: usize) -> Vec<f64> {
    let mut rng = SeededRng::new(W1_SEED, 1);
    let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
    let norm = libm::sqrt(v.iter().map(|a| a * a).sum::<f64>());
    v.iter_mut().for_each(|a| *a /= norm);
    v
}

/// W3: power iteration on the Hessian of the mean loss until the Rayleigh quotient changes by at
/// most `tol` relative (or `max_iter` products). Start vector: seeded standard normals. Each
/// product is exact (Pearlmutter's R-operator, batched: [`BatchHessian`], equal to
/// [`noiselab_core::nn::hessian::hvp`] to rounding).
pub fn sharpness(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    tol: f64,
    max_iter: usize,
) -> Sharpness {
    let n = mlp.num_params();
    let mut v = start_vector(n);
    let mut w = vec![0.0; n];
    let norm = |u: &[f64]| libm::sqrt(u.iter().map(|a| a * a).sum::<f64>());
    let mut lambda = f64::NAN;
    let mut hessian = BatchHessian::new(mlp, params, data);
    for it in 1..=max_iter {
        hessian.apply(&v, &mut w);
        let next: f64 = v.iter().zip(&w).map(|(a, b)| a * b).sum();
        let nw = norm(&w);
        if nw == 0.0 || !nw.is_finite() {
            return Sharpness {
                eigenvalue: next,
                iterations: it,
            };
        }
        v.iter_mut().zip(&w).for_each(|(a, &b)| *a = b / nw);
        if (next - lambda).abs() <= tol * next.abs() {
            return Sharpness {
                eigenvalue: next,
                iterations: it,
            };
        }
        lambda = next;
    }
    Sharpness {
        eigenvalue: lambda,
        iterations: max_iter,
    }
}

/// W3 by the Lanczos method (with full reorthogonalization) on exact Hessian–vector products.
/// After `k` products the Ritz value `θ` of largest magnitude of the `k × k` tridiagonal `T_k`
/// has residual norm `r = β_k |s_k|` (`s` its Ritz vector of `T_k`, `s_k` the last entry), so
/// `|λ − θ| ≤ r`; with `γ` the gap to the rest of the spectrum, also `|λ − θ| ≤ r²/γ` (Parlett,
/// *The Symmetric Eigenvalue Problem*, Theorem 11.7.1 and §13.2). `γ` is estimated from the
/// other Ritz values, shrunk by their own residuals: `γ = min_j (|θ − θ_j| − r_j)` over the Ritz
/// values `θ_j ≠ θ`. Stop when `min(r, r²/γ)` (just `r` if `γ ≤ 0` or `k = 1`) is at most
/// `tol·|θ|`. The residual alone overstates the error of a well-separated eigenvalue by orders of
/// magnitude (on W3 at `k = 8`: `r/θ = 5e-5`, true error `2e-9`), so this stops 2 products
/// earlier at `tol = 1e-6`. Same start vector as [`sharpness`]. Usually far fewer products than
/// power iteration for the same accuracy.
pub fn sharpness_lanczos(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    tol: f64,
    max_iter: usize,
) -> Sharpness {
    let n = mlp.num_params();
    let mut q = start_vector(n);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let (mut alphas, mut betas) = (Vec::new(), Vec::new());
    let mut w = vec![0.0; n];
    let mut theta = f64::NAN;
    let mut hessian = BatchHessian::new(mlp, params, data);
    for k in 1..=max_iter.min(n) {
        hessian.apply(&q, &mut w);
        let alpha = dot(&q, &w);
        basis.push(q.clone());
        alphas.push(alpha);
        // Full reorthogonalization against every Lanczos vector (twice is enough).
        for _ in 0..2 {
            for b in &basis {
                let c = dot(b, &w);
                w.iter_mut().zip(b).for_each(|(x, &y)| *x -= c * y);
            }
        }
        let beta = libm::sqrt(dot(&w, &w));
        let t = nalgebra::DMatrix::from_fn(k, k, |i, j| {
            if i == j {
                alphas[i]
            } else if i + 1 == j {
                betas[i]
            } else if j + 1 == i {
                betas[j]
            } else {
                0.0
            }
        });
        let eig = nalgebra::SymmetricEigen::new(t);
        let top = (0..k)
            .max_by(|&a, &b| {
                eig.eigenvalues[a]
                    .abs()
                    .total_cmp(&eig.eigenvalues[b].abs())
            })
            .unwrap_or(0);
        theta = eig.eigenvalues[top];
        let residual = |j: usize| beta * eig.eigenvectors[(k - 1, j)].abs();
        let r = residual(top);
        let gap = (0..k)
            .filter(|&j| j != top)
            .map(|j| (theta - eig.eigenvalues[j]).abs() - residual(j))
            .fold(f64::INFINITY, f64::min);
        let bound = if gap > 0.0 && gap.is_finite() {
            r.min(r * r / gap)
        } else {
            r
        };
        if bound <= tol * theta.abs() || beta == 0.0 || !beta.is_finite() {
            return Sharpness {
                eigenvalue: theta,
                iterations: k,
            };
        }
        betas.push(beta);
        q.iter_mut().zip(&w).for_each(|(a, &b)| *a = b / beta);
    }
    Sharpness {
        eigenvalue: theta,
        iterations: max_iter,
    }
}

/// W3 with Lanczos, as timed by default (see [`w3`] for power iteration).
pub fn w3_lanczos() -> Sharpness {
    let mlp = w1_mlp();
    let params = mlp.init(&mut SeededRng::new(W1_SEED, 0));
    sharpness_lanczos(&mlp, &params, &w3_data(), 1e-6, 500)
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

/// The issue-7 fixture, asserted natively and in Chromium (crates/wasm/tests/fixtures.rs): hash of
/// the W1 parameters after 64 [`BatchTrainer`] SGD steps (the blocked, `f64x2` kernels in their
/// own summation order, and their own `tanh`) and hash of
/// [`noiselab_core::fastexp::exp_slice`] over 4,001 arguments in `[−40, 40]` (the vectorized
/// `exp` of the funnel).
pub fn bench_fixture() -> (u64, u64) {
    let mut b = MlpBench::new();
    b.run(64);
    let xs: Vec<f64> = (0..4001)
        .map(|k| (k as f64 - 2000.0) * 0.02 + 1e-3)
        .collect();
    let mut e = vec![0.0; xs.len()];
    noiselab_core::fastexp::exp_slice(&xs, &mut e);
    (
        noiselab_core::fixtures::hash_f64s(&b.params),
        noiselab_core::fixtures::hash_f64s(&e),
    )
}

/// Expected [`bench_fixture`] hashes (recorded natively).
pub const BENCH_FIXTURE_HASHES: (u64, u64) = (0x56e0_809f_0459_f0d4, 0xc100_e333_b6ce_325f);

#[cfg(test)]
mod tests {
    use super::*;

    /// The eigenvalue of largest magnitude of the dense Hessian (nalgebra's symmetric eigen).
    fn dense_top_eigenvalue(mlp: &Mlp, params: &[f64], data: &Dataset) -> f64 {
        let n = mlp.num_params();
        let dense = nalgebra::DMatrix::from_row_slice(
            n,
            n,
            &noiselab_core::nn::hessian::dense_hessian(mlp, params, data),
        );
        let eig = nalgebra::SymmetricEigen::new(dense).eigenvalues;
        eig.iter()
            .cloned()
            .fold(0.0f64, |m, l| if l.abs() > m.abs() { l } else { m })
    }

    #[test]
    fn power_iteration_finds_the_top_eigenvalue_of_the_dense_hessian() {
        // Dense Hessian by HVPs with unit vectors, symmetric eigen-decomposition by nalgebra.
        let mlp = Mlp::new(&[2, 6, 5, 1], Activation::Tanh, Loss::Squared);
        let params = mlp.init(&mut SeededRng::new(5, 0));
        let (inputs, targets) = w1_data(64);
        let data = Dataset {
            dim: 2,
            inputs,
            targets,
        };
        let top = dense_top_eigenvalue(&mlp, &params, &data);
        let s = sharpness(&mlp, &params, &data, 1e-10, 20_000);
        assert!(
            (s.eigenvalue - top).abs() < 1e-6 * top.abs(),
            "{} vs {top}",
            s.eigenvalue
        );
    }

    #[test]
    fn lanczos_agrees_with_dense_eigenvalues_and_power_iteration() {
        let (inputs, targets) = w1_data(64);
        let data = Dataset {
            dim: 2,
            inputs,
            targets,
        };
        for (widths, act, loss) in [
            (&[2, 6, 5, 1][..], Activation::Tanh, Loss::Squared),
            (&[2, 7, 1][..], Activation::Relu, Loss::Squared),
            (&[2, 5, 6, 1][..], Activation::Tanh, Loss::CrossEntropy),
        ] {
            let mlp = Mlp::new(widths, act, loss);
            let params = mlp.init(&mut SeededRng::new(5, 0));
            let top = dense_top_eigenvalue(&mlp, &params, &data);
            // The gap-refined stopping bound holds at every tolerance (the error is below it).
            for tol in [1e-3, 1e-4, 1e-6, 1e-8, 1e-10] {
                let l = sharpness_lanczos(&mlp, &params, &data, tol, 200);
                assert!(
                    (l.eigenvalue - top).abs() <= tol * top.abs(),
                    "{widths:?} tol {tol}: {} vs {top} after {}",
                    l.eigenvalue,
                    l.iterations
                );
            }
        }
        // The W1 problem itself: Lanczos at 1e-6 matches power iteration run to 1e-10.
        let mlp = w1_mlp();
        let params = mlp.init(&mut SeededRng::new(W1_SEED, 0));
        let lz = w3_lanczos();
        let pw = sharpness(&mlp, &params, &w3_data(), 1e-10, 5000);
        assert!(
            (lz.eigenvalue - pw.eigenvalue).abs() <= 1e-6 * pw.eigenvalue.abs(),
            "{lz:?} vs {pw:?}"
        );
        // 8 products (the residual bound alone needs 10).
        assert!(lz.iterations <= 8, "{lz:?}");
        assert!(lz.iterations < w3().iterations, "{lz:?}");
    }

    #[test]
    fn bench_fixture_matches_the_recorded_hashes_and_the_references() {
        let (mlp_hash, exp_hash) = bench_fixture();
        // The same 64 steps by the per-example reference path (Mlp::example_gradient + SGD).
        let mlp = w1_mlp();
        let mut p = mlp.init(&mut SeededRng::new(W1_SEED, 0));
        let (xs, ts) = w1_data(W1_POINTS);
        let (off, mut tape) = (noiselab_core::nn::mlp::Dropout::off(3), mlp.tape());
        for s in 0..64 {
            let k = s % (W1_POINTS / W1_BATCH);
            let mut g = vec![0.0; mlp.num_params()];
            for e in W1_BATCH * k..W1_BATCH * (k + 1) {
                let x = &xs[2 * e..2 * e + 2];
                mlp.example_gradient(&p, &off, x, ts[e], None, 1.0 / 32.0, &mut tape, &mut g);
            }
            p.iter_mut().zip(&g).for_each(|(p, g)| *p -= W1_RATE * g);
        }
        // BatchTrainer sums in its own order: the same parameters to within rounding.
        let mut fast = MlpBench::new();
        fast.run(64);
        let dist = libm::sqrt(
            fast.params
                .iter()
                .zip(&p)
                .map(|(a, b)| (a - b) * (a - b))
                .sum(),
        );
        let norm = libm::sqrt(p.iter().map(|a| a * a).sum());
        assert!(dist <= 1e-13 * norm, "{dist:e} vs norm {norm}");
        assert_eq!(mlp_hash, noiselab_core::fixtures::hash_f64s(&fast.params));
        let e: Vec<f64> = (0..4001)
            .map(|k| libm::exp((k as f64 - 2000.0) * 0.02 + 1e-3))
            .collect();
        assert_eq!(exp_hash, noiselab_core::fixtures::hash_f64s(&e));
        assert_eq!(
            (mlp_hash, exp_hash),
            BENCH_FIXTURE_HASHES,
            "{mlp_hash:#x} {exp_hash:#x}"
        );
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

/// Timing of the batched Hessian–vector products on the W3 problem (moved here from
/// `noiselab_core::nn::hessian_batch` with the workloads, issue 18).
#[cfg(test)]
mod timing {
    use super::*;

    /// CPU time of this thread in ms (Linux schedstat; wall time is meaningless on the shared
    /// machine), falling back to wall time.
    fn cpu_ms() -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map(|ns| ns * 1e-6)
            .unwrap_or(f64::NAN)
    }

    /// Same-process timing of the per-example and batched products on the W3 problem, CPU time
    /// per product over blocks of 20, interleaved (`cargo test --release -p noiselab-bench --lib
    /// timing -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn time_w3_products() {
        let mlp = w1_mlp();
        let p = mlp.init(&mut SeededRng::new(W1_SEED, 0));
        let d = w3_data();
        let mut rng = SeededRng::new(1, 1);
        let v: Vec<f64> = (0..mlp.num_params()).map(|_| rng.normal()).collect();
        let mut hv = vec![0.0; v.len()];
        let (mut old, mut new, mut setup) = (vec![], vec![], vec![]);
        let reps = 20;
        for _ in 0..7 {
            let t = cpu_ms();
            for _ in 0..reps {
                noiselab_core::nn::hessian::hvp(&mlp, &p, &d, &v, &mut hv);
            }
            old.push((cpu_ms() - t) / reps as f64);
            let t = cpu_ms();
            for _ in 0..reps {
                std::hint::black_box(BatchHessian::new(&mlp, &p, &d));
            }
            setup.push((cpu_ms() - t) / reps as f64);
            let mut op = BatchHessian::new(&mlp, &p, &d);
            let t = cpu_ms();
            for _ in 0..reps {
                op.apply(&v, &mut hv);
            }
            new.push((cpu_ms() - t) / reps as f64);
        }
        let stats = |mut x: Vec<f64>| {
            x.sort_by(f64::total_cmp);
            format!("{:.3} ms (min {:.3})", x[x.len() / 2], x[0])
        };
        println!(
            "CPU time per product: per-example hvp {}, batched apply {}, batched setup {}",
            stats(old),
            stats(new),
            stats(setup)
        );
        // Whole W3: before this module, 10 per-example products (the residual stopping test
        // needed 10); now w3_lanczos (setup + 8 batched products).
        let (mut before, mut after) = (vec![], vec![]);
        for _ in 0..7 {
            let t = cpu_ms();
            for _ in 0..10 {
                noiselab_core::nn::hessian::hvp(&mlp, &p, &d, &v, &mut hv);
            }
            before.push(cpu_ms() - t);
            let t = cpu_ms();
            std::hint::black_box(w3_lanczos());
            after.push(cpu_ms() - t);
        }
        println!(
            "CPU time of W3: 10 per-example products {}, w3_lanczos {}",
            stats(before),
            stats(after)
        );
    }
}
