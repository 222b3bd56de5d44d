//! Bayes by Backprop on Bayesian linear regression (SCIENCE.md §4), for the browser: the ELBO
//! against the exact log evidence, the variances against the mean-field optimum, and 2σ ellipses.

use crate::to_js;
use js_sys::Float64Array;
use noiselab_core::bayes::bbb_linreg::view::{ellipses, reference, samples};
use wasm_bindgen::prelude::*;

lab!(run BbbLinreg: noiselab_core::bayes::BayesByBackprop);

#[wasm_bindgen]
impl BbbLinreg {
    /// `{logEvidence, meanFieldGap, posteriorMean, meanFieldStd, marginalStd,
    /// varianceRatioMeanField, varianceRatioMarginal, elboTailMean, gapTailMean,
    /// averagedStdOverMeanField, averagedStdOverMarginal}` at the current `s`.
    pub fn reference(&self) -> Result<JsValue, JsError> {
        to_js(&reference(&self.inner))
    }

    /// Three `k`σ ellipses over weights `i`, `j` (0-based), `points` points each, flat `[x, y, …]`:
    /// exact posterior, mean-field optimum, current q. Empty if `i = j` or out of range.
    pub fn ellipses(&self, i: u32, j: u32, k: f64, points: u32) -> Float64Array {
        let points = points.clamp(3, 1000) as usize;
        Float64Array::from(&ellipses(&self.inner, i as usize, j as usize, k, points)[..])
    }

    /// `count` draws from the current q over weights `i`, `j` (0-based), flat `[x, y, …]`, with
    /// the same `ε` at every step (display only). Empty if `i = j` or out of range.
    pub fn samples(&self, i: u32, j: u32, count: u32) -> Float64Array {
        let count = count.min(2000) as usize;
        Float64Array::from(&samples(&self.inner, i as usize, j as usize, count)[..])
    }

    /// `[μ₁ … μ_D, s₁ … s_D]` rows for steps `from ..= stepsDone`, flat (2D columns).
    #[wasm_bindgen(js_name = parametersFrom)]
    pub fn parameters_from(&self, from: u32) -> Float64Array {
        let k = 2 * self.inner.data().dim;
        let h = self.inner.parameter_history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
    }
}
