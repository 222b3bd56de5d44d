//! PAC-Bayes bounds on the error of a stochastic (Gibbs) classifier (Lecture 8, "Description
//! Length Regularization"; McAllester 1999, COLT; Langford & Seeger 2001; Seeger 2002, JMLR 3;
//! in the forms of Dziugaite & Roy 2017, UAI, "Computing nonvacuous generalization bounds for
//! deep (stochastic) neural networks with many more parameters than training data", §2).
//!
//! For a prior `p` fixed before seeing the `N` training examples, with probability at least
//! `1 − δ` over the sample, simultaneously for every `q`:
//! - Langford–Seeger: `kl(ê(q)‖e(q)) ≤ B`, `B = (KL(q‖p) + ln(N/δ))/(N − 1)`, so
//!   `e(q) ≤ kl⁻¹(ê(q), B) = sup{e ∈ [ê, 1] : kl(ê‖e) ≤ B}`;
//! - McAllester (its Pinsker relaxation, `kl(a‖b) ≥ 2(a − b)²`): `e(q) ≤ ê(q) + √(B/2)`.
//!
//! `ê(q)` is the empirical error of the Gibbs classifier (draw `w ~ q` per prediction), `e(q)`
//! its expected error on fresh data, `kl` the KL divergence between Bernoulli distributions,
//! in nats. SCIENCE.md §4 does not fix a form; these are Dziugaite & Roy's.

/// `kl(a‖b) = a ln(a/b) + (1 − a) ln((1 − a)/(1 − b))` for `a, b ∈ [0, 1]`, with `0 ln 0 = 0`
/// (`+∞` where `b ∈ {0, 1}` and `a ≠ b`).
pub fn kl_bernoulli(a: f64, b: f64) -> f64 {
    let term = |x: f64, y: f64| {
        if x <= 0.0 {
            0.0
        } else if y <= 0.0 {
            f64::INFINITY
        } else {
            x * libm::log(x / y)
        }
    };
    term(a, b) + term(1.0 - a, 1.0 - b)
}

/// `kl⁻¹(a, c) = sup{b ∈ [a, 1] : kl(a‖b) ≤ c}` by bisection (`kl(a‖·)` increases on `[a, 1]`),
/// 200 halvings or until the bracket is below 1e-15.
pub fn kl_inverse_upper(a: f64, c: f64) -> f64 {
    if c <= 0.0 {
        return a;
    }
    let (mut lo, mut hi) = (a, 1.0);
    if kl_bernoulli(a, hi) <= c {
        return 1.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if kl_bernoulli(a, mid) <= c {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    lo
}

/// `B = (KL + ln(N/δ))/(N − 1)` (nats; `N ≥ 2`).
pub fn complexity(kl_nats: f64, n: usize, delta: f64) -> f64 {
    (kl_nats + libm::log(n as f64 / delta)) / (n as f64 - 1.0)
}

/// McAllester's bound `min(1, ê + √(B/2))`.
pub fn mcallester(empirical_error: f64, kl_nats: f64, n: usize, delta: f64) -> f64 {
    (empirical_error + libm::sqrt(0.5 * complexity(kl_nats, n, delta))).min(1.0)
}

/// The Langford–Seeger bound `kl⁻¹(ê, B)`.
pub fn langford_seeger(empirical_error: f64, kl_nats: f64, n: usize, delta: f64) -> f64 {
    kl_inverse_upper(empirical_error, complexity(kl_nats, n, delta))
}

/// `Φ(z)`, the standard normal CDF, `½ erfc(−z/√2)`.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The probability that the Gibbs classifier of `q = N(μ, diag(s²))` errs on `(x, y)`:
/// the logit `a = wᵀx` is `N(μᵀx, Σ s_j²x_j²)`, the prediction is `a > 0`, so the error is
/// `Φ(−(2y − 1)μᵀx/√v)` (a coin flip, ½, where `μᵀx = 0` and `v = 0`).
pub fn gibbs_error(mean: [f64; 2], std: [f64; 2], x: [f64; 2], y: f64) -> f64 {
    let m = mean[0] * x[0] + mean[1] * x[1];
    let v = std[0] * std[0] * x[0] * x[0] + std[1] * std[1] * x[1] * x[1];
    let sign = 2.0 * y - 1.0;
    if v > 0.0 {
        normal_cdf(-sign * m / libm::sqrt(v))
    } else if m == 0.0 {
        0.5
    } else if sign * m > 0.0 {
        0.0
    } else {
        1.0
    }
}
