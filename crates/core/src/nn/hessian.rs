//! Exact curvature products for [`Mlp`]: Hessian–vector products by Pearlmutter's R-operator
//! (forward-over-reverse), Gauss–Newton–vector products, and the Jacobians of the output with
//! respect to the parameters and to the input (Grosse, Lecture 8, "Sharp and Flat Minima";
//! SCIENCE.md §0 and §1; Pearlmutter 1994, "Fast exact multiplication by the Hessian").
//!
//! No dropout: these are the curvature of the plain network `z_l = W_l h_{l−1} + b_l`,
//! `h_l = φ(z_l)` (`h₀ = x`), scalar output `f = z_L`, per-example loss `ℓ_i = ℓ(f(x_i), t_i)`
//! and mean loss `J = (1/N) Σ_i ℓ_i`, with the parameter order of [`Mlp`]
//! (`[W₁ row-major, b₁, W₂, b₂, …]`).
//!
//! For a direction `v = (V_l, c_l)` the R-operator `R{·} = d/dε (·)(θ + εv)|₀` gives
//!
//! ```text
//! forward:   R z_l = V_l h_{l−1} + W_l R h_{l−1} + c_l,      R h_l = φ'(z_l) ⊙ R z_l   (R h₀ = 0)
//! backward:  z̄_L = ℓ'(f),  R z̄_L = ℓ''(f) R f
//!            R W̄_l = R z̄_l h_{l−1}ᵀ + z̄_l (R h_{l−1})ᵀ,      R b̄_l = R z̄_l
//!            h̄_{l−1} = W_lᵀ z̄_l,  R h̄_{l−1} = V_lᵀ z̄_l + W_lᵀ R z̄_l
//!            R z̄_{l−1} = R h̄_{l−1} ⊙ φ'(z_{l−1}) + h̄_{l−1} ⊙ φ''(z_{l−1}) ⊙ R z_{l−1}
//! ```
//!
//! and `R{∇ℓ_i} = ∇²ℓ_i v` exactly (to rounding), at about 3–4× the cost of a gradient. The
//! Gauss–Newton product `G_i v = J_iᵀ ℓ''(f) J_i v` (`J_i = ∂f(x_i)/∂θ`) is the R-forward pass
//! (`J_i v = R f`) followed by an ordinary backward pass of `ℓ''·R f`. With the mean loss,
//! `H = (1/N) Σ_i ∇²ℓ_i` and `G = (1/N) Σ_i J_iᵀ ℓ'' J_i` (SCIENCE.md §1).
//!
//! ReLU has `φ'' = 0` away from its kink, so the Hessian is exact within a fixed activation
//! pattern (SCIENCE.md §1). Loops run in a fixed order with [`dot`] and `libm`, so results are
//! bit-identical natively and in WebAssembly.

// Index loops follow the formulas (W[o][i] …) and are kept as written.
#![allow(clippy::needless_range_loop)]

use crate::data::Dataset;
use crate::nn::mlp::{dot, Mlp};

/// Per-example buffers for the passes of this module (one per thread; reused across examples).
#[derive(Clone, Debug)]
pub struct CurvatureTape {
    /// `h_k`, k = 0 … L−1 (`h₀ = x`).
    h: Vec<Vec<f64>>,
    /// `z_k`, k = 1 … L (index 0 unused).
    z: Vec<Vec<f64>>,
    /// `φ'(z_k)` and `φ''(z_k)` for hidden k.
    d1: Vec<Vec<f64>>,
    d2: Vec<Vec<f64>>,
    /// `R h_k`, `R z_k`.
    rh: Vec<Vec<f64>>,
    rz: Vec<Vec<f64>>,
    /// Adjoints `z̄_k`, `R z̄_k` and scratch `h̄`, `R h̄`.
    dz: Vec<Vec<f64>>,
    rdz: Vec<Vec<f64>>,
    dh: Vec<f64>,
    rdh: Vec<f64>,
}

impl CurvatureTape {
    /// Buffers for `mlp`.
    pub fn new(mlp: &Mlp) -> Self {
        let per = || {
            mlp.widths()
                .iter()
                .map(|&w| vec![0.0; w])
                .collect::<Vec<_>>()
        };
        let widest = *mlp.widths().iter().max().unwrap_or(&1);
        CurvatureTape {
            h: per(),
            z: per(),
            d1: per(),
            d2: per(),
            rh: per(),
            rz: per(),
            dz: per(),
            rdz: per(),
            dh: vec![0.0; widest],
            rdh: vec![0.0; widest],
        }
    }
}

/// Forward pass, storing `h`, `z`, `φ'`, `φ''`; with `v = Some(v)` also the R-forward pass.
/// Returns `(f, R f)` (`R f = 0` without `v`).
fn forward(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    v: Option<&[f64]>,
    tape: &mut CurvatureTape,
) -> (f64, f64) {
    let widths = mlp.widths();
    let last = mlp.layers();
    tape.h[0].copy_from_slice(&x[..widths[0]]);
    tape.rh[0].fill(0.0);
    for l in 1..=last {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let off = mlp.weight_offset(l);
        let w = &params[off..off + n_out * (n_in + 1)];
        {
            let (h, z) = (&tape.h[l - 1], &mut tape.z[l]);
            for o in 0..n_out {
                z[o] = w[n_out * n_in + o] + dot(&w[o * n_in..(o + 1) * n_in], h);
            }
        }
        if let Some(v) = v {
            let vw = &v[off..off + n_out * (n_in + 1)];
            let (h, rh, rz) = (&tape.h[l - 1], &tape.rh[l - 1], &mut tape.rz[l]);
            for o in 0..n_out {
                let row = o * n_in..(o + 1) * n_in;
                rz[o] = vw[n_out * n_in + o]
                    + dot(&vw[row.clone()], h)
                    + if l > 1 { dot(&w[row], rh) } else { 0.0 };
            }
        }
        if l == last {
            break;
        }
        let act = mlp.activation;
        for j in 0..n_out {
            let z = tape.z[l][j];
            let a = act.value(z);
            tape.h[l][j] = a;
            tape.d1[l][j] = act.derivative(z, a);
            tape.d2[l][j] = act.second_derivative(a);
            if v.is_some() {
                tape.rh[l][j] = tape.d1[l][j] * tape.rz[l][j];
            }
        }
    }
    let rf = if v.is_some() { tape.rz[last][0] } else { 0.0 };
    (tape.z[last][0], rf)
}

/// Ordinary backward pass of `z̄_L = dz_out` after [`forward`], adding `scale·∂(dz_out·f)/∂θ`
/// (i.e. the gradient of `dz_out·f`, times `scale`) to `out`.
fn backward(mlp: &Mlp, params: &[f64], tape: &mut CurvatureTape, dz_out: f64, out: &mut [f64]) {
    let widths = mlp.widths();
    let last = mlp.layers();
    tape.dz[last][0] = dz_out;
    for l in (1..=last).rev() {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let off = mlp.weight_offset(l);
        {
            let (dz, h) = (&tape.dz[l], &tape.h[l - 1]);
            let (gw, gb) = out[off..off + n_out * (n_in + 1)].split_at_mut(n_out * n_in);
            for (row, &d) in gw.chunks_exact_mut(n_in).zip(dz) {
                if d != 0.0 {
                    row.iter_mut().zip(h).for_each(|(g, &h)| *g += d * h);
                }
            }
            gb.iter_mut().zip(dz).for_each(|(g, &d)| *g += d);
        }
        if l > 1 {
            let w = &params[off..off + n_out * n_in];
            let (lower, upper) = tape.dz.split_at_mut(l);
            let (dz, below) = (&upper[0], &mut lower[l - 1]);
            below.fill(0.0);
            for (row, &d) in w.chunks_exact(n_in).zip(dz.iter()) {
                if d != 0.0 {
                    below.iter_mut().zip(row).for_each(|(g, &w)| *g += w * d);
                }
            }
            below
                .iter_mut()
                .zip(&tape.d1[l - 1])
                .for_each(|(g, &d)| *g *= d);
        }
    }
}

/// R-backward after an R-forward pass: adds `scale·R{∇ℓ}` to `hv` and, if given, `scale·∇ℓ`
/// to `grad`.
#[allow(clippy::too_many_arguments)]
fn r_backward(
    mlp: &Mlp,
    params: &[f64],
    v: &[f64],
    tape: &mut CurvatureTape,
    dz_out: f64,
    rdz_out: f64,
    scale: f64,
    hv: &mut [f64],
    mut grad: Option<&mut [f64]>,
) {
    let widths = mlp.widths();
    let last = mlp.layers();
    tape.dz[last][0] = dz_out;
    tape.rdz[last][0] = rdz_out;
    for l in (1..=last).rev() {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let off = mlp.weight_offset(l);
        let len = n_out * (n_in + 1);
        {
            let (dz, rdz) = (&tape.dz[l], &tape.rdz[l]);
            let (h, rh) = (&tape.h[l - 1], &tape.rh[l - 1]);
            let (hw, hb) = hv[off..off + len].split_at_mut(n_out * n_in);
            for o in 0..n_out {
                let (d, rd) = (scale * dz[o], scale * rdz[o]);
                let row = &mut hw[o * n_in..(o + 1) * n_in];
                if l > 1 {
                    for i in 0..n_in {
                        row[i] += rd * h[i] + d * rh[i];
                    }
                } else {
                    for i in 0..n_in {
                        row[i] += rd * h[i];
                    }
                }
                hb[o] += rd;
            }
            if let Some(g) = grad.as_deref_mut() {
                let (gw, gb) = g[off..off + len].split_at_mut(n_out * n_in);
                for o in 0..n_out {
                    let d = scale * dz[o];
                    gw[o * n_in..(o + 1) * n_in]
                        .iter_mut()
                        .zip(h)
                        .for_each(|(g, &h)| *g += d * h);
                    gb[o] += d;
                }
            }
        }
        if l > 1 {
            let w = &params[off..off + n_out * n_in];
            let vw = &v[off..off + n_out * n_in];
            let (dh, rdh) = (&mut tape.dh[..n_in], &mut tape.rdh[..n_in]);
            dh.fill(0.0);
            rdh.fill(0.0);
            {
                let (dz, rdz) = (&tape.dz[l], &tape.rdz[l]);
                for o in 0..n_out {
                    let (d, rd) = (dz[o], rdz[o]);
                    let (wr, vr) = (&w[o * n_in..(o + 1) * n_in], &vw[o * n_in..(o + 1) * n_in]);
                    for i in 0..n_in {
                        dh[i] += wr[i] * d;
                        rdh[i] += vr[i] * d + wr[i] * rd;
                    }
                }
            }
            let k = l - 1;
            for i in 0..n_in {
                let (d1, d2, rz) = (tape.d1[k][i], tape.d2[k][i], tape.rz[k][i]);
                tape.dz[k][i] = dh[i] * d1;
                tape.rdz[k][i] = rdh[i] * d1 + dh[i] * d2 * rz;
            }
        }
    }
}

/// One example's Hessian–vector product: adds `weight·∇²ℓ(f(x), t)·v` to `hv` and, if `grad`
/// is given, `weight·∇ℓ` to it; returns `ℓ(f(x), t)`. `x` has length `n₀`; `v`, `hv` and
/// `grad` have length [`Mlp::num_params`].
#[allow(clippy::too_many_arguments)]
pub fn example_hvp(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    t: f64,
    v: &[f64],
    weight: f64,
    tape: &mut CurvatureTape,
    hv: &mut [f64],
    grad: Option<&mut [f64]>,
) -> f64 {
    let (f, rf) = forward(mlp, params, x, Some(v), tape);
    let loss = mlp.loss;
    let (d, rd) = (loss.derivative(f, t), loss.curvature(f) * rf);
    r_backward(mlp, params, v, tape, d, rd, weight, hv, grad);
    loss.value(f, t)
}

/// The mean-loss Hessian–vector product `H v = (1/N) Σ_i ∇²ℓ_i v`, written to `hv` (overwritten);
/// returns `J = (1/N) Σ_i ℓ_i`. Examples are added in order, each with weight `1/N`. An empty
/// dataset gives `hv = 0` and `J = 0`.
pub fn hvp(mlp: &Mlp, params: &[f64], data: &Dataset, v: &[f64], hv: &mut [f64]) -> f64 {
    hvp_and_gradient(mlp, params, data, v, hv, None)
}

/// [`hvp`] that also writes the mean-loss gradient `∇J` to `grad` (overwritten) when given.
pub fn hvp_and_gradient(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    v: &[f64],
    hv: &mut [f64],
    mut grad: Option<&mut [f64]>,
) -> f64 {
    hv.fill(0.0);
    if let Some(g) = grad.as_deref_mut() {
        g.fill(0.0);
    }
    let n = data.len();
    if n == 0 {
        return 0.0;
    }
    let weight = 1.0 / n as f64;
    let mut tape = CurvatureTape::new(mlp);
    let mut total = 0.0;
    for i in 0..n {
        total += example_hvp(
            mlp,
            params,
            data.input(i),
            data.targets[i],
            v,
            weight,
            &mut tape,
            hv,
            grad.as_deref_mut(),
        );
    }
    total * weight
}

/// The mean-loss gradient `∇J` written to `grad` (overwritten); returns `J`.
pub fn gradient(mlp: &Mlp, params: &[f64], data: &Dataset, grad: &mut [f64]) -> f64 {
    grad.fill(0.0);
    let n = data.len();
    if n == 0 {
        return 0.0;
    }
    let weight = 1.0 / n as f64;
    let mut tape = CurvatureTape::new(mlp);
    let mut total = 0.0;
    for i in 0..n {
        let (f, _) = forward(mlp, params, data.input(i), None, &mut tape);
        let t = data.targets[i];
        backward(
            mlp,
            params,
            &mut tape,
            weight * mlp.loss.derivative(f, t),
            grad,
        );
        total += mlp.loss.value(f, t);
    }
    total * weight
}

/// One example's Gauss–Newton–vector product: adds `weight·J_iᵀ ℓ''(f) J_i v` to `gv`
/// (`J_i = ∂f(x)/∂θ`); returns `f(x)`.
#[allow(clippy::too_many_arguments)]
pub fn example_gnvp(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    v: &[f64],
    weight: f64,
    tape: &mut CurvatureTape,
    gv: &mut [f64],
) -> f64 {
    let (f, jv) = forward(mlp, params, x, Some(v), tape);
    backward(mlp, params, tape, weight * mlp.loss.curvature(f) * jv, gv);
    f
}

/// The mean-loss Gauss–Newton product `G v = (1/N) Σ_i J_iᵀ ℓ''(f_i) J_i v`, written to `gv`
/// (overwritten). For the squared loss `ℓ'' = 1` and `G = J_stackᵀ J_stack / N` (SCIENCE.md §1).
pub fn gnvp(mlp: &Mlp, params: &[f64], data: &Dataset, v: &[f64], gv: &mut [f64]) {
    gv.fill(0.0);
    let n = data.len();
    if n == 0 {
        return;
    }
    let weight = 1.0 / n as f64;
    let mut tape = CurvatureTape::new(mlp);
    for i in 0..n {
        example_gnvp(mlp, params, data.input(i), v, weight, &mut tape, gv);
    }
}

/// The parameter Jacobian of the output, `J_i = ∂f(x)/∂θ`, written to `jac` (overwritten,
/// length [`Mlp::num_params`]); returns `f(x)`.
pub fn output_gradient(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    tape: &mut CurvatureTape,
    jac: &mut [f64],
) -> f64 {
    jac.fill(0.0);
    let (f, _) = forward(mlp, params, x, None, tape);
    backward(mlp, params, tape, 1.0, jac);
    f
}

/// The input–output Jacobian `∂f/∂x` (a row of length `n₀`, the output being scalar), written to
/// `dx` (overwritten); returns `f(x)`. Its spectral norm is its Euclidean norm.
pub fn input_gradient(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    tape: &mut CurvatureTape,
    dx: &mut [f64],
) -> f64 {
    let (f, _) = forward(mlp, params, x, None, tape);
    let widths = mlp.widths();
    let last = mlp.layers();
    tape.dz[last][0] = 1.0;
    for l in (1..=last).rev() {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let off = mlp.weight_offset(l);
        let w = &params[off..off + n_out * n_in];
        let dh = &mut tape.dh[..n_in];
        dh.fill(0.0);
        for (row, &d) in w.chunks_exact(n_in).zip(tape.dz[l].iter()) {
            dh.iter_mut().zip(row).for_each(|(g, &w)| *g += w * d);
        }
        if l > 1 {
            for i in 0..n_in {
                tape.dz[l - 1][i] = dh[i] * tape.d1[l - 1][i];
            }
        } else {
            dx[..n_in].copy_from_slice(dh);
        }
    }
    f
}

/// The dense mean-loss Hessian (`P × P`, row-major, `P` = [`Mlp::num_params`]) by `P`
/// Hessian–vector products with the unit vectors, symmetrized as `(H + Hᵀ)/2` (a reference for
/// small nets and tests; cost `P` HVPs).
pub fn dense_hessian(mlp: &Mlp, params: &[f64], data: &Dataset) -> Vec<f64> {
    dense_from_products(mlp.num_params(), |v, out| {
        hvp(mlp, params, data, v, out);
    })
}

/// The dense mean-loss Gauss–Newton matrix `G` (as [`dense_hessian`], from `P` products).
pub fn dense_gauss_newton(mlp: &Mlp, params: &[f64], data: &Dataset) -> Vec<f64> {
    dense_from_products(mlp.num_params(), |v, out| gnvp(mlp, params, data, v, out))
}

fn dense_from_products(p: usize, mut product: impl FnMut(&[f64], &mut [f64])) -> Vec<f64> {
    let mut m = vec![0.0; p * p];
    let mut e = vec![0.0; p];
    let mut col = vec![0.0; p];
    for j in 0..p {
        e[j] = 1.0;
        product(&e, &mut col);
        e[j] = 0.0;
        for i in 0..p {
            m[i * p + j] = col[i];
        }
    }
    for i in 0..p {
        for j in 0..i {
            let s = 0.5 * (m[i * p + j] + m[j * p + i]);
            m[i * p + j] = s;
            m[j * p + i] = s;
        }
    }
    m
}

/// The smallest `|z|` over every hidden pre-activation of every example: how far the data are
/// from a ReLU kink (the Hessian of a ReLU net is exact only within a fixed pattern; finite
/// differences with step `ε‖v‖` need this margin well above the step, SCIENCE.md §1).
pub fn min_hidden_preactivation(mlp: &Mlp, params: &[f64], data: &Dataset) -> f64 {
    let mut tape = CurvatureTape::new(mlp);
    let mut m = f64::INFINITY;
    for i in 0..data.len() {
        forward(mlp, params, data.input(i), None, &mut tape);
        for l in 1..mlp.layers() {
            for &z in &tape.z[l] {
                m = m.min(z.abs());
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::mlp::{Activation, Loss};
    use crate::rng::SeededRng;

    fn data(n: usize, dim: usize, classification: bool, seed: u64) -> Dataset {
        crate::test_data::random_dataset(n, dim, classification, seed, 7)
    }

    fn random(p: usize, seed: u64) -> Vec<f64> {
        let mut rng = SeededRng::new(seed, 9);
        (0..p).map(|_| rng.normal()).collect()
    }

    /// Params with random biases too (so bias rows of H are exercised).
    fn params(mlp: &Mlp, seed: u64) -> Vec<f64> {
        let mut rng = SeededRng::new(seed, 3);
        let mut p = mlp.init(&mut rng);
        for x in p.iter_mut() {
            *x += 0.3 * rng.normal();
        }
        p
    }

    fn relative(a: &[f64], b: &[f64]) -> f64 {
        let diff: f64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt();
        let scale: f64 = b.iter().map(|y| y * y).sum::<f64>().sqrt();
        diff / scale.max(1e-300)
    }

    /// Central differences of the exact gradient: `(∇J(θ + εv) − ∇J(θ − εv))/(2ε)`, error
    /// O(ε²‖∇³J‖) + O(u/ε); ε = 1e-5 gives ~1e-9 relative.
    fn fd_hvp(mlp: &Mlp, p: &[f64], d: &Dataset, v: &[f64]) -> Vec<f64> {
        let eps = 1e-5;
        let n = p.len();
        let plus: Vec<f64> = (0..n).map(|j| p[j] + eps * v[j]).collect();
        let minus: Vec<f64> = (0..n).map(|j| p[j] - eps * v[j]).collect();
        let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
        gradient(mlp, &plus, d, &mut gp);
        gradient(mlp, &minus, d, &mut gm);
        (0..n).map(|j| (gp[j] - gm[j]) / (2.0 * eps)).collect()
    }

    #[test]
    fn gradient_matches_mlp_backward() {
        let mlp = Mlp::new(&[2, 5, 4, 1], Activation::Tanh, Loss::CrossEntropy);
        let p = params(&mlp, 1);
        let d = data(9, 2, true, 1);
        let mut g = vec![0.0; mlp.num_params()];
        let j = gradient(&mlp, &p, &d, &mut g);
        let drop = crate::nn::mlp::Dropout::off(mlp.layers());
        let mut tape = mlp.tape();
        let mut g2 = vec![0.0; mlp.num_params()];
        let mut j2 = 0.0;
        for i in 0..d.len() {
            j2 += mlp.example_gradient(
                &p,
                &drop,
                d.input(i),
                d.targets[i],
                None,
                1.0 / 9.0,
                &mut tape,
                &mut g2,
            );
        }
        assert!((j - j2 / 9.0).abs() < 1e-14);
        assert!(relative(&g, &g2) < 1e-13);
    }

    #[test]
    fn hvp_matches_finite_differences_of_the_gradient() {
        // tanh: smooth; ReLU: checked to be ≥ 1e-3 from every kink while the step is ~1e-4.
        for (act, loss, widths) in [
            (Activation::Tanh, Loss::Squared, vec![2, 6, 5, 1]),
            (Activation::Tanh, Loss::CrossEntropy, vec![2, 7, 1]),
            (Activation::Relu, Loss::Squared, vec![2, 3, 1]),
            (Activation::Relu, Loss::CrossEntropy, vec![3, 5, 4, 1]),
        ] {
            let mlp = Mlp::new(&widths, act, loss);
            let d = data(12, widths[0], loss == Loss::CrossEntropy, 2);
            let p = params(&mlp, 4);
            if act == Activation::Relu {
                assert!(min_hidden_preactivation(&mlp, &p, &d) > 1e-3);
            }
            for seed in 0..3 {
                let v = random(mlp.num_params(), seed);
                let mut hv = vec![0.0; mlp.num_params()];
                hvp(&mlp, &p, &d, &v, &mut hv);
                let fd = fd_hvp(&mlp, &p, &d, &v);
                let err = relative(&hv, &fd);
                assert!(err < 1e-7, "{act:?} {loss:?}: relative error {err}");
            }
        }
    }

    #[test]
    fn per_example_hvp_sums_to_the_mean_and_returns_gradient() {
        let mlp = Mlp::new(&[2, 4, 3, 1], Activation::Tanh, Loss::Squared);
        let d = data(7, 2, false, 3);
        let p = params(&mlp, 5);
        let v = random(mlp.num_params(), 8);
        let n = mlp.num_params();
        let (mut hv, mut g) = (vec![0.0; n], vec![0.0; n]);
        let j = hvp_and_gradient(&mlp, &p, &d, &v, &mut hv, Some(&mut g));
        let (mut hv2, mut g2) = (vec![0.0; n], vec![0.0; n]);
        let mut tape = CurvatureTape::new(&mlp);
        let mut total = 0.0;
        for i in 0..d.len() {
            let mut hi = vec![0.0; n];
            total += example_hvp(
                &mlp,
                &p,
                d.input(i),
                d.targets[i],
                &v,
                1.0,
                &mut tape,
                &mut hi,
                Some(&mut g2),
            );
            hv2.iter_mut().zip(&hi).for_each(|(a, b)| *a += b / 7.0);
        }
        g2.iter_mut().for_each(|g| *g /= 7.0);
        assert!((j - total / 7.0).abs() < 1e-14);
        assert!(relative(&hv, &hv2) < 1e-13 && relative(&g, &g2) < 1e-13);
        let mut g3 = vec![0.0; n];
        assert_eq!(gradient(&mlp, &p, &d, &mut g3), j);
        assert!(relative(&g, &g3) < 1e-14);
    }

    #[test]
    fn dense_hessian_is_symmetric_before_symmetrizing_and_gauss_newton_is_jtj() {
        let mlp = Mlp::new(&[2, 3, 1], Activation::Relu, Loss::Squared);
        let d = data(10, 2, false, 4);
        let p = params(&mlp, 6);
        let n = mlp.num_params();
        // Raw columns: H e_j; check H_ij = H_ji to rounding.
        let mut cols = vec![vec![0.0; n]; n];
        for j in 0..n {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            hvp(&mlp, &p, &d, &e, &mut cols[j]);
        }
        for i in 0..n {
            for j in 0..n {
                assert!((cols[j][i] - cols[i][j]).abs() < 1e-12 * (1.0 + cols[j][i].abs()));
            }
        }
        // G = (1/N) Σ J_i J_iᵀ (squared loss, ℓ'' = 1) and H = G + (1/N) Σ r_i ∇²f_i.
        let g = dense_gauss_newton(&mlp, &p, &d);
        let mut tape = CurvatureTape::new(&mlp);
        let mut jac = vec![0.0; n];
        let mut g_ref = vec![0.0; n * n];
        for i in 0..d.len() {
            output_gradient(&mlp, &p, d.input(i), &mut tape, &mut jac);
            for a in 0..n {
                for b in 0..n {
                    g_ref[a * n + b] += jac[a] * jac[b] / d.len() as f64;
                }
            }
        }
        assert!(relative(&g, &g_ref) < 1e-13);
        // Interpolating targets (t_i = f(x_i)): every r_i = 0 and H = G exactly.
        let mut d0 = d.clone();
        for i in 0..d0.len() {
            d0.targets[i] = output_gradient(&mlp, &p, d.input(i), &mut tape, &mut jac);
        }
        let h0 = dense_hessian(&mlp, &p, &d0);
        let g0 = dense_gauss_newton(&mlp, &p, &d0);
        assert!(relative(&h0, &g0) < 1e-13);
    }

    #[test]
    fn input_gradient_matches_finite_differences() {
        let mlp = Mlp::new(&[3, 5, 4, 1], Activation::Tanh, Loss::CrossEntropy);
        let p = params(&mlp, 7);
        let mut tape = CurvatureTape::new(&mlp);
        let x = [0.3, -0.7, 1.1];
        let mut dx = [0.0; 3];
        input_gradient(&mlp, &p, &x, &mut tape, &mut dx);
        let mut jac = vec![0.0; mlp.num_params()];
        for k in 0..3 {
            let (mut xp, mut xm) = (x, x);
            xp[k] += 1e-6;
            xm[k] -= 1e-6;
            let fp = output_gradient(&mlp, &p, &xp, &mut tape, &mut jac);
            let fm = output_gradient(&mlp, &p, &xm, &mut tape, &mut jac);
            let fd = (fp - fm) / 2e-6;
            assert!(
                (dx[k] - fd).abs() < 1e-8 * (1.0 + fd.abs()),
                "{k}: {} vs {fd}",
                dx[k]
            );
        }
    }
}
