//! SCIENCE.md §3, "Pitfall: importance sampling": the self-normalized importance-sampling
//! predictive of 2-D logistic regression against 2-D quadrature. Every run is seeded.

use crate::bayes::logreg::*;
use crate::bayes::logreg_importance::*;
use crate::bayes::logreg_posterior::panel_grid;

/// A data set, its Laplace fit, the test input and the safe `c`.
struct Case {
    data: LogRegData,
    lap: Laplace,
    x: [f64; 2],
    c: f64,
}

/// SCIENCE.md §3's demo (N = 10, η = 2, data seed 1) and the panel's defaults (N = 20, η = 25),
/// both at x* = (2, 2).
fn case(n: usize, eta: f64) -> Case {
    let data = LogRegData::generate(n, [2.0, -1.0], 1);
    let lap = laplace(&data, eta);
    let c = ProposalScale::Safe.value(&lap);
    Case {
        data,
        lap,
        x: [2.0, 2.0],
        c,
    }
}

/// Over seeds `0..k`: the count of `|z| < 2`, `z = (μ̂ − truth)/SE`; the means of `n·SE²` and
/// `ESS/n` with their standard errors; `n` times the variance of `μ̂` across seeds.
struct Sweep {
    inside: usize,
    n_se2: (f64, f64),
    ess_fraction: (f64, f64),
    n_var: f64,
    mean_z: f64,
}

fn mean_and_se(v: &[f64]) -> (f64, f64) {
    let k = v.len() as f64;
    let m = v.iter().sum::<f64>() / k;
    let var = v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (k - 1.0);
    (m, (var / k).sqrt())
}

fn sweep(c: &Case, truth: f64, n: usize, k: u64) -> Sweep {
    let (mut inside, mut se2, mut ess, mut est, mut zs) = (0, vec![], vec![], vec![], vec![]);
    for seed in 0..k {
        let e = importance_predictive(&c.data, &c.lap, c.x, c.c, n, seed);
        let z = (e.estimate - truth) / e.standard_error;
        inside += usize::from(z.abs() < 2.0);
        zs.push(z);
        se2.push(n as f64 * e.standard_error * e.standard_error);
        ess.push(e.effective_sample_size / n as f64);
        est.push(e.estimate);
    }
    let (_, s) = mean_and_se(&est);
    Sweep {
        inside,
        n_se2: mean_and_se(&se2),
        ess_fraction: mean_and_se(&ess),
        n_var: n as f64 * s * s * k as f64,
        mean_z: mean_and_se(&zs).0,
    }
}

/// The quadrature limits of `c` on the panel's grid (see
/// `panel_grid_holds_the_importance_integrals`).
fn limits(c: &Case) -> ImportanceQuadrature {
    importance_quadrature(&c.data, &c.lap, c.x, c.c, panel_grid(&c.lap))
}

/// `P(|Z| < 2)` for a standard normal.
const COVERAGE_2SE: f64 = 0.954_499_736_103_641_6;

#[test]
fn z_scores_against_the_quadrature_truth_are_standard_normal() {
    // (a) z = (μ̂ − truth)/SE over K seeds, truth from the quadrature grid. Under the theory the
    // count of |z| < 2 is Binomial(K, 0.9545); accepted within 3.5 binomial sds of K·0.9545
    // (false-alarm rate 5e-4), and |mean z| < 4/√K.
    // - SCIENCE.md §3's demo (N = 10, η = 2, c* = 1.60, c = 3.19), n = 1000, K = 1000: accept
    //   [932, 977] (measured 955). Power (normal approximation): an SE 20% too small (coverage
    //   0.904) is caught with probability 0.998, 20% too large (0.984) with 0.94, 10% too small
    //   with 0.53. The unweighted SE sd(f)/√n, here √(ESS/n) = 0.75 of the true one, always.
    // - The panel's defaults (N = 20, η = 25, c* = 56.6, c = 113, ESS/n = 0.020), n = 10000,
    //   K = 300: accept [274, 298] (measured 287); an SE 20% too small is caught with
    //   probability 0.67.
    for (c, n, k, range) in [
        (case(10, 2.0), 1000, 1000, (932, 977)),
        (case(20, 25.0), 10_000, 300, (274, 298)),
    ] {
        let sd = (k as f64 * COVERAGE_2SE * (1.0 - COVERAGE_2SE)).sqrt();
        let mid = k as f64 * COVERAGE_2SE;
        assert_eq!(
            range,
            (
                (mid - 3.5 * sd).ceil() as usize,
                (mid + 3.5 * sd).floor() as usize
            )
        );
        let q = limits(&c);
        let s = sweep(&c, q.predictive, n, k);
        println!(
            "c = {:.3} (c* = {:.3}), n = {n}: {} of {k} within 2 SE (accept {range:?}), mean z {:+.3}",
            c.c,
            c.lap.critical_proposal_scale(),
            s.inside,
            s.mean_z
        );
        assert!(c.c > c.lap.critical_proposal_scale());
        assert!((range.0..=range.1).contains(&s.inside));
        assert!(s.mean_z.abs() < 4.0 / (k as f64).sqrt());
    }
}

#[test]
fn the_delta_method_variance_and_the_ess_match_their_quadrature_limits() {
    // (b) n·SE² → E_q[ω²(f − μ)²]/E_q[ω]² (2-D quadrature on the panel's Gauss–Legendre grid):
    // its mean over K seeds within 4 of its standard errors (measured ≈ 1); and n·Var(μ̂) across
    // the seeds (the estimator's actual spread) within 3.5·√(2/(K − 1)) relative (the sample
    // variance's relative SE for normal μ̂: 16% at K = 1000, 29% at K = 300).
    // (c) ESS/n → 1/E_q[ω̃²], ω̃ = ω/E_q[ω]: the mean over seeds within 4 SE + 1/n (the
    // ratio's O(1/n) bias).
    for (c, n, k) in [(case(10, 2.0), 1000, 1000), (case(20, 25.0), 10_000, 300)] {
        let q = limits(&c);
        let s = sweep(&c, q.predictive, n, k);
        println!(
            "n·SE²: {:.5} ± {:.5}, n·Var(μ̂) {:.5}, quadrature {:.5}; ESS/n: {:.5} ± {:.5}, quadrature {:.5}",
            s.n_se2.0,
            s.n_se2.1,
            s.n_var,
            q.asymptotic_variance,
            s.ess_fraction.0,
            s.ess_fraction.1,
            q.ess_fraction()
        );
        assert!((s.n_se2.0 - q.asymptotic_variance).abs() < 4.0 * s.n_se2.1);
        let rel = 3.5 * (2.0 / (k as f64 - 1.0)).sqrt();
        assert!((s.n_var / q.asymptotic_variance - 1.0).abs() < rel);
        assert!(
            (s.ess_fraction.0 - q.ess_fraction()).abs() < 4.0 * s.ess_fraction.1 + 1.0 / n as f64
        );
    }
}

#[test]
fn panel_grid_holds_the_importance_integrals() {
    // The panel's capped grid (14 Laplace stds) against the full box of GridSpec::for_laplace
    // (10 prior stds; 1.35M nodes at the panel's defaults) at c = 2c*, where ω²q = p̃²/q decays
    // like the prior: the limits agree to 1e-9 relative, and the quadrature's truth and ln Z
    // are the grid posterior's to 1e-12.
    let c = case(20, 25.0);
    let small = limits(&c);
    let big = importance_quadrature(&c.data, &c.lap, c.x, c.c, GridSpec::for_laplace(&c.lap));
    for (a, b) in [
        (small.asymptotic_variance, big.asymptotic_variance),
        (small.relative_second_moment, big.relative_second_moment),
        (small.predictive, big.predictive),
    ] {
        assert!((a / b - 1.0).abs() < 1e-9, "{a} vs {b}");
    }
    let post = grid_posterior(&c.data, &c.lap, panel_grid(&c.lap));
    assert!((post.predictive(c.x) - small.predictive).abs() < 1e-12);
    assert!((post.log_evidence - small.log_evidence).abs() < 1e-12);
}

#[test]
fn without_data_the_laplace_proposal_is_exact() {
    // No data: p(w|D) is the prior N(0, ηI) = N(w_MAP, H̄⁻¹), c* = 1/2, the safe c is 1, and
    // every weight is equal: ESS = n, and the SE is the plain sd(f)/√n (1e-12).
    let data = LogRegData {
        inputs: vec![],
        labels: vec![],
    };
    let lap = laplace(&data, 2.0);
    assert!((lap.critical_proposal_scale() - 0.5).abs() < 1e-15);
    assert_eq!(ProposalScale::Safe.value(&lap), 1.0);
    let e = importance_predictive(&data, &lap, [1.0, -0.5], 1.0, 500, 3);
    assert!((e.effective_sample_size - 500.0).abs() < 1e-9);
    assert!(e.finite_variance);
    let q = importance_quadrature(&data, &lap, [1.0, -0.5], 1.0, panel_grid(&lap));
    assert!((q.relative_second_moment - 1.0).abs() < 1e-12);
    assert!((q.predictive - 0.5).abs() < 1e-12);
}

#[test]
fn same_seed_same_bits_and_the_pitfall_is_flagged() {
    // (d) Determinism: the same (seed, n) gives the same bits; another seed other numbers.
    // Plain Laplace (c = 1) at the panel's defaults is below c* = 56.6: flagged, and its
    // quadrature "limit" grows with the box (diverges) while the safe c's does not.
    let c = case(20, 25.0);
    let a = importance_predictive(&c.data, &c.lap, c.x, c.c, 3000, 7);
    let b = importance_predictive(&c.data, &c.lap, c.x, c.c, 3000, 7);
    let other = importance_predictive(&c.data, &c.lap, c.x, c.c, 3000, 8);
    for (u, v) in [
        (a.estimate, b.estimate),
        (a.standard_error, b.standard_error),
        (a.effective_sample_size, b.effective_sample_size),
    ] {
        assert_eq!(u.to_bits(), v.to_bits());
    }
    assert_ne!(a.estimate, other.estimate);
    assert!(a.finite_variance && a.proposal_scale == c.c);
    let plain = importance_predictive(&c.data, &c.lap, c.x, 1.0, 3000, 7);
    assert!(!plain.finite_variance);
    let box_moment = |cc: f64, r: f64| {
        let g = GridSpec {
            half_width: r,
            panels: r as usize,
            nodes_per_panel: 8,
        };
        importance_quadrature(&c.data, &c.lap, c.x, cc, g).relative_second_moment
    };
    let (near, far) = (box_moment(1.0, 20.0), box_moment(1.0, 60.0));
    println!("c = 1: E_q[ω̃²] {near:.3e} (box 20) → {far:.3e} (box 60)");
    assert!(far > 1e3 * near);
    let (near, far) = (box_moment(c.c, 20.0), box_moment(c.c, 60.0));
    assert!((near / far - 1.0).abs() < 1e-6);
    let empty = importance_predictive(&c.data, &c.lap, c.x, c.c, 0, 1);
    assert!(empty.estimate.is_nan() && empty.effective_sample_size == 0.0);
}

#[test]
fn the_panel_compares_every_predictive_at_the_test_input() {
    // The panel's defaults: x* = (2, 2), n = 10000, importance seed 1, the safe c = ηλ_max(H̄).
    // The IS estimate is within 3 SE of the truth, its SE within 25% of the quadrature's
    // √(V/n) and its ESS within 25% of n/E_q[ω̃²] (one run: the SE's own relative error is
    // about 0.06/0.45/2 ≈ 7% here, the ESS's 0.0011/0.020 ≈ 6%); plug-in, probit and the
    // Laplace average are the Laplace fit's. Plain Laplace (c = 1 < c*) has no finite limits.
    use crate::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
    let config = LogRegPanelConfig::default();
    assert_eq!(
        (
            config.test_point1,
            config.test_point2,
            config.importance_samples
        ),
        (2.0, 2.0, 10_000)
    );
    let a = analyze_panel(&config, config.data(), 21, 11);
    let t = a.test_point;
    let e = t.importance;
    let q = t.limits.expect("finite variance at the safe c");
    println!(
        "x* = {:?}: plug-in {:.4}, probit {:.4}, Laplace average {:.4}, IS {:.4} ± {:.4} (ESS {:.0} of {}, c = {:.2}, c* = {:.2}), truth {:.4}; limits: SE {:.4}, ESS {:.0}",
        t.input,
        t.laplace.plug_in,
        t.laplace.probit,
        t.laplace.laplace_average,
        e.estimate,
        e.standard_error,
        e.effective_sample_size,
        e.samples,
        e.proposal_scale,
        e.critical_proposal_scale,
        t.truth,
        q.standard_error(e.samples),
        q.ess_fraction() * e.samples as f64
    );
    assert_eq!(t.laplace, a.laplace.predictive([2.0, 2.0]));
    assert!((e.estimate - t.truth).abs() < 3.0 * e.standard_error);
    assert!((e.standard_error / q.standard_error(e.samples) - 1.0).abs() < 0.25);
    assert!((e.effective_sample_size / (q.ess_fraction() * 10_000.0) - 1.0).abs() < 0.25);
    assert!((q.predictive - t.truth).abs() < 1e-12);
    assert_eq!(e.proposal_scale, 2.0 * a.laplace.critical_proposal_scale());
    let plain = LogRegPanelConfig::from_settings([("proposalScale", "laplace")]).unwrap();
    let b = analyze_panel(&plain, plain.data(), 11, 5).test_point;
    assert!(b.limits.is_none() && !b.importance.finite_variance);
    assert_eq!(b.importance.proposal_scale, 1.0);
    let bad = LogRegPanelConfig::from_settings([("importanceSamples", "5"), ("testPoint1", "4")])
        .unwrap_err();
    assert_eq!(
        bad.0[0].to_string(),
        "importanceSamples must be from 10 to 200000; got 5"
    );
    assert_eq!(bad.0[1].field(), "testPoint1");
}

#[test]
fn the_data_setting_holds_an_edited_data_set() {
    // Issue 21, part 6: the panel's `data` rows "x1 x2 y" replace the seeded set, so a settings
    // file alone reproduces an edited figure. The seeded set written as rows (shortest
    // round-trip text) gives the same data bit for bit, hence the same analysis; bad rows are
    // errors naming the field and the row.
    use crate::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
    let seeded = LogRegPanelConfig {
        hmc_samples: 50,
        importance_samples: 500,
        ..LogRegPanelConfig::default()
    };
    let d = seeded.data();
    let rows: Vec<String> = d
        .inputs
        .iter()
        .zip(&d.labels)
        .map(|(x, y)| format!("{} {} {y}", x[0], x[1]))
        .collect();
    let mut s = seeded.to_settings();
    s.retain(|(k, _)| *k != "data" && *k != "seed");
    s.push(("data", rows.join("; ")));
    s.push(("seed", "77".into()));
    let edited = LogRegPanelConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(edited.data(), d, "the rows, not the seed, give the data");
    let (a, b) = (
        analyze_panel(&seeded, seeded.data(), 11, 5),
        analyze_panel(&edited, edited.data(), 11, 5),
    );
    assert_eq!(a.log_evidence.to_bits(), b.log_evidence.to_bits());
    assert_eq!(a.test_point, b.test_point);
    // Two points of one class each.
    let two = LogRegPanelConfig::from_settings([("data", "1 0.5 1; -1 -0.5 0")]).unwrap();
    assert_eq!(two.data().inputs, vec![[1.0, 0.5], [-1.0, -0.5]]);
    assert_eq!(two.data().labels, vec![1.0, 0.0]);
    for (bad, why) in [
        ("1 2", "got 2 number(s) per row"),
        ("1 2 1; 0 0 0.5", "row 2 is (0, 0, 0.5)"),
        ("1 200 1", "row 1 is (1, 200, 1)"),
    ] {
        let e = LogRegPanelConfig::from_settings([("data", bad)])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("data must be") && e.contains(why),
            "{bad}: {e}"
        );
    }
}
