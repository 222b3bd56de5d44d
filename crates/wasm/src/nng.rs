//! Noisy natural gradient (SCIENCE.md §6; Zhang et al. 2018) for the browser: full NNG, noisy
//! Adam and noisy K-FAC side by side on one Bayesian linear regression.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::Float64Array;
use noiselab_core::experiment::Experiment;
use noiselab_core::nng::{NngConfig, NngRun, NNG_FIELDS, NNG_HISTORY_FIELDS};
use wasm_bindgen::prelude::*;

/// The field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = nngFields)]
pub fn nng_fields() -> Result<JsValue, JsError> {
    to_js(&NNG_FIELDS)
}

/// Column names of a history row (see [`NngRunHandle::history_from`]).
#[wasm_bindgen(js_name = nngHistoryFields)]
pub fn nng_history_fields() -> Result<JsValue, JsError> {
    to_js(&NNG_HISTORY_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = nngCheck)]
pub fn nng_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        NngConfig::from_settings(as_pairs(&pairs)),
        NngConfig::to_settings,
    )
}

/// A run of the three methods, advanced by [`NngRunHandle::step`].
#[wasm_bindgen(js_name = NngRun)]
pub struct NngRunHandle {
    inner: NngRun,
}

#[wasm_bindgen(js_class = NngRun)]
impl NngRunHandle {
    /// Start a run from settings (`name → string | number`). Throws naming every bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<NngRunHandle, JsError> {
        let config = config_from_js(&settings, |p| NngConfig::from_settings(as_pairs(p)))?;
        Ok(NngRunHandle {
            inner: NngRun::new(config),
        })
    }

    /// Advance by up to `n` steps: `{stepsTaken, stop: null | "done" | "diverged"}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{totalSteps, stepsDone, stopReason, methods: [{method, mean, covariance, kl,
    /// correlation, diverged}], targetMean, targetCovariance, targetCorrelation, klMeanField,
    /// klKfacFixedPoint, klEmpiricalFixedPoint, precisionErrorFull, intrinsicDamping,
    /// effectiveRate, emaRate, batchSize}` (NaN as null).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Steps taken so far.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// History rows for steps `from ..= stepsDone`, flat row-major with the columns of
    /// `nngHistoryFields()`.
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let k = NNG_HISTORY_FIELDS.len();
        let h = self.inner.history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
    }

    /// `k·σ` ellipses over weights `(i, j)` (0-based, clamped to D − 1), `points` each:
    /// `[target, full, noisy Adam, noisy K-FAC] × points × (x, y)`, NaN for a diverged method.
    pub fn ellipses(&self, i: u32, j: u32, k: f64, points: u32) -> Float64Array {
        let (i, j) = self.axes(i, j);
        let points = points.clamp(3, 720) as usize;
        Float64Array::from(&self.inner.ellipses(i, j, k, points)[..])
    }

    /// The recent weight samples over weights `(i, j)`: `[method][sample](x, y)` with
    /// `sampleCount()` samples per method (full, noisy Adam, noisy K-FAC).
    pub fn samples(&self, i: u32, j: u32) -> Float64Array {
        let (i, j) = self.axes(i, j);
        Float64Array::from(&self.inner.samples(i, j)[..])
    }

    /// Samples kept per method.
    #[wasm_bindgen(js_name = sampleCount)]
    pub fn sample_count(&self) -> u32 {
        self.inner.sample_count() as u32
    }

    /// D, the number of weights.
    pub fn weights(&self) -> u32 {
        self.inner.config().weights
    }

    /// Restore step 0 of the same settings and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    fn axes(&self, i: u32, j: u32) -> (usize, usize) {
        let d = self.inner.config().weights.max(1) - 1;
        (i.min(d) as usize, j.min(d) as usize)
    }
}
