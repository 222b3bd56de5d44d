//! Smith et al.'s implicit regularizer `R(w)` and its exact gradient (SCIENCE.md §10; Smith,
//! Dherin, Barrett & De, ICLR 2021, eq. for random shuffling).
//!
//! ```text
//! R(w)  = a‖ḡ‖² + c·tr C_w,          a = α/4,   c = ((N−B)/(N−1))·α/(4B)
//! tr C_w = (1/N)Σᵢ‖gᵢ − ḡ‖²          (population covariance: 1/N, SCIENCE.md §10)
//! ∇R    = 2a·Hḡ + c·(2/N)Σᵢ Hᵢ(gᵢ − ḡ) = (1/N)Σᵢ Hᵢ uᵢ,   uᵢ = 2a·ḡ + 2c·(gᵢ − ḡ)
//! ```
//!
//! with `gᵢ = ∇Lᵢ`, `ḡ = ∇J = (1/N)Σgᵢ`, `Hᵢ = ∇²Lᵢ` and `H = (1/N)ΣHᵢ`, so the whole gradient
//! costs N per-example gradients and N exact per-example Hessian–vector products
//! ([`crate::nn::hessian::example_hvp`], Pearlmutter's R-operator; no Hessian is ever formed). [`Coefficients`] holds `(a, c)`: [`Coefficients::smith`] is the paper's; the tests
//! build the plausible wrong variants of SCIENCE.md §10 from the same two numbers.

use crate::data::Dataset;
use crate::nn::hessian::{example_hvp, CurvatureTape};
use crate::nn::mlp::{dot, Dropout, Mlp, Tape};

/// The two coefficients of `R = a‖∇J‖² + c·tr C`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coefficients {
    /// `a`, on `‖∇J‖²`.
    pub gradient_norm: f64,
    /// `c`, on `tr C_w`.
    pub trace: f64,
}

impl Coefficients {
    /// Smith et al.'s coefficients for SGD with learning rate α, batch size B and N examples
    /// drawn by random shuffling: `a = α/4`, `c = ((N−B)/(N−1))·α/(4B)` (`c = 0` for `N = 1`
    /// or `B ≥ N`: full-batch GD keeps only the first term).
    pub fn smith(learning_rate: f64, batch_size: usize, n: usize) -> Self {
        let (b, nf) = (batch_size as f64, n as f64);
        let trace = if n <= 1 || batch_size >= n {
            0.0
        } else {
            (nf - b) / (nf - 1.0) * learning_rate / (4.0 * b)
        };
        Coefficients {
            gradient_norm: learning_rate / 4.0,
            trace,
        }
    }

    /// `R = 0` (plain gradient flow on J).
    pub const ZERO: Coefficients = Coefficients {
        gradient_norm: 0.0,
        trace: 0.0,
    };
}

/// The parts of `R` at one point.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegularizerParts {
    /// `J(w)`, the mean training loss.
    pub loss: f64,
    /// `‖∇J‖²`.
    pub gradient_norm_sq: f64,
    /// `tr C_w`.
    pub trace_covariance: f64,
    /// `R(w) = a‖∇J‖² + c·tr C_w`.
    pub value: f64,
}

/// Scratch for the per-example gradients and HVPs of one model (reused every step).
#[derive(Clone, Debug)]
pub struct Workspace {
    tape: Tape,
    hvp: CurvatureTape,
    off: Dropout,
    /// Per-example gradients, `N × P` row-major.
    grads: Vec<f64>,
    mean: Vec<f64>,
    u: Vec<f64>,
}

impl Workspace {
    /// Buffers for `mlp` on `n` examples.
    pub fn new(mlp: &Mlp, n: usize) -> Self {
        let p = mlp.num_params();
        Workspace {
            tape: mlp.tape(),
            hvp: CurvatureTape::new(mlp),
            off: Dropout::off(mlp.layers()),
            grads: vec![0.0; n * p],
            mean: vec![0.0; p],
            u: vec![0.0; p],
        }
    }

    /// `ḡ = ∇J` from the last [`per_example_gradients`].
    pub fn mean_gradient(&self) -> &[f64] {
        &self.mean
    }

    /// The per-example gradients `gᵢ` from the last [`per_example_gradients`] (`N × P`).
    pub fn gradients(&self) -> &[f64] {
        &self.grads
    }
}

/// Fill `ws` with `gᵢ = ∇Lᵢ(w)` for every example and `ḡ = ∇J`; returns `J(w)`.
pub fn per_example_gradients(mlp: &Mlp, params: &[f64], data: &Dataset, ws: &mut Workspace) -> f64 {
    let (n, p) = (data.len(), mlp.num_params());
    if ws.grads.len() != n * p {
        ws.grads.resize(n * p, 0.0);
    }
    ws.grads.fill(0.0);
    ws.mean.fill(0.0);
    let mut loss = 0.0;
    for i in 0..n {
        let g = &mut ws.grads[i * p..(i + 1) * p];
        loss += mlp.example_gradient(
            params,
            &ws.off,
            data.input(i),
            data.targets[i],
            None,
            1.0,
            &mut ws.tape,
            g,
        );
    }
    let inv = 1.0 / n as f64;
    for i in 0..n {
        for (m, &g) in ws.mean.iter_mut().zip(&ws.grads[i * p..(i + 1) * p]) {
            *m += g;
        }
    }
    ws.mean.iter_mut().for_each(|m| *m *= inv);
    loss * inv
}

/// `‖ḡ‖²` and `tr C = (1/N)Σ‖gᵢ − ḡ‖²` from the gradients in `ws`.
fn moments(ws: &Workspace, n: usize, p: usize) -> (f64, f64) {
    let norm = dot(&ws.mean, &ws.mean);
    let mut trace = 0.0;
    for i in 0..n {
        let g = &ws.grads[i * p..(i + 1) * p];
        let mut s = 0.0;
        for (a, b) in g.iter().zip(&ws.mean) {
            s += (a - b) * (a - b);
        }
        trace += s;
    }
    (norm, trace / n as f64)
}

/// `R(w)` and its parts (N per-example gradients).
pub fn regularizer(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    coefficients: Coefficients,
    ws: &mut Workspace,
) -> RegularizerParts {
    let loss = per_example_gradients(mlp, params, data, ws);
    let (norm, trace) = moments(ws, data.len(), mlp.num_params());
    RegularizerParts {
        loss,
        gradient_norm_sq: norm,
        trace_covariance: trace,
        value: coefficients.gradient_norm * norm + coefficients.trace * trace,
    }
}

/// The gradient of the modified loss, `∇(J + R) = ḡ + (1/N)Σᵢ Hᵢuᵢ` with
/// `uᵢ = 2a·ḡ + 2c·(gᵢ − ḡ)`, written into `grad` (N gradients and N exact HVPs). With
/// `include_loss = false`, `grad = ∇R` alone. Returns the parts of R at `params`.
pub fn modified_gradient(
    mlp: &Mlp,
    params: &[f64],
    data: &Dataset,
    coefficients: Coefficients,
    include_loss: bool,
    ws: &mut Workspace,
    grad: &mut [f64],
) -> RegularizerParts {
    let parts = regularizer(mlp, params, data, coefficients, ws);
    let (n, p) = (data.len(), mlp.num_params());
    if include_loss {
        grad.copy_from_slice(&ws.mean);
    } else {
        grad.fill(0.0);
    }
    let (a2, c2) = (2.0 * coefficients.gradient_norm, 2.0 * coefficients.trace);
    if a2 == 0.0 && c2 == 0.0 {
        return parts;
    }
    let inv = 1.0 / n as f64;
    for i in 0..n {
        let g = &ws.grads[i * p..(i + 1) * p];
        for ((u, &gi), &m) in ws.u.iter_mut().zip(g).zip(&ws.mean) {
            *u = a2 * m + c2 * (gi - m);
        }
        example_hvp(
            mlp,
            params,
            data.input(i),
            data.targets[i],
            &ws.u,
            inv,
            &mut ws.hvp,
            grad,
            None,
        );
    }
    parts
}

/// `(J, accuracy)` of `params` on `data` (accuracy: `z ≥ 0 ⇔ t = 1`).
pub fn evaluate(mlp: &Mlp, params: &[f64], data: &Dataset, tape: &mut Tape) -> (f64, f64) {
    let off = Dropout::off(mlp.layers());
    let (mut loss, mut correct) = (0.0, 0usize);
    for i in 0..data.len() {
        let z = mlp.forward(params, &off, data.input(i), None, tape);
        loss += mlp.loss.value(z, data.targets[i]);
        correct += ((z >= 0.0) == (data.targets[i] >= 0.5)) as usize;
    }
    let n = data.len() as f64;
    (loss / n, correct as f64 / n)
}
