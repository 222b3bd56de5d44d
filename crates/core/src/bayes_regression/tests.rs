//! Tests of the regression comparison: derivatives against finite differences, Laplace against
//! the closed form of Bayesian linear regression, evidence tuning against a grid, BBB's
//! gradients, HMC in whitened coordinates against a known posterior, and the full run.

#![allow(clippy::needless_range_loop, clippy::type_complexity)]

use super::bbb::{elbo_gradient, kl_to_prior};
use super::linalg::{cholesky, inverse_quadratic_form};
use super::run::{whitened, RegressionRun, GRID_POINTS};
use super::*;
use crate::bayes::hmc::{batch_means, Hmc, HmcSettings};
use crate::bayes::linreg::{BlrPosterior, LinRegData};
use crate::experiment::{Experiment, StopReason};
use crate::rng::SeededRng;

fn small() -> (BayesianMlp, RegressionData, Vec<f64>) {
    let model = BayesianMlp::new(5, 1.0, 0.05);
    let data = RegressionData::two_clusters(12, 0.05, 3);
    let w = model.mlp.init(&mut SeededRng::new(3, 1));
    (model, data, w)
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// A converged MAP by damped Newton from the seeded initialisation.
fn fit_map(model: &BayesianMlp, data: &RegressionData, w: &mut [f64]) -> f64 {
    let mut damping = 1e-3;
    let mut last = f64::NEG_INFINITY;
    for _ in 0..200 {
        let (v, _, slope) = model.newton_step(w, data, &mut damping);
        last = v;
        if slope < 1e-8 {
            break;
        }
    }
    last
}

#[test]
fn log_joint_gradient_and_jacobian_match_finite_differences() {
    // Central differences, h = 1e-6: truncation O(h²)·f''' and round-off ε·|U|/h ≈ 1e-8;
    // tolerance 1e-6 relative to the largest gradient entry.
    let (model, data, w) = small();
    let p = model.num_params();
    let mut tape = model.mlp.tape();
    let mut g = vec![0.0; p];
    model.log_joint(&w, &data, &mut tape, &mut g);
    let mut scratch = vec![0.0; p];
    let h = 1e-6;
    let scale = max_abs(&g);
    for j in 0..p {
        let mut v = w.clone();
        v[j] += h;
        let up = model.log_joint(&v, &data, &mut tape, &mut scratch);
        v[j] -= 2.0 * h;
        let down = model.log_joint(&v, &data, &mut tape, &mut scratch);
        assert!(
            ((up - down) / (2.0 * h) - g[j]).abs() < 1e-6 * scale,
            "∂/∂w_{j}"
        );
    }
    let (jac, res) = model.jacobian(&w, &data);
    for i in [0, 5, 11] {
        let x = data.inputs[i];
        assert!((res[i] - (model.output(&w, x, &mut tape) - data.targets[i])).abs() < 1e-15);
        for j in 0..p {
            let mut v = w.clone();
            v[j] += h;
            let up = model.output(&v, x, &mut tape);
            v[j] -= 2.0 * h;
            let down = model.output(&v, x, &mut tape);
            assert!(((up - down) / (2.0 * h) - jac[i * p + j]).abs() < 1e-8);
        }
    }
}

/// The former implementation of [`BayesianMlp::hessian`], kept as a reference: central
/// differences of the exact gradient, `H̄_jk ≈ −[g_k(w + h e_j) − g_k(w − h e_j)]/(2h)` with
/// `h = 10⁻⁵(1 + |w_j|)`, symmetrized.
fn hessian_by_gradient_differences(
    model: &BayesianMlp,
    w: &[f64],
    data: &RegressionData,
) -> Vec<f64> {
    let p = model.num_params();
    let mut tape = model.mlp.tape();
    let (mut gp, mut gm) = (vec![0.0; p], vec![0.0; p]);
    let mut h = vec![0.0; p * p];
    let mut v = w.to_vec();
    for j in 0..p {
        let step = 1e-5 * (1.0 + w[j].abs());
        v[j] = w[j] + step;
        model.log_joint(&v, data, &mut tape, &mut gp);
        v[j] = w[j] - step;
        model.log_joint(&v, data, &mut tape, &mut gm);
        v[j] = w[j];
        for k in 0..p {
            h[j * p + k] = -(gp[k] - gm[k]) / (2.0 * step);
        }
    }
    for j in 0..p {
        for k in 0..j {
            let s = 0.5 * (h[j * p + k] + h[k * p + j]);
            h[j * p + k] = s;
            h[k * p + j] = s;
        }
    }
    h
}

#[test]
fn exact_hessian_matches_central_differences_of_the_gradient() {
    // The exact (R-operator) Hessian against the former central differences of the exact
    // gradient (error ≈ h²·U'''' + ε·|∇U|/h ≈ 1e-10 relative with h = 1e-5): tolerance 1e-6
    // relative to max |H̄|, at the seeded initialisation and at the MAP. Also exactly symmetric,
    // and the prior term I/η is on the diagonal (H̄ − H̄(η = ∞)).
    let (model, data, mut w) = small();
    let p = model.num_params();
    for at_map in [false, true] {
        if at_map {
            fit_map(&model, &data, &mut w);
        }
        let exact = model.hessian(&w, &data);
        let fd = hessian_by_gradient_differences(&model, &w, &data);
        let diff: Vec<f64> = exact.iter().zip(&fd).map(|(a, b)| a - b).collect();
        let rel = max_abs(&diff) / max_abs(&exact);
        assert!(rel < 1e-6, "at_map {at_map}: relative difference {rel:e}");
        for j in 0..p {
            for k in 0..j {
                assert_eq!(exact[j * p + k], exact[k * p + j]);
            }
        }
        let flat = model.with_prior_variance(1e300).hessian(&w, &data);
        for j in 0..p {
            for k in 0..p {
                let prior = if j == k {
                    1.0 / model.prior_variance
                } else {
                    0.0
                };
                let d = exact[j * p + k] - flat[j * p + k] - prior;
                assert!(d.abs() < 1e-12 * max_abs(&exact), "({j},{k}) {d:e}");
            }
        }
    }
}

#[test]
fn hessian_matches_second_differences_of_the_log_joint() {
    // The exact Hessian (R-operator HVPs) against an independent second
    // difference of U = −ln p(w, D) with h = 1e-4: that reference has truncation ≈ h²·U''''
    // and round-off ≈ 1e-16·|U|/h² ≈ 1e-6 here. Tolerance 1e-4 relative to max |H̄|.
    let (model, data, w) = small();
    let p = model.num_params();
    let hess = model.hessian(&w, &data);
    let mut tape = model.mlp.tape();
    let mut g = vec![0.0; p];
    let mut u = |v: &[f64]| -model.log_joint(v, &data, &mut tape, &mut g);
    let h = 1e-4;
    let scale = max_abs(&hess);
    let mut worst: f64 = 0.0;
    for j in 0..p {
        for k in 0..=j {
            let mut v = w.clone();
            let mut at = |dj: f64, dk: f64| {
                v.copy_from_slice(&w);
                v[j] += dj;
                v[k] += dk;
                u(&v)
            };
            let second = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4.0 * h * h);
            worst = worst.max((second - hess[j * p + k]).abs());
        }
    }
    assert!(worst < 1e-4 * scale, "worst {worst:e} vs scale {scale:e}");
}

#[test]
fn ggn_equals_the_hessian_at_a_zero_residual_fit() {
    // Targets from the net itself (t_i = f(x_i; w)) make every residual 0, so H̄ = GGN
    // (SCIENCE.md §1). Both are exact here (R-operator HVPs vs J_iᵀJ_i from one backward pass
    // each), so only rounding separates them: tolerance 1e-10 relative to max |H̄|. Away from
    // zero residuals they differ.
    let (model, mut data, w) = small();
    let mut tape = model.mlp.tape();
    let off = data.clone();
    for i in 0..data.len() {
        data.targets[i] = model.output(&w, data.inputs[i], &mut tape);
    }
    let (ggn, hess) = (model.ggn(&w, &data), model.hessian(&w, &data));
    let diff: Vec<f64> = ggn.iter().zip(&hess).map(|(a, b)| a - b).collect();
    assert!(
        max_abs(&diff) < 1e-10 * max_abs(&ggn),
        "{:e}",
        max_abs(&diff)
    );
    let (ggn, hess) = (model.ggn(&w, &off), model.hessian(&w, &off));
    let diff: Vec<f64> = ggn.iter().zip(&hess).map(|(a, b)| a - b).collect();
    assert!(max_abs(&diff) > 1e-2 * max_abs(&ggn));
}

#[test]
fn laplace_ggn_is_exact_bayesian_linear_regression_on_the_linearized_net() {
    // At a stationary w*, the GGN-Laplace posterior is the exact posterior of the linearized
    // model f(x; w*) + J(x)(w − w*) (Bishop PRML §5.7.1; Immer et al. 2021): its evidence is
    // the closed-form evidence of Bayesian linear regression with features J_i and targets
    // t_i − f(x_i; w*) + J_i w*, and the linearized predictive variance is x*ᵀP⁻¹x* with
    // x* = J(x*). Tolerances 1e-8 relative (the damped-Newton fit reaches max|∇| < 1e-8).
    let (model, data, mut w) = small();
    let lj = fit_map(&model, &data, &mut w);
    let p = model.num_params();
    let (jac, res) = model.jacobian(&w, &data);
    let targets: Vec<f64> = (0..data.len())
        .map(|i| {
            let jw: f64 = (0..p).map(|j| jac[i * p + j] * w[j]).sum();
            data.targets[i] - (res[i] + data.targets[i]) + jw
        })
        .collect();
    let blr = BlrPosterior::new(
        &LinRegData::new(jac.clone(), targets, p),
        model.noise_variance,
        model.prior_variance,
    );
    let l = cholesky(&model.ggn(&w, &data), p).unwrap();
    let evidence = model.laplace_evidence(lj, &l);
    assert!(
        (evidence - blr.log_evidence).abs() < 1e-8 * blr.log_evidence.abs().max(1.0),
        "{evidence} vs {}",
        blr.log_evidence
    );
    for j in 0..p {
        assert!(
            (blr.mean[j] - w[j]).abs() < 1e-6 * (1.0 + w[j].abs()),
            "mean {j}"
        );
    }
    let mut tape = model.mlp.tape();
    let mut row = vec![0.0; p];
    let mut scratch = vec![0.0; p];
    for x in [-3.0, 0.0, 1.7] {
        row.fill(0.0);
        model.output_gradient(&w, x, 1.0, &mut tape, &mut row);
        let ours = inverse_quadratic_form(&l, p, &row, &mut scratch);
        let exact: f64 = (0..p)
            .map(|j| {
                (0..p)
                    .map(|k| row[j] * blr.covariance[j * p + k] * row[k])
                    .sum::<f64>()
            })
            .sum();
        assert!((ours - exact).abs() < 1e-8 * exact, "x = {x}");
    }
}

#[test]
fn bbb_gradient_matches_finite_differences_and_reduces_to_backprop() {
    // With the same ε (same seed), F̂(μ, ρ) is a smooth function: its gradient is checked by
    // central differences (h = 1e-6, tolerance 1e-5 relative). As s → 0 (ρ = −40) the
    // μ-gradient is the backprop gradient of ln p(w, D) at w = μ, to 1e-9 relative.
    let (model, data, w) = small();
    let p = model.num_params();
    let rho: Vec<f64> = (0..p).map(|j| -3.0 + 0.1 * j as f64).collect();
    let mut tape = model.mlp.tape();
    let mut grad = vec![0.0; 2 * p];
    let mut scratch = vec![0.0; 2 * p];
    let value = |m: &[f64], r: &[f64], tape: &mut crate::nn::mlp::Tape, s: &mut Vec<f64>| {
        elbo_gradient(&model, &data, m, r, 2, &mut SeededRng::new(9, 2), tape, s).elbo
    };
    elbo_gradient(
        &model,
        &data,
        &w,
        &rho,
        2,
        &mut SeededRng::new(9, 2),
        &mut tape,
        &mut grad,
    );
    let h = 1e-6;
    let scale = max_abs(&grad);
    for j in 0..2 * p {
        let (mut m, mut r) = (w.clone(), rho.clone());
        let slot = if j < p { &mut m[j] } else { &mut r[j - p] };
        *slot += h;
        let up = value(&m, &r, &mut tape, &mut scratch);
        let slot = if j < p { &mut m[j] } else { &mut r[j - p] };
        *slot -= 2.0 * h;
        let down = value(&m, &r, &mut tape, &mut scratch);
        assert!(
            ((up - down) / (2.0 * h) - grad[j]).abs() < 1e-5 * scale,
            "param {j}"
        );
    }
    let tiny = vec![-40.0; p];
    let est = elbo_gradient(
        &model,
        &data,
        &w,
        &tiny,
        1,
        &mut SeededRng::new(1, 2),
        &mut tape,
        &mut grad,
    );
    let mut backprop = vec![0.0; p];
    let lj = model.log_joint(&w, &data, &mut tape, &mut backprop);
    let scale = max_abs(&backprop);
    for j in 0..p {
        assert!((grad[j] - backprop[j]).abs() < 1e-9 * scale);
    }
    let mut g = vec![0.0; p];
    let ll = model.log_likelihood(&w, &data, &mut tape, &mut g);
    assert!((est.expected_log_likelihood - ll).abs() < 1e-9 * ll.abs());
    assert!(lj.is_finite());
    // KL: zero at q = prior, positive elsewhere.
    assert!(kl_to_prior(&[0.0; 3], &[1.0; 3], 1.0).abs() < 1e-15);
    assert!(kl_to_prior(&[0.5, 0.0], &[0.3, 2.0], 1.5) > 0.0);
}

#[test]
fn whitened_hmc_samples_a_known_gaussian_posterior() {
    // HMC on BLR's exact posterior through the whitening used for the MLP (z = d ⊙ w with
    // deliberately mismatched scales d = (10, 0.5)). Posterior N(m, P⁻¹) from BlrPosterior.
    // 200 burn-in + 10,000 transitions, ε = 0.1, L = 15. Means and variances of w = z/d
    // within 4 batch-means SE (50 batches; false alarm ≈ 2e-4 each). Power: sampling the
    // untransformed density (forgetting w = z/d in the target) would scale the variances by
    // d² = 100 and 0.25, and a wrong back-transform likewise: hundreds of SE off. (A wrong
    // gradient alone would not bias HMC: the Metropolis step uses the exact density.)
    let data = LinRegData::generate(20, 2, 0.8, 0.25, 1.0, 1);
    let post = BlrPosterior::new(&data, 0.25, 1.0);
    let d = vec![10.0, 0.5];
    let run = |target: Box<dyn FnMut(&[f64], &mut [f64]) -> f64>| {
        let start: Vec<f64> = post.mean.iter().zip(&d).map(|(m, d)| m * d).collect();
        let mut h = Hmc::new(
            target,
            start,
            HmcSettings {
                step_size: 0.1,
                leapfrog_steps: 15,
                step_size_jitter: 0.2,
                seed: 11,
            },
        );
        h.sample(200);
        let s = h.sample(10_000);
        let w0: Vec<f64> = s.chunks(2).map(|z| z[0] / d[0]).collect();
        let w1: Vec<f64> = s.chunks(2).map(|z| z[1] / d[1]).collect();
        (w0, w1)
    };
    let (w0, w1) = run(Box::new(whitened(
        data.log_posterior_fn(0.25, 1.0),
        d.clone(),
    )));
    for (j, w) in [w0, w1].iter().enumerate() {
        let (mean, se, _) = batch_means(w, 50);
        assert!(
            (mean - post.mean[j]).abs() < 4.0 * se,
            "mean {j}: {mean} vs {}",
            post.mean[j]
        );
        let sq: Vec<f64> = w.iter().map(|v| (v - post.mean[j]).powi(2)).collect();
        let (var, se, _) = batch_means(&sq, 50);
        let exact = post.covariance[j * 2 + j];
        assert!((var - exact).abs() < 4.0 * se, "var {j}: {var} vs {exact}");
    }
}

fn quick(tune: bool) -> RegressionConfig {
    RegressionConfig {
        data_points: 16,
        hidden_units: 8,
        training_steps: 1500,
        hmc_samples: 200,
        leapfrog_steps: 30,
        tune_prior: tune,
        ..RegressionConfig::default()
    }
}

#[test]
fn evidence_tuning_finds_the_maximum_of_a_grid() {
    // Golden-section result vs a fine grid (log₁₀ η step 0.05 around the tuned value, each
    // point an LM refit warm-started from the tuned MAP): the tuned evidence is within 1e-3
    // nats of the grid's best, and no grid point beats it by more.
    let mut run = RegressionRun::new(quick(true));
    while run.snapshot().stage != Stage::Bbb {
        assert!(run.step().is_none());
    }
    let s = run.snapshot();
    assert!(s.tuning.len() >= 9 + 8);
    let tuned = run.model().prior_variance;
    let best_tuned = s.log_evidence;
    let data = run.data().clone();
    let mut best_grid = f64::NEG_INFINITY;
    for k in -10..=10 {
        let eta = tuned * libm::pow(10.0, 0.05 * k as f64);
        let model = run.model().with_prior_variance(eta);
        let mut w = run.map().to_vec();
        let lj = fit_map(&model, &data, &mut w);
        let l = cholesky(&model.ggn(&w, &data), model.num_params()).unwrap();
        best_grid = best_grid.max(model.laplace_evidence(lj, &l));
    }
    assert!(
        best_grid - best_tuned < 1e-3,
        "grid {best_grid} vs tuned {best_tuned}"
    );
    assert!((s.log_evidence - s.log_evidence_ggn).abs() < 1e-12);
}

#[test]
fn the_full_run_is_deterministic_and_shows_in_between_uncertainty() {
    let config = quick(false);
    let mut a = RegressionRun::new(config.clone());
    let out = a.run(usize::MAX);
    assert_eq!(out.stop, Some(StopReason::Done));
    let bands = a.bands();
    assert_eq!(bands.len(), 5 * 2 * GRID_POINTS);
    assert!(bands.iter().all(|v| v.is_finite()));
    let s = a.snapshot();
    assert!(s.map_converged);
    // One 200-transition chain: its acceptance rate varies with the chain's path (0.28–0.96
    // over seeds 1–5 of this config; rounding-level changes of the MAP move the chaotic
    // trajectory, e.g. 0.57 → 0.28 here when the Hessian became exact). The check is that the
    // chain moves and its adapted step is not degenerate.
    assert!(
        s.hmc_acceptance > 0.2 && s.hmc_acceptance < 0.99,
        "{}",
        s.hmc_acceptance
    );
    let b = s.bands;
    // MAP's band is the noise alone: 4σ everywhere.
    assert!((b[0].width_inside - 4.0 * config.noise_variance.sqrt()).abs() < 1e-12);
    // Between the clusters HMC's band is much wider than inside them, and wider than BBB's.
    assert!(b[4].width_between > 2.0 * b[4].width_inside);
    assert!(b[4].width_between > b[2].width_between);
    // Batch-means standard errors: none for the exact bands (MAP; linearized Laplace by
    // default), positive and small next to the width for the sampled ones (BBB, MC dropout, HMC).
    for m in [0, 1] {
        assert!(
            b[m].width_inside_se.is_nan() && b[m].width_between_se.is_nan(),
            "{m}"
        );
    }
    for m in [2, 3, 4] {
        for (w, se) in [
            (b[m].width_inside, b[m].width_inside_se),
            (b[m].width_between, b[m].width_between_se),
        ] {
            assert!(se > 0.0 && se < 0.25 * w, "method {m}: width {w} ± {se}");
        }
    }
    // The gap the width between is measured on: one run of grid points between the clusters
    // (|x| < 2 − 0.75 + 0.75 at most), at least 0.75 from every input.
    assert_eq!(s.between_intervals.len(), 1, "{:?}", s.between_intervals);
    let [x0, x1] = s.between_intervals[0];
    assert!(-1.25 <= x0 && x0 < x1 && x1 <= 1.25, "{x0} {x1}");
    let inputs = &a.data().inputs;
    assert!(inputs
        .iter()
        .all(|&d| (d - x0).abs() > 0.75 && (d - x1).abs() > 0.75));
    let mut c = RegressionRun::new(config);
    c.run(usize::MAX);
    assert_eq!(c.bands(), bands);
    // (Debug text: NaN standard errors of the exact bands compare equal there.)
    assert_eq!(format!("{:?}", c.snapshot()), format!("{s:?}"));
}

#[test]
fn config_errors_name_the_field() {
    let err = RegressionConfig::from_settings([("noiseVariance", "0")]).unwrap_err();
    assert_eq!(err.0[0].field(), "noiseVariance");
    let err = RegressionConfig::from_settings([("laplace", "kfac")]).unwrap_err();
    assert_eq!(err.0[0].field(), "laplace");
    let c = RegressionConfig::default();
    let s = c.to_settings();
    assert_eq!(
        RegressionConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(),
        c
    );
}

#[test]
fn added_points_join_the_seeded_data_and_are_checked() {
    let base = quick(false);
    let n = RegressionRun::new(base.clone()).data().len();
    let settings = |points: &str| {
        let mut s: Vec<(&str, String)> = base.to_settings();
        s.retain(|(k, _)| *k != "addedPoints");
        s.push(("addedPoints", points.to_string()));
        RegressionConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str())))
    };
    let run = RegressionRun::new(settings("0 1; -0.25 -0.75").unwrap());
    let d = run.data();
    assert_eq!(d.len(), n + 2);
    assert_eq!((d.inputs[n], d.targets[n]), (0.0, 1.0));
    assert_eq!((d.inputs[n + 1], d.targets[n + 1]), (-0.25, -0.75));
    // The seeded points are unchanged by the added ones.
    assert_eq!(
        d.inputs[..n],
        RegressionRun::new(base.clone()).data().inputs[..]
    );
    for (bad, why) in [
        ("5 0", "row 1 is (5, 0)"),
        ("0 1 2", "got 1×3"),
        ("0; 1", "1 number(s) per row"),
        ("0 11", "row 1"),
    ] {
        let e = settings(bad).unwrap_err().to_string();
        assert!(
            e.starts_with("addedPoints must be") && e.contains(why),
            "{bad}: {e}"
        );
    }
}
