//! Hamiltonian Monte Carlo (Neal 2011, "MCMC using Hamiltonian dynamics", Handbook of MCMC,
//! ch. 5; Duane et al. 1987): the gold-standard sampler the approximate posteriors are checked
//! against.
//!
//! The target is a closure `ln π(q)` that also writes `∇ ln π(q)`. One transition (Neal's
//! Fig. 2): draw momenta `p ~ N(0, I)`; run `L` leapfrog steps of size `ε`
//! (`p ← p + ½ε∇ln π`, then `L` times `q ← q + εp` and `p ← p + ε∇ln π`, the last one a half
//! step); accept the end point with probability `min(1, exp(H₀ − H₁))`,
//! `H = −ln π(q) + ½‖p‖²`. The leapfrog map is volume preserving and reversible, so the
//! Metropolis correction makes `π` exactly invariant for any `ε`. Optionally `ε` is drawn
//! uniformly from `[ε(1 − j), ε(1 + j)]` each transition (Neal §5.4.2.2), which breaks the
//! periodicities a fixed `εL` can hit on a Gaussian.
//!
//! Randomness per transition, from one [`SeededRng`] stream: one uniform for the jitter (only if
//! `j > 0`), D normals, one uniform for the acceptance test.

use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::rng::SeededRng;
use serde::Serialize;

/// Sampler settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HmcSettings {
    /// Leapfrog step size `ε` (must be positive; stable for `ε < 2/√λ_max` on a Gaussian
    /// with precision eigenvalues `λ`).
    pub step_size: f64,
    /// Leapfrog steps per transition `L ≥ 1`.
    pub leapfrog_steps: usize,
    /// Relative jitter `j ∈ [0, 1)` of the step size.
    pub step_size_jitter: f64,
    /// Seed (stream 0).
    pub seed: u64,
}

/// The readout of a sampler.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HmcSnapshot {
    /// Transitions done.
    pub iterations: usize,
    /// Accepted proposals.
    pub accepted: usize,
    /// `accepted / iterations` (NaN before the first).
    pub acceptance_rate: f64,
    /// The current state `q`.
    pub position: Vec<f64>,
    /// `ln π(q)`.
    pub log_density: f64,
    /// `H₁ − H₀` of the last proposal (the leapfrog's energy error).
    pub last_energy_error: f64,
    /// The configured number of transitions (`usize::MAX` for no limit).
    pub total_iterations: usize,
}

/// A Hamiltonian Monte Carlo chain on `ln π`, given by `target(q, grad) -> ln π(q)` (it must
/// write `∇ ln π(q)` into `grad`; the density may be unnormalized).
pub struct Hmc<F>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    target: F,
    settings: HmcSettings,
    start: Vec<f64>,
    position: Vec<f64>,
    log_density: f64,
    gradient: Vec<f64>,
    rng: SeededRng,
    /// Transitions so far; stops (as an [`Experiment`]) at the limit.
    record: RunRecord,
    accepted: usize,
    last_energy_error: f64,
    // Scratch for the proposal.
    q: Vec<f64>,
    p: Vec<f64>,
    g: Vec<f64>,
}

impl<F> Hmc<F>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    /// A chain at `start` (where `ln π` must be finite).
    pub fn new(target: F, start: Vec<f64>, settings: HmcSettings) -> Self {
        let d = start.len();
        let mut hmc = Hmc {
            target,
            settings,
            position: start.clone(),
            start,
            log_density: 0.0,
            gradient: vec![0.0; d],
            rng: SeededRng::new(settings.seed, 0),
            record: RunRecord::new(&[], usize::MAX),
            accepted: 0,
            last_energy_error: 0.0,
            q: vec![0.0; d],
            p: vec![0.0; d],
            g: vec![0.0; d],
        };
        hmc.reset();
        hmc
    }

    /// Stop the [`Experiment`] after `iterations` transitions (a builder: call it on a new
    /// chain).
    pub fn with_limit(mut self, iterations: usize) -> Self {
        self.record = RunRecord::new(&[], iterations);
        self.record.settle(false);
        self
    }

    /// One transition; returns whether the proposal was accepted.
    pub fn transition(&mut self) -> bool {
        let s = self.settings;
        let eps = if s.step_size_jitter > 0.0 {
            s.step_size * (1.0 + s.step_size_jitter * (2.0 * self.rng.uniform() - 1.0))
        } else {
            s.step_size
        };
        let d = self.position.len();
        let mut kinetic0 = 0.0;
        for j in 0..d {
            let p = self.rng.normal();
            self.p[j] = p;
            kinetic0 += 0.5 * p * p;
            self.q[j] = self.position[j];
            self.g[j] = self.gradient[j];
        }
        let mut log_density = self.log_density;
        for j in 0..d {
            self.p[j] += 0.5 * eps * self.g[j];
        }
        for step in 0..s.leapfrog_steps {
            for j in 0..d {
                self.q[j] += eps * self.p[j];
            }
            log_density = (self.target)(&self.q, &mut self.g);
            let kick = if step + 1 == s.leapfrog_steps {
                0.5 * eps
            } else {
                eps
            };
            for j in 0..d {
                self.p[j] += kick * self.g[j];
            }
        }
        let kinetic1: f64 = self.p.iter().map(|p| 0.5 * p * p).sum();
        let energy_error = (-log_density + kinetic1) - (-self.log_density + kinetic0);
        self.last_energy_error = energy_error;
        // 1 − u ∈ (0, 1]: its logarithm is finite. A non-finite proposal is rejected.
        let log_u = libm::log(1.0 - self.rng.uniform());
        let accept = energy_error.is_finite() && log_u < -energy_error;
        if accept {
            self.position.copy_from_slice(&self.q);
            self.gradient.copy_from_slice(&self.g);
            self.log_density = log_density;
            self.accepted += 1;
        }
        self.record.advance();
        self.record.settle(false);
        accept
    }

    /// Run `n` transitions and return the states after each, `n×D` row-major.
    pub fn sample(&mut self, n: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(n * self.position.len());
        for _ in 0..n {
            self.transition();
            out.extend_from_slice(&self.position);
        }
        out
    }

    /// The current state.
    pub fn position(&self) -> &[f64] {
        &self.position
    }

    /// Accepted proposals so far.
    pub fn accepted(&self) -> usize {
        self.accepted
    }

    /// Transitions so far.
    pub fn iterations(&self) -> usize {
        self.record.steps_done()
    }
}

impl<F> Experiment for Hmc<F>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    type Snapshot = HmcSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if self.record.stop_reason().is_none() {
            self.transition();
        }
        self.record.stop_reason()
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> HmcSnapshot {
        HmcSnapshot {
            iterations: self.iterations(),
            accepted: self.accepted,
            acceptance_rate: self.accepted as f64 / self.iterations() as f64,
            position: self.position.clone(),
            log_density: self.log_density,
            last_energy_error: self.last_energy_error,
            total_iterations: self.record.total_steps(),
        }
    }

    /// Back to the start point and the seed's first draw.
    fn reset(&mut self) {
        self.position.copy_from_slice(&self.start);
        self.log_density = (self.target)(&self.start, &mut self.gradient);
        self.rng = SeededRng::new(self.settings.seed, 0);
        self.record.reset(0);
        self.record.settle(false);
        self.accepted = 0;
        self.last_energy_error = 0.0;
    }
}

/// Batch-means standard error of the mean of a scalar chain `x` (Flegal & Jones 2010):
/// split it into `batches` equal consecutive batches (a remainder at the start is dropped),
/// `SE = sd(batch means)/√batches`. Returns `(mean, SE, ESS)` with the effective sample size
/// `ESS = n·Var(x)/(b·Var(batch means))` for batch length `b`, i.e. `n` divided by the
/// estimated integrated autocorrelation time.
pub fn batch_means(x: &[f64], batches: usize) -> (f64, f64, f64) {
    let b = x.len() / batches;
    let x = &x[x.len() - b * batches..];
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let bm: Vec<f64> = x
        .chunks(b)
        .map(|c| c.iter().sum::<f64>() / b as f64)
        .collect();
    let var_bm = bm.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (batches as f64 - 1.0);
    (
        mean,
        libm::sqrt(var_bm / batches as f64),
        n * var / (b as f64 * var_bm),
    )
}
