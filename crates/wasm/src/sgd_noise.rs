//! "SGD and Implicit Variational Bayes" for the browser (SCIENCE.md §7, §8): SGD, preconditioned
//! SGD and SGLD on a quadratic as an Ornstein–Uhlenbeck process, with the predicted stationary
//! covariances.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::{Array, Float64Array, Object, Reflect};
use noiselab_core::experiment::Experiment;
use noiselab_core::sgd_noise::{SgdOu, SgdOuConfig, SGD_OU_FIELDS, SGD_OU_HISTORY_FIELDS};
use wasm_bindgen::prelude::*;

/// The field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = sgdOuFields)]
pub fn sgd_ou_fields() -> Result<JsValue, JsError> {
    to_js(&SGD_OU_FIELDS)
}

/// Column names of a history row (see [`SgdOuRun::history_from`]).
#[wasm_bindgen(js_name = sgdOuHistoryFields)]
pub fn sgd_ou_history_fields() -> Result<JsValue, JsError> {
    to_js(&SGD_OU_HISTORY_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = sgdOuCheck)]
pub fn sgd_ou_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        SgdOuConfig::from_settings(as_pairs(&pairs)),
        SgdOuConfig::to_settings,
    )
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// M chains of SGD / preconditioned SGD / SGLD on `J = ½wᵀHw`.
#[wasm_bindgen]
pub struct SgdOuRun {
    inner: SgdOu,
}

#[wasm_bindgen]
impl SgdOuRun {
    /// Start a run; throws an `Error` naming every bad field and its range.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<SgdOuRun, JsError> {
        let config = config_from_js(&settings, |p| SgdOuConfig::from_settings(as_pairs(p)))?;
        Ok(SgdOuRun {
            inner: SgdOu::new(config),
        })
    }

    /// Advance by up to `n` steps: `{stepsTaken, stop}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{step, totalSteps, stopReason, message, mean, covariance, averageCovariance,
    /// averageCovarianceSe, traceRatio, traceRatioSe, averagedSteps, burnIn}` (2×2 row-major).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// History rows for steps `from ..= stepsDone`, flat row-major (`sgdOuHistoryFields()`).
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let k = SGD_OU_HISTORY_FIELDS.len();
        let h = self.inner.history();
        Float64Array::from(&h[(from as usize * k).min(h.len())..])
    }

    /// Chains' positions `[x₀, y₀, …]` (2M), measured from the minimizer.
    pub fn positions(&self) -> Float64Array {
        Float64Array::from(&self.inner.positions()[..])
    }

    /// The predicted covariances and reference numbers (`OuTheory`, camelCase), with the
    /// problem (`hessian`, `noiseCovariance`, `dataPoints`, `minimizer`) and `extent`, the
    /// half-width of a square plot around 0 that holds every predicted 2-sd ellipse.
    pub fn theory(&self) -> Result<JsValue, JsError> {
        let out = Object::new();
        set(&out, "theory", &to_js(self.inner.theory())?);
        set(&out, "problem", &to_js(self.inner.problem())?);
        set(&out, "extent", &JsValue::from(self.inner.plot_extent()));
        Ok(out.into())
    }

    /// 2-sd ellipses (`xᵀΣ⁻¹x = 4`) with `n + 1` points each, `Float64Array [x₀, y₀, …]`, in
    /// the order posterior, continuous, discrete, empirical time average (empty if undefined).
    pub fn ellipses(&self, n: u32) -> Array {
        let out = Array::new();
        for e in self.inner.ellipses(n.clamp(8, 720) as usize) {
            out.push(&Float64Array::from(&e[..]));
        }
        out
    }

    /// Posterior variance ratios `tr Σ_d/tr(H⁻¹/N)` against α on `n` points (`RateSweep`):
    /// `{learningRate, sgd, precondInverseC, sgldWellingTeh, sgldLecture,
    /// sgldWellingTehContinuous, precondBayes, minibatchToInjected, crossoverRate}` (NaN where unstable;
    /// JSON `null`).
    #[wasm_bindgen(js_name = rateSweep)]
    pub fn rate_sweep(&self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.rate_sweep(n.clamp(2, 400) as usize))
    }

    /// Back to step 0 with the same settings and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The run's settings, normalized (`name → text`).
    pub fn settings(&self) -> Result<JsValue, JsError> {
        let map: std::collections::BTreeMap<&str, String> =
            self.inner.config().to_settings().into_iter().collect();
        to_js(&map)
    }
}
