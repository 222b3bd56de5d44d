//! "SGD and Implicit Variational Bayes" for the browser (SCIENCE.md §7, §8): SGD, preconditioned
//! SGD and SGLD on a quadratic as an Ornstein–Uhlenbeck process, with the predicted stationary
//! covariances.

use crate::{f64s, to_js};
use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;

lab!(run SgdPosterior: noiselab_core::sgd_posterior::SgdOu);

#[wasm_bindgen]
impl SgdPosterior {
    /// Chains' positions `[x₀, y₀, …]` (2M), measured from the minimizer.
    pub fn positions(&self) -> Float64Array {
        Float64Array::from(&self.inner.positions()[..])
    }

    /// The predicted covariances and reference numbers (`OuTheory`, camelCase: 2×2 blocks at
    /// the plotted coordinates, the closed-form error bars `secondMomentTau`, and `full`, the
    /// d-dimensional theory), with the problem (`hessian`, `noiseCovariance`, `dimension`,
    /// `dataPoints`, `minimizer`) and `extent`, the half-width of a square plot around 0 that
    /// holds every predicted 2-sd ellipse.
    pub fn theory(&self) -> Result<JsValue, JsError> {
        Ok(object! {
            "theory": to_js(self.inner.theory())?,
            "problem": to_js(self.inner.problem())?,
            "extent": self.inner.plot_extent(),
        })
    }

    /// 2-sd ellipses (`xᵀΣ⁻¹x = 4`) with `n + 1` points each, `Float64Array [x₀, y₀, …]`, in
    /// the order posterior, continuous, discrete, empirical time average (empty if undefined).
    pub fn ellipses(&self, n: u32) -> Array {
        (self.inner.ellipses(n.clamp(8, 720) as usize).iter())
            .map(|e| f64s(e))
            .collect()
    }

    /// Posterior variance ratios `tr Σ_d/tr(H⁻¹/N)` against α on `n` points (`RateSweep`):
    /// `{learningRate, sgd, precondInverseC, sgldWellingTeh, sgldLecture,
    /// sgldWellingTehContinuous, precondBayes, minibatchToInjected, crossoverRate}` (NaN where
    /// unstable; JSON `null`).
    #[wasm_bindgen(js_name = rateSweep)]
    pub fn rate_sweep(&self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.rate_sweep(n.clamp(2, 400) as usize))
    }
}
