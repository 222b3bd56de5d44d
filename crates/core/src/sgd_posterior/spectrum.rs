//! SGD as an Ornstein–Uhlenbeck process in d dimensions (SCIENCE.md §8; Mandt, Hoffman & Blei
//! 2017, JMLR 18, sec. 3–4 and Theorem 1): generated quadratics with a chosen spectrum, the
//! d-dimensional theory ([`OuFull`]) and the 2-D projection the figure shows.
//!
//! The generated problem (`problem = spectrum`): `H = diag(λ₁, …, λ_d)` with
//! `λ_k = κ_H^{−(k−1)/(d−1)}` (log-spaced from 1 down to `1/κ_H`, so coordinate k is H's k-th
//! eigendirection and `λ_max = 1`), and `C = Q diag(μ) Qᵀ` with μ log-spaced from 1 down to
//! `1/κ_C` and Q a seeded rotation (Gram–Schmidt of a Gaussian matrix, stream 0 of the seed), so
//! H and C do not commute. Plain loops and `libm` only: the chains are built from these.
//!
//! Projection: the figure plots coordinates (i, j). The projection of `N(0, Σ)` onto them is
//! `N(0, Σ_{[ij],[ij]})`, the 2×2 sub-block, so every ellipse of the figure is a sub-block.

use super::lyapunov::{continuous_lyapunov, kl_zero_mean};
use crate::rng::SeededRng;
use nalgebra::DMatrix;
use serde::Serialize;

/// `d` values log-spaced from `top` down to `top/cond` (`[top]` for d = 1).
pub fn log_spaced(d: usize, top: f64, cond: f64) -> Vec<f64> {
    (0..d)
        .map(|k| {
            if d < 2 {
                top
            } else {
                top * libm::pow(cond, -(k as f64) / (d - 1) as f64)
            }
        })
        .collect()
}

/// A seeded d×d rotation (orthogonal, columns from modified Gram–Schmidt of a standard Gaussian
/// matrix drawn row by row from stream 0 of `seed`), row-major.
pub fn seeded_rotation(d: usize, seed: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, 0);
    let mut a: Vec<f64> = (0..d * d).map(|_| rng.normal()).collect();
    for j in 0..d {
        for k in 0..j {
            let mut dot = 0.0;
            for i in 0..d {
                dot += a[i * d + j] * a[i * d + k];
            }
            for i in 0..d {
                a[i * d + j] -= dot * a[i * d + k];
            }
        }
        let mut norm = 0.0;
        for i in 0..d {
            norm += a[i * d + j] * a[i * d + j];
        }
        let norm = libm::sqrt(norm);
        for i in 0..d {
            a[i * d + j] /= norm;
        }
    }
    a
}

/// The generated `(H, C)`, both d×d row-major (see the module doc).
pub fn generated_quadratic(d: usize, cond_h: f64, cond_c: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let lam = log_spaced(d, 1.0, cond_h);
    let mu = log_spaced(d, 1.0, cond_c);
    let q = seeded_rotation(d, seed);
    let mut h = vec![0.0; d * d];
    let mut c = vec![0.0; d * d];
    for i in 0..d {
        h[i * d + i] = lam[i];
        for j in 0..d {
            let mut s = 0.0;
            for k in 0..d {
                s += q[i * d + k] * mu[k] * q[j * d + k];
            }
            c[i * d + j] = s;
        }
    }
    // Exactly symmetric.
    for i in 0..d {
        for j in 0..i {
            c[i * d + j] = c[j * d + i];
        }
    }
    (h, c)
}

/// Rows of a square `DMatrix` (for JSON: `[[a11, a12, …], …]`).
pub fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| (0..m.ncols()).map(|j| m[(i, j)]).collect())
        .collect()
}

/// The 2×2 sub-block of rows/columns `(i, j)`, row-major: the covariance of the projection
/// onto coordinates i and j.
pub fn block(m: &DMatrix<f64>, [i, j]: [usize; 2]) -> [f64; 4] {
    [m[(i, i)], m[(i, j)], m[(j, i)], m[(j, j)]]
}

/// Mandt et al.'s Theorem 1 rate `α* = 2BD/(N tr C)` (D = d, the number of parameters).
pub fn optimal_rate(c: &DMatrix<f64>, batch: f64, data_points: f64) -> f64 {
    2.0 * batch * c.nrows() as f64 / (data_points * c.trace())
}

/// Plain SGD's continuous-time `KL(N(0, Σ(α))‖N(0, H⁻¹/N))` at rate `rate`, nats, with
/// `HΣ + ΣH = (α/B)C` (Mandt et al. 2017, Theorem 1); NaN where undefined.
pub fn sgd_continuous_kl(h: &DMatrix<f64>, c: &DMatrix<f64>, batch: f64, n: f64, rate: f64) -> f64 {
    let Some(posterior) = h.clone().try_inverse().map(|p| p / n) else {
        return f64::NAN;
    };
    continuous_lyapunov(h, &(c * (rate / batch)))
        .and_then(|s| kl_zero_mean(&s, &posterior))
        .unwrap_or(f64::NAN)
}

/// The d-dimensional theory of a run (Mandt et al. 2017; SCIENCE.md §8): the full matrices
/// (rows), whose 2×2 sub-blocks at `projection` are the `OuTheory` fields the figure draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OuFull {
    /// d.
    pub dimension: usize,
    /// The plotted coordinates, 1-based (`projectI`, `projectJ`).
    pub projection: [usize; 2],
    pub hessian: Vec<Vec<f64>>,
    pub noise_covariance: Vec<Vec<f64>>,
    /// The preconditioner P.
    pub preconditioner: Vec<Vec<f64>>,
    /// Eigenvalues of H and of C, ascending.
    pub hessian_eigenvalues: Vec<f64>,
    pub noise_eigenvalues: Vec<f64>,
    /// The posterior `H⁻¹/N`.
    pub posterior: Vec<Vec<f64>>,
    /// Continuous-time (OU) Σ: `PHΣ + Σ(PH)ᵀ = Q/α`; `None` without a PD solution.
    pub continuous: Option<Vec<Vec<f64>>>,
    /// Exact discrete-time `Σ_d = MΣ_dMᵀ + Q`, `M = I − αPH`; `None` beyond the stability limit.
    pub discrete: Option<Vec<Vec<f64>>>,
    /// `tr Σ/tr(H⁻¹/N)` and `KL(N(0, Σ)‖N(0, H⁻¹/N))` (nats) of both, in d dimensions (NaN
    /// where undefined).
    pub continuous_trace_ratio: f64,
    pub discrete_trace_ratio: f64,
    pub continuous_kl: f64,
    pub discrete_kl: f64,
    /// `α* = 2BD/(N tr C)` and plain SGD's continuous-time KL there (the least over constant
    /// rates, Theorem 1), nats.
    pub optimal_rate: f64,
    pub optimal_rate_kl: f64,
    /// `τ_ij` of the d-dimensional chain (SCIENCE.md §8 "Error bars"), rows; `None` where
    /// undefined.
    pub second_moment_tau: Option<Vec<Vec<f64>>>,
}

impl OuFull {
    /// Rows of P.
    pub fn preconditioner_rows(&self) -> &[Vec<f64>] {
        &self.preconditioner
    }
}

#[cfg(test)]
mod tests {
    use super::super::lyapunov::{
        codiagonal_continuous, codiagonal_discrete, discrete_lyapunov, flat2, mat2, symmetrize,
    };
    use super::*;

    fn mat(d: usize, v: &[f64]) -> DMatrix<f64> {
        DMatrix::from_row_slice(d, d, v)
    }

    fn close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64) -> bool {
        (a - b).abs().max() <= tol * (1.0 + b.abs().max())
    }

    /// The rotation is orthogonal, H has the chosen spectrum, C its own, and H, C do not commute.
    #[test]
    fn generated_quadratic_has_the_chosen_spectra() {
        for d in [2, 5, 8] {
            let q = mat(d, &seeded_rotation(d, 3));
            assert!(close(
                &(&q * q.transpose()),
                &DMatrix::identity(d, d),
                1e-13
            ));
            let (h, c) = generated_quadratic(d, 100.0, 10.0, 3);
            let (h, c) = (mat(d, &h), mat(d, &c));
            let mut ev: Vec<f64> = c.symmetric_eigenvalues().iter().copied().collect();
            ev.sort_by(f64::total_cmp);
            let mut want = log_spaced(d, 1.0, 10.0);
            want.reverse();
            for (a, b) in ev.iter().zip(&want) {
                assert!((a - b).abs() < 1e-12, "C eigenvalues {ev:?} vs {want:?}");
            }
            assert!((h[(0, 0)] - 1.0).abs() < 1e-15 && (h[(d - 1, d - 1)] - 0.01).abs() < 1e-15);
            assert!(
                (&h * &c - &c * &h).norm() > 0.05,
                "H and C should not commute"
            );
        }
    }

    /// Commuting H, C (C diagonal) in d = 5: the Kronecker solves equal the eigenbasis closed
    /// forms `(α/2B)H⁻¹C` and `(α/B)(2H − αH²)⁻¹C` to 1e-12; in d = 2 the general code equals
    /// the 2×2 path (`mat2`/`flat2`).
    #[test]
    fn d_dimensional_solves_match_the_eigenbasis_closed_forms() {
        let d = 5;
        let h = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(log_spaced(d, 1.0, 30.0)));
        let c = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(log_spaced(d, 2.0, 5.0)));
        let (rate, b) = (0.3, 4.0);
        let cont = continuous_lyapunov(&h, &(&c * (rate / b))).unwrap();
        assert!(close(
            &cont,
            &codiagonal_continuous(&h, &c, rate, b).unwrap(),
            1e-12
        ));
        let m = DMatrix::identity(d, d) - &h * rate;
        let disc = discrete_lyapunov(&m, &(&c * (rate * rate / b))).unwrap();
        assert!(close(
            &disc,
            &codiagonal_discrete(&h, &c, rate, b).unwrap(),
            1e-12
        ));
        // Elementwise eigenbasis form: Σ_d,kk = (α/B)c_k/(2λ_k − αλ_k²).
        for k in 0..d {
            let want = rate / b * c[(k, k)] / (2.0 * h[(k, k)] - rate * h[(k, k)] * h[(k, k)]);
            assert!((disc[(k, k)] - want).abs() < 1e-13 * want);
        }
        // d = 2: the generated problem through the general code equals the 2×2 helpers.
        let (h2, c2) = generated_quadratic(2, 3.0, 2.0, 9);
        let (hm, cm) = (
            mat2([h2[0], h2[1], h2[2], h2[3]]),
            mat2([c2[0], c2[1], c2[2], c2[3]]),
        );
        let gen = continuous_lyapunov(&mat(2, &h2), &(mat(2, &c2) * 0.1)).unwrap();
        assert_eq!(
            flat2(&gen),
            flat2(&continuous_lyapunov(&hm, &(cm * 0.1)).unwrap())
        );
    }

    /// Mandt et al.'s Theorem 1 in d = 5 with non-commuting H, C: a fine 1-D scan of the
    /// continuous KL over α (log grid, ratio 1.001 per point, α*/3 … 3α*) has its minimum
    /// within one grid step of `α* = 2BD/(N tr C)`; and the KL equals two independent formulas:
    /// `½Σ(ν_k − 1 − ln ν_k)` over the eigenvalues ν of `(H⁻¹/N)⁻¹Σ = NHΣ` (eigen route) and
    /// `½[Nα tr C/(2B) − d − ln det(NHΣ)]` (from `tr(HΣ) = α tr C/(2B)`), to 1e-10.
    #[test]
    fn optimal_rate_minimizes_the_kl_in_d_dimensions() {
        let d = 5;
        let (h, c) = generated_quadratic(d, 20.0, 8.0, 11);
        let (h, c) = (mat(d, &h), mat(d, &c));
        let (b, n) = (4.0, 100.0);
        let star = optimal_rate(&c, b, n);
        let steps = (libm::log(9.0) / libm::log(1.001)) as usize;
        let (mut best, mut best_kl) = (0.0, f64::INFINITY);
        for s in 0..=steps {
            let a = star / 3.0 * libm::pow(1.001, s as f64);
            let kl = sgd_continuous_kl(&h, &c, b, n, a);
            if kl < best_kl {
                (best, best_kl) = (a, kl);
            }
        }
        assert!(
            (best / star - 1.0).abs() < 1.5e-3,
            "argmin {best} vs α* {star}"
        );
        for a in [star, 0.5 * star, 3.0 * star] {
            let kl = sgd_continuous_kl(&h, &c, b, n, a);
            let sigma = continuous_lyapunov(&h, &(&c * (a / b))).unwrap();
            let nhs = &h * &sigma * n;
            // Eigenvalues of NHΣ = those of the symmetric N·H^{1/2}ΣH^{1/2} (H diagonal).
            let hs = h.map(libm::sqrt);
            let sym = symmetrize(&(&hs * &sigma * &hs * n));
            let eig: f64 = sym
                .symmetric_eigenvalues()
                .iter()
                .map(|v| 0.5 * (v - 1.0 - libm::log(*v)))
                .sum();
            let trace_form =
                0.5 * (n * a * c.trace() / (2.0 * b) - d as f64 - libm::log(nhs.determinant()));
            assert!(
                (kl - eig).abs() < 1e-10 * kl.abs().max(1.0),
                "{kl} vs {eig}"
            );
            assert!(
                (kl - trace_form).abs() < 1e-10 * kl.abs().max(1.0),
                "{kl} vs {trace_form}"
            );
        }
    }
}
