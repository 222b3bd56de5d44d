//! The 2-D logistic-regression posterior panel (SCIENCE.md §3–§4; Lecture 8, "BNN Posterior
//! Inference" and "Variational Bayes and Curvature"): in weight space the true posterior's
//! contours (grid), the Laplace ellipse, the variational ellipse and HMC samples; in data space
//! the predictive probability contours of the plug-in, probit (Laplace), variational and true
//! predictives; at one test input `x*` the plug-in, probit and Laplace-average predictives, the
//! true one and a self-normalized importance-sampling estimate with its standard error and
//! effective sample size ([`super::logreg_importance`]; SCIENCE.md §3, "Pitfall: importance
//! sampling"). The data are the seeded set or the `data` setting's rows `x₁ x₂ y` (what the
//! browser's clicks write), so a settings file alone reproduces a figure. Everything the browser
//! draws is computed here; it only paints.

use super::hmc::{Hmc, HmcSettings};
use super::logreg::{
    gaussian_sigmoid_average, grid_posterior, laplace, GridPosterior, GridSpec, Laplace,
    LogRegData, Predictive,
};
use super::logreg_config::LOGREG_FIELDS;
use super::logreg_importance::{
    importance_predictive, importance_quadrature, ImportanceEstimate, ImportanceQuadrature,
    ProposalScale,
};
use super::logreg_vi::{fit, normal_rule, Family, GaussianRule, VariationalFit, HERMITE_NODES};
use super::special::{sigmoid, sigmoid_slice};
use crate::config::{choice_setting, settings, ConfigError, FieldKind, FieldSpec, Matrix};
use crate::contour::{contour_segments, Domain};
use crate::linalg::{ellipse, max_eigenvalue_sym2, Mat2};
use serde::Serialize;

choice_setting!(Family, ProposalScale);

settings! {
    /// The panel's settings: the logistic-regression fields ([`LOGREG_FIELDS`]) plus the
    /// variational family, the number of HMC samples, the test input `x*` and the importance
    /// sampler's sample count, seed and proposal scale.
    ///
    /// The panel's own defaults are N = 20 and η = 25 (issue 17, finding 4): at the shared N = 10,
    /// η = 2 the Laplace, variational and true posteriors were near-identical circles. At N = 20,
    /// η = 25 the likelihood flattens outwards along w and the broad prior lets the posterior skew:
    /// at seeds 1, 2, 3, 4 its skewness along E[w|D] is 0.54, 0.80, 0.69, 0.73, w_MAP sits 0.37–0.53
    /// true stds behind the mean, and KL(Laplace‖p(w|D)) is 0.106, 0.200, 0.244, 0.269 nats against
    /// the mean field's 0.042, 0.076, 0.113, 0.109; the posterior mean has the signs of the
    /// generating weight (2, −1).
    pub const LOGREG_PANEL_FIELDS;
    /// Settings of the panel. Names, ranges and defaults: [`LOGREG_PANEL_FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LogRegPanelConfig {
        /// N, the number of seeded points.
        pub data_points: u32 = spec(FieldSpec {
            kind: FieldKind::Integer {
                min: 0,
                max: 200,
                default: 20,
            },
            ..LOGREG_FIELDS[0]
        }),
        /// η.
        pub prior_variance: f64 = spec(FieldSpec {
            kind: FieldKind::Real {
                min: 0.0,
                max: 100.0,
                min_open: true,
                default: 25.0,
                step: 0.1,
            },
            ..LOGREG_FIELDS[1]
        }),
        /// `w_true,1`.
        pub true_weight1: f64 = spec(LOGREG_FIELDS[2]),
        /// `w_true,2`.
        pub true_weight2: f64 = spec(LOGREG_FIELDS[3]),
        /// Seed of the data (stream 0) and of HMC (stream 0 of `seed + 1`).
        pub seed: u32 = spec(LOGREG_FIELDS[4]),
        /// The family of the variational Gaussian drawn.
        pub variational_family: Family = Choice {
            name: "variationalFamily",
            label: "variational family",
            unit: "",
            help: "The Gaussian family q fitted by minimizing KL(q‖p(w|D)): diagonal (mean field, as Bayes by Backprop) or full covariance.",
            options: Family::OPTIONS,
            default: "meanField",
        },
        /// HMC samples.
        pub hmc_samples: u32 = Integer {
            name: "hmcSamples",
            label: "HMC samples",
            unit: "",
            help: "Number of Hamiltonian Monte Carlo samples drawn from the true posterior (after 200 warm-up transitions).",
            min: 0,
            max: 5000,
            default: 600,
        },
        /// `x*₁`.
        pub test_point1: f64 = Real {
            name: "testPoint1",
            label: "test input x*₁",
            unit: "",
            help: "First coordinate of the test input x* at which the predictive p(y = 1|x*, D) is compared: plug-in, probit, Laplace average, importance sampling and the truth (quadrature).",
            min: -3.5,
            max: 3.5,
            min_open: false,
            default: 2.0,
            step: 0.1,
        },
        /// `x*₂`.
        pub test_point2: f64 = Real {
            name: "testPoint2",
            label: "test input x*₂",
            unit: "",
            help: "Second coordinate of the test input x*.",
            min: -3.5,
            max: 3.5,
            min_open: false,
            default: 2.0,
            step: 0.1,
        },
        /// `n`, importance samples.
        pub importance_samples: u32 = Integer {
            name: "importanceSamples",
            label: "importance samples n",
            unit: "",
            help: "Number of draws from the proposal N(w_MAP, cH̄⁻¹) for the self-normalized importance-sampling estimate of the predictive at x*.",
            min: 10,
            max: 200_000,
            default: 10_000,
        },
        /// Seed of the importance sampler (stream [`super::logreg_importance::IMPORTANCE_STREAM`]).
        pub importance_seed: u32 = Integer {
            name: "importanceSeed",
            label: "importance seed",
            unit: "",
            help: "Seed of the importance sampler's draws (independent of the data's seed).",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        /// The proposal scale `c`.
        pub proposal_scale: ProposalScale = Choice {
            name: "proposalScale",
            label: "IS proposal scale c",
            unit: "",
            help: "The importance proposal N(w_MAP, cH̄⁻¹). Its weights have finite variance iff c > ηλ_max(H̄)/2 (the posterior keeps the prior's tails): 'safe' takes c = max(1, ηλ_max(H̄)); plain Laplace c = 1 has infinite variance when λ_max(H̄) > 2/η, and then the SE and ESS cannot be trusted.",
            options: ProposalScale::OPTIONS,
            default: "safe",
        },
        /// The data set as rows `x₁ x₂ y` (empty: the seeded set of `dataPoints`,
        /// `trueWeight1/2` and `seed`), so a settings file alone reproduces an edited figure.
        pub data_rows: Matrix = Matrix {
            name: "data",
            label: "data (x₁ x₂ y rows)",
            unit: "",
            help: "The data set, one \"x1 x2 y\" row per point with y = 0 or 1 and |x1|, |x2| ≤ 100, at most 400 rows, rows separated by \";\" (clicking the data plot edits it; your own CSV file via the data button, the CLI's --data or Python's data=); empty: the seeded set of dataPoints, trueWeight1/2 and seed.",
            max_rows: DATA_ROWS_MAX as u32,
            max_cols: 3,
            square: false,
            default: "",
        },
    }
    check: data_rows_valid;
}

/// The most rows [`LogRegPanelConfig::data_rows`] holds.
pub const DATA_ROWS_MAX: usize = 400;
/// The largest `|x_i|` of a data row.
pub const DATA_COORDINATE_MAX: f64 = 100.0;

/// `data` is empty or rows `x₁ x₂ y` with `|x| ≤ 100` and `y ∈ {0, 1}`.
fn data_rows_valid(c: &LogRegPanelConfig) -> Vec<ConfigError> {
    let m = &c.data_rows;
    let bad = |reason: String| {
        vec![ConfigError::BadMatrix {
            field: "data".into(),
            range: format!(
                "empty or at most {DATA_ROWS_MAX} rows \"x1 x2 y\" with |x1|, |x2| ≤ {DATA_COORDINATE_MAX} and y = 0 or 1"
            ),
            reason,
        }]
    };
    if m.is_empty() {
        return vec![];
    }
    if m.cols != 3 {
        return bad(format!("got {} number(s) per row", m.cols));
    }
    let ok = |i: usize| {
        m.get(i, 0).abs() <= DATA_COORDINATE_MAX
            && m.get(i, 1).abs() <= DATA_COORDINATE_MAX
            && (m.get(i, 2) == 0.0 || m.get(i, 2) == 1.0)
    };
    match (0..m.rows).find(|&i| !ok(i)) {
        Some(i) => bad(format!(
            "row {} is ({}, {}, {})",
            i + 1,
            m.get(i, 0),
            m.get(i, 1),
            m.get(i, 2)
        )),
        None => vec![],
    }
}

impl LogRegPanelConfig {
    /// The data: the rows of `data` when given, else the seeded set ([`LogRegData::generate`]).
    pub fn data(&self) -> LogRegData {
        let m = &self.data_rows;
        if !m.is_empty() {
            return LogRegData {
                inputs: (0..m.rows).map(|i| [m.get(i, 0), m.get(i, 1)]).collect(),
                labels: (0..m.rows).map(|i| m.get(i, 2)).collect(),
            };
        }
        LogRegData::generate(
            self.data_points as usize,
            [self.true_weight1, self.true_weight2],
            self.seed as u64,
        )
    }
}

/// The grid used for the panel's true posterior: [`GridSpec::for_laplace`] with the half-width
/// capped at 14 Laplace stds (12 nodes per unit panel). The posterior is log-concave with
/// Hessian `I` at the mode in whitened units, so the mass beyond 14 is far below 1e-12; the
/// tests check the capped grid against the uncapped one. Keeps the cost at most
/// `(14·2·12)² ≈ 113k` nodes whatever `N` and `η`.
pub fn panel_grid(laplace: &Laplace) -> GridSpec {
    let g = GridSpec::for_laplace(laplace);
    let half_width = g.half_width.min(14.0);
    GridSpec {
        half_width,
        panels: libm::ceil(half_width) as usize,
        nodes_per_panel: 12,
    }
}

/// A coarser grid for the true predictive maps (8 nodes per panel of width 2 on at most 12
/// stds): the predictive is a smooth average, accurate to < 1e-4 on the test data sets.
pub fn predictive_grid(laplace: &Laplace) -> GridSpec {
    let half_width = GridSpec::for_laplace(laplace).half_width.min(12.0);
    GridSpec {
        half_width,
        panels: libm::ceil(half_width / 2.0) as usize,
        nodes_per_panel: 8,
    }
}

/// HMC settings tuned to the Laplace curvature (identity mass matrix): step size
/// `ε = 0.5/√λ_max(H̄)` (stable below `2/√λ_max` on a Gaussian) and `L` leapfrog steps so the
/// trajectory spans about `(π/2)` of the widest Laplace std, `L ∈ [5, 200]`, jitter 0.2.
pub fn hmc_settings(laplace: &Laplace, seed: u64) -> HmcSettings {
    let big = max_eigenvalue_sym2(laplace.curvature);
    let c = laplace.curvature;
    let small = (c[0] + c[3]) - big;
    let step_size = 0.5 / libm::sqrt(big);
    let length = std::f64::consts::FRAC_PI_2 / libm::sqrt(small.max(1e-12));
    HmcSettings {
        step_size,
        leapfrog_steps: (libm::ceil(length / step_size) as usize).clamp(5, 200),
        step_size_jitter: 0.2,
        seed,
    }
}

/// `n` HMC samples (`n×2` row-major) from `p(w|D)` after `warmup` transitions from `w_MAP`,
/// and the acceptance rate over the kept transitions.
pub fn hmc_samples(
    data: &LogRegData,
    laplace: &Laplace,
    settings: HmcSettings,
    warmup: usize,
    n: usize,
) -> (Vec<f64>, f64) {
    let eta = laplace.prior_variance;
    let target = |q: &[f64], g: &mut [f64]| {
        let w = [q[0], q[1]];
        let (grad, _) = data.gradient_and_curvature(w, eta);
        g.copy_from_slice(&grad);
        data.log_joint(w, eta)
    };
    let mut hmc = Hmc::new(target, laplace.map.to_vec(), settings);
    hmc.sample(warmup);
    let before = hmc.accepted();
    let samples = hmc.sample(n);
    let rate = if n > 0 {
        (hmc.accepted() - before) as f64 / n as f64
    } else {
        f64::NAN
    };
    (samples, rate)
}

/// `∫σ(a)N(a; μ, s²)da`: by the Gauss–Hermite `rule` (32 nodes: error < 2e-5) for `s ≤ 2`,
/// else by [`gaussian_sigmoid_average`]'s 481-point trapezoid (whose error is < 1e-8).
pub fn sigmoid_average(mean: f64, std: f64, rule: &(Vec<f64>, Vec<f64>)) -> f64 {
    if std > 2.0 {
        return gaussian_sigmoid_average(mean, std);
    }
    if rule.0.len() > HERMITE_MAX {
        return rule
            .0
            .iter()
            .zip(&rule.1)
            .map(|(u, w)| w * sigmoid(mean + std * u))
            .sum();
    }
    // The same sum with the sigmoids as one vectorized pass (bit for bit; issue 7).
    let n = rule.0.len();
    let (mut a, mut sig) = ([0.0; HERMITE_MAX], [0.0; HERMITE_MAX]);
    for (ai, u) in a.iter_mut().zip(&rule.0) {
        *ai = mean + std * u;
    }
    sigmoid_slice(&a[..n], &mut sig);
    rule.1.iter().zip(&sig).map(|(w, s)| w * s).sum()
}

/// Rules up to this many nodes take [`sigmoid_average`]'s vectorized path.
const HERMITE_MAX: usize = 64;

/// Mahalanobis radii of the drawn contours: the true posterior's density contours at
/// `p_max·e^{−r²/2}` and every Gaussian's ellipses at `r` (for a Gaussian the two coincide).
pub const RADII: [f64; 2] = [1.0, 2.0];
/// Probability levels of the predictive contours.
pub const PROBABILITY_LEVELS: [f64; 3] = [0.1, 0.5, 0.9];
/// The data panel shows `[−DATA_EXTENT, DATA_EXTENT]²`.
pub const DATA_EXTENT: f64 = 3.5;

/// A field on a square grid with its contour lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContourField {
    /// The plotted rectangle.
    pub domain: Domain,
    /// Nodes per side.
    pub n: usize,
    /// Values on the `n×n` node grid, row-major in image order (row 0 at `yMax`).
    pub values: Vec<f64>,
    /// The contour levels.
    pub levels: Vec<f64>,
    /// Per level, segments `[x0, y0, x1, y1, …]`.
    pub contours: Vec<Vec<f64>>,
}

fn field(domain: Domain, n: usize, values: Vec<f64>, levels: Vec<f64>) -> ContourField {
    let contours = levels
        .iter()
        .map(|&l| contour_segments(&domain, &values, n, n, l))
        .collect();
    ContourField {
        domain,
        n,
        values,
        levels,
        contours,
    }
}

/// Everything the panel shows for one data set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelAnalysis {
    /// The data.
    pub data: LogRegData,
    /// MAP, `H̄`, Laplace evidence.
    pub laplace: Laplace,
    /// True `ln p(D)`, posterior mean and covariance (grid).
    pub log_evidence: f64,
    /// `E[w|D]`.
    pub posterior_mean: [f64; 2],
    /// `Cov[w|D]`.
    pub posterior_covariance: Mat2,
    /// The mean-field and the full-covariance Gaussian.
    pub mean_field: VariationalFit,
    /// See `mean_field`.
    pub full_covariance: VariationalFit,
    /// `KL(q‖p(w|D)) = ln p(D) − F(q)` for the mean field, full covariance and the Laplace
    /// Gaussian, nats.
    pub kl_to_posterior: [f64; 3],
    /// HMC samples, `n×2` row-major.
    pub hmc_samples: Vec<f64>,
    /// HMC acceptance rate.
    pub hmc_acceptance: f64,
    /// HMC sample mean.
    pub hmc_mean: [f64; 2],
    /// The posterior density `p(w|D)` in weight space with contours at `p_max·e^{−r²/2}`,
    /// `r ∈` [`RADII`].
    pub posterior_density: ContourField,
    /// Ellipses at [`RADII`]: Laplace, the chosen variational family, and the true
    /// posterior's moment-matched Gaussian.
    pub ellipses: [[Vec<f64>; 2]; 3],
    /// Predictive maps on the data plane with contours at [`PROBABILITY_LEVELS`]: plug-in
    /// `σ(w_MAPᵀx)`, probit (Laplace), the variational average `E_q σ(wᵀx)`, the true
    /// predictive.
    pub predictive: [ContourField; 4],
    /// How far the true posterior is from a Gaussian, and where each Gaussian sits.
    pub shape: PosteriorShape,
    /// The predictives at the test input `x*`, importance sampling among them.
    pub test_point: TestPoint,
}

/// The predictive `p(y = 1|x*, D)` at the test input by every method (SCIENCE.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestPoint {
    /// `x*`.
    pub input: [f64; 2],
    /// Plug-in, probit (MacKay 1992) and the Laplace average, with `μ_a` and `s²`.
    pub laplace: Predictive,
    /// The true predictive on the panel's quadrature grid.
    pub truth: f64,
    /// The importance-sampling estimate, its SE and ESS.
    pub importance: ImportanceEstimate,
    /// Its large-`n` limits by quadrature on the same grid (`n·Var(μ̂)`, `ESS/n`); `None` when
    /// `c ≤ c*`, where the weight variance is infinite and there is no finite limit.
    pub limits: Option<ImportanceQuadrature>,
}

/// [`TestPoint`] for `data` at the config's `x*`, `n`, seed and `c`, with the truth from the
/// grid posterior `post`.
pub fn test_point(
    config: &LogRegPanelConfig,
    data: &LogRegData,
    laplace: &Laplace,
    post: &GridPosterior,
) -> TestPoint {
    let x = [config.test_point1, config.test_point2];
    let c = config.proposal_scale.value(laplace);
    let importance = importance_predictive(
        data,
        laplace,
        x,
        c,
        config.importance_samples as usize,
        config.importance_seed as u64,
    );
    let limits = importance
        .finite_variance
        .then(|| importance_quadrature(data, laplace, x, c, post.grid));
    TestPoint {
        input: x,
        laplace: laplace.predictive(x),
        truth: post.predictive(x),
        importance,
        limits,
    }
}

/// The true posterior's shape along the direction `u = E[w|D]/|E[w|D]|` of its mean (the
/// direction in which a logistic likelihood flattens, so the posterior's tail runs outwards),
/// from the quadrature grid: its standardized third moment and each Gaussian's offset from it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PosteriorShape {
    /// `u` (`(1, 0)` when the mean is 0).
    pub direction: [f64; 2],
    /// `E[(uᵀ(w − m))³]/sd³`, `sd² = uᵀCov[w|D]u`: 0 for a Gaussian.
    pub skewness: f64,
    /// `sd`, the true posterior's std along `u`.
    pub std_along: f64,
    /// `uᵀ(w_MAP − m)/sd`: where Laplace's centre sits, in true stds (negative: behind the mean).
    pub laplace_offset: f64,
    /// The same for the mean-field and the full-covariance q.
    pub mean_field_offset: f64,
    /// See `mean_field_offset`.
    pub full_covariance_offset: f64,
    /// `√(uᵀH̄⁻¹u)/sd`: Laplace's std along `u` over the true one.
    pub laplace_std_ratio: f64,
    /// The same for the mean-field q.
    pub mean_field_std_ratio: f64,
}

/// [`PosteriorShape`] of the grid posterior `post` against the Gaussians' means and covariances.
pub fn posterior_shape(
    post: &GridPosterior,
    laplace: &Laplace,
    mean_field: &VariationalFit,
    full: &VariationalFit,
) -> PosteriorShape {
    let m = post.mean;
    let norm = libm::sqrt(m[0] * m[0] + m[1] * m[1]);
    let u = if norm > 0.0 {
        [m[0] / norm, m[1] / norm]
    } else {
        [1.0, 0.0]
    };
    let along = |c: Mat2| u[0] * (c[0] * u[0] + c[1] * u[1]) + u[1] * (c[2] * u[0] + c[3] * u[1]);
    let sd = libm::sqrt(along(post.covariance));
    let third: f64 = post
        .nodes
        .iter()
        .zip(&post.weights)
        .map(|(w, p)| {
            let d = u[0] * (w[0] - m[0]) + u[1] * (w[1] - m[1]);
            p * d * d * d
        })
        .sum();
    let offset = |c: [f64; 2]| (u[0] * (c[0] - m[0]) + u[1] * (c[1] - m[1])) / sd;
    PosteriorShape {
        direction: u,
        skewness: third / (sd * sd * sd),
        std_along: sd,
        laplace_offset: offset(laplace.map),
        mean_field_offset: offset(mean_field.mean),
        full_covariance_offset: offset(full.mean),
        laplace_std_ratio: libm::sqrt(along(laplace.covariance)) / sd,
        mean_field_std_ratio: libm::sqrt(along(mean_field.covariance)) / sd,
    }
}

/// The part of [`analyze_panel`] that needs no variational fit: the data, Laplace, the grid
/// posterior, the test point, the HMC samples and the plug-in, probit and true predictive maps
/// (`n_data` nodes per side). The two fits that follow ([`finish_panel`]) cost the most (up to
/// seconds at some seeds: their line searches evaluate the Gauss–Hermite expectations thousands
/// of times), so the browser draws this part first ([`preview_panel`]) and the rest after. Every
/// number is the one [`analyze_panel`] gives (pure functions of the data and settings; the HMC
/// and importance streams are their own).
#[derive(Clone, Debug, PartialEq)]
pub struct PanelStage {
    /// The data.
    pub data: LogRegData,
    /// MAP, `H̄`, Laplace evidence.
    pub laplace: Laplace,
    /// The true posterior on the panel's grid.
    pub posterior: GridPosterior,
    /// The predictives at the test input.
    pub test_point: TestPoint,
    /// HMC samples, `n×2` row-major.
    pub hmc_samples: Vec<f64>,
    /// HMC acceptance rate.
    pub hmc_acceptance: f64,
    /// HMC sample mean.
    pub hmc_mean: [f64; 2],
    /// The plug-in, probit and true predictive maps (the variational one needs the fit).
    pub predictive: [ContourField; 3],
}

/// [`PanelStage`] of `data` with the panel's settings, `n_data` nodes per side of the data plane.
pub fn panel_stage(config: &LogRegPanelConfig, data: LogRegData, n_data: usize) -> PanelStage {
    let eta = config.prior_variance;
    let lap = laplace(&data, eta);
    let post = grid_posterior(&data, &lap, panel_grid(&lap));
    let test_point = test_point(config, &data, &lap, &post);
    let (samples, acceptance) = hmc_samples(
        &data,
        &lap,
        hmc_settings(&lap, config.seed as u64 + 1),
        200,
        config.hmc_samples as usize,
    );
    let k = (samples.len() / 2).max(1) as f64;
    let hmc_mean = [
        samples.iter().step_by(2).sum::<f64>() / k,
        samples.iter().skip(1).step_by(2).sum::<f64>() / k,
    ];
    let dd = data_domain();
    let coarse: GridPosterior = grid_posterior(&data, &lap, predictive_grid(&lap));
    let plevels = PROBABILITY_LEVELS.to_vec();
    let predictive = [
        field(
            dd,
            n_data,
            dd.grid(n_data, n_data, |a, b| lap.plug_in([a, b])),
            plevels.clone(),
        ),
        field(
            dd,
            n_data,
            dd.grid(n_data, n_data, |a, b| lap.probit([a, b])),
            plevels.clone(),
        ),
        field(
            dd,
            n_data,
            // `dd.grid`'s order: rows along x₂, x₁ fastest.
            coarse.predictive_many((0..n_data).flat_map(|j| {
                let b = dd.y_at(j, n_data);
                (0..n_data).map(move |i| [dd.x_at(i, n_data), b])
            })),
            plevels,
        ),
    ];
    PanelStage {
        data,
        laplace: lap,
        posterior: post,
        test_point,
        hmc_samples: samples,
        hmc_acceptance: acceptance,
        hmc_mean,
        predictive,
    }
}

/// The data plane, `[−DATA_EXTENT, DATA_EXTENT]²`.
fn data_domain() -> Domain {
    Domain {
        x_min: -DATA_EXTENT,
        x_max: DATA_EXTENT,
        y_min: -DATA_EXTENT,
        y_max: DATA_EXTENT,
    }
}

/// The weight plane's density `p(w|D)` on `n_weight²` nodes of a square around the posterior
/// mean, 3.2 of the widest std of `covariances` on each side, with contours at
/// `p_max·e^{−r²/2}`, `r ∈` [`RADII`].
fn weight_plane(
    stage: &PanelStage,
    eta: f64,
    covariances: &[Mat2],
    n_weight: usize,
) -> ContourField {
    let (data, post, lap) = (&stage.data, &stage.posterior, &stage.laplace);
    let widest = covariances
        .iter()
        .map(|c| max_eigenvalue_sym2(*c))
        .fold(0.0, f64::max);
    let half = 3.2 * libm::sqrt(widest);
    let c = post.mean;
    let wd = Domain {
        x_min: c[0] - half,
        x_max: c[0] + half,
        y_min: c[1] - half,
        y_max: c[1] + half,
    };
    let lz = post.log_evidence;
    let density = wd.grid(n_weight, n_weight, |a, b| {
        libm::exp(data.log_joint([a, b], eta) - lz)
    });
    let peak = libm::exp(lap.log_joint_at_map - lz);
    let levels: Vec<f64> = RADII
        .iter()
        .rev()
        .map(|r| peak * libm::exp(-0.5 * r * r))
        .collect();
    field(wd, n_weight, density, levels)
}

/// The ellipses at [`RADII`] of `N(m, s)`.
fn ellipse_pair(m: [f64; 2], s: Mat2) -> [Vec<f64>; 2] {
    RADII.map(|r| ellipse(m, s, r, 97))
}

/// What the browser draws before the fits: the weight plane framed by the true posterior and
/// Laplace only (the final frame also fits the variational Gaussians in), the Laplace and true
/// moments' ellipses. The final numbers come from [`finish_panel`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelPreview {
    /// The posterior density in a provisional frame.
    pub posterior_density: ContourField,
    /// Ellipses at [`RADII`]: Laplace and the true posterior's moment-matched Gaussian.
    pub ellipses: [[Vec<f64>; 2]; 2],
}

/// [`PanelPreview`] of `stage` with `n_weight` nodes per side of the weight plane.
pub fn preview_panel(
    config: &LogRegPanelConfig,
    stage: &PanelStage,
    n_weight: usize,
) -> PanelPreview {
    let (post, lap) = (&stage.posterior, &stage.laplace);
    PanelPreview {
        posterior_density: weight_plane(
            stage,
            config.prior_variance,
            &[post.covariance, lap.covariance],
            n_weight,
        ),
        ellipses: [
            ellipse_pair(lap.map, lap.covariance),
            ellipse_pair(post.mean, post.covariance),
        ],
    }
}

/// The rest of [`analyze_panel`] after [`panel_stage`]: the mean-field and full-covariance fits,
/// the KL divergences, the shape, the weight plane and the variational predictive map.
pub fn finish_panel(
    config: &LogRegPanelConfig,
    stage: PanelStage,
    n_weight: usize,
) -> PanelAnalysis {
    let eta = config.prior_variance;
    let rule = GaussianRule::new(HERMITE_NODES);
    let (data, lap, post) = (&stage.data, &stage.laplace, &stage.posterior);
    let mf = fit(data, lap, Family::MeanField, &rule);
    let full = fit(data, lap, Family::FullCovariance, &rule);
    let shape = posterior_shape(post, lap, &mf, &full);
    let laplace_elbo = rule.elbo(data, eta, lap.map, lap.whitening());
    let kl = [
        post.log_evidence - mf.elbo,
        post.log_evidence - full.elbo,
        post.log_evidence - laplace_elbo,
    ];
    let chosen = match config.variational_family {
        Family::MeanField => &mf,
        Family::FullCovariance => &full,
    };
    // Weight plane: a square around the posterior mean, 3.2 of the widest std (true or any q)
    // on each side.
    let density = weight_plane(
        &stage,
        eta,
        &[
            post.covariance,
            lap.covariance,
            chosen.covariance,
            full.covariance,
        ],
        n_weight,
    );
    let ellipses = [
        ellipse_pair(lap.map, lap.covariance),
        ellipse_pair(chosen.mean, chosen.covariance),
        ellipse_pair(post.mean, post.covariance),
    ];
    let dd = data_domain();
    let n_data = stage.predictive[0].n;
    let rule = normal_rule(32);
    let cm = chosen.mean;
    let cc = chosen.covariance;
    let variational = field(
        dd,
        n_data,
        dd.grid(n_data, n_data, |a, b| {
            let mu = cm[0] * a + cm[1] * b;
            let v = a * (cc[0] * a + cc[1] * b) + b * (cc[2] * a + cc[3] * b);
            sigmoid_average(mu, libm::sqrt(v.max(0.0)), &rule)
        }),
        PROBABILITY_LEVELS.to_vec(),
    );
    let PanelStage {
        data,
        laplace: lap,
        posterior: post,
        test_point,
        hmc_samples,
        hmc_acceptance,
        hmc_mean,
        predictive: [plug_in, probit, truth],
    } = stage;
    PanelAnalysis {
        log_evidence: post.log_evidence,
        posterior_mean: post.mean,
        posterior_covariance: post.covariance,
        mean_field: mf,
        full_covariance: full,
        kl_to_posterior: kl,
        hmc_samples,
        hmc_acceptance,
        hmc_mean,
        posterior_density: density,
        ellipses,
        predictive: [plug_in, probit, variational, truth],
        laplace: lap,
        data,
        shape,
        test_point,
    }
}

/// Analyse `data` with the panel's settings (`n_weight` and `n_data` grid nodes per side of
/// the two planes, each in `2..=400`): [`panel_stage`], then [`finish_panel`].
pub fn analyze_panel(
    config: &LogRegPanelConfig,
    data: LogRegData,
    n_weight: usize,
    n_data: usize,
) -> PanelAnalysis {
    finish_panel(config, panel_stage(config, data, n_data), n_weight)
}
