//! One epoch, exactly (Smith, Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10), for the
//! browser: a one-shot computation like density1d.

use crate::{as_pairs, check_reply, settings_from_js, to_js};
use noiselab_core::implicit_reg::one_epoch::{compute, OneEpochConfig, ONE_EPOCH_FIELDS};
use wasm_bindgen::prelude::*;

/// The field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = oneEpochFields)]
pub fn one_epoch_fields() -> Result<JsValue, JsError> {
    to_js(&ONE_EPOCH_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = oneEpochCheck)]
pub fn one_epoch_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        OneEpochConfig::from_settings(as_pairs(&pairs)),
        OneEpochConfig::to_settings,
    )
}

/// Run the experiment: `{learningRates, flowJ: {gaps, shrink, slope}, flowJr, flowVariant |
/// null, displacement, orderings, stepsPerEpoch, coefficients: [a, c], finite}` (plain
/// arrays: a few numbers). Throws with the field's message on bad settings.
#[wasm_bindgen(js_name = oneEpochCompute)]
pub fn one_epoch_compute(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    let config = OneEpochConfig::from_settings(as_pairs(&pairs))
        .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&compute(&config))
}
