//! Laplace vs variational Gaussian on Bishop's 1-D density (SCIENCE.md §5), for the browser.

use crate::{f64s, to_js};
use js_sys::Array;
use noiselab_core::bayes::laplace_vb::{analyze, curves, TiltedGaussian};
use wasm_bindgen::prelude::*;

lab!(compute LaplaceVb: TiltedGaussian);

#[wasm_bindgen]
impl LaplaceVb {
    /// Validate and analyse `p̃(z) = exp(−z²/2)σ(slope·z + offset)` in one call, tabulating the
    /// curves on `n` points of `[zMin, zMax]`: the create reply (`lab::create`) with `value`
    /// `{analysis: {logNormalizer, mode, laplacePrecision, laplace: {mean, std}, variational,
    /// momentMatched, laplaceKl: {klQP, klPQ}, …}, z: Float64Array(n), density:
    /// Float64Array[4], negLogDensity: Float64Array[4]}` with curves in the order `[p,
    /// q_Laplace, q_VI, q_moment-matched]`. Throws for a bad plot range.
    pub fn compute(
        settings: JsValue,
        base: JsValue,
        z_min: f64,
        z_max: f64,
        n: u32,
    ) -> Result<JsValue, JsError> {
        let range_ok = z_min.is_finite() && z_max.is_finite() && z_min < z_max;
        if !(range_ok && (2..=4096).contains(&n)) {
            return Err(JsError::new(
                "the plot range must be finite with zMin < zMax, on 2 to 4096 points",
            ));
        }
        Self::reply(&settings, &base, "value", |density| {
            let analysis = analyze(density);
            let c = curves(&analysis, z_min, z_max, n as usize);
            let arrays = |curves: &[Vec<f64>; 4]| curves.iter().map(|v| f64s(v)).collect::<Array>();
            Ok(object! {
                "analysis": to_js(&analysis)?,
                "z": f64s(&c.z),
                "density": arrays(&c.density),
                "negLogDensity": arrays(&c.neg_log_density),
            })
        })
    }
}
