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
    m: Vec<f64>,
    v: Vec<f64>,
    beta1_power: f64,
    beta2_power: f64,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const ADAM_EPSILON: f64 = 1e-8;

impl Optimizer {
    /// Fresh state for the parameters of `mlp`.
    pub fn new(kind: OptimizerKind, learning_rate: f64, weight_decay: f64, mlp: &Mlp) -> Self {
        let n = mlp.num_params();
        Optimizer {
            kind,
            learning_rate,
            weight_decay,
            decay: mlp.weight_indicator(),
            m: vec![0.0; n],
            v: vec![0.0; n],
            beta1_power: 1.0,
            beta2_power: 1.0,
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
                self.beta1_power *= BETA1;
                self.beta2_power *= BETA2;
                let (c1, c2) = (1.0 - self.beta1_power, 1.0 - self.beta2_power);
                for j in 0..params.len() {
                    let g = grad[j] + wd * self.decay[j] * params[j];
                    self.m[j] = BETA1 * self.m[j] + (1.0 - BETA1) * g;
                    self.v[j] = BETA2 * self.v[j] + (1.0 - BETA2) * g * g;
                    params[j] -=
                        rate * (self.m[j] / c1) / (libm::sqrt(self.v[j] / c2) + ADAM_EPSILON);
                }
            }
        }
    }
}
