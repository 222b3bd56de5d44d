//! The funnel ("gradient noise and flatness") for the browser.

use crate::{as_pairs, check_reply, config_from_js, settings_from_js, to_js};
use js_sys::{Array, Float64Array, Object, Reflect, Uint8Array};
use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::{Cost, Funnel, FunnelConfig, DOMAIN, FIELDS, HISTORY_FIELDS};
use noiselab_core::{contour, ConfigError};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn settings_object(config: &FunnelConfig) -> BTreeMap<&'static str, String> {
    config.to_settings().into_iter().collect()
}

/// The funnel's field table: `[{name, label, unit, help, kind, min, max, minOpen, default,
/// step, options}]`, for building controls and validating attributes.
#[wasm_bindgen(js_name = funnelFields)]
pub fn funnel_fields() -> Result<JsValue, JsError> {
    to_js(&FIELDS)
}

/// Column names of a history row (see [`FunnelRun::history_from`]).
#[wasm_bindgen(js_name = funnelHistoryFields)]
pub fn funnel_history_fields() -> Result<JsValue, JsError> {
    to_js(&HISTORY_FIELDS)
}

/// Validate settings without starting a run: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = funnelCheck)]
pub fn funnel_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        FunnelConfig::from_settings(as_pairs(&pairs)),
        FunnelConfig::to_settings,
    )
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The cost surface for drawing, on an `nx × ny` node grid of the plotted domain:
/// `{domain: {xMin, xMax, yMin, yMax}, nx, ny, levels: Float64Array(nLevels),
/// bands: Uint8Array(nx·ny) (row-major, row 0 at yMax: the number of levels ≤ J),
/// contours: Float64Array[] (per level, segments [x0, y0, x1, y1, …]),
/// curvature: Float64Array(nx) (h(x) = ∂²J/∂y² on the valley floor at the grid's x),
/// curvatureMin, curvatureMax}`.
#[wasm_bindgen(js_name = funnelSurface)]
pub fn funnel_surface(cost: &str, nx: u32, ny: u32, n_levels: u32) -> Result<JsValue, JsError> {
    let cost = Cost::from_name(cost).ok_or_else(|| {
        JsError::new(
            &ConfigError::UnknownOption {
                field: "cost".into(),
                allowed: FIELDS[0].range(),
                got: cost.into(),
            }
            .to_string(),
        )
    })?;
    if !(2..=1024).contains(&nx) || !(2..=1024).contains(&ny) || !(1..=60).contains(&n_levels) {
        return Err(JsError::new(
            "surface grid must be 2 to 1024 nodes per side with 1 to 60 levels",
        ));
    }
    let (nx, ny) = (nx as usize, ny as usize);
    let values = cost.surface(&DOMAIN, nx, ny);
    let levels = cost.levels(&DOMAIN, n_levels as usize);
    let bands = contour::bands(&values, &levels);
    let contours = Array::new();
    for &level in &levels {
        let seg = contour::contour_segments(&DOMAIN, &values, nx, ny, level);
        contours.push(&Float64Array::from(&seg[..]));
    }
    let curvature = cost.valley_curvature(DOMAIN.x_min, DOMAIN.x_max, nx);
    let out = Object::new();
    set(&out, "domain", &to_js(&DOMAIN)?);
    set(&out, "nx", &JsValue::from(nx as u32));
    set(&out, "ny", &JsValue::from(ny as u32));
    set(&out, "levels", &Float64Array::from(&levels[..]));
    set(&out, "bands", &Uint8Array::from(&bands[..]));
    set(&out, "contours", &contours);
    let (lo, hi) = curvature
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &h| {
            (a.min(h), b.max(h))
        });
    set(&out, "curvature", &Float64Array::from(&curvature[..]));
    set(&out, "curvatureMin", &JsValue::from(lo));
    set(&out, "curvatureMax", &JsValue::from(hi));
    Ok(out.into())
}

/// A funnel run: M noisy-GD trajectories plus GD, advanced by [`FunnelRun::step`].
#[wasm_bindgen]
pub struct FunnelRun {
    inner: Funnel,
}

#[wasm_bindgen]
impl FunnelRun {
    /// Start a run from settings (`name → string | number`, defaults for the rest). Throws an
    /// `Error` whose message names every bad field and its allowed range.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<FunnelRun, JsError> {
        let config = config_from_js(&settings, |p| FunnelConfig::from_settings(as_pairs(p)))?;
        Ok(FunnelRun {
            inner: Funnel::new(config),
        })
    }

    /// Advance by up to `n` steps: `{stepsTaken, stop: null | "done" | "diverged"}`.
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.run(n as usize))
    }

    /// `{totalSteps, stopReason, stats: {step, meanX, …}, drift, seDrift, diverged}`.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Steps taken so far.
    #[wasm_bindgen(js_name = stepsDone)]
    pub fn steps_done(&self) -> u32 {
        self.inner.steps_done() as u32
    }

    /// History rows for steps `from ..= stepsDone`, flat row-major with the columns of
    /// `funnelHistoryFields()`.
    #[wasm_bindgen(js_name = historyFrom)]
    pub fn history_from(&self, from: u32) -> Float64Array {
        let k = HISTORY_FIELDS.len();
        let h = self.inner.history();
        let start = (from as usize * k).min(h.len());
        Float64Array::from(&h[start..])
    }

    /// Rows of the individual paths for steps `from ..= stepsDone`: each row
    /// `[x₀, y₀, …, x_{k−1}, y_{k−1}]` with `k = shownPaths()`; NaN after a path diverged.
    #[wasm_bindgen(js_name = pathsFrom)]
    pub fn paths_from(&self, from: u32) -> Float64Array {
        let k = 2 * self.shown_paths() as usize;
        let p = self.inner.paths();
        let start = (from as usize * k).min(p.len());
        Float64Array::from(&p[start..])
    }

    /// Number of individual paths recorded: `min(shownPaths, trajectories)`.
    #[wasm_bindgen(js_name = shownPaths)]
    pub fn shown_paths(&self) -> u32 {
        let c = self.inner.config();
        c.shown_paths.min(c.trajectories)
    }

    /// Current positions `[x₀, y₀, x₁, y₁, …]` (2M); a diverged trajectory stays at its last
    /// finite position.
    pub fn positions(&self) -> Float64Array {
        Float64Array::from(&self.inner.positions()[..])
    }

    /// 1 where a trajectory is still running, 0 where it diverged (M entries).
    pub fn alive(&self) -> Uint8Array {
        let a: Vec<u8> = self.inner.alive().iter().map(|&b| b as u8).collect();
        Uint8Array::from(&a[..])
    }

    /// Restore step 0 of the same settings and seed.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The run's settings, normalized (`name → text`).
    pub fn settings(&self) -> Result<JsValue, JsError> {
        to_js(&settings_object(self.inner.config()))
    }
}
