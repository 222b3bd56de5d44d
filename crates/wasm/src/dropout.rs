//! Dropout (Grosse, Lecture 8; SCIENCE.md §2) for the browser: a run handle over the core's
//! `DropoutTraining` (two nets, with and without dropout, same data, init and batches), and a
//! one-shot linear-regression view (`linear(settings)`, SCIENCE.md §2.1; settings in the core),
//! and a second run handle, `DropoutK`, over the core's `WeiComparison` (Wei, Kakade & Ma's four
//! rules and no dropout in lockstep: the widget's Wei view, `noiselab run dropout-k`).

use crate::{err, f64s, parse, set, to_js, typed};
use js_sys::Float64Array;
use noiselab_core::dropout::linear_view::{linear_view, LinearViewConfig};
use noiselab_core::dropout::testtime::TestTimePredictions;
use noiselab_core::dropout::wei::WeiComparison;
use noiselab_core::dropout::{check_count, check_grid, DropoutTraining, Which};
use wasm_bindgen::prelude::*;

lab!(run Dropout: DropoutTraining);
lab!(run DropoutK: WeiComparison);

#[wasm_bindgen]
impl Dropout {
    /// The data: `{dim, trainX, trainT, testX, testT, domain: {xMin, xMax, yMin, yMax},
    /// classification}`; inputs row-major (`len × dim`).
    pub fn data(&self) -> Result<JsValue, JsError> {
        let d = self.inner.data();
        Ok(object! {
            "dim": d.train.dim as u32,
            "trainX": f64s(&d.train.inputs),
            "trainT": f64s(&d.train.targets),
            "testX": f64s(&d.test.inputs),
            "testT": f64s(&d.test.targets),
            "domain": to_js(&self.inner.domain())?,
            "classification": self.inner.config().task.is_classification(),
        })
    }

    /// Weight-scaled predictions of a net (`"dropout"` or `"plain"`): for 2-D tasks an
    /// `nx × ny` grid of `p(t = 1 | x)`, row-major, row 0 at `yMax`; for 1-D regression `nx`
    /// values of `f(x)` from `xMin` to `xMax`.
    pub fn predictions(&self, net: &str, nx: u32, ny: u32) -> Result<Float64Array, JsError> {
        let (nx, ny) = (nx as usize, ny as usize);
        check_grid(nx, ny, self.inner.one_d()).map_err(err)?;
        let net = Which::from_name(net).map_err(err)?;
        Ok(Float64Array::from(&self.inner.predictions(net, nx, ny)[..]))
    }

    /// The noise-free regression function at `nx` points (NaN for classification).
    #[wasm_bindgen(js_name = trueCurve)]
    pub fn true_curve(&self, nx: u32) -> Result<Float64Array, JsError> {
        check_grid(nx as usize, 2, true).map_err(err)?;
        Ok(Float64Array::from(&self.inner.true_curve(nx as usize)[..]))
    }

    /// Decision boundary `p = ½` of a net as segments `[x0, y0, x1, y1, …]` (empty for
    /// regression).
    #[wasm_bindgen(js_name = decisionBoundary)]
    pub fn decision_boundary(&self, net: &str, nx: u32, ny: u32) -> Result<Float64Array, JsError> {
        let (nx, ny) = (nx as usize, ny as usize);
        check_grid(nx, ny, false).map_err(err)?;
        let net = Which::from_name(net).map_err(err)?;
        Ok(Float64Array::from(
            &self.inner.decision_boundary(net, nx, ny)[..],
        ))
    }

    /// Test-time predictions of the dropout net at the prediction points:
    /// `{weightScaled, mcMean, mcStd, exact, exactStd (Float64Arrays; exact ones empty when
    /// D > 16, not asked, or more than 8,388,608 forward passes), droppable: D, k}`. The K masks (from `seed`) are shared by all
    /// points.
    #[wasm_bindgen(js_name = testTime)]
    pub fn test_time(
        &self,
        nx: u32,
        ny: u32,
        k: u32,
        exact: bool,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let (r, nx, ny, seed) = (&self.inner, nx as usize, ny as usize, seed as u64);
        let t = r.checked_test_time(nx, ny, k as usize, exact, seed);
        Ok(self.test_time_object(&t.map_err(err)?, k))
    }

    /// Test-time predictions along the horizontal slice `x₂ = x2` of a 2-D task (`n` points
    /// from `xMin` to `xMax`), as [`Dropout::test_time`] (the same K masks for the same
    /// `seed`). The exact average is computed only when `n·2^D ≤ 8,388,608` forward passes.
    #[wasm_bindgen(js_name = testTimeSlice)]
    pub fn test_time_slice(
        &self,
        n: u32,
        x2: f64,
        k: u32,
        exact: bool,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let (r, n, seed) = (&self.inner, n as usize, seed as u64);
        let t = r.test_time_slice(n, x2, k as usize, exact, seed);
        Ok(self.test_time_object(&t.map_err(err)?, k))
    }

    /// Whether the exact `2^D` average at `n` points stays within 8,388,608 forward passes.
    #[wasm_bindgen(js_name = exactAffordable)]
    pub fn exact_affordable(&self, n: usize) -> bool {
        self.inner.exact_affordable(n)
    }

    /// `count` sampled sub-networks of the dropout net (masks from `seed`):
    /// `{masks: Float64Array(count·units), predictions: Float64Array(count·n), units, n}`.
    pub fn members(&self, count: u32, nx: u32, ny: u32, seed: u32) -> Result<JsValue, JsError> {
        let (nx, ny, count) = (nx as usize, ny as usize, count as usize);
        check_grid(nx, ny, self.inner.one_d()).map_err(err)?;
        check_count("the member count", count).map_err(err)?;
        let m = self.inner.members(count, nx, ny, seed as u64);
        Ok(object! {
            "masks": f64s(&m.masks),
            "predictions": f64s(&m.predictions),
            "units": self.inner.mlp().num_units() as u32,
            "n": self.inner.points(nx, ny) as u32,
        })
    }

    /// Number D of droppable units of the dropout net (the ensemble has `2^D` members).
    #[wasm_bindgen(js_name = droppableUnits)]
    pub fn droppable_units(&self) -> u32 {
        self.inner.droppable_units() as u32
    }

    /// Add a training point: `x` of the task's input dimension, target `t` (0/1 for
    /// classification, a value for regression). Training goes on from the current weights.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x: Vec<f64>, t: f64) -> Result<u32, JsError> {
        Ok(self.inner.add_checked_point(&x, t).map_err(err)? as u32)
    }

    /// Remove the training point nearest to `x` (and to `t` for regression; pass NaN to
    /// ignore it); returns its index, or −1 if none was removed (the last point stays).
    #[wasm_bindgen(js_name = removeNearest)]
    pub fn remove_nearest(&mut self, x: Vec<f64>, t: f64) -> i32 {
        let t = t.is_finite().then_some(t);
        self.inner.remove_nearest(&x, t).map_or(-1, |i| i as i32)
    }

    /// Restore the seeded data (undo user points) and restart training.
    #[wasm_bindgen(js_name = resetData)]
    pub fn reset_data(&mut self) {
        self.inner.reset_data();
    }

    fn test_time_object(&self, t: &TestTimePredictions, k: u32) -> JsValue {
        object! {
            "weightScaled": f64s(&t.weight_scaled),
            "mcMean": f64s(&t.mc_mean),
            "mcStd": f64s(&t.mc_std),
            "exact": f64s(&t.exact),
            "exactStd": f64s(&t.exact_std),
            "droppable": self.droppable_units(),
            "k": k,
        }
    }
}

#[wasm_bindgen]
impl Dropout {
    /// Dropout on linear regression (SCIENCE.md §2.1; Srivastava et al. 2014, sec. 9.1), the view
    /// `noiselab run dropout-linear` also runs: validate `settings` (the core's
    /// `LINEAR_FIELDS`: points, features, noise, dropoutRate, learningRate, batchSize, steps,
    /// records, seed; absent ones take their defaults; an `Error` names every bad one) and
    /// compute: `{d, n, rho, secondMoments, leastSquares, minimizer
    /// (w* = ridge with λⱼ = ρ/(1−ρ)·Sⱼⱼ), uniformRidge, penalty, regularizerAtMinimizer,
    /// enumerated (2^d masks), mc, seMc (40 passes), steps, weights (r·d iterates), averages
    /// (r·d tail averages after `steps/10` burn-in), regularizer (closed-form R at the iterate),
    /// objective (J + R at the tail average), finalAverage, distance, diverged, config (the settings
    /// used, typed)}` (arrays as Float64Arrays, `r = records + 1`).
    pub fn linear(settings: JsValue) -> Result<JsValue, JsError> {
        let c: LinearViewConfig = parse(&settings)?;
        let arrays = "secondMoments leastSquares minimizer uniformRidge penalty steps weights \
            averages regularizer objective finalAverage";
        let out = typed(&linear_view(&c), arrays)?;
        set(&out, "config", &to_js(&c)?);
        Ok(out.into())
    }
}
