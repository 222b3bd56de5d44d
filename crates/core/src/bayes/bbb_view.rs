//! What the browser view of Bayes by Backprop on Bayesian linear regression draws and reads out
//! (SCIENCE.md §4; Blundell et al. 2015; Lecture 8, "Posterior Inference: Variational Bayes"):
//! the ELBO next to the exact `ln p(D)`, the learned variances against the mean-field optimum
//! `1/P_jj` and the true marginals `(P⁻¹)_jj`, and 2σ ellipses in a 2-D weight plane.

use super::bbb::BayesByBackprop;
use crate::nng::linalg::ellipse;
use serde::Serialize;

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
}

/// The references of `run` at its current `s`.
pub fn reference(run: &BayesByBackprop) -> BbbReference {
    let re = run.reference();
    let s = run.std();
    let ratio =
        |sd: &[f64]| -> Vec<f64> { s.iter().zip(sd).map(|(s, r)| (s * s) / (r * r)).collect() };
    BbbReference {
        log_evidence: re.log_evidence,
        mean_field_gap: re.mean_field_gap,
        posterior_mean: re.mean.clone(),
        mean_field_std: re.mean_field_std.clone(),
        marginal_std: re.marginal_std.clone(),
        variance_ratio_mean_field: ratio(&re.mean_field_std),
        variance_ratio_marginal: ratio(&re.marginal_std),
    }
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
        (re.mean[i], re.mean[j]),
        (c[i * d + i], c[i * d + j], c[j * d + j]),
        k,
        points,
    );
    out.extend(ellipse(
        (re.mean[i], re.mean[j]),
        (mi * mi, 0.0, mj * mj),
        k,
        points,
    ));
    out.extend(ellipse(
        (mu[i], mu[j]),
        (s[i] * s[i], 0.0, s[j] * s[j]),
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
}
