//! Small dense symmetric positive-definite algebra in plain loops (row-major `n×n` slices): a
//! Cholesky factor, triangular solves, `ln det`, inverse and quadratic forms. Plain loops in a fixed
//! order with `libm`, not nalgebra, so quantities that feed a seeded run (posterior samples,
//! predictive variances, NNG steps) are bit-identical natively and in WebAssembly (no
//! runtime-dispatched kernels; ARCHITECTURE.md §4). Used by the Bayesian regression (Laplace) and
//! the noisy natural gradient.

// Index loops follow the formulas (L[i][j] …) and are kept as written.
#![allow(clippy::needless_range_loop)]

/// The lower Cholesky factor `L` of a symmetric `A = LLᵀ` (row-major, only the lower triangle
/// of `A` is read). `None` if `A` is not (numerically) positive definite: a pivot ≤ 0 or
/// non-finite.
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * n + i] = libm::sqrt(s);
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// `ln det A = 2 Σ ln L_ii` from the Cholesky factor.
pub fn log_det(l: &[f64], n: usize) -> f64 {
    (0..n).map(|i| 2.0 * libm::log(l[i * n + i])).sum()
}

/// Solve `L y = b` (forward substitution) in place.
pub fn forward_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// Solve `Lᵀ x = y` (back substitution) in place.
pub fn back_solve(l: &[f64], n: usize, y: &mut [f64]) {
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
}

/// Solve `A x = b` with `A = LLᵀ`, in place.
pub fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    forward_solve(l, n, b);
    back_solve(l, n, b);
}

/// `A⁻¹` from the Cholesky factor of `A` (column by column).
pub fn cholesky_inverse(l: &[f64], n: usize) -> Vec<f64> {
    let mut inv = vec![0.0; n * n];
    let mut e = vec![0.0; n];
    for j in 0..n {
        e.fill(0.0);
        e[j] = 1.0;
        cholesky_solve(l, n, &mut e);
        for i in 0..n {
            inv[i * n + j] = e[i];
        }
    }
    // Exactly symmetric.
    for i in 0..n {
        for j in 0..i {
            let v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
            inv[i * n + j] = v;
            inv[j * n + i] = v;
        }
    }
    inv
}

/// `vᵀA⁻¹v = ‖L⁻¹v‖²` (uses `scratch` of length n).
pub fn inverse_quadratic_form(l: &[f64], n: usize, v: &[f64], scratch: &mut [f64]) -> f64 {
    scratch.copy_from_slice(v);
    forward_solve(l, n, scratch);
    scratch.iter().map(|y| y * y).sum()
}

/// A 2×2 matrix, row-major `[a11, a12, a21, a22]`: the lab's one small-matrix type (2-D
/// posteriors, the SGD quadratic, ellipses).
pub type Mat2 = [f64; 4];

/// Determinant of a 2×2 matrix.
pub fn det2(m: Mat2) -> f64 {
    m[0] * m[3] - m[1] * m[2]
}

/// Inverse of a 2×2 matrix.
pub fn inv2(m: Mat2) -> Mat2 {
    let d = det2(m);
    [m[3] / d, -m[1] / d, -m[2] / d, m[0] / d]
}

/// Largest eigenvalue of a symmetric 2×2 matrix.
pub fn max_eigenvalue_sym2(m: Mat2) -> f64 {
    let (tr, half_gap) = (0.5 * (m[0] + m[3]), 0.5 * (m[0] - m[3]));
    tr + libm::sqrt(half_gap * half_gap + m[1] * m[1])
}

/// Lower Cholesky factor `L` (`LLᵀ = M`) of a symmetric positive definite 2×2 matrix.
pub fn cholesky2(m: Mat2) -> Mat2 {
    let l11 = libm::sqrt(m[0]);
    let l21 = m[2] / l11;
    [l11, 0.0, l21, libm::sqrt(m[3] - l21 * l21)]
}
/// Product of two 2×2 matrices.
pub fn mul2(a: Mat2, b: Mat2) -> Mat2 {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
    ]
}

/// `Av` for a 2×2 `A`.
pub fn apply2(a: Mat2, v: [f64; 2]) -> [f64; 2] {
    [a[0] * v[0] + a[1] * v[1], a[2] * v[0] + a[3] * v[1]]
}

/// Points `[x₀, y₀, x₁, y₁, …]` (`points` of them, closed: the last equals the first) on the
/// ellipse `{c + k·Lu : ‖u‖ = 1}`, `LLᵀ = Σ`, i.e. `(x − c)ᵀΣ⁻¹(x − c) = k²`, of a symmetric 2×2
/// `Σ` (its lower triangle is read): `k = 2` is the 2σ ellipse. A Σ that is not positive
/// definite gives NaN points. The one ellipse routine of the lab (BBB and NNG views, the
/// logistic-regression panel, the SGD-OU stationary covariances).
pub fn ellipse(center: [f64; 2], sigma: Mat2, k: f64, points: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(2 * points);
    let l = cholesky2(sigma);
    let n = points.max(3) - 1;
    for p in 0..=n {
        let t = 2.0 * std::f64::consts::PI * (p % n) as f64 / n as f64;
        let (u, v) = (libm::cos(t), libm::sin(t));
        out.push(center[0] + k * l[0] * u);
        out.push(center[1] + k * (l[2] * u + l[3] * v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn ellipse_points_have_mahalanobis_radius_k_and_close() {
        let (a, b, c) = (2.0, -0.9, 0.7);
        let det = a * c - b * b;
        let pts = ellipse([1.0, -1.0], [a, b, b, c], 2.0, 50);
        assert_eq!(pts.len(), 100);
        assert_eq!((pts[0], pts[1]), (pts[98], pts[99]));
        for p in pts.chunks(2) {
            let (x, y) = (p[0] - 1.0, p[1] + 1.0);
            let r2 = (c * x * x - 2.0 * b * x * y + a * y * y) / det;
            assert!((r2 - 4.0).abs() < 1e-12, "{r2}");
        }
        let indefinite = ellipse([0.0, 0.0], [1.0, 2.0, 2.0, 1.0], 1.0, 8);
        assert_eq!(indefinite.len(), 16);
        assert!(indefinite.iter().skip(1).step_by(2).all(|y| y.is_nan()));
    }

    #[test]
    fn cholesky_solve_and_log_det_match_nalgebra() {
        let n = 7;
        let mut rng = crate::rng::SeededRng::new(5, 0);
        let b: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
        let bm = DMatrix::from_row_slice(n, n, &b);
        let a = &bm * bm.transpose() + DMatrix::identity(n, n) * 0.5;
        let flat: Vec<f64> = (0..n * n).map(|k| a[(k / n, k % n)]).collect();
        let l = cholesky(&flat, n).unwrap();
        let det = a.clone().cholesky().unwrap().determinant();
        assert!((log_det(&l, n) - det.ln()).abs() < 1e-10);
        let rhs: Vec<f64> = (0..n).map(|i| i as f64 - 2.0).collect();
        let mut x = rhs.clone();
        cholesky_solve(&l, n, &mut x);
        let back = &a * nalgebra::DVector::from_column_slice(&x);
        for i in 0..n {
            assert!((back[i] - rhs[i]).abs() < 1e-10);
        }
        let mut s = vec![0.0; n];
        let q = inverse_quadratic_form(&l, n, &rhs, &mut s);
        let exact: f64 = rhs.iter().zip(&x).map(|(a, b)| a * b).sum();
        assert!((q - exact).abs() < 1e-10 * exact.abs().max(1.0));
        let mut not_pd = flat.clone();
        not_pd[0] = -1.0;
        assert!(cholesky(&not_pd, n).is_none());
    }
}
