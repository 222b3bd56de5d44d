//! Dinh, Pascanu, Bengio & Bengio (ICML 2017), "Sharp minima can generalize for deep nets", on
//! the demo net of SCIENCE.md §1: a 2-3-1 ReLU net with biases, `f = W₂·relu(W₁x + b₁) + b₂`,
//! parameters `[W₁ (3×2 row-major), b₁, W₂, b₂]`, squared loss `J = (1/N) Σ ½(f(xᵢ) − tᵢ)²`.
//!
//! The rescaling `W₁, b₁ → aW₁, ab₁`, `W₂ → W₂/a` (a > 0) is exact because `relu(az) =
//! a·relu(z)`: outputs, loss and `‖∂f/∂x‖` do not change. It is the linear map `θ ↦ Dθ` with
//! `D = diag(a on layer 1, 1/a on W₂, 1 on b₂)`, so `H(a) = D⁻¹H(1)D⁻¹` and `G(a) = D⁻¹G(1)D⁻¹`:
//! `λ_max → a²·λ_max(H_{W₂W₂})` as a → ∞ and `→ λ_max(H_{layer 1})/a²` as a → 0.
//!
//! A quantity that stays put: the KL divergence from a Gaussian prior to the Laplace (Gauss–
//! Newton) posterior `N(θ, Λ⁻¹)`, `Λ = N·G + Σ_p⁻¹` (SCIENCE.md §0: data term summed, unit noise
//! variance), **when the prior is carried along** (`Σ_p = η D²`, i.e. the same prior in the
//! new coordinates): both Gaussians are pushed through the same linear map and the KL is
//! invariant. With a fixed prior `N(0, ηI)` in every coordinate system the KL changes with a.
//! (The Gauss–Newton matrix is used because `H` need not be positive definite away from
//! interpolation; at interpolation `H = G`.)

use super::spectrum::lanczos;
use crate::data::Dataset;
use crate::nn::hessian::{self, CurvatureTape};
use crate::nn::mlp::{Activation, Loss, Mlp};
use crate::rng::SeededRng;
use nalgebra::DMatrix;
use serde::Serialize;

/// Prior variance η of the KL readouts (SCIENCE.md §0: `p(w) = N(0, ηI)`).
pub const PRIOR_VARIANCE: f64 = 1.0;
/// Training points of the demo.
pub const DEMO_POINTS: usize = 24;
/// The slider's range (SCIENCE.md §1).
pub const A_MIN: f64 = 0.25;
pub const A_MAX: f64 = 10.0;

/// The 2-3-1 ReLU demo net with the squared loss.
pub fn demo_mlp() -> Mlp {
    Mlp::new(&[2, 3, 1], Activation::Relu, Loss::Squared)
}

/// Dinh et al.'s rescaling of a ReLU net: the first layer's weights and biases times `a`, the
/// second layer's weights divided by `a` (its biases unchanged). Exact for any depth, since
/// only layers 1 and 2 change.
pub fn dinh_rescale(mlp: &Mlp, params: &[f64], a: f64) -> Vec<f64> {
    let mut p = params.to_vec();
    let w = mlp.widths();
    let o1 = mlp.weight_offset(1);
    p[o1..o1 + w[1] * (w[0] + 1)]
        .iter_mut()
        .for_each(|x| *x *= a);
    let o2 = mlp.weight_offset(2);
    p[o2..o2 + w[2] * w[1]].iter_mut().for_each(|x| *x /= a);
    p
}

/// The diagonal of `D` in `θ(a) = Dθ(1)` (see the module docs).
pub fn rescale_diagonal(mlp: &Mlp, a: f64) -> Vec<f64> {
    dinh_rescale(mlp, &vec![1.0; mlp.num_params()], a)
}

/// The demo problem: a teacher 2-3-1 ReLU net (from `seed`), `DEMO_POINTS` inputs `x ~ N(0, I₂)`
/// with targets `teacher(x) + noise·ε`. With `noise = 0` the teacher itself is an interpolating
/// minimum (every `rᵢ = 0`); otherwise the net is trained from the teacher by full-batch
/// gradient descent (α = 0.05, 3000 steps) to a nearby minimum. Returns `(params, data)`.
pub fn demo_problem(seed: u64, noise: f64) -> (Vec<f64>, Dataset) {
    let mlp = demo_mlp();
    let mut rng = SeededRng::new(seed, 40);
    // Teacher: W₁ rows of unit scale, biases so that every unit is active on part of the data.
    let mut teacher: Vec<f64> = (0..mlp.num_params()).map(|_| rng.normal()).collect();
    let o1 = mlp.weight_offset(1);
    for b in &mut teacher[o1 + 6..o1 + 9] {
        *b *= 0.3;
    }
    let mut data = Dataset::new(2);
    let mut tape = CurvatureTape::new(&mlp);
    let mut jac = vec![0.0; mlp.num_params()];
    for _ in 0..DEMO_POINTS {
        let x = [rng.normal(), rng.normal()];
        let f = hessian::output_gradient(&mlp, &teacher, &x, &mut tape, &mut jac);
        data.push(&x, f + noise * rng.normal());
    }
    let mut p = teacher;
    if noise > 0.0 {
        let mut g = vec![0.0; mlp.num_params()];
        for _ in 0..3000 {
            hessian::gradient(&mlp, &p, &data, &mut g);
            p.iter_mut().zip(&g).for_each(|(p, g)| *p -= 0.05 * g);
        }
    }
    (p, data)
}

/// Everything the slider shows at one `a`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RescalePoint {
    pub a: f64,
    /// `λ_max(H)` and `λ_max(G)` (exact: Lanczos to the full dimension).
    pub lambda_max: f64,
    pub lambda_max_gauss_newton: f64,
    /// `tr H`.
    pub trace: f64,
    /// The training loss `J`.
    pub loss: f64,
    /// `max_i |f_a(xᵢ) − f_1(xᵢ)|` over the training points (zero to rounding).
    pub max_output_change: f64,
    /// Mean over the training points of `‖∂f/∂x‖`, the input sensitivity.
    pub input_gradient_norm: f64,
    /// KL(Laplace–GGN posterior ‖ prior) with the prior carried along (`Σ_p = ηD²`): invariant.
    pub kl_carried_prior: f64,
    /// The same with a fixed prior `N(0, ηI)`: changes with a.
    pub kl_fixed_prior: f64,
}

/// The rescaling demo: a log-spaced sweep of a over `[A_MIN, A_MAX]`, the point at the chosen a,
/// the predicted asymptotes and the function along a line through input space.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RescaleReport {
    pub sweep: Vec<RescalePoint>,
    pub current: RescalePoint,
    /// The point at a = 1 (the parameters as found), the reference of the ratios.
    pub at_one: RescalePoint,
    /// `λ_max(H_{W₂W₂})`: `λ_max(H(a)) ≈ large_a_coefficient·a²` for large a.
    pub large_a_coefficient: f64,
    /// `λ_max(H_{layer 1})`: `λ_max(H(a)) ≈ small_a_coefficient/a²` for small a.
    pub small_a_coefficient: f64,
    /// Whether the demo net interpolates (demo noise 0: `H = G`).
    pub interpolating: bool,
    /// Inputs `x = (s, 0.3)` along the line, the outputs at a = 1 and at the chosen a.
    pub line_s: Vec<f64>,
    pub line_f1: Vec<f64>,
    pub line_fa: Vec<f64>,
    /// The training points' first input coordinate and target (for drawing).
    pub data_x1: Vec<f64>,
    pub data_t: Vec<f64>,
}

/// The largest eigenvalue of the symmetric `p × p` matrix `m` (row-major): Lanczos with `p` steps
/// and full reorthogonalization, exact to rounding (see [`lanczos`]). Used instead of a dense
/// eigendecomposition so the sharpness module does not carry nalgebra's (≈ 12 KB of wasm).
fn dense_eigen_max(m: &[f64], p: usize) -> f64 {
    let mut rng = SeededRng::new(0, 41);
    lanczos(p, p, 1, &mut rng, |v, out| {
        for i in 0..p {
            out[i] = crate::nn::mlp::dot(&m[i * p..(i + 1) * p], v);
        }
    })
    .eigenvalues[0]
}

/// KL(N(θ, Λ⁻¹) ‖ N(0, Σ_p)) with diagonal `Σ_p = prior_var` and `Λ = N·G + Σ_p⁻¹`.
fn laplace_kl(theta: &[f64], gauss_newton: &[f64], n: usize, prior_var: &[f64]) -> f64 {
    let p = theta.len();
    let mut lam = DMatrix::from_row_slice(p, p, gauss_newton) * n as f64;
    for i in 0..p {
        lam[(i, i)] += 1.0 / prior_var[i];
    }
    let Some(chol) = lam.clone().cholesky() else {
        return f64::NAN;
    };
    let cov = chol.inverse();
    let log_det_lam: f64 = 2.0
        * chol
            .l()
            .diagonal()
            .iter()
            .map(|d| libm::log(*d))
            .sum::<f64>();
    let mut tr = 0.0;
    let mut quad = 0.0;
    let mut log_det_prior = 0.0;
    for i in 0..p {
        tr += cov[(i, i)] / prior_var[i];
        quad += theta[i] * theta[i] / prior_var[i];
        log_det_prior += libm::log(prior_var[i]);
    }
    0.5 * (tr + quad - p as f64 + log_det_prior + log_det_lam)
}

/// [`RescalePoint`] for the demo net at `a` (params at a = 1 given).
pub fn rescale_point(params: &[f64], data: &Dataset, a: f64) -> RescalePoint {
    let mlp = demo_mlp();
    let p = mlp.num_params();
    let theta = dinh_rescale(&mlp, params, a);
    let h = hessian::dense_hessian(&mlp, &theta, data);
    let g = hessian::dense_gauss_newton(&mlp, &theta, data);
    let full = |m: &[f64]| dense_eigen_max(m, p);
    let mut tape = CurvatureTape::new(&mlp);
    let (mut jac, mut dx) = (vec![0.0; p], [0.0; 2]);
    let (mut change, mut sens, mut loss) = (0.0f64, 0.0, 0.0);
    for i in 0..data.len() {
        let fa = hessian::output_gradient(&mlp, &theta, data.input(i), &mut tape, &mut jac);
        let f1 = hessian::output_gradient(&mlp, params, data.input(i), &mut tape, &mut jac);
        change = change.max((fa - f1).abs());
        loss += mlp.loss.value(fa, data.targets[i]);
        hessian::input_gradient(&mlp, &theta, data.input(i), &mut tape, &mut dx);
        sens += (dx[0] * dx[0] + dx[1] * dx[1]).sqrt();
    }
    let n = data.len().max(1) as f64;
    let d = rescale_diagonal(&mlp, a);
    let carried: Vec<f64> = d.iter().map(|d| PRIOR_VARIANCE * d * d).collect();
    RescalePoint {
        a,
        lambda_max: full(&h),
        lambda_max_gauss_newton: full(&g),
        trace: (0..p).map(|i| h[i * p + i]).sum(),
        loss: loss / n,
        max_output_change: change,
        input_gradient_norm: sens / n,
        kl_carried_prior: laplace_kl(&theta, &g, data.len(), &carried),
        kl_fixed_prior: laplace_kl(&theta, &g, data.len(), &vec![PRIOR_VARIANCE; p]),
    }
}

/// The full demo report for `seed`, demo noise and the chosen `a` (`sweep_points` log-spaced
/// values of a in `[A_MIN, A_MAX]`).
pub fn rescale_report(seed: u64, noise: f64, a: f64, sweep_points: usize) -> RescaleReport {
    let mlp = demo_mlp();
    let (params, data) = demo_problem(seed, noise);
    let k = sweep_points.max(2);
    let sweep = (0..k)
        .map(|i| {
            let t = i as f64 / (k - 1) as f64;
            let a = A_MIN * libm::pow(A_MAX / A_MIN, t);
            rescale_point(&params, &data, a)
        })
        .collect();
    let p = mlp.num_params();
    let h1 = hessian::dense_hessian(&mlp, &params, &data);
    let block = |idx: std::ops::Range<usize>| {
        let m = idx.len();
        let sub: Vec<f64> = idx
            .clone()
            .flat_map(|i| idx.clone().map(move |j| (i, j)))
            .map(|(i, j)| h1[i * p + j])
            .collect();
        dense_eigen_max(&sub, m)
    };
    let o2 = mlp.weight_offset(2);
    let mut tape = CurvatureTape::new(&mlp);
    let mut jac = vec![0.0; p];
    let theta = dinh_rescale(&mlp, &params, a);
    let line_s: Vec<f64> = (0..121).map(|i| -3.0 + 6.0 * i as f64 / 120.0).collect();
    let mut f_at =
        |w: &[f64], s: f64| hessian::output_gradient(&mlp, w, &[s, 0.3], &mut tape, &mut jac);
    let line_f1 = line_s.iter().map(|&s| f_at(&params, s)).collect();
    let line_fa = line_s.iter().map(|&s| f_at(&theta, s)).collect();
    RescaleReport {
        sweep,
        current: rescale_point(&params, &data, a),
        at_one: rescale_point(&params, &data, 1.0),
        large_a_coefficient: block(o2..o2 + 3),
        small_a_coefficient: block(0..o2),
        interpolating: noise == 0.0,
        line_s,
        line_f1,
        line_fa,
        data_x1: (0..data.len()).map(|i| data.input(i)[0]).collect(),
        data_t: data.targets.clone(),
    }
}
