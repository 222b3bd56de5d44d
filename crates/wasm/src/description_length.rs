//! Bayes by Backprop on the 2-D logistic regression with its description length and PAC-Bayes
//! bounds (SCIENCE.md §4), for the browser.

use js_sys::Float64Array;
use noiselab_core::bayes::description_length::{sweep_grid, BbbLogReg};
use wasm_bindgen::prelude::*;

lab!(run DescriptionLength: BbbLogReg);

#[wasm_bindgen]
impl DescriptionLength {
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
