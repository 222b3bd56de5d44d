//! Sharp and flat minima (SCIENCE.md §1) for the browser: the small- vs large-batch experiment
//! as a run handle, and Dinh et al.'s rescaling demo as a one-shot computation.

use crate::to_js;
use noiselab_core::sharpness::rescale::rescale_report;
use noiselab_core::sharpness::BatchSizeExperiment;
use wasm_bindgen::prelude::*;

lab!(run Sharpness: BatchSizeExperiment);

#[wasm_bindgen]
impl Sharpness {
    /// Dinh et al.'s rescaling demo for the settings' `seed`, `demoNoise` and `rescale` (a), with
    /// `points` log-spaced values of a in [0.25, 10]: `{sweep: [{a, lambdaMax,
    /// lambdaMaxGaussNewton, trace, loss, maxOutputChange, inputGradientNorm, klCarriedPrior,
    /// klFixedPrior}], current: {…}, largeACoefficient, smallACoefficient, interpolating, lineS,
    /// lineF1, lineFa, dataX1, dataT}`.
    pub fn rescale(settings: JsValue, points: u32) -> Result<JsValue, JsError> {
        let c = Self::parse(&settings)?;
        if !(2..=200).contains(&points) {
            return Err(JsError::new("the rescale sweep takes 2 to 200 points"));
        }
        let report = rescale_report(c.seed as u64, c.demo_noise, c.rescale, points as usize);
        to_js(&report)
    }

    /// The loss along each run's top Hessian eigenvector and a random direction:
    /// `{s, alongTop: [[…] per run], alongRandom: [[…] per run]}`.
    pub fn slice(&self, points: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.slice(points as usize))
    }
}
