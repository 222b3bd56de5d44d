//! Bayes by Backprop on the 2-D logistic regression with its description length and PAC-Bayes
//! bounds (SCIENCE.md §4), for the browser.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::Float64Array;
use noiselab_core::bayes::bbb_logreg::{
    sweep_grid, sweep_point, BbbLogReg, BbbLogRegConfig, BBB_LOGREG_FIELDS,
    BBB_LOGREG_HISTORY_FIELDS,
};
use noiselab_core::experiment::Experiment;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn parse(settings: &JsValue) -> Result<BbbLogRegConfig, JsError> {
    config_from_js(settings, |p| BbbLogRegConfig::from_settings(as_pairs(p)))
}

/// The field table.
#[wasm_bindgen(js_name = bbbLogregFields)]
pub fn bbb_logreg_fields() -> Result<JsValue, JsError> {
    to_js(&BBB_LOGREG_FIELDS)
}

/// Column names of a history row.
#[wasm_bindgen(js_name = bbbLogregHistoryFields)]
pub fn bbb_logreg_history_fields() -> Result<JsValue, JsError> {
    to_js(&BBB_LOGREG_HISTORY_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = bbbLogregCheck)]
pub fn bbb_logreg_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        BbbLogRegConfig::from_settings(as_pairs(&pairs)),
        BbbLogRegConfig::to_settings,
    )
}

/// One point of the prior-variance sweep: the settings with `priorVariance = eta`, trained to
/// the end: `{priorVariance, evaluation: {elbo, klNats, klBits, trainError, testError,
/// mcallesterBound, langfordSeegerBound, …}, diverged}`.
#[wasm_bindgen(js_name = bbbLogregSweepPoint)]
pub fn bbb_logreg_sweep_point(settings: JsValue, eta: f64) -> Result<JsValue, JsError> {
    let config = parse(&settings)?;
    if !(eta.is_finite() && eta > 0.0 && eta <= 100.0) {
        return Err(JsError::new(&format!(
            "priorVariance must be a number in (0, 100]; got {eta}"
        )));
    }
    to_js(&sweep_point(&config, eta))
}

/// `count` (2 to 100) prior variances log-spaced on `[lo, hi]` (`0 < lo < hi ≤ 100`).
#[wasm_bindgen(js_name = bbbLogregSweepGrid)]
pub fn bbb_logreg_sweep_grid(lo: f64, hi: f64, count: u32) -> Result<Float64Array, JsError> {
    if !(lo > 0.0 && hi > lo && hi <= 100.0 && (2..=100).contains(&count)) {
        return Err(JsError::new(
            "the sweep needs 0 < lo < hi ≤ 100 and 2 to 100 points",
        ));
    }
    Ok(Float64Array::from(&sweep_grid(lo, hi, count as usize)[..]))
}

/// A Bayes-by-Backprop run.
#[wasm_bindgen]
pub struct BbbLogregRun {
    inner: BbbLogReg,
}

#[wasm_bindgen]
impl BbbLogregRun {
    /// Start a run; throws naming every bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<BbbLogregRun, JsError> {
        Ok(BbbLogregRun {
            inner: BbbLogReg::new(parse(&settings)?),
        })
    }

    /// Advance by up to `n` steps: `{stepsTaken, stop}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{totalSteps, stepsDone, stopReason, evaluation, mean, std}`.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Steps taken so far.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// History rows for steps `from ..= stepsDone`, flat, `bbbLogregHistoryFields()` columns.
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let k = BBB_LOGREG_HISTORY_FIELDS.len();
        let h = self.inner.history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
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

    /// Back to step 0 of the same settings and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The run's settings, normalized.
    pub fn settings(&self) -> Result<JsValue, JsError> {
        let m: BTreeMap<&'static str, String> =
            self.inner.config().to_settings().into_iter().collect();
        to_js(&m)
    }
}
