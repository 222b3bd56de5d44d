//! Dropout on linear regression: the explicit regularizer in closed form (Srivastava et al. 2014,
//! JMLR 15, sec. 9.1; SCIENCE.md §2.1) and DROP_K / knock-in on it (Wei, Kakade & Ma 2020).
//!
//! Conventions (SCIENCE.md §2.1): `w` are the **test-time** weights (D of them, no bias);
//! training predicts `ŷ = Σ_j m_j x_j w_j/(1−ρ)` with masks i.i.d. per example and feature, so
//! `E_m ŷ = xᵀw`. With `c = ρ/(1−ρ)` and `S = diag(XᵀX/N)` (second moments, not variances unless
//! the features are centred):
//!
//! - `R(w) = (c/2) wᵀSw`, `J_reg = J + R`, `∇J_reg = Xᵀ(Xw − t)/N + cSw`;
//! - `w* = (XᵀX + c·diag(XᵀX))⁻¹Xᵀt`: ridge with the feature-weighted penalty `λ_j = c·S_jj`.
//!
//! `X` is `N × D` row-major. Linear systems are solved by a small Cholesky factorisation in plain
//! loops (D ≲ 10; bit-identical natively and in wasm, no dependency).

use super::{sample_batch, Variant};
use crate::experiment::{Experiment, RunRecord, StopReason};
use crate::rng::SeededRng;
use serde::Serialize;

#[inline]
fn sq(v: f64) -> f64 {
    v * v
}

/// Largest D for the `2^D` enumerations.
pub const MAX_ENUMERATED_FEATURES: usize = 16;

/// A linear regression problem `t ≈ Xw`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearProblem {
    pub n: usize,
    pub d: usize,
    /// `X`, `n × d` row-major.
    pub x: Vec<f64>,
    /// `t`, length n.
    pub t: Vec<f64>,
}

/// Solve `A w = b` for a symmetric positive definite `d × d` row-major `A` by Cholesky.
pub fn solve_spd(a: &[f64], b: &[f64], d: usize) -> Vec<f64> {
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            l[i * d + j] = if i == j {
                libm::sqrt(s)
            } else {
                s / l[j * d + j]
            };
        }
    }
    let mut y = vec![0.0; d];
    for i in 0..d {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * d + k] * y[k];
        }
        y[i] = s / l[i * d + i];
    }
    let mut w = vec![0.0; d];
    for i in (0..d).rev() {
        let mut s = y[i];
        for k in i + 1..d {
            s -= l[k * d + i] * w[k];
        }
        w[i] = s / l[i * d + i];
    }
    w
}

impl LinearProblem {
    /// A seeded problem with features of different scales, `x_ij = s_j ε`, `s_j` from 0.5 to 2
    /// (geometric), targets `t = Σ_j x_ij + noise·ε` (true weights all 1). Unequal second
    /// moments make dropout's feature-weighted penalty differ from uniform ridge.
    pub fn generate(n: usize, d: usize, noise: f64, seed: u64) -> Self {
        let mut rng = SeededRng::new(seed, 0);
        let scale = |j: usize| {
            if d == 1 {
                1.0
            } else {
                0.5 * libm::exp(libm::log(4.0) * j as f64 / (d - 1) as f64)
            }
        };
        let mut x = Vec::with_capacity(n * d);
        let mut t = Vec::with_capacity(n);
        for _ in 0..n {
            let mut s = 0.0;
            for j in 0..d {
                let v = scale(j) * rng.normal();
                x.push(v);
                s += v;
            }
            t.push(s + noise * rng.normal());
        }
        LinearProblem { n, d, x, t }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    fn dot(&self, i: usize, w: &[f64]) -> f64 {
        self.row(i).iter().zip(w).map(|(a, b)| a * b).sum()
    }

    /// `S = diag(XᵀX)/N`, the features' second moments.
    pub fn second_moments(&self) -> Vec<f64> {
        (0..self.d)
            .map(|j| (0..self.n).map(|i| sq(self.x[i * self.d + j])).sum::<f64>() / self.n as f64)
            .collect()
    }

    /// `J(w) = (1/N)Σ ½(xᵢᵀw − tᵢ)²`.
    pub fn loss(&self, w: &[f64]) -> f64 {
        (0..self.n)
            .map(|i| 0.5 * sq(self.dot(i, w) - self.t[i]))
            .sum::<f64>()
            / self.n as f64
    }

    /// `R(w) = ρ/(2(1−ρ)) wᵀ diag(XᵀX/N) w` (closed form).
    pub fn regularizer(&self, w: &[f64], rho: f64) -> f64 {
        let s = self.second_moments();
        0.5 * rho / (1.0 - rho) * (0..self.d).map(|j| s[j] * w[j] * w[j]).sum::<f64>()
    }

    /// `∇J_reg = Xᵀ(Xw − t)/N + ρ/(1−ρ)·diag(XᵀX/N)w`.
    pub fn regularized_gradient(&self, w: &[f64], rho: f64) -> Vec<f64> {
        let (s, c) = (self.second_moments(), rho / (1.0 - rho));
        let mut g: Vec<f64> = (0..self.d).map(|j| c * s[j] * w[j]).collect();
        for i in 0..self.n {
            let r = (self.dot(i, w) - self.t[i]) / self.n as f64;
            for j in 0..self.d {
                g[j] += r * self.x[i * self.d + j];
            }
        }
        g
    }

    /// `½(ŷ − tᵢ)²` with `ŷ = Σ_j m_j x_ij w_j/(1−ρ)` for a 0/1 mask of length D.
    pub fn dropout_loss(&self, i: usize, w: &[f64], rho: f64, mask: &[f64]) -> f64 {
        let y: f64 = (0..self.d)
            .map(|j| mask[j] * self.x[i * self.d + j] * w[j])
            .sum::<f64>()
            / (1.0 - rho);
        0.5 * sq(y - self.t[i])
    }

    /// `(E_m L_i, Var_m L_i)` by enumerating the `2^D` masks with `p(m) = Π(1−ρ)^{m_j}ρ^{1−m_j}`.
    fn enumerate_example(&self, i: usize, w: &[f64], rho: f64) -> (f64, f64) {
        assert!(self.d <= MAX_ENUMERATED_FEATURES);
        let (mut mean, mut second) = (0.0, 0.0);
        let mut mask = vec![0.0; self.d];
        for code in 0u32..(1 << self.d) {
            let mut p = 1.0;
            for (j, m) in mask.iter_mut().enumerate() {
                *m = ((code >> j) & 1) as f64;
                p *= if *m == 1.0 { 1.0 - rho } else { rho };
            }
            let l = self.dropout_loss(i, w, rho, &mask);
            mean += p * l;
            second += p * l * l;
        }
        (mean, second - mean * mean)
    }

    /// `R(w) = (1/N)Σᵢ(E_m L_drop,i − L_i)` by enumerating all `2^D` masks (equals
    /// [`LinearProblem::regularizer`] up to rounding).
    pub fn regularizer_enumerated(&self, w: &[f64], rho: f64) -> f64 {
        (0..self.n)
            .map(|i| self.enumerate_example(i, w, rho).0)
            .sum::<f64>()
            / self.n as f64
            - self.loss(w)
    }

    /// Variance of one MC pass `(1/N)Σᵢ L_drop,i` (a fresh mask per example):
    /// `(1/N²)Σᵢ Var_m[L_i]`, by enumeration.
    pub fn pass_variance(&self, w: &[f64], rho: f64) -> f64 {
        (0..self.n)
            .map(|i| self.enumerate_example(i, w, rho).1)
            .sum::<f64>()
            / (self.n * self.n) as f64
    }

    /// MC estimate of R(w): `passes` passes of a fresh mask per example, each giving
    /// `(1/N)Σᵢ L_drop,i − J`; returns the mean and its SE (sample std of the passes / √passes).
    pub fn regularizer_mc(
        &self,
        w: &[f64],
        rho: f64,
        passes: usize,
        rng: &mut SeededRng,
    ) -> (f64, f64) {
        let j = self.loss(w);
        let mut mask = vec![0.0; self.d];
        let values: Vec<f64> = (0..passes)
            .map(|_| {
                let mut s = 0.0;
                for i in 0..self.n {
                    mask.iter_mut()
                        .for_each(|m| *m = (rng.uniform() < 1.0 - rho) as u8 as f64);
                    s += self.dropout_loss(i, w, rho, &mask);
                }
                s / self.n as f64 - j
            })
            .collect();
        let p = passes as f64;
        let mean = values.iter().sum::<f64>() / p;
        let var = values.iter().map(|v| sq(v - mean)).sum::<f64>() / (p - 1.0);
        (mean, libm::sqrt(var / p))
    }

    /// `argmin_w J(w) + ½Σ_j λ_j w_j²`: `(XᵀX/N + diag λ) w = Xᵀt/N`.
    pub fn ridge(&self, penalty: &[f64]) -> Vec<f64> {
        let (n, d) = (self.n as f64, self.d);
        let mut a = vec![0.0; d * d];
        let mut b = vec![0.0; d];
        for i in 0..self.n {
            let r = self.row(i);
            for j in 0..d {
                b[j] += r[j] * self.t[i] / n;
                for k in 0..d {
                    a[j * d + k] += r[j] * r[k] / n;
                }
            }
        }
        for j in 0..d {
            a[j * d + j] += penalty[j];
        }
        solve_spd(&a, &b, d)
    }

    /// Least squares, `(XᵀX)⁻¹Xᵀt` (ρ = 0).
    pub fn least_squares(&self) -> Vec<f64> {
        self.ridge(&vec![0.0; self.d])
    }

    /// The feature-weighted penalty that matches dropout, `λ_j = ρ/(1−ρ)·(XᵀX/N)_jj`.
    pub fn matching_penalty(&self, rho: f64) -> Vec<f64> {
        self.second_moments()
            .iter()
            .map(|s| rho / (1.0 - rho) * s)
            .collect()
    }

    /// The minimizer of the dropout objective, `w* = (XᵀX + ρ/(1−ρ)·diag(XᵀX))⁻¹Xᵀt`
    /// (= [`LinearProblem::ridge`] with [`LinearProblem::matching_penalty`]).
    pub fn dropout_minimizer(&self, rho: f64) -> Vec<f64> {
        self.ridge(&self.matching_penalty(rho))
    }

    /// Ridge with one uniform penalty of the same mean strength,
    /// `λ = ρ/(1−ρ)·mean_j (XᵀX/N)_jj`: differs from `w*` unless the features have equal second
    /// moments.
    pub fn uniform_ridge(&self, rho: f64) -> Vec<f64> {
        let p = self.matching_penalty(rho);
        let mean = p.iter().sum::<f64>() / self.d as f64;
        self.ridge(&vec![mean; self.d])
    }

    /// Add `weight·∇_w L_drop,i = weight·(ŷ − tᵢ)·m ⊙ xᵢ/(1−ρ)` to `g`.
    fn add_dropout_gradient(
        &self,
        i: usize,
        w: &[f64],
        rho: f64,
        mask: &[f64],
        weight: f64,
        g: &mut [f64],
    ) {
        let r = self.row(i);
        let y: f64 = (0..self.d).map(|j| mask[j] * r[j] * w[j]).sum::<f64>() / (1.0 - rho);
        let e = weight * (y - self.t[i]) / (1.0 - rho);
        for j in 0..self.d {
            g[j] += e * mask[j] * r[j];
        }
    }

    /// One stochastic gradient of a training rule on `batch` (fresh masks per example from
    /// `mask_rng`, knock-in masks from `knock_rng`):
    /// DROP_K `(1/(BK))ΣᵢΣ_k ∇L_drop,i(m_ik)`; knock-in adds `sqrt((K−1)/(2K))(g_a − g_b)`;
    /// explicit-only is the exact `∇` of `(1/B)Σᵢ[½(xᵢᵀw − tᵢ)² + (c/2)Σ_j x_ij²w_j²]`, whose
    /// expectation over batches is `∇J_reg`; none is the plain batch gradient.
    #[allow(clippy::too_many_arguments)]
    pub fn variant_gradient(
        &self,
        variant: Variant,
        w: &[f64],
        rho: f64,
        batch: &[usize],
        k: usize,
        mask_rng: &mut SeededRng,
        knock_rng: &mut SeededRng,
    ) -> Vec<f64> {
        let d = self.d;
        let mut g = vec![0.0; d];
        let mut mask = vec![1.0; d];
        let bw = 1.0 / batch.len() as f64;
        let draw = |rng: &mut SeededRng, mask: &mut [f64]| {
            mask.iter_mut()
                .for_each(|m| *m = (rng.uniform() < 1.0 - rho) as u8 as f64)
        };
        match variant {
            Variant::Dropout | Variant::DropK | Variant::KnockIn => {
                let k = if variant == Variant::Dropout { 1 } else { k };
                for &i in batch {
                    for _ in 0..k {
                        draw(mask_rng, &mut mask);
                        self.add_dropout_gradient(i, w, rho, &mask, bw / k as f64, &mut g);
                    }
                }
                if variant == Variant::KnockIn && k > 1 {
                    let c = libm::sqrt((k - 1) as f64 / (2 * k) as f64);
                    for &i in batch {
                        draw(knock_rng, &mut mask);
                        self.add_dropout_gradient(i, w, rho, &mask, c * bw, &mut g);
                        draw(knock_rng, &mut mask);
                        self.add_dropout_gradient(i, w, rho, &mask, -c * bw, &mut g);
                    }
                }
            }
            Variant::ExplicitOnly | Variant::None => {
                let c = if variant == Variant::None {
                    0.0
                } else {
                    rho / (1.0 - rho)
                };
                for &i in batch {
                    let r = self.row(i);
                    let e = bw * (self.dot(i, w) - self.t[i]);
                    for j in 0..d {
                        g[j] += e * r[j] + bw * c * r[j] * r[j] * w[j];
                    }
                }
            }
        }
        g
    }

    /// `E_m ĝ_K` on `batch` by enumeration, for K = 1 (all `2^D` masks per example) or K = 2
    /// (all `2^{2D}` pairs): `(1/(BK))ΣᵢΣ_{m₁…m_K} p(m₁)…p(m_K) Σ_k ∇L_drop,i(m_k)`.
    pub fn expected_drop_gradient(
        &self,
        w: &[f64],
        rho: f64,
        batch: &[usize],
        k: usize,
    ) -> Vec<f64> {
        assert!((k == 1 || k == 2) && k * self.d <= MAX_ENUMERATED_FEATURES);
        let d = self.d;
        let mut g = vec![0.0; d];
        let mut mask = vec![0.0; d];
        let bw = 1.0 / (batch.len() * k) as f64;
        for &i in batch {
            for code in 0u32..(1 << (k * d)) {
                let mut p = 1.0;
                for b in 0..k * d {
                    p *= if (code >> b) & 1 == 1 { 1.0 - rho } else { rho };
                }
                for kk in 0..k {
                    for (j, m) in mask.iter_mut().enumerate() {
                        *m = ((code >> (kk * d + j)) & 1) as f64;
                    }
                    self.add_dropout_gradient(i, w, rho, &mask, p * bw, &mut g);
                }
            }
        }
        g
    }
}

/// Settings of [`LinearDropoutSgd`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearSgdSettings {
    /// ρ.
    pub dropout_rate: f64,
    /// α (plain SGD).
    pub learning_rate: f64,
    /// B ≤ N.
    pub batch_size: usize,
    /// K for DROP_K and knock-in.
    pub drop_k: usize,
    pub variant: Variant,
    pub steps: usize,
    /// The running average of the iterates starts after this many steps.
    pub burn_in: usize,
    pub seed: u64,
}

/// Where a linear dropout-SGD run is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearSgdSnapshot {
    pub step: usize,
    pub stop_reason: Option<StopReason>,
    pub weights: Vec<f64>,
    /// Mean of the iterates after burn-in (the current weights before).
    pub tail_average: Vec<f64>,
    /// `J + R` at the tail average.
    pub regularized_loss: f64,
    /// `‖tail average − w*‖`.
    pub distance_to_minimizer: f64,
}

/// SGD with dropout (or DROP_K, explicit-only, knock-in) on linear regression from `w = 0`.
/// Batches come from stream 1 of the seed, masks from stream 2, knock-in masks from stream 3.
#[derive(Clone, Debug)]
pub struct LinearDropoutSgd {
    problem: LinearProblem,
    settings: LinearSgdSettings,
    minimizer: Vec<f64>,
    w: Vec<f64>,
    sum: Vec<f64>,
    averaged: usize,
    record: RunRecord,
    rngs: [SeededRng; 3],
    batch: Vec<usize>,
}

impl LinearDropoutSgd {
    /// Start a run (`batch_size ≤ problem.n`, ρ < 1).
    pub fn new(problem: LinearProblem, settings: LinearSgdSettings) -> Self {
        let minimizer = problem.dropout_minimizer(settings.dropout_rate);
        let mut s = LinearDropoutSgd {
            w: Vec::new(),
            sum: Vec::new(),
            averaged: 0,
            record: RunRecord::new(&[], settings.steps),
            rngs: [0, 1, 2].map(|i| SeededRng::new(settings.seed, i)),
            batch: Vec::new(),
            minimizer,
            problem,
            settings,
        };
        s.reset();
        s
    }

    /// `w*` of this problem and ρ.
    pub fn minimizer(&self) -> &[f64] {
        &self.minimizer
    }

    /// The problem.
    pub fn problem(&self) -> &LinearProblem {
        &self.problem
    }

    fn tail_average(&self) -> Vec<f64> {
        if self.averaged == 0 {
            return self.w.clone();
        }
        self.sum.iter().map(|s| s / self.averaged as f64).collect()
    }
}

impl Experiment for LinearDropoutSgd {
    type Snapshot = LinearSgdSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        let s = self.settings;
        let [batch_rng, mask_rng, knock_rng] = &mut self.rngs;
        sample_batch(self.problem.n, s.batch_size, batch_rng, &mut self.batch);
        let g = self.problem.variant_gradient(
            s.variant,
            &self.w,
            s.dropout_rate,
            &self.batch,
            s.drop_k,
            mask_rng,
            knock_rng,
        );
        for j in 0..self.w.len() {
            self.w[j] -= s.learning_rate * g[j];
        }
        self.record.advance();
        if self.record.steps_done() > s.burn_in {
            for j in 0..self.w.len() {
                self.sum[j] += self.w[j];
            }
            self.averaged += 1;
        }
        self.record.settle(!self.w.iter().all(|w| w.is_finite()))
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> LinearSgdSnapshot {
        let avg = self.tail_average();
        let rho = self.settings.dropout_rate;
        LinearSgdSnapshot {
            step: self.record.steps_done(),
            stop_reason: self.record.stop_reason(),
            regularized_loss: self.problem.loss(&avg) + self.problem.regularizer(&avg, rho),
            distance_to_minimizer: libm::sqrt(
                avg.iter()
                    .zip(&self.minimizer)
                    .map(|(a, b)| sq(a - b))
                    .sum(),
            ),
            weights: self.w.clone(),
            tail_average: avg,
        }
    }

    fn reset(&mut self) {
        let d = self.problem.d;
        self.w = vec![0.0; d];
        self.sum = vec![0.0; d];
        self.averaged = 0;
        self.record.reset(0);
        self.rngs = [0, 1, 2].map(|i| SeededRng::new(self.settings.seed, i));
    }
}
