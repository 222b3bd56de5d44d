//! Noisy natural gradient (SCIENCE.md §6; Zhang et al. 2018) for the browser: full NNG, noisy
//! Adam and noisy K-FAC side by side on one Bayesian linear regression.

use js_sys::Float64Array;
use wasm_bindgen::prelude::*;

lab!(run Nng: noiselab_core::nng::NngRun);

#[wasm_bindgen]
impl Nng {
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

    fn axes(&self, i: u32, j: u32) -> (usize, usize) {
        let d = self.inner.config().weights.max(1) - 1;
        (i.min(d) as usize, j.min(d) as usize)
    }
}
