//! Minibatch training of an [`Mlp`] without dropout: the fast path behind the W1 benchmark
//! (issue 7) and any experiment that trains a plain network with SGD (SCIENCE.md §0).
//!
//! [`BatchTrainer::gradient`] returns exactly the bits of the per-example reference
//!
//! ```text
//! grad = 0;  for b in 0..B { loss += mlp.example_gradient(θ, off, x_b, t_b, None, 1/B, tape, grad) }
//! ```
//!
//! (tested), but runs the whole batch layer by layer with register-blocked kernels that LLVM
//! turns into `f64x2` code under `+simd128` (and SSE2/AVX natively). Floating-point results do
//! not depend on the blocking because every sum keeps the reference order:
//! - forward: `z[o] = b[o] + dot(W[o], h)` with [`crate::mlp::dot`]'s four-partial-sum order, the
//!   batch in the lanes (activations stored feature-major, `A[i][b]`);
//! - `W̄[o][i] = Σ_b z̄[b][o]·h[b][i]` and `h̄[b][i] = Σ_o W[o][i]·z̄[b][o]`, each summed in
//!   ascending `b` (resp. `o`) from 0, skipping `z̄ = 0` terms as the reference does; tiles of
//!   4 × 4 outputs keep their partial sums in registers.
//!
//! No allocation per step: all buffers live in the trainer.

// Index loops follow the formulas (W[o][i], A[i][b] …).
#![allow(clippy::needless_range_loop)]

use crate::mlp::{Activation, Mlp};

/// Lanes of the forward kernel and side of the backward tiles.
const T: usize = 4;

/// Buffers for batched forward/backward passes of one [`Mlp`] (no dropout).
#[derive(Clone, Debug)]
pub struct BatchTrainer {
    mlp: Mlp,
    /// Batch capacity, a multiple of [`T`].
    cap: usize,
    /// Batch size of the last forward pass.
    batch: usize,
    /// `acts[k]`: `a_k` feature-major, `[n_k][cap]` (`a₀ = x`).
    acts: Vec<Vec<f64>>,
    /// `zs[k]`: `z_k` feature-major, `[n_k][cap]`, k = 1 … L (index 0 unused).
    zs: Vec<Vec<f64>>,
    /// Adjoints `z̄` of the current and next-lower layer, example-major `[cap][n]`.
    dz: Vec<f64>,
    dh: Vec<f64>,
    grad: Vec<f64>,
}

impl BatchTrainer {
    /// A trainer for batches of at most `max_batch` examples.
    pub fn new(mlp: &Mlp, max_batch: usize) -> Self {
        let cap = max_batch.max(1).div_ceil(T) * T;
        let widest = *mlp.widths().iter().max().unwrap_or(&1);
        BatchTrainer {
            acts: mlp.widths().iter().map(|&n| vec![0.0; n * cap]).collect(),
            zs: mlp.widths().iter().map(|&n| vec![0.0; n * cap]).collect(),
            dz: vec![0.0; widest * cap],
            dh: vec![0.0; widest * cap],
            grad: vec![0.0; mlp.num_params()],
            mlp: mlp.clone(),
            cap,
            batch: 0,
        }
    }

    /// The network.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// The gradient of the last [`BatchTrainer::gradient`] or [`BatchTrainer::sgd_step`].
    pub fn last_gradient(&self) -> &[f64] {
        &self.grad
    }

    /// Outputs `z_L` of the batch `xs` (row-major `B × n₀`, `B ≤ max_batch`) into `out`.
    pub fn forward(&mut self, params: &[f64], xs: &[f64], out: &mut [f64]) {
        self.forward_pass(params, xs);
        let last = self.mlp.layers();
        out[..self.batch].copy_from_slice(&self.zs[last][..self.batch]);
    }

    /// Sum of the per-example losses and the gradient of `(1/B)·Σ_b ℓ(z_b, t_b)` (bit-identical
    /// to the per-example reference in the module docs). Returns `(Σ_b ℓ_b, gradient)`.
    pub fn gradient(&mut self, params: &[f64], xs: &[f64], ts: &[f64]) -> (f64, &[f64]) {
        let loss = self.gradient_inner(params, xs, ts);
        (loss, &self.grad)
    }

    /// One SGD step on the batch, `θ ← θ − α∇J_B(θ)` (as [`crate::mlp::Optimizer`] with SGD and
    /// no weight decay); returns the batch's mean loss before the step.
    pub fn sgd_step(&mut self, params: &mut [f64], xs: &[f64], ts: &[f64], rate: f64) -> f64 {
        let loss = self.gradient_inner(params, xs, ts);
        for (p, &g) in params.iter_mut().zip(&self.grad) {
            *p -= rate * g;
        }
        loss / ts.len() as f64
    }

    fn forward_pass(&mut self, params: &[f64], xs: &[f64]) {
        let n0 = self.mlp.widths()[0];
        let b = xs.len() / n0;
        assert!(b >= 1 && b <= self.cap && xs.len() == b * n0, "batch shape");
        self.batch = b;
        let cap = self.cap;
        // Padding lanes hold zeros (their adjoints are zero, so they add nothing).
        let a0 = &mut self.acts[0];
        a0.fill(0.0);
        for e in 0..b {
            for i in 0..n0 {
                a0[i * cap + e] = xs[e * n0 + i];
            }
        }
        let last = self.mlp.layers();
        for l in 1..=last {
            let (n_in, n_out) = (self.mlp.widths()[l - 1], self.mlp.widths()[l]);
            let w = &params[self.mlp.weight_offset(l)..][..n_out * (n_in + 1)];
            forward_layer(w, n_in, n_out, &self.acts[l - 1], &mut self.zs[l], cap);
            if l < last {
                let (z, a) = (&self.zs[l], &mut self.acts[l]);
                match self.mlp.activation {
                    // libm::tanh's bits, vectorized (crate::fastexp).
                    Activation::Tanh => {
                        a.copy_from_slice(z);
                        crate::fastexp::tanh_in_place(a);
                    }
                    Activation::Relu => a.iter_mut().zip(z).for_each(|(a, &z)| *a = z.max(0.0)),
                }
            }
        }
    }

    fn gradient_inner(&mut self, params: &[f64], xs: &[f64], ts: &[f64]) -> f64 {
        self.forward_pass(params, xs);
        let (b, cap) = (self.batch, self.cap);
        assert_eq!(ts.len(), b, "one target per example");
        let last = self.mlp.layers();
        let weight = 1.0 / b as f64;
        let mut loss = 0.0;
        self.dz[..cap].fill(0.0);
        for e in 0..b {
            let z = self.zs[last][e];
            self.dz[e] = weight * self.mlp.loss.derivative(z, ts[e]);
            loss += self.mlp.loss.value(z, ts[e]);
        }
        self.grad.fill(0.0);
        for l in (1..=last).rev() {
            let (n_in, n_out) = (self.mlp.widths()[l - 1], self.mlp.widths()[l]);
            let o0 = self.mlp.weight_offset(l);
            let (gw, gb) = self.grad[o0..o0 + n_out * (n_in + 1)].split_at_mut(n_out * n_in);
            weight_gradient(&self.dz, &self.acts[l - 1], n_in, n_out, b, cap, gw);
            for e in 0..b {
                for o in 0..n_out {
                    gb[o] += self.dz[e * n_out + o];
                }
            }
            if l > 1 {
                let w = &params[o0..o0 + n_out * n_in];
                input_adjoint(w, &self.dz, n_in, n_out, cap, &mut self.dh);
                let (z, a) = (&self.zs[l - 1], &self.acts[l - 1]);
                for e in 0..cap {
                    for i in 0..n_in {
                        let g = &mut self.dh[e * n_in + i];
                        // Reference: g *= keep·φ'(z) with keep = 1.
                        *g *= match self.mlp.activation {
                            Activation::Tanh => {
                                let a = a[i * cap + e];
                                1.0 * (1.0 - a * a)
                            }
                            Activation::Relu => 1.0 * ((z[i * cap + e] > 0.0) as u8 as f64),
                        };
                    }
                }
                // Padding lanes stay exactly zero.
                self.dh[b * n_in..cap * n_in].fill(0.0);
                std::mem::swap(&mut self.dz, &mut self.dh);
            }
        }
        loss
    }
}

/// `z[o][b] = w_b[o] + dot(W[o], a[·][b])` for every lane `b < cap`, in [`crate::mlp::dot`]'s
/// order (four partial sums over `i mod 4`, combined `(s₀+s₁)+(s₂+s₃)`, then the tail).
fn forward_layer(w: &[f64], n_in: usize, n_out: usize, a: &[f64], z: &mut [f64], cap: usize) {
    let chunks = n_in / 4;
    for o in 0..n_out {
        let row = &w[o * n_in..(o + 1) * n_in];
        let bias = w[n_out * n_in + o];
        for b0 in (0..cap).step_by(T) {
            let mut s = [[0.0f64; T]; 4];
            for c in 0..chunks {
                for p in 0..4 {
                    let i = 4 * c + p;
                    let (wi, col) = (row[i], &a[i * cap + b0..i * cap + b0 + T]);
                    for t in 0..T {
                        s[p][t] += wi * col[t];
                    }
                }
            }
            let mut total = [0.0f64; T];
            for t in 0..T {
                total[t] = (s[0][t] + s[1][t]) + (s[2][t] + s[3][t]);
            }
            for i in 4 * chunks..n_in {
                let (wi, col) = (row[i], &a[i * cap + b0..i * cap + b0 + T]);
                for t in 0..T {
                    total[t] += wi * col[t];
                }
            }
            let out = &mut z[o * cap + b0..o * cap + b0 + T];
            for t in 0..T {
                out[t] = bias + total[t];
            }
        }
    }
}

/// `gw[o][i] += Σ_{b<batch, dz[b][o] ≠ 0} dz[b][o]·a[i][b]`, ascending `b`, in 4 × 4 tiles.
fn weight_gradient(
    dz: &[f64],
    a: &[f64],
    n_in: usize,
    n_out: usize,
    batch: usize,
    cap: usize,
    gw: &mut [f64],
) {
    let (o_full, i_full) = (n_out / T * T, n_in / T * T);
    for o0 in (0..o_full).step_by(T) {
        for i0 in (0..i_full).step_by(T) {
            let mut acc = [[0.0f64; T]; T];
            for oo in 0..T {
                for ii in 0..T {
                    acc[oo][ii] = gw[(o0 + oo) * n_in + i0 + ii];
                }
            }
            for b in 0..batch {
                let d = &dz[b * n_out + o0..b * n_out + o0 + T];
                let mut h = [0.0f64; T];
                for ii in 0..T {
                    h[ii] = a[(i0 + ii) * cap + b];
                }
                // Skipping a z̄ = 0 term is adding +0.0 to a sum that starts at +0.0 and so is
                // never −0.0: the select gives the reference's bits without a branch.
                for oo in 0..T {
                    let live = d[oo] != 0.0;
                    for ii in 0..T {
                        acc[oo][ii] += if live { d[oo] * h[ii] } else { 0.0 };
                    }
                }
            }
            for oo in 0..T {
                for ii in 0..T {
                    gw[(o0 + oo) * n_in + i0 + ii] = acc[oo][ii];
                }
            }
        }
    }
    // Edges (rows o ≥ o_full or columns i ≥ i_full), same order per entry.
    for o in 0..n_out {
        let i_start = if o < o_full { i_full } else { 0 };
        for i in i_start..n_in {
            let mut g = gw[o * n_in + i];
            for b in 0..batch {
                let d = dz[b * n_out + o];
                if d != 0.0 {
                    g += d * a[i * cap + b];
                }
            }
            gw[o * n_in + i] = g;
        }
    }
}

/// `dh[b][i] = Σ_{o, dz[b][o] ≠ 0} W[o][i]·dz[b][o]` from 0 in ascending `o`, for all `b < cap`.
fn input_adjoint(w: &[f64], dz: &[f64], n_in: usize, n_out: usize, cap: usize, dh: &mut [f64]) {
    let i_full = n_in / T * T;
    for b0 in (0..cap).step_by(T) {
        for i0 in (0..i_full).step_by(T) {
            let mut acc = [[0.0f64; T]; T];
            for o in 0..n_out {
                let wrow = &w[o * n_in + i0..o * n_in + i0 + T];
                for bb in 0..T {
                    let d = dz[(b0 + bb) * n_out + o];
                    let live = d != 0.0;
                    for ii in 0..T {
                        acc[bb][ii] += if live { wrow[ii] * d } else { 0.0 };
                    }
                }
            }
            for bb in 0..T {
                dh[(b0 + bb) * n_in + i0..(b0 + bb) * n_in + i0 + T].copy_from_slice(&acc[bb]);
            }
        }
        for bb in 0..T {
            for i in i_full..n_in {
                let mut g = 0.0;
                for o in 0..n_out {
                    let d = dz[(b0 + bb) * n_out + o];
                    if d != 0.0 {
                        g += w[o * n_in + i] * d;
                    }
                }
                dh[(b0 + bb) * n_in + i] = g;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::hash_f64s;
    use crate::mlp::{Dropout, Loss};
    use crate::rng::SeededRng;

    fn reference(mlp: &Mlp, params: &[f64], xs: &[f64], ts: &[f64]) -> (f64, Vec<f64>) {
        let off = Dropout::off(mlp.layers());
        let n0 = mlp.widths()[0];
        let mut tape = mlp.tape();
        let mut grad = vec![0.0; mlp.num_params()];
        let w = 1.0 / ts.len() as f64;
        let mut loss = 0.0;
        for (x, &t) in xs.chunks(n0).zip(ts) {
            loss += mlp.example_gradient(params, &off, x, t, None, w, &mut tape, &mut grad);
        }
        (loss, grad)
    }

    #[test]
    fn batched_gradient_is_bit_identical_to_the_per_example_reference() {
        // Shapes with tails everywhere (widths not multiples of 4, batches not multiples of 4),
        // both activations and both losses; ReLU makes many z̄ exactly 0 (the skipped terms).
        let cases: &[(&[usize], Activation, Loss, usize)] = &[
            (&[2, 64, 64, 1], Activation::Tanh, Loss::Squared, 32),
            (&[3, 7, 5, 1], Activation::Tanh, Loss::CrossEntropy, 6),
            (&[2, 9, 13, 6, 1], Activation::Relu, Loss::Squared, 11),
            (&[5, 8, 1], Activation::Relu, Loss::CrossEntropy, 1),
        ];
        for (k, &(widths, act, loss, batch)) in cases.iter().enumerate() {
            let mlp = Mlp::new(widths, act, loss);
            let mut rng = SeededRng::new(11, k as u64);
            let mut params = mlp.init(&mut rng);
            for p in params.iter_mut() {
                *p += 0.1 * rng.normal(); // non-zero biases
            }
            let xs: Vec<f64> = (0..batch * widths[0]).map(|_| rng.normal()).collect();
            let ts: Vec<f64> = (0..batch)
                .map(|_| match loss {
                    Loss::Squared => rng.normal(),
                    Loss::CrossEntropy => (rng.uniform() < 0.5) as u8 as f64,
                })
                .collect();
            let (l_ref, g_ref) = reference(&mlp, &params, &xs, &ts);
            let mut tr = BatchTrainer::new(&mlp, 40);
            let (l, g) = tr.gradient(&params, &xs, &ts);
            assert_eq!(l.to_bits(), l_ref.to_bits(), "case {k}: loss");
            assert_eq!(hash_f64s(g), hash_f64s(&g_ref), "case {k}: gradient");
            // A reused trainer with a different batch size gives the same bits again.
            let (_, g2) = tr.gradient(&params, &xs[..widths[0]], &ts[..1]);
            let (_, g2_ref) = reference(&mlp, &params, &xs[..widths[0]], &ts[..1]);
            assert_eq!(hash_f64s(g2), hash_f64s(&g2_ref), "case {k}: batch of 1");
        }
    }

    #[test]
    fn sgd_steps_match_the_optimizer_and_reduce_the_loss() {
        use crate::mlp::{Optimizer, OptimizerKind};
        let mlp = Mlp::new(&[2, 64, 64, 1], Activation::Tanh, Loss::Squared);
        let data = w1_data(256);
        let mut p = mlp.init(&mut SeededRng::new(7, 0));
        let mut q = p.clone();
        let mut opt = Optimizer::new(OptimizerKind::Sgd, 0.05, 0.0, &mlp);
        let mut tr = BatchTrainer::new(&mlp, 32);
        let (mut first, mut last) = (0.0, 0.0);
        for s in 0..200 {
            let k = s % 8;
            let (xs, ts) = (&data.0[64 * k..64 * (k + 1)], &data.1[32 * k..32 * (k + 1)]);
            let l = tr.sgd_step(&mut p, xs, ts, 0.05);
            let (l_ref, g) = reference(&mlp, &q, xs, ts);
            opt.step(&mut q, &g);
            assert_eq!(l.to_bits(), (l_ref / 32.0).to_bits());
            if s < 8 {
                first += l;
            }
            if s >= 192 {
                last += l;
            }
        }
        assert_eq!(hash_f64s(&p), hash_f64s(&q));
        assert!(
            last < 0.5 * first,
            "training reduces the loss: {first} → {last}"
        );
    }

    /// A small copy of the W1 data recipe (see `crate::bench`), to keep the test independent.
    fn w1_data(n: usize) -> (Vec<f64>, Vec<f64>) {
        let mut xs = Vec::new();
        let mut ts = Vec::new();
        for i in 0..n {
            let u = (0.5 + i as f64 * 0.754_877_666_246_692_7).fract() * 2.0 - 1.0;
            let v = (0.5 + i as f64 * 0.569_840_290_998_053_2).fract() * 2.0 - 1.0;
            xs.extend_from_slice(&[u, v]);
            ts.push(libm::sin(3.0 * u) * libm::cos(2.0 * v));
        }
        (xs, ts)
    }
}
