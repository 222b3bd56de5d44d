//! The 1-D Bayesian regression comparison (MAP, Laplace, Bayes by Backprop, MC dropout, HMC;
//! SCIENCE.md §3–§4) for the browser.

use crate::{as_pairs, check_reply, settings_from_js, to_js};
use js_sys::{Float64Array, Object, Reflect};
use noiselab_core::bayes::regression::{
    RegressionConfig, RegressionRun, GRID_POINTS, METHODS, REGRESSION_FIELDS,
};
use noiselab_core::experiment::Experiment;
use wasm_bindgen::prelude::*;

/// The field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = bayesRegressionFields)]
pub fn bayes_regression_fields() -> Result<JsValue, JsError> {
    to_js(&REGRESSION_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = bayesRegressionCheck)]
pub fn bayes_regression_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        RegressionConfig::from_settings(as_pairs(&pairs)),
        RegressionConfig::to_settings,
    )
}

/// Method names in band order: `["map", "laplace", "bbb", "dropout", "hmc"]`.
#[wasm_bindgen(js_name = bayesRegressionMethods)]
pub fn bayes_regression_methods() -> Result<JsValue, JsError> {
    to_js(&METHODS)
}

/// A staged comparison run; `step(n)` does n units of work (Adam steps, Newton steps, HMC
/// transitions).
#[wasm_bindgen]
pub struct BayesRegressionRun {
    inner: RegressionRun,
}

#[wasm_bindgen]
impl BayesRegressionRun {
    /// Start from settings (`name → string | number`); throws naming every bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<BayesRegressionRun, JsError> {
        let pairs = settings_from_js(&settings)?;
        let config = RegressionConfig::from_settings(as_pairs(&pairs))
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(BayesRegressionRun {
            inner: RegressionRun::new(config),
        })
    }

    /// Advance by up to `n` units: `{stepsTaken, stop: null | "done" | "diverged"}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{stage, stageStep, stageTotal, stepsDone, stopReason, dataPoints, params,
    /// priorVariance, mapLogJoint, logEvidence, logEvidenceGgn, …, elbo: {…}, hmcAcceptance,
    /// bands: [{ready, widthInside, widthBetween}] ×5, betweenIntervals: [[x0, x1], …]}`.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
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
        let out = Object::new();
        let _ = Reflect::set(&out, &"inputs".into(), &Float64Array::from(&d.inputs[..]));
        let _ = Reflect::set(&out, &"targets".into(), &Float64Array::from(&d.targets[..]));
        out.into()
    }

    /// Add a point and start over; throws on a non-finite value.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x: f64, t: f64) -> Result<(), JsError> {
        if !(x.is_finite() && t.is_finite()) {
            return Err(JsError::new("a data point needs finite x and t"));
        }
        self.inner.add_point(x, t);
        Ok(())
    }

    /// Remove the added points and start over.
    #[wasm_bindgen(js_name = resetData)]
    pub fn reset_data(&mut self) {
        self.inner.reset_data();
    }

    /// Start over on the same data and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Units of work done.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }
}
