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

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

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
