//! "Gradient noise and flatness" (Grosse, Lecture 8, last third; SCIENCE.md §9).
//!
//! Noisy gradient descent `w ← w − α(∇J(w) + σξ)`, `ξ ~ N(0, I₂)` on both coordinates, on a
//! valley `J = ½ h(x) y²` that is sharp on one side and flat on the other. Gradient descent
//! (σ = 0) goes almost straight down into the valley; the average of many noisy trajectories
//! drifts toward the flat side, and more noise drifts further.
//!
//! Trajectory `i` draws its noise from stream `i` of the seed, so it does not depend on how many
//! trajectories run. Gradient descent runs alongside as the reference; [`flow`] gives the
//! gradient flow and Smith et al.'s modified flow from the same start (σ-independent, computed
//! once per config by [`FunnelFlows::new`]).

pub mod compare;
mod config;
mod cost;
pub mod flow;
#[cfg(test)]
mod tests;

pub use compare::{CompareConfig, FunnelCompare, COMPARE_FIELDS, COMPARE_HISTORY_FIELDS};
pub use config::{FunnelConfig, DOMAIN, FIELDS};
pub use cost::Cost;
pub use flow::{FunnelFlows, FLOW_FIELDS};

use crate::config::ConfigError;
use crate::contour;
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::lanes2::{F2, M2};
use crate::rng::RngLanes;
use serde::Serialize;

/// The cost surface for drawing, on an `nx × ny` node grid of [`DOMAIN`] (the widget's picture).
#[derive(Clone, Debug, PartialEq)]
pub struct CostSurface {
    /// Ascending contour levels ([`Cost::levels`]).
    pub levels: Vec<f64>,
    /// Row-major, row 0 at `y_max`: the number of levels ≤ J at each node.
    pub bands: Vec<u8>,
    /// Per level, segments `[x0, y0, x1, y1, …]`.
    pub contours: Vec<Vec<f64>>,
    /// `h(x) = ∂²J/∂y²` on the valley floor at the grid's x, and its range.
    pub curvature: Vec<f64>,
    pub curvature_min: f64,
    pub curvature_max: f64,
}

impl CostSurface {
    /// The surface of the cost named `cost` (an option of the `cost` field) on `nx × ny` nodes
    /// (2 to 1024 per side) with `n_levels` (1 to 60) levels, or an error naming the problem.
    pub fn new(cost: &str, nx: usize, ny: usize, n_levels: usize) -> Result<Self, String> {
        let cost = Cost::from_name(cost).ok_or_else(|| {
            let allowed = FIELDS[0].range();
            let (field, got) = ("cost".into(), cost.into());
            ConfigError::UnknownOption {
                field,
                allowed,
                got,
            }
            .to_string()
        })?;
        if !(2..=1024).contains(&nx) || !(2..=1024).contains(&ny) || !(1..=60).contains(&n_levels) {
            return Err("surface grid must be 2 to 1024 nodes per side with 1 to 60 levels".into());
        }
        let values = cost.surface(&DOMAIN, nx, ny);
        let levels = cost.levels(&DOMAIN, n_levels);
        let curvature = cost.valley_curvature(DOMAIN.x_min, DOMAIN.x_max, nx);
        Ok(CostSurface {
            bands: contour::bands(&values, &levels),
            contours: (levels.iter())
                .map(|&level| contour::contour_segments(&DOMAIN, &values, nx, ny, level))
                .collect(),
            curvature_min: curvature.iter().copied().fold(f64::INFINITY, f64::min),
            curvature_max: curvature.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            levels,
            curvature,
        })
    }
}

/// A trajectory whose coordinates leave `|x|, |y| ≤ DIVERGENCE_BOUND` (or turn non-finite) is
/// counted as diverged, frozen at its last finite position and left out of the statistics.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// Names of the per-step statistics, in the order of a history row.
pub const HISTORY_FIELDS: [&str; 13] = [
    "step",
    "meanX",
    "meanY",
    "seMeanX",
    "sdX",
    "sdY",
    "meanY2",
    "seMeanY2",
    "fractionDiverged",
    "alive",
    "gdX",
    "gdY",
    "meanCost",
];

/// Statistics over the trajectories that have not diverged, after one step.
/// sd is the sample standard deviation (n − 1); se the standard error of the mean, sd/√n.
/// With no trajectory alive every mean is NaN.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepStats {
    pub step: usize,
    pub mean_x: f64,
    pub mean_y: f64,
    pub se_mean_x: f64,
    pub sd_x: f64,
    pub sd_y: f64,
    /// `E[y²]`: the spread across the valley.
    pub mean_y2: f64,
    pub se_mean_y2: f64,
    pub fraction_diverged: f64,
    pub alive: usize,
    /// The gradient-descent (σ = 0) iterate; NaN once it diverged.
    pub gd_x: f64,
    pub gd_y: f64,
    /// Mean of `J` over the live trajectories.
    pub mean_cost: f64,
}

impl StepStats {
    fn row(&self) -> [f64; 13] {
        [
            self.step as f64,
            self.mean_x,
            self.mean_y,
            self.se_mean_x,
            self.sd_x,
            self.sd_y,
            self.mean_y2,
            self.se_mean_y2,
            self.fraction_diverged,
            self.alive as f64,
            self.gd_x,
            self.gd_y,
            self.mean_cost,
        ]
    }
}

/// The readout: where the run is and how far the noisy mean has drifted from GD.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelSnapshot {
    pub total_steps: usize,
    pub stop_reason: Option<StopReason>,
    pub stats: StepStats,
    /// `E[x_t] − x_t^GD`: positive means the noisy mean is on the flat side of GD.
    pub drift: f64,
    /// Standard error of `drift` (GD is deterministic, so it is `se_mean_x`).
    pub se_drift: f64,
    /// Number of diverged trajectories.
    pub diverged: usize,
}

/// The funnel experiment: M noisy-GD trajectories and one GD trajectory from one start point.
#[derive(Clone, Debug)]
pub struct Funnel {
    config: FunnelConfig,
    x: Vec<f64>,
    y: Vec<f64>,
    alive: Vec<bool>,
    /// `h(x)` at each trajectory's current x (one `exp` per trajectory-step, by the table
    /// method: [`Cost::h_tab`]; reused by the statistics and the next gradient).
    h: Vec<f64>,
    /// Trajectory `i`'s noise: lane `i` = stream `i` of the seed.
    rngs: RngLanes,
    /// Per-step scratch (no allocation per step): the two normals and the proposed `(x, y, h)`
    /// of every trajectory, so the `exp`s run as one vectorized pass (issue 7).
    scratch: [Vec<f64>; 5],
    gd: (f64, f64),
    record: RunRecord,
    last: StepStats,
    paths: Vec<f64>,
}

impl Funnel {
    /// Start a run. The config must be valid (see [`FunnelConfig::validate`]).
    pub fn new(config: FunnelConfig) -> Self {
        let m = config.trajectories as usize;
        let mut f = Funnel {
            x: Vec::with_capacity(m),
            y: Vec::with_capacity(m),
            alive: Vec::with_capacity(m),
            h: Vec::with_capacity(m),
            rngs: RngLanes::new(0, 0),
            scratch: Default::default(),
            gd: (0.0, 0.0),
            record: RunRecord::new(&HISTORY_FIELDS, config.steps as usize),
            last: StepStats {
                step: 0,
                mean_x: 0.0,
                mean_y: 0.0,
                se_mean_x: 0.0,
                sd_x: 0.0,
                sd_y: 0.0,
                mean_y2: 0.0,
                se_mean_y2: 0.0,
                fraction_diverged: 0.0,
                alive: 0,
                gd_x: 0.0,
                gd_y: 0.0,
                mean_cost: 0.0,
            },
            paths: Vec::new(),
            config,
        };
        f.reset();
        f
    }

    /// The configuration of this run.
    pub fn config(&self) -> &FunnelConfig {
        &self.config
    }

    /// Current positions, flat `[x₀, y₀, x₁, y₁, …]` (length 2M); a diverged trajectory stays at
    /// its last finite position.
    pub fn positions(&self) -> Vec<f64> {
        self.x
            .iter()
            .zip(&self.y)
            .flat_map(|(&x, &y)| [x, y])
            .collect()
    }

    /// Whether each trajectory is still running (not diverged), length M.
    pub fn alive(&self) -> &[bool] {
        &self.alive
    }

    /// Per-step statistics from step 0 to now, row-major with [`HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// The first `shownPaths` trajectories from step 0 to now: one row per step,
    /// `[x₀, y₀, …, x_{k−1}, y_{k−1}]`; NaN after a trajectory diverged.
    pub fn paths(&self) -> &[f64] {
        &self.paths
    }

    fn shown(&self) -> usize {
        (self.config.shown_paths as usize).min(self.x.len())
    }

    /// [`Sums`] of the current state, in index order.
    fn sums(&self) -> Sums {
        let mut s = Sums::default();
        for i in 0..self.x.len() {
            s.add(self.alive[i], self.x[i], self.y[i], self.h[i]);
        }
        s
    }

    /// Append the statistics of the live trajectories, given their sums in index order
    /// (`sums`, taken by [`Experiment::step`] during acceptance), then the squared deviations
    /// from the means in index order: the two-pass variance. Dead trajectories add `+0.0`
    /// (branch-free), which leaves every sum unchanged: a sum that starts at `+0.0` is never
    /// `−0.0`.
    fn record(&mut self, sums: Sums) {
        let m = self.x.len();
        let (x, y, alive) = (&self.x[..m], &self.y[..m], &self.alive[..m]);
        let live = |i: usize, v: f64| if alive[i] { v } else { 0.0 };
        let Sums {
            n,
            x: sx,
            y: sy,
            y2: sy2,
            cost: sc,
        } = sums;
        let nf = n as f64;
        let (mx, my, my2) = (sx / nf, sy / nf, sy2 / nf);
        let (mut vx, mut vy, mut vy2) = (0.0, 0.0, 0.0);
        for i in 0..m {
            let (dx, dy) = (x[i] - mx, y[i] - my);
            let dy2 = y[i] * y[i] - my2;
            vx += live(i, dx * dx);
            vy += live(i, dy * dy);
            vy2 += live(i, dy2 * dy2);
        }
        let denom = if n > 1 { nf - 1.0 } else { f64::NAN };
        let (sd_x, sd_y, sd_y2) = (
            (vx / denom).sqrt(),
            (vy / denom).sqrt(),
            (vy2 / denom).sqrt(),
        );
        self.last = StepStats {
            step: self.record.steps_done(),
            mean_x: mx,
            mean_y: my,
            se_mean_x: sd_x / nf.sqrt(),
            sd_x,
            sd_y,
            mean_y2: my2,
            se_mean_y2: sd_y2 / nf.sqrt(),
            fraction_diverged: (m - n) as f64 / m as f64,
            alive: n,
            gd_x: self.gd.0,
            gd_y: self.gd.1,
            mean_cost: sc / nf,
        };
        self.record.push(&self.last.row());
        for i in 0..self.shown() {
            if self.alive[i] {
                self.paths.extend_from_slice(&[self.x[i], self.y[i]]);
            } else {
                self.paths.extend_from_slice(&[f64::NAN, f64::NAN]);
            }
        }
    }
}

/// Running sums over the live trajectories for [`Funnel::record`]'s means.
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    n: usize,
    x: f64,
    y: f64,
    y2: f64,
    /// Of `J = ½ h y²`.
    cost: f64,
}

impl Sums {
    /// [`Sums::add`] for the first `lanes` (1 or 2) lanes in lane order, the products taken on
    /// both lanes at once (the same operations).
    #[inline(always)]
    fn add2(&mut self, alive: M2, x: F2, y: F2, h: F2, lanes: usize) {
        let zero = F2::splat(0.0);
        let y2 = y.mul(y);
        let cost = F2::splat(0.5).mul(h).mul(y).mul(y);
        let (x, y) = (alive.select(x, zero), alive.select(y, zero));
        let (y2, cost) = (alive.select(y2, zero), alive.select(cost, zero));
        self.n += alive.lane::<0>() as usize;
        self.x += x.lane::<0>();
        self.y += y.lane::<0>();
        self.y2 += y2.lane::<0>();
        self.cost += cost.lane::<0>();
        if lanes == 2 {
            self.n += alive.lane::<1>() as usize;
            self.x += x.lane::<1>();
            self.y += y.lane::<1>();
            self.y2 += y2.lane::<1>();
            self.cost += cost.lane::<1>();
        }
    }

    /// Add a trajectory at `(x, y)` with `h = h(x)` if it is `alive`, else `+0.0` to each sum.
    #[inline(always)]
    fn add(&mut self, alive: bool, x: f64, y: f64, h: f64) {
        let live = |v: f64| if alive { v } else { 0.0 };
        self.n += alive as usize;
        self.x += live(x);
        self.y += live(y);
        self.y2 += live(y * y);
        self.cost += live(0.5 * h * y * y);
    }
}

/// One noisy-GD update `w ← w − α(∇J(w) + σξ)` from `(x, y)` with `h = h(x)`: the new
/// `(x, y, h(x))`, or `None` if the result diverged.
#[inline]
fn update(
    cost: Cost,
    rate: f64,
    noise: f64,
    (x, y, h): (f64, f64, f64),
    xi: (f64, f64),
) -> Option<(f64, f64, f64)> {
    let (gx, gy) = cost.gradient_from_h(h, y);
    let nx = x - rate * (gx + noise * xi.0);
    let ny = y - rate * (gy + noise * xi.1);
    (nx.abs() <= DIVERGENCE_BOUND && ny.abs() <= DIVERGENCE_BOUND).then(|| (nx, ny, cost.h_tab(nx)))
}

impl Experiment for Funnel {
    type Snapshot = FunnelSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let c = &self.config;
        let (cost, rate, noise) = (c.cost, c.learning_rate, c.noise_std);
        // Same arithmetic as `update` for every trajectory, in passes: normals for all live
        // trajectories at once (dead ones draw nothing, as before), proposals two trajectories
        // at a time, their h (vectorized exp), then branch-free acceptance two at a time.
        // Bit-identical to the one-trajectory-at-a-time loop. Acceptance also takes the
        // statistics' sums, in index order.
        let m = self.x.len();
        let [xi0, xi1, nx, ny, nh] = &mut self.scratch;
        for b in [&mut *xi0, &mut *xi1, &mut *nx, &mut *ny, &mut *nh] {
            b.resize(m, 0.0);
        }
        self.rngs.normal_pairs(&self.alive, xi0, xi1);
        let (x, y, h, alive) = (
            &mut self.x[..m],
            &mut self.y[..m],
            &mut self.h[..m],
            &mut self.alive[..m],
        );
        let (xi0, xi1, nx, ny, nh) = (
            &xi0[..m],
            &xi1[..m],
            &mut nx[..m],
            &mut ny[..m],
            &mut nh[..m],
        );
        // Two trajectories at a time (`f64x2` under simd128); an odd last one in lane 0 of a
        // splat pair, lane 1 dropped.
        let even = m - m % 2;
        let two = |v: &[f64], i: usize| F2::new(v[i], v[i + 1]);
        let propose = |(x, y, h): (F2, F2, F2), (xi0, xi1): (F2, F2)| {
            let (gx, gy) = cost.gradient_from_h_f2(h, y);
            let (rate, noise) = (F2::splat(rate), F2::splat(noise));
            let nx = x.sub(rate.mul(gx.add(noise.mul(xi0))));
            (nx, y.sub(rate.mul(gy.add(noise.mul(xi1)))))
        };
        for i in (0..even).step_by(2) {
            let (px, py) = propose(
                (two(x, i), two(y, i), two(h, i)),
                (two(xi0, i), two(xi1, i)),
            );
            (nx[i], nx[i + 1]) = (px.lane::<0>(), px.lane::<1>());
            (ny[i], ny[i + 1]) = (py.lane::<0>(), py.lane::<1>());
        }
        for i in even..m {
            let (px, py) = propose(
                (F2::splat(x[i]), F2::splat(y[i]), F2::splat(h[i])),
                (F2::splat(xi0[i]), F2::splat(xi1[i])),
            );
            (nx[i], ny[i]) = (px.lane::<0>(), py.lane::<0>());
        }
        cost.h_slice(nx, nh);
        let bound = F2::splat(DIVERGENCE_BOUND);
        let accept = |live: M2, (px, py, ph): (F2, F2, F2), (x, y, h): (F2, F2, F2)| {
            let ok = live.and(px.abs().le(bound)).and(py.abs().le(bound));
            (ok.select(px, x), ok.select(py, y), ok.select(ph, h), ok)
        };
        let mut sums = Sums::default();
        for i in (0..even).step_by(2) {
            let live = M2::new(alive[i], alive[i + 1]);
            let (ax, ay, ah, ok) = accept(
                live,
                (two(nx, i), two(ny, i), two(nh, i)),
                (two(x, i), two(y, i), two(h, i)),
            );
            (x[i], x[i + 1]) = (ax.lane::<0>(), ax.lane::<1>());
            (y[i], y[i + 1]) = (ay.lane::<0>(), ay.lane::<1>());
            (h[i], h[i + 1]) = (ah.lane::<0>(), ah.lane::<1>());
            (alive[i], alive[i + 1]) = (ok.lane::<0>(), ok.lane::<1>());
            sums.add2(ok, ax, ay, ah, 2);
        }
        for i in even..m {
            let s = |v: &[f64]| F2::splat(v[i]);
            let (ax, ay, ah, ok) = accept(
                M2::new(alive[i], false),
                (s(nx), s(ny), s(nh)),
                (s(x), s(y), s(h)),
            );
            (x[i], y[i], h[i]) = (ax.lane::<0>(), ay.lane::<0>(), ah.lane::<0>());
            alive[i] = ok.lane::<0>();
            sums.add2(ok, ax, ay, ah, 1);
        }
        let (gx, gy) = self.gd;
        self.gd = update(cost, rate, 0.0, (gx, gy, cost.h_tab(gx)), (0.0, 0.0))
            .map_or((f64::NAN, f64::NAN), |(x, y, _)| (x, y));
        self.record.advance();
        self.record(sums);
        self.record.settle(self.last.alive == 0)
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> FunnelSnapshot {
        FunnelSnapshot {
            total_steps: self.config.steps as usize,
            stop_reason: self.record.stop_reason(),
            stats: self.last,
            drift: self.last.mean_x - self.last.gd_x,
            se_drift: self.last.se_mean_x,
            diverged: self.x.len() - self.last.alive,
        }
    }

    fn reset(&mut self) {
        let c = &self.config;
        let m = c.trajectories as usize;
        self.x = vec![c.start_x; m];
        self.y = vec![c.start_y; m];
        self.alive = vec![true; m];
        self.h = vec![c.cost.h_tab(c.start_x); m];
        self.rngs = RngLanes::new(c.seed as u64, m);
        self.gd = (c.start_x, c.start_y);
        self.paths.clear();
        let steps = c.steps as usize + 1;
        self.record.reset(steps);
        self.paths.reserve(steps * 2 * self.shown());
        self.record(self.sums());
    }
}

crate::lab!(Funnel, FunnelConfig, "funnel", HISTORY_FIELDS);
