//! Stable scalar functions (SCIENCE.md §0): the logistic sigmoid, softplus and their relatives,
//! all through `libm` so seeded runs are bit-identical natively and in WebAssembly.

/// `ln 2π`.
pub const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// `σ(a) = 1/(1 + e^{−a})`, evaluated without overflow: `e^{a}/(1 + e^{a})` for `a < 0`.
#[inline]
pub fn sigmoid(a: f64) -> f64 {
    if a >= 0.0 {
        1.0 / (1.0 + libm::exp(-a))
    } else {
        let e = libm::exp(a);
        e / (1.0 + e)
    }
}

/// `out[k] = sigmoid(a[k])`, bit for bit, with the `exp`s taken as one vectorized pass
/// ([`crate::fastexp`]; issue 7). [`sigmoid`] takes `e = exp(−|a|)` on both of its branches
/// (`exp(−a)` for `a ≥ 0`, `exp(a)` below) and returns `1/(1 + e)` or `e/(1 + e)`; so does
/// this. `out` must be at least as long as `a`.
pub fn sigmoid_slice(a: &[f64], out: &mut [f64]) {
    let out = &mut out[..a.len()];
    for (o, x) in out.iter_mut().zip(a) {
        *o = -x.abs();
    }
    crate::fastexp::exp_in_place(out);
    // One division each: a pass LLVM vectorizes.
    for (o, &x) in out.iter_mut().zip(a) {
        *o = if x >= 0.0 { 1.0 } else { *o } / (1.0 + *o);
    }
}

/// `softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^{−|z|})`: no overflow for large `z`, and
/// full relative accuracy for very negative `z` (where it equals `e^z`).
#[inline]
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + libm::log1p(libm::exp(-z.abs()))
}

/// `ln σ(a) = −softplus(−a)`.
#[inline]
pub fn log_sigmoid(a: f64) -> f64 {
    -softplus(-a)
}

/// The inverse of softplus, `ρ = ln(e^s − 1)` for `s > 0` (SCIENCE.md §4), written
/// `s + ln(1 − e^{−s})` so large `s` does not overflow.
#[inline]
pub fn softplus_inverse(s: f64) -> f64 {
    s + libm::log(-libm::expm1(-s))
}

/// `σ(ρ)/softplus(ρ) = (∂s/∂ρ)/s` for `s = softplus(ρ)`: the factor turning the KL gradient
/// `1/s` into a `ρ`-gradient. It tends to 1 as `ρ → −∞`, where both factors underflow.
#[inline]
pub fn sigmoid_over_softplus(rho: f64) -> f64 {
    if rho < -30.0 {
        // σ(ρ)/ln(1 + e^ρ) = 1 − e^ρ/2 + O(e^{2ρ}), and e^ρ < 1e-13 here.
        1.0 - 0.5 * libm::exp(rho)
    } else {
        sigmoid(rho) / softplus(rho)
    }
}

/// `ln N(x; mean, variance)`.
#[inline]
pub fn log_normal_pdf(x: f64, mean: f64, variance: f64) -> f64 {
    let d = x - mean;
    -0.5 * (LN_2PI + libm::log(variance) + d * d / variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_at_extremes_and_consistent() {
        // Tolerance 1e-15 relative: these are the defining identities, to rounding.
        for a in [-800.0, -40.0, -3.0, 0.0, 2.5, 40.0, 800.0] {
            let s = sigmoid(a);
            assert!((0.0..=1.0).contains(&s), "{a}");
            assert!((s + sigmoid(-a) - 1.0).abs() < 1e-15);
            assert!(softplus(a).is_finite() && log_sigmoid(a).is_finite());
            assert!((softplus(a) - softplus(-a) - a).abs() < 1e-12 * (1.0 + a.abs()));
        }
        assert_eq!(softplus(800.0), 800.0);
        assert!((softplus(-40.0) / libm::exp(-40.0) - 1.0).abs() < 1e-15);
        for s in [1e-8, 0.1, 1.0, 30.0, 700.0] {
            assert!(
                (softplus(softplus_inverse(s)) / s - 1.0).abs() < 1e-12,
                "{s}"
            );
        }
        for rho in [-200.0, -31.0, -29.0, 0.0, 5.0] {
            let direct = sigmoid(rho) / softplus(rho);
            let r = sigmoid_over_softplus(rho);
            assert!(
                (r - direct).abs() < 1e-12 || !direct.is_finite(),
                "{rho}: {r} vs {direct}"
            );
        }
    }
}
