//! The implicit-regularizer sweeps (Smith et al. 2021; SCIENCE.md §10) for the browser: one
//! `step` computes one sweep point, so the worker reports progress and caches points.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::{Array, Float64Array};
use noiselab_core::experiment::Experiment;
use noiselab_core::implicit_reg::{ImplicitRegConfig, ImplicitRegSweep, FIELDS, POINT_FIELDS};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// The sweeps' field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = implicitRegFields)]
pub fn implicit_reg_fields() -> Result<JsValue, JsError> {
    to_js(&FIELDS)
}

/// Column names of a point row (see [`ImplicitRegRun::rows`]).
#[wasm_bindgen(js_name = implicitRegPointFields)]
pub fn implicit_reg_point_fields() -> Result<JsValue, JsError> {
    to_js(&POINT_FIELDS)
}

/// Validate settings without starting: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = implicitRegCheck)]
pub fn implicit_reg_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        ImplicitRegConfig::from_settings(as_pairs(&pairs)),
        ImplicitRegConfig::to_settings,
    )
}

/// The learning-rate and batch-size sweeps of one configuration.
#[wasm_bindgen]
pub struct ImplicitRegRun {
    inner: ImplicitRegSweep,
}

#[wasm_bindgen]
impl ImplicitRegRun {
    /// Set up the sweeps from settings (`name → string | number`, defaults for the rest).
    /// Throws an `Error` whose message names every bad field and its allowed range.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<ImplicitRegRun, JsError> {
        let config = config_from_js(&settings, |p| ImplicitRegConfig::from_settings(as_pairs(p)))?;
        Ok(ImplicitRegRun {
            inner: ImplicitRegSweep::new(config),
        })
    }

    /// Compute up to `n` more points: `{stepsTaken, stop: null | "done"}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{totalPoints, donePoints, stopReason, next: {sweep, learningRate, batchSize} | null,
    /// last, parameters, trainPoints}`.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Points computed (or filled) so far.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// All point rows, `points × implicitRegPointFields().length` row-major; rows not yet
    /// computed are NaN apart from `sweep`, `learningRate` and `batchSize`.
    pub fn rows(&self) -> Float64Array {
        Float64Array::from(&self.inner.rows()[..])
    }

    /// One cache key per point (equal keys ⇒ bit-identical rows).
    #[wasm_bindgen(js_name = pointKeys)]
    pub fn point_keys(&self) -> Array {
        (0..self.inner.specs().len())
            .map(|k| JsValue::from_str(&self.inner.point_key(k)))
            .collect()
    }

    /// Whether point `k` has been computed (or filled).
    #[wasm_bindgen(js_name = hasPoint)]
    pub fn has_point(&self, k: u32) -> bool {
        self.inner.row(k as usize).is_some()
    }

    /// The row of point `k` (empty if not computed).
    pub fn row(&self, k: u32) -> Float64Array {
        match self.inner.row(k as usize) {
            Some(r) => Float64Array::from(&r[..]),
            None => Float64Array::new_with_length(0),
        }
    }

    /// Fill point `k` from a cached row of the same key; false if the row does not fit.
    pub fn fill(&mut self, k: u32, row: &[f64]) -> bool {
        self.inner.fill(k as usize, row)
    }

    /// Forget every point (they are recomputed, bit-identically).
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The run's settings, normalized (`name → text`).
    pub fn settings(&self) -> Result<JsValue, JsError> {
        let s: BTreeMap<&'static str, String> =
            self.inner.config().to_settings().into_iter().collect();
        to_js(&s)
    }
}
