//! The 1-D Bayesian regression comparison (MAP, Laplace, Bayes by Backprop, MC dropout, HMC;
//! SCIENCE.md §3–§4) for the browser.

use crate::{f64s, to_js};
use js_sys::Float64Array;
use noiselab_core::bayes_regression::{RegressionRun, GRID_POINTS, METHODS};
use wasm_bindgen::prelude::*;

lab!(run BayesRegression: RegressionRun);

#[wasm_bindgen]
impl BayesRegression {
    /// Method names in band order: `["map", "laplace", "bbb", "dropout", "hmc"]`.
    pub fn methods() -> Result<JsValue, JsError> {
        to_js(&METHODS)
    }

    /// Bands, flat `[method (5)][mean, std][grid (G)]`; NaN where not computed yet.
    pub fn bands(&self) -> Float64Array {
        Float64Array::from(&self.inner.bands()[..])
    }

    /// The band grid x (G values).
    pub fn grid(&self) -> Float64Array {
        Float64Array::from(self.inner.grid())
    }

    /// G, the number of grid points.
    #[wasm_bindgen(js_name = gridPoints)]
    pub fn grid_points(&self) -> u32 {
        GRID_POINTS as u32
    }

    /// The data: `{inputs: Float64Array(N), targets: Float64Array(N)}`.
    pub fn data(&self) -> JsValue {
        let d = self.inner.data();
        object! {
            "inputs": f64s(&d.inputs),
            "targets": f64s(&d.targets),
        }
    }
}
