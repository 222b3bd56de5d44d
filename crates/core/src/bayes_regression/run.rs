//! The staged comparison run: MAP → (evidence tuning of η) → Laplace → Bayes by Backprop →
//! MC dropout → HMC, one [`Experiment`] whose `step` is one unit of work (an Adam step, a
//! damped Newton step, an HMC transition), so a browser worker can run it in slices.
//!
//! Random streams of the seed: 0 the data, 1 the initialisation (shared by MAP, MC dropout and
//! BBB's means), 2 BBB's ε, 3 Laplace weight samples, 4 dropout training masks, 5 BBB predictive
//! samples, 6 MC-dropout predictive masks; HMC seeds are derived from the seed and the burn-in
//! window.

// Index loops follow the formulas and are kept as written.
#![allow(clippy::needless_range_loop)]

use super::bbb::{elbo_gradient, ElboEstimate};
use super::config::{Curvature, Predictive, RegressionConfig};
use super::linalg::{back_solve, cholesky, inverse_quadratic_form};
use super::model::{BayesianMlp, RegressionData};
use crate::bayes::hmc::{Hmc, HmcSettings};
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::nn::mlp::{Dropout, Scaling};
use crate::nn::optim::{AdamMoments, AdamWeights};
use crate::rng::SeededRng;
use crate::special::softplus_inverse;
use serde::Serialize;

/// The plotted input range `[x_min, x_max]` and its grid size.
pub const X_RANGE: (f64, f64) = (-4.5, 4.5);
/// Grid points of the bands.
pub const GRID_POINTS: usize = 181;
/// Methods in band order.
pub const METHODS: [&str; 5] = ["map", "laplace", "bbb", "dropout", "hmc"];
/// Weight samples (Laplace sampled predictive, BBB) and masks (MC dropout) per predictive.
pub const PREDICTIVE_SAMPLES: usize = 200;
/// HMC burn-in transitions (step size adapted in windows of [`ADAPT_WINDOW`]).
pub const HMC_BURN_IN: usize = 100;
/// Contiguous batches of a method's draws for the batch-means standard errors of its band
/// widths (SCIENCE.md §0: every Monte Carlo quantity shown has a standard error). Contiguous
/// batches also carry the HMC chain's autocorrelation into the error.
pub const SE_BATCHES: usize = 10;
/// HMC step-size adaptation window.
pub const ADAPT_WINDOW: usize = 10;
/// damped Newton iterations per fit at most.
pub const LM_MAX_ITERATIONS: usize = 60;
/// log₁₀ η of the evidence grid (then golden-section refinement).
pub const TUNE_GRID: [f64; 9] = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0];
/// Golden-section iterations after the grid.
pub const GOLDEN_ITERATIONS: usize = 8;
const ADAM_RATE: f64 = 0.01;
const BBB_INIT_STD: f64 = 0.01;

/// Adam for the MAP, MC dropout and Bayes by Backprop fits: the lab's one Adam
/// ([`AdamMoments`]) with the literal moment weights its bands fixture pins.
fn adam(n: usize) -> AdamMoments {
    AdamMoments::new(n, AdamWeights::LITERAL)
}

/// A damped Newton fit in progress.
#[derive(Clone, Debug)]
struct Fit {
    w: Vec<f64>,
    damping: f64,
    iterations: usize,
    log_joint: f64,
    converged: bool,
}

impl Fit {
    fn new(w: Vec<f64>) -> Self {
        Fit {
            w,
            damping: 1e-3,
            iterations: 0,
            log_joint: f64::NEG_INFINITY,
            converged: false,
        }
    }

    /// One step; true when finished (converged or out of iterations).
    fn step(&mut self, model: &BayesianMlp, data: &RegressionData) -> bool {
        let (value, _, slope) = model.newton_step(&mut self.w, data, &mut self.damping);
        self.log_joint = value;
        self.iterations += 1;
        // Converged when the gradient is 10⁻⁷ of the curvature scale N/σ² + 1/η.
        let scale = data.len() as f64 / model.noise_variance + 1.0 / model.prior_variance;
        if slope <= 1e-7 * scale {
            self.converged = true;
        }
        self.converged || self.iterations >= LM_MAX_ITERATIONS || self.damping >= 1e12
    }
}

/// Golden-section search state over `ln η`.
#[derive(Clone, Debug)]
struct Golden {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    fc: Option<f64>,
    fd: Option<f64>,
    iterations: usize,
}

const INV_PHI: f64 = 0.618_033_988_749_894_9;

/// The stage of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Full-batch Adam on `−ln p(w, D)`.
    Map,
    /// damped Newton polish of the MAP.
    Refine,
    /// Evidence maximization over η.
    Tune,
    /// Curvature, evidence, Laplace predictive.
    Laplace,
    /// Bayes by Backprop training.
    Bbb,
    /// Dropout training.
    Dropout,
    /// HMC burn-in and sampling.
    Hmc,
    /// Everything computed.
    Done,
}

/// Band widths of one method.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BandSummary {
    /// Whether the method's band exists yet.
    pub ready: bool,
    /// Mean `4σ_pred` (the ±2σ band's width) on grid points within 0.25 of a data input.
    pub width_inside: f64,
    /// Mean `4σ_pred` on grid points inside the data's range but farther than 0.75 from every
    /// data input (the gap between the clusters); NaN if there is no such point.
    pub width_between: f64,
    /// Batch-means standard errors of the two widths for a sampled band ([`SE_BATCHES`]
    /// contiguous batches of the draws: `sd(batch widths)/√K`); NaN for a band that is exact
    /// (MAP, linearized Laplace) or not ready.
    pub width_inside_se: f64,
    pub width_between_se: f64,
}

/// The readout of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegressionSnapshot {
    pub stage: Stage,
    /// Work units done in this stage and planned for it.
    pub stage_step: usize,
    pub stage_total: usize,
    pub steps_done: usize,
    pub stop_reason: Option<StopReason>,
    /// N.
    pub data_points: usize,
    /// P.
    pub params: usize,
    /// η in use (tuned or as set).
    pub prior_variance: f64,
    /// `ln p(w_MAP, D)`.
    pub map_log_joint: f64,
    /// Whether damped Newton converged (`max|∇ln p(w, D)| ≤ 10⁻⁷(N/σ² + 1/η)`).
    pub map_converged: bool,
    /// Laplace evidence with the configured curvature (GGN if the Hessian was indefinite).
    pub log_evidence: f64,
    pub log_evidence_ggn: f64,
    pub log_evidence_diagonal: f64,
    /// NaN when the Hessian is not positive definite.
    pub log_evidence_hessian: f64,
    /// The full Hessian was not positive definite: the Laplace band fell back to the GGN.
    pub hessian_indefinite: bool,
    /// `(log₁₀ η, ln Z)` of every evidence evaluation, in order.
    pub tuning: Vec<[f64; 2]>,
    /// The last BBB ELBO estimate.
    pub elbo: ElboEstimate,
    /// HMC transitions done (burn-in included), acceptance rate after burn-in, step size.
    pub hmc_transitions: usize,
    pub hmc_acceptance: f64,
    pub hmc_step_size: f64,
    pub hmc_kept: usize,
    /// Per method in [`METHODS`] order.
    pub bands: [BandSummary; 5],
    /// The runs of consecutive grid points the width between is averaged over, each as
    /// `[x_first, x_last]` (the gap between the clusters, drawn shaded in the figure).
    pub between_intervals: Vec<[f64; 2]>,
}

type Target = Box<dyn FnMut(&[f64], &mut [f64]) -> f64>;

/// `ln π(z/d)` and its gradient `∇_w ln π / d` in coordinates `z = d ⊙ w`: HMC on it is HMC on
/// `π` with the diagonal mass matrix `diag(d²)` (Neal 2011, §5.4.1), so one step size suits
/// weights of very different posterior widths. The map is linear, so `π` is preserved up to a
/// constant; samples map back by `w = z/d`.
pub fn whitened<F>(mut target: F, scale: Vec<f64>) -> impl FnMut(&[f64], &mut [f64]) -> f64
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    let mut w = vec![0.0; scale.len()];
    let mut gw = vec![0.0; scale.len()];
    move |z: &[f64], gz: &mut [f64]| {
        for j in 0..scale.len() {
            w[j] = z[j] / scale[j];
        }
        let v = target(&w, &mut gw);
        for j in 0..scale.len() {
            gz[j] = gw[j] / scale[j];
        }
        v
    }
}

/// The comparison run (see the module docs).
pub struct RegressionRun {
    config: RegressionConfig,
    data: RegressionData,
    model: BayesianMlp,
    grid: Vec<f64>,
    stage: Stage,
    stage_step: usize,
    /// Steps over all stages (no configured total: the stages end the run).
    record: RunRecord,
    // MAP
    map: Vec<f64>,
    adam: AdamMoments,
    fit: Option<Fit>,
    map_log_joint: f64,
    map_converged: bool,
    // tuning
    evals: Vec<(f64, f64, Vec<f64>)>,
    golden: Option<Golden>,
    target_log10: f64,
    // Laplace
    evidence: [f64; 4],
    hessian_indefinite: bool,
    whitening: Vec<f64>,
    // BBB
    bbb_mean: Vec<f64>,
    bbb_rho: Vec<f64>,
    bbb_adam: AdamMoments,
    bbb_rng: SeededRng,
    elbo: ElboEstimate,
    // dropout
    drop_params: Vec<f64>,
    drop_adam: AdamMoments,
    drop_rng: SeededRng,
    dropout: Dropout,
    // HMC
    hmc: Option<Hmc<Target>>,
    hmc_step_size: f64,
    hmc_window_accepts: usize,
    hmc_transitions: usize,
    hmc_kept: usize,
    hmc_accepted_kept: usize,
    hmc_sum: Vec<f64>,
    hmc_sum_sq: Vec<f64>,
    // per batch of kept HMC draws: sums over the grid (K × G) and counts
    hmc_batch_sum: Vec<f64>,
    hmc_batch_sum_sq: Vec<f64>,
    hmc_batch_count: Vec<usize>,
    // bands: [method][mean, std][grid]
    bands: Vec<f64>,
    // per method: the predictive std of each of SE_BATCHES batches of draws (K × G), empty if
    // the band is not sampled
    band_batches: Vec<Vec<f64>>,
}

impl RegressionRun {
    /// Start a run on the seeded two-cluster data (or own data, the `data` setting) and the
    /// added points of the settings.
    pub fn new(config: RegressionConfig) -> Self {
        let own = &config.data;
        let mut data = if own.is_empty() {
            RegressionData::two_clusters(
                config.data_points as usize,
                config.noise_variance,
                config.seed as u64,
            )
        } else {
            RegressionData {
                inputs: (0..own.rows).map(|i| own.get(i, 0)).collect(),
                targets: (0..own.rows).map(|i| own.get(i, 1)).collect(),
            }
        };
        let added = &config.added_points;
        for i in 0..added.rows {
            data.inputs.push(added.get(i, 0));
            data.targets.push(added.get(i, 1));
        }
        Self::with_data(config, data)
    }

    /// Start a run on given data.
    pub fn with_data(config: RegressionConfig, data: RegressionData) -> Self {
        let model = BayesianMlp::new(
            config.hidden_units as usize,
            config.prior_variance,
            config.noise_variance,
        );
        let p = model.num_params();
        let init = model.mlp.init(&mut SeededRng::new(config.seed as u64, 1));
        let (lo, hi) = X_RANGE;
        let grid = (0..GRID_POINTS)
            .map(|i| lo + (hi - lo) * i as f64 / (GRID_POINTS - 1) as f64)
            .collect();
        let seed = config.seed as u64;
        let mut run = RegressionRun {
            dropout: Dropout {
                rate: config.dropout_rate,
                layers: vec![false, true],
                scaling: Scaling::Inverted,
            },
            data,
            model,
            grid,
            stage: Stage::Map,
            stage_step: 0,
            record: RunRecord::new(&[], usize::MAX),
            map: init.clone(),
            adam: adam(p),
            fit: None,
            map_log_joint: f64::NAN,
            map_converged: false,
            evals: Vec::new(),
            golden: None,
            target_log10: TUNE_GRID[0],
            evidence: [f64::NAN; 4],
            hessian_indefinite: false,
            whitening: vec![1.0; p],
            bbb_mean: init.clone(),
            bbb_rho: vec![softplus_inverse(BBB_INIT_STD); p],
            bbb_adam: adam(2 * p),
            bbb_rng: SeededRng::new(seed, 2),
            elbo: ElboEstimate::default(),
            drop_params: init.clone(),
            drop_adam: adam(p),
            drop_rng: SeededRng::new(seed, 4),
            hmc: None,
            hmc_step_size: f64::NAN,
            hmc_window_accepts: 0,
            hmc_transitions: 0,
            hmc_kept: 0,
            hmc_accepted_kept: 0,
            hmc_sum: vec![0.0; GRID_POINTS],
            hmc_sum_sq: vec![0.0; GRID_POINTS],
            hmc_batch_sum: vec![0.0; SE_BATCHES * GRID_POINTS],
            hmc_batch_sum_sq: vec![0.0; SE_BATCHES * GRID_POINTS],
            hmc_batch_count: vec![0; SE_BATCHES],
            bands: vec![f64::NAN; METHODS.len() * 2 * GRID_POINTS],
            band_batches: vec![Vec::new(); METHODS.len()],
            config,
        };
        run.reset();
        run
    }

    /// The settings.
    pub fn config(&self) -> &RegressionConfig {
        &self.config
    }

    /// The data in use (the seeded points plus any added ones).
    pub fn data(&self) -> &RegressionData {
        &self.data
    }

    /// The model with the η in use.
    pub fn model(&self) -> &BayesianMlp {
        &self.model
    }

    /// The current MAP estimate.
    pub fn map(&self) -> &[f64] {
        &self.map
    }

    /// The band grid `x` ([`GRID_POINTS`] values over [`X_RANGE`]).
    pub fn grid(&self) -> &[f64] {
        &self.grid
    }

    /// `[method][mean, std][grid]`, flat: `(5·2·G)` values; the std is the predictive std of a
    /// new target, `sqrt(Var f + σ²)`. NaN where a method has not finished.
    pub fn bands(&self) -> Vec<f64> {
        let mut b = self.bands.clone();
        if self.hmc_kept > 0 {
            let g = GRID_POINTS;
            let off = 4 * 2 * g;
            let n = self.hmc_kept as f64;
            for i in 0..g {
                let mean = self.hmc_sum[i] / n;
                let var = (self.hmc_sum_sq[i] / n - mean * mean).max(0.0);
                b[off + i] = mean;
                b[off + g + i] = libm::sqrt(var + self.model.noise_variance);
            }
        }
        b
    }

    fn set_band(&mut self, method: usize, mean: &[f64], std: &[f64]) {
        let g = GRID_POINTS;
        let off = method * 2 * g;
        self.bands[off..off + g].copy_from_slice(mean);
        self.bands[off + g..off + 2 * g].copy_from_slice(std);
    }

    /// Mean and std of `f` over function draws `draw(k, x-grid) `, plus noise: from per-grid sums;
    /// and the std of each of [`SE_BATCHES`] contiguous batches of the draws (K × G).
    fn predictive_from<F>(&self, samples: usize, mut draw: F) -> (Vec<f64>, Vec<f64>, Vec<f64>)
    where
        F: FnMut(&mut Vec<f64>),
    {
        let g = GRID_POINTS;
        let (mut s, mut s2) = (vec![0.0; g], vec![0.0; g]);
        let (mut bs, mut bs2) = (vec![0.0; SE_BATCHES * g], vec![0.0; SE_BATCHES * g]);
        let mut counts = vec![0; SE_BATCHES];
        let mut f = vec![0.0; g];
        for k in 0..samples {
            draw(&mut f);
            let b = k * SE_BATCHES / samples;
            counts[b] += 1;
            for i in 0..g {
                s[i] += f[i];
                s2[i] += f[i] * f[i];
                bs[b * g + i] += f[i];
                bs2[b * g + i] += f[i] * f[i];
            }
        }
        let batches = self.batch_stds(&bs, &bs2, &counts);
        let n = samples as f64;
        let mean: Vec<f64> = s.iter().map(|v| v / n).collect();
        let std = (0..g)
            .map(|i| {
                let var = (s2[i] / n - mean[i] * mean[i]).max(0.0);
                libm::sqrt(var + self.model.noise_variance)
            })
            .collect();
        (mean, std, batches)
    }

    /// Predictive stds per batch from per-batch sums (K × G); empty if a batch has no draws.
    fn batch_stds(&self, sum: &[f64], sum_sq: &[f64], counts: &[usize]) -> Vec<f64> {
        if counts.contains(&0) {
            return Vec::new();
        }
        let g = GRID_POINTS;
        (0..SE_BATCHES * g)
            .map(|k| {
                let n = counts[k / g] as f64;
                let mean = sum[k] / n;
                let var = (sum_sq[k] / n - mean * mean).max(0.0);
                libm::sqrt(var + self.model.noise_variance)
            })
            .collect()
    }

    fn curve(&self, w: &[f64], out: &mut [f64], tape: &mut crate::nn::mlp::Tape) {
        for (o, &x) in out.iter_mut().zip(&self.grid) {
            *o = self.model.output(w, x, tape);
        }
    }

    fn stage_total(&self) -> usize {
        match self.stage {
            Stage::Map | Stage::Bbb | Stage::Dropout => self.config.training_steps as usize,
            Stage::Refine => LM_MAX_ITERATIONS,
            Stage::Tune => (TUNE_GRID.len() + 2 * GOLDEN_ITERATIONS) * LM_MAX_ITERATIONS,
            Stage::Laplace => 1,
            Stage::Hmc => HMC_BURN_IN + self.config.hmc_samples as usize,
            Stage::Done => 0,
        }
    }

    fn enter(&mut self, stage: Stage) {
        self.stage = stage;
        self.stage_step = 0;
    }

    fn diverge(&mut self) {
        self.record.stop(StopReason::Diverged);
    }

    // ---- stages -------------------------------------------------------------------------

    fn map_step(&mut self) {
        let p = self.model.num_params();
        let mut tape = self.model.mlp.tape();
        let mut g = vec![0.0; p];
        let lj = self
            .model
            .log_joint(&self.map, &self.data, &mut tape, &mut g);
        if !lj.is_finite() {
            return self.diverge();
        }
        let n = self.data.len().max(1) as f64;
        g.iter_mut().for_each(|v| *v = -*v / n);
        self.adam.step(&mut self.map, ADAM_RATE, |j, _| g[j]);
        self.stage_step += 1;
        if self.stage_step >= self.config.training_steps as usize {
            self.fit = Some(Fit::new(self.map.clone()));
            self.enter(Stage::Refine);
        }
    }

    fn refine_step(&mut self) {
        let fit = self.fit.as_mut().expect("a fit in the refine stage");
        let done = fit.step(&self.model, &self.data);
        self.stage_step += 1;
        if !fit.log_joint.is_finite() {
            return self.diverge();
        }
        if done {
            let fit = self.fit.take().expect("fit");
            self.map = fit.w;
            self.map_log_joint = fit.log_joint;
            self.map_converged = fit.converged;
            if self.config.tune_prior {
                self.target_log10 = TUNE_GRID[0];
                self.start_fit_near(self.target_log10);
                self.enter(Stage::Tune);
            } else {
                self.enter(Stage::Laplace);
            }
        }
    }

    /// Start an LM fit at `log₁₀ η`, warm-started from the nearest evaluated η (or the MAP).
    fn start_fit_near(&mut self, log10_eta: f64) {
        self.model = self.model.with_prior_variance(libm::pow(10.0, log10_eta));
        let w = self
            .evals
            .iter()
            .min_by(|a, b| (a.0 - log10_eta).abs().total_cmp(&(b.0 - log10_eta).abs()))
            .map(|e| e.2.clone())
            .unwrap_or_else(|| self.map.clone());
        self.fit = Some(Fit::new(w));
    }

    fn ggn_evidence(&self, w: &[f64], log_joint: f64) -> f64 {
        let p = self.model.num_params();
        match cholesky(&self.model.ggn(w, &self.data), p) {
            Some(l) => self.model.laplace_evidence(log_joint, &l),
            None => f64::NAN,
        }
    }

    fn tune_step(&mut self) {
        let fit = self.fit.as_mut().expect("a fit in the tune stage");
        let done = fit.step(&self.model, &self.data);
        self.stage_step += 1;
        if !done {
            return;
        }
        let fit = self.fit.take().expect("fit");
        let evidence = self.ggn_evidence(&fit.w, fit.log_joint);
        let x = self.target_log10;
        self.evals.push((x, evidence, fit.w));
        let next = self.next_tune_target(evidence);
        match next {
            Some(t) => {
                self.target_log10 = t;
                self.start_fit_near(t);
            }
            None => {
                let best = self
                    .evals
                    .iter()
                    .filter(|e| e.1.is_finite())
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .cloned();
                if let Some((x, _, w)) = best {
                    self.model = self.model.with_prior_variance(libm::pow(10.0, x));
                    self.map = w;
                } else {
                    self.model = self.model.with_prior_variance(self.config.prior_variance);
                }
                let mut tape = self.model.mlp.tape();
                let mut g = vec![0.0; self.map.len()];
                self.map_log_joint = self
                    .model
                    .log_joint(&self.map, &self.data, &mut tape, &mut g);
                self.enter(Stage::Laplace);
            }
        }
    }

    /// The grid in order, then golden-section refinement around the grid's best point.
    fn next_tune_target(&mut self, fx: f64) -> Option<f64> {
        let k = self.evals.len();
        if k < TUNE_GRID.len() {
            return Some(TUNE_GRID[k]);
        }
        let fx = if fx.is_finite() {
            fx
        } else {
            f64::NEG_INFINITY
        };
        match self.golden.as_mut() {
            None => {
                let best = (0..TUNE_GRID.len())
                    .max_by(|&a, &b| {
                        let (fa, fb) = (self.evals[a].1, self.evals[b].1);
                        let fa = if fa.is_finite() {
                            fa
                        } else {
                            f64::NEG_INFINITY
                        };
                        let fb = if fb.is_finite() {
                            fb
                        } else {
                            f64::NEG_INFINITY
                        };
                        fa.total_cmp(&fb)
                    })
                    .unwrap_or(0);
                let a = TUNE_GRID[best.saturating_sub(1)];
                let b = TUNE_GRID[(best + 1).min(TUNE_GRID.len() - 1)];
                let c = b - INV_PHI * (b - a);
                let d = a + INV_PHI * (b - a);
                self.golden = Some(Golden {
                    a,
                    b,
                    c,
                    d,
                    fc: None,
                    fd: None,
                    iterations: 0,
                });
                Some(c)
            }
            Some(gs) => {
                // Exactly one of f(c), f(d) is pending: the one just evaluated at x.
                if gs.fc.is_none() {
                    gs.fc = Some(fx);
                } else {
                    gs.fd = Some(fx);
                }
                let (Some(fc), Some(fd)) = (gs.fc, gs.fd) else {
                    return Some(gs.d);
                };
                gs.iterations += 1;
                if gs.iterations > GOLDEN_ITERATIONS {
                    return None;
                }
                if fc >= fd {
                    gs.b = gs.d;
                    gs.d = gs.c;
                    gs.fd = Some(fc);
                    gs.c = gs.b - INV_PHI * (gs.b - gs.a);
                    gs.fc = None;
                    Some(gs.c)
                } else {
                    gs.a = gs.c;
                    gs.c = gs.d;
                    gs.fc = Some(fd);
                    gs.d = gs.a + INV_PHI * (gs.b - gs.a);
                    gs.fd = None;
                    Some(gs.d)
                }
            }
        }
    }

    fn laplace_step(&mut self) {
        let p = self.model.num_params();
        let w = self.map.clone();
        let ggn = self.model.ggn(&w, &self.data);
        let l_ggn = cholesky(&ggn, p);
        let mut l_diag = vec![0.0; p * p];
        for j in 0..p {
            l_diag[j * p + j] = libm::sqrt(ggn[j * p + j]);
        }
        let l_hess = cholesky(&self.model.hessian(&w, &self.data), p);
        let lj = self.map_log_joint;
        let ev = |l: &Option<Vec<f64>>| match l {
            Some(l) => self.model.laplace_evidence(lj, l),
            None => f64::NAN,
        };
        let (e_ggn, e_hess) = (ev(&l_ggn), ev(&l_hess));
        let e_diag = self.model.laplace_evidence(lj, &l_diag);
        self.hessian_indefinite = l_hess.is_none();
        let (chol, used) = match self.config.laplace {
            Curvature::Ggn => (l_ggn.clone(), e_ggn),
            Curvature::Diagonal => (Some(l_diag), e_diag),
            Curvature::Hessian if l_hess.is_some() => (l_hess, e_hess),
            Curvature::Hessian => (l_ggn.clone(), e_ggn),
        };
        self.evidence = [used, e_ggn, e_diag, e_hess];
        for j in 0..p {
            self.whitening[j] = libm::sqrt(ggn[j * p + j]);
        }
        let Some(chol) = chol else {
            return self.diverge();
        };
        // MAP band: noise only.
        let mut tape = self.model.mlp.tape();
        let g = GRID_POINTS;
        let mut mean = vec![0.0; g];
        self.curve(&w, &mut mean, &mut tape);
        let sd = libm::sqrt(self.model.noise_variance);
        self.set_band(0, &mean.clone(), &vec![sd; g]);
        let (m, s, batches) = match self.config.predictive {
            Predictive::Linearized => {
                let mut row = vec![0.0; p];
                let mut scratch = vec![0.0; p];
                let std: Vec<f64> = self
                    .grid
                    .iter()
                    .map(|&x| {
                        row.fill(0.0);
                        self.model.output_gradient(&w, x, 1.0, &mut tape, &mut row);
                        let var = inverse_quadratic_form(&chol, p, &row, &mut scratch);
                        libm::sqrt(var + self.model.noise_variance)
                    })
                    .collect();
                (mean, std, Vec::new())
            }
            Predictive::Sampled => {
                let mut rng = SeededRng::new(self.config.seed as u64, 3);
                let mut z = vec![0.0; p];
                let mut ws = vec![0.0; p];
                self.predictive_from(PREDICTIVE_SAMPLES, |f| {
                    // w = w* + L⁻ᵀz has covariance (LLᵀ)⁻¹ = H̄⁻¹.
                    z.iter_mut().for_each(|v| *v = rng.normal());
                    back_solve(&chol, p, &mut z);
                    for j in 0..p {
                        ws[j] = w[j] + z[j];
                    }
                    for (o, &x) in f.iter_mut().zip(&self.grid) {
                        *o = self.model.output(&ws, x, &mut tape);
                    }
                })
            }
        };
        self.set_band(1, &m, &s);
        self.band_batches[1] = batches;
        self.stage_step = 1;
        self.enter(Stage::Bbb);
    }

    fn bbb_band(&mut self) {
        let p = self.model.num_params();
        let mut rng = SeededRng::new(self.config.seed as u64, 5);
        let std: Vec<f64> = self
            .bbb_rho
            .iter()
            .map(|&r| crate::special::softplus(r))
            .collect();
        let mean = self.bbb_mean.clone();
        let mut tape = self.model.mlp.tape();
        let mut w = vec![0.0; p];
        let (m, s, batches) = self.predictive_from(PREDICTIVE_SAMPLES, |f| {
            for j in 0..p {
                w[j] = mean[j] + std[j] * rng.normal();
            }
            for (o, &x) in f.iter_mut().zip(&self.grid) {
                *o = self.model.output(&w, x, &mut tape);
            }
        });
        self.set_band(2, &m, &s);
        self.band_batches[2] = batches;
    }

    fn bbb_step(&mut self) {
        let p = self.model.num_params();
        let mut grad = vec![0.0; 2 * p];
        let mut tape = self.model.mlp.tape();
        self.elbo = elbo_gradient(
            &self.model,
            &self.data,
            &self.bbb_mean,
            &self.bbb_rho,
            1,
            &mut self.bbb_rng,
            &mut tape,
            &mut grad,
        );
        if !self.elbo.elbo.is_finite() {
            return self.diverge();
        }
        let n = self.data.len().max(1) as f64;
        grad.iter_mut().for_each(|v| *v = -*v / n);
        let mut theta: Vec<f64> = self.bbb_mean.iter().chain(&self.bbb_rho).copied().collect();
        self.bbb_adam.step(&mut theta, ADAM_RATE, |j, _| grad[j]);
        self.bbb_mean.copy_from_slice(&theta[..p]);
        self.bbb_rho.copy_from_slice(&theta[p..]);
        self.stage_step += 1;
        let total = self.config.training_steps as usize;
        if self.stage_step % 500 == 0 || self.stage_step >= total {
            self.bbb_band();
        }
        if self.stage_step >= total {
            self.enter(Stage::Dropout);
        }
    }

    fn dropout_step(&mut self) {
        let p = self.model.num_params();
        let mlp = &self.model.mlp;
        let mut tape = mlp.tape();
        let mut mask = vec![1.0; mlp.num_units()];
        let mut g = vec![0.0; p];
        let s2 = self.model.noise_variance;
        let mut loss = 0.0;
        for (&x, &t) in self.data.inputs.iter().zip(&self.data.targets) {
            self.dropout.sample_mask(mlp, &mut self.drop_rng, &mut mask);
            let f = mlp.forward(
                &self.drop_params,
                &self.dropout,
                &[x],
                Some(&mask),
                &mut tape,
            );
            let r = f - t;
            loss += r * r;
            mlp.backward(&self.drop_params, &mut tape, r / s2, &mut g);
        }
        if !loss.is_finite() {
            return self.diverge();
        }
        let n = self.data.len().max(1) as f64;
        for j in 0..p {
            g[j] = (g[j] + self.drop_params[j] / self.model.prior_variance) / n;
        }
        self.drop_adam
            .step(&mut self.drop_params, ADAM_RATE, |j, _| g[j]);
        self.stage_step += 1;
        if self.stage_step >= self.config.training_steps as usize {
            let mut rng = SeededRng::new(self.config.seed as u64, 6);
            let params = self.drop_params.clone();
            let dropout = self.dropout.clone();
            let (m, s, batches) = self.predictive_from(PREDICTIVE_SAMPLES, |f| {
                dropout.sample_mask(mlp, &mut rng, &mut mask);
                for (o, &x) in f.iter_mut().zip(&self.grid) {
                    *o = mlp.forward(&params, &dropout, &[x], Some(&mask), &mut tape);
                }
            });
            self.set_band(3, &m, &s);
            self.band_batches[3] = batches;
            self.start_hmc();
            self.enter(Stage::Hmc);
        }
    }

    /// The log posterior in whitened coordinates ([`whitened`]) with `d_j = sqrt(H̄_GGN,jj)`
    /// at the MAP.
    fn target(&self) -> Target {
        let (model, data) = (self.model.clone(), self.data.clone());
        let mut tape = model.mlp.tape();
        Box::new(whitened(
            move |w: &[f64], g: &mut [f64]| model.log_joint(w, &data, &mut tape, g),
            self.whitening.clone(),
        ))
    }

    fn hmc_seed(&self, window: usize) -> u64 {
        (self.config.seed as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(7919 + window as u64)
    }

    fn start_hmc(&mut self) {
        // Initial step size 1/√λ_max of the whitened GGN (power iteration).
        let p = self.model.num_params();
        let ggn = self.model.ggn(&self.map, &self.data);
        let d = &self.whitening;
        let mut v = vec![1.0 / libm::sqrt(p as f64); p];
        let mut lambda = 1.0;
        for _ in 0..30 {
            let mut u = vec![0.0; p];
            for j in 0..p {
                for k in 0..p {
                    u[j] += ggn[j * p + k] / (d[j] * d[k]) * v[k];
                }
            }
            lambda = libm::sqrt(u.iter().map(|x| x * x).sum::<f64>());
            if lambda.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                break;
            }
            v = u.iter().map(|x| x / lambda).collect();
        }
        self.hmc_step_size = 1.0 / libm::sqrt(lambda.max(1.0));
        let start: Vec<f64> = self.map.iter().zip(d).map(|(w, d)| w * d).collect();
        self.new_chain(start, 0);
    }

    fn new_chain(&mut self, start: Vec<f64>, window: usize) {
        let settings = HmcSettings {
            step_size: self.hmc_step_size,
            leapfrog_steps: self.config.leapfrog_steps as usize,
            step_size_jitter: 0.2,
            seed: self.hmc_seed(window),
        };
        self.hmc = Some(Hmc::new(self.target(), start, settings));
        self.hmc_window_accepts = 0;
    }

    fn hmc_step(&mut self) {
        let hmc = self.hmc.as_mut().expect("a chain in the HMC stage");
        let accepted = hmc.transition();
        self.hmc_transitions += 1;
        self.stage_step += 1;
        if self.stage_step <= HMC_BURN_IN {
            self.hmc_window_accepts += accepted as usize;
            if self.stage_step % ADAPT_WINDOW == 0 {
                let rate = self.hmc_window_accepts as f64 / ADAPT_WINDOW as f64;
                // Aim at an acceptance rate of 0.6–0.9.
                let factor = if rate > 0.9 {
                    1.4
                } else if rate < 0.3 {
                    0.5
                } else if rate < 0.6 {
                    0.75
                } else {
                    1.0
                };
                self.hmc_step_size *= factor;
                let start = self.hmc.as_ref().expect("chain").position().to_vec();
                self.new_chain(start, self.stage_step / ADAPT_WINDOW);
            }
            return;
        }
        self.hmc_kept += 1;
        self.hmc_accepted_kept += accepted as usize;
        let z = self.hmc.as_ref().expect("chain").position().to_vec();
        let w: Vec<f64> = z.iter().zip(&self.whitening).map(|(z, d)| z / d).collect();
        let mut tape = self.model.mlp.tape();
        let planned = (self.config.hmc_samples as usize).max(1);
        let b = ((self.hmc_kept - 1) * SE_BATCHES / planned).min(SE_BATCHES - 1);
        self.hmc_batch_count[b] += 1;
        for i in 0..GRID_POINTS {
            let f = self.model.output(&w, self.grid[i], &mut tape);
            self.hmc_sum[i] += f;
            self.hmc_sum_sq[i] += f * f;
            self.hmc_batch_sum[b * GRID_POINTS + i] += f;
            self.hmc_batch_sum_sq[b * GRID_POINTS + i] += f * f;
        }
        if !self.hmc_sum.iter().all(|v| v.is_finite()) {
            return self.diverge();
        }
        if self.stage_step >= self.stage_total() {
            self.enter(Stage::Done);
        }
    }

    /// Grid indices inside the data (within 0.25 of an input) and between the clusters (inside
    /// the data's range, farther than 0.75 from every input).
    fn inside_and_between(&self) -> (Vec<usize>, Vec<usize>) {
        let near = |x: f64, r: f64| self.data.inputs.iter().any(|&d| (d - x).abs() <= r);
        let (lo, hi) = self
            .data
            .inputs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let inside = (0..GRID_POINTS)
            .filter(|&i| near(self.grid[i], 0.25))
            .collect();
        let between = (0..GRID_POINTS)
            .filter(|&i| self.grid[i] > lo && self.grid[i] < hi && !near(self.grid[i], 0.75))
            .collect();
        (inside, between)
    }

    /// The between set as runs of consecutive grid points, `[x_first, x_last]` each.
    fn between_intervals(&self) -> Vec<[f64; 2]> {
        let (_, between) = self.inside_and_between();
        let mut out: Vec<[f64; 2]> = Vec::new();
        let mut last = usize::MAX;
        for i in between {
            match out.last_mut() {
                Some(run) if i == last.wrapping_add(1) => run[1] = self.grid[i],
                _ => out.push([self.grid[i], self.grid[i]]),
            }
            last = i;
        }
        out
    }

    fn summaries(&self) -> [BandSummary; 5] {
        let bands = self.bands();
        let g = GRID_POINTS;
        let (inside, between) = self.inside_and_between();
        let mut out = [BandSummary {
            ready: false,
            width_inside: f64::NAN,
            width_between: f64::NAN,
            width_inside_se: f64::NAN,
            width_between_se: f64::NAN,
        }; 5];
        let avg = |std: &[f64], idx: &[usize]| {
            if idx.is_empty() {
                f64::NAN
            } else {
                idx.iter().map(|&i| 4.0 * std[i]).sum::<f64>() / idx.len() as f64
            }
        };
        // Batch means: the spread of the width over K batches of draws, over √K.
        let se = |batches: &[f64], idx: &[usize]| {
            if batches.is_empty() || idx.is_empty() {
                return f64::NAN;
            }
            let widths: Vec<f64> = batches.chunks(g).map(|b| avg(b, idx)).collect();
            let k = widths.len() as f64;
            let mean = widths.iter().sum::<f64>() / k;
            let var = widths.iter().map(|w| (w - mean) * (w - mean)).sum::<f64>() / (k - 1.0);
            libm::sqrt(var / k)
        };
        let hmc_batches = if self.hmc_kept > 0 {
            self.batch_stds(
                &self.hmc_batch_sum,
                &self.hmc_batch_sum_sq,
                &self.hmc_batch_count,
            )
        } else {
            Vec::new()
        };
        for (m, o) in out.iter_mut().enumerate() {
            let std = &bands[m * 2 * g + g..(m + 1) * 2 * g];
            o.ready = std[0].is_finite();
            if o.ready {
                o.width_inside = avg(std, &inside);
                o.width_between = avg(std, &between);
                let batches = if m == 4 {
                    &hmc_batches
                } else {
                    &self.band_batches[m]
                };
                o.width_inside_se = se(batches, &inside);
                o.width_between_se = se(batches, &between);
            }
        }
        out
    }
}

impl Experiment for RegressionRun {
    type Snapshot = RegressionSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        if self.data.is_empty() {
            return self.record.stop(StopReason::Done);
        }
        match self.stage {
            Stage::Map => self.map_step(),
            Stage::Refine => self.refine_step(),
            Stage::Tune => self.tune_step(),
            Stage::Laplace => self.laplace_step(),
            Stage::Bbb => self.bbb_step(),
            Stage::Dropout => self.dropout_step(),
            Stage::Hmc => self.hmc_step(),
            Stage::Done => {}
        }
        self.record.advance();
        if self.stage == Stage::Done {
            self.record.stop(StopReason::Done);
        }
        self.record.stop_reason()
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> RegressionSnapshot {
        RegressionSnapshot {
            stage: self.stage,
            stage_step: self.stage_step,
            stage_total: self.stage_total(),
            steps_done: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            data_points: self.data.len(),
            params: self.model.num_params(),
            prior_variance: self.model.prior_variance,
            map_log_joint: self.map_log_joint,
            map_converged: self.map_converged,
            log_evidence: self.evidence[0],
            log_evidence_ggn: self.evidence[1],
            log_evidence_diagonal: self.evidence[2],
            log_evidence_hessian: self.evidence[3],
            hessian_indefinite: self.hessian_indefinite,
            tuning: self.evals.iter().map(|e| [e.0, e.1]).collect(),
            elbo: self.elbo,
            hmc_transitions: self.hmc_transitions,
            hmc_acceptance: self.hmc_accepted_kept as f64 / self.hmc_kept as f64,
            hmc_step_size: self.hmc_step_size,
            hmc_kept: self.hmc_kept,
            bands: self.summaries(),
            between_intervals: self.between_intervals(),
        }
    }

    /// Start over on the same data (added points kept) and seed.
    fn reset(&mut self) {
        if self.record.steps_done() == 0 && self.stage == Stage::Map && self.stage_step == 0 {
            return;
        }
        *self = Self::with_data(self.config.clone(), self.data.clone());
    }
}

crate::lab!(RegressionRun, RegressionConfig, "bayes-regression", []);
