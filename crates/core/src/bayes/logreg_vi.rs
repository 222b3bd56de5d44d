//! Variational Gaussians for the 2-D Bayesian logistic regression (SCIENCE.md §3–§4; Lecture 8,
//! "Posterior Inference: Variational Bayes"; Opper & Archambeau 2009, Neural Computation 21,
//! "The variational Gaussian approximation revisited"), and HMC samples from its posterior.
//!
//! `q = N(m, Σ)` maximizes `F(q) = E_q ln p(D, w) + H(q)`, `H(q) = ½ ln det(2πeΣ)`, equivalently
//! minimizes `KL(q‖p(w|D)) = ln p(D) − F(q)`. Expectations are deterministic: a tensor
//! Gauss–Hermite rule in `u`, `w = m + Lu`, `LLᵀ = Σ` (no Monte Carlo). The stationary
//! conditions (Opper & Archambeau) are
//! - `E_q[∇ ln p(D, w)] = 0`,
//! - full covariance: `Σ⁻¹ = E_q[H̄(w)]`; mean field (`Σ` diagonal): `s_j⁻² = E_q[H̄(w)]_jj`,
//!
//! with `H̄(w) = Σ s_i(1 − s_i)x_ix_iᵀ + I/η` as in [`super::logreg`]. They are solved by the
//! fixed-point (variational Newton) iteration `Λ ← E_q H̄`, `m ← m + (E_q H̄)⁻¹E_q∇`, damped by
//! halving until `F` does not decrease. The mean-field `q` is the family Bayes by Backprop fits.

use super::logreg::{Laplace, LogRegData};
use super::special::LN_2PI;
use crate::linalg::{cholesky2, det2, inv2, Mat2};
use serde::{Deserialize, Serialize};

/// Gauss–Hermite nodes per axis of the expectation rule (576 nodes in 2-D): on the test data
/// sets doubling it changes `F` by < 1e-6, far below the KL gaps shown (≥ 1e-3).
pub const HERMITE_NODES: usize = 24;

/// Nodes `u_k` and weights `ω_k` (summing to 1) with `Σ ω_k f(u_k) ≈ E f(u)`, `u ~ N(0, 1)`:
/// the `n`-point Gauss–Hermite rule (exact for polynomials of degree `2n − 1`). Physicists'
/// nodes by Newton's method on the normalized recurrence (Press et al., *Numerical Recipes*
/// §4.6, `gauher`), rescaled by `√2`.
pub fn normal_rule(n: usize) -> (Vec<f64>, Vec<f64>) {
    assert!(n >= 1, "Gauss–Hermite needs at least one node");
    let pim4 = 0.751_125_544_464_942_5; // π^{−1/4}
    let m = n.div_ceil(2);
    let (mut x, mut w) = (vec![0.0; n], vec![0.0; n]);
    let nf = n as f64;
    let mut z = 0.0;
    for i in 0..m {
        z = match i {
            0 => libm::sqrt(2.0 * nf + 1.0) - 1.85575 * libm::pow(2.0 * nf + 1.0, -0.16667),
            1 => z - 1.14 * libm::pow(nf, 0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        let mut pp = 0.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (pim4, 0.0);
            for j in 0..n {
                let p3 = p2;
                p2 = p1;
                let jf = j as f64;
                p1 = z * libm::sqrt(2.0 / (jf + 1.0)) * p2 - libm::sqrt(jf / (jf + 1.0)) * p3;
            }
            pp = libm::sqrt(2.0 * nf) * p2;
            let dz = p1 / pp;
            z -= dz;
            if dz.abs() < 1e-15 {
                break;
            }
        }
        x[i] = z;
        x[n - 1 - i] = -z;
        w[i] = 2.0 / (pp * pp);
        w[n - 1 - i] = w[i];
    }
    let s = std::f64::consts::PI.sqrt();
    let mut pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(&w)
        .map(|(x, w)| (std::f64::consts::SQRT_2 * x, w / s))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    pairs.into_iter().unzip()
}

/// The variational family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Family {
    /// `q = N(μ, diag(s²))`, the fully factorized Gaussian of Bayes by Backprop.
    #[default]
    MeanField,
    /// `q = N(m, Σ)` with a full 2×2 covariance.
    FullCovariance,
}

impl Family {
    /// Values and labels of the `variationalFamily` field.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("meanField", "mean field (diagonal, as Bayes by Backprop)"),
        ("fullCovariance", "full covariance"),
    ];

    /// Parse a value of [`Family::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "meanField" => Some(Family::MeanField),
            "fullCovariance" => Some(Family::FullCovariance),
            _ => None,
        }
    }

    /// The value used in settings.
    pub fn name(self) -> &'static str {
        match self {
            Family::MeanField => "meanField",
            Family::FullCovariance => "fullCovariance",
        }
    }
}

/// `E_q ln p(D, w)`, `E_q ∇ ln p(D, w)` and `E_q H̄(w)` for `q = N(mean, LLᵀ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expectations {
    /// `E_q ln p(D, w)`.
    pub log_joint: f64,
    /// `E_q ∇ ln p(D, w)`.
    pub gradient: [f64; 2],
    /// `E_q H̄(w)`.
    pub curvature: Mat2,
}

/// A tensor Gauss–Hermite rule for 2-D Gaussian expectations.
#[derive(Clone, Debug)]
pub struct GaussianRule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl GaussianRule {
    /// `n` nodes per axis.
    pub fn new(n: usize) -> Self {
        let (nodes, weights) = normal_rule(n);
        GaussianRule { nodes, weights }
    }

    /// The expectations under `N(mean, LLᵀ)`, `L` lower triangular.
    pub fn expectations(
        &self,
        data: &LogRegData,
        prior_variance: f64,
        mean: [f64; 2],
        chol: Mat2,
    ) -> Expectations {
        let mut e = Expectations {
            log_joint: 0.0,
            gradient: [0.0; 2],
            curvature: [0.0; 4],
        };
        let eta = prior_variance;
        for (a, wa) in self.nodes.iter().zip(&self.weights) {
            for (b, wb) in self.nodes.iter().zip(&self.weights) {
                let w = [mean[0] + chol[0] * a, mean[1] + chol[2] * a + chol[3] * b];
                let p = wa * wb;
                // One pass over the data: ln p(D, w), its gradient and H̄(w), sharing e^{−|a|}.
                let mut lj = -(LN_2PI + libm::log(eta)) - (w[0] * w[0] + w[1] * w[1]) / (2.0 * eta);
                let mut g = [-w[0] / eta, -w[1] / eta];
                let mut h = [1.0 / eta, 0.0, 0.0, 1.0 / eta];
                for (x, y) in data.inputs.iter().zip(&data.labels) {
                    let act = w[0] * x[0] + w[1] * x[1];
                    let t = libm::exp(-act.abs());
                    let l1p = libm::log1p(t);
                    // ln σ(act), ln σ(−act) and σ(act).
                    let (ls, lsm, s) = if act >= 0.0 {
                        (-l1p, -act - l1p, 1.0 / (1.0 + t))
                    } else {
                        (act - l1p, -l1p, t / (1.0 + t))
                    };
                    lj += y * ls + (1.0 - y) * lsm;
                    let r = s * (1.0 - s);
                    g[0] += (y - s) * x[0];
                    g[1] += (y - s) * x[1];
                    h[0] += r * x[0] * x[0];
                    h[1] += r * x[0] * x[1];
                    h[3] += r * x[1] * x[1];
                }
                h[2] = h[1];
                e.log_joint += p * lj;
                for (acc, v) in e.gradient.iter_mut().zip(g) {
                    *acc += p * v;
                }
                for (acc, v) in e.curvature.iter_mut().zip(h) {
                    *acc += p * v;
                }
            }
        }
        e
    }

    /// `F(q) = E_q ln p(D, w) + ½ ln det(2πeΣ)` for `q = N(mean, LLᵀ)`.
    pub fn elbo(&self, data: &LogRegData, prior_variance: f64, mean: [f64; 2], chol: Mat2) -> f64 {
        self.expectations(data, prior_variance, mean, chol)
            .log_joint
            + entropy(chol)
    }
}

/// `H(N(m, LLᵀ)) = ½ ln det(2πeΣ) = ln 2π + 1 + ln|det L|` in 2-D.
pub fn entropy(chol: Mat2) -> f64 {
    LN_2PI + 1.0 + libm::log(det2(chol).abs())
}

/// A fitted variational Gaussian.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariationalFit {
    /// The family.
    pub family: Family,
    /// `m`.
    pub mean: [f64; 2],
    /// `Σ` (diagonal for the mean field).
    pub covariance: Mat2,
    /// `F(q)`, nats.
    pub elbo: f64,
    /// `E_q ln p(D|w)`, nats.
    pub expected_log_likelihood: f64,
    /// `KL(q‖p(w)) = E_q ln p(D|w) − F`, nats.
    pub kl_prior_nats: f64,
    /// The same in bits (the description length).
    pub kl_prior_bits: f64,
    /// Fixed-point iterations taken.
    pub iterations: usize,
    /// `|E_q∇ ln p(D, w)|` at the returned `q` (0 at the optimum).
    pub gradient_norm: f64,
}

/// `KL(N(m, Σ)‖N(0, ηI)) = ½[tr Σ/η + ‖m‖²/η − 2 − ln det Σ + 2 ln η]` in 2-D.
pub fn kl_to_prior(mean: [f64; 2], covariance: Mat2, prior_variance: f64) -> f64 {
    let eta = prior_variance;
    0.5 * ((covariance[0] + covariance[3] + mean[0] * mean[0] + mean[1] * mean[1]) / eta
        - 2.0
        - libm::log(det2(covariance))
        + 2.0 * libm::log(eta))
}

fn chol_of(family: Family, covariance: Mat2) -> Mat2 {
    match family {
        Family::MeanField => [
            libm::sqrt(covariance[0]),
            0.0,
            0.0,
            libm::sqrt(covariance[3]),
        ],
        Family::FullCovariance => cholesky2(covariance),
    }
}

/// Fit `q` of `family` from the Laplace approximation's `N(w_MAP, H̄⁻¹)` (its diagonal
/// precision for the mean field) by the damped fixed-point iteration of the module docs, until
/// the step is below `1e-12` (at most 200 iterations).
pub fn fit(
    data: &LogRegData,
    laplace: &Laplace,
    family: Family,
    rule: &GaussianRule,
) -> VariationalFit {
    let eta = laplace.prior_variance;
    let precision_to_cov = |lambda: Mat2| match family {
        Family::MeanField => [1.0 / lambda[0], 0.0, 0.0, 1.0 / lambda[3]],
        Family::FullCovariance => inv2(lambda),
    };
    let mut mean = laplace.map;
    let mut precision = laplace.curvature;
    let mut cov = precision_to_cov(precision);
    let mut e = rule.expectations(data, eta, mean, chol_of(family, cov));
    let mut f = e.log_joint + entropy(chol_of(family, cov));
    let mut iterations = 200;
    for it in 0..200 {
        let target = e.curvature;
        let ti = inv2(target);
        let dm = [
            ti[0] * e.gradient[0] + ti[1] * e.gradient[1],
            ti[2] * e.gradient[0] + ti[3] * e.gradient[1],
        ];
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..30 {
            let p: Mat2 = std::array::from_fn(|k| (1.0 - t) * precision[k] + t * target[k]);
            let m = [mean[0] + t * dm[0], mean[1] + t * dm[1]];
            let c = precision_to_cov(p);
            let l = chol_of(family, c);
            let e2 = rule.expectations(data, eta, m, l);
            let f2 = e2.log_joint + entropy(l);
            if f2 >= f - 1e-12 * f.abs().max(1.0) {
                accepted = Some((p, m, c, e2, f2));
                break;
            }
            t *= 0.5;
        }
        let Some((p, m, c, e2, f2)) = accepted else {
            iterations = it;
            break;
        };
        let change = (m[0] - mean[0])
            .abs()
            .max((m[1] - mean[1]).abs())
            .max((0..4).map(|k| (c[k] - cov[k]).abs()).fold(0.0, f64::max));
        (precision, mean, cov, e, f) = (p, m, c, e2, f2);
        if change < 1e-12 {
            iterations = it + 1;
            break;
        }
    }
    let kl = kl_to_prior(mean, cov, eta);
    VariationalFit {
        family,
        mean,
        covariance: cov,
        elbo: f,
        expected_log_likelihood: f + kl,
        kl_prior_nats: kl,
        kl_prior_bits: kl / std::f64::consts::LN_2,
        iterations,
        gradient_norm: libm::sqrt(e.gradient[0] * e.gradient[0] + e.gradient[1] * e.gradient[1]),
    }
}
