//! One epoch, exactly (Smith, Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10), for the
//! browser: a one-shot computation.

use crate::to_js;
use noiselab_core::implicit_reg::one_epoch::{compute, OneEpochConfig};
use wasm_bindgen::prelude::*;

lab!(compute OneEpoch: OneEpochConfig);

#[wasm_bindgen]
impl OneEpoch {
    /// Validate and compute in one call: the create reply (`lab::create`) with `value`
    /// `{learningRates, flowJ: {gaps, shrink, slope}, flowJr, flowVariant | null, displacement,
    /// orderings, stepsPerEpoch, coefficients: [a, c], finite}` (plain arrays: a few numbers).
    pub fn compute(settings: JsValue, base: JsValue) -> Result<JsValue, JsError> {
        Self::reply(&settings, &base, "value", |c| to_js(&compute(&c)))
    }
}
