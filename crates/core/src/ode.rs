//! Accurate integration of small autonomous ODEs `dw/dt = f(w)`, for the flows the lab compares
//! with its iterates (SCIENCE.md §0: flows are written `dw/dt = −α∇(·)` with t in SGD steps, so
//! integer t are the iterates' steps).
//!
//! [`sample_at_integers`]: classical RK4 with step-doubling error control (Hairer, Nørsett &
//! Wanner, *Solving ODEs I*, §II.4): each step of size `h` is taken once whole and once as two
//! halves; their difference over 15 estimates the local error of the two-half result, which is
//! then improved by Richardson extrapolation (`w₂ + (w₂ − w₁)/15`, fifth order). A step is
//! accepted when every component's error estimate is at most `abs + rel·|w|`; the next `h` is
//! `0.9·(1/err)^{1/5}` times this one, within `[0.2, 4]` times. The run lands exactly on every
//! integer t. Only `+ − × ÷` and `libm::pow` are used: the same numbers natively and in wasm.

/// Per-step error tolerance of [`sample_at_integers`]: a step is accepted when each component's
/// local error estimate is at most `abs + rel·max(|w_before|, |w_after|)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    pub abs: f64,
    pub rel: f64,
}

/// How [`sample_at_integers`] went.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationStats {
    /// Accepted steps.
    pub accepted: usize,
    /// Rejected (retried with a smaller step) steps.
    pub rejected: usize,
    /// Evaluations of `f`.
    pub evaluations: usize,
    /// The last integer t reached; samples after it are NaN (budget exhausted or the state
    /// turned non-finite). Equal to the requested end when the run completed.
    pub reached: usize,
    /// If `f(w)` became exactly zero (a fixed point: every later sample equals it and no more
    /// steps are taken), the integer t that starts the unit interval where it did.
    pub stationary_from: Option<usize>,
}

/// One classical RK4 step of size `h` from `w`, given `k1 = f(w)`.
fn rk4<const N: usize>(
    f: &mut impl FnMut(&[f64; N]) -> [f64; N],
    w: &[f64; N],
    k1: &[f64; N],
    h: f64,
    evaluations: &mut usize,
) -> [f64; N] {
    let at = |k: &[f64; N], c: f64| core::array::from_fn(|i| w[i] + c * h * k[i]);
    let k2 = f(&at(k1, 0.5));
    let k3 = f(&at(&k2, 0.5));
    let k4 = f(&at(&k3, 1.0));
    *evaluations += 3;
    core::array::from_fn(|i| w[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
}

/// Integrate `dw/dt = f(w)` from `w(0) = w0` and return `w(t)` at `t = 0, 1, …, end`
/// (`end + 1` samples), by RK4 with step-doubling error control (module doc) at tolerance `tol`.
/// At most `max_steps` steps (accepted and rejected) are attempted; if they run out, or the
/// state turns non-finite, the samples from there on are NaN and `reached` says how far the run
/// got. Once `f(w)` is exactly zero the state is a fixed point and is copied to the end.
pub fn sample_at_integers<const N: usize>(
    mut f: impl FnMut(&[f64; N]) -> [f64; N],
    w0: [f64; N],
    end: usize,
    tol: Tolerance,
    max_steps: usize,
) -> (Vec<[f64; N]>, IntegrationStats) {
    let mut out = Vec::with_capacity(end + 1);
    out.push(w0);
    let mut stats = IntegrationStats::default();
    let mut w = w0;
    let mut h: f64 = 0.1;
    let finite = |v: &[f64; N]| v.iter().all(|x| x.is_finite());
    if !finite(&w) {
        out.resize(end + 1, [f64::NAN; N]);
        return (out, stats);
    }
    'unit: for t in 0..end {
        // Integrate over [t, t + 1]; `s` is the time done within it.
        let mut s = 0.0;
        loop {
            let k1 = f(&w);
            stats.evaluations += 1;
            if k1.iter().all(|&k| k == 0.0) {
                stats.stationary_from = Some(t);
                break 'unit;
            }
            if stats.accepted + stats.rejected >= max_steps {
                break 'unit;
            }
            let left = 1.0 - s;
            let last = h >= left;
            let step = if last { left } else { h };
            let whole = rk4(&mut f, &w, &k1, step, &mut stats.evaluations);
            let half = rk4(&mut f, &w, &k1, 0.5 * step, &mut stats.evaluations);
            let k1_half = f(&half);
            stats.evaluations += 1;
            let two = rk4(&mut f, &half, &k1_half, 0.5 * step, &mut stats.evaluations);
            let mut err: f64 = 0.0;
            for i in 0..N {
                let scale = tol.abs + tol.rel * w[i].abs().max(two[i].abs());
                err = err.max((two[i] - whole[i]).abs() / 15.0 / scale);
            }
            if !err.is_finite() {
                // A non-finite trial step: retry much smaller (counted against the budget).
                stats.rejected += 1;
                h = 0.2 * step;
                continue;
            }
            let factor = if err == 0.0 {
                4.0
            } else {
                (0.9 * libm::pow(err, -0.2)).clamp(0.2, 4.0)
            };
            if err > 1.0 {
                stats.rejected += 1;
                h = factor * step;
                continue;
            }
            stats.accepted += 1;
            w = core::array::from_fn(|i| two[i] + (two[i] - whole[i]) / 15.0);
            if !finite(&w) {
                break 'unit;
            }
            // A step cut short to land on t + 1 says nothing against the step before it.
            h = if last {
                h.max(factor * step)
            } else {
                factor * step
            };
            if last {
                break;
            }
            s += step;
        }
        out.push(w);
        stats.reached = t + 1;
    }
    if stats.stationary_from.is_some() {
        out.resize(end + 1, w);
        stats.reached = end;
    }
    out.resize(end + 1, [f64::NAN; N]);
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIGHT: Tolerance = Tolerance {
        abs: 1e-12,
        rel: 1e-12,
    };

    #[test]
    fn linear_system_matches_its_matrix_exponential() {
        // dw/dt = A w with A = [[−0.3, 1], [−1, −0.3]]: w(t) = e^{−0.3t}·R(t)·w0, a damped
        // rotation (the closed form of e^{At}). Global error after 20 units below 1e-9.
        let f = |w: &[f64; 2]| [-0.3 * w[0] + w[1], -w[0] - 0.3 * w[1]];
        let (ws, stats) = sample_at_integers(f, [1.0, 0.5], 20, TIGHT, 100_000);
        assert_eq!(stats.reached, 20);
        for (t, w) in ws.iter().enumerate() {
            let t = t as f64;
            let (c, s, d) = (libm::cos(t), libm::sin(t), libm::exp(-0.3 * t));
            let exact = [d * (c * 1.0 + s * 0.5), d * (-s * 1.0 + c * 0.5)];
            for i in 0..2 {
                assert!(
                    (w[i] - exact[i]).abs() < 1e-9,
                    "t = {t}: {w:?} vs {exact:?}"
                );
            }
        }
    }

    #[test]
    fn fixed_points_are_copied_and_budgets_give_nan() {
        let (ws, stats) = sample_at_integers(|_: &[f64; 1]| [0.0], [3.0], 5, TIGHT, 10);
        assert_eq!(ws, vec![[3.0]; 6]);
        assert_eq!((stats.stationary_from, stats.reached), (Some(0), 5));
        let (ws, stats) = sample_at_integers(|w: &[f64; 1]| [-w[0]], [1.0], 50, TIGHT, 40);
        assert!(stats.reached < 50 && stats.accepted + stats.rejected == 40);
        assert!(ws[stats.reached][0].is_finite() && ws[stats.reached + 1][0].is_nan());
        assert_eq!(ws.len(), 51);
    }
}
