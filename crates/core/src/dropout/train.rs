//! Gradient estimators of the dropout objective and estimates of its explicit regularizer
//! (Grosse, Lecture 8; SCIENCE.md §2.1 and §2.3; Wei, Kakade & Ma, ICML 2020).
//!
//! All gradients are of the batch mean `(1/B)Σ_{i∈batch}`, without weight decay (the optimizer
//! adds it), and are written (not added) into `grad`.

use super::Variant;
use crate::data::Dataset;
use crate::nn::mlp::{Dropout, Mlp, Tape};
use crate::rng::SeededRng;

/// A network: architecture, flat parameters and dropout settings.
#[derive(Clone, Copy, Debug)]
pub struct Net<'a> {
    pub mlp: &'a Mlp,
    pub params: &'a [f64],
    pub dropout: &'a Dropout,
}

/// Masks drawn per example for the MC estimate of R(w) in [`mc_regularizer`].
pub const REGULARIZER_MASKS: usize = 4;

/// Scratch buffers for the estimators (one set per net, reused every step).
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(crate) tape: Tape,
    pub(crate) explicit: ExplicitTape,
    pub(crate) mask: Vec<f64>,
    pub(crate) grad_a: Vec<f64>,
    pub(crate) grad_b: Vec<f64>,
}

impl Workspace {
    /// Buffers for `mlp`.
    pub fn new(mlp: &Mlp) -> Self {
        Workspace {
            tape: mlp.tape(),
            explicit: ExplicitTape::new(mlp),
            mask: vec![1.0; mlp.num_units()],
            grad_a: vec![0.0; mlp.num_params()],
            grad_b: vec![0.0; mlp.num_params()],
        }
    }
}

/// The mask-free gradient `(1/B)Σ ∇ℓ(f(xᵢ), tᵢ)` with test-time scaling (plain training);
/// returns the batch mean loss.
pub fn plain_gradient(
    net: Net,
    data: &Dataset,
    batch: &[usize],
    ws: &mut Workspace,
    grad: &mut [f64],
) -> f64 {
    grad.fill(0.0);
    let w = 1.0 / batch.len() as f64;
    let mut loss = 0.0;
    for &i in batch {
        loss += net.mlp.example_gradient(
            net.params,
            net.dropout,
            data.input(i),
            data.targets[i],
            None,
            w,
            &mut ws.tape,
            grad,
        );
    }
    loss * w
}

/// DROP_K: `ĝ_K = (1/(BK))Σ_{i∈batch}Σ_{k<K} ∇ℓ(f_drop(xᵢ; m_{ik}), tᵢ)` with K independent
/// fresh masks per example drawn from `rng` (example by example, k inner). The masks are
/// written to `masks` (`B·K` rows of [`Mlp::num_units`] entries, 0/1). Returns the mean
/// dropout loss over the `B·K` draws.
#[allow(clippy::too_many_arguments)]
pub fn drop_k_gradient(
    net: Net,
    data: &Dataset,
    batch: &[usize],
    k: usize,
    rng: &mut SeededRng,
    ws: &mut Workspace,
    grad: &mut [f64],
    masks: &mut Vec<f64>,
) -> f64 {
    grad.fill(0.0);
    let units = net.mlp.num_units();
    masks.resize(batch.len() * k * units, 1.0);
    let w = 1.0 / (batch.len() * k) as f64;
    let mut loss = 0.0;
    for (b, &i) in batch.iter().enumerate() {
        for kk in 0..k {
            let m = &mut masks[(b * k + kk) * units..(b * k + kk + 1) * units];
            net.dropout.sample_mask(net.mlp, rng, m);
            loss += net.mlp.example_gradient(
                net.params,
                net.dropout,
                data.input(i),
                data.targets[i],
                Some(m),
                w,
                &mut ws.tape,
                grad,
            );
        }
    }
    loss * w
}

/// The knock-in of Wei et al. (SCIENCE.md §2.3, lab construction): adds
/// `ξ = sqrt((K−1)/(2K))(g_a − g_b)` to `grad`, where `g_a`, `g_b` are DROP₁ batch gradients with
/// two more fresh masks per example from `rng`. Given the batch, `E ξ = 0`, ξ is independent of
/// `ĝ_K` and `Cov ξ = (1 − 1/K)Σ_drop`, so `ĝ_K + ξ` has DROP₁'s noise covariance `Σ_drop`.
pub fn add_knock_in_noise(
    net: Net,
    data: &Dataset,
    batch: &[usize],
    k: usize,
    rng: &mut SeededRng,
    ws: &mut Workspace,
    grad: &mut [f64],
) {
    if k <= 1 {
        return;
    }
    let c = libm::sqrt((k - 1) as f64 / (2 * k) as f64);
    let w = 1.0 / batch.len() as f64;
    ws.grad_a.fill(0.0);
    ws.grad_b.fill(0.0);
    for &i in batch {
        for g in [&mut ws.grad_a, &mut ws.grad_b] {
            net.dropout.sample_mask(net.mlp, rng, &mut ws.mask);
            let (x, t) = (data.input(i), data.targets[i]);
            net.mlp.example_gradient(
                net.params,
                net.dropout,
                x,
                t,
                Some(&ws.mask),
                w,
                &mut ws.tape,
                g,
            );
        }
    }
    for j in 0..grad.len() {
        grad[j] += c * (ws.grad_a[j] - ws.grad_b[j]);
    }
}

/// The gradient of one training rule (see [`Variant`]) on a batch, written into `grad`. Masks
/// come from `mask_rng`, knock-in masks from `knock_rng`; the masks of DROP₁/DROP_K/knock-in
/// go to `masks` (left empty for mask-free rules). Returns the batch objective: the mean
/// dropout loss, or `J + R̂` for the explicit rule, or `J`.
#[allow(clippy::too_many_arguments)]
pub fn variant_gradient(
    variant: Variant,
    k: usize,
    net: Net,
    data: &Dataset,
    batch: &[usize],
    mask_rng: &mut SeededRng,
    knock_rng: &mut SeededRng,
    ws: &mut Workspace,
    grad: &mut [f64],
    masks: &mut Vec<f64>,
) -> f64 {
    match variant {
        Variant::None => {
            masks.clear();
            plain_gradient(net, data, batch, ws, grad)
        }
        Variant::Dropout => drop_k_gradient(net, data, batch, 1, mask_rng, ws, grad, masks),
        Variant::DropK => drop_k_gradient(net, data, batch, k, mask_rng, ws, grad, masks),
        Variant::KnockIn => {
            let loss = drop_k_gradient(net, data, batch, k, mask_rng, ws, grad, masks);
            add_knock_in_noise(net, data, batch, k, knock_rng, ws, grad);
            loss
        }
        Variant::ExplicitOnly => {
            masks.clear();
            explicit_gradient(net, data, batch, ws, grad)
        }
    }
}

/// Monte Carlo estimate of the explicit regularizer at the current weights on `data`
/// (SCIENCE.md §2.1): `R(w) = (1/N)Σᵢ(E_m ℓ(f_drop(xᵢ; m), tᵢ) − ℓ(f(xᵢ), tᵢ))`, with
/// [`REGULARIZER_MASKS`] = M fresh masks per example. Returns `(R̂, SE)` with
/// `SE² = (1/N²)Σᵢ sᵢ²/M`, `sᵢ²` the sample variance of example i's M dropout losses: the SE of
/// the mask noise given the data. Zero (and SE 0) when nothing is dropped or ρ = 0.
pub fn mc_regularizer(
    net: Net,
    data: &Dataset,
    rng: &mut SeededRng,
    ws: &mut Workspace,
) -> (f64, f64) {
    let m = REGULARIZER_MASKS;
    let (mut sum, mut var) = (0.0, 0.0);
    let mut draws = [0.0; REGULARIZER_MASKS];
    for i in 0..data.len() {
        let (x, t) = (data.input(i), data.targets[i]);
        let clean = net.mlp.loss.value(
            net.mlp
                .forward(net.params, net.dropout, x, None, &mut ws.tape),
            t,
        );
        for d in draws.iter_mut() {
            net.dropout.sample_mask(net.mlp, rng, &mut ws.mask);
            let z = net
                .mlp
                .forward(net.params, net.dropout, x, Some(&ws.mask), &mut ws.tape);
            *d = net.mlp.loss.value(z, t) - clean;
        }
        let mean = draws.iter().sum::<f64>() / m as f64;
        sum += mean;
        var +=
            draws.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (m - 1) as f64 / m as f64;
    }
    let n = data.len() as f64;
    (sum / n, libm::sqrt(var) / n)
}

/// Buffers of the explicit regularizer's double backward pass.
#[derive(Clone, Debug)]
pub struct ExplicitTape {
    /// `γ_k = ∂z_L/∂h_k`, k = 0 … L−1.
    gamma: Vec<Vec<f64>>,
    /// `δ_k = ∂z_L/∂z_k`, k = 1 … L.
    delta: Vec<Vec<f64>>,
    gamma_bar: Vec<Vec<f64>>,
    delta_bar: Vec<Vec<f64>>,
    h_bar: Vec<Vec<f64>>,
    z_bar2: Vec<Vec<f64>>,
}

impl ExplicitTape {
    fn new(mlp: &Mlp) -> Self {
        let per = || {
            mlp.widths()
                .iter()
                .map(|&w| vec![0.0; w])
                .collect::<Vec<_>>()
        };
        ExplicitTape {
            gamma: per(),
            delta: per(),
            gamma_bar: per(),
            delta_bar: per(),
            h_bar: per(),
            z_bar2: per(),
        }
    }
}

/// Forward (test-time scaling) and the Jacobian pass `γ_{l−1} = W_lᵀδ_l`,
/// `δ_{l−1} = γ_{l−1} ⊙ keep_{l−1} ⊙ φ'(z_{l−1})`, `δ_L = 1`. Returns `(z_L, Q)` with
/// `Q = Σ_{k dropped}Σ_j γ_{kj}² h_{kj}²`.
fn jacobian_pass(net: Net, x: &[f64], tape: &mut Tape, e: &mut ExplicitTape) -> (f64, f64) {
    let (mlp, p) = (net.mlp, net.params);
    let z = mlp.forward(p, net.dropout, x, None, tape);
    let (last, widths) = (mlp.layers(), mlp.widths());
    e.delta[last][0] = 1.0;
    for l in (1..=last).rev() {
        let (n_in, n_out) = (widths[l - 1], widths[l]);
        let w = &p[mlp.weight_offset(l)..];
        let k = l - 1;
        e.gamma[k].fill(0.0);
        for o in 0..n_out {
            let d = e.delta[l][o];
            for i in 0..n_in {
                e.gamma[k][i] += w[o * n_in + i] * d;
            }
        }
        if k >= 1 {
            for i in 0..n_in {
                let phi1 = mlp.activation.derivative(tape.z[k][i], tape.a[k][i]);
                e.delta[k][i] = e.gamma[k][i] * tape.keep[k][i] * phi1;
            }
        }
    }
    let mut q = 0.0;
    for k in (0..last).filter(|&k| net.dropout.layers[k]) {
        for j in 0..widths[k] {
            let (g, h) = (e.gamma[k][j], tape.h[k][j]);
            q += g * g * h * h;
        }
    }
    (z, q)
}

/// The explicit regularizer of one example, to second order in the mask noise (Wei, Kakade &
/// Ma 2020, sec. 3; Gauss–Newton form):
/// `R̂ = ½·ρ/(1−ρ)·ℓ''(z)·Σ_{k dropped}Σ_j (∂z/∂h_{kj})² h_{kj}²`, at the test-time activations
/// `h` (both scalings give `Var(keep_{kj}·a_{kj}) = ρ/(1−ρ)·h_{kj}²`).
///
/// It is exact (`= E_m ℓ_drop − ℓ`) when the only dropped layer feeds the output directly and the
/// loss is squared (the last hidden layer, or the inputs of a linear model: Srivastava's
/// `R(w)`); otherwise it drops the terms of third and higher order in the noise and the network's
/// own curvature `ℓ'·∂²z/∂h²`.
pub fn explicit_regularizer(net: Net, x: &[f64], ws: &mut Workspace) -> f64 {
    let rho = net.dropout.rate;
    let (z, q) = jacobian_pass(net, x, &mut ws.tape, &mut ws.explicit);
    0.5 * rho / (1.0 - rho) * net.mlp.loss.curvature(z) * q
}

/// The explicit-only rule: the exact gradient of the mask-free batch objective
/// `(1/B)Σᵢ [ℓ(z(xᵢ), tᵢ) + R̂(xᵢ)]` ([`explicit_regularizer`]), written into `grad`; returns the
/// objective. No masks are drawn, so the only noise left is the batch's. Its expectation equals
/// `∇J_reg` wherever R̂ is exact (see above). The gradient of `R̂` goes through the Jacobian
/// pass by reverse mode ("double backprop"), with `φ''` and `ℓ'''`.
pub fn explicit_gradient(
    net: Net,
    data: &Dataset,
    batch: &[usize],
    ws: &mut Workspace,
    grad: &mut [f64],
) -> f64 {
    grad.fill(0.0);
    let (mlp, p) = (net.mlp, net.params);
    let (last, widths) = (mlp.layers(), mlp.widths());
    let c = net.dropout.rate / (1.0 - net.dropout.rate);
    let weight = 1.0 / batch.len() as f64;
    let mut objective = 0.0;
    for &i in batch {
        let (x, t) = (data.input(i), data.targets[i]);
        let (tape, e) = (&mut ws.tape, &mut ws.explicit);
        let (z, q) = jacobian_pass(net, x, tape, e);
        let curvature = mlp.loss.curvature(z);
        objective += mlp.loss.value(z, t) + 0.5 * c * curvature * q;
        // Adjoints of E = ℓ(z) + ½cℓ''(z)Q, scaled by the batch weight.
        let z_bar =
            weight * (mlp.loss.derivative(z, t) + 0.5 * c * mlp.loss.curvature_derivative(z) * q);
        let q_bar = weight * 0.5 * c * curvature;
        for k in 0..last {
            let dropped = net.dropout.layers[k];
            for j in 0..widths[k] {
                let (g, h) = (e.gamma[k][j], tape.h[k][j]);
                e.gamma_bar[k][j] = if dropped {
                    2.0 * q_bar * g * h * h
                } else {
                    0.0
                };
                e.h_bar[k][j] = if dropped {
                    2.0 * q_bar * g * g * h
                } else {
                    0.0
                };
                e.z_bar2[k][j] = 0.0;
            }
        }
        // Reverse of the Jacobian pass, from the input side up.
        for l in 1..=last {
            let k = l - 1;
            if k >= 1 {
                for j in 0..widths[k] {
                    let (zz, a, keep) = (tape.z[k][j], tape.a[k][j], tape.keep[k][j]);
                    let db = e.delta_bar[k][j];
                    e.gamma_bar[k][j] += db * keep * mlp.activation.derivative(zz, a);
                    e.z_bar2[k][j] +=
                        db * e.gamma[k][j] * keep * mlp.activation.second_derivative(a);
                }
            }
            let (n_in, n_out) = (widths[k], widths[l]);
            let o0 = mlp.weight_offset(l);
            for o in 0..n_out {
                let d = e.delta[l][o];
                let mut s = 0.0;
                for j in 0..n_in {
                    grad[o0 + o * n_in + j] += d * e.gamma_bar[k][j];
                    s += p[o0 + o * n_in + j] * e.gamma_bar[k][j];
                }
                e.delta_bar[l][o] = s;
            }
        }
        // Ordinary backprop of z̄_L, with the direct h̄ and second-order z̄ terms joining in.
        let mut upper = vec![z_bar];
        for l in (1..=last).rev() {
            let (n_in, n_out) = (widths[l - 1], widths[l]);
            let o0 = mlp.weight_offset(l);
            for o in 0..n_out {
                for j in 0..n_in {
                    grad[o0 + o * n_in + j] += upper[o] * tape.h[l - 1][j];
                }
                grad[o0 + n_out * n_in + o] += upper[o];
            }
            if l == 1 {
                break;
            }
            let k = l - 1;
            let mut lower = e.h_bar[k].clone();
            for o in 0..n_out {
                for j in 0..n_in {
                    lower[j] += p[o0 + o * n_in + j] * upper[o];
                }
            }
            for j in 0..n_in {
                let phi1 = mlp.activation.derivative(tape.z[k][j], tape.a[k][j]);
                lower[j] = lower[j] * tape.keep[k][j] * phi1 + e.z_bar2[k][j];
            }
            upper = lower;
        }
    }
    objective * weight
}
