//! Sharp and flat minima (SCIENCE.md §1) for the browser: the small- vs large-batch experiment
//! as a run handle, and Dinh et al.'s rescaling demo as a one-shot computation.

use crate::{as_pairs, check_reply, field_errors, settings_from_js, to_js};
use js_sys::Float64Array;
use noiselab_core::experiment::Experiment;
use noiselab_core::sharpness::rescale::rescale_report;
use noiselab_core::sharpness::{BatchSizeExperiment, SharpnessConfig, FIELDS, HISTORY_FIELDS};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn parse(settings: &JsValue) -> Result<SharpnessConfig, JsError> {
    let pairs = settings_from_js(settings)?;
    SharpnessConfig::from_settings(as_pairs(&pairs)).map_err(|e| {
        JsError::new(
            &field_errors(&e)
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The field table: `[{name, label, unit, help, kind, min, max, minOpen, default, step, options}]`.
#[wasm_bindgen(js_name = sharpnessFields)]
pub fn sharpness_fields() -> Result<JsValue, JsError> {
    to_js(&FIELDS)
}

/// Column names of a history row (one row per measurement of one run).
#[wasm_bindgen(js_name = sharpnessHistoryFields)]
pub fn sharpness_history_fields() -> Result<JsValue, JsError> {
    to_js(&HISTORY_FIELDS)
}

/// Validate settings without starting a run: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = sharpnessCheck)]
pub fn sharpness_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        SharpnessConfig::from_settings(as_pairs(&pairs)),
        SharpnessConfig::to_settings,
    )
}

/// Dinh et al.'s rescaling demo for the settings' `seed`, `demoNoise` and `rescale` (a), with
/// `points` log-spaced values of a in [0.25, 10]: `{sweep: [{a, lambdaMax,
/// lambdaMaxGaussNewton, trace, loss, maxOutputChange, inputGradientNorm, klCarriedPrior,
/// klFixedPrior}], current: {…}, largeACoefficient, smallACoefficient, interpolating, lineS,
/// lineF1, lineFa, dataX1, dataT}`.
#[wasm_bindgen(js_name = sharpnessRescale)]
pub fn sharpness_rescale(settings: JsValue, points: u32) -> Result<JsValue, JsError> {
    let c = parse(&settings)?;
    if !(2..=200).contains(&points) {
        return Err(JsError::new("the rescale sweep takes 2 to 200 points"));
    }
    to_js(&rescale_report(
        c.seed as u64,
        c.demo_noise,
        c.rescale,
        points as usize,
    ))
}

/// A small- vs large-batch run, advanced by [`SharpnessRun::step`].
#[wasm_bindgen]
pub struct SharpnessRun {
    inner: BatchSizeExperiment,
}

#[wasm_bindgen]
impl SharpnessRun {
    /// Start from settings (`name → string | number`, defaults for the rest). Throws an `Error`
    /// whose message names every bad field and its allowed range.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<SharpnessRun, JsError> {
        Ok(SharpnessRun {
            inner: BatchSizeExperiment::new(parse(&settings)?),
        })
    }

    /// Advance by up to `n` steps (one SGD step of every unfinished run each):
    /// `{stepsTaken, stop: null | "done" | "diverged"}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{stepsDone, totalSteps, stopReason, runs: [{batchSize, large, repeat, step, totalSteps,
    /// diverged, finished, last: {step, epoch, trainLoss, testLoss, testError, lambdaMax, trace,
    /// traceSe, lambdaMaxGaussNewton, inputJacobianNorm}}], comparison: null | {smallBatch,
    /// largeBatch, pairs, …, sharpness: "sharper" | "flatter" | "similar", testLoss, testError:
    /// "worse" | "better" | "similar", …}}` (see `noiselab_core::sharpness::BatchComparison`).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Number of history rows so far.
    #[wasm_bindgen(js_name = historyRows)]
    pub fn history_rows(&self) -> u32 {
        (self.inner.history().len() / HISTORY_FIELDS.len()) as u32
    }

    /// History rows `from …`, flat row-major with the columns of `sharpnessHistoryFields()`.
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let h = self.inner.history();
        let start = (from as usize * HISTORY_FIELDS.len()).min(h.len());
        Float64Array::from(&h[start..])
    }

    /// The loss along each run's top Hessian eigenvector and a random direction:
    /// `{s, alongTop: [[…] per run], alongRandom: [[…] per run]}`.
    pub fn slice(&self, points: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.slice(points as usize))
    }

    /// Restore step 0 of the same settings and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The run's settings, normalized (`name → text`).
    pub fn settings(&self) -> Result<JsValue, JsError> {
        let m: BTreeMap<&str, String> = self.inner.config().to_settings().into_iter().collect();
        to_js(&m)
    }
}
