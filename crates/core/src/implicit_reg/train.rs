//! The three optimizers compared by the sweeps (SCIENCE.md §10): SGD with random shuffling,
//! full-batch GD on `J`, and full-batch GD on the modified loss `J + R`; and the one-epoch
//! experiment's exact mean SGD iterate and accurate modified flow.
//!
//! Random shuffling: each epoch is a fresh uniform permutation of the N training examples
//! (Fisher–Yates, one uniform per position), cut into N/B disjoint batches of B consecutive
//! indices; B must divide N. The step is `w ← w − α·(1/B)Σ_{i∈batch}∇Lᵢ(w)`.

use super::regularizer::{modified_gradient, Coefficients, Workspace};
use crate::data::Dataset;
use crate::nn::mlp::{Dropout, Mlp};
use crate::rng::SeededRng;

/// A parameter whose magnitude exceeds this (or turns non-finite) marks the run as diverged.
pub const DIVERGENCE_BOUND: f64 = 1e6;

/// The end of a training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Trained {
    /// Final parameters (the last finite ones if the run diverged).
    pub params: Vec<f64>,
    /// Whether the iterate left `|w_j| ≤ DIVERGENCE_BOUND` or became non-finite.
    pub diverged: bool,
    /// Steps taken (fewer than asked when the run diverged).
    pub steps: usize,
}

fn diverged(params: &[f64]) -> bool {
    params
        .iter()
        .any(|w| !w.is_finite() || w.abs() > DIVERGENCE_BOUND)
}

/// Epochs of random shuffling over `n` examples, drawn from `rng`.
#[derive(Clone, Debug)]
pub struct Shuffler {
    order: Vec<usize>,
    position: usize,
    rng: SeededRng,
}

impl Shuffler {
    /// Shuffles of `0..n` from `rng` (the first permutation is drawn at the first batch).
    pub fn new(n: usize, rng: SeededRng) -> Self {
        Shuffler {
            order: (0..n).collect(),
            position: n,
            rng,
        }
    }

    /// The next `b` indices of the current epoch; a new permutation starts when fewer than `b`
    /// remain (with `b | n` every example is visited exactly once per epoch).
    pub fn next_batch(&mut self, b: usize) -> &[usize] {
        let n = self.order.len();
        if self.position + b > n {
            for i in (1..n).rev() {
                let j = ((self.rng.uniform() * (i + 1) as f64) as usize).min(i);
                self.order.swap(i, j);
            }
            self.position = 0;
        }
        let start = self.position;
        self.position += b;
        &self.order[start..start + b]
    }
}

/// `steps` SGD steps with random shuffling from `init`: batch size `b`, learning rate α.
pub fn train_sgd(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
    steps: usize,
    rng: SeededRng,
) -> Trained {
    let off = Dropout::off(mlp.layers());
    let mut tape = mlp.tape();
    let mut shuffler = Shuffler::new(data.len(), rng);
    let mut params = init.to_vec();
    let mut grad = vec![0.0; params.len()];
    let weight = 1.0 / b as f64;
    for step in 0..steps {
        grad.fill(0.0);
        for &i in shuffler.next_batch(b) {
            mlp.example_gradient(
                &params,
                &off,
                data.input(i),
                data.targets[i],
                None,
                weight,
                &mut tape,
                &mut grad,
            );
        }
        let previous = params.clone();
        for (w, g) in params.iter_mut().zip(&grad) {
            *w -= learning_rate * g;
        }
        if diverged(&params) {
            return Trained {
                params: previous,
                diverged: true,
                steps: step,
            };
        }
    }
    Trained {
        params,
        diverged: false,
        steps,
    }
}

/// `steps` full-batch GD steps on `J + R` from `init` (`R = 0` with [`Coefficients::ZERO`]:
/// plain GD on J, without any HVP).
pub fn train_gd(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    coefficients: Coefficients,
    steps: usize,
    ws: &mut Workspace,
) -> Trained {
    let mut params = init.to_vec();
    let mut grad = vec![0.0; params.len()];
    for step in 0..steps {
        modified_gradient(mlp, &params, data, coefficients, true, ws, &mut grad);
        let previous = params.clone();
        for (w, g) in params.iter_mut().zip(&grad) {
            *w -= learning_rate * g;
        }
        if diverged(&params) {
            return Trained {
                params: previous,
                diverged: true,
                steps: step,
            };
        }
    }
    Trained {
        params,
        diverged: false,
        steps,
    }
}

/// Call `visit` with every permutation of `0..n` (Heap's algorithm; `n!` calls).
fn for_each_permutation(n: usize, mut visit: impl FnMut(&[usize])) {
    let mut a: Vec<usize> = (0..n).collect();
    let mut c = vec![0usize; n];
    visit(&a);
    let mut i = 1;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                a.swap(0, i);
            } else {
                a.swap(c[i], i);
            }
            visit(&a);
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
}

/// The exact mean SGD iterate after one epoch of random shuffling, `E[w_m]`, `m = N/B`:
/// the average over all N! orderings of the examples (each ordered partition into batches
/// appears equally often). For tiny N only (N ≤ 8).
pub fn mean_epoch_iterate(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
) -> Vec<f64> {
    let n = data.len();
    assert!(n <= 8 && b >= 1 && n % b == 0, "N ≤ 8 and B | N");
    let off = Dropout::off(mlp.layers());
    let mut tape = mlp.tape();
    let mut sum = vec![0.0; init.len()];
    let mut grad = vec![0.0; init.len()];
    let mut count = 0usize;
    for_each_permutation(n, |order| {
        let mut w = init.to_vec();
        for batch in order.chunks(b) {
            grad.fill(0.0);
            for &i in batch {
                mlp.example_gradient(
                    &w,
                    &off,
                    data.input(i),
                    data.targets[i],
                    None,
                    1.0 / b as f64,
                    &mut tape,
                    &mut grad,
                );
            }
            for (wj, g) in w.iter_mut().zip(&grad) {
                *wj -= learning_rate * g;
            }
        }
        sum.iter_mut().zip(&w).for_each(|(s, w)| *s += w);
        count += 1;
    });
    sum.iter().map(|s| s / count as f64).collect()
}

/// The modified flow `dw/dt = −α∇(J + R)` from `init` over `t ∈ [0, duration]` (t in SGD
/// steps, SCIENCE.md §0), by classical RK4 with `substeps` steps per unit of t.
pub fn modified_flow(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    coefficients: Coefficients,
    duration: f64,
    substeps: usize,
) -> Vec<f64> {
    let p = init.len();
    let mut ws = Workspace::new(mlp, data.len());
    let mut field = |w: &[f64], out: &mut [f64]| {
        modified_gradient(mlp, w, data, coefficients, true, &mut ws, out);
        out.iter_mut().for_each(|g| *g *= -learning_rate);
    };
    let count = (duration * substeps as f64).round().max(1.0) as usize;
    let h = duration / count as f64;
    let mut w = init.to_vec();
    let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (
        vec![0.0; p],
        vec![0.0; p],
        vec![0.0; p],
        vec![0.0; p],
        vec![0.0; p],
    );
    for _ in 0..count {
        field(&w, &mut k1);
        for j in 0..p {
            tmp[j] = w[j] + 0.5 * h * k1[j];
        }
        field(&tmp, &mut k2);
        for j in 0..p {
            tmp[j] = w[j] + 0.5 * h * k2[j];
        }
        field(&tmp, &mut k3);
        for j in 0..p {
            tmp[j] = w[j] + h * k3[j];
        }
        field(&tmp, &mut k4);
        for j in 0..p {
            w[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
        }
    }
    w
}
