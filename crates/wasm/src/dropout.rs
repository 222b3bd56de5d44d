//! Dropout (Grosse, Lecture 8; SCIENCE.md §2) for the browser: a run handle over the core's
//! `DropoutTraining` (two nets, with and without dropout, same data, init and batches), and a
//! one-shot linear-regression view (`linear(settings)`, SCIENCE.md §2.1; settings in the core),
//! and a second run handle, `DropoutK`, over the core's `WeiComparison` (Wei, Kakade & Ma's four
//! rules and no dropout in lockstep: the widget's Wei view, `noiselab run dropout-k`).

use crate::{f64s, parse, to_js};
use js_sys::Float64Array;
use noiselab_core::dropout::linear_view::{linear_view, LinearViewConfig};
use noiselab_core::dropout::testtime::{self, TestTimePredictions, MAX_EXACT_UNITS};
use noiselab_core::dropout::train::{Net, Workspace};
use noiselab_core::dropout::wei::WeiComparison;
use noiselab_core::dropout::{DropoutTraining, Which};
use noiselab_core::rng::SeededRng;
use wasm_bindgen::prelude::*;

/// Largest grid side for predictions (keeps one call well under a frame at the defaults).
const MAX_GRID: u32 = 256;
/// Largest K for the test-time MC average and the number of sampled members.
const MAX_K: u32 = 256;

fn which(name: &str) -> Result<Which, JsError> {
    match name {
        "dropout" => Ok(Which::Dropout),
        "plain" => Ok(Which::Plain),
        _ => Err(JsError::new(&format!(
            "net must be \"dropout\" or \"plain\"; got \"{name}\""
        ))),
    }
}

fn check_grid(nx: u32, ny: u32, one_d: bool) -> Result<(usize, usize), JsError> {
    let ny_ok = one_d || (2..=MAX_GRID).contains(&ny);
    if !(2..=MAX_GRID * 4).contains(&nx) || !ny_ok {
        return Err(JsError::new(&format!(
            "prediction grid must be 2 to {MAX_GRID} nodes per side"
        )));
    }
    Ok((nx as usize, ny as usize))
}

fn check_k(what: &str, k: u32) -> Result<(), JsError> {
    let message = || {
        JsError::new(&format!(
            "{what} must be a whole number from 1 to {MAX_K}; got {k}"
        ))
    };
    (1..=MAX_K).contains(&k).then_some(()).ok_or_else(message)
}

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
        let (nx, ny) = check_grid(nx, ny, self.one_d())?;
        Ok(Float64Array::from(
            &self.inner.predictions(which(net)?, nx, ny)[..],
        ))
    }

    /// The noise-free regression function at `nx` points (NaN for classification).
    #[wasm_bindgen(js_name = trueCurve)]
    pub fn true_curve(&self, nx: u32) -> Result<Float64Array, JsError> {
        let (nx, _) = check_grid(nx, 2, true)?;
        Ok(Float64Array::from(&self.inner.true_curve(nx)[..]))
    }

    /// Decision boundary `p = ½` of a net as segments `[x0, y0, x1, y1, …]` (empty for
    /// regression).
    #[wasm_bindgen(js_name = decisionBoundary)]
    pub fn decision_boundary(&self, net: &str, nx: u32, ny: u32) -> Result<Float64Array, JsError> {
        let (nx, ny) = check_grid(nx, ny, false)?;
        Ok(Float64Array::from(
            &self.inner.decision_boundary(which(net)?, nx, ny)[..],
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
        let (nx, ny) = check_grid(nx, ny, self.one_d())?;
        check_k("K", k)?;
        let points = if self.one_d() { nx } else { nx * ny };
        let exact = exact && self.exact_affordable(points);
        let t = self.inner.test_time(nx, ny, k as usize, exact, seed as u64);
        Ok(self.test_time_object(&t, k))
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
        let (n, _) = check_grid(n, 2, true)?;
        if self.one_d() || !x2.is_finite() {
            return Err(JsError::new("a slice needs a 2-D task and a finite x₂"));
        }
        check_k("K", k)?;
        let d = self.inner.domain();
        let inputs: Vec<f64> = (0..n).flat_map(|i| [d.x_at(i, n), x2]).collect();
        let net = Net {
            mlp: self.inner.mlp(),
            params: self.inner.params(Which::Dropout),
            dropout: self.inner.dropout(),
        };
        let mut ws = Workspace::new(self.inner.mlp());
        let mut rng = SeededRng::new(seed as u64, 0);
        let exact = exact && self.exact_affordable(n);
        let t = testtime::test_time_predictions(net, &inputs, k as usize, exact, &mut rng, &mut ws);
        Ok(self.test_time_object(&t, k))
    }

    /// Whether the exact `2^D` average at `n` points stays within 8,388,608 forward passes.
    #[wasm_bindgen(js_name = exactAffordable)]
    pub fn exact_affordable(&self, n: usize) -> bool {
        let d = self.droppable_units() as usize;
        d <= MAX_EXACT_UNITS && (n as u64) << d <= 8_388_608
    }

    /// `count` sampled sub-networks of the dropout net (masks from `seed`):
    /// `{masks: Float64Array(count·units), predictions: Float64Array(count·n), units, n}`.
    pub fn members(&self, count: u32, nx: u32, ny: u32, seed: u32) -> Result<JsValue, JsError> {
        let (nx, ny) = check_grid(nx, ny, self.one_d())?;
        check_k("the member count", count)?;
        let m = self.inner.members(count as usize, nx, ny, seed as u64);
        let n = if self.one_d() { nx } else { nx * ny };
        Ok(object! {
            "masks": f64s(&m.masks),
            "predictions": f64s(&m.predictions),
            "units": self.inner.mlp().num_units() as u32,
            "n": n as u32,
        })
    }

    /// Number D of droppable units of the dropout net (the ensemble has `2^D` members).
    #[wasm_bindgen(js_name = droppableUnits)]
    pub fn droppable_units(&self) -> u32 {
        self.inner.dropout().droppable_units(self.inner.mlp()).len() as u32
    }

    /// Add a training point: `x` of the task's input dimension, target `t` (0/1 for
    /// classification, a value for regression). Training goes on from the current weights.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x: Vec<f64>, t: f64) -> Result<u32, JsError> {
        let dim = self.inner.config().task.input_dim();
        let classify = self.inner.config().task.is_classification();
        if x.len() != dim || !x.iter().all(|v| v.is_finite()) || !t.is_finite() {
            return Err(JsError::new(&format!(
                "a point needs {dim} finite input(s) and a finite target"
            )));
        }
        if classify && t != 0.0 && t != 1.0 {
            return Err(JsError::new("a class label must be 0 or 1"));
        }
        self.inner.add_point(&x, t);
        Ok(self.inner.data().train.len() as u32)
    }

    /// Remove the training point nearest to `x` (and to `t` for regression; pass NaN to
    /// ignore it); returns its index, or −1 if none was removed (the last point stays).
    #[wasm_bindgen(js_name = removeNearest)]
    pub fn remove_nearest(&mut self, x: Vec<f64>, t: f64) -> i32 {
        if x.len() != self.inner.config().task.input_dim() {
            return -1;
        }
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

    fn one_d(&self) -> bool {
        self.inner.config().task.input_dim() == 1
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
        let v = linear_view(&c);
        Ok(object! {
            "d": v.d as u32,
            "n": v.n as u32,
            "rho": v.rho,
            "secondMoments": f64s(&v.second_moments),
            "leastSquares": f64s(&v.least_squares),
            "minimizer": f64s(&v.minimizer),
            "uniformRidge": f64s(&v.uniform_ridge),
            "penalty": f64s(&v.penalty),
            "regularizerAtMinimizer": v.regularizer_at_minimizer,
            "enumerated": v.enumerated,
            "mc": v.mc,
            "seMc": v.se_mc,
            "steps": f64s(&v.steps),
            "weights": f64s(&v.weights),
            "averages": f64s(&v.averages),
            "regularizer": f64s(&v.regularizer),
            "objective": f64s(&v.objective),
            "finalAverage": f64s(&v.final_average),
            "distance": v.distance,
            "diverged": v.diverged,
            "config": to_js(&c)?,
        })
    }
}
