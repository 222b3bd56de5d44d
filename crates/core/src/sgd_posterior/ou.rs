//! SGD as an Ornstein–Uhlenbeck process (Grosse, Lecture 8, "SGD and Implicit Variational
//! Bayes"; Mandt, Hoffman & Blei 2017, JMLR 18; SCIENCE.md §8).
//!
//! Iterates on `J = ½wᵀHw` (w measured from the minimizer) with gradient noise of covariance
//! `C/B`: `w ← w − αP(Hw + ξ) [+ N(0, vI)]`. Every method is the linear Gaussian iteration
//! `w ← (I − αK)w + noise` of [`super::lyapunov`] with `K = PH` and per-step noise covariance
//! `Q = α²PCPᵀ/B + vI`:
//! - SGD: `P = I`, `v = 0`; continuous `HΣ + ΣH = (α/B)C`, discrete `Σ_d = MΣ_dMᵀ + α²C/B`.
//! - preconditioned by `C⁻¹`: continuous `Σ = (α/2B)H⁻¹`; by `(2B/(αN))C⁻¹`: exactly `H⁻¹/N`.
//! - SGLD on `U = N·J` with step `ε/2 = α/N` on U: the same drift as SGD plus injected
//!   `v = 2α/N` (Welling–Teh) or `α/N` (the lecture's rule as written). Continuous
//!   (commuting case): `Σ = (α/2B)H⁻¹C + (v/2α)H⁻¹`, so as α → 0 it tends to `H⁻¹/N`
//!   (Welling–Teh) or `H⁻¹/(2N)` (lecture), and the mini-batch part wins once
//!   `α·tr C/B > 2d/N` (Welling–Teh), i.e. beyond Mandt's `α* = 2Bd/(N tr C)`.
//!
//! The posterior is `N(0, H⁻¹/N)`. Chain `i` draws from stream `i + 1` of the seed (stream 0
//! makes the data), so chain `i` does not depend on how many chains run. The simulation is
//! plain 2×2 loops (bit-identical in wasm); nalgebra only computes the theory.

use super::lyapunov::{
    continuous_lyapunov, discrete_lyapunov, flat2, kl_zero_mean, mat2, preconditioned_eigenvalues,
    second_moment_tau,
};
use super::ou_config::{Method, Problem, SgdOuConfig};
use super::spectrum::{self, block, generated_quadratic, rows, sgd_continuous_kl, OuFull};
use crate::bayes::linreg::LinRegData;

use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::linalg::{apply2, cholesky2, ellipse, inv2, mul2, Mat2};
use crate::rng::SeededRng;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

/// A chain whose coordinates leave `|w| ≤ DIVERGENCE_BOUND` (or turn non-finite) has diverged.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// Columns of a history row (one row per step, step 0 included).
pub const SGD_OU_HISTORY_FIELDS: [&str; 10] = [
    "step",
    "meanX",
    "meanY",
    "covXX",
    "covXY",
    "covYY",
    "avgCovXX",
    "avgCovXY",
    "avgCovYY",
    "traceRatio",
];

/// Groups of chains for the standard errors of the time-averaged covariance (chain `i` is in
/// group `i mod G`; groups are independent, so no autocorrelation correction is needed).
const GROUPS: usize = 20;

fn sym(v: [f64; 3]) -> Mat2 {
    [v[0], v[1], v[1], v[2]]
}

/// The quadratic problem: `H`, `C` and, on data, the examples. `hessian` and `noiseCovariance`
/// are the 2×2 sub-blocks at the plotted coordinates (all of H and C in 2-D); the d×d
/// matrices are in [`OuTheory::full`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quadratic {
    /// `H`, the mean-loss Hessian (projected).
    pub hessian: Mat2,
    /// `C`, the per-example gradient covariance (population, 1/N; projected).
    pub noise_covariance: Mat2,
    /// d.
    pub dimension: usize,
    /// The d×d `H` and `C`.
    #[serde(skip)]
    h: DMatrix<f64>,
    #[serde(skip)]
    c: DMatrix<f64>,
    /// The plotted coordinates, 0-based.
    #[serde(skip)]
    projection: [usize; 2],
    /// N (for the posterior `H⁻¹/N`).
    pub data_points: usize,
    /// On data: inputs `x_i` and residuals `r_i = x_iᵀw* − t_i` at the least-squares fit `w*`.
    #[serde(skip)]
    examples: Vec<([f64; 2], f64)>,
    /// On data: `w*` (the plotted w is measured from it).
    pub minimizer: [f64; 2],
}

impl Quadratic {
    /// The problem of `config`: typed-in H, C, or a seeded linear-regression data set
    /// ([`LinRegData::generate`] with 2 features, prior variance 1, plus the misspecified
    /// term `κ(x₁² − 1)` on the targets), `H = XᵀX/N`, `w* = (XᵀX)⁻¹Xᵀt` and
    /// `C = (1/N)Σ(g_i − ḡ)(g_i − ḡ)ᵀ`, `g_i = x_i r_i` (plain loops: this feeds the run).
    pub fn new(config: &SgdOuConfig) -> Self {
        let n = config.data_points as usize;
        let general = |h: DMatrix<f64>, c: DMatrix<f64>| {
            let projection = config.projection();
            Quadratic {
                hessian: block(&h, projection),
                noise_covariance: block(&c, projection),
                dimension: h.nrows(),
                h,
                c,
                projection,
                data_points: n,
                examples: Vec::new(),
                minimizer: [0.0, 0.0],
            }
        };
        match config.problem {
            Problem::Custom => {
                return general(
                    mat2(sym(config.hessian())),
                    mat2(sym(config.noise_covariance())),
                )
            }
            Problem::Spectrum => {
                let d = config.dim();
                let (h, c) = generated_quadratic(
                    d,
                    config.condition_number,
                    config.noise_condition_number,
                    config.seed as u64,
                );
                return general(
                    DMatrix::from_row_slice(d, d, &h),
                    DMatrix::from_row_slice(d, d, &c),
                );
            }
            Problem::Matrix => {
                let (h, c) = (&config.hessian_matrix, &config.gradient_covariance);
                return general(
                    DMatrix::from_row_slice(h.rows, h.cols, &h.data),
                    DMatrix::from_row_slice(c.rows, c.cols, &c.data),
                );
            }
            Problem::Data => {}
        }
        let mut data = LinRegData::generate(
            n,
            2,
            config.feature_correlation,
            config.noise_variance,
            1.0,
            config.seed as u64,
        );
        for (x, t) in data.inputs.chunks(2).zip(data.targets.iter_mut()) {
            *t += config.misspecification * (x[0] * x[0] - 1.0);
        }
        let stats = data.sufficient_stats();
        let nf = n as f64;
        let hessian = stats.gram.iter().map(|v| v / nf).collect::<Vec<_>>();
        let hessian = [hessian[0], hessian[1], hessian[2], hessian[3]];
        let w = apply2(inv2(hessian), [stats.xt_t[0] / nf, stats.xt_t[1] / nf]);
        let examples: Vec<([f64; 2], f64)> = data
            .inputs
            .chunks(2)
            .zip(&data.targets)
            .map(|(x, t)| ([x[0], x[1]], x[0] * w[0] + x[1] * w[1] - t))
            .collect();
        let mut mean = [0.0; 2];
        for (x, r) in &examples {
            mean[0] += x[0] * r / nf;
            mean[1] += x[1] * r / nf;
        }
        let mut c = [0.0; 4];
        for (x, r) in &examples {
            let g = [x[0] * r - mean[0], x[1] * r - mean[1]];
            c[0] += g[0] * g[0] / nf;
            c[1] += g[0] * g[1] / nf;
            c[3] += g[1] * g[1] / nf;
        }
        c[2] = c[1];
        Quadratic {
            hessian,
            noise_covariance: c,
            dimension: 2,
            h: mat2(hessian),
            c: mat2(c),
            projection: [0, 1],
            data_points: n,
            examples,
            minimizer: w,
        }
    }

    /// The d×d H.
    pub fn hessian_full(&self) -> &DMatrix<f64> {
        &self.h
    }

    /// The d×d C.
    pub fn noise_covariance_full(&self) -> &DMatrix<f64> {
        &self.c
    }

    /// The plotted coordinates, 0-based.
    pub fn projection(&self) -> [usize; 2] {
        self.projection
    }
}

/// The predicted stationary covariances and reference numbers of one setting (2×2 row-major).
/// In d > 2 dimensions every 2×2 matrix here is the sub-block at the plotted coordinates (the
/// covariance of the projection), and the trace ratios, KLs and correlations are those of the
/// projection; `optimalRate`, `optimalRateKl`, `stabilityLimit`, `commutatorNorm`,
/// `minibatchToInjected` and `burnIn` are of the whole d-dimensional chain, and `full` holds
/// the d×d matrices with their own trace ratios and KLs. In 2-D the two coincide.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OuTheory {
    pub learning_rate: f64,
    pub hessian: Mat2,
    pub noise_covariance: Mat2,
    /// `P` (identity for SGD and SGLD).
    pub preconditioner: Mat2,
    /// Per-step noise covariance `Q = α²PCPᵀ/B + vI`.
    pub step_noise: Mat2,
    /// The injected SGLD variance `v` per step (0 for SGD).
    pub injected_variance: f64,
    /// Continuous-time (OU) `Σ`: `PHΣ + Σ(PH)ᵀ = Q/α`. `None` if it has no PD solution.
    pub continuous: Option<Mat2>,
    /// Exact discrete-time `Σ_d = MΣ_dMᵀ + Q`, `M = I − αPH`. `None` beyond the stability limit.
    pub discrete: Option<Mat2>,
    /// Data only: the exact discrete stationary covariance under **real** mini-batches (drawn
    /// with replacement), whose noise depends on w: with `a_i = x_ix_iᵀ`,
    /// `Σ = MΣMᵀ + (α²/B)P[C + E_i(a_iΣa_i) − HΣH]Pᵀ + vI`, solved as one Kronecker system.
    /// The Gaussian-noise `discrete` above drops the w-dependent part.
    pub discrete_minibatch: Option<Mat2>,
    /// The Bayesian posterior covariance `H⁻¹/N`.
    pub posterior: Mat2,
    /// The lecture's co-diagonal shortcut `(α/2B)H⁻¹C` (SGD only; wrong, even asymmetric,
    /// when H and C do not commute).
    pub codiagonal_shortcut: Mat2,
    /// `2/λ_max(PH)`: the iteration is stable iff α is below it. (For `precondBayes`, P itself
    /// scales as 1/α, so this is the check at the current α: stable iff `B·λ_max(C⁻¹H) < N`.)
    pub stability_limit: f64,
    /// `‖HC − CH‖_F`: zero iff H and C commute.
    pub commutator_norm: f64,
    /// Mandt et al.'s Theorem 1 rate `α* = 2BD/(N tr C)`, D = d (SGD, continuous KL-optimal).
    pub optimal_rate: f64,
    /// Theorem 1 checked: plain SGD's continuous-time `KL(N(0, Σ(α))‖posterior)`, nats, at
    /// `α*/2`, `α*` and `2α*` (the middle one is the least over every constant α; NaN where
    /// undefined). With `HΣ + ΣH = (α/B)C`, `tr(HΣ) = α tr C/(2B)` and
    /// `KL = ½[Nα tr C/(2B) − d − ln det(NHΣ(α))]`, minimal at `α*`.
    pub optimal_rate_kl: [f64; 3],
    /// Correlations `Σ₁₂/√(Σ₁₁Σ₂₂)` of the posterior and of the exact discrete `Σ_d` (NaN where
    /// undefined): the shape, which a trace ratio does not see.
    pub posterior_correlation: f64,
    pub discrete_correlation: f64,
    /// `tr Σ_d / tr(H⁻¹/N)` and `tr Σ / tr(H⁻¹/N)` (NaN where undefined).
    pub discrete_trace_ratio: f64,
    pub continuous_trace_ratio: f64,
    /// `KL(N(0, Σ_d)‖posterior)` and `KL(N(0, Σ)‖posterior)`, nats (NaN where undefined).
    pub discrete_kl: f64,
    pub continuous_kl: f64,
    /// Mini-batch over injected noise variance per step, `(α²/B)tr(PCPᵀ)/(d·v)` (∞ for SGD).
    pub minibatch_to_injected: f64,
    /// Steps discarded before time-averaging: `⌈3/(α λ_min(PH))⌉` (3 relaxation times of the
    /// slowest covariance mode).
    pub burn_in: usize,
    /// Closed-form error bars (SCIENCE.md §8 "Error bars", [`super::lyapunov::second_moment_tau`]):
    /// `τ_ij = Σ_{k∈Z}[G_k(i,i)G_k(j,j) + G_k(j,i)G_k(i,j)]`, `G_k = M^kΣ`, with `M = I − αPH`
    /// and Σ the chain's exact stationary covariance (`discreteMinibatch` on data, else
    /// `discrete`): one chain's time average of `w_iw_j` over T steps has variance `≈ τ_ij/T`.
    /// `None` where there is no stationary law.
    pub second_moment_tau: Option<Mat2>,
    /// The integrated autocorrelation time of `w_iw_j` in steps, `τ_ij/(Σ_iiΣ_jj + Σ_ij²)` (the
    /// number of steps worth one independent draw; 1 for independent draws).
    pub autocorrelation_time: Option<Mat2>,
    /// The same for `tr(wwᵀ)`: `Var(tr of one chain's T-step average) ≈ traceTau/T`,
    /// `traceTau = 2Σ_{k∈Z}‖G_k‖_F²` (NaN where undefined).
    pub trace_tau: f64,
    /// Whether those error bars are exact (as T → ∞): true with Gaussian noise (H, C typed in),
    /// false on data, where real mini-batches make `M` random: the lag covariances are still
    /// `M̄^kΣ` but the Gaussian (Isserlis) fourth moments are an approximation.
    pub error_bars_exact: bool,
    /// The d-dimensional theory (d = 2 included).
    pub full: OuFull,
}

/// Correlation `m₁₂/√(m₁₁m₂₂)` of a 2×2 covariance (NaN unless both variances are positive).
pub fn correlation(m: Mat2) -> f64 {
    if m[0] > 0.0 && m[3] > 0.0 {
        m[1] / libm::sqrt(m[0] * m[3])
    } else {
        f64::NAN
    }
}

/// Eigenvalues of a symmetric matrix, ascending.
fn sorted_eigenvalues(m: &DMatrix<f64>) -> Vec<f64> {
    let mut ev: Vec<f64> = super::lyapunov::symmetrize(m)
        .symmetric_eigenvalues()
        .iter()
        .copied()
        .collect();
    ev.sort_by(f64::total_cmp);
    ev
}

/// The theory of `method` at rate `rate` for the problem `q` (nalgebra: reference only).
pub fn ou_theory(config: &SgdOuConfig, q: &Quadratic, method: Method, rate: f64) -> OuTheory {
    let (h, c) = (q.h.clone(), q.c.clone());
    let b = config.batch_size as f64;
    let n = q.data_points as f64;
    let dim = h.nrows();
    let proj = q.projection;
    let eye = DMatrix::<f64>::identity(dim, dim);
    let c_inv = c.clone().try_inverse().unwrap_or_else(|| eye.clone());
    let p = match method {
        Method::Sgd | Method::Sgld => eye.clone(),
        Method::PrecondInverseC => c_inv,
        Method::PrecondBayes => c_inv * (2.0 * b / (rate * n)),
    };
    let injected = match method {
        Method::Sgld => config.convention.noise_factor() * rate / n,
        _ => 0.0,
    };
    let k = &p * &h;
    let minibatch = &p * &c * p.transpose() * (rate * rate / b);
    let qn = &minibatch + &eye * injected;
    let continuous = continuous_lyapunov(&k, &(&qn / rate));
    let discrete = discrete_lyapunov(&(&eye - &k * rate), &qn);
    let discrete_minibatch = if q.examples.is_empty() {
        None
    } else {
        let nf = q.examples.len() as f64;
        let mut aa = DMatrix::<f64>::zeros(4, 4);
        for (x, _) in &q.examples {
            let a = mat2([x[0] * x[0], x[0] * x[1], x[1] * x[0], x[1] * x[1]]);
            aa += a.kronecker(&a) / nf;
        }
        let m = &eye - &k * rate;
        let op = DMatrix::<f64>::identity(4, 4)
            - m.kronecker(&m)
            - p.kronecker(&p) * (aa - h.kronecker(&h)) * (rate * rate / b);
        op.lu()
            .solve(&DVector::from_column_slice(qn.as_slice()))
            .map(|v| super::lyapunov::symmetrize(&DMatrix::from_column_slice(2, 2, v.as_slice())))
            .filter(super::lyapunov::is_spd)
            .map(|s| flat2(&s))
    };
    let posterior = h.clone().try_inverse().unwrap_or_else(|| eye.clone()) / n;
    let ev = preconditioned_eigenvalues(&p, &h).unwrap_or_else(|| vec![f64::NAN; dim]);
    let tr_post = posterior.trace();
    let ratio = |s: &Option<DMatrix<f64>>| s.as_ref().map_or(f64::NAN, |s| s.trace() / tr_post);
    let kl = |s: &Option<DMatrix<f64>>| {
        s.as_ref()
            .and_then(|s| kl_zero_mean(s, &posterior))
            .unwrap_or(f64::NAN)
    };
    let shortcut = super::lyapunov::codiagonal_continuous(&h, &c, rate, b)
        .map_or([f64::NAN; 4], |m| block(&m, proj));
    let optimal_rate = spectrum::optimal_rate(&c, b, n);
    // The chain's exact stationary covariance and the τ of its error bars.
    let stationary = if q.examples.is_empty() {
        discrete.clone()
    } else {
        discrete_minibatch.map(mat2)
    };
    let tau = stationary
        .as_ref()
        .and_then(|s| second_moment_tau(&(&eye - &k * rate), s, &proj));
    let full = OuFull {
        dimension: dim,
        projection: [proj[0] + 1, proj[1] + 1],
        hessian: rows(&h),
        noise_covariance: rows(&c),
        preconditioner: rows(&p),
        hessian_eigenvalues: sorted_eigenvalues(&h),
        noise_eigenvalues: sorted_eigenvalues(&c),
        posterior: rows(&posterior),
        continuous: continuous.as_ref().map(rows),
        discrete: discrete.as_ref().map(rows),
        continuous_trace_ratio: ratio(&continuous),
        discrete_trace_ratio: ratio(&discrete),
        continuous_kl: kl(&continuous),
        discrete_kl: kl(&discrete),
        optimal_rate,
        optimal_rate_kl: sgd_continuous_kl(&h, &c, b, n, optimal_rate),
        second_moment_tau: tau.as_ref().map(|t| rows(&t.0)),
    };
    // The projection (the whole thing in 2-D): the figure's 2×2 blocks.
    let continuous = continuous.as_ref().map(|s| mat2(block(s, proj)));
    let discrete = discrete.as_ref().map(|s| mat2(block(s, proj)));
    let posterior = mat2(block(&posterior, proj));
    let tr_post = posterior.trace();
    let ratio = |s: &Option<DMatrix<f64>>| s.as_ref().map_or(f64::NAN, |s| s.trace() / tr_post);
    let kl = |s: &Option<DMatrix<f64>>| {
        s.as_ref()
            .and_then(|s| kl_zero_mean(s, &posterior))
            .unwrap_or(f64::NAN)
    };
    let stationary = stationary.map(|s| block(&s, proj));
    OuTheory {
        learning_rate: rate,
        hessian: q.hessian,
        noise_covariance: q.noise_covariance,
        preconditioner: block(&p, proj),
        step_noise: block(&qn, proj),
        injected_variance: injected,
        continuous_trace_ratio: ratio(&continuous),
        discrete_trace_ratio: ratio(&discrete),
        continuous_kl: kl(&continuous),
        discrete_kl: kl(&discrete),
        continuous: continuous.as_ref().map(flat2),
        discrete: discrete.as_ref().map(flat2),
        discrete_minibatch,
        posterior: flat2(&posterior),
        codiagonal_shortcut: shortcut,
        stability_limit: 2.0 / ev[dim - 1],
        commutator_norm: (&h * &c - &c * &h).norm(),
        optimal_rate,
        optimal_rate_kl: [0.5, 1.0, 2.0].map(|f| sgd_continuous_kl(&h, &c, b, n, f * optimal_rate)),
        posterior_correlation: correlation(flat2(&posterior)),
        discrete_correlation: discrete
            .as_ref()
            .map_or(f64::NAN, |s| correlation(flat2(s))),
        minibatch_to_injected: if injected > 0.0 {
            minibatch.trace() / (dim as f64 * injected)
        } else {
            f64::INFINITY
        },
        burn_in: libm::ceil(3.0 / (rate * ev[0])).max(1.0) as usize,
        second_moment_tau: tau.as_ref().map(|t| block(&t.0, proj)),
        autocorrelation_time: tau.as_ref().and_then(|t| {
            let s = mat2(stationary?);
            let t = mat2(block(&t.0, proj));
            Some(flat2(&DMatrix::from_fn(2, 2, |i, j| {
                t[(i, j)] / (s[(i, i)] * s[(j, j)] + s[(i, j)] * s[(i, j)])
            })))
        }),
        trace_tau: tau.as_ref().map_or(f64::NAN, |t| t.1),
        error_bars_exact: q.examples.is_empty(),
        full,
    }
}

/// `tr Σ_d/tr(H⁻¹/N)` against α for SGD, SGD preconditioned by C⁻¹ or by `(2B/(αN))C⁻¹`, and
/// SGLD (both conventions), plus SGLD's continuous ratio and its mini-batch/injected noise ratio: the
/// "SGLD vs the exact posterior as α shrinks" view. α runs over `n` log-spaced points from
/// `10⁻⁴·2/λ_max(H)` to `0.98·2/λ_max(H)`; NaN where a method is unstable.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateSweep {
    pub learning_rate: Vec<f64>,
    pub sgd: Vec<f64>,
    pub precond_inverse_c: Vec<f64>,
    pub sgld_welling_teh: Vec<f64>,
    pub sgld_lecture: Vec<f64>,
    pub sgld_welling_teh_continuous: Vec<f64>,
    /// SGD preconditioned by `(2B/(αN))C⁻¹` (Mandt et al. 2017, sec. 4): `αP = (2B/N)C⁻¹`
    /// does not depend on α, so this curve is flat (its continuous-time Σ is `H⁻¹/N` exactly).
    pub precond_bayes: Vec<f64>,
    /// Welling–Teh: mini-batch noise variance over injected variance per step.
    pub minibatch_to_injected: Vec<f64>,
    /// α where the two are equal: `2dB/(N tr C)` (= Mandt's `α*`).
    pub crossover_rate: f64,
}

/// See [`RateSweep`].
pub fn rate_sweep(config: &SgdOuConfig, q: &Quadratic, n: usize) -> RateSweep {
    use super::ou_config::Convention;
    let top = ou_theory(config, q, Method::Sgd, 1.0).stability_limit;
    let (lo, hi) = (libm::log(1e-4 * top), libm::log(0.98 * top));
    let rates: Vec<f64> = (0..n)
        .map(|i| libm::exp(lo + (hi - lo) * i as f64 / (n.max(2) - 1) as f64))
        .collect();
    let mut wt = config.clone();
    wt.convention = Convention::WellingTeh;
    let mut lec = config.clone();
    lec.convention = Convention::Lecture;
    let mut out = RateSweep {
        learning_rate: rates.clone(),
        sgd: vec![],
        precond_inverse_c: vec![],
        sgld_welling_teh: vec![],
        sgld_lecture: vec![],
        sgld_welling_teh_continuous: vec![],
        precond_bayes: vec![],
        minibatch_to_injected: vec![],
        crossover_rate: ou_theory(config, q, Method::Sgd, 1.0).optimal_rate,
    };
    for &r in &rates {
        out.sgd
            .push(ou_theory(config, q, Method::Sgd, r).discrete_trace_ratio);
        out.precond_inverse_c
            .push(ou_theory(config, q, Method::PrecondInverseC, r).discrete_trace_ratio);
        out.precond_bayes
            .push(ou_theory(config, q, Method::PrecondBayes, r).discrete_trace_ratio);
        let t = ou_theory(&wt, q, Method::Sgld, r);
        out.sgld_welling_teh.push(t.discrete_trace_ratio);
        out.sgld_welling_teh_continuous
            .push(t.continuous_trace_ratio);
        out.minibatch_to_injected.push(t.minibatch_to_injected);
        out.sgld_lecture
            .push(ou_theory(&lec, q, Method::Sgld, r).discrete_trace_ratio);
    }
    out
}

/// Empirical covariances of the chains (2×2 row-major) with standard errors.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OuSnapshot {
    pub step: usize,
    pub total_steps: usize,
    pub stop_reason: Option<StopReason>,
    /// Why the run diverged, in words.
    pub message: Option<String>,
    /// Mean of the cloud of M chains now.
    pub mean: [f64; 2],
    /// Sample covariance (n − 1) of the cloud now.
    pub covariance: Mat2,
    /// Second moment `E[wwᵀ]` (the stationary mean is 0) averaged over chains and over the
    /// steps after the burn-in; NaN before any such step.
    pub average_covariance: Mat2,
    /// Its standard error entrywise, from the spread of [`GROUPS`] independent groups of
    /// chains (NaN with fewer than 2 groups or no averaged step).
    pub average_covariance_se: Mat2,
    /// The closed-form standard errors of the same entries, `√(τ_ij/(T·M))` (T averaged steps,
    /// M chains; [`OuTheory::second_moment_tau`]): what the group spread above estimates
    /// (NaN before any averaged step or without a stationary law).
    pub average_covariance_se_theory: Mat2,
    /// `tr(average)/tr(H⁻¹/N)` and its standard error.
    pub trace_ratio: f64,
    pub trace_ratio_se: f64,
    /// Its closed-form standard error `√(traceTau/(T·M))/tr(H⁻¹/N)`.
    pub trace_ratio_se_theory: f64,
    /// `KL(N(0, average)‖N(0, H⁻¹/N))`, nats: zero iff the iterates' covariance is the
    /// posterior's, shape included (NaN before any averaged step or if not PD).
    pub average_kl: f64,
    /// The correlation of the average (its shape; NaN before any averaged step).
    pub average_correlation: f64,
    /// Steps in the time average.
    pub averaged_steps: usize,
    pub burn_in: usize,
}

/// The d-dimensional chains `w ← w − αPHw − αPLz [+ √v z′]`, `LLᵀ = C/B`, z, z′ standard
/// normal (plain loops over row-major matrices, bit-identical in wasm).
#[derive(Clone, Debug)]
struct NdChains {
    d: usize,
    /// `αPH` and `αPL`, row-major.
    drift: Vec<f64>,
    noise: Vec<f64>,
    /// M × d positions.
    w: Vec<f64>,
}

/// The experiment: M chains of the configured method on the quadratic.
#[derive(Clone, Debug)]
pub struct SgdOu {
    config: SgdOuConfig,
    problem: Quadratic,
    theory: OuTheory,
    /// `αP`, `αPH`, `L` with `LLᵀ = C/B` (custom noise), √v.
    step_p: Mat2,
    step_k: Mat2,
    noise_factor: Mat2,
    injected_std: f64,
    /// Problems given as d×d matrices (spectrum, matrix): the chains in d dimensions; `w`
    /// then holds their projection onto the plotted coordinates.
    nd: Option<NdChains>,
    w: Vec<[f64; 2]>,
    rngs: Vec<SeededRng>,
    /// Per group: `Σ wwᵀ` over chains and averaged steps, as `[xx, xy, yy]`, and its count.
    sums: Vec<[f64; 3]>,
    counts: Vec<usize>,
    averaged_steps: usize,
    record: RunRecord,
    message: Option<String>,
}

impl SgdOu {
    /// Start a run (the config must be valid).
    pub fn new(config: SgdOuConfig) -> Self {
        let problem = Quadratic::new(&config);
        let theory = ou_theory(&config, &problem, config.method, config.learning_rate);
        let rate = config.learning_rate;
        let step_p = theory.preconditioner.map(|v| v * rate);
        let step_k = mul2(step_p, problem.hessian);
        let b = config.batch_size as f64;
        let noise_factor = cholesky2(problem.noise_covariance.map(|v| v / b));
        let injected_std = libm::sqrt(theory.injected_variance);
        let total_steps = config.steps as usize;
        let nd = matches!(config.problem, Problem::Spectrum | Problem::Matrix).then(|| {
            let (h, c) = (problem.hessian_full(), problem.noise_covariance_full());
            let d = h.nrows();
            let p =
                DMatrix::from_row_slice(d, d, &theory.full.preconditioner_rows().concat()) * rate;
            let l = (c / b)
                .cholesky()
                .map_or_else(|| DMatrix::zeros(d, d), |ch| ch.l());
            let flat = |m: DMatrix<f64>| rows(&m).concat();
            NdChains {
                d,
                drift: flat(&p * h),
                noise: flat(&p * l),
                w: Vec::new(),
            }
        });
        let mut run = SgdOu {
            config,
            problem,
            theory,
            step_p,
            step_k,
            noise_factor,
            injected_std,
            nd,
            w: Vec::new(),
            rngs: Vec::new(),
            sums: Vec::new(),
            counts: Vec::new(),
            averaged_steps: 0,
            record: RunRecord::new(&SGD_OU_HISTORY_FIELDS, total_steps),
            message: None,
        };
        run.reset();
        run
    }

    pub fn config(&self) -> &SgdOuConfig {
        &self.config
    }

    /// The problem: H, C, N and (on data) the fit `w*`.
    pub fn problem(&self) -> &Quadratic {
        &self.problem
    }

    /// The predicted covariances of this run's setting.
    pub fn theory(&self) -> &OuTheory {
        &self.theory
    }

    /// [`rate_sweep`] for this run's problem.
    pub fn rate_sweep(&self, n: usize) -> RateSweep {
        rate_sweep(&self.config, &self.problem, n)
    }

    /// Chains' positions `[x₀, y₀, x₁, y₁, …]` (2M), measured from the minimizer (in d > 2
    /// dimensions: the plotted coordinates).
    pub fn positions(&self) -> Vec<f64> {
        self.w.iter().flat_map(|w| *w).collect()
    }

    /// History rows (step 0 to now), row-major with [`SGD_OU_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// 2-sd ellipses (`xᵀΣ⁻¹x = 4`, 86% of a 2-D Gaussian's mass) of the theory and of the
    /// empirical time average, `n + 1` points each, `[x₀, y₀, …]`, in the order posterior,
    /// continuous, discrete, empirical (empty where undefined).
    pub fn ellipses(&self, n: usize) -> [Vec<f64>; 4] {
        let t = &self.theory;
        // Symmetrized; empty unless positive definite (the theory may not exist or be SPD).
        let e = |s: Option<Mat2>| {
            s.map(|s| [s[0], 0.5 * (s[1] + s[2]), 0.5 * (s[1] + s[2]), s[3]])
                .filter(|s| s[0] > 0.0 && s[0] * s[3] - s[1] * s[1] > 0.0)
                .map_or(Vec::new(), |s| ellipse([0.0, 0.0], s, 2.0, n + 1))
        };
        [
            e(Some(t.posterior)),
            e(t.continuous),
            e(t.discrete),
            e(Some(self.snapshot().average_covariance)),
        ]
    }

    /// Half-width of a square plot around 0 holding the 2-sd ellipses of every defined theory
    /// covariance with a margin: `2.6·√max(diagonal entries)`.
    pub fn plot_extent(&self) -> f64 {
        let t = &self.theory;
        let m = [Some(t.posterior), t.continuous, t.discrete]
            .iter()
            .flatten()
            .map(|s| s[0].max(s[3]))
            .fold(0.0, f64::max);
        2.6 * libm::sqrt(m)
    }

    fn gradient(&self, w: [f64; 2], rng: &mut SeededRng) -> [f64; 2] {
        if self.problem.examples.is_empty() {
            let h = self.problem.hessian;
            let z = rng.normal_pair();
            let xi = apply2(self.noise_factor, [z.0, z.1]);
            let hw = apply2(h, w);
            return [hw[0] + xi[0], hw[1] + xi[1]];
        }
        let ex = &self.problem.examples;
        let b = self.config.batch_size as usize;
        let mut g = [0.0; 2];
        for _ in 0..b {
            let i = ((rng.uniform() * ex.len() as f64) as usize).min(ex.len() - 1);
            let (x, r) = ex[i];
            let res = x[0] * w[0] + x[1] * w[1] + r;
            g[0] += x[0] * res;
            g[1] += x[1] * res;
        }
        [g[0] / b as f64, g[1] / b as f64]
    }

    fn record(&mut self) {
        let m = self.w.len() as f64;
        let mut mean = [0.0; 2];
        for w in &self.w {
            mean[0] += w[0] / m;
            mean[1] += w[1] / m;
        }
        let mut cov = [0.0; 3];
        for w in &self.w {
            let d = [w[0] - mean[0], w[1] - mean[1]];
            cov[0] += d[0] * d[0] / (m - 1.0);
            cov[1] += d[0] * d[1] / (m - 1.0);
            cov[2] += d[1] * d[1] / (m - 1.0);
        }
        if self.record.steps_done() >= self.theory.burn_in {
            let g = self.sums.len();
            for (i, w) in self.w.iter().enumerate() {
                let s = &mut self.sums[i % g];
                s[0] += w[0] * w[0];
                s[1] += w[0] * w[1];
                s[2] += w[1] * w[1];
                self.counts[i % g] += 1;
            }
            self.averaged_steps += 1;
        }
        let snap = self.average();
        self.record.push(&[
            self.record.steps_done() as f64,
            mean[0],
            mean[1],
            cov[0],
            cov[1],
            cov[2],
            snap.0[0],
            snap.0[1],
            snap.0[3],
            snap.2,
        ]);
    }

    /// Time-and-chain average, its entrywise SE, the trace ratio and its SE.
    fn average(&self) -> (Mat2, Mat2, f64, f64) {
        let total: usize = self.counts.iter().sum();
        if total == 0 {
            return ([f64::NAN; 4], [f64::NAN; 4], f64::NAN, f64::NAN);
        }
        let mut avg = [0.0; 3];
        for s in &self.sums {
            for k in 0..3 {
                avg[k] += s[k] / total as f64;
            }
        }
        let g = self.sums.len() as f64;
        let tr_post = self.theory.posterior[0] + self.theory.posterior[3];
        let mut var = [0.0; 4];
        for (s, &c) in self.sums.iter().zip(&self.counts) {
            let e = [s[0] / c as f64, s[1] / c as f64, s[2] / c as f64];
            for k in 0..3 {
                var[k] += (e[k] - avg[k]) * (e[k] - avg[k]) / (g - 1.0);
            }
            let dt = (e[0] + e[2] - avg[0] - avg[2]) / tr_post;
            var[3] += dt * dt / (g - 1.0);
        }
        let se = var.map(|v| libm::sqrt(v / g));
        (
            sym(avg),
            [se[0], se[1], se[1], se[2]],
            (avg[0] + avg[2]) / tr_post,
            se[3],
        )
    }
}

impl Experiment for SgdOu {
    type Snapshot = OuSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let mut diverged = false;
        if let Some(nd) = &mut self.nd {
            let d = nd.d;
            let [pi, pj] = self.problem.projection;
            let mut z = vec![0.0; d];
            let mut next = vec![0.0; d];
            for i in 0..self.w.len() {
                let rng = &mut self.rngs[i];
                for v in z.iter_mut() {
                    *v = rng.normal();
                }
                let w = &nd.w[i * d..(i + 1) * d];
                for r in 0..d {
                    let mut s = w[r];
                    for k in 0..d {
                        s -= nd.drift[r * d + k] * w[k] + nd.noise[r * d + k] * z[k];
                    }
                    next[r] = s;
                }
                if self.injected_std > 0.0 {
                    for v in next.iter_mut() {
                        *v += self.injected_std * rng.normal();
                    }
                }
                if !next.iter().all(|v| v.abs() <= DIVERGENCE_BOUND) {
                    diverged = true;
                }
                nd.w[i * d..(i + 1) * d].copy_from_slice(&next);
                self.w[i] = [next[pi], next[pj]];
            }
        }
        for i in 0..if self.nd.is_some() { 0 } else { self.w.len() } {
            let w = self.w[i];
            let mut rng = std::mem::replace(&mut self.rngs[i], SeededRng::new(0, 0));
            let g = self.gradient(w, &mut rng);
            let d = apply2(self.step_p, g);
            let mut next = [w[0] - d[0], w[1] - d[1]];
            if self.injected_std > 0.0 {
                let z = rng.normal_pair();
                next[0] += self.injected_std * z.0;
                next[1] += self.injected_std * z.1;
            }
            self.rngs[i] = rng;
            if !(next[0].abs() <= DIVERGENCE_BOUND && next[1].abs() <= DIVERGENCE_BOUND) {
                diverged = true;
            }
            self.w[i] = next;
        }
        self.record.advance();
        if diverged {
            let t = &self.theory;
            self.message = Some(if t.discrete.is_none() {
                format!(
                    "diverged at step {}: learning rate α = {} is beyond the stability limit 2/λ_max(PH) = {:.4}",
                    self.record.steps_done(), self.config.learning_rate, t.stability_limit
                )
            } else {
                format!(
                    "diverged at step {}: an iterate left |w| ≤ 1e6",
                    self.record.steps_done()
                )
            });
            self.record.stop(StopReason::Diverged);
            return self.record.stop_reason();
        }
        self.record();
        if self.record.steps_done() >= self.config.steps as usize {
            self.record.stop(StopReason::Done);
        }
        self.record.stop_reason()
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> OuSnapshot {
        let last = self.record.last_row();
        let (average_covariance, average_covariance_se, trace_ratio, trace_ratio_se) =
            self.average();
        // T·M draws of wwᵀ; NaN before any averaged step.
        let draws = (self.averaged_steps * self.w.len()) as f64;
        let per = |tau: f64| {
            if draws > 0.0 {
                libm::sqrt(tau / draws)
            } else {
                f64::NAN
            }
        };
        let tr_post = self.theory.posterior[0] + self.theory.posterior[3];
        OuSnapshot {
            step: self.record.steps_done(),
            total_steps: self.config.steps as usize,
            stop_reason: self.record.stop_reason(),
            message: self.message.clone(),
            mean: [last[1], last[2]],
            covariance: [last[3], last[4], last[4], last[5]],
            average_covariance,
            average_covariance_se,
            average_covariance_se_theory: self
                .theory
                .second_moment_tau
                .map_or([f64::NAN; 4], |t| t.map(per)),
            trace_ratio,
            trace_ratio_se,
            trace_ratio_se_theory: per(self.theory.trace_tau) / tr_post,
            average_kl: kl_zero_mean(&mat2(average_covariance), &mat2(self.theory.posterior))
                .unwrap_or(f64::NAN),
            average_correlation: correlation(average_covariance),
            averaged_steps: self.averaged_steps,
            burn_in: self.theory.burn_in,
        }
    }

    fn reset(&mut self) {
        let m = self.config.chains as usize;
        self.w = vec![[0.0, 0.0]; m];
        if let Some(nd) = &mut self.nd {
            nd.w = vec![0.0; m * nd.d];
        }
        self.rngs = (0..m as u64)
            .map(|i| SeededRng::new(self.config.seed as u64, i + 1))
            .collect();
        let g = GROUPS.min(m);
        self.sums = vec![[0.0; 3]; g];
        self.counts = vec![0; g];
        self.averaged_steps = 0;
        self.record.reset(self.config.steps as usize + 1);
        self.message = None;
        self.record();
        if self.config.steps == 0 {
            self.record.stop(StopReason::Done);
        }
    }
}

/// `αPH` of this run (for tests): the drift matrix per step.
impl SgdOu {
    pub fn step_drift(&self) -> Mat2 {
        self.step_k
    }

    /// Test helper: restart with chain i on stream `offset + i + 1` (same problem, new noise).
    #[cfg(test)]
    pub(crate) fn reseed_chains(&mut self, offset: u64) {
        self.reset();
        self.rngs = (0..self.w.len() as u64)
            .map(|i| SeededRng::new(self.config.seed as u64, offset + i + 1))
            .collect();
    }

    /// The d-dimensional positions, M rows of d (2-D problems: the 2-D positions).
    pub fn positions_full(&self) -> Vec<f64> {
        self.nd
            .as_ref()
            .map_or_else(|| self.positions(), |nd| nd.w.clone())
    }
}

crate::lab!(SgdOu, SgdOuConfig, "sgd-posterior", SGD_OU_HISTORY_FIELDS);
