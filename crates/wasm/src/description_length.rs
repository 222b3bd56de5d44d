//! Bayes by Backprop on the 2-D logistic regression with its description length and PAC-Bayes
//! bounds (SCIENCE.md §4), for the browser.

use crate::to_js;
use js_sys::Float64Array;
use noiselab_core::bayes::description_length::{sweep_grid, sweep_point, BbbLogReg};
use wasm_bindgen::prelude::*;

lab!(run DescriptionLength: BbbLogReg);

#[wasm_bindgen]
impl DescriptionLength {
    /// One point of the prior-variance sweep: the settings with `priorVariance = eta`, trained to
    /// the end: `{priorVariance, evaluation: {elbo, klNats, klBits, trainError, testError,
    /// mcallesterBound, langfordSeegerBound, …}, diverged}`.
    #[wasm_bindgen(js_name = sweepPoint)]
    pub fn sweep_point(settings: JsValue, eta: f64) -> Result<JsValue, JsError> {
        let config = Self::parse(&settings)?;
        if !(eta.is_finite() && eta > 0.0 && eta <= 100.0) {
            return Err(JsError::new(&format!(
                "priorVariance must be a number in (0, 100]; got {eta}"
            )));
        }
        to_js(&sweep_point(&config, eta))
    }

    /// `count` (2 to 100) prior variances log-spaced on `[lo, hi]` (`0 < lo < hi ≤ 100`).
    #[wasm_bindgen(js_name = sweepGrid)]
    pub fn sweep_grid_of(lo: f64, hi: f64, count: u32) -> Result<Float64Array, JsError> {
        if !(lo > 0.0 && hi > lo && hi <= 100.0 && (2..=100).contains(&count)) {
            return Err(JsError::new(
                "the sweep needs 0 < lo < hi ≤ 100 and 2 to 100 points",
            ));
        }
        Ok(Float64Array::from(&sweep_grid(lo, hi, count as usize)[..]))
    }

    /// The training set `[x₁, x₂, y, …]`.
    #[wasm_bindgen(js_name = trainData)]
    pub fn train_data(&self) -> Float64Array {
        let d = self.inner.train();
        let flat: Vec<f64> = d
            .inputs
            .iter()
            .zip(&d.labels)
            .flat_map(|(x, y)| [x[0], x[1], *y])
            .collect();
        Float64Array::from(&flat[..])
    }
}
