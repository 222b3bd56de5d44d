//! A small multilayer perceptron with dropout masks, forward and backward by hand
//! (Grosse, Lecture 8, "Dropout"; SCIENCE.md §0 and §2).
//!
//! Widths `[n₀, n₁, …, n_L]` with `n_L = 1`: `L` weight layers. Layer `k < L` has `n_k` units
//! (layer 0 is the input); any of them may be dropped. For `l = 1 … L`:
//!
//! ```text
//! h₀ = keep₀ ⊙ x,   z_l = W_l h_{l−1} + b_l,   h_l = keep_l ⊙ φ(z_l)  (l < L),   output z_L
//! ```
//!
//! `keep_k = m_k·s_train` with a mask `m_k ~ Bernoulli(1 − ρ)` per unit during training, or the
//! constant `s_test` at test time (weight scaling); layers that are not dropped have `keep = 1`.
//! Inverted dropout: `s_train = 1/(1−ρ)`, `s_test = 1`; the standard (Srivastava et al. 2014)
//! convention: `s_train = 1`, `s_test = 1 − ρ`, i.e. the outgoing weights of a dropped layer are
//! multiplied by `1 − ρ` at test time. The two give the same family of functions: standard
//! weights are inverted weights with the outgoing weights of each dropped layer divided by 1 − ρ.
//!
//! The backprop rule of the lecture, `z̄_i = h̄_i · m_i · φ'(z_i)`, is [`Mlp::backward`] with the
//! scale folded into `keep`. Parameters are flattened as `[W₁ (n₁×n₀ row-major), b₁, W₂, b₂, …,
//! W_L, b_L]` (SCIENCE.md §0; `W_l[o][i]` at `o·n_{l−1} + i`). Products are plain loops in a
//! fixed order and transcendental functions come from `libm`, so results are bit-identical
//! natively and in WebAssembly.

// Index loops follow the formulas (W[o][i], x_ij …) and are kept as written.
#![allow(clippy::needless_range_loop)]

use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

pub use crate::special::{sigmoid, softplus};

/// Cross-entropy of a predicted probability `p` for a target `t ∈ [0, 1]`,
/// `−t log p − (1−t) log(1−p)`, with `p` clipped to `[10⁻¹², 1 − 10⁻¹²]` (for averaged
/// predictions, which have no logit; a logit should go through [`Loss::value`]).
pub fn cross_entropy_of_probability(p: f64, t: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    -t * libm::log(p) - (1.0 - t) * libm::log(1.0 - p)
}

/// `Σᵢ aᵢbᵢ` in a fixed order: four interleaved partial sums (lane `i mod 4`) combined as
/// `(s₀ + s₁) + (s₂ + s₃)`, then the remainder in order. The order is part of the definition, so
/// results are the same natively and in wasm, and the four chains hide the add latency.
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut s = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        s[0] += x[0] * y[0];
        s[1] += x[1] * y[1];
        s[2] += x[2] * y[2];
        s[3] += x[3] * y[3];
    }
    let mut total = (s[0] + s[1]) + (s[2] + s[3]);
    for (x, y) in ra.iter().zip(rb) {
        total += x * y;
    }
    total
}

/// The hidden-unit nonlinearity φ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Activation {
    /// `φ(z) = tanh z`, `φ' = 1 − φ²`, `φ'' = −2φ(1 − φ²)`.
    #[default]
    Tanh,
    /// `φ(z) = max(z, 0)`, `φ' = [z > 0]`, `φ'' = 0` (away from the kink at 0).
    Relu,
}

impl Activation {
    /// Values and labels, as in the config field `activation`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] =
        &[("tanh", "tanh"), ("relu", "ReLU")];

    /// Parse a value of [`Activation::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "tanh" => Some(Activation::Tanh),
            "relu" => Some(Activation::Relu),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }

    /// `φ(z)`.
    #[inline]
    pub fn value(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => libm::tanh(z),
            Activation::Relu => z.max(0.0),
        }
    }

    /// `φ'(z)` given `a = φ(z)`.
    #[inline]
    pub fn derivative(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => (z > 0.0) as u8 as f64,
        }
    }

    /// `φ''(z)` given `a = φ(z)`.
    #[inline]
    pub fn second_derivative(self, a: f64) -> f64 {
        match self {
            Activation::Tanh => -2.0 * a * (1.0 - a * a),
            Activation::Relu => 0.0,
        }
    }

    /// Initial weight variance per input, `gain/n_in`: LeCun (gain 1) for tanh, He (gain 2) for
    /// ReLU.
    pub fn init_gain(self) -> f64 {
        match self {
            Activation::Tanh => 1.0,
            Activation::Relu => 2.0,
        }
    }
}

/// The per-example loss `ℓ(z, t)` of the scalar output `z`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Loss {
    /// Regression, `ℓ = ½(z − t)²` (SCIENCE.md §0); the prediction is `z`.
    #[default]
    Squared,
    /// Binary classification, `t ∈ {0, 1}`: cross-entropy of `σ(z)`,
    /// `ℓ = softplus(z) − t z`; the prediction is `σ(z) = p(t = 1 | x)`.
    CrossEntropy,
}

impl Loss {
    /// `ℓ(z, t)`.
    #[inline]
    pub fn value(self, z: f64, t: f64) -> f64 {
        match self {
            Loss::Squared => 0.5 * (z - t) * (z - t),
            Loss::CrossEntropy => softplus(z) - t * z,
        }
    }

    /// `∂ℓ/∂z`: `z − t` or `σ(z) − t`.
    #[inline]
    pub fn derivative(self, z: f64, t: f64) -> f64 {
        match self {
            Loss::Squared => z - t,
            Loss::CrossEntropy => sigmoid(z) - t,
        }
    }

    /// `∂²ℓ/∂z²`: `1` or `σ(1 − σ)`.
    #[inline]
    pub fn curvature(self, z: f64) -> f64 {
        match self {
            Loss::Squared => 1.0,
            Loss::CrossEntropy => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
        }
    }

    /// `∂³ℓ/∂z³`: `0` or `σ(1 − σ)(1 − 2σ)`.
    #[inline]
    pub fn curvature_derivative(self, z: f64) -> f64 {
        match self {
            Loss::Squared => 0.0,
            Loss::CrossEntropy => {
                let s = sigmoid(z);
                s * (1.0 - s) * (1.0 - 2.0 * s)
            }
        }
    }

    /// The prediction from the output: `z` or `σ(z)`.
    #[inline]
    pub fn prediction(self, z: f64) -> f64 {
        match self {
            Loss::Squared => z,
            Loss::CrossEntropy => sigmoid(z),
        }
    }

    /// The loss of a prediction `y` (a value, or a probability for cross-entropy).
    pub fn of_prediction(self, y: f64, t: f64) -> f64 {
        match self {
            Loss::Squared => 0.5 * (y - t) * (y - t),
            Loss::CrossEntropy => cross_entropy_of_probability(y, t),
        }
    }
}

/// Where the scale of dropout goes (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scaling {
    /// Inverted dropout: `h = m ⊙ φ(z)/(1 − ρ)` in training, no scaling at test time.
    #[default]
    Inverted,
    /// Standard dropout: `h = m ⊙ φ(z)` in training, `h = (1 − ρ)φ(z)` at test time.
    Standard,
}

impl Scaling {
    /// Values and labels, as in the config field `scaling`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("inverted", "inverted: m/(1−ρ) in training"),
        ("standard", "standard: weights × (1−ρ) at test time"),
    ];

    /// Parse a value of [`Scaling::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "inverted" => Some(Scaling::Inverted),
            "standard" => Some(Scaling::Standard),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Scaling::Inverted => "inverted",
            Scaling::Standard => "standard",
        }
    }
}

/// Which layers are dropped, with what drop probability ρ and scaling convention.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropout {
    /// ρ ∈ [0, 1), the drop probability: `m_i ~ Bernoulli(1 − ρ)`.
    pub rate: f64,
    /// `layers[k]` for `k = 0 … L−1`: whether the units of layer k (0 = input) are dropped.
    pub layers: Vec<bool>,
    pub scaling: Scaling,
}

impl Dropout {
    /// No dropout on a network with `layers` weight layers.
    pub fn off(layers: usize) -> Self {
        Dropout {
            rate: 0.0,
            layers: vec![false; layers],
            scaling: Scaling::Inverted,
        }
    }

    /// The factor on a kept unit during training: `1/(1−ρ)` (inverted) or `1` (standard).
    pub fn train_scale(&self) -> f64 {
        match self.scaling {
            Scaling::Inverted => 1.0 / (1.0 - self.rate),
            Scaling::Standard => 1.0,
        }
    }

    /// The factor on every unit of a dropped layer at test time: `1` (inverted) or `1 − ρ`.
    pub fn test_scale(&self) -> f64 {
        match self.scaling {
            Scaling::Inverted => 1.0,
            Scaling::Standard => 1.0 - self.rate,
        }
    }

    /// Indices (into a flat mask, see [`Mlp::unit_offset`]) of the droppable units, in order.
    pub fn droppable_units(&self, mlp: &Mlp) -> Vec<usize> {
        (0..mlp.layers())
            .filter(|&k| self.layers[k])
            .flat_map(|k| mlp.unit_offset(k)..mlp.unit_offset(k) + mlp.widths[k])
            .collect()
    }

    /// Draw a mask over all `mlp.num_units()` units: one uniform `u` per unit of a dropped layer,
    /// `m = [u < 1 − ρ]`; `m = 1` (no draw) elsewhere.
    pub fn sample_mask(&self, mlp: &Mlp, rng: &mut SeededRng, mask: &mut [f64]) {
        let keep = 1.0 - self.rate;
        for k in 0..mlp.layers() {
            let units = &mut mask[mlp.unit_offset(k)..mlp.unit_offset(k) + mlp.widths[k]];
            if self.layers[k] {
                units
                    .iter_mut()
                    .for_each(|m| *m = (rng.uniform() < keep) as u8 as f64);
            } else {
                units.fill(1.0);
            }
        }
    }
}

/// Per-example forward state, reused across examples to avoid allocation.
#[derive(Clone, Debug)]
pub struct Tape {
    /// `h_k`, k = 0 … L−1: the (masked, scaled) input of weight layer k+1.
    pub(crate) h: Vec<Vec<f64>>,
    /// `a_k = φ(z_k)` for hidden k (`a₀ = x`).
    pub(crate) a: Vec<Vec<f64>>,
    /// `z_k`, k = 1 … L (index 0 unused).
    pub(crate) z: Vec<Vec<f64>>,
    /// `keep_k`: `m·s_train`, `s_test` or 1, per unit of layer k < L.
    pub(crate) keep: Vec<Vec<f64>>,
    /// Scratch adjoints `z̄_k`, same shapes as `z`.
    pub(crate) dz: Vec<Vec<f64>>,
}

/// An MLP with a scalar output: widths, activation and loss (the parameters live outside, as a
/// flat `Vec<f64>` in the documented order, so several nets can share one `Mlp`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    widths: Vec<usize>,
    pub activation: Activation,
    pub loss: Loss,
    /// Offset of `W_l` for l = 1 … L, at index l − 1; `b_l` follows it.
    offsets: Vec<usize>,
    units: Vec<usize>,
    params: usize,
}

impl Mlp {
    /// An MLP with `widths = [n₀, …, n_L]`; `n_L` must be 1 and every width positive.
    pub fn new(widths: &[usize], activation: Activation, loss: Loss) -> Self {
        assert!(widths.len() >= 2 && widths[widths.len() - 1] == 1);
        assert!(widths.iter().all(|&w| w > 0));
        let mut offsets = Vec::new();
        let mut p = 0;
        for l in 1..widths.len() {
            offsets.push(p);
            p += widths[l] * widths[l - 1] + widths[l];
        }
        let mut units = vec![0];
        for w in &widths[..widths.len() - 1] {
            units.push(units[units.len() - 1] + w);
        }
        Mlp {
            widths: widths.to_vec(),
            activation,
            loss,
            offsets,
            units,
            params: p,
        }
    }

    /// `[n₀, …, n_L]`.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// `L`, the number of weight layers.
    pub fn layers(&self) -> usize {
        self.widths.len() - 1
    }

    /// Number of parameters, `Σ_l n_l(n_{l−1} + 1)`.
    pub fn num_params(&self) -> usize {
        self.params
    }

    /// Units of layers 0 … L−1 (inputs and hidden units), the length of a flat mask.
    pub fn num_units(&self) -> usize {
        self.units[self.layers()]
    }

    /// Where layer k's units start in a flat mask.
    pub fn unit_offset(&self, k: usize) -> usize {
        self.units[k]
    }

    /// Offset of `W_l` (l = 1 … L) in the parameters; `b_l` starts `n_l·n_{l−1}` later.
    pub fn weight_offset(&self, l: usize) -> usize {
        self.offsets[l - 1]
    }

    /// `1` for entries of weight matrices, `0` for biases (weight decay acts on weights only).
    pub fn weight_indicator(&self) -> Vec<f64> {
        let mut v = vec![0.0; self.params];
        for l in 1..=self.layers() {
            let o = self.weight_offset(l);
            v[o..o + self.widths[l] * self.widths[l - 1]].fill(1.0);
        }
        v
    }

    /// Seeded initialisation: `W_l ~ N(0, gain/n_{l−1})` entry-wise (row-major, layer by layer),
    /// biases 0.
    pub fn init(&self, rng: &mut SeededRng) -> Vec<f64> {
        let mut p = vec![0.0; self.params];
        for l in 1..=self.layers() {
            let o = self.weight_offset(l);
            let sd = libm::sqrt(self.activation.init_gain() / self.widths[l - 1] as f64);
            for w in &mut p[o..o + self.widths[l] * self.widths[l - 1]] {
                *w = sd * rng.normal();
            }
        }
        p
    }

    /// Buffers for [`Mlp::forward`] and [`Mlp::backward`].
    pub fn tape(&self) -> Tape {
        let per = |_: usize| {
            self.widths
                .iter()
                .map(|&w| vec![0.0; w])
                .collect::<Vec<_>>()
        };
        Tape {
            h: per(0),
            a: per(0),
            z: per(0),
            keep: per(0),
            dz: per(0),
        }
    }

    /// The output `z_L` for input `x` (length n₀). With `mask = Some(m)` (a flat 0/1 mask over
    /// [`Mlp::num_units`] units) the dropped layers use `keep = m·s_train` (training); with
    /// `None`, `keep = s_test` (test-time weight scaling).
    pub fn forward(
        &self,
        params: &[f64],
        dropout: &Dropout,
        x: &[f64],
        mask: Option<&[f64]>,
        tape: &mut Tape,
    ) -> f64 {
        let last = self.layers();
        let (s_train, s_test) = (dropout.train_scale(), dropout.test_scale());
        for k in 0..=last {
            if k == 0 {
                tape.a[0].copy_from_slice(x);
            } else {
                let (n_in, n_out) = (self.widths[k - 1], self.widths[k]);
                let w = &params[self.weight_offset(k)..];
                let (h, z) = (&tape.h[k - 1], &mut tape.z[k]);
                for o in 0..n_out {
                    z[o] = w[n_out * n_in + o] + dot(&w[o * n_in..(o + 1) * n_in], h);
                }
                if k == last {
                    return tape.z[last][0];
                }
                let (z, a) = (&tape.z[k], &mut tape.a[k]);
                match self.activation {
                    Activation::Tanh => a.iter_mut().zip(z).for_each(|(a, &z)| *a = libm::tanh(z)),
                    Activation::Relu => a.iter_mut().zip(z).for_each(|(a, &z)| *a = z.max(0.0)),
                }
            }
            let off = self.unit_offset(k);
            let (keep, h, a) = (&mut tape.keep[k], &mut tape.h[k], &tape.a[k]);
            match (dropout.layers[k], mask) {
                (false, _) => keep.fill(1.0),
                (true, Some(m)) => keep
                    .iter_mut()
                    .zip(&m[off..off + a.len()])
                    .for_each(|(k, &m)| *k = m * s_train),
                (true, None) => keep.fill(s_test),
            }
            for j in 0..a.len() {
                h[j] = keep[j] * a[j];
            }
        }
        unreachable!("the loop returns at the output layer")
    }

    /// Backpropagate `z̄_L = dz_out` through the last [`Mlp::forward`], adding `∂(dz_out·z_L)/∂θ`
    /// to `grad`: `W̄_l += z̄_l h_{l−1}ᵀ`, `b̄_l += z̄_l`, `h̄_{l−1} = W_lᵀ z̄_l` and the lecture's
    /// rule `z̄_{l−1} = h̄_{l−1} ⊙ keep_{l−1} ⊙ φ'(z_{l−1})`.
    pub fn backward(&self, params: &[f64], tape: &mut Tape, dz_out: f64, grad: &mut [f64]) {
        let last = self.layers();
        tape.dz[last][0] = dz_out;
        for l in (1..=last).rev() {
            let (n_in, n_out) = (self.widths[l - 1], self.widths[l]);
            let o0 = self.weight_offset(l);
            // Rows with z̄ = 0 (dropped or inactive units) add nothing and are skipped.
            {
                let (dz, h) = (&tape.dz[l], &tape.h[l - 1]);
                let (gw, gb) = grad[o0..o0 + n_out * (n_in + 1)].split_at_mut(n_out * n_in);
                for (row, &d) in gw.chunks_exact_mut(n_in).zip(dz) {
                    if d != 0.0 {
                        row.iter_mut().zip(h).for_each(|(g, &h)| *g += d * h);
                    }
                }
                gb.iter_mut().zip(dz).for_each(|(g, &d)| *g += d);
            }
            if l > 1 {
                let (lower, upper) = tape.dz.split_at_mut(l);
                let (dz, dh) = (&upper[0], &mut lower[l - 1]);
                dh.fill(0.0);
                let w = &params[o0..o0 + n_out * n_in];
                for (row, &d) in w.chunks_exact(n_in).zip(dz.iter()) {
                    if d != 0.0 {
                        dh.iter_mut().zip(row).for_each(|(g, &w)| *g += w * d);
                    }
                }
                let k = l - 1;
                let (z, a, keep) = (&tape.z[k], &tape.a[k], &tape.keep[k]);
                match self.activation {
                    Activation::Tanh => {
                        for ((g, &a), &m) in dh.iter_mut().zip(a).zip(keep) {
                            *g *= m * (1.0 - a * a);
                        }
                    }
                    Activation::Relu => {
                        for ((g, &z), &m) in dh.iter_mut().zip(z).zip(keep) {
                            *g *= m * ((z > 0.0) as u8 as f64);
                        }
                    }
                }
            }
        }
    }

    /// Forward, loss and backward for one example: returns `ℓ(z, t)` and adds
    /// `weight·∇_θ ℓ` to `grad`.
    #[allow(clippy::too_many_arguments)]
    pub fn example_gradient(
        &self,
        params: &[f64],
        dropout: &Dropout,
        x: &[f64],
        t: f64,
        mask: Option<&[f64]>,
        weight: f64,
        tape: &mut Tape,
        grad: &mut [f64],
    ) -> f64 {
        let z = self.forward(params, dropout, x, mask, tape);
        self.backward(params, tape, weight * self.loss.derivative(z, t), grad);
        self.loss.value(z, t)
    }

    /// The prediction (`z` or `σ(z)`) with test-time weight scaling.
    pub fn predict(&self, params: &[f64], dropout: &Dropout, x: &[f64], tape: &mut Tape) -> f64 {
        self.loss
            .prediction(self.forward(params, dropout, x, None, tape))
    }
}
