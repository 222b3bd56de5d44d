//! Laplace vs variational Gaussian on Bishop's 1-D density (SCIENCE.md §5), for the browser.

use crate::{as_pairs, check_reply, settings_from_js, to_js};
use js_sys::{Array, Float64Array, Object, Reflect};
use noiselab_core::bayes::density1d::{analyze, curves, TiltedGaussian, DENSITY1D_FIELDS};
use wasm_bindgen::prelude::*;

/// The field table: `[{name, label, unit, help, kind, min, max, …}]`.
#[wasm_bindgen(js_name = density1dFields)]
pub fn density1d_fields() -> Result<JsValue, JsError> {
    to_js(&DENSITY1D_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = density1dCheck)]
pub fn density1d_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        TiltedGaussian::from_settings(as_pairs(&pairs)),
        TiltedGaussian::to_settings,
    )
}

/// Analyse `p̃(z) = exp(−z²/2)σ(slope·z + offset)` and tabulate the curves on `n` points of
/// `[zMin, zMax]`: `{analysis: {logNormalizer, mode, laplacePrecision, laplace: {mean, std},
/// variational, momentMatched, laplaceKl: {klQP, klPQ}, …}, z: Float64Array(n),
/// density: Float64Array[4], negLogDensity: Float64Array[4]}` with curves in the order
/// `[p, q_Laplace, q_VI, q_moment-matched]`. Throws with the field's message on bad settings.
#[wasm_bindgen(js_name = density1dAnalyze)]
pub fn density1d_analyze(
    settings: JsValue,
    z_min: f64,
    z_max: f64,
    n: u32,
) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    let density = TiltedGaussian::from_settings(as_pairs(&pairs))
        .map_err(|e| JsError::new(&e.to_string()))?;
    let range_ok = z_min.is_finite() && z_max.is_finite() && z_min < z_max;
    if !(range_ok && (2..=4096).contains(&n)) {
        return Err(JsError::new(
            "the plot range must be finite with zMin < zMax, on 2 to 4096 points",
        ));
    }
    let analysis = analyze(density);
    let c = curves(&analysis, z_min, z_max, n as usize);
    let out = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&out, &JsValue::from_str(k), v);
    };
    set("analysis", &to_js(&analysis)?);
    set("z", &Float64Array::from(&c.z[..]));
    let arrays = |curves: &[Vec<f64>; 4]| {
        let a = Array::new();
        for v in curves {
            a.push(&Float64Array::from(&v[..]));
        }
        a
    };
    set("density", &arrays(&c.density));
    set("negLogDensity", &arrays(&c.neg_log_density));
    Ok(out.into())
}
