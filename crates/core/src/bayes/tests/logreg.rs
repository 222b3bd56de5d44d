//! SCIENCE.md §3: 2-D Bayesian logistic regression, Laplace vs the true posterior.

use crate::bayes::hmc::{batch_means, Hmc, HmcSettings};
use crate::bayes::logreg::*;
use crate::bayes::special::{log_sigmoid, sigmoid};
use crate::linalg::*;

const ETA: f64 = DEFAULT_PRIOR_VARIANCE;

fn data() -> LogRegData {
    LogRegData::generate(10, [2.0, -1.0], 1)
}

#[test]
fn gradient_and_curvature_match_finite_differences() {
    // Central differences, step 1e-5: tolerance 1e-7 (gradient) and 1e-6 (H̄ = −∇² ln p).
    let d = data();
    let h = 1e-5;
    for w in [[0.3, -0.2], [1.5, 2.0], [-3.0, 0.7]] {
        let (g, hb) = d.gradient_and_curvature(w, ETA);
        for i in 0..2 {
            let mut up = w;
            let mut dn = w;
            up[i] += h;
            dn[i] -= h;
            let fd = (d.log_joint(up, ETA) - d.log_joint(dn, ETA)) / (2.0 * h);
            assert!((g[i] - fd).abs() < 1e-7, "∂{i}: {} vs {fd}", g[i]);
            let (gu, _) = d.gradient_and_curvature(up, ETA);
            let (gd, _) = d.gradient_and_curvature(dn, ETA);
            for j in 0..2 {
                let fd = -(gu[j] - gd[j]) / (2.0 * h);
                assert!((hb[j * 2 + i] - fd).abs() < 1e-6, "H̄[{j}{i}]");
            }
        }
    }
}

#[test]
fn newton_converges_quadratically_to_the_map() {
    // |∇| < 1e-12 at the end, in ≤ 10 iterations; the error contracts quadratically
    // (e_{k+1} ≤ 10·e_k² once e_k < 0.1).
    let d = data();
    let lap = laplace(&d, ETA);
    assert!(lap.gradient_norm < 1e-12 && lap.newton_iterations <= 10);
    let mut w = [0.0, 0.0];
    let mut errors = vec![];
    for _ in 0..8 {
        let (g, h) = d.gradient_and_curvature(w, ETA);
        let hi = inv2(h);
        w = [
            w[0] + hi[0] * g[0] + hi[1] * g[1],
            w[1] + hi[2] * g[0] + hi[3] * g[1],
        ];
        errors.push(((w[0] - lap.map[0]).powi(2) + (w[1] - lap.map[1]).powi(2)).sqrt());
    }
    println!("Newton errors {errors:?}");
    for e in errors.windows(2) {
        if e[0] < 0.1 && e[0] > 1e-7 {
            assert!(e[1] <= 10.0 * e[0] * e[0], "{} → {}", e[0], e[1]);
        }
    }
    // H̄ at the optimum is the data term plus I/η, and the Laplace covariance is its inverse.
    let c = lap.covariance;
    let h = lap.curvature;
    assert!(
        (h[0] * c[0] + h[1] * c[2] - 1.0).abs() < 1e-14
            && (h[0] * c[1] + h[1] * c[3]).abs() < 1e-14
    );
}

#[test]
fn without_data_laplace_and_grid_are_exact() {
    // No data: the posterior is the prior N(0, ηI), Gaussian, so Laplace is exact: w_MAP = 0,
    // H̄ = I/η, ln Z = 0, and the grid agrees (1e-12).
    let empty = LogRegData {
        inputs: vec![],
        labels: vec![],
    };
    let lap = laplace(&empty, ETA);
    assert_eq!(lap.map, [0.0, 0.0]);
    assert!(lap.log_evidence.abs() < 1e-14);
    let post = grid_posterior(&empty, &lap, GridSpec::for_laplace(&lap));
    assert!(post.log_evidence.abs() < 1e-12);
    assert!((post.covariance[0] - ETA).abs() < 1e-12 && post.covariance[1].abs() < 1e-12);
    let p = lap.predictive([1.0, 2.0]);
    assert!((p.plug_in - 0.5).abs() < 1e-15 && (p.laplace_average - 0.5).abs() < 1e-14);
    assert!((post.predictive([1.0, 2.0]) - 0.5).abs() < 1e-12);
}

#[test]
fn grid_is_converged_and_the_true_posterior_is_skewed() {
    // Doubling the panels moves ln Z, the mean and the covariance by < 1e-12 (measured 2e-14).
    // The true posterior differs from Laplace: its mean is shifted away from w_MAP by
    // more than 5% of the Laplace std along w₂, and ln Z differs from Laplace's by > 0.01.
    let d = data();
    let lap = laplace(&d, ETA);
    let g = GridSpec::for_laplace(&lap);
    let post = grid_posterior(&d, &lap, g);
    let fine = grid_posterior(
        &d,
        &lap,
        GridSpec {
            panels: 2 * g.panels,
            ..g
        },
    );
    println!(
        "grid errors: ln Z {:.2e}, mean {:.2e} {:.2e}, cov {:.2e}",
        post.log_evidence - fine.log_evidence,
        post.mean[0] - fine.mean[0],
        post.mean[1] - fine.mean[1],
        post.covariance[0] - fine.covariance[0]
    );
    assert!((post.log_evidence - fine.log_evidence).abs() < 1e-12);
    for i in 0..2 {
        assert!((post.mean[i] - fine.mean[i]).abs() < 1e-12);
    }
    for i in 0..4 {
        assert!((post.covariance[i] - fine.covariance[i]).abs() < 1e-12);
    }
    let total: f64 = post.weights.iter().sum();
    assert!((total - 1.0).abs() < 1e-14);
    println!(
        "ln Z: Laplace {:.4}, true {:.4}; mean: MAP {:?}, true {:?}; cov: Laplace {:?}, true {:?}",
        lap.log_evidence, post.log_evidence, lap.map, post.mean, lap.covariance, post.covariance
    );
    assert!((post.mean[1] - lap.map[1]).abs() > 0.05 * lap.covariance[3].sqrt());
    assert!((post.log_evidence - lap.log_evidence).abs() > 0.01);
}

#[test]
fn hmc_agrees_with_the_grid_posterior() {
    // An independent gold standard for the grid: HMC (ε = 0.3, L = 10, 20,000 transitions after
    // 500) on ln p(D, w). Mean and covariance within 4 SE (batch means, 50 batches) of the grid's.
    let d = data();
    let lap = laplace(&d, ETA);
    let post = grid_posterior(&d, &lap, GridSpec::for_laplace(&lap));
    let target = |w: &[f64], g: &mut [f64]| {
        let (grad, _) = d.gradient_and_curvature([w[0], w[1]], ETA);
        g.copy_from_slice(&grad);
        d.log_joint([w[0], w[1]], ETA)
    };
    let settings = HmcSettings {
        step_size: 0.3,
        leapfrog_steps: 10,
        step_size_jitter: 0.2,
        seed: 12,
    };
    let mut h = Hmc::new(target, lap.map.to_vec(), settings);
    h.sample(500);
    let s = h.sample(20_000);
    for j in 0..2 {
        let x: Vec<f64> = s.iter().skip(j).step_by(2).copied().collect();
        let (m, se, _) = batch_means(&x, 50);
        println!("mean {j}: HMC {m:.4} ± {se:.4}, grid {:.4}", post.mean[j]);
        assert!((m - post.mean[j]).abs() < 4.0 * se);
    }
    for (i, j) in [(0, 0), (0, 1), (1, 1)] {
        let x: Vec<f64> = s
            .chunks(2)
            .map(|w| (w[i] - post.mean[i]) * (w[j] - post.mean[j]))
            .collect();
        let (c, se, _) = batch_means(&x, 50);
        let exact = post.covariance[i * 2 + j];
        println!("cov {i}{j}: HMC {c:.4} ± {se:.4}, grid {exact:.4}");
        assert!((c - exact).abs() < 4.0 * se);
    }
}

#[test]
fn probit_tracks_the_laplace_average_and_both_are_less_confident_than_plug_in() {
    // Over a 21×21 grid of x* ∈ [−3, 3]²: |probit − Laplace average| < 0.02 (measured max printed),
    // and both lie between 1/2 and the plug-in σ(μ_a) (a theorem for the average; κ ≤ 1 for
    // probit). The Laplace average's quadrature agrees with a Gauss–Legendre rule to 1e-12.
    let d = data();
    let lap = laplace(&d, ETA);
    let mut worst: f64 = 0.0;
    for a in 0..21 {
        for b in 0..21 {
            let x = [-3.0 + 0.3 * a as f64, -3.0 + 0.3 * b as f64];
            let p = lap.predictive(x);
            worst = worst.max((p.probit - p.laplace_average).abs());
            for q in [p.probit, p.laplace_average] {
                assert!((q - 0.5).abs() <= (p.plug_in - 0.5).abs() + 1e-15);
                assert!((q - 0.5) * (p.plug_in - 0.5) >= 0.0);
            }
        }
    }
    println!("max |probit − Laplace average| = {worst:.4}");
    assert!(worst < 0.02);
    let (u, w) = crate::bayes::quad::composite_gauss_legendre(-12.0, 12.0, 48, 12);
    for (m, s) in [(0.7, 0.5), (-2.0, 3.0), (4.0, 10.0)] {
        let gl: f64 = u
            .iter()
            .zip(&w)
            .map(|(u, w)| w * libm::exp(-0.5 * u * u) * sigmoid(m + s * u))
            .sum::<f64>()
            / (2.0 * std::f64::consts::PI).sqrt();
        assert!(
            (gaussian_sigmoid_average(m, s) - gl).abs() < 1e-12,
            "({m}, {s})"
        );
    }
}

#[test]
fn importance_weights_have_finite_variance_iff_c_exceeds_the_threshold() {
    // SCIENCE.md §3: with proposal N(w_MAP, cH̄⁻¹), E_q[ω²] < ∞ iff c > c* = ηλ_max(H̄)/2.
    // Numerically: ln(E ω²/(E ω)²) over whitened boxes of half-width 10 and 30. At c = 1.25c*
    // it is the same to 1e-6 (converged; finite), at c = 0.8c* and at plain Laplace (c = 1,
    // below c* here) it grows by > 10 nats (divergent).
    let d = data();
    let lap = laplace(&d, ETA);
    let z = grid_posterior(&d, &lap, GridSpec::for_laplace(&lap)).log_evidence;
    let c_star = lap.critical_proposal_scale();
    println!("c* = {c_star:.3} (λ_max(H̄) = {:.3})", 2.0 * c_star / ETA);
    assert!(
        c_star > 1.0,
        "plain Laplace is below the threshold on this data"
    );
    let second = |c: f64, r: f64| importance_log_second_moment(&d, &lap, c, r, z);
    let (a, b) = (second(1.25 * c_star, 10.0), second(1.25 * c_star, 30.0));
    println!("c = 1.25c*: {a:.6} → {b:.6}");
    assert!((a - b).abs() < 1e-6 && a > 0.0);
    for c in [0.8 * c_star, 1.0] {
        let (a, b) = (second(c, 10.0), second(c, 30.0));
        println!("c = {c:.3}: {a:.3} → {b:.3}");
        assert!(b > a + 10.0);
    }
}

#[test]
fn config_defaults_settings_and_predictive_map() {
    use crate::bayes::{analyze_logreg, LogRegConfig};
    let c = LogRegConfig::default();
    assert_eq!((c.data_points, c.prior_variance, c.seed), (10, ETA, 1));
    assert_eq!(c.data(), data());
    let errs =
        LogRegConfig::from_settings([("priorVariance", "-2"), ("dataPoints", "1.5")]).unwrap_err();
    assert_eq!(
        errs.0[0].to_string(),
        "priorVariance must be a number in (0, 100]; got -2"
    );
    assert_eq!(errs.0[1].field(), "dataPoints");
    let odd = LogRegConfig {
        true_weight1: 1.0 / 3.0,
        ..c
    };
    let s = odd.to_settings();
    let back = LogRegConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(back, odd);
    // The map's rows run along x₂ and its entries equal the pointwise predictives.
    let a = analyze_logreg(&c);
    let m = predictive_map(&a.laplace, &a.posterior, 3.0, 5);
    assert_eq!(m.axis, vec![-3.0, -1.5, 0.0, 1.5, 3.0]);
    let x = [m.axis[4], m.axis[1]];
    let p = a.laplace.predictive(x);
    let k = 5 + 4;
    assert_eq!(
        [m.maps[0][k], m.maps[1][k], m.maps[2][k]],
        [p.plug_in, p.probit, p.laplace_average]
    );
    assert_eq!(m.maps[3][k], a.posterior.predictive(x));
    assert!((m.maps[3][12] - 0.5).abs() < 1e-15, "x* = 0 predicts 1/2");
}

#[test]
fn predictive_many_is_predictive_bit_for_bit() {
    // The vectorized map against the one-point sum, over posteriors from 1 to 60 points and
    // inputs from 0 (σ(0) = ½ at every node) to far out (|a| past exp's fast range, 704).
    for (n, w, seed) in [
        (1, [0.5, 0.5], 3),
        (10, [2.0, -1.0], 1),
        (60, [-4.0, 3.0], 9),
    ] {
        let d = LogRegData::generate(n, w, seed);
        for eta in [0.05, ETA, 50.0] {
            let lap = laplace(&d, eta);
            let post = grid_posterior(&d, &lap, GridSpec::for_laplace(&lap));
            let mut points = vec![
                [0.0, 0.0],
                [-0.0, 0.0],
                [1e-300, -1e-300],
                [900.0, 3.0],
                [-900.0, 1.0],
            ];
            points.extend((0..100).map(|k| {
                let t = k as f64 * 0.37;
                [8.0 * libm::sin(t), 8.0 * libm::cos(1.3 * t)]
            }));
            let many = post.predictive_many(points.iter().copied());
            for (x, got) in points.iter().zip(&many) {
                assert_eq!(
                    got.to_bits(),
                    post.predictive(*x).to_bits(),
                    "x = {x:?}, n = {n}, η = {eta}"
                );
            }
        }
    }
}

#[test]
fn log_likelihood_term_is_the_full_formula_bit_for_bit() {
    // The skipped term of a 0/1 label must leave the bits unchanged: every label, activations
    // from 0 and ±0 to past exp's range, and the non-finite ones the full formula keeps (NaN).
    let full = |a: f64, y: f64| y * log_sigmoid(a) + (1.0 - y) * log_sigmoid(-a);
    let mut acts = vec![
        0.0, -0.0, 1e-300, -1e-300, 36.0, -36.0, 745.5, -745.5, 1e308, -1e308,
    ];
    acts.extend((0..400).map(|k| (k as f64 - 200.0) * 0.173));
    acts.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
    for &a in &acts {
        for y in [0.0, 1.0, 0.25, 0.5] {
            let (got, want) = (log_likelihood_term(a, y), full(a, y));
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "a = {a}, y = {y}: {got} vs {want}"
            );
        }
    }
}

/// `gaussian_sigmoid_average` as first written: one scalar `exp` and sigmoid per node.
fn gaussian_sigmoid_average_loop(mean: f64, std: f64) -> f64 {
    if std <= 0.0 {
        return sigmoid(mean);
    }
    let (h, k) = (0.05, 240);
    let mut s = 0.0;
    for i in 0..=2 * k {
        let u = (i as f64 - k as f64) * h;
        let w = if i == 0 || i == 2 * k { 0.5 } else { 1.0 };
        s += w * libm::exp(-0.5 * u * u) * sigmoid(mean + std * u);
    }
    s * h / libm::sqrt(2.0 * std::f64::consts::PI)
}

#[test]
fn gaussian_sigmoid_average_is_the_plain_loop_bit_for_bit() {
    // Means from 0 (and −0) to past exp's fast range, stds from 0 to 1e3, and NaN.
    let means = [
        0.0,
        -0.0,
        1e-300,
        0.3,
        -2.5,
        7.0,
        -40.0,
        800.0,
        -800.0,
        f64::NAN,
    ];
    let stds = [-1.0, 0.0, 1e-9, 0.5, 2.0, 2.01, 6.3, 20.0, 1e3, f64::NAN];
    for &m in &means {
        for &s in &stds {
            let (got, want) = (
                gaussian_sigmoid_average(m, s),
                gaussian_sigmoid_average_loop(m, s),
            );
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "μ = {m}, s = {s}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn sigmoid_slice_is_sigmoid_bit_for_bit() {
    let mut a = vec![
        0.0, -0.0, 1e-300, -1e-300, 704.0, -704.0, 745.2, -745.2, 1e308, -1e308,
    ];
    a.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN]);
    a.extend((0..300).map(|k| (k as f64 - 150.0) * 0.291));
    let mut out = vec![9.0; a.len() + 3];
    crate::special::sigmoid_slice(&a, &mut out);
    for (x, got) in a.iter().zip(&out) {
        let want = sigmoid(*x);
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "a = {x}"
        );
    }
    assert_eq!(
        &out[a.len()..],
        &[9.0; 3],
        "entries past a's length are left alone"
    );
}
