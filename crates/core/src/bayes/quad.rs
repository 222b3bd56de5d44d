//! Quadrature rules shared by the 1-D density and the logistic-regression grid.

/// Gauss–Legendre nodes and weights on `[−1, 1]` with `n ≥ 1` points: exact for polynomials of
/// degree `2n − 1`, and for a function analytic inside the Bernstein ellipse `E_ρ` the error
/// decays like `ρ^{−2n}` (Trefethen, *Approximation Theory and Approximation Practice*, ch. 19).
///
/// Nodes are the roots of `P_n`, found by Newton's method from Tricomi's initial guess
/// `cos(π(i − ¼)/(n + ½))` on the three-term recurrence; weights `2/((1 − x²)P_n'(x)²)`.
/// Accurate to a few ulps for `n` up to a few hundred. Returned in increasing order.
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    assert!(n >= 1, "Gauss–Legendre needs at least one node");
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    let nf = n as f64;
    for i in 0..n.div_ceil(2) {
        let mut x = libm::cos(std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5));
        let mut dp = 1.0;
        for _ in 0..100 {
            let (p, d) = legendre_and_derivative(n, x);
            dp = d;
            let dx = p / d;
            x -= dx;
            if dx.abs() < 1e-16 {
                break;
            }
        }
        let (_, d) = legendre_and_derivative(n, x);
        if d.is_finite() {
            dp = d;
        }
        let w = 2.0 / ((1.0 - x * x) * dp * dp);
        nodes[i] = -x;
        nodes[n - 1 - i] = x;
        weights[i] = w;
        weights[n - 1 - i] = w;
    }
    if n % 2 == 1 {
        nodes[n / 2] = 0.0;
    }
    (nodes, weights)
}

/// `(P_n(x), P_n'(x))` by Bonnet's recurrence `(k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}`.
fn legendre_and_derivative(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    for k in 1..n {
        let kf = k as f64;
        let p2 = ((2.0 * kf + 1.0) * x * p1 - kf * p0) / (kf + 1.0);
        p0 = p1;
        p1 = p2;
    }
    let nf = n as f64;
    (p1, nf * (x * p1 - p0) / (x * x - 1.0))
}

/// Composite Gauss–Legendre rule on `[a, b]`: `panels` equal panels of `nodes_per_panel`
/// points each. Returns `(nodes, weights)` in increasing order.
pub fn composite_gauss_legendre(
    a: f64,
    b: f64,
    panels: usize,
    nodes_per_panel: usize,
) -> (Vec<f64>, Vec<f64>) {
    let (x, w) = gauss_legendre(nodes_per_panel);
    let h = (b - a) / panels as f64;
    let mut nodes = Vec::with_capacity(panels * nodes_per_panel);
    let mut weights = Vec::with_capacity(panels * nodes_per_panel);
    for p in 0..panels {
        let mid = a + (p as f64 + 0.5) * h;
        for (xi, wi) in x.iter().zip(&w) {
            nodes.push(mid + 0.5 * h * xi);
            weights.push(0.5 * h * wi);
        }
    }
    (nodes, weights)
}

/// A uniform grid `z_k = a + k·h`, `k = 0 … n−1`, with trapezoid weights (`h/2` at the ends).
///
/// For an integrand analytic and bounded by `M` in the strip `|Im z| < d` and negligible at the
/// ends, the error is at most `2M/(e^{2πd/h} − 1)` (Trefethen & Weideman 2014, SIAM Review 56,
/// Thm. 5.1): geometric in `1/h`, far better than the textbook `O(h²)`.
pub fn trapezoid(a: f64, h: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let nodes: Vec<f64> = (0..n).map(|k| a + k as f64 * h).collect();
    let mut weights = vec![h; n];
    if n > 1 {
        weights[0] = 0.5 * h;
        weights[n - 1] = 0.5 * h;
    }
    (nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_and_sums_to_two() {
        // Exact (to 1e-13) for degree ≤ 2n − 1, and visibly wrong for degree 2n.
        for n in [1, 2, 5, 8, 20, 64] {
            let (x, w) = gauss_legendre(n);
            assert!(x.windows(2).all(|p| p[0] < p[1]));
            assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14, "n = {n}");
            for deg in (0..2 * n).step_by(2) {
                let q: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(deg as i32)).sum();
                let exact = 2.0 / (deg as f64 + 1.0);
                assert!((q - exact).abs() < 1e-13, "n = {n}, degree {deg}: {q}");
            }
            if n <= 5 {
                // The error for x^{2n} is (2^{2n+1}(n!)⁴/((2n+1)((2n)!)²)) > 1e-4 for n ≤ 5.
                let deg = 2 * n as i32;
                let q: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(deg)).sum();
                assert!((q - 2.0 / (deg as f64 + 1.0)).abs() > 1e-4, "n = {n}");
            }
        }
    }

    #[test]
    fn composite_rule_integrates_a_gaussian() {
        // ∫_{−10}^{10} e^{−x²/2} dx = √(2π) to 1e-14 with 20 panels of 10 nodes.
        let (x, w) = composite_gauss_legendre(-10.0, 10.0, 20, 10);
        let q: f64 = x
            .iter()
            .zip(&w)
            .map(|(x, w)| w * libm::exp(-0.5 * x * x))
            .sum();
        assert!(
            (q - (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-14,
            "{q}"
        );
    }
}
