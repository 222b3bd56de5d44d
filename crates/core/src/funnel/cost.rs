//! The cost surfaces of the funnel demo, all of the form `J(x, y) = ½ h(x) y²`: a valley along
//! `y = 0` whose curvature across the valley, `∂²J/∂y² = h(x)`, changes along it.
//! SCIENCE.md §9 fixes the default cost; the two others are controls.

use crate::contour::Domain;
use crate::lanes2::F2;
use serde::{Deserialize, Serialize};

/// Which valley.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cost {
    /// The lab's funnel (SCIENCE.md §9): `h(x) = 1 − tanh(x/2) = 2/(1 + eˣ) ∈ (0, 2)`, evaluated
    /// as `2/(1 + eˣ)` (one `exp`), with `h'(x) = −½(1 − tanh²(x/2)) = −½h(2 − h)`. Sharp for
    /// `x ≪ 0`, flat for `x ≫ 0`; bounded, so noisy GD is stable for `α < 1`.
    #[default]
    Funnel,
    /// A plain quadratic valley, `h(x) = 1`: the same curvature everywhere, so gradient noise
    /// has no flat side to drift to (the control).
    Valley,
    /// Neal-style `h(x) = e^{−x}`: unbounded curvature, so for `α h(x) > 2` the iterates
    /// oscillate and explode. SCIENCE.md §9 warns against it as the default; here it shows
    /// divergence handling.
    Neal,
}

impl Cost {
    /// The values and labels, as in the config field `cost`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("funnel", "funnel ½(1 − tanh(x/2))·y²"),
        ("valley", "quadratic valley ½·y²"),
        ("neal", "Neal's funnel ½·e^(−x)·y²"),
    ];

    /// Parse a value of [`Cost::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Cost> {
        match name {
            "funnel" => Some(Cost::Funnel),
            "valley" => Some(Cost::Valley),
            "neal" => Some(Cost::Neal),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Cost::Funnel => "funnel",
            Cost::Valley => "valley",
            Cost::Neal => "neal",
        }
    }

    /// The curvature across the valley, `h(x) = ∂²J/∂y²`.
    #[inline]
    pub fn h(self, x: f64) -> f64 {
        match self {
            Cost::Funnel => 2.0 / (1.0 + libm::exp(x)),
            Cost::Valley => 1.0,
            Cost::Neal => libm::exp(-x),
        }
    }

    /// `h(x)` with `exp` by the table method ([`crate::fastexp::exp_tab`], within 0.515 ulp;
    /// not bit-identical to [`Cost::h`], which uses `libm::exp`). The noisy and GD trajectories
    /// use this one (issue 22); the flows, surfaces and fixtures of the curvature use [`Cost::h`].
    #[inline(always)]
    pub fn h_tab(self, x: f64) -> f64 {
        match self {
            Cost::Funnel => 2.0 / (1.0 + crate::fastexp::exp_tab(x)),
            Cost::Valley => 1.0,
            Cost::Neal => crate::fastexp::exp_tab(-x),
        }
    }

    /// `out[i] = h_tab(x[i])` ([`Cost::h_tab`]), the `exp` vectorized.
    pub fn h_slice(self, x: &[f64], out: &mut [f64]) {
        let out = &mut out[..x.len()];
        match self {
            Cost::Funnel => {
                out.copy_from_slice(x);
                crate::fastexp::exp_tab_map(out, |e| 2.0 / (1.0 + e));
            }
            Cost::Valley => out.fill(1.0),
            Cost::Neal => {
                out.iter_mut().zip(x).for_each(|(o, &x)| *o = -x);
                crate::fastexp::exp_tab_in_place(out);
            }
        }
    }

    /// [`Cost::gradient_from_h`] of two lanes: the same operations.
    #[inline(always)]
    pub(crate) fn gradient_from_h_f2(self, h: F2, y: F2) -> (F2, F2) {
        let h_prime = match self {
            Cost::Funnel => F2::splat(-0.5).mul(h).mul(F2::splat(2.0).sub(h)),
            Cost::Valley => F2::splat(0.0),
            Cost::Neal => h.neg(),
        };
        (F2::splat(0.5).mul(h_prime).mul(y).mul(y), h.mul(y))
    }

    /// `h'(x)`.
    #[inline]
    pub fn h_prime(self, x: f64) -> f64 {
        self.h_prime_from_h(self.h(x))
    }

    /// `J(x, y) = ½ h(x) y²`.
    #[inline]
    pub fn value(self, x: f64, y: f64) -> f64 {
        0.5 * self.h(x) * y * y
    }

    /// `h'(x)` written through `h = h(x)`, which all three costs allow: funnel `−½h(2 − h)`,
    /// valley `0`, Neal `−h`. Lets a trajectory evaluate one `exp` per step.
    #[inline]
    pub fn h_prime_from_h(self, h: f64) -> f64 {
        match self {
            Cost::Funnel => -0.5 * h * (2.0 - h),
            Cost::Valley => 0.0,
            Cost::Neal => -h,
        }
    }

    /// `h''(x)` written through `h = h(x)`: funnel `h'(h − 1)` (from `h' = −h + ½h²`), valley
    /// `0`, Neal `h`.
    #[inline]
    pub fn h_second_from_h(self, h: f64) -> f64 {
        match self {
            Cost::Funnel => self.h_prime_from_h(h) * (h - 1.0),
            Cost::Valley => 0.0,
            Cost::Neal => h,
        }
    }

    /// `h''(x)`.
    #[inline]
    pub fn h_second(self, x: f64) -> f64 {
        self.h_second_from_h(self.h(x))
    }

    /// The Hessian `∇²J = [[½h''(x)y², h'(x)y], [h'(x)y, h(x)]]` as `(J_xx, J_xy, J_yy)`,
    /// given `h = h(x)`.
    #[inline]
    pub fn hessian_from_h(self, h: f64, y: f64) -> (f64, f64, f64) {
        let h1 = self.h_prime_from_h(h);
        (0.5 * self.h_second_from_h(h) * y * y, h1 * y, h)
    }

    /// The Hessian `∇²J` at `(x, y)` as `(J_xx, J_xy, J_yy)`.
    #[inline]
    pub fn hessian(self, x: f64, y: f64) -> (f64, f64, f64) {
        self.hessian_from_h(self.h(x), y)
    }

    /// `∇J = (½ h'(x) y², h(x) y)` given `h = h(x)`.
    #[inline]
    pub fn gradient_from_h(self, h: f64, y: f64) -> (f64, f64) {
        (0.5 * self.h_prime_from_h(h) * y * y, h * y)
    }

    /// `∇J = (½ h'(x) y², h(x) y)`.
    #[inline]
    pub fn gradient(self, x: f64, y: f64) -> (f64, f64) {
        self.gradient_from_h(self.h(x), y)
    }

    /// The cost on an `nx × ny` grid of `domain`, image order (see [`Domain::grid`]).
    pub fn surface(self, domain: &Domain, nx: usize, ny: usize) -> Vec<f64> {
        domain.grid(nx, ny, |x, y| self.value(x, y))
    }

    /// `n` ascending contour levels, log-spaced from `10^-3.5 · J_max` to `J_max`, where `J_max`
    /// is the largest cost on the domain's corners and edges.
    pub fn levels(self, domain: &Domain, n: usize) -> Vec<f64> {
        let y_edge = domain.y_min.abs().max(domain.y_max.abs());
        let j_max = self
            .value(domain.x_min, y_edge)
            .max(self.value(domain.x_max, y_edge));
        let lo = libm::log(j_max) - 3.5 * core::f64::consts::LN_10;
        let hi = libm::log(j_max);
        (0..n)
            .map(|k| libm::exp(lo + (hi - lo) * k as f64 / (n.max(2) - 1) as f64))
            .collect()
    }

    /// The curvature across the valley, `h(x)`, at `n` evenly spaced x in `[x_min, x_max]`.
    pub fn valley_curvature(self, x_min: f64, x_max: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| self.h(x_min + (x_max - x_min) * i as f64 / (n.max(2) - 1) as f64))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Cost; 3] = [Cost::Funnel, Cost::Valley, Cost::Neal];

    #[test]
    fn gradient_matches_central_differences() {
        // Central differences with step 1e-5 have truncation error O(h²·J''') ≈ 1e-10 and
        // rounding error O(ε·J/h) ≈ 1e-10 here; tolerance 1e-7 relative to max(1, |g|).
        let eps = 1e-5;
        for cost in ALL {
            for &x in &[-4.0, -2.0, -0.3, 0.0, 0.7, 2.5, 5.0] {
                for &y in &[-2.0, -0.5, 0.0, 0.4, 1.0, 2.5] {
                    let (gx, gy) = cost.gradient(x, y);
                    let fx = (cost.value(x + eps, y) - cost.value(x - eps, y)) / (2.0 * eps);
                    let fy = (cost.value(x, y + eps) - cost.value(x, y - eps)) / (2.0 * eps);
                    assert!(
                        (gx - fx).abs() < 1e-7 * gx.abs().max(1.0),
                        "{cost:?} {x} {y}"
                    );
                    assert!(
                        (gy - fy).abs() < 1e-7 * gy.abs().max(1.0),
                        "{cost:?} {x} {y}"
                    );
                }
            }
        }
    }

    #[test]
    fn h_prime_matches_central_differences() {
        let eps = 1e-5;
        for cost in ALL {
            for &x in &[-3.0, -1.0, 0.0, 1.5, 4.0] {
                let fd = (cost.h(x + eps) - cost.h(x - eps)) / (2.0 * eps);
                assert!((cost.h_prime(x) - fd).abs() < 1e-8 * fd.abs().max(1.0));
            }
        }
    }

    #[test]
    fn h_second_matches_central_differences() {
        // Central differences of the closed-form h' with step 1e-5: truncation O(ε²·|h⁗|) ≈
        // 1e-10 (Neal at x = −4: h⁗ = h ≈ 55, so ≈ 1e-9), rounding O(ε_mach·|h'|/ε) ≈ 1e-11;
        // tolerance 1e-8 relative to max(1, |h''|).
        let eps = 1e-5;
        for cost in ALL {
            for &x in &[-4.0, -1.0, 0.0, 0.4, 1.5, 4.0] {
                let fd = (cost.h_prime(x + eps) - cost.h_prime(x - eps)) / (2.0 * eps);
                let exact = cost.h_second(x);
                assert!(
                    (exact - fd).abs() < 1e-8 * fd.abs().max(1.0),
                    "{cost:?} h''({x}) = {exact}, fd {fd}"
                );
            }
        }
    }

    #[test]
    fn hessian_matches_central_differences_of_the_gradient() {
        // Column j of ∇²J ≈ (∇J(w + εe_j) − ∇J(w − εe_j))/(2ε), ε = 1e-5: truncation
        // O(ε²·|∇⁴J|) ≲ 1e-8 on these points (Neal at x = −4 has h ≈ 55), rounding
        // O(ε_mach·|∇J|/ε) ≲ 1e-9; tolerance 1e-7 relative to max(1, |entry|). J_xy is
        // checked from both columns (the finite-difference Hessian is symmetric too).
        let eps = 1e-5;
        for cost in ALL {
            for &x in &[-4.0, -2.0, -0.3, 0.0, 0.7, 2.5, 5.0] {
                for &y in &[-2.0, -0.5, 0.0, 0.4, 1.0, 2.5] {
                    let (hxx, hxy, hyy) = cost.hessian(x, y);
                    let (a, b) = (cost.gradient(x + eps, y), cost.gradient(x - eps, y));
                    let (c, d) = (cost.gradient(x, y + eps), cost.gradient(x, y - eps));
                    let fd = [
                        (hxx, (a.0 - b.0) / (2.0 * eps)),
                        (hxy, (a.1 - b.1) / (2.0 * eps)),
                        (hxy, (c.0 - d.0) / (2.0 * eps)),
                        (hyy, (c.1 - d.1) / (2.0 * eps)),
                    ];
                    for (exact, approx) in fd {
                        assert!(
                            (exact - approx).abs() < 1e-7 * approx.abs().max(1.0),
                            "{cost:?} ({x}, {y}): {exact} vs {approx}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn funnel_h_closed_forms() {
        // h(x) = 1 − tanh(x/2) = 2/(1 + eˣ): sharp (→ 2) on the left, flat (→ 0) on the right;
        // h'(x) = −½(1 − tanh²(x/2)). Checked against the tanh forms (std's tanh, independent).
        for &x in &[-30.0, -6.0, -1.0, 0.0, 0.3, 2.0, 6.0, 30.0] {
            let t = f64::tanh(0.5 * x);
            assert!(
                (Cost::Funnel.h(x) - (1.0 - t)).abs() < 4e-16 * 2.0,
                "h({x})"
            );
            assert!(
                (Cost::Funnel.h_prime(x) + 0.5 * (1.0 - t * t)).abs() < 1e-15,
                "h'({x})"
            );
        }
        assert_eq!(
            Cost::Funnel.h(800.0),
            0.0,
            "eˣ overflows to ∞: h = 0, not NaN"
        );
        assert_eq!(Cost::Funnel.h_prime(800.0), 0.0);
        assert!(Cost::Funnel.h(-6.0) > 1.99 && Cost::Funnel.h(6.0) < 0.005);
        let k = Cost::Funnel.valley_curvature(-6.0, 6.0, 13);
        assert!(
            k.windows(2).all(|w| w[1] < w[0]),
            "curvature falls along the valley"
        );
    }

    #[test]
    fn levels_ascend_and_span_the_surface() {
        let d = crate::funnel::DOMAIN;
        for cost in [Cost::Funnel, Cost::Neal] {
            let l = cost.levels(&d, 12);
            assert_eq!(l.len(), 12);
            assert!(l.windows(2).all(|w| w[1] > w[0]));
            let s = cost.surface(&d, 50, 25);
            let max = s.iter().cloned().fold(0.0, f64::max);
            assert!((l[11] - max).abs() < 1e-9 * max);
        }
    }
}
