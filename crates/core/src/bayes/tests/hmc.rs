//! HMC against the exact Gaussian posterior of Bayesian linear regression.

use crate::bayes::hmc::*;
use crate::bayes::linreg::*;
use crate::experiment::{Experiment, StopReason};

fn data() -> LinRegData {
    LinRegData::generate(20, 2, 0.8, 0.25, 1.0, 1)
}

fn settings(step_size: f64, leapfrog_steps: usize, seed: u64) -> HmcSettings {
    HmcSettings {
        step_size,
        leapfrog_steps,
        step_size_jitter: 0.2,
        seed,
    }
}

#[test]
fn hmc_moments_match_the_exact_posterior() {
    // Posterior N(m, P⁻¹), P with eigenvalues ≈ 101 and 24 (stds 0.10 and 0.20; the leapfrog is
    // stable for ε < 2/√101 = 0.2). Two samplers, 500 burn-in + 20,000 transitions each:
    // ε = 0.05, L = 20 (acceptance 0.98) and ε = 0.15, L = 8 (acceptance 0.8, where the
    // Metropolis correction matters). Statistics: the 2 means and the 3 entries of
    // E[(w − m)(w − m)ᵀ] (centred at the exact m), each compared with its exact value.
    // SE: batch means with 50 batches (Flegal & Jones 2010); the effective sample size
    // n·Var/(b·Var(batch means)) is printed (≈ 15,000 and ≈ 1,000–4,000 here). Tolerance
    // 4 SE per statistic: false-alarm ≈ 2e-4 each (t with 49 df), ≈ 2e-3 for all ten.
    // Power: without the Metropolis step the ε = 0.15 chain would be biased by O(1): for a
    // quadratic with curvature λ, uncorrected leapfrog inflates the variance by a factor of
    // order 1/(1 − ε²λ/4) = 2.3 along the top eigenvector (λ ≈ 101), i.e. errors ≈ 0.006 in
    // the covariance entries against SEs ≈ 4e-4 (15 SE).
    let d = data();
    let post = BlrPosterior::new(&d, 0.25, 1.0);
    for (eps, l) in [(0.05, 20), (0.15, 8)] {
        let mut h = Hmc::new(
            d.log_posterior_fn(0.25, 1.0),
            vec![0.0; 2],
            settings(eps, l, 7),
        );
        h.sample(500);
        let s = h.sample(20_000);
        let acc = h.snapshot().acceptance_rate;
        println!("ε = {eps}, L = {l}: acceptance {acc:.3}");
        assert!(acc > 0.6);
        let mut stats: Vec<(String, Vec<f64>, f64)> = (0..2)
            .map(|j| {
                let x = s.iter().skip(j).step_by(2).copied().collect();
                (format!("mean {j}"), x, post.mean[j])
            })
            .collect();
        for (i, j) in [(0, 0), (0, 1), (1, 1)] {
            let x = s
                .chunks(2)
                .map(|w| (w[i] - post.mean[i]) * (w[j] - post.mean[j]))
                .collect();
            stats.push((format!("cov {i}{j}"), x, post.covariance[i * 2 + j]));
        }
        for (name, x, exact) in stats {
            let (est, se, ess) = batch_means(&x, 50);
            let z = (est - exact) / se;
            println!("  {name}: {est:.5} vs {exact:.5} (z = {z:+.2}, ESS {ess:.0})");
            assert!(z.abs() < 4.0, "{name}: z = {z}");
        }
    }
}

#[test]
fn leapfrog_energy_error_is_second_order() {
    // The leapfrog is a second-order integrator: halving ε (at a fixed trajectory length εL)
    // divides the mean |H₁ − H₀| by ≈ 4. Tolerance: a ratio in [3, 5.5] over 2,000 transitions.
    let d = data();
    let mean_error = |eps: f64, l: usize| {
        let mut h = Hmc::new(
            d.log_posterior_fn(0.25, 1.0),
            vec![-1.0, -0.1],
            settings(eps, l, 3),
        );
        (0..2000)
            .map(|_| {
                h.transition();
                h.snapshot().last_energy_error.abs()
            })
            .sum::<f64>()
            / 2000.0
    };
    let (coarse, fine) = (mean_error(0.04, 20), mean_error(0.02, 40));
    println!("mean |ΔH|: {coarse:.3e} at ε = 0.04, {fine:.3e} at ε = 0.02");
    assert!((3.0..5.5).contains(&(coarse / fine)), "{}", coarse / fine);
}

#[test]
fn experiment_runs_to_its_limit_and_reset_replays() {
    let d = data();
    let mut h = Hmc::new(
        d.log_posterior_fn(0.25, 1.0),
        vec![0.0; 2],
        settings(0.05, 20, 9),
    )
    .with_limit(30);
    let out = h.run(100);
    assert_eq!((out.steps_taken, out.stop), (30, Some(StopReason::Done)));
    let end = h.position().to_vec();
    let accepted = h.accepted();
    h.reset();
    assert_eq!((h.steps_done(), h.accepted()), (0, 0));
    h.run(30);
    assert_eq!(h.position(), &end[..]);
    assert_eq!(h.accepted(), accepted);
    assert_eq!(h.step(), Some(StopReason::Done));
}

#[test]
fn batch_means_of_iid_draws_give_ess_near_n() {
    // For independent draws the ESS estimate should be ≈ n: within 40% with 50 batches (the
    // batch-means variance estimate has relative sd ≈ √(2/49) = 20%).
    let mut rng = crate::rng::SeededRng::new(4, 0);
    let x: Vec<f64> = (0..10_000).map(|_| rng.normal()).collect();
    let (mean, se, ess) = batch_means(&x, 50);
    assert!(mean.abs() < 4.0 * se);
    assert!((ess / 10_000.0 - 1.0).abs() < 0.4, "{ess}");
}
