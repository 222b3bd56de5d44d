//! Statistical and oracle tests of SGLD and SGD-as-OU (SCIENCE.md §7, §8).
//!
//! Empirical covariances are averages over time (after a burn-in) and over M independent
//! chains. Chain i belongs to group i mod 20; the 20 groups are independent, so the standard
//! error of an average is the spread of the 20 group averages over √20, whatever the
//! autocorrelation within a chain (batch means across independent chains). Tolerances are
//! 4 SE (for a t₁₉ statistic a false alarm has probability < 1e-3 per entry; the runs are
//! seeded, so the outcome is fixed). Power: each test also asserts that the competing
//! prediction (continuous vs discrete, posterior vs biased, Welling–Teh vs lecture) lies more
//! than 8 SE away, so the comparison could fail.

use super::lyapunov::{mat2, symmetrize};
use super::sgld::{linreg_stationary, subset_expectation};
use super::*;
use crate::experiment::{Experiment, StopReason};
use nalgebra::DMatrix;

const GROUPS: usize = 20;

/// Time-and-chain averaged covariance of `positions` snapshots about `center`, with group SE:
/// returns `([xx, xy, yy], [se…])`.
struct Accumulator {
    sums: Vec<[f64; 3]>,
    counts: Vec<f64>,
}

impl Accumulator {
    fn new() -> Self {
        Accumulator {
            sums: vec![[0.0; 3]; GROUPS],
            counts: vec![0.0; GROUPS],
        }
    }

    fn add(&mut self, positions: &[f64], center: [f64; 2]) {
        for (i, p) in positions.chunks(2).enumerate() {
            let d = [p[0] - center[0], p[1] - center[1]];
            let s = &mut self.sums[i % GROUPS];
            s[0] += d[0] * d[0];
            s[1] += d[0] * d[1];
            s[2] += d[1] * d[1];
            self.counts[i % GROUPS] += 1.0;
        }
    }

    fn result(&self) -> ([f64; 3], [f64; 3]) {
        let g = GROUPS as f64;
        let est: Vec<[f64; 3]> = self
            .sums
            .iter()
            .zip(&self.counts)
            .map(|(s, c)| [s[0] / c, s[1] / c, s[2] / c])
            .collect();
        let mut mean = [0.0; 3];
        for e in &est {
            for k in 0..3 {
                mean[k] += e[k] / g;
            }
        }
        let mut se = [0.0; 3];
        for e in &est {
            for k in 0..3 {
                se[k] += (e[k] - mean[k]).powi(2) / (g - 1.0);
            }
        }
        (mean, se.map(|v| (v / g).sqrt()))
    }
}

fn entries(m: [f64; 4]) -> [f64; 3] {
    [m[0], m[1], m[3]]
}

/// max over entries of |est − want|/SE.
fn z_max(est: [f64; 3], se: [f64; 3], want: [f64; 3]) -> f64 {
    (0..3)
        .map(|k| (est[k] - want[k]).abs() / se[k])
        .fold(0.0, f64::max)
}

fn ou_config(settings: &[(&str, &str)]) -> SgdOuConfig {
    SgdOuConfig::from_settings(settings.iter().copied()).unwrap()
}

/// Run an SGD-OU config for its steps, averaging the positions after the burn-in.
fn ou_empirical(config: SgdOuConfig) -> (SgdOu, [f64; 3], [f64; 3]) {
    let mut run = SgdOu::new(config);
    let burn = run.theory().burn_in;
    let mut acc = Accumulator::new();
    while run.step().is_none() || run.steps_done() == run.config().steps as usize {
        if run.steps_done() > burn {
            acc.add(&run.positions(), [0.0, 0.0]);
        }
        if run.stop_reason().is_some() {
            break;
        }
    }
    let (est, se) = acc.result();
    (run, est, se)
}

/// SCIENCE §8 "Show": at a large stable α the iterates' covariance is the discrete Lyapunov
/// solution, not the continuous one (non-commuting custom H, C; Gaussian noise).
#[test]
fn sgd_iterates_match_the_discrete_lyapunov_solution() {
    // At α = 0.1 the two predictions differ by only ~3 SE at this size: no power claim there.
    for (rate, min_gap) in [("0.5", 8.0), ("0.1", 0.0)] {
        let (run, est, se) = ou_empirical(ou_config(&[
            ("problem", "custom"),
            ("learningRate", rate),
            ("chains", "600"),
            ("steps", "2000"),
        ]));
        let t = run.theory();
        let disc = entries(t.discrete.unwrap());
        let cont = entries(t.continuous.unwrap());
        let z_disc = z_max(est, se, disc);
        let z_cont = z_max(est, se, cont);
        eprintln!("α = {rate}: est {est:?} ± {se:?}; discrete {disc:?} (z {z_disc:.2}); continuous {cont:?} (z {z_cont:.2})");
        assert!(z_disc < 4.0, "discrete: z = {z_disc}");
        assert!(
            z_cont > min_gap,
            "continuous should be rejected: z = {z_cont}"
        );
        // The run's own estimate (snapshot) agrees with this one.
        let s = run.snapshot();
        assert!((s.average_covariance[0] - est[0]).abs() < 0.05 * est[0]);
    }
}

/// Preconditioning by (2B/(αN))C⁻¹: the continuous prediction is exactly H⁻¹/N; the iterates
/// follow the discrete solution. By C⁻¹: continuous Σ = (α/2B)H⁻¹ ∝ H⁻¹.
#[test]
fn preconditioned_sgd_matches_its_predictions() {
    let (run, est, se) = ou_empirical(ou_config(&[
        ("problem", "custom"),
        ("method", "precondBayes"),
        ("chains", "600"),
        ("steps", "2000"),
    ]));
    let t = run.theory();
    let post = entries(t.posterior);
    let cont = entries(t.continuous.unwrap());
    for k in 0..3 {
        assert!((cont[k] - post[k]).abs() < 1e-12 * (1.0 + post[k].abs()));
    }
    let z = z_max(est, se, entries(t.discrete.unwrap()));
    eprintln!("precondBayes: est {est:?} ± {se:?}, discrete z {z:.2}");
    assert!(z < 4.0);
    let inv = ou_theory_for(&[("problem", "custom"), ("method", "precondInverseC")]);
    let h_inv = mat2(inv.hessian).try_inverse().unwrap() * (0.1 / 8.0);
    let c = mat2(inv.continuous.unwrap());
    assert!((c - h_inv).abs().max() < 1e-12);
}

fn ou_theory_for(settings: &[(&str, &str)]) -> OuTheory {
    let c = ou_config(settings);
    let q = Quadratic::new(&c);
    ou::ou_theory(&c, &q, c.method, c.learning_rate)
}

/// With real mini-batches from the linear-regression data the noise depends on w: the iterates
/// match the exact mini-batch solution (4 SE) and reject the Gaussian-noise `discrete`
/// prediction, which misses the w-dependent noise (about 5% of the trace here, > 8 SE).
#[test]
fn data_minibatch_sgd_matches_the_exact_minibatch_solution() {
    for method in ["sgd", "precondInverseC"] {
        let (run, est, se) = ou_empirical(ou_config(&[
            ("method", method),
            ("chains", "600"),
            ("steps", "2000"),
        ]));
        let t = run.theory();
        assert!(
            t.commutator_norm > 0.05,
            "data H, C should not commute: {}",
            t.commutator_norm
        );
        let exact = entries(t.discrete_minibatch.unwrap());
        let gauss = entries(t.discrete.unwrap());
        let (ze, zg) = (z_max(est, se, exact), z_max(est, se, gauss));
        eprintln!("data {method}: est {est:?} ± {se:?}; exact {exact:?} z {ze:.2}; gaussian {gauss:?} z {zg:.2}");
        assert!(ze < 4.0, "{ze}");
        if method == "sgd" {
            assert!(zg > 8.0, "{zg}");
        }
    }
}

/// SGLD on the quadratic: the Welling–Teh variance ratio tends to 1 as α → 0, the lecture's to
/// 1/2, SGD's to 0; the mini-batch noise overtakes the injected noise at α* = 2dB/(N tr C).
#[test]
fn rate_sweep_limits() {
    let c = ou_config(&[("problem", "custom")]);
    let q = Quadratic::new(&c);
    let s = ou::rate_sweep(&c, &q, 40);
    // At the smallest α the mini-batch part adds ~2%; the injected parts differ by exactly ½.
    let (wt, lec) = (s.sgld_welling_teh[0], s.sgld_lecture[0]);
    assert!((1.0..1.03).contains(&wt), "{wt}");
    assert!((wt - lec - 0.5).abs() < 1e-3, "{wt} {lec}");
    assert!(s.sgd[0] < 0.02);
    assert!(
        s.sgd.windows(2).all(|w| w[1] > w[0]),
        "SGD's spread grows with α"
    );
    let cross = s.crossover_rate;
    for (i, &r) in s.learning_rate.iter().enumerate() {
        let ratio = s.minibatch_to_injected[i];
        assert!(
            (ratio > 1.0) == (r > cross),
            "α = {r}: ratio {ratio}, crossover {cross}"
        );
    }
}

/// Mandt et al. 2017, Theorem 1: SGD's continuous-time KL to the posterior is least at
/// α* = 2Bd/(N tr C), on both problems; it equals the closed form
/// ½[Nα tr C/(2B) − d − ln det(NHΣ(α))] with Σ(α) = αΣ(1). Even at α* it is not zero when C is
/// not ∝ H. The `(2B/(αN))C⁻¹`-preconditioned curve of the sweep is flat (αP does not depend
/// on α) and near 1.
#[test]
fn optimal_rate_minimizes_the_continuous_kl_and_bayes_preconditioning_is_flat() {
    for problem in ["data", "custom"] {
        let c = ou_config(&[("problem", problem)]);
        let q = Quadratic::new(&c);
        let t = ou::ou_theory(&c, &q, Method::Sgd, c.learning_rate);
        let [half, at, double] = t.optimal_rate_kl;
        assert!(at < half && at < double, "{problem}: {half} {at} {double}");
        assert!(at > 0.05, "{problem}: C is not ∝ H, so KL > 0: {at}");
        // The closed form: with tr(HΣ) = α tr C/(2B) the KL's α-dependence is
        // ½[Nα tr C/(2B) − d ln α]; the three values must follow it exactly.
        let (n, b, a) = (q.data_points as f64, c.batch_size as f64, t.optimal_rate);
        let trc = q.noise_covariance[0] + q.noise_covariance[3];
        let shape = |x: f64| 0.5 * (n * x * trc / (2.0 * b) - 2.0 * x.ln());
        assert!(((half - at) - (shape(a / 2.0) - shape(a))).abs() < 1e-9);
        assert!(((double - at) - (shape(2.0 * a) - shape(a))).abs() < 1e-9);
        // At the KL-optimal rate tr(HΣ) = d/N: the posterior's own value.
        let s = ou::ou_theory(&c, &q, Method::Sgd, a).continuous.unwrap();
        let h = q.hessian;
        let tr_hs = h[0] * s[0] + h[1] * s[2] + h[2] * s[1] + h[3] * s[3];
        assert!((tr_hs * n / 2.0 - 1.0).abs() < 1e-9, "{tr_hs}");
        let sweep = ou::rate_sweep(&c, &q, 12);
        let pb = &sweep.precond_bayes;
        assert!(pb.iter().all(|v| (v - pb[0]).abs() < 1e-9), "{pb:?}");
        assert!((pb[0] - 1.0).abs() < 0.05, "{}", pb[0]);
        assert!(
            t.posterior_correlation < -0.3,
            "{}",
            t.posterior_correlation
        );
    }
}

/// The snapshot's KL and correlation are those of its averaged covariance: SGD at the default
/// α is far from the posterior (tilted the other way on the data), preconditioning by
/// (2B/(αN))C⁻¹ brings the iterates to it.
#[test]
fn snapshot_kl_and_correlation_describe_the_average() {
    let mut sgd = SgdOu::new(ou_config(&[("chains", "100"), ("steps", "1500")]));
    sgd.run(usize::MAX);
    let s = sgd.snapshot();
    let t = sgd.theory();
    let avg = s.average_covariance;
    assert!((s.average_correlation - avg[1] / (avg[0] * avg[3]).sqrt()).abs() < 1e-15);
    assert!(s.average_correlation > 0.0 && t.posterior_correlation < 0.0);
    assert!(s.average_kl > 3.0, "{}", s.average_kl);
    let mut pb = SgdOu::new(ou_config(&[
        ("method", "precondBayes"),
        ("chains", "200"),
        ("steps", "3000"),
    ]));
    pb.run(usize::MAX);
    let p = pb.snapshot();
    assert!(p.average_kl < 0.02, "{}", p.average_kl);
    assert!((p.average_correlation - t.posterior_correlation).abs() < 0.05);
    let fresh = SgdOu::new(ou_config(&[("steps", "10")])).snapshot();
    assert!(fresh.average_kl.is_nan() && fresh.average_correlation.is_nan());
}

/// Divergence: α beyond 2/λ_max(H) stops the run with a message naming the limit.
#[test]
fn too_large_a_rate_diverges_with_a_message() {
    let mut run = SgdOu::new(ou_config(&[("problem", "custom"), ("learningRate", "2.5")]));
    assert!(run.theory().discrete.is_none());
    let out = run.run(100_000);
    assert_eq!(out.stop, Some(StopReason::Diverged));
    let msg = run.snapshot().message.unwrap();
    assert!(msg.contains("stability limit"), "{msg}");
}

#[test]
fn config_errors_name_the_field() {
    let e = SgdOuConfig::from_settings([("h12", "2")]).unwrap_err();
    assert_eq!(e.0[0].field(), "h12");
    let e = SgdOuConfig::from_settings([("c12", "-0.6"), ("c11", "0.3")]).unwrap_err();
    assert_eq!(e.0[0].field(), "c12");
    let e = SgdOuConfig::from_settings([("batchSize", "200"), ("dataPoints", "100")]).unwrap_err();
    assert_eq!(e.0[0].field(), "batchSize");
    let e = SgldConfig::from_settings([("learningRate", "0")]).unwrap_err();
    assert_eq!(e.0[0].field(), "learningRate");
    let e = SgldConfig::from_settings([("batchSize", "30")]).unwrap_err();
    assert_eq!(e.0[0].field(), "batchSize");
    let c = SgdOuConfig::default();
    assert_eq!(
        SgdOuConfig::from_settings(c.to_settings().iter().map(|(k, v)| (*k, v.as_str()))).unwrap(),
        c
    );
    assert!(SgldConfig::default().validate().is_ok());
}

/// Chain i is the same whatever M; reset reproduces the run.
#[test]
fn chains_are_independent_of_their_number_and_reset_reproduces() {
    let mut a = SgdOu::new(ou_config(&[("chains", "5"), ("steps", "50")]));
    let mut b = SgdOu::new(ou_config(&[("chains", "9"), ("steps", "50")]));
    a.run(50);
    b.run(50);
    assert_eq!(a.positions()[..10], b.positions()[..10]);
    let before = a.positions();
    a.reset();
    a.run(50);
    assert_eq!(a.positions(), before);
    let mut s = Sgld::new(SgldConfig {
        chains: 4,
        steps: 30,
        ..SgldConfig::default()
    });
    s.run(30);
    let p = s.positions();
    s.reset();
    s.run(30);
    assert_eq!(s.positions(), p);
}

/// The O(N) subset expectation equals brute-force enumeration over all C(6, 3) subsets.
#[test]
fn subset_expectation_matches_enumeration() {
    let mut r = crate::rng::SeededRng::new(9, 0);
    let n_items = 6;
    let xs: Vec<DMatrix<f64>> = (0..n_items)
        .map(|_| DMatrix::from_fn(2, 2, |_, _| r.normal()))
        .collect();
    let ys: Vec<DMatrix<f64>> = (0..n_items)
        .map(|_| DMatrix::from_fn(2, 2, |_, _| r.normal()))
        .collect();
    let x0 = DMatrix::from_fn(2, 2, |_, _| r.normal());
    let y0 = DMatrix::from_fn(2, 2, |_, _| r.normal());
    for n in 1..=n_items {
        let f = |a: &DMatrix<f64>, b: &DMatrix<f64>| a.kronecker(b);
        let fast = subset_expectation(&x0, &xs, &y0, &ys, n, f);
        let mut brute = DMatrix::zeros(4, 4);
        let mut count = 0.0;
        for mask in 0u32..(1 << n_items) {
            if mask.count_ones() as usize != n {
                continue;
            }
            let pick = |v: &[DMatrix<f64>], base: &DMatrix<f64>| {
                (0..n_items)
                    .filter(|i| mask >> i & 1 == 1)
                    .fold(base.clone(), |s, i| s + &v[i])
            };
            brute += f(&pick(&xs, &x0), &pick(&ys, &y0));
            count += 1.0;
        }
        assert!((fast - brute / count).abs().max() < 1e-12, "n = {n}");
    }
}

/// Run SGLD chains at fixed α and time-average their covariance about the posterior mean.
fn sgld_empirical(config: SgldConfig, burn: usize) -> (Sgld, [f64; 2], [f64; 3], [f64; 3]) {
    let mut run = Sgld::new(config);
    let mut acc = Accumulator::new();
    let center = run.reference().posterior_mean;
    let mut mean = [0.0; 2];
    let mut k = 0.0;
    while run.step().is_none() || run.steps_done() == run.config().steps as usize {
        if run.steps_done() > burn {
            let p = run.positions();
            acc.add(&p, center);
            let m = p.len() as f64 / 2.0;
            for c in p.chunks(2) {
                mean[0] += c[0] / m;
                mean[1] += c[1] / m;
            }
            k += 1.0;
        }
        if run.stop_reason().is_some() {
            break;
        }
    }
    let (est, se) = acc.result();
    (run, [mean[0] / k, mean[1] / k], est, se)
}

fn scaled(m: [f64; 4], s: f64) -> [f64; 3] {
    [m[0] * s, m[1] * s, m[3] * s]
}

/// Linear regression, full batch: Welling–Teh at finite α samples the exact biased law
/// `(P − αP²/2)⁻¹`, not the posterior; at small α it matches the posterior; the lecture's rule
/// gives half the posterior covariance.
#[test]
fn sgld_full_batch_linreg_matches_its_stationary_law() {
    let base = SgldConfig {
        batch_size: 20,
        data_points: 20,
        chains: 400,
        steps: 1500,
        ..SgldConfig::default()
    };
    // Finite α: biased.
    let (run, _, est, se) = sgld_empirical(
        SgldConfig {
            learning_rate: 0.006,
            ..base.clone()
        },
        100,
    );
    let r = run.reference();
    let biased = entries(r.full_batch_covariance.unwrap());
    let post = entries(r.posterior_covariance);
    let (zb, zp) = (z_max(est, se, biased), z_max(est, se, post));
    eprintln!("WT α = 0.006: est {est:?} ± {se:?}; biased {biased:?} z {zb:.2}; posterior {post:?} z {zp:.2}");
    assert!(zb < 4.0 && zp > 8.0);
    // Closed form of the full-batch law: (P − αP²/2)⁻¹.
    let p = mat2(r.posterior_covariance).try_inverse().unwrap();
    let closed = (&p - &p * &p * 0.003).try_inverse().unwrap();
    assert!(
        (symmetrize(&closed) - mat2(r.full_batch_covariance.unwrap()))
            .abs()
            .max()
            < 1e-12
    );
    // Small α: the posterior.
    let (_, mean, est, se) = sgld_empirical(
        SgldConfig {
            learning_rate: 0.0003,
            steps: 3000,
            ..base.clone()
        },
        400,
    );
    let zp = z_max(est, se, post);
    let zl = z_max(est, se, scaled(r.posterior_covariance, 0.5));
    eprintln!("WT α = 0.0003: est {est:?} ± {se:?}; z posterior {zp:.2}; z half {zl:.2}; mean {mean:?} vs {:?}", r.posterior_mean);
    assert!(zp < 4.0 && zl > 8.0);
    assert!(
        (mean[0] - r.posterior_mean[0]).abs() < 0.01
            && (mean[1] - r.posterior_mean[1]).abs() < 0.01
    );
    // The lecture's rule: half the posterior covariance.
    let (_, _, est, se) = sgld_empirical(
        SgldConfig {
            learning_rate: 0.0003,
            steps: 3000,
            convention: Convention::Lecture,
            ..base
        },
        400,
    );
    let zl = z_max(est, se, scaled(r.posterior_covariance, 0.5));
    eprintln!("lecture α = 0.0003: est {est:?} ± {se:?}; z half {zl:.2}");
    assert!(zl < 4.0);
}

/// Mini-batch SGLD (n = 2 of N = 20): the chain matches the exact mini-batch stationary law,
/// which is wider than full batch's.
#[test]
fn sgld_minibatch_linreg_matches_the_exact_stationary_law() {
    let (run, _, est, se) = sgld_empirical(
        SgldConfig {
            learning_rate: 0.002,
            chains: 400,
            steps: 2000,
            ..SgldConfig::default()
        },
        200,
    );
    let r = run.reference();
    let mini = entries(r.minibatch_covariance.unwrap());
    let full = entries(r.full_batch_covariance.unwrap());
    let (zm, zf) = (z_max(est, se, mini), z_max(est, se, full));
    eprintln!("minibatch α = 0.002: est {est:?} ± {se:?}; exact {mini:?} z {zm:.2}; full batch {full:?} z {zf:.2}");
    assert!(zm < 4.0 && zf > 8.0);
    let (m, _) = linreg_stationary(
        match run.target() {
            Target::Linreg(e) => e,
            _ => unreachable!(),
        },
        0.002,
        0.004,
        2,
    )
    .unwrap();
    assert!(
        (m[0] - r.posterior_mean[0]).abs() < 1e-12,
        "mini-batch SGLD's mean is m"
    );
}

/// Logistic regression and the banana at small α (full batch): mean and covariance match the
/// grid posterior: means within 5% of the posterior std, covariances within 4 SE plus an O(α)
/// bias allowance of 3% of the largest posterior variance (measured gaps are ≤ 1.5%).
#[test]
fn sgld_matches_non_gaussian_posteriors_at_small_rates() {
    for (model, rate) in [(Model::Logreg, 0.002), (Model::Banana, 0.004)] {
        let (run, mean, est, se) = sgld_empirical(
            SgldConfig {
                model,
                learning_rate: rate,
                batch_size: 20,
                chains: 400,
                steps: 2000,
                ..SgldConfig::default()
            },
            500,
        );
        let r = run.reference();
        let post = entries(r.posterior_covariance);
        let sd = [post[0].sqrt(), post[2].sqrt()];
        eprintln!(
            "{model:?}: mean {mean:?} vs {:?}; cov {est:?} ± {se:?} vs {post:?}",
            r.posterior_mean
        );
        for k in 0..2 {
            assert!((mean[k] - r.posterior_mean[k]).abs() < 0.05 * sd[k]);
        }
        for k in 0..3 {
            assert!((est[k] - post[k]).abs() < 4.0 * se[k] + 0.03 * sd[0].max(sd[1]).powi(2));
        }
    }
}

/// Decaying steps (γ = 0.55, t₀ = 100) from α = 0.005 with mini-batches of 10: the cloud of
/// M chains at the end matches the posterior within 4 SE (iid chains: SE of a variance
/// √(2/M)·σ²) plus 5% for the remaining O(α_T) bias.
#[test]
fn sgld_decaying_steps_approach_the_posterior() {
    let mut run = Sgld::new(SgldConfig {
        schedule: Schedule::Decaying,
        learning_rate: 0.005,
        batch_size: 10,
        chains: 1000,
        steps: 3000,
        ..SgldConfig::default()
    });
    run.run(usize::MAX);
    let s = run.snapshot();
    let post = run.reference().posterior_covariance;
    eprintln!(
        "decaying: α_T = {}, cov {:?} vs {:?}",
        s.learning_rate, s.covariance, post
    );
    for k in [0, 3] {
        let se = post[k] * (2.0 / 1000.0f64).sqrt();
        assert!((s.covariance[k] - post[k]).abs() < 4.0 * se + 0.05 * post[k]);
    }
}

#[test]
fn fixture_hash() {
    let (hash, ratio) = sgd_posterior_fixture();
    eprintln!(
        "fixture {hash:#018x} ratio {ratio} bits {:#018x}",
        ratio.to_bits()
    );
    assert_eq!(hash, SGD_POSTERIOR_FIXTURE_HASH);
    assert_eq!(ratio.to_bits(), SGD_POSTERIOR_FIXTURE_RATIO_BITS);
}

/// SCIENCE.md §8 "Error bars": the closed-form SE `√(τ_ij/(T·M))` is the spread of the time
/// average over independent replicate runs. R = 400 runs (seeds 1000…1399, M = 2 chains,
/// T ≈ 3000 averaged steps, 20–60 autocorrelation times) of custom (Gaussian-noise, hence exact)
/// SGD at α = 0.1 and 0.5 and Welling–Teh SGLD at α = 0.1; for each entry and the trace ratio the
/// replicate variance over the predicted one must lie in [0.75, 1.33]. The replicate averages
/// are near-Gaussian, so a sample variance of R = 400 has relative SE √(2/399) ≈ 7%: the bounds
/// are about ±4 SE. Power: the naive i.i.d. formula `(Σ_iiΣ_jj + Σ_ij²)/(TM)` is smaller by the
/// autocorrelation time (≥ 5 here, asserted) and a one-sided lag sum (k ≥ 0 only) by about 2,
/// so either would be rejected by more than 7 SE.
#[test]
fn closed_form_error_bars_match_replicate_runs() {
    for (method, rate) in [("sgd", "0.1"), ("sgd", "0.5"), ("sgld", "0.1")] {
        let base = ou_config(&[
            ("problem", "custom"),
            ("method", method),
            ("learningRate", rate),
        ]);
        let burn = SgdOu::new(base.clone()).theory().burn_in;
        let replicates = 400;
        let mut est: Vec<[f64; 4]> = Vec::new();
        let mut predicted = [0.0; 4];
        for r in 0..replicates {
            let mut run = SgdOu::new(SgdOuConfig {
                chains: 2,
                steps: (burn + 3000) as u32,
                seed: 1000 + r,
                ..base.clone()
            });
            run.run(usize::MAX);
            let s = run.snapshot();
            let a = s.average_covariance;
            est.push([a[0], a[1], a[3], s.trace_ratio]);
            let p = s.average_covariance_se_theory;
            predicted = [p[0], p[1], p[3], s.trace_ratio_se_theory];
            let tau_time = run.theory().autocorrelation_time.unwrap();
            assert!(tau_time.iter().all(|&t| t > 5.0), "{tau_time:?}");
        }
        let rf = replicates as f64;
        for k in 0..4 {
            let mean = est.iter().map(|e| e[k]).sum::<f64>() / rf;
            let var = est.iter().map(|e| (e[k] - mean).powi(2)).sum::<f64>() / (rf - 1.0);
            let ratio = var / (predicted[k] * predicted[k]);
            eprintln!(
                "{method} α = {rate}: entry {k}: replicate SD {:.4e}, closed-form SE {:.4e}, variance ratio {ratio:.3}",
                var.sqrt(),
                predicted[k]
            );
            assert!(
                (0.75..1.33).contains(&ratio),
                "{method} α = {rate}, entry {k}: variance ratio {ratio}"
            );
        }
    }
}

/// Part 4, SGD as an OU process in d = 5 (generated spectra, non-commuting H, C): the chains run
/// in 5 dimensions, and the projection onto coordinates (2, 4) — the cloud's time average — is
/// the 2×2 sub-block of the exact discrete Σ_d within 4 group SE (the continuous Σ, rejected
/// by more than 8 SE at α = 0.8: power). The full d×d theory is consistent with its blocks.
#[test]
fn d_dimensional_chains_match_the_projected_discrete_solution() {
    let (run, est, se) = ou_empirical(ou_config(&[
        ("problem", "spectrum"),
        ("dimension", "5"),
        ("projectI", "2"),
        ("projectJ", "4"),
        ("conditionNumber", "5"),
        ("learningRate", "0.8"),
        ("chains", "400"),
        ("steps", "3000"),
    ]));
    let t = run.theory();
    assert_eq!(t.full.dimension, 5);
    assert_eq!(t.full.projection, [2, 4]);
    let full = t.full.discrete.as_ref().unwrap();
    let disc = t.discrete.unwrap();
    assert_eq!(disc, [full[1][1], full[1][3], full[3][1], full[3][3]]);
    assert_eq!(
        t.hessian,
        [t.full.hessian[1][1], 0.0, 0.0, t.full.hessian[3][3]]
    );
    let z_disc = z_max(est, se, entries(disc));
    let z_cont = z_max(est, se, entries(t.continuous.unwrap()));
    eprintln!("d = 5, (2, 4): est {est:?} ± {se:?}; discrete {disc:?} (z {z_disc:.2}); continuous z {z_cont:.2}");
    assert!(z_disc < 4.0, "discrete: z = {z_disc}");
    assert!(z_cont > 8.0, "continuous should be rejected: z = {z_cont}");
    assert_eq!(run.positions_full().len(), 400 * 5);
    // α* = 2BD/(N tr C) with D = 5 and KL at α* is the least of the three.
    let c_trace: f64 = (0..5).map(|k| t.full.noise_covariance[k][k]).sum();
    assert!((t.optimal_rate - 2.0 * 4.0 * 5.0 / (100.0 * c_trace)).abs() < 1e-15);
    assert_eq!(t.full.optimal_rate_kl, t.optimal_rate_kl[1]);
    assert!(
        t.optimal_rate_kl[1] < t.optimal_rate_kl[0] && t.optimal_rate_kl[1] < t.optimal_rate_kl[2]
    );
}

/// The typed-matrix problem with the custom defaults as 2×2 matrices has the custom problem's
/// theory exactly; preconditioned variants in d = 4 (`precondBayes`: continuous Σ = H⁻¹/N).
#[test]
fn matrix_problem_equals_custom_in_2d_and_preconditions_in_4d() {
    let custom = ou_theory_for(&[("problem", "custom"), ("learningRate", "0.3")]);
    let typed = ou_theory_for(&[
        ("problem", "matrix"),
        ("hessian", "1 0.4; 0.4 0.4"),
        ("gradientCovariance", "0.3 -0.2; -0.2 1"),
        ("learningRate", "0.3"),
    ]);
    assert_eq!(custom.continuous, typed.continuous);
    assert_eq!(custom.discrete, typed.discrete);
    assert_eq!(custom.second_moment_tau, typed.second_moment_tau);
    let t = ou_theory_for(&[
        ("problem", "spectrum"),
        ("dimension", "4"),
        ("method", "precondBayes"),
    ]);
    let (cont, post) = (t.full.continuous.unwrap(), t.full.posterior);
    for (a, b) in cont.iter().flatten().zip(post.iter().flatten()) {
        assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }
}

#[test]
fn d_dimensional_config_errors_name_the_field() {
    // Like the data-only settings, dimension and the projection are ignored by 2-D problems.
    let c = SgdOuConfig::from_settings([("dimension", "5"), ("projectJ", "4")]).unwrap();
    assert_eq!((c.dim(), c.projection()), (2, [0, 1]));
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("dimension", "9")], "dimension"),
        (
            &[
                ("problem", "spectrum"),
                ("dimension", "3"),
                ("projectJ", "4"),
            ],
            "projectJ",
        ),
        (
            &[
                ("problem", "spectrum"),
                ("projectI", "2"),
                ("projectJ", "2"),
            ],
            "projectJ",
        ),
        (
            &[
                ("problem", "matrix"),
                ("hessian", "1 2; 2 1"),
                ("gradientCovariance", "1 0; 0 1"),
            ],
            "hessian",
        ),
        (
            &[
                ("problem", "matrix"),
                ("hessian", "1 0 0; 0 1 0; 0 0 1"),
                ("gradientCovariance", "1 0; 0 1"),
            ],
            "gradientCovariance",
        ),
        (&[("problem", "matrix")], "hessian"),
    ];
    for (settings, field) in cases {
        let e = SgdOuConfig::from_settings(settings.iter().copied()).unwrap_err();
        assert_eq!(e.0[0].field(), field, "{settings:?}");
    }
}

/// On data (real mini-batches, a random coefficient matrix) the closed form is an
/// approximation: print the replicate variance over the predicted one (not asserted).
#[test]
#[ignore]
fn print_error_bars_on_data_against_replicates() {
    for method in ["sgd", "sgld"] {
        let base = ou_config(&[("method", method)]);
        let burn = SgdOu::new(base.clone()).theory().burn_in;
        let replicates = 300;
        let mut est: Vec<[f64; 4]> = Vec::new();
        let mut predicted = [0.0; 4];
        for r in 0..replicates {
            let mut run = SgdOu::new(SgdOuConfig {
                chains: 2,
                steps: (burn + 3000) as u32,
                seed: 1,
                ..base.clone()
            });
            // Same data set (seed 1), independent chains: shift the chain streams by replicate.
            run.reseed_chains(1000 + 2 * r as u64);
            run.run(usize::MAX);
            let s = run.snapshot();
            let a = s.average_covariance;
            est.push([a[0], a[1], a[3], s.trace_ratio]);
            let p = s.average_covariance_se_theory;
            predicted = [p[0], p[1], p[3], s.trace_ratio_se_theory];
        }
        let rf = replicates as f64;
        for k in 0..4 {
            let mean = est.iter().map(|e| e[k]).sum::<f64>() / rf;
            let var = est.iter().map(|e| (e[k] - mean).powi(2)).sum::<f64>() / (rf - 1.0);
            eprintln!(
                "data {method}: entry {k}: replicate SD {:.4e}, closed form {:.4e}, variance ratio {:.3}",
                var.sqrt(),
                predicted[k],
                var / (predicted[k] * predicted[k])
            );
        }
    }
}

/// Print the closed-form error bars at the defaults (data and custom) next to the run's group SEs.
#[test]
#[ignore]
fn print_error_bars_at_defaults() {
    for problem in ["data", "custom"] {
        for method in ["sgd", "sgld", "precondInverseC"] {
            let mut run = SgdOu::new(ou_config(&[("problem", problem), ("method", method)]));
            run.run(usize::MAX);
            let (t, s) = (run.theory(), run.snapshot());
            eprintln!(
                "{problem}/{method}: burn-in {}, τ {:?}, τ/var0 {:?}, τ_tr {:.4e}\n  group SE {:?}\n  closed SE {:?}\n  tr ratio {:.4} ± {:.4} (closed {:.4})",
                t.burn_in, t.second_moment_tau, t.autocorrelation_time, t.trace_tau,
                s.average_covariance_se, s.average_covariance_se_theory,
                s.trace_ratio, s.trace_ratio_se, s.trace_ratio_se_theory
            );
        }
    }
}
