//! The funnel ("gradient noise and flatness") for the browser: the run handle, plus the
//! individual paths, the cost surface, and the gradient and modified flows.

use crate::{err, f64s, to_js};
use js_sys::{Array, Float64Array, Uint8Array};
use noiselab_core::funnel::{CostSurface, FunnelFlows, DOMAIN};
use wasm_bindgen::prelude::*;

lab!(run Funnel: noiselab_core::funnel::Funnel);

#[wasm_bindgen]
impl Funnel {
    /// The cost surface for drawing, on an `nx × ny` node grid of the plotted domain:
    /// `{domain: {xMin, xMax, yMin, yMax}, nx, ny, levels: Float64Array(nLevels),
    /// bands: Uint8Array(nx·ny) (row-major, row 0 at yMax: the number of levels ≤ J),
    /// contours: Float64Array[] (per level, segments [x0, y0, x1, y1, …]),
    /// curvature: Float64Array(nx) (h(x) = ∂²J/∂y² on the valley floor at the grid's x),
    /// curvatureMin, curvatureMax}`.
    pub fn surface(cost: &str, nx: u32, ny: u32, n_levels: u32) -> Result<JsValue, JsError> {
        let s = CostSurface::new(cost, nx as usize, ny as usize, n_levels as usize).map_err(err)?;
        Ok(object! {
            "domain": to_js(&DOMAIN)?,
            "nx": nx,
            "ny": ny,
            "levels": f64s(&s.levels),
            "bands": Uint8Array::from(&s.bands[..]),
            "contours": s.contours.iter().map(|c| f64s(c)).collect::<Array>(),
            "curvature": f64s(&s.curvature),
            "curvatureMin": s.curvature_min,
            "curvatureMax": s.curvature_max,
        })
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

    /// The gradient flow `dw/dt = −α∇J` and Smith et al.'s modified flow
    /// `dw/dt = −α∇(J + (α/4)‖∇J‖²)` from this run's start, at `t = 0 … steps` (the core's
    /// [`FunnelFlows`]; σ-independent): `{gradientFlow, modifiedFlow: Float64Array(2·(steps + 1))
    /// ([x₀, y₀, x₁, y₁, …]; NaN after `…Reached`), gradientReached, modifiedReached}`.
    pub fn flows(&self) -> JsValue {
        let f = FunnelFlows::new(self.inner.config());
        object! {
            "gradientFlow": f64s(f.gradient_flow.as_flattened()),
            "modifiedFlow": f64s(f.modified_flow.as_flattened()),
            "gradientReached": f.gradient_stats.reached as u32,
            "modifiedReached": f.modified_stats.reached as u32,
        }
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
}

// The funnel's "Compare σ" (`noiselab run funnel-compare`): three funnel runs at σ₁ < σ₂ < σ₃
// sharing every other setting and the seed, one record (columns: the core's
// COMPARE_HISTORY_FIELDS), stepped in lockstep; no extras.
lab!(run FunnelCompare: noiselab_core::funnel::FunnelCompare);
