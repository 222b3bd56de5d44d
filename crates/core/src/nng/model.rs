//! The models noisy natural gradient fits (SCIENCE.md §6): Bayesian linear regression and a
//! small regression MLP, both with the Gaussian likelihood `p(t|x, w) = N(t; f(x, w), σ²)`.
//!
//! A model answers one question per example `i` at weights `w` ([`NngModel::example`]):
//! - the gradient `∇_w log p(t_i|x_i, w)` (per example, not summed);
//! - a curvature pseudo-gradient `c_i = r_i·∂f/∂w`, whose outer product `c_icᵢᵀ` is the
//!   example's curvature estimate ([`Curvature`]): `r = 1/σ` gives the exact Fisher (= the
//!   Gauss–Newton matrix `G` = −Hessian for linear regression, since the output is a scalar),
//!   `r = ε/σ` with `ε ~ N(0, 1)` the Fisher with a target sampled from the model (the authors'
//!   code), and `r = (t − f)/σ²` the empirical Fisher (`c = ∇log p`);
//! - per weight layer ("block"), the K-FAC statistics (Martens & Grosse 2015): the layer's
//!   input `a` (with a trailing 1 for a bias) and the pre-activation pseudo-gradient `ds`
//!   (backpropagated from the same `r`), so that the layer's block of `c` is `ds aᵀ`.

// Index loops follow the formulas (W[o][i], x_ij …) and are kept as written.
#![allow(clippy::needless_range_loop)]

use crate::bayes::linreg::LinRegData;
use crate::data::Dataset;
use crate::nn::mlp::{Dropout, Mlp, Tape};
use crate::rng::SeededRng;
use crate::special::LN_2PI;
use serde::{Deserialize, Serialize};

/// Which curvature estimate feeds the precision (SCIENCE.md §6 "Fixed points").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Curvature {
    /// The exact Fisher `J ᵀJ/σ²` (= G; = −∇²log p for linear regression): `r = 1/σ`.
    #[default]
    Fisher,
    /// The Fisher with a target sampled from the model, `t̃ ~ N(f, σ²)`: `r = ε/σ`.
    SampledFisher,
    /// The empirical Fisher, with the data's own target: `r = (t − f)/σ²`.
    EmpiricalFisher,
}

impl Curvature {
    /// Values and labels of the `curvature` field.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("fisher", "exact Fisher (= G)"),
        ("sampledFisher", "Fisher, targets sampled from the model"),
        ("empiricalFisher", "empirical Fisher (data targets)"),
    ];

    /// Parse a value of [`Curvature::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "fisher" => Some(Curvature::Fisher),
            "sampledFisher" => Some(Curvature::SampledFisher),
            "empiricalFisher" => Some(Curvature::EmpiricalFisher),
            _ => None,
        }
    }

    /// The value used in settings.
    pub fn name(self) -> &'static str {
        match self {
            Curvature::Fisher => "fisher",
            Curvature::SampledFisher => "sampledFisher",
            Curvature::EmpiricalFisher => "empiricalFisher",
        }
    }

    /// The output pseudo-residual `r` for output `f`, target `t` and noise std `σ` (one normal
    /// drawn from `rng` for the sampled Fisher, none otherwise).
    #[inline]
    pub fn residual(self, f: f64, t: f64, noise_std: f64, rng: &mut SeededRng) -> f64 {
        match self {
            Curvature::Fisher => 1.0 / noise_std,
            Curvature::SampledFisher => rng.normal() / noise_std,
            Curvature::EmpiricalFisher => (t - f) / (noise_std * noise_std),
        }
    }
}

/// One weight layer seen by K-FAC: an `n_out × (n_in + bias)` matrix `[W | b]` whose entry
/// `(o, i)` sits at [`Block::index`] of the flat parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// Offset of `W` (row-major `n_out × n_in`); the bias, if any, follows it.
    pub offset: usize,
    pub n_out: usize,
    pub n_in: usize,
    pub bias: bool,
}

impl Block {
    /// Columns of the augmented matrix, `n_in + [bias]` (the dimension of `A`).
    pub fn cols(&self) -> usize {
        self.n_in + self.bias as usize
    }

    /// Flat index of entry `(o, i)`; column `n_in` is the bias.
    #[inline]
    pub fn index(&self, o: usize, i: usize) -> usize {
        if i < self.n_in {
            self.offset + o * self.n_in + i
        } else {
            self.offset + self.n_out * self.n_in + o
        }
    }
}

/// Per-example outputs of [`NngModel::example`] (buffers reused across examples).
#[derive(Clone, Debug)]
pub struct ExampleStats {
    /// `∇_w log p(t_i|x_i, w)`, flat.
    pub gradient: Vec<f64>,
    /// The curvature pseudo-gradient `c_i`, flat.
    pub curvature: Vec<f64>,
    /// Per block: the input `a` (length `cols`, the bias entry 1).
    pub activations: Vec<Vec<f64>>,
    /// Per block: the pre-activation pseudo-gradient `ds` (length `n_out`).
    pub pre_activation: Vec<Vec<f64>>,
}

impl ExampleStats {
    /// Buffers for `model`.
    pub fn for_model<M: NngModel + ?Sized>(model: &M) -> Self {
        let p = model.num_params();
        ExampleStats {
            gradient: vec![0.0; p],
            curvature: vec![0.0; p],
            activations: model.blocks().iter().map(|b| vec![0.0; b.cols()]).collect(),
            pre_activation: model.blocks().iter().map(|b| vec![0.0; b.n_out]).collect(),
        }
    }
}

/// A model with a Gaussian likelihood, seen through per-example statistics.
pub trait NngModel {
    /// Number of weights `D`.
    fn num_params(&self) -> usize;
    /// The K-FAC blocks; together they cover every parameter exactly once.
    fn blocks(&self) -> &[Block];
    /// `N`, the number of training examples.
    fn len(&self) -> usize;
    /// Whether there are no examples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fill `out` for example `i` at weights `w`; return `log p(t_i|x_i, w)`.
    fn example(
        &mut self,
        w: &[f64],
        i: usize,
        curvature: Curvature,
        rng: &mut SeededRng,
        out: &mut ExampleStats,
    ) -> f64;
}

/// Bayesian linear regression `t = wᵀx + N(0, σ²)`, no bias: one K-FAC block `1 × D` with
/// `a = x` and `ds = r`, so K-FAC's `A` is the input second moment `E[xxᵀ]` and `S = E[r²]`.
#[derive(Clone, Debug)]
pub struct LinRegModel {
    pub data: LinRegData,
    pub noise_variance: f64,
    blocks: [Block; 1],
}

impl LinRegModel {
    /// The model for `data` with noise variance `σ²`.
    pub fn new(data: LinRegData, noise_variance: f64) -> Self {
        let blocks = [Block {
            offset: 0,
            n_out: 1,
            n_in: data.dim,
            bias: false,
        }];
        LinRegModel {
            data,
            noise_variance,
            blocks,
        }
    }
}

impl NngModel for LinRegModel {
    fn num_params(&self) -> usize {
        self.data.dim
    }

    fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    fn len(&self) -> usize {
        self.data.len()
    }

    fn example(
        &mut self,
        w: &[f64],
        i: usize,
        curvature: Curvature,
        rng: &mut SeededRng,
        out: &mut ExampleStats,
    ) -> f64 {
        let d = self.data.dim;
        let x = &self.data.inputs[i * d..(i + 1) * d];
        let t = self.data.targets[i];
        let s2 = self.noise_variance;
        let f: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
        let r = curvature.residual(f, t, libm::sqrt(s2), rng);
        for j in 0..d {
            out.gradient[j] = x[j] * (t - f) / s2;
            out.curvature[j] = x[j] * r;
        }
        out.activations[0].copy_from_slice(x);
        out.pre_activation[0][0] = r;
        -0.5 * (LN_2PI + libm::log(s2)) - (t - f) * (t - f) / (2.0 * s2)
    }
}

/// A regression MLP (`crate::nn::mlp`, squared loss, no dropout) with `p(t|x, w) = N(t; f, σ²)`:
/// `∇log p = −∇ℓ/σ²` with `ℓ = ½(f − t)²`. Block `l` is `[W_l | b_l]` with `a = [h_{l−1}; 1]`
/// and `ds = ∂(r f)/∂z_l`.
#[derive(Clone, Debug)]
pub struct MlpModel {
    pub mlp: Mlp,
    pub data: Dataset,
    pub noise_variance: f64,
    dropout: Dropout,
    tape: Tape,
    blocks: Vec<Block>,
}

impl MlpModel {
    /// The model of `mlp` (squared loss) on `data`.
    pub fn new(mlp: Mlp, data: Dataset, noise_variance: f64) -> Self {
        let blocks = (1..=mlp.layers())
            .map(|l| Block {
                offset: mlp.weight_offset(l),
                n_out: mlp.widths()[l],
                n_in: mlp.widths()[l - 1],
                bias: true,
            })
            .collect();
        MlpModel {
            dropout: Dropout::off(mlp.layers()),
            tape: mlp.tape(),
            blocks,
            mlp,
            data,
            noise_variance,
        }
    }

    /// The network output at input `x`.
    pub fn predict(&mut self, w: &[f64], x: &[f64]) -> f64 {
        self.mlp.forward(w, &self.dropout, x, None, &mut self.tape)
    }
}

impl NngModel for MlpModel {
    fn num_params(&self) -> usize {
        self.mlp.num_params()
    }

    fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    fn len(&self) -> usize {
        self.data.len()
    }

    fn example(
        &mut self,
        w: &[f64],
        i: usize,
        curvature: Curvature,
        rng: &mut SeededRng,
        out: &mut ExampleStats,
    ) -> f64 {
        let s2 = self.noise_variance;
        let x = self.data.input(i);
        let t = self.data.targets[i];
        let f = self.mlp.forward(w, &self.dropout, x, None, &mut self.tape);
        out.gradient.fill(0.0);
        self.mlp
            .backward(w, &mut self.tape, (t - f) / s2, &mut out.gradient);
        let r = curvature.residual(f, t, libm::sqrt(s2), rng);
        out.curvature.fill(0.0);
        self.mlp.backward(w, &mut self.tape, r, &mut out.curvature);
        for (l, b) in self.blocks.iter().enumerate() {
            let a = &mut out.activations[l];
            a[..b.n_in].copy_from_slice(&self.tape.h[l]);
            a[b.n_in] = 1.0;
            out.pre_activation[l].copy_from_slice(&self.tape.dz[l + 1]);
        }
        -0.5 * (LN_2PI + libm::log(s2)) - (t - f) * (t - f) / (2.0 * s2)
    }
}
