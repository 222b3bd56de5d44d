//! The implicit-regularizer sweeps (Smith et al. 2021; SCIENCE.md §10) for the browser: one
//! `step` computes one sweep point, so the worker reports progress and caches points.

use js_sys::{Array, Float64Array};
use noiselab_core::implicit_reg::{ImplicitRegSweep, POINT_FIELDS};
use wasm_bindgen::prelude::*;

lab!(run ImplicitReg: ImplicitRegSweep, columns: POINT_FIELDS);

#[wasm_bindgen]
impl ImplicitReg {
    /// All point rows, `points × historyFields().length` row-major; rows not yet
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
}
