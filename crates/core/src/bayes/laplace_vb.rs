//! Laplace vs variational Gaussian on a 1-D density (SCIENCE.md §5; Bishop, PRML Fig. 4.14 in
//! §4.4 and Fig. 10.1 in §10.1; Lecture 8, "Variational Bayes and Curvature").
//!
//! The target is a tilted Gaussian `p̃(z) = exp(−z²/2)σ(a z + b)`, Bishop's with slope
//! `a = 20` and offset `b = 4`, and `p = p̃/Z`. Its log density `f = ln p̃` is concave:
//! `f' = −z + aσ(−(az + b))` and `f'' = −1 − a²σ(az + b)σ(−(az + b)) ≤ −1`.
//!
//! Three Gaussians approximate `p`:
//! - **Laplace** `q_L = N(z0, 1/A)` at the mode `z0` (`f'(z0) = 0`), `A = −f''(z0)`: the width
//!   is set by the local curvature only; Laplace's `Z ≈ p̃(z0)√(2π/A)`.
//! - **Variational** `q_VI = argmin KL(q‖p)` over `N(m, s²)`: maximizes
//!   `E_q f + ln s + ½ln(2πe)`, by Newton's method with quadrature expectations (no Monte Carlo)
//!   and the Stein identities `∂_m E_q f = E_q f'`, `∂_s E_q f = s E_q f''`.
//! - **Moment matched** `q_MM = N(E_p z, Var_p z)`, which minimizes `KL(p‖q)`.
//!
//! Every integral uses one trapezoid rule on `[−16, 16]` with step `h = min(0.01, 0.2/a)`.
//! `σ(az + b)` has poles at distance `d = π/a` from the real axis, so the rule's relative error
//! is about `e^{−2πd/h} = e^{−2π²/(ah)} ≤ e^{−98}` (Trefethen & Weideman 2014), times at most
//! `e^{d²/(2s²)}` for a Gaussian weight of std `s`; the mass beyond `|z| = 16` is below `e^{−72}`
//! (`p̃ ≤ e^{−z²/2}`). In practice the integrals are exact to rounding (see the tests).

use super::quad::trapezoid;
use super::special::{log_normal_pdf, log_sigmoid, sigmoid, LN_2PI};
use crate::config::settings;
use serde::{Deserialize, Serialize};

/// Half-width of the quadrature interval `[−16, 16]`.
pub const QUADRATURE_HALF_WIDTH: f64 = 16.0;

settings! {
    /// The settings of the density: slope `a` and offset `b` of `p̃(z) = exp(−z²/2)σ(az + b)`.
    pub const DENSITY1D_FIELDS;
    /// The tilted Gaussian `p̃(z) = exp(−z²/2)σ(slope·z + offset)`. Fields: [`DENSITY1D_FIELDS`].
    #[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct TiltedGaussian {
        /// `a`, in `[0, 50]`.
        pub slope: f64 = Real {
            name: "slope",
            label: "slope a",
            unit: "",
            help: "Steepness of the sigmoid in p̃(z) = exp(−z²/2)σ(az + b); Bishop uses 20. At 0 the density is Gaussian and all three approximations are exact.",
            min: 0.0,
            max: 50.0,
            min_open: false,
            default: 20.0,
            step: 0.5,
        },
        /// `b`, in `[−10, 10]`.
        pub offset: f64 = Real {
            name: "offset",
            label: "offset b",
            unit: "",
            help: "Offset of the sigmoid in p̃(z) = exp(−z²/2)σ(az + b); Bishop uses 4.",
            min: -10.0,
            max: 10.0,
            min_open: false,
            default: 4.0,
            step: 0.1,
        },
    }
}

impl TiltedGaussian {
    /// `f(z) = ln p̃(z) = −z²/2 + ln σ(az + b)`.
    #[inline]
    pub fn log_unnormalized(&self, z: f64) -> f64 {
        -0.5 * z * z + log_sigmoid(self.slope * z + self.offset)
    }

    /// `(f, f', f'')` at `z`: `f' = −z + aσ(−(az + b))`, `f'' = −1 − a²σ(az + b)σ(−(az + b))`.
    #[inline]
    pub fn log_derivatives(&self, z: f64) -> (f64, f64, f64) {
        let a = self.slope * z + self.offset;
        let (s, sm) = (sigmoid(a), sigmoid(-a));
        (
            -0.5 * z * z + log_sigmoid(a),
            -z + self.slope * sm,
            -1.0 - self.slope * self.slope * s * sm,
        )
    }

    /// The mode `z0`, the root of the decreasing `f'`, by Newton's method safeguarded by
    /// bisection on a bracket `[lo, hi]` with `f'(lo) > 0 > f'(hi)`; converged to `|Δz| < 1e-15`.
    pub fn mode(&self) -> f64 {
        // f'(z) = −z + aσ(·) lies in (−z, a − z), so f'(−1) > 0 > f'(a + 1).
        let (mut lo, mut hi) = (-1.0, self.slope + 1.0);
        let mut z = 0.0;
        for _ in 0..200 {
            let (_, g, h) = self.log_derivatives(z);
            if g == 0.0 {
                break;
            }
            if g > 0.0 {
                lo = z;
            } else {
                hi = z;
            }
            let newton = z - g / h;
            let next = if newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            let done = (next - z).abs() < 1e-15 || hi - lo < 1e-15;
            z = next;
            if done {
                break;
            }
        }
        z
    }

    /// The quadrature rule of this module for this density: trapezoid on `[−16, 16]`, step
    /// `min(0.01, 0.2/a)`.
    pub fn quadrature(&self) -> Quadrature {
        let h = if self.slope > 20.0 {
            0.2 / self.slope
        } else {
            0.01
        };
        Quadrature::with_step(self, h)
    }
}

/// A Gaussian `N(mean, std²)` in one dimension.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gaussian1d {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (not the variance).
    pub std: f64,
}

impl Gaussian1d {
    /// `ln N(z; mean, std²)`.
    #[inline]
    pub fn log_pdf(&self, z: f64) -> f64 {
        log_normal_pdf(z, self.mean, self.std * self.std)
    }

    /// Differential entropy `½ ln(2πe s²)` in nats.
    pub fn entropy(&self) -> f64 {
        0.5 * (LN_2PI + 1.0) + libm::log(self.std)
    }
}

/// The target's `f, f', f''` tabulated on a trapezoid grid, reused for every expectation.
#[derive(Clone, Debug)]
pub struct Quadrature {
    /// Nodes `z_k`.
    pub nodes: Vec<f64>,
    /// Trapezoid weights.
    pub weights: Vec<f64>,
    f: Vec<f64>,
    df: Vec<f64>,
    d2f: Vec<f64>,
    /// `max_k f(z_k)`, subtracted before exponentiating.
    f_max: f64,
}

impl Quadrature {
    /// The trapezoid rule on `[−16, 16]` with step close to `h` (an integer number of steps).
    pub fn with_step(density: &TiltedGaussian, h: f64) -> Self {
        let steps = libm::ceil(2.0 * QUADRATURE_HALF_WIDTH / h) as usize;
        let h = 2.0 * QUADRATURE_HALF_WIDTH / steps as f64;
        let (nodes, weights) = trapezoid(-QUADRATURE_HALF_WIDTH, h, steps + 1);
        let (mut f, mut df, mut d2f) = (vec![], vec![], vec![]);
        for &z in &nodes {
            let (a, b, c) = density.log_derivatives(z);
            f.push(a);
            df.push(b);
            d2f.push(c);
        }
        let f_max = f.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Quadrature {
            nodes,
            weights,
            f,
            df,
            d2f,
            f_max,
        }
    }

    /// `ln Z = ln ∫ p̃(z) dz`.
    pub fn log_normalizer(&self) -> f64 {
        let s: f64 = self
            .weights
            .iter()
            .zip(&self.f)
            .map(|(w, f)| w * libm::exp(f - self.f_max))
            .sum();
        self.f_max + libm::log(s)
    }

    /// `(E_p z, Var_p z)` under `p = p̃/Z`.
    pub fn moments(&self) -> (f64, f64) {
        let (mut s0, mut s1) = (0.0, 0.0);
        for ((w, f), z) in self.weights.iter().zip(&self.f).zip(&self.nodes) {
            let p = w * libm::exp(f - self.f_max);
            s0 += p;
            s1 += p * z;
        }
        let mean = s1 / s0;
        let mut s2 = 0.0;
        for ((w, f), z) in self.weights.iter().zip(&self.f).zip(&self.nodes) {
            s2 += w * libm::exp(f - self.f_max) * (z - mean) * (z - mean);
        }
        (mean, s2 / s0)
    }

    /// Expectations under `q = N(m, s²)` with `u = (z − m)/s`:
    /// `[E f, E f', E f'', E u f'', E u² f'']`.
    pub fn gaussian_expectations(&self, q: Gaussian1d) -> [f64; 5] {
        let mut e = [0.0; 5];
        let mut total = 0.0;
        for k in 0..self.nodes.len() {
            let u = (self.nodes[k] - q.mean) / q.std;
            if u.abs() > 40.0 {
                continue;
            }
            let w = self.weights[k] * libm::exp(-0.5 * u * u);
            total += w;
            e[0] += w * self.f[k];
            e[1] += w * self.df[k];
            e[2] += w * self.d2f[k];
            e[3] += w * u * self.d2f[k];
            e[4] += w * u * u * self.d2f[k];
        }
        // Normalize by the rule's own ∫q (= 1 to rounding when s ≫ h) rather than s√(2π).
        e.map(|v| v / total)
    }
}

/// `KL(q‖p)` and `KL(p‖q)` in nats for one Gaussian `q`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KlPair {
    /// Reverse (variational) direction `KL(q‖p) = −H(q) − E_q f + ln Z`.
    pub kl_q_p: f64,
    /// Forward direction `KL(p‖q) = E_p f − ln Z − E_p ln q`.
    pub kl_p_q: f64,
}

/// Everything §5 shows, computed once for a density.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Density1dAnalysis {
    /// The density.
    pub density: TiltedGaussian,
    /// `ln Z` by quadrature.
    pub log_normalizer: f64,
    /// The mode `z0`.
    pub mode: f64,
    /// `A = −f''(z0) = 1 + a²σ(a0)(1 − σ(a0))`, `a0 = a z0 + b`: the Laplace precision.
    pub laplace_precision: f64,
    /// Laplace's `ln Z ≈ f(z0) + ½ ln(2π/A)`.
    pub laplace_log_normalizer: f64,
    /// `q_L = N(z0, 1/A)`.
    pub laplace: Gaussian1d,
    /// `q_VI = argmin KL(q‖p)`.
    pub variational: Gaussian1d,
    /// Newton iterations the variational fit took.
    pub variational_iterations: usize,
    /// `q_MM = N(E_p z, Var_p z)`, `argmin KL(p‖q)`.
    pub moment_matched: Gaussian1d,
    /// KLs of the Laplace Gaussian.
    pub laplace_kl: KlPair,
    /// KLs of the variational Gaussian.
    pub variational_kl: KlPair,
    /// KLs of the moment-matched Gaussian.
    pub moment_matched_kl: KlPair,
}

/// `F(m, s) = E_q f + ln s + ½ln(2πe) = ln Z − KL(q‖p)` and its gradient and Hessian in `(m, s)`:
/// `∂_m = E f'`, `∂_s = s E f'' + 1/s` (Stein), `∂²_m = E f''`, `∂_m∂_s = E u f''`,
/// `∂²_s = E u² f'' − 1/s²`.
/// The Hessian is returned as `[∂²_m, ∂_m∂_s, ∂²_s]`.
pub fn variational_objective(quad: &Quadrature, q: Gaussian1d) -> (f64, [f64; 2], [f64; 3]) {
    let e = quad.gaussian_expectations(q);
    let value = e[0] + q.entropy();
    let grad = [e[1], q.std * e[2] + 1.0 / q.std];
    let hess = [e[2], e[3], e[4] - 1.0 / (q.std * q.std)];
    (value, grad, hess)
}

/// Fit `q_VI` by damped Newton ascent on `F(m, s)` (concave, since `f'' < 0`) from `start`,
/// until `|∇F| < 1e-12`. Returns the Gaussian and the number of iterations.
pub fn fit_variational(quad: &Quadrature, start: Gaussian1d) -> (Gaussian1d, usize) {
    let mut q = start;
    let (mut value, mut grad, mut hess) = variational_objective(quad, q);
    for iter in 0..100 {
        if grad[0].abs().max(grad[1].abs()) < 1e-12 {
            return (q, iter);
        }
        let [hmm, hms, hss] = hess;
        let det = hmm * hss - hms * hms;
        // Newton step −H⁻¹g (H negative definite), with H⁻¹ by the 2×2 inverse.
        let dm = -(hss * grad[0] - hms * grad[1]) / det;
        let ds = -(-hms * grad[0] + hmm * grad[1]) / det;
        let mut t = 1.0;
        loop {
            let trial = Gaussian1d {
                mean: q.mean + t * dm,
                std: q.std + t * ds,
            };
            if trial.std > 0.0 {
                let (v, g, h) = variational_objective(quad, trial);
                if v >= value - 1e-14 * value.abs().max(1.0) || t < 1e-6 {
                    q = trial;
                    (value, grad, hess) = (v, g, h);
                    break;
                }
            }
            t *= 0.5;
        }
    }
    (q, 100)
}

/// `KL(q‖p)` and `KL(p‖q)` for a Gaussian `q`, given `ln Z` and the moments of `p`.
pub fn kl_pair(quad: &Quadrature, log_z: f64, moments: (f64, f64), q: Gaussian1d) -> KlPair {
    let e = quad.gaussian_expectations(q);
    let kl_q_p = -q.entropy() - e[0] + log_z;
    // E_p f − ln Z = −H(p): E_p f by the same rule.
    let (mean, var) = moments;
    let mut ef = 0.0;
    let mut s0 = 0.0;
    for k in 0..quad.nodes.len() {
        let w = quad.weights[k] * libm::exp(quad.f[k] - quad.f_max);
        s0 += w;
        ef += w * quad.f[k];
    }
    let e_p_f = ef / s0;
    let v = q.std * q.std;
    let e_p_log_q = -0.5 * (LN_2PI + libm::log(v)) - (var + (mean - q.mean).powi(2)) / (2.0 * v);
    KlPair {
        kl_q_p,
        kl_p_q: e_p_f - log_z - e_p_log_q,
    }
}

/// Analyse a density: quadrature `ln Z` and moments, the mode, Laplace, the variational fit
/// (from the Laplace Gaussian) and all six KLs.
pub fn analyze(density: TiltedGaussian) -> Density1dAnalysis {
    let quad = density.quadrature();
    let log_z = quad.log_normalizer();
    let moments = quad.moments();
    let z0 = density.mode();
    let (f0, _, f2) = density.log_derivatives(z0);
    let a = -f2;
    let laplace = Gaussian1d {
        mean: z0,
        std: 1.0 / libm::sqrt(a),
    };
    let (variational, variational_iterations) = fit_variational(&quad, laplace);
    let moment_matched = Gaussian1d {
        mean: moments.0,
        std: libm::sqrt(moments.1),
    };
    Density1dAnalysis {
        density,
        log_normalizer: log_z,
        mode: z0,
        laplace_precision: a,
        laplace_log_normalizer: f0 + 0.5 * (LN_2PI - libm::log(a)),
        laplace,
        variational,
        variational_iterations,
        moment_matched,
        laplace_kl: kl_pair(&quad, log_z, moments, laplace),
        variational_kl: kl_pair(&quad, log_z, moments, variational),
        moment_matched_kl: kl_pair(&quad, log_z, moments, moment_matched),
    }
}

/// Curves for plotting (Bishop Fig. 10.1): the densities and negative log densities of `p`,
/// `q_L`, `q_VI` and `q_MM` at `n` equally spaced points of `[z_min, z_max]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Density1dCurves {
    /// The points `z`, length n.
    pub z: Vec<f64>,
    /// Densities, each length n, in the order `[p, q_L, q_VI, q_MM]`.
    pub density: [Vec<f64>; 4],
    /// Negative log densities `−ln(·)` in the same order (Fig. 10.1, right).
    pub neg_log_density: [Vec<f64>; 4],
}

/// Tabulate [`Density1dCurves`] for an analysis on `n ≥ 2` points of `[z_min, z_max]`.
pub fn curves(analysis: &Density1dAnalysis, z_min: f64, z_max: f64, n: usize) -> Density1dCurves {
    let z: Vec<f64> = (0..n)
        .map(|k| z_min + (z_max - z_min) * k as f64 / (n - 1) as f64)
        .collect();
    let qs = [
        analysis.laplace,
        analysis.variational,
        analysis.moment_matched,
    ];
    let log: [Vec<f64>; 4] = std::array::from_fn(|c| {
        z.iter()
            .map(|&x| match c {
                0 => analysis.density.log_unnormalized(x) - analysis.log_normalizer,
                _ => qs[c - 1].log_pdf(x),
            })
            .collect()
    });
    Density1dCurves {
        density: std::array::from_fn(|c| log[c].iter().map(|&l| libm::exp(l)).collect()),
        neg_log_density: std::array::from_fn(|c| log[c].iter().map(|&l| -l).collect()),
        z,
    }
}
