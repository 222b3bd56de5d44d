//! What the browser view of Bayes by Backprop on Bayesian linear regression draws and reads out
//! (SCIENCE.md §4; Blundell et al. 2015; Lecture 8, "Posterior Inference: Variational Bayes"):
//! the ELBO next to the exact `ln p(D)`, the learned variances against the mean-field optimum
//! `1/P_jj` and the true marginals `(P⁻¹)_jj`, and 2σ ellipses in a 2-D weight plane.

use super::{gradient_estimate, local_gradient_estimate, BayesByBackprop, BBB_HISTORY_FIELDS};
use crate::experiment::Experiment;
use crate::linalg::ellipse;
use crate::rng::SeededRng;
use serde::Serialize;

/// Stream of the fixed `ε` behind [`samples`] (display only: the run's gradient samples use
/// stream 1, the data stream 0).
const SHOW_STREAM: u64 = 100;
/// Stream of the draws behind [`BbbReference::gradient_noise`] (display only).
const NOISE_STREAM: u64 = 101;
/// Gradient estimates per estimator behind [`BbbReference::gradient_noise`].
const NOISE_DRAWS: usize = 64;

/// The exact references and ratios beside a run's [`super::BbbSnapshot`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BbbReference {
    /// `ln p(D) = ln N(t; 0, σ²I + ηXXᵀ)`.
    pub log_evidence: f64,
    /// The mean-field optimum's gap `½(Σ ln P_jj − ln det P)`: the smallest `ln p(D) − F` a
    /// factorized `q` can reach.
    pub mean_field_gap: f64,
    /// The exact posterior mean `m`.
    pub posterior_mean: Vec<f64>,
    /// `1/√P_jj`, the mean-field optimum's stds.
    pub mean_field_std: Vec<f64>,
    /// `√(P⁻¹)_jj`, the true marginal stds.
    pub marginal_std: Vec<f64>,
    /// `s_j²·P_jj`: the learned variance over the mean-field optimum (→ 1).
    pub variance_ratio_mean_field: Vec<f64>,
    /// `s_j²/(P⁻¹)_jj`: the learned variance over the true marginal (< 1 at the optimum
    /// whenever the posterior is correlated).
    pub variance_ratio_marginal: Vec<f64>,
    /// The exact ELBO averaged over steps `⌈t/2⌉ ..= t` of the `t` done so far (the current
    /// ELBO at step 0): the level the run settles at, without the last sample's jitter.
    pub elbo_tail_mean: f64,
    /// `ln p(D) − elbo_tail_mean`, to compare with `mean_field_gap`.
    pub gap_tail_mean: f64,
    /// `√(s_j²·P_jj)` with `s` the Polyak average of the snapshot (`averagedStd`): the learned
    /// std over the mean-field optimum's (→ 1).
    pub averaged_std_over_mean_field: Vec<f64>,
    /// `s_j/√(P⁻¹)_jj` with the same averaged `s`: the learned std over the true marginal std.
    pub averaged_std_over_marginal: Vec<f64>,
    /// `w_ML = (XᵀX)⁻¹Xᵀt`, where it exists: where q goes without the KL term.
    pub max_likelihood: Option<Vec<f64>>,
    /// The spread of the μ-gradient of `F/N` at the current q, `√tr Cov`, at the configured S,
    /// for `[one shared weight sample, local reparameterization]` (Kingma, Salimans & Welling
    /// 2015: the same expected gradient, lower variance). Estimated from [`NOISE_DRAWS`]
    /// one-sample estimates of each (display stream), divided by √S: the S samples of a step
    /// are independent, so the spread of their mean is exactly that (and a frame's cost does not
    /// grow with S).
    pub gradient_noise: [f64; 2],
}

/// The references of `run` at its current `s`.
pub fn reference(run: &BayesByBackprop) -> BbbReference {
    let re = run.reference();
    let s = run.std();
    let ratio =
        |sd: &[f64]| -> Vec<f64> { s.iter().zip(sd).map(|(s, r)| (s * s) / (r * r)).collect() };
    let h = run.history();
    let w = BBB_HISTORY_FIELDS.len();
    let rows = h.len() / w;
    let from = run.steps_done().div_ceil(2).min(rows.saturating_sub(1));
    let elbo_tail_mean = (from..rows).map(|r| h[r * w + 1]).sum::<f64>() / (rows - from) as f64;
    let averaged = run.averaged_std();
    let over = |sd: &[f64]| -> Vec<f64> { averaged.iter().zip(sd).map(|(a, r)| a / r).collect() };
    BbbReference {
        log_evidence: re.log_evidence,
        mean_field_gap: re.mean_field_gap,
        posterior_mean: re.mean.clone(),
        mean_field_std: re.mean_field_std.clone(),
        marginal_std: re.marginal_std.clone(),
        variance_ratio_mean_field: ratio(&re.mean_field_std),
        variance_ratio_marginal: ratio(&re.marginal_std),
        elbo_tail_mean,
        gap_tail_mean: re.log_evidence - elbo_tail_mean,
        averaged_std_over_mean_field: over(&re.mean_field_std),
        averaged_std_over_marginal: over(&re.marginal_std),
        max_likelihood: re.max_likelihood.clone(),
        gradient_noise: gradient_noise(run),
    }
}

/// See [`BbbReference::gradient_noise`].
fn gradient_noise(run: &BayesByBackprop) -> [f64; 2] {
    let c = run.config();
    let d = run.mean().len();
    let n = run.data().len() as f64;
    let params = (run.mean(), run.rho());
    let variances = (c.noise_variance, c.prior_variance);
    let mut rng = SeededRng::new(c.seed as u64, NOISE_STREAM);
    let mut out = [0.0; 2];
    for (k, slot) in out.iter_mut().enumerate() {
        let (mut sum, mut sq) = (vec![0.0; d], vec![0.0; d]);
        for _ in 0..NOISE_DRAWS {
            let g = if k == 0 {
                gradient_estimate(run.stats(), params, variances, c.objective, 1, &mut rng)
            } else {
                local_gradient_estimate(run.data(), params, variances, c.objective, 1, &mut rng)
            };
            for j in 0..d {
                let v = g.mean[j] / n;
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        let m = NOISE_DRAWS as f64;
        let trace: f64 = (0..d)
            .map(|j| (sq[j] - sum[j] * sum[j] / m) / (m - 1.0))
            .sum();
        *slot = libm::sqrt(trace.max(0.0) / c.samples_per_step as f64);
    }
    out
}

/// `count` draws from the current `q = N(μ, diag s²)` over weights `(i, j)`, flat `[x, y, …]`:
/// `w = μ + s⊙ε` with `ε` fixed for the run (display stream [`SHOW_STREAM`] of the seed), so the
/// cloud moves and shrinks with q instead of flickering. Empty if `i = j` or out of range.
pub fn samples(run: &BayesByBackprop, i: usize, j: usize, count: usize) -> Vec<f64> {
    let d = run.mean().len();
    if i >= d || j >= d || i == j {
        return Vec::new();
    }
    let mut rng = SeededRng::new(run.config().seed as u64, SHOW_STREAM);
    let (mu, s) = (run.mean(), run.std());
    let mut eps = vec![0.0; d];
    let mut out = Vec::with_capacity(2 * count);
    for _ in 0..count {
        for e in eps.iter_mut() {
            *e = rng.normal();
        }
        out.push(mu[i] + s[i] * eps[i]);
        out.push(mu[j] + s[j] * eps[j]);
    }
    out
}

/// Points of three `k`σ ellipses over weights `(i, j)`, flat `[x, y, …]`, `points` each, in
/// order: the exact posterior `N(m, P⁻¹)` (its 2×2 marginal), the mean-field optimum
/// `N(m, diag(1/P_jj))` and the current `q = N(μ, diag(s²))` (axis-aligned). Out-of-range or
/// equal indices give an empty vector.
pub fn ellipses(run: &BayesByBackprop, i: usize, j: usize, k: f64, points: usize) -> Vec<f64> {
    let re = run.reference();
    let d = re.mean.len();
    if i >= d || j >= d || i == j {
        return Vec::new();
    }
    let c = &re.covariance;
    let s = run.std();
    let mu = run.mean();
    let (mi, mj) = (re.mean_field_std[i], re.mean_field_std[j]);
    let mut out = ellipse(
        [re.mean[i], re.mean[j]],
        [c[i * d + i], c[i * d + j], c[i * d + j], c[j * d + j]],
        k,
        points,
    );
    out.extend(ellipse(
        [re.mean[i], re.mean[j]],
        [mi * mi, 0.0, 0.0, mj * mj],
        k,
        points,
    ));
    out.extend(ellipse(
        [mu[i], mu[j]],
        [s[i] * s[i], 0.0, 0.0, s[j] * s[j]],
        k,
        points,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bayes::BbbConfig;
    use crate::experiment::Experiment;

    #[test]
    fn ellipses_and_ratios_follow_the_closed_forms() {
        // Every point of each ellipse lies on its quadratic form at k² (1e-9); at q = the
        // mean-field optimum the ratios s²P_jj are 1 and the marginal ratios are P⁻¹-based.
        let mut run = BayesByBackprop::new(BbbConfig::default());
        run.run(50);
        let re = run.reference().clone();
        let e = ellipses(&run, 0, 1, 2.0, 40);
        assert_eq!(e.len(), 3 * 2 * 40);
        let c = &re.covariance;
        let det = c[0] * c[3] - c[1] * c[1];
        let (s, mu) = (run.std(), run.mean().to_vec());
        for p in 0..40 {
            let (x, y) = (e[2 * p] - re.mean[0], e[2 * p + 1] - re.mean[1]);
            let q = (c[3] * x * x - 2.0 * c[1] * x * y + c[0] * y * y) / det;
            assert!((q - 4.0).abs() < 1e-9, "posterior {q}");
            let (x, y) = (e[80 + 2 * p] - re.mean[0], e[80 + 2 * p + 1] - re.mean[1]);
            let q = (x / re.mean_field_std[0]).powi(2) + (y / re.mean_field_std[1]).powi(2);
            assert!((q - 4.0).abs() < 1e-9, "mean field {q}");
            let (x, y) = (e[160 + 2 * p] - mu[0], e[160 + 2 * p + 1] - mu[1]);
            let q = (x / s[0]).powi(2) + (y / s[1]).powi(2);
            assert!((q - 4.0).abs() < 1e-9, "q {q}");
        }
        assert!(ellipses(&run, 0, 0, 2.0, 40).is_empty());
        assert!(ellipses(&run, 0, 2, 2.0, 40).is_empty());
        let r = reference(&run);
        for j in 0..2 {
            let want = s[j] * s[j] * re.precision[j * 2 + j];
            assert!((r.variance_ratio_mean_field[j] - want).abs() < 1e-12 * want);
            let want = s[j] * s[j] / c[j * 2 + j];
            assert!((r.variance_ratio_marginal[j] - want).abs() < 1e-12 * want);
        }
    }

    #[test]
    fn draws_follow_q_and_local_reparameterization_lowers_the_gradient_noise() {
        // The draws are μ + s⊙ε with the same ε at every step: (w − μ)/s is unchanged by steps.
        let mut run = BayesByBackprop::new(BbbConfig::default());
        let eps = |run: &BayesByBackprop| -> Vec<f64> {
            let (mu, s) = (run.mean().to_vec(), run.std());
            samples(run, 0, 1, 50)
                .chunks(2)
                .flat_map(|p| [(p[0] - mu[0]) / s[0], (p[1] - mu[1]) / s[1]])
                .collect()
        };
        let before = eps(&run);
        assert_eq!(before.len(), 100);
        run.run(300);
        let after = eps(&run);
        for (a, b) in before.iter().zip(&after) {
            assert!((a - b).abs() < 1e-9 * a.abs().max(1.0));
        }
        assert!(samples(&run, 1, 1, 10).is_empty());
        // Kingma, Salimans & Welling (2015): the same expected gradient, lower variance. At the
        // default q after 300 steps the local estimator's μ-gradient spread is below 0.8× the
        // shared-sample one at each of three seeds (measured 0.35-0.6×; 64 draws each).
        for seed in [1, 2, 3] {
            let mut run = BayesByBackprop::new(BbbConfig {
                seed,
                ..BbbConfig::default()
            });
            run.run(300);
            let [plain, local] = reference(&run).gradient_noise;
            assert!(local < 0.8 * plain, "seed {seed}: {local} vs {plain}");
        }
        // The tail mean of the ELBO is the history's second-half mean.
        let r = reference(&run);
        let w = BBB_HISTORY_FIELDS.len();
        let h = run.history();
        let mean = (150..=300).map(|i| h[i * w + 1]).sum::<f64>() / 151.0;
        assert!((r.elbo_tail_mean - mean).abs() < 1e-9 * mean.abs());
    }
}
