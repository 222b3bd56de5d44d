//! Dropout at test time (Grosse, Lecture 8; SCIENCE.md §2.2; Srivastava et al. 2014; Baldi &
//! Sadowski 2013): weight scaling, Monte Carlo averaging over K masks, and the exact average over
//! all `2^D` masks.
//!
//! - Exact: `E_m f = Σ_m p(m) f(x; m)`, `p(m) = Π_i (1−ρ)^{m_i} ρ^{1−m_i}` over the D droppable
//!   units.
//! - Weight scaling: no masks, dropped layers' outgoing weights times `1 − ρ` (inverted dropout is
//!   the same rule). It equals `E_m f` when the output is linear in the dropped units, not
//!   through a nonlinearity.
//! - NWGM (normalised weighted geometric mean of the sigmoid outputs) `= σ(E_m z)`.
//!
//! Predictions are `z` (squared loss) or `σ(z)` (cross-entropy).

use super::train::{Net, Workspace};
use crate::rng::SeededRng;
use serde::Serialize;

/// Largest D for which [`exact_average`] enumerates the `2^D` masks (65,536 forward passes).
pub const MAX_EXACT_UNITS: usize = 16;

/// A Monte Carlo average over K masks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McPrediction {
    /// `(1/K)Σ_k f(x; m_k)`.
    pub mean: f64,
    /// Sample std of the K predictions (K − 1 denominator; NaN for K = 1).
    pub std: f64,
    /// Standard error of the mean, `std/√K`.
    pub se: f64,
}

/// The exact average over all masks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExactPrediction {
    /// `E_m f(x; m)`.
    pub mean: f64,
    /// `sqrt(Var_m f(x; m))`.
    pub std: f64,
    /// `NWGM = σ(E_m z)` for a sigmoid output; `E_m z` for a linear output.
    pub nwgm: f64,
}

/// The prediction with test-time weight scaling.
pub fn weight_scaled(net: Net, x: &[f64], ws: &mut Workspace) -> f64 {
    net.mlp.predict(net.params, net.dropout, x, &mut ws.tape)
}

/// The prediction of the sub-network with a given flat mask (training scaling).
pub fn masked(net: Net, x: &[f64], mask: &[f64], ws: &mut Workspace) -> f64 {
    let z = net
        .mlp
        .forward(net.params, net.dropout, x, Some(mask), &mut ws.tape);
    net.mlp.loss.prediction(z)
}

fn summarize(sum: f64, sum_sq_dev: f64, k: usize) -> McPrediction {
    let kf = k as f64;
    let std = if k > 1 {
        libm::sqrt(sum_sq_dev / (kf - 1.0))
    } else {
        f64::NAN
    };
    McPrediction {
        mean: sum / kf,
        std,
        se: std / libm::sqrt(kf),
    }
}

/// The mean of K predictions with K fresh masks from `rng`, its std and standard error.
pub fn mc_average(
    net: Net,
    x: &[f64],
    k: usize,
    rng: &mut SeededRng,
    ws: &mut Workspace,
) -> McPrediction {
    let mut ys = Vec::with_capacity(k);
    for _ in 0..k {
        net.dropout.sample_mask(net.mlp, rng, &mut ws.mask);
        let mask = std::mem::take(&mut ws.mask);
        ys.push(masked(net, x, &mask, ws));
        ws.mask = mask;
    }
    let mean = ys.iter().sum::<f64>() / k as f64;
    summarize(
        ys.iter().sum(),
        ys.iter().map(|y| (y - mean) * (y - mean)).sum(),
        k,
    )
}

/// The exact average over all `2^D` masks of the D droppable units, with their probabilities;
/// `None` if `D > MAX_EXACT_UNITS`. Masks are enumerated in binary order (bit u of the code is
/// droppable unit u), so the sums are in a fixed order.
pub fn exact_average(net: Net, x: &[f64], ws: &mut Workspace) -> Option<ExactPrediction> {
    let units = net.dropout.droppable_units(net.mlp);
    let d = units.len();
    if d > MAX_EXACT_UNITS {
        return None;
    }
    let rho = net.dropout.rate;
    // p(m) depends only on the number kept: (1−ρ)^kept ρ^(D−kept), by repeated products.
    let probability: Vec<f64> = (0..=d)
        .map(|kept| {
            let mut p = 1.0;
            for _ in 0..kept {
                p *= 1.0 - rho;
            }
            for _ in kept..d {
                p *= rho;
            }
            p
        })
        .collect();
    let (mut mean, mut second, mut mean_z) = (0.0, 0.0, 0.0);
    let mut mask = vec![1.0; net.mlp.num_units()];
    for code in 0u32..(1u32 << d) {
        for (b, &u) in units.iter().enumerate() {
            mask[u] = ((code >> b) & 1) as f64;
        }
        let p = probability[code.count_ones() as usize];
        let z = net
            .mlp
            .forward(net.params, net.dropout, x, Some(&mask), &mut ws.tape);
        let y = net.mlp.loss.prediction(z);
        mean += p * y;
        second += p * y * y;
        mean_z += p * z;
    }
    Some(ExactPrediction {
        mean,
        std: libm::sqrt((second - mean * mean).max(0.0)),
        nwgm: net.mlp.loss.prediction(mean_z),
    })
}

/// Test-time predictions on many points (`inputs`: `n × n₀` row-major), each rule side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestTimePredictions {
    /// Weight scaling, length n.
    pub weight_scaled: Vec<f64>,
    /// MC mean over K masks shared by all points (an ensemble of K sub-networks), length n.
    pub mc_mean: Vec<f64>,
    /// Sample std of the K sub-network predictions at each point (NaN for K = 1), length n.
    pub mc_std: Vec<f64>,
    /// Exact mask average at each point (empty when `D > MAX_EXACT_UNITS` or not asked for).
    pub exact: Vec<f64>,
    /// Exact `sqrt(Var_m f)` at each point (empty like `exact`).
    pub exact_std: Vec<f64>,
}

/// Weight scaling, the K-mask MC average and (if `exact` and `D ≤ MAX_EXACT_UNITS`) the exact
/// average at every input. The K masks are drawn once from `rng` and shared by all points, so
/// the MC surface is the average of K sub-networks; at each point it is still an unbiased
/// estimate of `E_m f` with standard error `mc_std/√K`. Cost: `n·(1 + K + 2^D)` forward passes.
pub fn test_time_predictions(
    net: Net,
    inputs: &[f64],
    k: usize,
    exact: bool,
    rng: &mut SeededRng,
    ws: &mut Workspace,
) -> TestTimePredictions {
    let dim = net.mlp.widths()[0];
    let n = inputs.len() / dim;
    let members = sample_members(net, inputs, k, rng, ws);
    let mut out = TestTimePredictions {
        weight_scaled: Vec::with_capacity(n),
        mc_mean: Vec::with_capacity(n),
        mc_std: Vec::with_capacity(n),
        exact: Vec::new(),
        exact_std: Vec::new(),
    };
    let exact = exact && net.dropout.droppable_units(net.mlp).len() <= MAX_EXACT_UNITS;
    for i in 0..n {
        let x = &inputs[i * dim..(i + 1) * dim];
        out.weight_scaled.push(weight_scaled(net, x, ws));
        let ys = (0..k).map(|j| members.predictions[j * n + i]);
        let mean = ys.clone().sum::<f64>() / k as f64;
        let s = summarize(
            ys.clone().sum(),
            ys.map(|y| (y - mean) * (y - mean)).sum(),
            k,
        );
        out.mc_mean.push(s.mean);
        out.mc_std.push(s.std);
        if exact {
            let e = exact_average(net, x, ws).expect("D checked");
            out.exact.push(e.mean);
            out.exact_std.push(e.std);
        }
    }
    out
}

/// Sampled sub-networks ("ensemble members"), for a strip of small multiples.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Members {
    /// `count` masks, each of [`crate::nn::mlp::Mlp::num_units`] 0/1 entries (row-major).
    pub masks: Vec<f64>,
    /// `count × n` predictions: member j at input i is `predictions[j·n + i]`.
    pub predictions: Vec<f64>,
}

/// `count` sub-networks with masks drawn from `rng`, each evaluated at every input
/// (`inputs`: `n × n₀` row-major).
pub fn sample_members(
    net: Net,
    inputs: &[f64],
    count: usize,
    rng: &mut SeededRng,
    ws: &mut Workspace,
) -> Members {
    let (units, dim) = (net.mlp.num_units(), net.mlp.widths()[0]);
    let n = inputs.len() / dim;
    let mut masks = vec![1.0; count * units];
    let mut predictions = Vec::with_capacity(count * n);
    for j in 0..count {
        let mask = &mut masks[j * units..(j + 1) * units];
        net.dropout.sample_mask(net.mlp, rng, mask);
        for i in 0..n {
            predictions.push(masked(net, &inputs[i * dim..(i + 1) * dim], mask, ws));
        }
    }
    Members { masks, predictions }
}
