//! Minibatch training of an [`Mlp`] without dropout: the fast path behind the W1 benchmark
//! (issue 7) and its fixture.
//!
//! [`BatchTrainer::gradient`] computes the gradient of the batch's mean loss, the same quantity
//! as the per-example reference
//!
//! ```text
//! grad = 0;  for b in 0..B { loss += mlp.example_gradient(θ, off, x_b, t_b, None, 1/B, tape, grad) }
//! ```
//!
//! to within rounding (tested: ‖g − g_ref‖ ≤ 10⁻¹²‖g_ref‖), but in its own fixed summation
//! order, chosen so the whole batch runs layer by layer through register-blocked kernels written
//! on a two-lane type (`F2`: a wasm `v128` under `+simd128`, so `f64x2` code whatever LLVM's
//! vectorizer decides; a plain pair natively, vectorized by LLVM for SSE2). Every activation and
//! adjoint is stored feature-major with the batch in the lanes (`A[i][b]`, row stride `cap`), so
//! every kernel loads contiguous lanes:
//! - forward: `z[o][b] = b_o + Σ_i W[o][i]·a[i][b]`, one sum per entry from the bias in
//!   ascending `i` (`lanes_product` on a transposed copy of `W`); hidden units then `a = φ(z)`
//!   with a branch-free `tanh` within 4 ulp of `libm::tanh` (`tanh::tanh_lane`) or `max(z, 0)`;
//! - `W̄[o][i] = Σ_b z̄[o][b]·a[i][b]` and `b̄[o] = Σ_b z̄[o][b]` as two chains, even and odd
//!   `b` each ascending from 0, added at the end (`outer_sum`);
//! - `h̄[i][b] = Σ_o W[o][i]·z̄[o][b]`, one sum per entry from 0 in ascending `o`
//!   (`lanes_product` on `W` itself), then `z̄ = h̄ ⊙ φ'(a)`; no `z̄ = 0` terms are skipped.
//!
//! No data-dependent branches, no FMA, nothing depending on CPU features: the same operations in
//! the same order natively and in wasm, so results are bit-identical across targets (the W1
//! fixture in `noiselab_bench`, crates/bench), and independent of the batch capacity.
//! No allocation per step: all buffers live in the trainer.

// Index loops follow the formulas (W[o][i], A[i][b] …).
#![allow(clippy::needless_range_loop)]

use crate::nn::mlp::{Activation, Mlp};
use tanh::tanh_slice;

/// Batch lanes per tile (two `f64x2`); the lane count of a pass is the batch rounded up to it.
const LANES: usize = 4;
/// Rows per tile of [`lanes_product`].
const ROWS: usize = 4;

/// Buffers for batched forward/backward passes of one [`Mlp`] (no dropout).
#[derive(Clone, Debug)]
pub struct BatchTrainer {
    mlp: Mlp,
    /// Row stride of the feature-major buffers: the batch capacity rounded up to [`LANES`].
    cap: usize,
    /// Batch size of the last forward pass.
    batch: usize,
    /// `batch` rounded up to [`LANES`]; lanes `batch..lanes` are padding.
    lanes: usize,
    /// `acts[k]`: `a_k`, `[n_k][cap]` for k = 0 … L−1 (`a₀ = x`).
    acts: Vec<Vec<f64>>,
    /// `z_L`, `[cap]`.
    out: Vec<f64>,
    /// `W_lᵀ` of the layer being evaluated, `[n_{l−1}][n_l]`.
    wt: Vec<f64>,
    /// Adjoints `z̄` of the current and next-lower layer, `[n][cap]`.
    dz: Vec<f64>,
    dh: Vec<f64>,
    grad: Vec<f64>,
}

impl BatchTrainer {
    /// A trainer for batches of at most `max_batch` examples.
    pub fn new(mlp: &Mlp, max_batch: usize) -> Self {
        let cap = max_batch.max(1).div_ceil(LANES) * LANES;
        let widths = mlp.widths();
        let widest = *widths.iter().max().unwrap_or(&1);
        let layers = mlp.layers();
        let largest = (1..=layers)
            .map(|l| widths[l] * widths[l - 1])
            .max()
            .unwrap_or(1);
        BatchTrainer {
            acts: widths[..layers]
                .iter()
                .map(|&n| vec![0.0; n * cap])
                .collect(),
            out: vec![0.0; cap],
            wt: vec![0.0; largest],
            dz: vec![0.0; widest * cap],
            dh: vec![0.0; widest * cap],
            grad: vec![0.0; mlp.num_params()],
            mlp: mlp.clone(),
            cap,
            batch: 0,
            lanes: 0,
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
        out[..self.batch].copy_from_slice(&self.out[..self.batch]);
    }

    /// Sum of the per-example losses and the gradient of `(1/B)·Σ_b ℓ(z_b, t_b)` (the
    /// per-example reference's quantity in the order of the module docs). Returns
    /// `(Σ_b ℓ_b, gradient)`.
    pub fn gradient(&mut self, params: &[f64], xs: &[f64], ts: &[f64]) -> (f64, &[f64]) {
        let loss = self.gradient_inner(params, xs, ts);
        (loss, &self.grad)
    }

    /// One SGD step on the batch, `θ ← θ − α∇J_B(θ)` (as [`crate::nn::optim::Optimizer`] with SGD and
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
        let (cap, lanes) = (self.cap, b.div_ceil(LANES) * LANES);
        (self.batch, self.lanes) = (b, lanes);
        // Padding lanes of the input hold zeros; their adjoints are zero, so they add nothing.
        for (i, row) in self.acts[0].chunks_exact_mut(cap).enumerate() {
            for (e, a) in row[..lanes].iter_mut().enumerate() {
                *a = if e < b { xs[e * n0 + i] } else { 0.0 };
            }
        }
        let last = self.mlp.layers();
        for l in 1..=last {
            let (n_in, n_out) = (self.mlp.widths()[l - 1], self.mlp.widths()[l]);
            let (w, bias) =
                params[self.mlp.weight_offset(l)..][..n_out * (n_in + 1)].split_at(n_out * n_in);
            let wt = &mut self.wt[..n_in * n_out];
            for (o, row) in w.chunks_exact(n_in).enumerate() {
                for (i, &v) in row.iter().enumerate() {
                    wt[i * n_out + o] = v;
                }
            }
            let (lower, upper) = self.acts.split_at_mut(l);
            let z = if l < last {
                &mut upper[0][..]
            } else {
                &mut self.out[..]
            };
            lanes_product(
                wt,
                n_out,
                Some(bias),
                &lower[l - 1],
                z,
                n_out,
                n_in,
                cap,
                lanes,
            );
            if l < last {
                for row in z.chunks_exact_mut(cap) {
                    let row = &mut row[..lanes];
                    match self.mlp.activation {
                        Activation::Tanh => tanh_slice(row),
                        Activation::Relu => row.iter_mut().for_each(|a| *a = a.max(0.0)),
                    }
                }
            }
        }
    }

    fn gradient_inner(&mut self, params: &[f64], xs: &[f64], ts: &[f64]) -> f64 {
        self.forward_pass(params, xs);
        let (b, cap, lanes) = (self.batch, self.cap, self.lanes);
        assert_eq!(ts.len(), b, "one target per example");
        let last = self.mlp.layers();
        let (weight, loss_fn) = (1.0 / b as f64, self.mlp.loss);
        let mut loss = 0.0;
        for e in 0..lanes {
            self.dz[e] = if e < b {
                let z = self.out[e];
                loss += loss_fn.value(z, ts[e]);
                weight * loss_fn.derivative(z, ts[e])
            } else {
                0.0
            };
        }
        for l in (1..=last).rev() {
            let (n_in, n_out) = (self.mlp.widths()[l - 1], self.mlp.widths()[l]);
            let o0 = self.mlp.weight_offset(l);
            let (gw, gb) = self.grad[o0..o0 + n_out * (n_in + 1)].split_at_mut(n_out * n_in);
            let a = &self.acts[l - 1];
            outer_sum(&self.dz, a, gw, n_out, n_in, cap, lanes);
            for (g, row) in gb.iter_mut().zip(self.dz.chunks_exact(cap)) {
                let mut s = [0.0; 2];
                for pair in row[..lanes].chunks_exact(2) {
                    s[0] += pair[0];
                    s[1] += pair[1];
                }
                *g = s[0] + s[1];
            }
            if l > 1 {
                let w = &params[o0..o0 + n_out * n_in];
                lanes_product(
                    w,
                    n_in,
                    None,
                    &self.dz,
                    &mut self.dh,
                    n_in,
                    n_out,
                    cap,
                    lanes,
                );
                for (d, a) in self.dh.chunks_exact_mut(cap).zip(a.chunks_exact(cap)) {
                    let (d, a) = (&mut d[..lanes], &a[..lanes]);
                    match self.mlp.activation {
                        Activation::Tanh => {
                            d.iter_mut().zip(a).for_each(|(d, &a)| *d *= 1.0 - a * a);
                        }
                        // a = max(z, 0) > 0 exactly when z > 0.
                        Activation::Relu => d
                            .iter_mut()
                            .zip(a)
                            .for_each(|(d, &a)| *d *= (a > 0.0) as u8 as f64),
                    }
                }
                std::mem::swap(&mut self.dz, &mut self.dh);
            }
        }
        loss
    }
}

/// `out[r][b] = init_r + Σ_k mt[k][r]·x[k][b]` for rows `r < rows` and lanes `b < lanes`
/// (`mt` is `[depth][ld]`, `x` and `out` are `[·][cap]`; `init_r = bias[r]`, or 0 without a
/// bias): one sum per entry, from `init_r` in ascending `k`. Tiles of [`ROWS`] rows × [`LANES`]
/// lanes keep their sums in registers; each `k` loads [`LANES`] contiguous lanes of `x` and
/// splats [`ROWS`] contiguous entries of `mt`.
#[allow(clippy::too_many_arguments)]
fn lanes_product(
    mt: &[f64],
    ld: usize,
    bias: Option<&[f64]>,
    x: &[f64],
    out: &mut [f64],
    rows: usize,
    depth: usize,
    cap: usize,
    lanes: usize,
) {
    let full = rows / ROWS * ROWS;
    for r0 in (0..full).step_by(ROWS) {
        lanes_tile::<ROWS>(mt, ld, bias, x, out, r0, depth, cap, lanes);
    }
    for r0 in full..rows {
        lanes_tile::<1>(mt, ld, bias, x, out, r0, depth, cap, lanes);
    }
}

/// Rows `r0 … r0+R−1` of [`lanes_product`].
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn lanes_tile<const R: usize>(
    mt: &[f64],
    ld: usize,
    bias: Option<&[f64]>,
    x: &[f64],
    out: &mut [f64],
    r0: usize,
    depth: usize,
    cap: usize,
    lanes: usize,
) {
    let mut init = [0.0; R];
    if let Some(bias) = bias {
        init.copy_from_slice(&bias[r0..r0 + R]);
    }
    for b0 in (0..lanes).step_by(LANES) {
        let mut acc = [[F2::splat(0.0); LANES / 2]; R];
        for r in 0..R {
            acc[r] = [F2::splat(init[r]); LANES / 2];
        }
        for (m, xk) in mt.chunks_exact(ld).zip(x.chunks_exact(cap)).take(depth) {
            let m: &[f64; R] = m[r0..r0 + R].try_into().unwrap();
            let xk: [F2; LANES / 2] =
                core::array::from_fn(|h| F2::load(&xk[b0 + 2 * h..b0 + 2 * h + 2]));
            for r in 0..R {
                let w = F2::splat(m[r]);
                for h in 0..LANES / 2 {
                    acc[r][h] = acc[r][h].add_mul(w, xk[h]);
                }
            }
        }
        for r in 0..R {
            for h in 0..LANES / 2 {
                let at = (r0 + r) * cap + b0 + 2 * h;
                acc[r][h].store(&mut out[at..at + 2]);
            }
        }
    }
}

/// `g[o][i] = Σ_{b < lanes} dz[o][b]·a[i][b]` (`dz`, `a` are `[·][cap]`, `g` is `[n_out][n_in]`)
/// as two chains, even and odd `b`, each ascending from 0, added at the end. Tiles of 4 × 2
/// entries keep their chains in registers (one [`F2`] per entry).
fn outer_sum(
    dz: &[f64],
    a: &[f64],
    g: &mut [f64],
    n_out: usize,
    n_in: usize,
    cap: usize,
    lanes: usize,
) {
    let (o_full, i_full) = (n_out / 4 * 4, n_in / 2 * 2);
    for o0 in (0..o_full).step_by(4) {
        for i0 in (0..i_full).step_by(2) {
            outer_tile::<4, 2>(dz, a, g, o0, i0, n_in, cap, lanes);
        }
        for i0 in i_full..n_in {
            outer_tile::<4, 1>(dz, a, g, o0, i0, n_in, cap, lanes);
        }
    }
    for o0 in o_full..n_out {
        for i0 in (0..i_full).step_by(2) {
            outer_tile::<1, 2>(dz, a, g, o0, i0, n_in, cap, lanes);
        }
        for i0 in i_full..n_in {
            outer_tile::<1, 1>(dz, a, g, o0, i0, n_in, cap, lanes);
        }
    }
}

/// Entries `o0 … o0+O−1` × `i0 … i0+I−1` of [`outer_sum`].
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn outer_tile<const O: usize, const I: usize>(
    dz: &[f64],
    a: &[f64],
    g: &mut [f64],
    o0: usize,
    i0: usize,
    n_in: usize,
    cap: usize,
    lanes: usize,
) {
    let d: [&[f64]; O] = core::array::from_fn(|o| &dz[(o0 + o) * cap..][..lanes]);
    let h: [&[f64]; I] = core::array::from_fn(|i| &a[(i0 + i) * cap..][..lanes]);
    let mut acc = [[F2::splat(0.0); I]; O];
    for p in (0..lanes).step_by(2) {
        let hp: [F2; I] = core::array::from_fn(|i| F2::load(&h[i][p..p + 2]));
        for o in 0..O {
            let dp = F2::load(&d[o][p..p + 2]);
            for i in 0..I {
                acc[o][i] = acc[o][i].add_mul(dp, hp[i]);
            }
        }
    }
    for o in 0..O {
        for i in 0..I {
            g[(o0 + o) * n_in + i0 + i] = acc[o][i].sum();
        }
    }
}

/// Two `f64` lanes with lane-wise IEEE arithmetic: a wasm `v128` under `simd128`, so the
/// kernels above are `f64x2` code whatever LLVM's vectorizer decides, and a plain pair elsewhere
/// (vectorized by LLVM natively). The same operations either way: results are bit-identical.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes2 {
    use core::arch::wasm32::{f64x2, f64x2_add, f64x2_extract_lane, f64x2_mul, f64x2_splat, v128};

    #[derive(Clone, Copy)]
    pub struct F2(v128);

    impl F2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F2(f64x2_splat(x))
        }
        /// The first two entries of `p`.
        #[inline(always)]
        pub fn load(p: &[f64]) -> Self {
            F2(f64x2(p[0], p[1]))
        }
        /// `self + a·b`, rounded after the product and after the sum (no FMA).
        #[inline(always)]
        pub fn add_mul(self, a: F2, b: F2) -> Self {
            F2(f64x2_add(self.0, f64x2_mul(a.0, b.0)))
        }
        /// Into the first two entries of `p`.
        #[inline(always)]
        pub fn store(self, p: &mut [f64]) {
            p[..2].copy_from_slice(&[
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
            ]);
        }
        /// Lane 0 + lane 1.
        #[inline(always)]
        pub fn sum(self) -> f64 {
            f64x2_extract_lane::<0>(self.0) + f64x2_extract_lane::<1>(self.0)
        }
    }
}

/// Two `f64` lanes (see the wasm version).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes2 {
    #[derive(Clone, Copy)]
    pub struct F2([f64; 2]);

    impl F2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F2([x; 2])
        }
        /// The first two entries of `p`.
        #[inline(always)]
        pub fn load(p: &[f64]) -> Self {
            F2([p[0], p[1]])
        }
        /// `self + a·b`, rounded after the product and after the sum (no FMA).
        #[inline(always)]
        pub fn add_mul(self, a: F2, b: F2) -> Self {
            F2([self.0[0] + a.0[0] * b.0[0], self.0[1] + a.0[1] * b.0[1]])
        }
        /// Into the first two entries of `p`.
        #[inline(always)]
        pub fn store(self, p: &mut [f64]) {
            p[..2].copy_from_slice(&self.0);
        }
        /// Lane 0 + lane 1.
        #[inline(always)]
        pub fn sum(self) -> f64 {
            self.0[0] + self.0[1]
        }
    }
}

use lanes2::F2;

/// The hidden units' `tanh` (see [`tanh_lane`]).
mod tanh {
    // libm's `e_exp.c` constants (shared with `crate::fastexp`).
    use crate::fastexp::{INVLN2, LN2HI, LN2LO, P1, P2, P3, P4, P5, ROUND};

    /// `tanh(x)` in one branch-free formula (no selects on data), within 4 ulp of `libm::tanh`
    /// (tested; about 3/4 of arguments exact, 1/4 at 1 ulp). With `a = min(|x|, 20)` (tanh
    /// rounds to 1 beyond 19.1) and `u = 2a`: `k = round(u/ln2)`, `r = u − k·ln2` as `hi − lo`
    /// and `p = e^r − 1 = (r·c/(2−c) − lo) + hi` (libm's `exp` reduction and rational
    /// approximation, `|r| ≤ ln2/2`); then `e^u = 2^k(1 + p)` and
    /// `tanh(a) = (e^u − 1)/(e^u + 1) = ((2^k − 1) + 2^k·p)/((2^k + 1) + 2^k·p)`, with exact
    /// `2^k ± 1` and no cancellation (`k = 0` gives `p/(2 + p)`); the sign of `x` is copied
    /// onto the result.
    #[inline(always)]
    fn tanh_lane(x: f64) -> f64 {
        let a = x.abs();
        let a = if a > 20.0 { 20.0 } else { a }; // NaN stays NaN
        let u = a + a;
        let k = (u * INVLN2 + ROUND) - ROUND;
        let hi = u - k * LN2HI;
        let lo = k * LN2LO;
        let r = hi - lo;
        let rr = r * r;
        let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
        let p = (r * c / (2.0 - c) - lo) + hi;
        // 2^k from the integer k ∈ [0, 58]: its bits are (k + 1023) << 52.
        let s = f64::from_bits(((k + (1023.0 + ROUND)).to_bits() << 52) & 0x7ff0_0000_0000_0000);
        let sp = s * p;
        (((s - 1.0) + sp) / ((s + 1.0) + sp)).copysign(x)
    }

    /// `v[i] ← tanh(v[i])` by [`tanh_lane`] (vectorized by LLVM).
    pub(super) fn tanh_slice(v: &mut [f64]) {
        v.iter_mut().for_each(|x| *x = tanh_lane(*x));
    }
}

#[cfg(test)]
mod tests {
    use super::tanh::tanh_slice;
    use super::*;
    use crate::nn::mlp::{Dropout, Loss};
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

    fn norm(v: &[f64]) -> f64 {
        libm::sqrt(v.iter().map(|x| x * x).sum())
    }

    /// `‖a − b‖ / ‖b‖`.
    fn rel_dist(a: &[f64], b: &[f64]) -> f64 {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        norm(&d) / norm(b)
    }

    #[test]
    fn batched_gradient_matches_the_per_example_reference() {
        // Shapes with tails everywhere (widths not multiples of 4 or 2, batches not multiples
        // of 4), both activations and both losses; batch 1 below. Tolerance: 1e-12 of the
        // gradient's norm (the sums differ only in order; observed ~1e-16).
        let cases: &[(&[usize], Activation, Loss, usize)] = &[
            (&[2, 64, 64, 1], Activation::Tanh, Loss::Squared, 32),
            (&[3, 7, 5, 1], Activation::Tanh, Loss::CrossEntropy, 6),
            (&[2, 9, 13, 6, 1], Activation::Relu, Loss::Squared, 11),
            (&[5, 8, 1], Activation::Relu, Loss::CrossEntropy, 1),
            (&[1, 3, 1], Activation::Tanh, Loss::Squared, 37),
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
            assert!((l - l_ref).abs() <= 1e-12 * l_ref.abs(), "case {k}: loss");
            let d = rel_dist(g, &g_ref);
            assert!(d <= 1e-12, "case {k}: gradient off by {d:e} relative");
            let mut out = vec![0.0; batch];
            tr.forward(&params, &xs, &mut out);
            let mut tape = mlp.tape();
            let off = Dropout::off(mlp.layers());
            for (x, &z) in xs.chunks(widths[0]).zip(&out) {
                let z_ref = mlp.forward(&params, &off, x, None, &mut tape);
                assert!((z - z_ref).abs() <= 1e-13 * (1.0 + z_ref.abs()), "case {k}");
            }
            // A reused trainer with a batch of 1 (three padding lanes).
            let (_, g1) = tr.gradient(&params, &xs[..widths[0]], &ts[..1]);
            let (_, g1_ref) = reference(&mlp, &params, &xs[..widths[0]], &ts[..1]);
            let d = rel_dist(g1, &g1_ref);
            assert!(d <= 1e-12, "case {k}: batch of 1 off by {d:e}");
            // The same computation again gives the same bits.
            let g1 = g1.to_vec();
            assert_eq!(tr.gradient(&params, &xs[..widths[0]], &ts[..1]).1, &g1[..]);
        }
    }

    #[test]
    fn sgd_steps_track_the_optimizer_and_reduce_the_loss() {
        use crate::nn::optim::{Optimizer, OptimizerKind};
        let mlp = Mlp::new(&[2, 64, 64, 1], Activation::Tanh, Loss::Squared);
        let data = crate::data::r2_surface(256);
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
            assert!((l - l_ref / 32.0).abs() <= 1e-12 * l, "step {s}");
            if s < 8 {
                first += l;
            }
            if s >= 192 {
                last += l;
            }
        }
        let d = rel_dist(&p, &q);
        assert!(d <= 1e-12, "200 steps: parameters off by {d:e} relative");
        assert!(
            last < 0.5 * first,
            "training reduces the loss: {first} → {last}"
        );
    }

    #[test]
    fn tanh_is_within_four_ulp_of_libm() {
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        let mut r = SeededRng::new(97, 0);
        let mut xs: Vec<f64> = (0..400_000)
            .map(|_| 25.0 * (2.0 * r.uniform() - 1.0))
            .collect();
        xs.extend((0..400_000).map(|_| {
            let m = libm::exp2(-60.0 + 65.0 * r.uniform());
            if r.uniform() < 0.5 {
                -m
            } else {
                m
            }
        }));
        // Around the switches of k (u = 2a at odd multiples of ln2/2) and the clamp at 20.
        for j in 0..60 {
            let edge = (j as f64 + 0.5) * core::f64::consts::LN_2 / 2.0;
            for d in 0..8u64 {
                xs.extend([
                    f64::from_bits(edge.to_bits() + d),
                    -f64::from_bits(edge.to_bits() - d),
                ]);
            }
        }
        xs.extend([19.0, 19.5, 20.0, 20.5, 1e3, 1e300, 1e-300, 5e-324, 0.0]);
        let mut t = xs.clone();
        tanh_slice(&mut t);
        let worst = xs
            .iter()
            .zip(&t)
            .map(|(&x, &t)| ulps(t, libm::tanh(x)))
            .max()
            .unwrap();
        assert!(worst <= 4, "worst error {worst} ulp");
        let mut special = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        tanh_slice(&mut special);
        assert_eq!(special[0].to_bits(), 0.0f64.to_bits());
        assert_eq!(special[1].to_bits(), (-0.0f64).to_bits());
        assert_eq!(special[2..4], [1.0, -1.0]);
        assert!(special[4].is_nan());
    }
}
