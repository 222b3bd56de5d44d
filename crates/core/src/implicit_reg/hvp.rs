//! Per-example Hessian–vector products `Hᵢv = ∇²Lᵢ(w)·v` for the regularizer's gradient.
//!
//! TEMPORARY (development only): central differences of the per-example gradient, until the
//! exact HVP of issue 6's sharpness work lands; replaced before the branch is finished.

use crate::mlp::{Dropout, Mlp, Tape};

/// Scratch for [`example_hvp`].
#[derive(Clone, Debug)]
pub struct HvpTape {
    tape: Tape,
    off: Dropout,
    plus: Vec<f64>,
    minus: Vec<f64>,
    shifted: Vec<f64>,
}

impl HvpTape {
    /// Buffers for `mlp`.
    pub fn new(mlp: &Mlp) -> Self {
        let p = mlp.num_params();
        HvpTape {
            tape: mlp.tape(),
            off: Dropout::off(mlp.layers()),
            plus: vec![0.0; p],
            minus: vec![0.0; p],
            shifted: vec![0.0; p],
        }
    }
}

/// Add `∇²ℓ(f(x), t)·v` (the Hessian of example `(x, t)`'s loss at `params`) to `out`.
pub fn example_hvp(
    mlp: &Mlp,
    params: &[f64],
    x: &[f64],
    t: f64,
    v: &[f64],
    s: &mut HvpTape,
    out: &mut [f64],
) {
    let norm = crate::mlp::dot(v, v).sqrt();
    if norm == 0.0 {
        return;
    }
    let h = 1e-5 / norm;
    for (sign, buf) in [(1.0, 0), (-1.0, 1)] {
        for ((w, &p), &d) in s.shifted.iter_mut().zip(params).zip(v) {
            *w = p + sign * h * d;
        }
        let g = if buf == 0 { &mut s.plus } else { &mut s.minus };
        g.fill(0.0);
        mlp.example_gradient(&s.shifted, &s.off, x, t, None, 1.0, &mut s.tape, g);
    }
    for ((o, a), b) in out.iter_mut().zip(&s.plus).zip(&s.minus) {
        *o += (a - b) / (2.0 * h);
    }
}
