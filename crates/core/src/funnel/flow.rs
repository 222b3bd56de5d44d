//! The two flows gradient descent is compared with on the funnel (SCIENCE.md §9, "Link to §10"):
//!
//! - the gradient flow `dw/dt = −α∇J(w)`, GD's `α → 0` limit;
//! - the modified flow `dw/dt = −α∇(J + R)`, `R = (α/4)‖∇J‖²`, so `∇R = (α/2)(∇²J)∇J`: the
//!   flow that GD follows to second order in α (backward error analysis; Barrett & Dherin,
//!   "Implicit gradient regularization", ICLR 2021; Smith, Dherin, Barrett & De, "On the origin
//!   of implicit regularization in stochastic gradient descent", ICLR 2021, whose `σ²I` noise
//!   adds only a constant to R, so R has no σ in it).
//!
//! t is in SGD steps (SCIENCE.md §0), so `w(t)` at integer t sits next to the iterate `w_t`.
//! Over `t ≤ T` steps GD is `O(α²)·t` from the gradient flow (each step misses it by
//! `½α²(∇²J)∇J + O(α³)`) and `O(α³)·t` from the modified flow; at a fixed flow time `τ = αt`
//! that is `O(α)` and `O(α²)`. Neither flow depends on σ: the noisy mean's drift toward the flat
//! side, which grows with σ, is not the finite-step correction R.
//!
//! Both are integrated by [`crate::ode::sample_at_integers`] (RK4, step doubling) at
//! [`FLOW_TOLERANCE`] and sampled at every step `t = 0 … steps`.

use super::{Cost, FunnelConfig};
use crate::ode::{sample_at_integers, IntegrationStats, Tolerance};
use serde::Serialize;

/// Per-step local error tolerance of the flows (absolute and relative, each component). The
/// global error that results is below 2e-9 at every sampled step (tested against fixed-step RK4
/// at a step of 1/256; measured 3e-11 at the defaults, 3e-10 at α = 0.9).
pub const FLOW_TOLERANCE: Tolerance = Tolerance {
    abs: 1e-10,
    rel: 1e-10,
};

/// The most RK4 steps (accepted and rejected) per flow: about 0.3 s natively. The funnel and
/// the valley need about one step per unit of t (20,000 at most); only the stiff corner of
/// Neal's cost (x₀ near −6 with α near 1, where `α(h + αh²/2)` is ~10⁵) runs out, and there the
/// samples after the last one reached are NaN ([`IntegrationStats::reached`]).
pub const FLOW_MAX_STEPS: usize = 200_000;

/// Which flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// `dw/dt = −α∇J`.
    Gradient,
    /// `dw/dt = −α∇(J + R)`, `R = (α/4)‖∇J‖²`.
    Modified,
}

/// Smith et al.'s implicit regularizer for full-batch GD, `R = (α/4)‖∇J‖²` (their σ²I noise
/// only adds a constant).
pub fn implicit_regularizer(cost: Cost, rate: f64, x: f64, y: f64) -> f64 {
    let (gx, gy) = cost.gradient(x, y);
    0.25 * rate * (gx * gx + gy * gy)
}

/// `∇R = (α/2)(∇²J)∇J`.
pub fn implicit_regularizer_gradient(cost: Cost, rate: f64, x: f64, y: f64) -> (f64, f64) {
    let h = cost.h(x);
    let (gx, gy) = cost.gradient_from_h(h, y);
    let (hxx, hxy, hyy) = cost.hessian_from_h(h, y);
    (
        0.5 * rate * (hxx * gx + hxy * gy),
        0.5 * rate * (hxy * gx + hyy * gy),
    )
}

/// The velocity `dw/dt` of `flow` at `w = (x, y)`.
pub fn velocity(cost: Cost, rate: f64, flow: Flow, [x, y]: [f64; 2]) -> [f64; 2] {
    let h = cost.h(x);
    let (gx, gy) = cost.gradient_from_h(h, y);
    match flow {
        Flow::Gradient => [-rate * gx, -rate * gy],
        Flow::Modified => {
            let (hxx, hxy, hyy) = cost.hessian_from_h(h, y);
            let half = 0.5 * rate;
            let rx = half * (hxx * gx + hxy * gy);
            let ry = half * (hxy * gx + hyy * gy);
            [-rate * (gx + rx), -rate * (gy + ry)]
        }
    }
}

/// `flow` from `start` sampled at `t = 0, 1, …, steps` (see [`sample_at_integers`]).
pub fn integrate(
    cost: Cost,
    rate: f64,
    flow: Flow,
    start: [f64; 2],
    steps: usize,
    tol: Tolerance,
) -> (Vec<[f64; 2]>, IntegrationStats) {
    let f = |w: &[f64; 2]| velocity(cost, rate, flow, *w);
    sample_at_integers(f, start, steps, tol, FLOW_MAX_STEPS)
}

/// Both flows of a funnel config, from its start point, at every step `t = 0 … steps`. They
/// depend on the cost, α, the start and the number of steps only (not on σ, M or the seed).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunnelFlows {
    /// `[x, y]` of the gradient flow at `t = 0 … steps`.
    pub gradient_flow: Vec<[f64; 2]>,
    /// `[x, y]` of the modified flow at `t = 0 … steps`.
    pub modified_flow: Vec<[f64; 2]>,
    pub gradient_stats: IntegrationStats,
    pub modified_stats: IntegrationStats,
}

impl FunnelFlows {
    /// Both flows of `config` at [`FLOW_TOLERANCE`].
    pub fn new(config: &FunnelConfig) -> Self {
        let run = |flow| {
            integrate(
                config.cost,
                config.learning_rate,
                flow,
                [config.start_x, config.start_y],
                config.steps as usize,
                FLOW_TOLERANCE,
            )
        };
        let (gradient_flow, gradient_stats) = run(Flow::Gradient);
        let (modified_flow, modified_stats) = run(Flow::Modified);
        FunnelFlows {
            gradient_flow,
            modified_flow,
            gradient_stats,
            modified_stats,
        }
    }

    /// Rows `[flowX, flowY, modifiedFlowX, modifiedFlowY]` per step, flat (the CLI's CSV
    /// columns [`FLOW_FIELDS`] and the wasm adapter's array).
    pub fn rows(&self) -> Vec<f64> {
        (self.gradient_flow.iter().zip(&self.modified_flow))
            .flat_map(|(g, m)| [g[0], g[1], m[0], m[1]])
            .collect()
    }
}

/// Names of the columns of [`FunnelFlows::rows`].
pub const FLOW_FIELDS: [&str; 4] = ["flowX", "flowY", "modifiedFlowX", "modifiedFlowY"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Experiment;
    use crate::funnel::{Funnel, HISTORY_FIELDS};

    const COSTS: [Cost; 3] = [Cost::Funnel, Cost::Valley, Cost::Neal];

    fn config(cost: Cost, rate: f64, steps: u32) -> FunnelConfig {
        FunnelConfig {
            cost,
            learning_rate: rate,
            steps,
            ..FunnelConfig::default()
        }
    }

    /// GD's iterates `(gdX, gdY)` at `t = 0 … steps`, from the funnel's own history.
    fn gd(c: &FunnelConfig) -> Vec<[f64; 2]> {
        let mut f = Funnel::new(FunnelConfig {
            noise_std: 0.0,
            trajectories: 1,
            ..c.clone()
        });
        f.run(usize::MAX);
        let k = HISTORY_FIELDS.len();
        f.history().chunks(k).map(|r| [r[10], r[11]]).collect()
    }

    /// The largest Euclidean distance between two paths sampled at the same steps.
    fn max_gap(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(p, q)| (p[0] - q[0]).hypot(p[1] - q[1]))
            .fold(0.0, f64::max)
    }

    #[test]
    fn regularizer_gradient_matches_central_differences() {
        // ∇R = (α/2)(∇²J)∇J against central differences of R = (α/4)‖∇J‖² (closed-form ∇J,
        // itself checked in cost.rs), step 1e-5: truncation O(ε²·|∇³R|) and rounding
        // O(ε_mach·R/ε) are ≲ 1e-7 of max(1, |∇R|) on these points (R ≈ 10³ at Neal, x = −4,
        // y = 2.5); tolerance 1e-6 relative to max(1, |∂R|).
        let eps = 1e-5;
        for cost in COSTS {
            for rate in [0.1, 0.5, 1.0] {
                for &x in &[-4.0, -2.0, -0.3, 0.0, 0.7, 2.5, 5.0] {
                    for &y in &[-2.5, -0.5, 0.0, 0.4, 1.0, 2.5] {
                        let r = |x, y| implicit_regularizer(cost, rate, x, y);
                        let (gx, gy) = implicit_regularizer_gradient(cost, rate, x, y);
                        let fx = (r(x + eps, y) - r(x - eps, y)) / (2.0 * eps);
                        let fy = (r(x, y + eps) - r(x, y - eps)) / (2.0 * eps);
                        for (exact, fd) in [(gx, fx), (gy, fy)] {
                            assert!(
                                (exact - fd).abs() < 1e-6 * fd.abs().max(1.0),
                                "{cost:?} α={rate} ({x}, {y}): {exact} vs {fd}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn velocities_are_minus_alpha_gradients() {
        // The gradient flow's velocity is −α∇J; the modified one adds −α∇R.
        for cost in COSTS {
            let (x, y, a) = (-1.3, 0.7, 0.2);
            let (gx, gy) = cost.gradient(x, y);
            let (rx, ry) = implicit_regularizer_gradient(cost, a, x, y);
            assert_eq!(
                velocity(cost, a, Flow::Gradient, [x, y]),
                [-a * gx, -a * gy]
            );
            let m = velocity(cost, a, Flow::Modified, [x, y]);
            assert!((m[0] + a * (gx + rx)).abs() < 1e-15 && (m[1] + a * (gy + ry)).abs() < 1e-15);
        }
    }

    /// Classical RK4 with a fixed step of 1/`per_unit`, sampled at integer t.
    fn fixed_rk4(
        cost: Cost,
        rate: f64,
        flow: Flow,
        w0: [f64; 2],
        steps: usize,
        per_unit: usize,
    ) -> Vec<[f64; 2]> {
        let f = |w: [f64; 2]| velocity(cost, rate, flow, w);
        let h = 1.0 / per_unit as f64;
        let mut w = w0;
        let mut out = vec![w];
        for _ in 0..steps {
            for _ in 0..per_unit {
                let k1 = f(w);
                let k2 = f([w[0] + 0.5 * h * k1[0], w[1] + 0.5 * h * k1[1]]);
                let k3 = f([w[0] + 0.5 * h * k2[0], w[1] + 0.5 * h * k2[1]]);
                let k4 = f([w[0] + h * k3[0], w[1] + h * k3[1]]);
                for i in 0..2 {
                    w[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
                }
            }
            out.push(w);
        }
        out
    }

    #[test]
    fn adaptive_flows_match_a_fine_fixed_step_reference() {
        // Reference: RK4 at a fixed step 1/256 (about 250 times more steps than the adaptive
        // run takes; its own error is O((λ/256)⁴) per unit, < 1e-13 here). The adaptive run at
        // FLOW_TOLERANCE (1e-10 per step) must agree within 2e-9 at every integer t (measured:
        // 2.4e-11 to 3.2e-10, the largest at α = 0.9).
        let cases = [
            (Cost::Funnel, 0.1, [-2.0, 1.0], 1000),
            (Cost::Funnel, 0.5, [-4.0, 2.5], 300),
            (Cost::Funnel, 0.9, [1.0, -3.0], 300),
            (Cost::Valley, 0.1, [-2.0, 1.0], 300),
            (Cost::Neal, 0.1, [-1.0, 2.0], 300),
        ];
        for (cost, rate, w0, steps) in cases {
            for flow in [Flow::Gradient, Flow::Modified] {
                let (ws, stats) = integrate(cost, rate, flow, w0, steps, FLOW_TOLERANCE);
                assert_eq!(stats.reached, steps);
                let reference = fixed_rk4(cost, rate, flow, w0, steps, 256);
                let gap = max_gap(&ws, &reference);
                println!(
                    "{cost:?} α={rate} {flow:?}: {} steps, gap to reference {gap:.1e}",
                    stats.accepted
                );
                assert!(gap < 2e-9, "{cost:?} α={rate} {flow:?}: {gap:e}");
            }
        }
    }

    #[test]
    fn valley_flows_match_the_matrix_exponential() {
        // J = ½y² is quadratic with H = diag(0, 1), so both flows are linear:
        // w(t) = exp(−αt(H + (α/2)H²))·w₀, i.e. x(t) = x₀, y(t) = y₀e^{−αt} (gradient flow) and
        // y₀e^{−α(1 + α/2)t} (modified flow). Tolerance: 1e-9·|y₀| absolute.
        for rate in [0.05, 0.1, 0.5, 1.0] {
            let c = FunnelConfig {
                start_x: 1.5,
                start_y: -2.0,
                ..config(Cost::Valley, rate, 500)
            };
            let fl = FunnelFlows::new(&c);
            for t in 0..=500 {
                let tf = t as f64;
                let y_flow = -2.0 * libm::exp(-rate * tf);
                let y_mod = -2.0 * libm::exp(-rate * (1.0 + 0.5 * rate) * tf);
                let (g, m) = (fl.gradient_flow[t], fl.modified_flow[t]);
                assert_eq!((g[0], m[0]), (1.5, 1.5), "x stays put");
                assert!(
                    (g[1] - y_flow).abs() < 2e-9,
                    "α={rate} t={t}: {} vs {y_flow}",
                    g[1]
                );
                assert!(
                    (m[1] - y_mod).abs() < 2e-9,
                    "α={rate} t={t}: {} vs {y_mod}",
                    m[1]
                );
            }
        }
    }

    #[test]
    fn gradient_descent_follows_the_modified_flow_to_second_order() {
        // Backward error analysis (Barrett & Dherin 2021; Smith et al. 2021): one GD step misses
        // the gradient flow by ½α²(∇²J)∇J + O(α³) and the modified flow by O(α³). Over a fixed
        // flow time τ = αt ≤ 20 (t ≤ 20/α steps) the largest gap is therefore ~C₁α from the
        // gradient flow and ~C₂α² from the modified flow: halving α should halve the first
        // (ratio 2) and quarter the second (ratio 4). Measured: funnel 2.08, 2.04 and 4.12,
        // 4.05; valley 2.04, 2.02 and 4.05, 4.03 (α = 0.1 → 0.05 → 0.025). Asserted: ratio in
        // [1.8, 2.3] and [3.6, 4.6].
        for cost in [Cost::Funnel, Cost::Valley] {
            let gaps: Vec<(f64, f64)> = [0.1, 0.05, 0.025]
                .iter()
                .map(|&rate| {
                    let c = config(cost, rate, (20.0 / rate) as u32);
                    let (fl, g) = (FunnelFlows::new(&c), gd(&c));
                    (
                        max_gap(&g, &fl.gradient_flow),
                        max_gap(&g, &fl.modified_flow),
                    )
                })
                .collect();
            println!("{cost:?}: max gaps (flow, modified) at α = 0.1, 0.05, 0.025: {gaps:?}");
            for w in gaps.windows(2) {
                let (flow, modified) = (w[0].0 / w[1].0, w[0].1 / w[1].1);
                assert!((1.8..=2.3).contains(&flow), "{cost:?}: flow ratio {flow}");
                assert!(
                    (3.6..=4.6).contains(&modified),
                    "{cost:?}: modified ratio {modified}"
                );
            }
            // And the modified flow is the closer one: at α = 0.1 by a factor > 4.
            assert!(gaps[0].1 * 4.0 < gaps[0].0, "{gaps:?}");
        }
    }

    #[test]
    fn flows_do_not_depend_on_sigma_or_the_noise() {
        let base = FunnelFlows::new(&FunnelConfig::default());
        for (noise_std, trajectories, seed) in [(0.0, 1, 1), (0.5, 10, 7), (2.0, 2000, 99)] {
            let c = FunnelConfig {
                noise_std,
                trajectories,
                seed,
                shown_paths: 0,
                ..FunnelConfig::default()
            };
            assert_eq!(FunnelFlows::new(&c), base, "σ = {noise_std}");
        }
    }

    #[test]
    fn the_noisy_drift_is_not_the_finite_step_correction() {
        // SCIENCE.md §9: the modified flow tracks GD and predicts no σ-dependent drift. At the
        // defaults (α = 0.1, w₀ = (−2, 1), σ = 1, M = 2000, seed 1, t = 1000) the noisy mean
        // is +0.58 ± 0.08 from GD, the modified flow 4.5e-4 and the gradient flow −2.9e-3.
        let c = FunnelConfig::default();
        let fl = FunnelFlows::new(&c);
        let mut f = Funnel::new(c);
        f.run(usize::MAX);
        let s = f.snapshot();
        let (gd_x, t) = (s.stats.gd_x, s.stats.step);
        let (flow, modified) = (fl.gradient_flow[t][0] - gd_x, fl.modified_flow[t][0] - gd_x);
        println!(
            "t = {t}: drift {:+.4} ± {:.4}, flow − GD {flow:+.2e}, modified − GD {modified:+.2e}",
            s.drift, s.se_drift
        );
        assert!(s.drift > 4.0 * s.se_drift, "the drift is resolved");
        assert!(modified.abs() < 1e-3 && modified.abs() < 0.01 * s.drift);
        assert!(flow.abs() < 5e-3 && modified.abs() < flow.abs());
    }

    #[test]
    fn rows_interleave_both_flows() {
        let fl = FunnelFlows::new(&config(Cost::Funnel, 0.1, 5));
        let rows = fl.rows();
        assert_eq!(rows.len(), 6 * FLOW_FIELDS.len());
        assert_eq!(
            &rows[4..8],
            &[
                fl.gradient_flow[1][0],
                fl.gradient_flow[1][1],
                fl.modified_flow[1][0],
                fl.modified_flow[1][1]
            ]
        );
        assert_eq!(&rows[..2], &[-2.0, 1.0]);
    }

    #[test]
    fn stiff_neal_corner_stops_at_the_budget_with_nan() {
        // x₀ = −6, α = 1 on Neal's cost: α(h + αh²/2) ≈ 8·10⁴ at the start; the modified flow
        // needs ~10⁶ steps for 20,000 units of t and stops at FLOW_MAX_STEPS.
        let c = FunnelConfig {
            start_x: -6.0,
            start_y: 3.0,
            ..config(Cost::Neal, 1.0, 20000)
        };
        let fl = FunnelFlows::new(&c);
        let s = fl.modified_stats;
        assert!(
            s.reached < 20000 && s.accepted + s.rejected == FLOW_MAX_STEPS,
            "{s:?}"
        );
        assert!(fl.modified_flow[s.reached][0].is_finite());
        assert!(fl.modified_flow[20000][0].is_nan());
    }
}
