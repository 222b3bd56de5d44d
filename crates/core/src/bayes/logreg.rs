//! Bayesian logistic regression in 2-D: MAP, the Laplace approximation and its predictive
//! approximations, against the true posterior on a grid (SCIENCE.md §3; MacKay 1992; Bishop
//! PRML §4.4–4.5; Lecture 8, "BNN Posterior Inference").
//!
//! `p(y = 1|x, w) = σ(wᵀx)`, `w ∈ R²`, no bias, prior `N(0, ηI)` with `η = 2` by default.
//! With `s_i = σ(wᵀx_i)`:
//! - gradient `Σ(y_i − s_i)x_i − w/η`, Bayesian curvature `H̄ = Σ s_i(1 − s_i)x_ix_iᵀ + I/η`
//!   (the data term **summed**: N times the mean-loss Hessian, plus the prior);
//! - Newton's method `w ← w + H̄⁻¹∇` converges quadratically (the log posterior is concave);
//! - Laplace: `p(w|D) ≈ N(w_MAP, H̄⁻¹)` and
//!   `ln Z_Lap = ln p(D, w_MAP) + (d/2)ln 2π − ½ln det H̄`.
//!
//! 2×2 matrices are `[a11, a12, a21, a22]` (row-major).

use super::logreg_importance::importance_quadrature;
use super::quad::composite_gauss_legendre;
use super::special::{log_sigmoid, sigmoid, sigmoid_slice, LN_2PI};
use crate::rng::SeededRng;
use serde::Serialize;

use crate::linalg::{cholesky2, det2, inv2, max_eigenvalue_sym2, Mat2};

/// Default prior variance `η = 2` (SCIENCE.md §3).
pub const DEFAULT_PRIOR_VARIANCE: f64 = 2.0;

/// A binary classification data set in 2-D.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRegData {
    /// Inputs `x_i ∈ R²`.
    pub inputs: Vec<[f64; 2]>,
    /// Labels `y_i ∈ {0, 1}`.
    pub labels: Vec<f64>,
}

/// One point's `y ln σ(a) + (1 − y) ln σ(−a)`. For a label 0 or 1 and a finite `a` the other
/// term is `0·(finite ≤ 0) = ±0`, and adding it changes nothing, so it is skipped: the same bits
/// at half the `exp`/`log1p` calls (the grid posterior's cost, issue 7). Other labels, or a
/// non-finite `a` (where `0·∞` would be NaN), take the full formula.
#[inline]
pub fn log_likelihood_term(a: f64, y: f64) -> f64 {
    if a.is_finite() {
        if y == 1.0 {
            return log_sigmoid(a);
        }
        if y == 0.0 {
            return log_sigmoid(-a);
        }
    }
    y * log_sigmoid(a) + (1.0 - y) * log_sigmoid(-a)
}

impl LogRegData {
    /// A seeded data set: `x_i ~ N(0, I₂)` and `y_i ~ Bernoulli(σ(w_trueᵀx_i))`. Draws from
    /// stream 0 of `seed`, per example `x_i1, x_i2`, then one uniform for the label.
    pub fn generate(n: usize, true_weights: [f64; 2], seed: u64) -> Self {
        let mut rng = SeededRng::new(seed, 0);
        let mut inputs = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let x = [rng.normal(), rng.normal()];
            let p = sigmoid(true_weights[0] * x[0] + true_weights[1] * x[1]);
            inputs.push(x);
            labels.push(if rng.uniform() < p { 1.0 } else { 0.0 });
        }
        LogRegData { inputs, labels }
    }

    /// `ln p(D|w) = Σ y_i ln σ(a_i) + (1 − y_i) ln σ(−a_i)`, `a_i = wᵀx_i`.
    pub fn log_likelihood(&self, w: [f64; 2]) -> f64 {
        self.inputs
            .iter()
            .zip(&self.labels)
            .map(|(x, &y)| log_likelihood_term(w[0] * x[0] + w[1] * x[1], y))
            .sum()
    }

    /// `ln p(D, w) = ln p(D|w) + ln N(w; 0, ηI)`.
    pub fn log_joint(&self, w: [f64; 2], prior_variance: f64) -> f64 {
        self.log_likelihood(w)
            - (LN_2PI + libm::log(prior_variance))
            - (w[0] * w[0] + w[1] * w[1]) / (2.0 * prior_variance)
    }

    /// Gradient `Σ(y_i − s_i)x_i − w/η` and `H̄ = Σ s_i(1 − s_i)x_ix_iᵀ + I/η` of `−ln p(D, w)`'s
    /// negative, i.e. of the log joint and minus its Hessian.
    pub fn gradient_and_curvature(&self, w: [f64; 2], prior_variance: f64) -> ([f64; 2], Mat2) {
        let mut g = [-w[0] / prior_variance, -w[1] / prior_variance];
        let mut h = [1.0 / prior_variance, 0.0, 0.0, 1.0 / prior_variance];
        for (x, y) in self.inputs.iter().zip(&self.labels) {
            let s = sigmoid(w[0] * x[0] + w[1] * x[1]);
            let r = s * (1.0 - s);
            g[0] += (y - s) * x[0];
            g[1] += (y - s) * x[1];
            h[0] += r * x[0] * x[0];
            h[1] += r * x[0] * x[1];
            h[3] += r * x[1] * x[1];
        }
        h[2] = h[1];
        (g, h)
    }
}

/// The MAP fit and its Laplace approximation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Laplace {
    /// `η`.
    pub prior_variance: f64,
    /// `w_MAP`.
    pub map: [f64; 2],
    /// `H̄ = −∇² ln p(w|D)` at `w_MAP`.
    pub curvature: Mat2,
    /// `H̄⁻¹`, the Laplace covariance.
    pub covariance: Mat2,
    /// `ln p(D, w_MAP)`.
    pub log_joint_at_map: f64,
    /// `ln Z_Lap = ln p(D, w_MAP) + ln 2π − ½ ln det H̄` (d = 2).
    pub log_evidence: f64,
    /// Newton iterations taken.
    pub newton_iterations: usize,
    /// `|∇ ln p(D, w)|` at the returned `w_MAP`.
    pub gradient_norm: f64,
}

/// Newton's method from `w = 0` until the step is below `1e-13` (at most 100 iterations),
/// then the Laplace quantities at the optimum.
pub fn laplace(data: &LogRegData, prior_variance: f64) -> Laplace {
    let mut w = [0.0, 0.0];
    let mut iterations = 100;
    for it in 0..100 {
        let (g, h) = data.gradient_and_curvature(w, prior_variance);
        let hi = inv2(h);
        let step = [hi[0] * g[0] + hi[1] * g[1], hi[2] * g[0] + hi[3] * g[1]];
        w = [w[0] + step[0], w[1] + step[1]];
        if step[0].abs().max(step[1].abs()) < 1e-13 {
            iterations = it + 1;
            break;
        }
    }
    let (g, h) = data.gradient_and_curvature(w, prior_variance);
    let log_joint = data.log_joint(w, prior_variance);
    Laplace {
        prior_variance,
        map: w,
        curvature: h,
        covariance: inv2(h),
        log_joint_at_map: log_joint,
        log_evidence: log_joint + LN_2PI - 0.5 * libm::log(det2(h)),
        newton_iterations: iterations,
        gradient_norm: libm::sqrt(g[0] * g[0] + g[1] * g[1]),
    }
}

/// Predictive probabilities `p(y = 1|x*)` under the Laplace posterior.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Predictive {
    /// `μ_a = w_MAPᵀx*`.
    pub activation_mean: f64,
    /// `s² = x*ᵀH̄⁻¹x*`.
    pub activation_variance: f64,
    /// Plug-in `σ(μ_a)`.
    pub plug_in: f64,
    /// Probit `σ(κμ_a)`, `κ = (1 + πs²/8)^{−1/2}` (MacKay 1992; Bishop 4.153).
    pub probit: f64,
    /// Laplace average `∫σ(a)N(a; μ_a, s²)da`, by quadrature.
    pub laplace_average: f64,
}

/// `∫σ(a)N(a; μ, s²)da` by the trapezoid rule in `u = (a − μ)/s` on `[−12, 12]` with step
/// 0.05: `σ(μ + su)` has poles at distance `π/s` from the real `u` axis, so the error is about
/// `e^{−2π²/(0.05 s)}` (below 1e-8 for `s ≤ 20`) plus the `e^{−72}` tails.
pub fn gaussian_sigmoid_average(mean: f64, std: f64) -> f64 {
    if std <= 0.0 {
        return sigmoid(mean);
    }
    // s = Σ_i w_i e^{−u_i²/2} σ(μ + s u_i), in node order; the factors w_i e^{−u_i²/2} do not
    // depend on (μ, s) and the sigmoids are one vectorized pass: the same bits as the plain
    // loop (tested), at a fraction of the `exp`s (issue 7: the variational predictive map).
    let (u, g) = trapezoid_nodes();
    let mut a = [0.0; TRAPEZOID_NODES];
    for (ai, ui) in a.iter_mut().zip(u) {
        *ai = mean + std * ui;
    }
    let mut sig = [0.0; TRAPEZOID_NODES];
    sigmoid_slice(&a, &mut sig);
    let mut s = 0.0;
    for (gi, si) in g.iter().zip(&sig) {
        s += gi * si;
    }
    s * TRAPEZOID_STEP / libm::sqrt(2.0 * std::f64::consts::PI)
}

const TRAPEZOID_STEP: f64 = 0.05;
const TRAPEZOID_HALF: usize = 240;
const TRAPEZOID_NODES: usize = 2 * TRAPEZOID_HALF + 1;

/// [`gaussian_sigmoid_average`]'s nodes `u_i = (i − 240)·0.05` and factors `w_i e^{−u_i²/2}`
/// (`w = ½` at the two ends, else 1), computed once.
#[allow(clippy::type_complexity)]
fn trapezoid_nodes() -> &'static ([f64; TRAPEZOID_NODES], [f64; TRAPEZOID_NODES]) {
    static NODES: std::sync::OnceLock<([f64; TRAPEZOID_NODES], [f64; TRAPEZOID_NODES])> =
        std::sync::OnceLock::new();
    NODES.get_or_init(|| {
        let (mut u, mut g) = ([0.0; TRAPEZOID_NODES], [0.0; TRAPEZOID_NODES]);
        for i in 0..TRAPEZOID_NODES {
            u[i] = (i as f64 - TRAPEZOID_HALF as f64) * TRAPEZOID_STEP;
            let w = if i == 0 || i == 2 * TRAPEZOID_HALF {
                0.5
            } else {
                1.0
            };
            g[i] = w * libm::exp(-0.5 * u[i] * u[i]);
        }
        (u, g)
    })
}

/// The probit approximation of `∫σ(a)N(a; μ, v)da`: `σ(κμ)`, `κ = (1 + πv/8)^{−1/2}` (MacKay
/// 1992; Bishop 4.153).
fn probit_approximation(mu: f64, var: f64) -> f64 {
    let kappa = 1.0 / libm::sqrt(1.0 + std::f64::consts::PI * var / 8.0);
    sigmoid(kappa * mu)
}

impl Laplace {
    /// The three Laplace-based predictives at `x*`.
    pub fn predictive(&self, x: [f64; 2]) -> Predictive {
        let (mu, var) = self.activation(x);
        Predictive {
            activation_mean: mu,
            activation_variance: var,
            plug_in: sigmoid(mu),
            probit: probit_approximation(mu, var),
            laplace_average: gaussian_sigmoid_average(mu, libm::sqrt(var)),
        }
    }

    /// `(μ, v)`: the activation `wᵀx*`'s mean `w_MAPᵀx*` and variance `x*ᵀH̄⁻¹x*` under the
    /// Laplace posterior.
    pub fn activation(&self, x: [f64; 2]) -> (f64, f64) {
        let mu = self.map[0] * x[0] + self.map[1] * x[1];
        let c = self.covariance;
        let var = x[0] * (c[0] * x[0] + c[1] * x[1]) + x[1] * (c[2] * x[0] + c[3] * x[1]);
        (mu, var)
    }

    /// [`Predictive::plug_in`] alone.
    pub fn plug_in(&self, x: [f64; 2]) -> f64 {
        sigmoid(self.activation(x).0)
    }

    /// [`Predictive::probit`] alone.
    pub fn probit(&self, x: [f64; 2]) -> f64 {
        let (mu, var) = self.activation(x);
        probit_approximation(mu, var)
    }

    /// `L`, the lower Cholesky factor of `H̄⁻¹`: `w = w_MAP + Lu` whitens the Laplace posterior.
    pub fn whitening(&self) -> Mat2 {
        cholesky2(self.covariance)
    }

    /// `c* = ηλ_max(H̄)/2`: importance sampling from `N(w_MAP, cH̄⁻¹)` has finite weight
    /// variance iff `c > c*` (SCIENCE.md §3).
    pub fn critical_proposal_scale(&self) -> f64 {
        0.5 * self.prior_variance * max_eigenvalue_sym2(self.curvature)
    }
}

/// A tensor-product Gauss–Legendre grid in whitened coordinates `u ∈ [−R, R]²`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GridSpec {
    /// `R`, in units of the Laplace std.
    pub half_width: f64,
    /// Panels per axis.
    pub panels: usize,
    /// Gauss–Legendre nodes per panel.
    pub nodes_per_panel: usize,
}

impl GridSpec {
    /// `R = 10·max(1, √(ηλ_max(H̄)))`: the posterior's std in whitened units is at most
    /// `√(ηλ_max(H̄))` in any direction (its tails are at worst the prior's), so the box holds
    /// all but `e^{−50}` of the mass. Panels of width ≤ 2 with 12 nodes each: on the test data
    /// sets, doubling the panels changes `ln Z`, the mean and the covariance by < 1e-12.
    pub fn for_laplace(laplace: &Laplace) -> Self {
        let r = 10.0 * libm::sqrt(2.0 * laplace.critical_proposal_scale()).max(1.0);
        GridSpec {
            half_width: r,
            panels: libm::ceil(r) as usize,
            nodes_per_panel: 12,
        }
    }
}

/// The true posterior on a grid: evidence, mean, covariance and predictive.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GridPosterior {
    /// `ln p(D) = ln ∫p(D, w)dw`.
    pub log_evidence: f64,
    /// `E[w|D]`.
    pub mean: [f64; 2],
    /// `Cov[w|D]`.
    pub covariance: Mat2,
    /// The grid used.
    pub grid: GridSpec,
    /// Nodes `w_k` carrying posterior mass above `1e-14` of the largest node's (the dropped
    /// mass is below `1e-14` times the number of grid nodes).
    pub nodes: Vec<[f64; 2]>,
    /// Their posterior weights, renormalized to sum to 1.
    pub weights: Vec<f64>,
}

impl GridPosterior {
    /// The true predictive `p(y = 1|x*, D) = Σ_k weight_k σ(w_kᵀx*)`.
    pub fn predictive(&self, x: [f64; 2]) -> f64 {
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(w, p)| p * sigmoid(w[0] * x[0] + w[1] * x[1]))
            .sum()
    }

    /// [`GridPosterior::predictive`] at each of `points`, bit for bit, with each point's
    /// sigmoids taken as one vectorized pass ([`sigmoid_slice`]; issue 7: the true predictive
    /// map was three quarters of the logistic-regression panel's first frame).
    pub fn predictive_many(&self, points: impl IntoIterator<Item = [f64; 2]>) -> Vec<f64> {
        let n = self.nodes.len();
        let (mut a, mut e) = (vec![0.0; n], vec![0.0; n]);
        points
            .into_iter()
            .map(|x| {
                for (ak, w) in a.iter_mut().zip(&self.nodes) {
                    *ak = w[0] * x[0] + w[1] * x[1];
                }
                // σ(a_k), then the weighted sum in node order.
                sigmoid_slice(&a, &mut e);
                e.iter().zip(&self.weights).map(|(s, p)| p * s).sum()
            })
            .collect()
    }
}

/// Predictive probabilities on a square grid of inputs, for plotting decision contours.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictiveMap {
    /// The `n` coordinates of each axis, `x₁` and `x₂` alike: `[−extent, extent]`.
    pub axis: Vec<f64>,
    /// `p(y = 1|x*)` on the `n×n` grid, row-major with rows along `x₂` (row `r` is
    /// `x₂ = axis[r]`, column `c` is `x₁ = axis[c]`), in the order plug-in, probit, Laplace
    /// average, true (grid posterior).
    pub maps: [Vec<f64>; 4],
}

/// The four predictives at `n×n` points of `[−extent, extent]²` (`n ≥ 2`). Cost: `n²` times
/// the number of kept grid-posterior nodes (a few ten thousand) sigmoids for the true map.
pub fn predictive_map(
    laplace: &Laplace,
    posterior: &GridPosterior,
    extent: f64,
    n: usize,
) -> PredictiveMap {
    let axis: Vec<f64> = (0..n)
        .map(|k| -extent + 2.0 * extent * k as f64 / (n - 1) as f64)
        .collect();
    let mut maps: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(n * n));
    for &x2 in &axis {
        for &x1 in &axis {
            let p = laplace.predictive([x1, x2]);
            maps[0].push(p.plug_in);
            maps[1].push(p.probit);
            maps[2].push(p.laplace_average);
            maps[3].push(posterior.predictive([x1, x2]));
        }
    }
    PredictiveMap { axis, maps }
}

/// Integrate the posterior on a Gauss–Legendre grid in Laplace-whitened coordinates
/// `w = w_MAP + Lu`, `LLᵀ = H̄⁻¹` (Jacobian `det L`).
pub fn grid_posterior(data: &LogRegData, laplace: &Laplace, grid: GridSpec) -> GridPosterior {
    let (u, wu) = composite_gauss_legendre(
        -grid.half_width,
        grid.half_width,
        grid.panels,
        grid.nodes_per_panel,
    );
    let l = laplace.whitening();
    let eta = laplace.prior_variance;
    let shift = laplace.log_joint_at_map;
    let mut nodes = Vec::with_capacity(u.len() * u.len());
    let mut mass = Vec::with_capacity(u.len() * u.len());
    for (a, wa) in u.iter().zip(&wu) {
        for (b, wb) in u.iter().zip(&wu) {
            let w = [
                laplace.map[0] + l[0] * a,
                laplace.map[1] + l[2] * a + l[3] * b,
            ];
            let m = wa * wb * libm::exp(data.log_joint(w, eta) - shift);
            nodes.push(w);
            mass.push(m);
        }
    }
    let total: f64 = mass.iter().sum();
    let jac = det2(l);
    let (mut m0, mut m1) = (0.0, 0.0);
    for (w, p) in nodes.iter().zip(&mass) {
        m0 += p * w[0];
        m1 += p * w[1];
    }
    let mean = [m0 / total, m1 / total];
    let mut c = [0.0; 4];
    for (w, p) in nodes.iter().zip(&mass) {
        let (d0, d1) = (w[0] - mean[0], w[1] - mean[1]);
        c[0] += p * d0 * d0;
        c[1] += p * d0 * d1;
        c[3] += p * d1 * d1;
    }
    c = [c[0] / total, c[1] / total, c[1] / total, c[3] / total];
    let top = mass.iter().copied().fold(0.0, f64::max);
    let (nodes, mut weights): (Vec<[f64; 2]>, Vec<f64>) = nodes
        .into_iter()
        .zip(mass)
        .filter(|(_, p)| *p > 1e-14 * top)
        .unzip();
    let kept: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|p| *p /= kept);
    GridPosterior {
        log_evidence: shift + libm::log(total * jac),
        mean,
        covariance: c,
        grid,
        nodes,
        weights,
    }
}

/// `ln(E_q[ω²]/E_q[ω]²)` for importance weights `ω = p(D, w)/q(w)` with proposal
/// `q = N(w_MAP, cH̄⁻¹)`, integrated over the whitened box `|u_i| ≤ half_width` on a
/// Gauss–Legendre grid (panels of width ≤ 2, 8 nodes; [`importance_quadrature`]);
/// `log_evidence` is `ln Z` (e.g. [`GridPosterior::log_evidence`]).
/// `E_q[ω²]/E_q[ω]² = 1 + Var_q(ω)/Z²` is `n/ESS` for `n` samples: as the box grows it converges
/// iff `c > ηλ_max(H̄)/2`, and grows without bound otherwise (SCIENCE.md §3).
pub fn importance_log_second_moment(
    data: &LogRegData,
    laplace: &Laplace,
    c: f64,
    half_width: f64,
    log_evidence: f64,
) -> f64 {
    let grid = GridSpec {
        half_width,
        panels: libm::ceil(half_width) as usize,
        nodes_per_panel: 8,
    };
    importance_quadrature(data, laplace, [0.0, 0.0], c, grid).log_second_moment - 2.0 * log_evidence
}
