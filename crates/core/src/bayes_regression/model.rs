//! The Bayesian MLP of the regression comparison: data, log joint, Jacobians, curvature
//! (GGN, its diagonal, the full Hessian), MAP by damped Newton, the Laplace evidence
//! (MacKay 1992; Bishop PRML §5.7; SCIENCE.md §3).
//!
//! Model: `t_i = f(x_i; w) + N(0, σ²)`, `f` a 1-H-1 tanh MLP ([`crate::nn::mlp::Mlp`], parameters
//! `[W₁ (H×1), b₁, W₂ (1×H), b₂]`, P = 3H + 1), prior `w ~ N(0, ηI)` on **every** parameter
//! (biases too, so the prior is proper and the evidence defined). The summed negative log
//! posterior is `U(w) = Σ_i (f(x_i) − t_i)²/(2σ²) + ‖w‖²/(2η) + const`; weight decay λ on the
//! mean loss `J = (1/N)Σ ½(f − t)²` is the same objective with `λ = σ²/(Nη)` (SCIENCE.md §3).
//!
//! Curvature `H̄ = −∇² ln p(w, D)`:
//! - GGN `H̄_GGN = Σ_i J_iᵀJ_i/σ² + I/η` with `J_i = ∂f(x_i)/∂w` (one backward pass with
//!   `z̄_out = 1` per example; SCIENCE.md §1);
//! - its diagonal;
//! - the full Hessian `H̄ = H̄_GGN + Σ_i r_i ∇²f(x_i)/σ²` (`r_i = f(x_i) − t_i`), exact: P
//!   Hessian–vector products `H̄ e_j` by Pearlmutter's R-operator ([`crate::nn::hessian`];
//!   Pearlmutter 1994), symmetrized (tested against the former central differences of the exact
//!   gradient, against an independent second difference of the log joint and against the GGN at
//!   a zero-residual fit; see the tests for the tolerances).

// Index loops follow the formulas (J_i, H_jk …) and are kept as written.
#![allow(clippy::needless_range_loop)]

use super::linalg::{cholesky, cholesky_solve, log_det};
use crate::nn::hessian::{example_hvp, CurvatureTape};
use crate::nn::mlp::{Activation, Dropout, Loss, Mlp, Tape};
use crate::rng::SeededRng;
use crate::special::LN_2PI;
use serde::Serialize;

/// A 1-D regression data set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegressionData {
    /// Inputs `x_i`.
    pub inputs: Vec<f64>,
    /// Targets `t_i`.
    pub targets: Vec<f64>,
}

/// The two input clusters of the default data: centres and half-widths.
pub const CLUSTERS: [(f64, f64); 2] = [(-2.0, 0.75), (2.0, 0.75)];

/// The function behind the default data, `f*(x) = sin(1.5x)`.
pub fn true_function(x: f64) -> f64 {
    libm::sin(1.5 * x)
}

impl RegressionData {
    /// `n` points in two clusters with a gap between them (the setting of Foong et al. 2019,
    /// "'In-between' uncertainty in Bayesian neural networks"): example `i` lies in cluster
    /// `i mod 2`, `x = c + w(2u − 1)` with [`CLUSTERS`], `t = f*(x) + σ ε`. Stream 0 of `seed`:
    /// per example `u`, then `ε`.
    pub fn two_clusters(n: usize, noise_variance: f64, seed: u64) -> Self {
        let mut rng = SeededRng::new(seed, 0);
        let sd = libm::sqrt(noise_variance);
        let mut inputs = Vec::with_capacity(n);
        let mut targets = Vec::with_capacity(n);
        for i in 0..n {
            let (c, w) = CLUSTERS[i % 2];
            let x = c + w * (2.0 * rng.uniform() - 1.0);
            inputs.push(x);
            targets.push(true_function(x) + sd * rng.normal());
        }
        RegressionData { inputs, targets }
    }

    /// N.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

/// A one-hidden-layer tanh MLP with a Gaussian likelihood and prior.
#[derive(Clone, Debug, PartialEq)]
pub struct BayesianMlp {
    /// Widths `[1, H, 1]`, tanh, squared loss.
    pub mlp: Mlp,
    /// η, the prior variance of every parameter.
    pub prior_variance: f64,
    /// σ², the observation-noise variance.
    pub noise_variance: f64,
    off: Dropout,
}

impl BayesianMlp {
    /// The model with `hidden` tanh units.
    pub fn new(hidden: usize, prior_variance: f64, noise_variance: f64) -> Self {
        let mlp = Mlp::new(&[1, hidden, 1], Activation::Tanh, Loss::Squared);
        BayesianMlp {
            off: Dropout::off(mlp.layers()),
            mlp,
            prior_variance,
            noise_variance,
        }
    }

    /// The same architecture and noise with another prior variance.
    pub fn with_prior_variance(&self, prior_variance: f64) -> Self {
        BayesianMlp {
            prior_variance,
            ..self.clone()
        }
    }

    /// P, the number of parameters.
    pub fn num_params(&self) -> usize {
        self.mlp.num_params()
    }

    /// `f(x; w)`.
    pub fn output(&self, w: &[f64], x: f64, tape: &mut Tape) -> f64 {
        self.mlp.forward(w, &self.off, &[x], None, tape)
    }

    /// `f(x; w)`, adding `scale·∂f/∂w` to `grad` (one backward pass with `z̄_out = scale`).
    pub fn output_gradient(
        &self,
        w: &[f64],
        x: f64,
        scale: f64,
        tape: &mut Tape,
        grad: &mut [f64],
    ) -> f64 {
        let f = self.output(w, x, tape);
        self.mlp.backward(w, tape, scale, grad);
        f
    }

    /// `ln p(D|w) = −(N/2)ln 2πσ² − Σ(f(x_i) − t_i)²/(2σ²)`; writes its gradient into `grad`.
    pub fn log_likelihood(
        &self,
        w: &[f64],
        data: &RegressionData,
        tape: &mut Tape,
        grad: &mut [f64],
    ) -> f64 {
        grad.fill(0.0);
        let s2 = self.noise_variance;
        let mut rss = 0.0;
        for (&x, &t) in data.inputs.iter().zip(&data.targets) {
            let f = self.output(w, x, tape);
            let r = f - t;
            rss += r * r;
            self.mlp.backward(w, tape, -r / s2, grad);
        }
        -0.5 * data.len() as f64 * (LN_2PI + libm::log(s2)) - rss / (2.0 * s2)
    }

    /// `ln p(w) = −(P/2)ln 2πη − ‖w‖²/(2η)`.
    pub fn log_prior(&self, w: &[f64]) -> f64 {
        let eta = self.prior_variance;
        -0.5 * w.len() as f64 * (LN_2PI + libm::log(eta))
            - w.iter().map(|v| v * v).sum::<f64>() / (2.0 * eta)
    }

    /// `ln p(D, w) = ln p(D|w) + ln p(w)`; writes `∇_w ln p(D, w)` into `grad`.
    pub fn log_joint(
        &self,
        w: &[f64],
        data: &RegressionData,
        tape: &mut Tape,
        grad: &mut [f64],
    ) -> f64 {
        let ll = self.log_likelihood(w, data, tape, grad);
        for (g, v) in grad.iter_mut().zip(w) {
            *g -= v / self.prior_variance;
        }
        ll + self.log_prior(w)
    }

    /// The stacked output Jacobian `J` (N×P row-major, row i = `∂f(x_i)/∂w`) and residuals
    /// `r_i = f(x_i) − t_i`.
    pub fn jacobian(&self, w: &[f64], data: &RegressionData) -> (Vec<f64>, Vec<f64>) {
        let p = self.num_params();
        let mut tape = self.mlp.tape();
        let mut jac = vec![0.0; data.len() * p];
        let mut res = Vec::with_capacity(data.len());
        for (i, (&x, &t)) in data.inputs.iter().zip(&data.targets).enumerate() {
            let f = self.output_gradient(w, x, 1.0, &mut tape, &mut jac[i * p..(i + 1) * p]);
            res.push(f - t);
        }
        (jac, res)
    }

    /// `H̄_GGN = JᵀJ/σ² + I/η` (P×P row-major), from [`BayesianMlp::jacobian`].
    pub fn ggn(&self, w: &[f64], data: &RegressionData) -> Vec<f64> {
        let p = self.num_params();
        let (jac, _) = self.jacobian(w, data);
        let mut g = vec![0.0; p * p];
        for row in jac.chunks_exact(p) {
            for j in 0..p {
                let a = row[j] / self.noise_variance;
                if a == 0.0 {
                    continue;
                }
                for k in 0..=j {
                    g[j * p + k] += a * row[k];
                }
            }
        }
        for j in 0..p {
            g[j * p + j] += 1.0 / self.prior_variance;
            for k in 0..j {
                g[k * p + j] = g[j * p + k];
            }
        }
        g
    }

    /// `H̄ = −∇² ln p(w, D) = Σ_i ∇²ℓ_i/σ² + I/η` (P×P row-major, `ℓ_i = ½(f(x_i) − t_i)²`),
    /// exactly: row j is the Hessian–vector product `H̄ e_j`, summed over the examples in order
    /// by [`crate::nn::hessian::example_hvp`] (R-operator, forward-over-reverse), then
    /// symmetrized as `(H̄ + H̄ᵀ)/2` to remove rounding asymmetry. Cost: P·N HVPs.
    pub fn hessian(&self, w: &[f64], data: &RegressionData) -> Vec<f64> {
        let p = self.num_params();
        let mut tape = CurvatureTape::new(&self.mlp);
        let mut h = vec![0.0; p * p];
        let mut e = vec![0.0; p];
        let weight = 1.0 / self.noise_variance;
        for j in 0..p {
            e[j] = 1.0;
            let row = &mut h[j * p..(j + 1) * p];
            for (&x, &t) in data.inputs.iter().zip(&data.targets) {
                example_hvp(&self.mlp, w, &[x], t, &e, weight, &mut tape, row, None);
            }
            row[j] += 1.0 / self.prior_variance;
            e[j] = 0.0;
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

    /// The Laplace evidence `ln Z = ln p(D, w*) + (P/2)ln 2π − ½ ln det H̄` given the Cholesky
    /// factor of `H̄` (SCIENCE.md §3).
    pub fn laplace_evidence(&self, log_joint: f64, chol: &[f64]) -> f64 {
        let p = self.num_params();
        log_joint + 0.5 * p as f64 * LN_2PI - 0.5 * log_det(chol, p)
    }

    /// One damped Newton step on `U = −ln p(D, w)` with the full Hessian (Levenberg's
    /// damping): solve `(H̄ + λI)δ = ∇ln p(D, w)` (λ raised ×10 until the Cholesky succeeds),
    /// accept `w + δ` if U decreases (then `λ ← λ/3`), else keep `w` and set `λ ← 3λ`. The
    /// GGN would be cheaper but converges only linearly here: where the residual term of the
    /// Hessian is large, undamped GGN steps are rejected. Returns the (possibly new)
    /// `ln p(D, w)`, whether the step was accepted and `max_j |∂ ln p(D, w)/∂w_j|` at the
    /// starting point.
    pub fn newton_step(
        &self,
        w: &mut [f64],
        data: &RegressionData,
        damping: &mut f64,
    ) -> (f64, bool, f64) {
        let p = self.num_params();
        let mut tape = self.mlp.tape();
        let mut grad = vec![0.0; p];
        let current = self.log_joint(w, data, &mut tape, &mut grad);
        let slope = grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        let hessian = self.hessian(w, data);
        let mut a = hessian.clone();
        let l = loop {
            for j in 0..p {
                a[j * p + j] = hessian[j * p + j] + *damping;
            }
            if let Some(l) = cholesky(&a, p) {
                break l;
            }
            if *damping >= 1e12 {
                return (current, false, slope);
            }
            *damping = (*damping * 10.0).max(1e-6);
        };
        cholesky_solve(&l, p, &mut grad);
        let trial: Vec<f64> = w.iter().zip(&grad).map(|(a, d)| a + d).collect();
        let mut scratch = vec![0.0; p];
        let value = self.log_joint(&trial, data, &mut tape, &mut scratch);
        if value.is_finite() && value >= current {
            w.copy_from_slice(&trial);
            *damping /= 3.0;
            (value, true, slope)
        } else {
            *damping = (*damping * 3.0).min(1e12);
            (current, false, slope)
        }
    }
}
