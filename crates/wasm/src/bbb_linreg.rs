//! Bayes by Backprop on Bayesian linear regression (SCIENCE.md §4), for the browser: the ELBO
//! against the exact log evidence, the variances against the mean-field optimum, and 2σ ellipses.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::Float64Array;
use noiselab_core::bayes::bbb_view::{ellipses, reference, samples};
use noiselab_core::bayes::{BayesByBackprop, BbbConfig, BBB_FIELDS, BBB_HISTORY_FIELDS};
use noiselab_core::experiment::Experiment;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// The field table.
#[wasm_bindgen(js_name = bbbLinregFields)]
pub fn bbb_linreg_fields() -> Result<JsValue, JsError> {
    to_js(&BBB_FIELDS)
}

/// Column names of a history row.
#[wasm_bindgen(js_name = bbbLinregHistoryFields)]
pub fn bbb_linreg_history_fields() -> Result<JsValue, JsError> {
    to_js(&BBB_HISTORY_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = bbbLinregCheck)]
pub fn bbb_linreg_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        BbbConfig::from_settings(as_pairs(&pairs)),
        BbbConfig::to_settings,
    )
}

/// A Bayes-by-Backprop run on a seeded Bayesian-linear-regression data set.
#[wasm_bindgen]
pub struct BbbLinregRun {
    inner: BayesByBackprop,
}

#[wasm_bindgen]
impl BbbLinregRun {
    /// Start a run; throws naming every bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<BbbLinregRun, JsError> {
        let config = config_from_js(&settings, |p| BbbConfig::from_settings(as_pairs(p)))?;
        Ok(BbbLinregRun {
            inner: BayesByBackprop::new(config),
        })
    }

    /// Advance by up to `n` steps: `{stepsTaken, stop}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{totalSteps, stepsDone, stopReason, elbo, expectedLogLikelihood, klNats, klBits,
    /// mcLogLikelihood, gap, mean, std, averagedMean, averagedStd}`.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

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

    /// Steps taken so far.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// History rows for steps `from ..= stepsDone`, flat, `bbbLinregHistoryFields()` columns.
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let k = BBB_HISTORY_FIELDS.len();
        let h = self.inner.history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
    }

    /// `[μ₁ … μ_D, s₁ … s_D]` rows for steps `from ..= stepsDone`, flat (2D columns).
    #[wasm_bindgen(js_name = parametersFrom)]
    pub fn parameters_from(&self, from: u32) -> Float64Array {
        let k = 2 * self.inner.data().dim;
        let h = self.inner.parameter_history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
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
