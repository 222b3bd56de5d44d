//! SCIENCE.md §4 closed forms for Bayesian linear regression.

use crate::bayes::linreg::*;
use crate::bayes::special::LN_2PI;
use crate::rng::SeededRng;
use nalgebra::{DMatrix, DVector};

const NOISE: f64 = 0.25;
const PRIOR: f64 = 1.0;

fn data() -> LinRegData {
    LinRegData::generate(20, 3, 0.8, NOISE, PRIOR, 11)
}

/// A random SPD covariance `BBᵀ/D + 0.01 I` and a random mean.
fn random_q(rng: &mut SeededRng, d: usize) -> (Vec<f64>, Vec<f64>) {
    let b: Vec<f64> = (0..d * d).map(|_| 0.3 * rng.normal()).collect();
    let mut cov = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..d {
            cov[i * d + j] = (0..d).map(|k| b[i * d + k] * b[j * d + k]).sum::<f64>() / d as f64;
        }
        cov[i * d + i] += 0.01;
    }
    ((0..d).map(|_| rng.normal()).collect(), cov)
}

#[test]
fn row_major_conversion_round_trips() {
    let m = from_row_major(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!((m[(0, 2)], m[(1, 0)]), (3.0, 4.0));
    assert_eq!(to_row_major(&m), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn posterior_matches_the_normal_equations() {
    // Independent route: (XᵀX + (σ²/η)I)m = Xᵀt by LU on nalgebra's own XᵀX. Tolerance 1e-12.
    let d = data();
    let post = BlrPosterior::new(&d, NOISE, PRIOR);
    let x = DMatrix::from_row_slice(d.len(), d.dim, &d.inputs);
    let t = DVector::from_column_slice(&d.targets);
    let a = x.transpose() * &x + DMatrix::identity(d.dim, d.dim) * (NOISE / PRIOR);
    let m = a.lu().solve(&(x.transpose() * t)).unwrap();
    for j in 0..d.dim {
        assert!((m[j] - post.mean[j]).abs() < 1e-12, "{j}");
    }
    // P·P⁻¹ = I (1e-12) and the plain-loop XᵀX equals nalgebra's.
    let stats = d.sufficient_stats();
    let gram = x.transpose() * &x;
    for i in 0..d.dim {
        for j in 0..d.dim {
            assert!((stats.gram[i * d.dim + j] - gram[(i, j)]).abs() < 1e-12);
            let pp: f64 = (0..d.dim)
                .map(|k| post.precision[i * d.dim + k] * post.covariance[k * d.dim + j])
                .sum();
            assert!((pp - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
        }
    }
    assert!(
        post.mean_field_gap > 0.01,
        "correlated features: a visible gap"
    );
}

#[test]
fn one_dimensional_case_by_hand() {
    // x = (1, 2, −1), t = (0.5, 1, −0.2): P = 6/0.25 + 1 = 25, b = 2.7/0.25 = 10.8, m = 0.432.
    // Evidence by the matrix determinant lemma and Sherman–Morrison:
    // det C = σ^{2N}(1 + η‖x‖²/σ²), tᵀC⁻¹t = (‖t‖² − η(xᵀt)²/(σ² + η‖x‖²))/σ².
    let d = LinRegData::new(vec![1.0, 2.0, -1.0], vec![0.5, 1.0, -0.2], 1);
    let post = BlrPosterior::new(&d, NOISE, PRIOR);
    assert!((post.precision[0] - 25.0).abs() < 1e-13);
    assert!((post.mean[0] - 0.432).abs() < 1e-14);
    let (xx, xt, tt) = (6.0, 2.7, 1.29);
    let log_det = 3.0 * libm::log(NOISE) + libm::log(1.0 + PRIOR * xx / NOISE);
    let quad = (tt - PRIOR * xt * xt / (NOISE + PRIOR * xx)) / NOISE;
    let by_hand = -0.5 * (3.0 * LN_2PI + log_det + quad);
    assert!((post.log_evidence - by_hand).abs() < 1e-13);
    // One weight: mean field is exact.
    assert!(post.mean_field_gap.abs() < 1e-15);
    assert!((post.max_likelihood.unwrap()[0] - 0.45).abs() < 1e-15);
}

#[test]
fn evidence_matches_the_direct_gaussian_formula() {
    // ln N(t; 0, σ²I + ηXXᵀ) by an N×N Cholesky vs the D×D identity: 1e-10 (both O(1e-13)).
    for (n, dim, c, seed) in [(20, 3, 0.8, 11), (5, 8, 0.5, 12), (60, 2, 0.0, 13)] {
        let d = LinRegData::generate(n, dim, c, NOISE, PRIOR, seed);
        for (s2, eta) in [(NOISE, PRIOR), (1.3, 0.2)] {
            let post = BlrPosterior::new(&d, s2, eta);
            let direct = log_evidence_direct(&d, s2, eta);
            assert!(
                (post.log_evidence - direct).abs() < 1e-10,
                "{n}×{dim}: {} vs {direct}",
                post.log_evidence
            );
        }
    }
}

#[test]
fn elbo_is_a_lower_bound_with_equality_at_the_posterior() {
    // For 200 random full-covariance and factorized q: F ≤ ln p(D), and
    // F = ln p(D) − KL(q‖p(w|D)) to 1e-9 (an identity through independent formulas).
    let d = data();
    let post = BlrPosterior::new(&d, NOISE, PRIOR);
    let mut rng = SeededRng::new(5, 0);
    for _ in 0..100 {
        let (mu, cov) = random_q(&mut rng, d.dim);
        let f = elbo_terms_full(&d, &mu, &cov, NOISE, PRIOR);
        let kl_post = post.kl_from_posterior(&mu, &cov);
        assert!(f.elbo <= post.log_evidence && kl_post >= 0.0);
        assert!((f.elbo - (post.log_evidence - kl_post)).abs() < 1e-9);
        assert!(f.kl_nats >= 0.0);
        let std: Vec<f64> = (0..d.dim).map(|j| libm::sqrt(cov[j * d.dim + j])).collect();
        let diag = elbo_terms(&d, &mu, &std, NOISE, PRIOR);
        assert!(diag.elbo <= post.log_evidence && diag.kl_nats >= 0.0);
    }
    let at_post = elbo_terms_full(&d, &post.mean, &post.covariance, NOISE, PRIOR);
    assert!((at_post.elbo - post.log_evidence).abs() < 1e-10);
    assert!(post.kl_from_posterior(&post.mean, &post.covariance).abs() < 1e-12);
    // KL(prior‖prior) = 0 and bits = nats/ln 2.
    let prior = elbo_terms(&d, &[0.0; 3], &[1.0; 3], NOISE, PRIOR);
    assert!(prior.kl_nats.abs() < 1e-15);
    let f = elbo_terms(&d, &post.mean, &post.mean_field_std, NOISE, PRIOR);
    assert!((f.kl_bits * std::f64::consts::LN_2 - f.kl_nats).abs() < 1e-13);
}

#[test]
fn mean_field_optimum_and_its_gap() {
    // The gap formula ½(Σ ln P_jj − ln det P) equals ln p(D) − F(q_MF) (1e-10), the exact
    // gradient vanishes there (1e-9), and the factorized variances are below the marginals.
    let d = data();
    let post = BlrPosterior::new(&d, NOISE, PRIOR);
    let f = elbo_terms(&d, &post.mean, &post.mean_field_std, NOISE, PRIOR);
    assert!((post.log_evidence - f.elbo - post.mean_field_gap).abs() < 1e-10);
    let (gm, gs) = elbo_gradient(
        &d.sufficient_stats(),
        &post.mean,
        &post.mean_field_std,
        NOISE,
        PRIOR,
    );
    assert!(
        gm.iter().chain(&gs).all(|g| g.abs() < 1e-9),
        "{gm:?} {gs:?}"
    );
    for j in 0..d.dim {
        assert!(post.mean_field_std[j] < post.marginal_std[j]);
    }
    // A sharper q costs more bits: shrinking every s below the optimum raises the KL.
    let mut last = f.kl_bits;
    for k in 1..5 {
        let s: Vec<f64> = post
            .mean_field_std
            .iter()
            .map(|s| s / (2.0 * k as f64))
            .collect();
        let bits = elbo_terms(&d, &post.mean, &s, NOISE, PRIOR).kl_bits;
        assert!(bits > last);
        last = bits;
    }
}

#[test]
fn elbo_gradient_matches_central_differences() {
    // Step 1e-5: F is quadratic in μ and smooth in s > 0.1, so the central difference is
    // accurate to ≈ 1e-9 relative; tolerance 1e-6·(1 + |g|).
    let d = data();
    let stats = d.sufficient_stats();
    let mut rng = SeededRng::new(6, 0);
    let h = 1e-5;
    for _ in 0..10 {
        let mu: Vec<f64> = (0..3).map(|_| rng.normal()).collect();
        let s: Vec<f64> = (0..3).map(|_| 0.1 + rng.uniform()).collect();
        let (gm, gs) = elbo_gradient(&stats, &mu, &s, NOISE, PRIOR);
        let f = |mu: &[f64], s: &[f64]| elbo_terms(&d, mu, s, NOISE, PRIOR).elbo;
        for j in 0..3 {
            let (mut up, mut dn) = (mu.clone(), mu.clone());
            up[j] += h;
            dn[j] -= h;
            let fd = (f(&up, &s) - f(&dn, &s)) / (2.0 * h);
            assert!((gm[j] - fd).abs() < 1e-6 * (1.0 + gm[j].abs()), "μ{j}");
            let (mut up, mut dn) = (s.clone(), s.clone());
            up[j] += h;
            dn[j] -= h;
            let fd = (f(&mu, &up) - f(&mu, &dn)) / (2.0 * h);
            assert!((gs[j] - fd).abs() < 1e-6 * (1.0 + gs[j].abs()), "s{j}");
        }
    }
}

#[test]
fn log_posterior_closure_is_the_normalized_joint() {
    // ln p(w, D) − ln p(D) = ln N(w; m, P⁻¹): at w = m it is ½ ln det P − (D/2) ln 2π (1e-10).
    // Its gradient matches central differences (1e-6).
    let d = data();
    let post = BlrPosterior::new(&d, NOISE, PRIOR);
    let mut f = d.log_posterior_fn(NOISE, PRIOR);
    let mut g = vec![0.0; 3];
    let at_mean = f(&post.mean, &mut g) - post.log_evidence;
    assert!((at_mean - (0.5 * post.log_det_precision - 1.5 * LN_2PI)).abs() < 1e-10);
    assert!(g.iter().all(|v| v.abs() < 1e-9));
    let w = [0.3, -0.7, 1.1];
    f(&w, &mut g);
    for j in 0..3 {
        let (mut up, mut dn) = (w, w);
        up[j] += 1e-5;
        dn[j] -= 1e-5;
        let fd = (f(&up, &mut [0.0; 3]) - f(&dn, &mut [0.0; 3])) / 2e-5;
        assert!((g[j] - fd).abs() < 1e-6 * (1.0 + g[j].abs()));
    }
}
