//! The optimizers of the lab's networks: SGD and Adam (Kingma & Ba 2015) with L2 weight decay,
//! one state per parameter vector. Adam's bias corrections use running products `β^t`, not
//! `powi`, so the bits are the same natively and in WebAssembly.

use super::mlp::Mlp;
use serde::{Deserialize, Serialize};

/// The optimizers of the lab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OptimizerKind {
    /// `θ ← θ − α(g + λ w)`.
    Sgd,
    /// Adam (Kingma & Ba 2015), β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, bias-corrected, with the L2
    /// term `λ w` added to the gradient (not decoupled).
    #[default]
    Adam,
}

impl OptimizerKind {
    /// Values and labels, as in the config field `optimizer`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] =
        &[("sgd", "SGD"), ("adam", "Adam")];

    /// Parse a value of [`OptimizerKind::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sgd" => Some(OptimizerKind::Sgd),
            "adam" => Some(OptimizerKind::Adam),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
        }
    }
}

/// Optimizer state for one parameter vector. Weight decay λ adds `λ w` to the gradient of each
/// weight (not bias), i.e. the penalty `(λ/2)‖W‖²` on the mean loss.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    pub learning_rate: f64,
    pub weight_decay: f64,
    decay: Vec<f64>,
    adam: AdamMoments,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const ADAM_EPSILON: f64 = 1e-8;

/// Adam's moment weights: `β₁`, `β₂` and the weights of the new gradient in each moment.
/// The lab's two users of Adam wrote the new gradient's weights differently, and each has
/// fixtures pinning its bits: the networks' optimizer computes `1 − β` (0.09999999999999998,
/// 0.0010000000000000009), the Bayesian regression's fits take the literals 0.1 and 0.001.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamWeights {
    beta1: f64,
    new1: f64,
    beta2: f64,
    new2: f64,
}

impl AdamWeights {
    /// β₁ = 0.9, β₂ = 0.999, new-gradient weights `1 − β` (the networks' [`Optimizer`]).
    pub(crate) const COMPUTED: Self = Self {
        beta1: BETA1,
        new1: 1.0 - BETA1,
        beta2: BETA2,
        new2: 1.0 - BETA2,
    };
    /// β₁ = 0.9, β₂ = 0.999, new-gradient weights 0.1 and 0.001 as literals (the Bayesian
    /// regression's MAP, MC dropout and Bayes by Backprop fits; their bands fixture).
    pub(crate) const LITERAL: Self = Self {
        beta1: BETA1,
        new1: 0.1,
        beta2: BETA2,
        new2: 0.001,
    };
}

/// Adam's state for one parameter vector (Kingma & Ba 2015): the moments and the running
/// products `β^t` of the bias corrections (not `powi`: portable bits), ε = 10⁻⁸. The one Adam
/// update of the lab.
#[derive(Clone, Debug)]
pub(crate) struct AdamMoments {
    m: Vec<f64>,
    v: Vec<f64>,
    beta1_power: f64,
    beta2_power: f64,
    weights: AdamWeights,
}

impl AdamMoments {
    pub(crate) fn new(n: usize, weights: AdamWeights) -> Self {
        AdamMoments {
            m: vec![0.0; n],
            v: vec![0.0; n],
            beta1_power: 1.0,
            beta2_power: 1.0,
            weights,
        }
    }

    /// One bias-corrected step `θⱼ ← θⱼ − α m̂ⱼ/(√v̂ⱼ + ε)`, minimizing, where `grad(j, θⱼ)` is
    /// the gradient's coordinate j.
    #[inline]
    pub(crate) fn step(
        &mut self,
        theta: &mut [f64],
        rate: f64,
        mut grad: impl FnMut(usize, f64) -> f64,
    ) {
        let w = self.weights;
        self.beta1_power *= w.beta1;
        self.beta2_power *= w.beta2;
        let (c1, c2) = (1.0 - self.beta1_power, 1.0 - self.beta2_power);
        for (j, ((t, m), v)) in theta
            .iter_mut()
            .zip(&mut self.m)
            .zip(&mut self.v)
            .enumerate()
        {
            let g = grad(j, *t);
            *m = w.beta1 * *m + w.new1 * g;
            *v = w.beta2 * *v + w.new2 * g * g;
            *t -= rate * (*m / c1) / (libm::sqrt(*v / c2) + ADAM_EPSILON);
        }
    }
}

impl Optimizer {
    /// Fresh state for the parameters of `mlp`.
    pub fn new(kind: OptimizerKind, learning_rate: f64, weight_decay: f64, mlp: &Mlp) -> Self {
        let n = mlp.num_params();
        Optimizer {
            kind,
            learning_rate,
            weight_decay,
            decay: mlp.weight_indicator(),
            adam: AdamMoments::new(n, AdamWeights::COMPUTED),
        }
    }

    /// One update of `params` with gradient `grad` (of the mean loss, without weight decay).
    /// Adam's bias corrections use running products `β^t`, not `powi` (portable bits).
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        let (rate, wd) = (self.learning_rate, self.weight_decay);
        match self.kind {
            OptimizerKind::Sgd => {
                for j in 0..params.len() {
                    params[j] -= rate * (grad[j] + wd * self.decay[j] * params[j]);
                }
            }
            OptimizerKind::Adam => {
                let decay = &self.decay;
                self.adam
                    .step(params, rate, |j, p| grad[j] + wd * decay[j] * p);
            }
        }
    }
}
