//! KL between Gaussians and the 2σ ellipse of a 2×2 covariance, for the noisy natural gradient,
//! on the shared dense algebra (crate::linalg: plain loops, bit-identical natively and in wasm).

// Index loops follow the formulas (L_ij, A_ik …) and are kept as written.
#![allow(clippy::needless_range_loop)]

pub use crate::linalg::{back_solve, cholesky, cholesky_inverse, cholesky_solve, log_det};

/// `KL(N(μ_q, Σ_q) ‖ N(μ_p, P⁻¹))` in nats, with the target given by its precision `P`:
/// `½[tr(PΣ_q) + (μ_q − μ_p)ᵀP(μ_q − μ_p) − n − ln det Σ_q − ln det P]`.
/// `None` if `Σ_q` or `P` is not numerically positive definite.
pub fn kl_gaussian(
    mean_q: &[f64],
    covariance_q: &[f64],
    mean_p: &[f64],
    precision_p: &[f64],
) -> Option<f64> {
    let n = mean_q.len();
    let lq = cholesky(covariance_q, n)?;
    let lp = cholesky(precision_p, n)?;
    let (mut tr, mut quad) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            tr += precision_p[i * n + j] * covariance_q[j * n + i];
            quad += (mean_q[i] - mean_p[i]) * precision_p[i * n + j] * (mean_q[j] - mean_p[j]);
        }
    }
    Some(0.5 * (tr + quad - n as f64 - log_det(&lq, n) - log_det(&lp, n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    fn spd(n: usize, seed: u64) -> Vec<f64> {
        let mut r = crate::rng::SeededRng::new(seed, 0);
        let m: Vec<f64> = (0..n * n).map(|_| r.normal()).collect();
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..n).map(|k| m[i * n + k] * m[j * n + k]).sum::<f64>()
                    + if i == j { 0.5 } else { 0.0 };
            }
        }
        a
    }

    #[test]
    fn cholesky_solve_inverse_and_log_det_match_nalgebra() {
        for n in [1, 2, 5, 9] {
            let a = spd(n, n as u64);
            let l = cholesky(&a, n).unwrap();
            let na = DMatrix::from_row_slice(n, n, &a);
            let inv = cholesky_inverse(&l, n);
            let nainv = na.clone().try_inverse().unwrap();
            for i in 0..n {
                for j in 0..n {
                    assert!((inv[i * n + j] - nainv[(i, j)]).abs() < 1e-9 * (1.0 + nainv.amax()));
                }
            }
            let ld = na.determinant().ln();
            assert!((log_det(&l, n) - ld).abs() < 1e-9 * (1.0 + ld.abs()));
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        assert!(cholesky(&[f64::NAN], 1).is_none());
    }

    #[test]
    fn kl_is_zero_for_equal_gaussians_and_matches_the_1d_formula() {
        let p = spd(3, 7);
        let cov = cholesky_inverse(&cholesky(&p, 3).unwrap(), 3);
        let m = [0.3, -1.0, 2.0];
        assert!(kl_gaussian(&m, &cov, &m, &p).unwrap().abs() < 1e-12);
        // 1-D: KL(N(a, s²)‖N(b, 1/p)) = ½[p s² + p(a−b)² − 1 − ln s² − ln p].
        let (a, s2, b, pp) = (0.4, 0.3, -0.2, 2.5f64);
        let want = 0.5 * (pp * s2 + pp * (a - b) * (a - b) - 1.0 - s2.ln() - pp.ln());
        assert!((kl_gaussian(&[a], &[s2], &[b], &[pp]).unwrap() - want).abs() < 1e-14);
    }
}
