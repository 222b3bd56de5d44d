//! Batched Hessian–vector products for [`Mlp`]: the mean-loss product `H v` of
//! [`crate::nn::hessian::hvp`] with the R-forward and R-backward passes (Pearlmutter's R-operator,
//! formulas in [`crate::nn::hessian`]) run for the whole dataset at once, layer by layer, in
//! register-blocked kernels that LLVM turns into `f64x2` code under `+simd128` (and SSE2
//! natively). This is the product behind the W3 benchmark (issue 7) and the λ_max / trace
//! estimates of the sharpness experiment.
//!
//! [`BatchHessian::new`] runs the `v`-independent part once for fixed `(θ, data)`: the forward
//! pass (`h`, `φ'`, `φ''`, `ℓ''(f)`), the adjoints `z̄_l` and `h̄_l = W_{l+1}ᵀ z̄_{l+1}` and the loss.
//! Each [`BatchHessian::apply`] then only does what depends on `v`:
//!
//! ```text
//! R-forward:  R z_l = (c_l + V_l h_{l−1}) + W_l R h_{l−1},   R h_l = φ'(z_l) ⊙ R z_l
//! R-backward: R z̄_L = ℓ''(f) R f
//!             R W̄_l = Σ_b (R z̄_l,b h_{l−1,b}ᵀ + z̄_l,b R h_{l−1,b}ᵀ)/N,   R b̄_l = Σ_b R z̄_l,b /N
//!             R h̄_{l−1} = V_lᵀ z̄_l + W_lᵀ R z̄_l
//!             R z̄_{l−1} = R h̄_{l−1} ⊙ φ'(z_{l−1}) + (h̄_{l−1} ⊙ φ''(z_{l−1})) ⊙ R z_{l−1}
//! ```
//!
//! When the input is small (`n₀ + 1 ≤ 4`, every dataset of the lab), two of the six
//! `n₂ × n₁ × N` products per HVP are replaced by a cached factorization through the rank-`(n₀+1)`
//! `R z₁` ([`BatchHessian::factored`]); the result then equals [`crate::nn::hessian::hvp`] to rounding
//! (tested to 1e-12 of `‖Hv‖`). Every other number is computed by the same expression, with the
//! same summation order, as the per-example reference (`hvp` = `example_hvp` over the examples in
//! order, weight `1/N`), so without factoring [`BatchHessian::apply`] returns exactly the bits of
//! [`crate::nn::hessian::hvp`] (tested):
//! - R-forward: both products in [`crate::nn::mlp::dot`]'s order (four partial sums over `i mod 4`,
//!   combined `(s₀+s₁)+(s₂+s₃)`, then the tail), the batch in the lanes (activations stored
//!   feature-major, `A[i][b]`); the first layer adds the reference's `+ 0.0` for `R h₀ = 0`;
//! - `R h̄[i][b] = Σ_o (V[o][i]·z̄[o][b] + W[o][i]·R z̄[o][b])` summed in ascending `o` from 0,
//!   the batch in the lanes;
//! - `R W̄[o][i] = Σ_b ((R z̄[b][o]/N)·h[i][b] + (z̄[b][o]/N)·R h[i][b])` summed in ascending `b`
//!   from 0 (the reference's accumulation into `hv`), 4 × 4 tiles of outputs in registers with
//!   `o` in the lanes (the scaled adjoints stored example-major for that).
//!
//! Memory is `O(N·Σ_l n_l)` for the whole dataset at once; nothing is allocated per product.

// Index loops follow the formulas (W[o][i], A[i][b] …).
#![allow(clippy::needless_range_loop)]

use crate::data::Dataset;
use crate::nn::mlp::Mlp;

/// Lanes (examples) of the R-forward and `R h̄` kernels, and side of the `R W̄` tiles.
const T: usize = 4;
/// Outputs per tile of the R-forward kernel.
const O: usize = 4;

/// The mean-loss Hessian of an [`Mlp`] at fixed parameters on a fixed dataset, as an operator
/// `v ↦ H v` (see the module docs).
#[derive(Clone, Debug)]
pub struct BatchHessian {
    mlp: Mlp,
    params: Vec<f64>,
    /// Number of examples `N`, and the lane capacity (`N` rounded up to a multiple of [`T`]).
    n: usize,
    cap: usize,
    /// `J = (1/N) Σ_b ℓ_b`, as [`crate::nn::hessian::hvp`] returns it.
    loss: f64,
    /// `h_k` feature-major `[n_k][cap]`, k = 0 … L−1 (`h₀ = x`; padding lanes zero).
    h: Vec<Vec<f64>>,
    /// `φ'(z_k)` and `h̄_k ⊙ φ''(z_k)` (`h̄_k = W_{k+1}ᵀ z̄_{k+1}`; the reference's `h̄·φ''`, the
    /// first product of `h̄·φ''·R z`), feature-major, hidden k (index 0 unused).
    d1: Vec<Vec<f64>>,
    dhd2: Vec<Vec<f64>>,
    /// `z̄_l` feature-major `[n_l][cap]`, l = 1 … L (index 0 unused).
    dz: Vec<Vec<f64>>,
    /// `z̄_l/N` example-major `[N][n_l]`, l = 1 … L (index 0 unused).
    sdz_t: Vec<Vec<f64>>,
    /// `ℓ''(f_b)`.
    curv: Vec<f64>,
    /// Per-product scratch: `R h_k`, `R z_k`, `R z̄_k` feature-major; `R z̄/N` example-major.
    rh: Vec<Vec<f64>>,
    rz: Vec<Vec<f64>>,
    rdz: Vec<Vec<f64>>,
    srdz_t: Vec<f64>,
    /// With [`BatchHessian::factored`]: `M[o][i][j] = Σ_b (z̄₂[o][b]/N)·φ'(z₁[i][b])·x̃[j][b]`
    /// (`x̃ = (x, 1)`), row-major `[n₂][n₁·(n₀+1)]`; empty otherwise.
    m: Vec<f64>,
}

/// Largest `n₀ + 1` for which the products through the first hidden layer are factored (see
/// [`BatchHessian::factored`]).
const FACTORED_INPUTS: usize = 4;

impl BatchHessian {
    /// The operator for `mlp` (scalar output) at `params` on `data`; runs the forward pass and
    /// the `v`-independent backward quantities.
    pub fn new(mlp: &Mlp, params: &[f64], data: &Dataset) -> Self {
        let widths = mlp.widths();
        let last = mlp.layers();
        assert_eq!(widths[last], 1, "scalar output");
        assert_eq!(params.len(), mlp.num_params(), "parameter count");
        let n = data.len();
        let cap = n.div_ceil(T) * T;
        // Feature-major buffers for the layers k with keep(k) (empty for the others).
        let per = |keep: fn(usize, usize) -> bool| -> Vec<Vec<f64>> {
            let len = |(k, &w): (usize, &usize)| if keep(k, last) { w * cap } else { 0 };
            widths
                .iter()
                .enumerate()
                .map(|e| vec![0.0; len(e)])
                .collect()
        };
        let [below_last, above_input, hidden]: [fn(usize, usize) -> bool; 3] =
            [|k, l| k < l, |k, _| k > 0, |k, l| k > 0 && k < l];
        let mut op = BatchHessian {
            mlp: mlp.clone(),
            params: params.to_vec(),
            n,
            cap,
            loss: 0.0,
            h: per(below_last),
            d1: per(hidden),
            dhd2: per(hidden),
            dz: per(above_input),
            sdz_t: widths.iter().map(|&w| vec![0.0; w * n]).collect(),
            curv: vec![0.0; cap],
            rh: per(hidden),
            rz: per(above_input),
            rdz: per(above_input),
            srdz_t: vec![0.0; widths.iter().max().unwrap_or(&1) * n.max(FACTORED_INPUTS)],
            m: Vec::new(),
        };
        if n > 0 {
            op.prepare(data);
        }
        op
    }

    /// `J = (1/N) Σ_b ℓ(f(x_b), t_b)`, bit-identical to the value [`crate::nn::hessian::hvp`]
    /// returns (0 for an empty dataset).
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// Whether the two products that involve `R h₁` or `V₂ᵀ z̄₂` go through the cached `M` (at
    /// least one hidden layer, `n₀ + 1 ≤ 4` inputs).
    /// `R z₁ = Ṽ₁ x̃` has rank `n₀ + 1` over the batch, so
    ///
    /// ```text
    /// Σ_b (z̄₂[o][b]/N)·R h₁[i][b]                 = Σ_j Ṽ₁[i][j]·M[o][i][j]   (R W̄₂, second term)
    /// Σ_b ((V₂ᵀ z̄₂)[i][b]·φ'(z₁[i][b])/N)·x̃[j][b] = Σ_o V₂[o][i]·M[o][i][j]   (R W̄₁, R b̄₁: V₂ term)
    /// ```
    ///
    /// replace two `n₂ × n₁ × N` products per HVP by two `n₂ × n₁ × (n₀+1)` ones (`M` costs one
    /// `n₂ × n₁(n₀+1) × N` product once). The sums are then in a different order from
    /// [`crate::nn::hessian::hvp`]: equal to rounding (tested to 1e-12 of `‖Hv‖`), not bit for bit.
    /// Otherwise every product keeps the reference's order and bits.
    pub fn factored(&self) -> bool {
        !self.m.is_empty()
    }

    /// The forward pass and the adjoints, in the reference's expressions.
    fn prepare(&mut self, data: &Dataset) {
        let (n, cap) = (self.n, self.cap);
        let widths = self.mlp.widths().to_vec();
        let last = self.mlp.layers();
        let n0 = widths[0];
        for b in 0..n {
            let x = data.input(b);
            for i in 0..n0 {
                self.h[0][i * cap + b] = x[i];
            }
        }
        let act = self.mlp.activation;
        let mut z = vec![0.0; widths[1..].iter().max().unwrap_or(&1) * cap];
        for l in 1..=last {
            let (n_in, n_out) = (widths[l - 1], widths[l]);
            let w = &self.params[self.mlp.weight_offset(l)..][..n_out * (n_in + 1)];
            // z[o][b] = b[o] + dot(W[o], h_b): the R-forward kernel with V = W and no R h term.
            r_forward_layer(w, None, n_in, n_out, &self.h[l - 1], None, &mut z, cap);
            if l == last {
                break;
            }
            for j in 0..n_out * cap {
                let a = act.value(z[j]);
                self.h[l][j] = a;
                self.d1[l][j] = act.derivative(z[j], a);
                // φ'' for now; times h̄ below.
                self.dhd2[l][j] = act.second_derivative(a);
            }
        }
        let (loss, weight) = (self.mlp.loss, 1.0 / n as f64);
        let mut total = 0.0;
        for b in 0..n {
            let (f, t) = (z[b], data.targets[b]);
            self.dz[last][b] = loss.derivative(f, t);
            self.curv[b] = loss.curvature(f);
            total += loss.value(f, t);
        }
        self.loss = total * weight;
        let dh = &mut z;
        let factored = last >= 2 && n0 < FACTORED_INPUTS;
        for l in (1..=last).rev() {
            let (n_in, n_out) = (widths[l - 1], widths[l]);
            for b in 0..n {
                for o in 0..n_out {
                    self.sdz_t[l][b * n_out + o] = weight * self.dz[l][o * cap + b];
                }
            }
            if l == 1 {
                break;
            }
            // h̄[i] = Σ_o W[o][i]·z̄[o] (ascending o from 0), z̄_{l−1} = h̄ ⊙ φ'.
            let w = &self.params[self.mlp.weight_offset(l)..][..n_out * n_in];
            let k = l - 1;
            let (lower, upper) = self.dz.split_at_mut(l);
            input_adjoint(
                (w, &upper[0]),
                None,
                n_in,
                n_out,
                cap,
                &mut dh[..n_in * cap],
            );
            let (dz, d1, dhd2) = (&mut lower[k], &self.d1[k], &mut self.dhd2[k]);
            for j in 0..n_in * cap {
                dz[j] = dh[j] * d1[j];
                dhd2[j] *= dh[j];
            }
        }
        if factored {
            // M[o][i·(n₀+1) + j] = Σ_b (z̄₂[o][b]/N)·(φ'(z₁[i][b])·x̃[j][b]), ascending b.
            let (n1, n2, nx) = (widths[1], widths[2], n0 + 1);
            let mut px = vec![0.0; n1 * nx * cap];
            for i in 0..n1 {
                for j in 0..nx {
                    for b in 0..n {
                        let x = if j < n0 { self.h[0][j * cap + b] } else { 1.0 };
                        px[(i * nx + j) * cap + b] = self.d1[1][i * cap + b] * x;
                    }
                }
            }
            self.m = vec![0.0; n2 * n1 * nx];
            weight_r_product(&self.sdz_t[2], None, &px, n, n1 * nx, n2, cap, &mut self.m);
        }
    }

    /// `hv = H v` (overwritten): [`crate::nn::hessian::hvp`] on the same `(mlp, params, data, v)`,
    /// bit for bit unless [`BatchHessian::factored`]. An empty dataset gives `hv = 0`.
    pub fn apply(&mut self, v: &[f64], hv: &mut [f64]) {
        let p = self.params.len();
        assert!(v.len() == p && hv.len() == p, "parameter-vector length");
        hv.fill(0.0);
        let (n, cap) = (self.n, self.cap);
        if n == 0 {
            return;
        }
        let widths = self.mlp.widths().to_vec();
        let (last, n0, factored) = (self.mlp.layers(), widths[0], self.factored());
        let weight = 1.0 / n as f64;
        for l in 1..=last {
            let (n_in, n_out) = (widths[l - 1], widths[l]);
            let off = self.mlp.weight_offset(l);
            let len = n_out * (n_in + 1);
            let (w, vl) = (&self.params[off..off + len], &v[off..off + len]);
            let rh = (l > 1).then(|| &self.rh[l - 1][..]);
            r_forward_layer(
                vl,
                Some(w),
                n_in,
                n_out,
                &self.h[l - 1],
                rh,
                &mut self.rz[l],
                cap,
            );
            if l < last {
                let (rh, rz, d1) = (&mut self.rh[l], &self.rz[l], &self.d1[l]);
                rh.iter_mut()
                    .zip(rz)
                    .zip(d1)
                    .for_each(|((rh, &rz), &d1)| *rh = d1 * rz);
            }
        }
        for b in 0..n {
            self.rdz[last][b] = self.curv[b] * self.rz[last][b];
        }
        for l in (1..=last).rev() {
            let (n_in, n_out) = (widths[l - 1], widths[l]);
            let off = self.mlp.weight_offset(l);
            let srdz_t = &mut self.srdz_t[..n * n_out];
            for b in 0..n {
                for o in 0..n_out {
                    srdz_t[b * n_out + o] = weight * self.rdz[l][o * cap + b];
                }
            }
            let (hw, hb) = hv[off..off + n_out * (n_in + 1)].split_at_mut(n_out * n_in);
            let factored_here = factored && l == 2;
            let second =
                (l > 1 && !factored_here).then(|| (&self.sdz_t[l][..], &self.rh[l - 1][..]));
            weight_r_product(srdz_t, second, &self.h[l - 1], n, n_in, n_out, cap, hw);
            for b in 0..n {
                for o in 0..n_out {
                    hb[o] += srdz_t[b * n_out + o];
                }
            }
            if factored_here {
                // R W̄₂[o][i] += Σ_j Ṽ₁[i][j]·M[o][i][j] (the z̄₂ R h₁ᵀ term).
                let v1 = &v[self.mlp.weight_offset(1)..][..n_in * (n0 + 1)];
                let nx = n0 + 1;
                for o in 0..n_out {
                    let m = &self.m[o * n_in * nx..(o + 1) * n_in * nx];
                    for i in 0..n_in {
                        let mut s = 0.0;
                        for j in 0..n0 {
                            s += v1[i * n0 + j] * m[i * nx + j];
                        }
                        s += v1[n_in * n0 + i] * m[i * nx + n0];
                        hw[o * n_in + i] += s;
                    }
                }
            }
            if l == 1 {
                if factored {
                    // R W̄₁[i][j] += Σ_o V₂[o][i]·M[o][i][j], R b̄₁[i] += Σ_o V₂[o][i]·M[o][i][n₀].
                    let (n1, n2, nx) = (widths[1], widths[2], n0 + 1);
                    let v2 = &v[self.mlp.weight_offset(2)..][..n2 * n1];
                    let acc = &mut self.srdz_t[..n1 * nx];
                    acc.fill(0.0);
                    for o in 0..n2 {
                        let m = &self.m[o * n1 * nx..(o + 1) * n1 * nx];
                        for i in 0..n1 {
                            for j in 0..nx {
                                acc[i * nx + j] += v2[o * n1 + i] * m[i * nx + j];
                            }
                        }
                    }
                    for i in 0..n1 {
                        for j in 0..n0 {
                            hw[i * n0 + j] += acc[i * nx + j];
                        }
                        hb[i] += acc[i * nx + n0];
                    }
                }
                break;
            }
            let k = l - 1;
            let (w, vw) = (
                &self.params[off..off + n_out * n_in],
                &v[off..off + n_out * n_in],
            );
            let (lower, upper) = self.rdz.split_at_mut(l);
            // R h̄ into rdz[k], then R z̄_k = R h̄ ⊙ φ' + (h̄ ⊙ φ'') ⊙ R z_k in place.
            let rdz = &mut lower[k];
            if factored && l == 2 {
                // Wᵀ R z̄ only: the Vᵀ z̄ term reaches R W̄₁ through M.
                input_adjoint((w, &upper[0]), None, n_in, n_out, cap, rdz);
            } else {
                let second = Some((w, &upper[0][..]));
                input_adjoint((vw, &self.dz[l]), second, n_in, n_out, cap, rdz);
            }
            let (d1, dhd2, rz) = (&self.d1[k], &self.dhd2[k], &self.rz[k]);
            for j in 0..n_in * cap {
                rdz[j] = rdz[j] * d1[j] + dhd2[j] * rz[j];
            }
        }
    }
}

/// The (R-)forward kernel of one layer, lanes over the batch: with `w = Some(W)`,
/// `rz[o][b] = (c[o] + dot(V[o], h[·][b])) + dot(W[o], rh[·][b])` (the second product replaced
/// by `+ 0.0` when `rh` is `None`, as the reference does for the first layer); with `w = None`
/// (the plain forward pass), `rz[o][b] = c[o] + dot(V[o], h[·][b])`. `v` is the layer's slice
/// `[V row-major, c]`, `w` the same slice of `θ`; each `dot` in [`crate::nn::mlp::dot`]'s order.
/// Every lane `b < cap` is computed, in tiles of [`O`] outputs × [`T`] lanes.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn r_forward_layer(
    v: &[f64],
    w: Option<&[f64]>,
    n_in: usize,
    n_out: usize,
    h: &[f64],
    rh: Option<&[f64]>,
    rz: &mut [f64],
    cap: usize,
) {
    let o_full = n_out / O * O;
    for b0 in (0..cap).step_by(T) {
        for o0 in (0..o_full).step_by(O) {
            let out = r_forward_tile::<O>(v, w, n_in, n_out, o0, h, rh, cap, b0);
            for oo in 0..O {
                rz[(o0 + oo) * cap + b0..][..T].copy_from_slice(&out[oo]);
            }
        }
        for o in o_full..n_out {
            let out = r_forward_tile::<1>(v, w, n_in, n_out, o, h, rh, cap, b0);
            rz[o * cap + b0..][..T].copy_from_slice(&out[0]);
        }
    }
}

/// Outputs `o0 … o0 + K − 1` of [`r_forward_layer`] for the lanes `b0 … b0 + T − 1`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn r_forward_tile<const K: usize>(
    v: &[f64],
    w: Option<&[f64]>,
    n_in: usize,
    n_out: usize,
    o0: usize,
    h: &[f64],
    rh: Option<&[f64]>,
    cap: usize,
    b0: usize,
) -> [[f64; T]; K] {
    let dv = dot_tile::<K>(&v[o0 * n_in..(o0 + K) * n_in], n_in, h, cap, b0);
    let mut out = [[0.0; T]; K];
    for k in 0..K {
        for t in 0..T {
            out[k][t] = v[n_out * n_in + o0 + k] + dv[k][t];
        }
    }
    if let Some(w) = w {
        let dw = match rh {
            Some(rh) => dot_tile::<K>(&w[o0 * n_in..(o0 + K) * n_in], n_in, rh, cap, b0),
            None => [[0.0; T]; K],
        };
        for k in 0..K {
            for t in 0..T {
                out[k][t] += dw[k][t];
            }
        }
    }
    out
}

/// `dot(rows[k], a[·][b0 + t])` for the `K` rows (row-major `K × n_in`) and the [`T`] lanes,
/// in [`crate::nn::mlp::dot`]'s order: the four partial sums `s_p = Σ_c row[4c+p]·a[4c+p]`
/// (ascending `c`) are accumulated one after the other, so a tile of `K × T` sums stays in
/// registers and each loaded `a` vector serves `K` rows; then `(s₀+s₁)+(s₂+s₃)` and the tail.
#[inline(always)]
fn dot_tile<const K: usize>(
    rows: &[f64],
    n_in: usize,
    a: &[f64],
    cap: usize,
    b0: usize,
) -> [[f64; T]; K] {
    let chunks = n_in / 4;
    let mut s = [[[0.0f64; T]; K]; 4];
    for p in 0..4 {
        let mut acc = [[0.0f64; T]; K];
        for c in 0..chunks {
            let i = 4 * c + p;
            let col = &a[i * cap + b0..][..T];
            for k in 0..K {
                let wi = rows[k * n_in + i];
                for t in 0..T {
                    acc[k][t] += wi * col[t];
                }
            }
        }
        s[p] = acc;
    }
    let mut total = [[0.0f64; T]; K];
    for k in 0..K {
        for t in 0..T {
            total[k][t] = (s[0][k][t] + s[1][k][t]) + (s[2][k][t] + s[3][k][t]);
        }
    }
    for i in 4 * chunks..n_in {
        let col = &a[i * cap + b0..][..T];
        for k in 0..K {
            let wi = rows[k * n_in + i];
            for t in 0..T {
                total[k][t] += wi * col[t];
            }
        }
    }
    total
}

/// `out[i][b] = Σ_o (W₁[o][i]·A₁[o][b] + W₂[o][i]·A₂[o][b])`, ascending `o` from 0, for every
/// lane `b < cap` (`R h̄ = Vᵀ z̄ + Wᵀ R z̄` with `first = (V, z̄)`, `second = (W, R z̄)`); without
/// `second`, `Σ_o W₁[o][i]·A₁[o][b]` (`h̄ = Wᵀ z̄`). `W` are `n_out × n_in` weight blocks, `A`
/// feature-major `[n_out][cap]`. Tiles of 4 inputs × [`T`] lanes in registers.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn input_adjoint(
    first: (&[f64], &[f64]),
    second: Option<(&[f64], &[f64])>,
    n_in: usize,
    n_out: usize,
    cap: usize,
    out: &mut [f64],
) {
    const I: usize = 4;
    let (w1, a1) = first;
    let i_full = n_in / I * I;
    for b0 in (0..cap).step_by(T) {
        for i0 in (0..i_full).step_by(I) {
            let mut acc = [[0.0f64; T]; I];
            match second {
                Some((w2, a2)) => {
                    for o in 0..n_out {
                        let (x1, x2) = (&a1[o * cap + b0..][..T], &a2[o * cap + b0..][..T]);
                        let (r1, r2) = (&w1[o * n_in + i0..][..I], &w2[o * n_in + i0..][..I]);
                        for ii in 0..I {
                            for t in 0..T {
                                acc[ii][t] += r1[ii] * x1[t] + r2[ii] * x2[t];
                            }
                        }
                    }
                }
                None => {
                    for o in 0..n_out {
                        let x1 = &a1[o * cap + b0..][..T];
                        let r1 = &w1[o * n_in + i0..][..I];
                        for ii in 0..I {
                            for t in 0..T {
                                acc[ii][t] += r1[ii] * x1[t];
                            }
                        }
                    }
                }
            }
            for ii in 0..I {
                out[(i0 + ii) * cap + b0..][..T].copy_from_slice(&acc[ii]);
            }
        }
        for i in i_full..n_in {
            let mut acc = [0.0f64; T];
            for o in 0..n_out {
                let x1 = &a1[o * cap + b0..][..T];
                match second {
                    Some((w2, a2)) => {
                        let x2 = &a2[o * cap + b0..][..T];
                        let (r1, r2) = (w1[o * n_in + i], w2[o * n_in + i]);
                        for t in 0..T {
                            acc[t] += r1 * x1[t] + r2 * x2[t];
                        }
                    }
                    None => {
                        let r1 = w1[o * n_in + i];
                        for t in 0..T {
                            acc[t] += r1 * x1[t];
                        }
                    }
                }
            }
            out[i * cap + b0..][..T].copy_from_slice(&acc);
        }
    }
}

/// `hw[o][i] = Σ_{b<n} (srdz_t[b][o]·h[i][b] + sdz_t[b][o]·rh[i][b])`, ascending `b` from 0
/// (overwriting `hw`); without `second = (sdz_t, rh)` (the first layer, `R h₀ = 0`) just
/// `Σ_b srdz_t[b][o]·h[i][b]`. `srdz_t`, `sdz_t` are example-major `[n][n_out]`, `h`, `rh`
/// feature-major `[n_in][cap]`. Tiles of 4 outputs (lanes) × 4 inputs in registers.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn weight_r_product(
    srdz_t: &[f64],
    second: Option<(&[f64], &[f64])>,
    h: &[f64],
    n: usize,
    n_in: usize,
    n_out: usize,
    cap: usize,
    hw: &mut [f64],
) {
    const I: usize = 4;
    let (o_full, i_full) = (n_out / O * O, n_in / I * I);
    for o0 in (0..o_full).step_by(O) {
        for i0 in (0..i_full).step_by(I) {
            let mut acc = [[0.0f64; O]; I];
            match second {
                Some((sdz_t, rh)) => {
                    for b in 0..n {
                        let r = &srdz_t[b * n_out + o0..][..O];
                        let d = &sdz_t[b * n_out + o0..][..O];
                        for ii in 0..I {
                            let (hb, rhb) = (h[(i0 + ii) * cap + b], rh[(i0 + ii) * cap + b]);
                            for oo in 0..O {
                                acc[ii][oo] += r[oo] * hb + d[oo] * rhb;
                            }
                        }
                    }
                }
                None => {
                    for b in 0..n {
                        let r = &srdz_t[b * n_out + o0..][..O];
                        for ii in 0..I {
                            let hb = h[(i0 + ii) * cap + b];
                            for oo in 0..O {
                                acc[ii][oo] += r[oo] * hb;
                            }
                        }
                    }
                }
            }
            for ii in 0..I {
                for oo in 0..O {
                    hw[(o0 + oo) * n_in + i0 + ii] = acc[ii][oo];
                }
            }
        }
    }
    // Tails: single outputs, same order.
    for o in 0..n_out {
        for i in 0..n_in {
            if o < o_full && i < i_full {
                continue;
            }
            let mut s = 0.0;
            match second {
                Some((sdz_t, rh)) => {
                    for b in 0..n {
                        s += srdz_t[b * n_out + o] * h[i * cap + b]
                            + sdz_t[b * n_out + o] * rh[i * cap + b];
                    }
                }
                None => {
                    for b in 0..n {
                        s += srdz_t[b * n_out + o] * h[i * cap + b];
                    }
                }
            }
            hw[o * n_in + i] = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::hessian::hvp;
    use crate::nn::mlp::{Activation, Loss};
    use crate::rng::SeededRng;

    fn data(n: usize, dim: usize, classification: bool, seed: u64) -> Dataset {
        crate::test_data::random_dataset(n, dim, classification, seed, 7)
    }

    fn params(mlp: &Mlp, seed: u64) -> Vec<f64> {
        crate::test_data::perturbed_params(mlp, seed, 3)
    }

    #[test]
    fn batched_hvp_matches_the_per_example_reference() {
        // Widths and batch sizes with tails (not multiples of 4), both activations and losses,
        // zero to three hidden layers; n₀ ≤ 3 with a hidden layer takes the factored path
        // (equal to 1e-12 of ‖Hv‖), the others keep the reference's bits.
        let cases: [(&[usize], Activation, Loss, usize, bool); 11] = [
            (&[2, 64, 64, 1], Activation::Tanh, Loss::Squared, 37, true),
            (&[2, 6, 5, 1], Activation::Tanh, Loss::Squared, 13, true),
            (&[3, 7, 1], Activation::Tanh, Loss::CrossEntropy, 9, true),
            (&[2, 9, 11, 1], Activation::Relu, Loss::Squared, 6, true),
            (&[1, 5, 1], Activation::Tanh, Loss::CrossEntropy, 1, true),
            (
                &[2, 4, 8, 3, 1],
                Activation::Relu,
                Loss::CrossEntropy,
                16,
                true,
            ),
            (
                &[5, 8, 3, 6, 1],
                Activation::Relu,
                Loss::CrossEntropy,
                21,
                false,
            ),
            (
                &[4, 9, 6, 1],
                Activation::Tanh,
                Loss::CrossEntropy,
                11,
                false,
            ),
            (&[6, 5, 1], Activation::Relu, Loss::Squared, 7, false),
            (&[4, 1], Activation::Relu, Loss::Squared, 3, false),
            (&[2, 1], Activation::Tanh, Loss::CrossEntropy, 5, false),
        ];
        for (k, (widths, act, loss, n, factored)) in cases.into_iter().enumerate() {
            let mlp = Mlp::new(widths, act, loss);
            let d = data(n, widths[0], loss == Loss::CrossEntropy, k as u64);
            let p = params(&mlp, k as u64 + 10);
            let mut op = BatchHessian::new(&mlp, &p, &d);
            assert_eq!(op.factored(), factored, "{widths:?}");
            let np = mlp.num_params();
            let (mut hv, mut reference) = (vec![0.0; np], vec![0.0; np]);
            for seed in 0..3 {
                let mut rng = SeededRng::new(seed, 11);
                let v: Vec<f64> = (0..np).map(|_| rng.normal()).collect();
                let j = hvp(&mlp, &p, &d, &v, &mut reference);
                op.apply(&v, &mut hv);
                assert_eq!(j.to_bits(), op.loss().to_bits(), "{widths:?} loss");
                if factored {
                    let norm = reference.iter().map(|x| x * x).sum::<f64>().sqrt();
                    let diff = hv.iter().zip(&reference);
                    let err = diff.map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt();
                    assert!(err <= 1e-12 * norm, "{widths:?} {act:?} {loss:?}: {err:e}");
                } else {
                    for (a, b) in hv.iter().zip(&reference) {
                        assert_eq!(a.to_bits(), b.to_bits(), "{widths:?} {act:?} {loss:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn empty_dataset_gives_zero() {
        let mlp = Mlp::new(&[2, 3, 1], Activation::Tanh, Loss::Squared);
        let p = params(&mlp, 1);
        let mut op = BatchHessian::new(&mlp, &p, &Dataset::new(2));
        let mut hv = vec![1.0; mlp.num_params()];
        op.apply(&vec![1.0; mlp.num_params()], &mut hv);
        assert!(hv.iter().all(|&x| x == 0.0) && op.loss() == 0.0);
    }
}
