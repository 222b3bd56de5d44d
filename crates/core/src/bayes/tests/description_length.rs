//! Bayes by Backprop on the 2-D logistic regression and the PAC-Bayes bounds (SCIENCE.md §4;
//! Dziugaite & Roy 2017 for the bound forms).

use crate::bayes::description_length::*;
use crate::bayes::logreg::{grid_posterior, laplace, LogRegData};
use crate::bayes::logreg_posterior::panel_grid;
use crate::bayes::logreg_vi::{fit, normal_rule, Family, GaussianRule, HERMITE_NODES};
use crate::bayes::pac_bayes::*;
use crate::bayes::special::softplus_inverse;
use crate::experiment::{Experiment, StopReason};
use crate::rng::SeededRng;

fn small() -> BbbLogRegConfig {
    BbbLogRegConfig {
        data_points: 50,
        test_points: 2000,
        steps: 600,
        ..BbbLogRegConfig::default()
    }
}

#[test]
fn vanishing_std_gives_ordinary_backprop() {
    // With s = softplus(−40) ≈ 4e-18 every sample is μ: ∂F/∂μ equals ∇ ln p(D, μ) (likelihood
    // gradient plus the prior's −μ/η) of the MAP objective to 1e-12.
    let d = LogRegData::generate(30, [2.0, -1.0], 3);
    let mut rng = SeededRng::new(1, 1);
    for mean in [[0.3, -0.7], [2.0, 1.0]] {
        let (gm, _) = gradient_estimate(&d, mean, [-40.0, -40.0], 1.5, 3, &mut rng);
        let (g, _) = d.gradient_and_curvature(mean, 1.5);
        for j in 0..2 {
            assert!(
                (gm[j] - g[j]).abs() < 1e-12 * (1.0 + g[j].abs()),
                "{gm:?} vs {g:?}"
            );
        }
    }
}

#[test]
fn gradient_estimate_is_unbiased_for_the_exact_elbo_gradient() {
    // Mean of 4000 one-sample estimates vs central differences (h = 1e-5) of the exact
    // (quadrature) ELBO in (μ, ρ): within 4 SE per coordinate.
    let d = LogRegData::generate(20, [2.0, -1.0], 5);
    let rule = normal_rule(32);
    let (mean, rho, eta) = (
        [0.8, -0.4],
        [softplus_inverse(0.6), softplus_inverse(0.3)],
        2.0,
    );
    let f = |m: [f64; 2], r: [f64; 2]| {
        let s = r.map(crate::bayes::special::softplus);
        expected_log_likelihood(&d, m, s, &rule) - kl_diagonal(&m, &s, eta)
    };
    let h = 1e-5;
    let mut exact = [0.0; 4];
    for k in 0..4 {
        let (mut mu, mut md, mut ru, mut rd) = (mean, mean, rho, rho);
        if k < 2 {
            mu[k] += h;
            md[k] -= h;
        } else {
            ru[k - 2] += h;
            rd[k - 2] -= h;
        }
        exact[k] = (f(mu, ru) - f(md, rd)) / (2.0 * h);
    }
    let mut rng = SeededRng::new(11, 1);
    let n = 4000;
    let (mut sum, mut sq) = ([0.0; 4], [0.0; 4]);
    for _ in 0..n {
        let (gm, gr) = gradient_estimate(&d, mean, rho, eta, 1, &mut rng);
        for (k, v) in [gm[0], gm[1], gr[0], gr[1]].into_iter().enumerate() {
            sum[k] += v;
            sq[k] += v * v;
        }
    }
    for k in 0..4 {
        let m = sum[k] / n as f64;
        let se = ((sq[k] / n as f64 - m * m) / n as f64).sqrt();
        println!("∂F/∂θ{k}: MC {m:.4} ± {se:.4}, exact {:.4}", exact[k]);
        assert!((m - exact[k]).abs() < 4.0 * se, "coordinate {k}");
    }
}

#[test]
fn kl_likelihood_and_gibbs_error_match_monte_carlo() {
    // 200k samples of w ~ q: KL(q‖p) = E[ln q − ln p], E ln p(D|w) and the Gibbs training
    // error agree with the closed forms / quadrature within 4 SE.
    let d = LogRegData::generate(40, [2.0, -1.0], 2);
    let (mean, std, eta) = ([1.2, -0.5], [0.4, 0.7], 0.8);
    let rule = normal_rule(32);
    let mut rng = SeededRng::new(4, 0);
    let n = 200_000;
    let mut acc = [[0.0; 2]; 3];
    for _ in 0..n {
        let eps = [rng.normal(), rng.normal()];
        let w = [mean[0] + std[0] * eps[0], mean[1] + std[1] * eps[1]];
        let lq: f64 = (0..2)
            .map(|j| crate::bayes::special::log_normal_pdf(w[j], mean[j], std[j] * std[j]))
            .sum();
        let lp: f64 = (0..2)
            .map(|j| crate::bayes::special::log_normal_pdf(w[j], 0.0, eta))
            .sum();
        let err = d
            .inputs
            .iter()
            .zip(&d.labels)
            .filter(|(x, y)| ((w[0] * x[0] + w[1] * x[1] > 0.0) as u8 as f64) != **y)
            .count() as f64
            / d.inputs.len() as f64;
        for (k, v) in [lq - lp, d.log_likelihood(w), err].into_iter().enumerate() {
            acc[k][0] += v;
            acc[k][1] += v * v;
        }
    }
    let exact = [
        kl_diagonal(&mean, &std, eta),
        expected_log_likelihood(&d, mean, std, &rule),
        gibbs_error_rate(&d, mean, std),
    ];
    for k in 0..3 {
        let m = acc[k][0] / n as f64;
        let se = ((acc[k][1] / n as f64 - m * m) / n as f64).sqrt();
        println!("term {k}: MC {m:.5} ± {se:.5}, closed form {:.5}", exact[k]);
        assert!((m - exact[k]).abs() < 4.0 * se);
    }
}

#[test]
fn kl_inverse_by_bisection_is_correct() {
    // kl(a‖kl⁻¹(a, c)) = c to 1e-12; it is the largest such b (a brute-force scan on a 1e-5 grid
    // agrees to 1e-5); Pinsker: kl⁻¹(a, c) ≤ a + √(c/2).
    for a in [0.0, 0.01, 0.1, 0.3, 0.5, 0.9] {
        for c in [1e-4, 0.01, 0.1, 0.5, 2.0] {
            let b = kl_inverse_upper(a, c);
            assert!(b >= a && b <= 1.0);
            if b < 1.0 {
                // b brackets the root of kl(a‖·) = c to 1e-12.
                assert!(kl_bernoulli(a, b) <= c, "a {a} c {c}");
                assert!(kl_bernoulli(a, (b + 1e-12).min(1.0)) > c, "a {a} c {c}");
            }
            assert!(b <= a + (c / 2.0).sqrt() + 1e-12);
            let mut scan = a;
            let mut p = a;
            while p <= 1.0 {
                if kl_bernoulli(a, p) <= c {
                    scan = p;
                }
                p += 1e-5;
            }
            assert!((scan - b).abs() < 1.1e-5, "a {a} c {c}: {scan} vs {b}");
        }
    }
    assert_eq!(kl_bernoulli(0.3, 0.3), 0.0);
    assert!(
        (kl_bernoulli(0.5, 0.25) - (0.5 * (2.0f64).ln() + 0.5 * (2.0f64 / 3.0).ln())).abs() < 1e-15
    );
}

#[test]
fn bounds_match_an_independent_rederivation() {
    // Dziugaite & Roy (2017): B = (KL + ln(N/δ))/(N − 1). KL = 3, N = 100, δ = 0.05, ê = 0.2:
    // B = (3 + ln 2000)/99, McAllester = 0.2 + √(B/2); Langford–Seeger solves kl(0.2‖e) = B,
    // found here by Newton's method (an independent solver).
    let b = (3.0 + 2000f64.ln()) / 99.0;
    let m = mcallester(0.2, 3.0, 100, 0.05);
    assert!((m - (0.2 + (b / 2.0).sqrt())).abs() < 1e-15);
    let mut e: f64 = 0.5;
    for _ in 0..50 {
        let f = 0.2 * (0.2 / e).ln() + 0.8 * (0.8 / (1.0 - e)).ln() - b;
        let df = -0.2 / e + 0.8 / (1.0 - e);
        e -= f / df;
    }
    let ls = langford_seeger(0.2, 3.0, 100, 0.05);
    println!("B = {b:.5}: McAllester {m:.5}, Langford–Seeger {ls:.5} (Newton {e:.5})");
    assert!((ls - e).abs() < 1e-12);
    assert!(ls < m && ls > 0.2);
}

#[test]
fn bounds_hold_over_repeated_training_sets() {
    // 24 independent training sets (N = 60): the Langford–Seeger bound at δ = 0.05 must exceed
    // the Gibbs error on 20k fresh points (SE ≤ 0.0035) in ≥ 22 runs (expected violations
    // ≤ 1.2); the bound also exceeds the training error. Observed: no violation.
    let mut violations = 0;
    for seed in 0..24 {
        let c = BbbLogRegConfig {
            data_points: 60,
            test_points: 100,
            steps: 300,
            seed,
            ..BbbLogRegConfig::default()
        };
        let mut run = BbbLogReg::new(c);
        run.run(usize::MAX);
        let mut e = run.snapshot().evaluation;
        let fresh = generate_stream(20000, [2.0, -1.0], seed as u64 + 1000, 2);
        e.test_error = gibbs_error_rate(&fresh, run.mean(), run.std());
        assert!(e.langford_seeger_bound >= e.train_error);
        assert!(e.mcallester_bound >= e.langford_seeger_bound - 1e-12);
        if e.langford_seeger_bound < e.test_error {
            violations += 1;
        }
    }
    assert!(violations <= 2, "{violations} violations");
}

#[test]
fn bbb_reaches_the_mean_field_optimum_below_the_evidence() {
    // 3000 Adam steps (α = 0.02, S = 8): the exact ELBO is ≤ ln p(D) (grid) and within 0.01
    // nats of the deterministic mean-field optimum; μ within 0.05 and s within 5% of it.
    let c = BbbLogRegConfig {
        data_points: 30,
        steps: 3000,
        learning_rate: 0.02,
        samples_per_step: 8,
        prior_variance: 2.0,
        ..BbbLogRegConfig::default()
    };
    let mut run = BbbLogReg::new(c);
    assert_eq!(run.run(usize::MAX).stop, Some(StopReason::Done));
    let d = run.train().clone();
    let lap = laplace(&d, 2.0);
    let z = grid_posterior(&d, &lap, panel_grid(&lap)).log_evidence;
    let opt = fit(
        &d,
        &lap,
        Family::MeanField,
        &GaussianRule::new(HERMITE_NODES),
    );
    let s = run.snapshot();
    println!(
        "BBB F {:.5} vs mean-field optimum {:.5}, ln Z {z:.5}; μ {:?} vs {:?}; s {:?} vs [{:.4}, {:.4}]",
        s.evaluation.elbo, opt.elbo, s.mean, opt.mean, s.std,
        opt.covariance[0].sqrt(), opt.covariance[3].sqrt()
    );
    assert!(s.evaluation.elbo <= z && opt.elbo <= z);
    assert!(opt.elbo - s.evaluation.elbo < 0.01 && s.evaluation.elbo <= opt.elbo + 1e-9);
    for j in 0..2 {
        assert!((s.mean[j] - opt.mean[j]).abs() < 0.05);
        let sd = opt.covariance[3 * j].sqrt();
        assert!((s.std[j] / sd - 1.0).abs() < 0.05);
    }
    // The history's KL bits are nats / ln 2, and ELBO = likelihood − KL on every row.
    for row in run.history().chunks(BBB_LOGREG_HISTORY_FIELDS.len()) {
        assert!((row[4] - row[3] / std::f64::consts::LN_2).abs() < 1e-12);
        assert!((row[1] - (row[2] - row[3])).abs() < 1e-9);
    }
}

#[test]
fn sweep_shows_the_bound_trade_off_and_config_is_validated() {
    // A tiny prior variance forces q onto the prior (KL → small, error ≈ ½); a huge one costs
    // many bits: the bound is smallest in between.
    let c = small();
    let g = sweep_grid(0.001, 100.0, 13);
    assert_eq!((g[0], g[12]), (0.001, 100.0));
    assert!(g.windows(2).all(|w| w[1] > w[0]));
    let pts: Vec<SweepPoint> = sweep_grid(0.001, 100.0, 6)
        .into_iter()
        .map(|eta| sweep_point(&c, eta))
        .collect();
    for p in &pts {
        println!(
            "η {:.4}: KL {:.3} bits, train {:.3}, test {:.3}, LS {:.3}, McA {:.3}",
            p.prior_variance,
            p.evaluation.kl_bits,
            p.evaluation.train_error,
            p.evaluation.test_error,
            p.evaluation.langford_seeger_bound,
            p.evaluation.mcallester_bound
        );
        assert!(!p.diverged);
    }
    let ls: Vec<f64> = pts
        .iter()
        .map(|p| p.evaluation.langford_seeger_bound)
        .collect();
    let best = ls.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(best < ls[0] && best < ls[5]);
    assert!(pts[0].evaluation.train_error > 0.3);
    let e =
        BbbLogRegConfig::from_settings([("confidence", "0.9"), ("dataPoints", "5")]).unwrap_err();
    let mut fields: Vec<&str> = e.0.iter().map(|e| e.field()).collect();
    fields.sort();
    assert_eq!(fields, ["confidence", "dataPoints"]);
}
