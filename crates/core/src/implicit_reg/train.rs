//! The three optimizers compared by the sweeps (SCIENCE.md §10): SGD with random shuffling,
//! full-batch GD on `J`, and full-batch GD on the modified loss `J + R`; and the one-epoch
//! experiment's exact mean SGD iterate and accurate modified flow.
//!
//! Random shuffling: each epoch is a fresh uniform permutation of the N training examples
//! (Fisher–Yates, one uniform per position), cut into N/B disjoint batches of B consecutive
//! indices; B must divide N. The step is `w ← w − α·(1/B)Σ_{i∈batch}∇Lᵢ(w)`.
//!
//! I.i.d. minibatches ([`Sampling::Iid`], SCIENCE.md §10's "Pitfall"): every step draws its
//! batch afresh, uniformly among all `C(N,B)` subsets of size B (no repeats within a batch,
//! independent across steps; a partial Fisher–Yates shuffle, B uniforms per step).

use super::regularizer::{modified_gradient, Coefficients, Workspace};
use crate::config::choice_setting;
use crate::data::Dataset;
use crate::nn::mlp::{Dropout, Mlp, Tape};
use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

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

/// How SGD draws its minibatches (Smith, Dherin, Barrett & De, ICLR 2021, analyse random
/// shuffling; SCIENCE.md §10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Sampling {
    /// Random reshuffling: each epoch is N/B disjoint batches of a fresh permutation
    /// ([`Shuffler`]).
    #[default]
    Reshuffle,
    /// I.i.d. minibatches: each step a uniform size-B subset, independent of the other steps
    /// ([`IidBatches`]).
    Iid,
}

impl Sampling {
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("reshuffle", "random reshuffling (epochs)"),
        ("iid", "i.i.d. batches each step"),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "reshuffle" => Some(Sampling::Reshuffle),
            "iid" => Some(Sampling::Iid),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sampling::Reshuffle => "reshuffle",
            Sampling::Iid => "iid",
        }
    }

    /// The other scheme.
    pub fn other(self) -> Self {
        match self {
            Sampling::Reshuffle => Sampling::Iid,
            Sampling::Iid => Sampling::Reshuffle,
        }
    }
}

choice_setting!(Sampling);

/// I.i.d. minibatches of `0..n`: each call draws B distinct indices uniformly (a partial
/// Fisher–Yates shuffle of a persistent arrangement, one uniform per position: given any
/// arrangement the first B entries are a uniform ordered B-tuple of distinct indices, so the
/// batch is uniform among the `C(n, B)` subsets), independently of every earlier batch.
#[derive(Clone, Debug)]
pub struct IidBatches {
    order: Vec<usize>,
    rng: SeededRng,
}

impl IidBatches {
    pub fn new(n: usize, rng: SeededRng) -> Self {
        IidBatches {
            order: (0..n).collect(),
            rng,
        }
    }

    /// A fresh batch of `b ≤ n` distinct indices.
    pub fn next_batch(&mut self, b: usize) -> &[usize] {
        let n = self.order.len();
        let b = b.min(n);
        for i in 0..b {
            let j = i + ((self.rng.uniform() * (n - i) as f64) as usize).min(n - i - 1);
            self.order.swap(i, j);
        }
        &self.order[..b]
    }
}

/// The minibatch source of [`train_sgd`].
#[derive(Clone, Debug)]
pub enum Batches {
    Reshuffle(Shuffler),
    Iid(IidBatches),
}

impl Batches {
    /// Batches of `0..n` drawn by `sampling` from `rng`.
    pub fn new(sampling: Sampling, n: usize, rng: SeededRng) -> Self {
        match sampling {
            Sampling::Reshuffle => Batches::Reshuffle(Shuffler::new(n, rng)),
            Sampling::Iid => Batches::Iid(IidBatches::new(n, rng)),
        }
    }

    /// The next batch of `b` indices.
    pub fn next_batch(&mut self, b: usize) -> &[usize] {
        match self {
            Batches::Reshuffle(s) => s.next_batch(b),
            Batches::Iid(s) => s.next_batch(b),
        }
    }
}

/// `steps` SGD steps from `init`: batch size `b`, learning rate α, batches drawn by `sampling`
/// from `rng`.
#[allow(clippy::too_many_arguments)]
pub fn train_sgd(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
    steps: usize,
    sampling: Sampling,
    rng: SeededRng,
) -> Trained {
    let off = Dropout::off(mlp.layers());
    let mut tape = mlp.tape();
    let mut shuffler = Batches::new(sampling, data.len(), rng);
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

/// The exact mean SGD iterate after one epoch, `E[w_m]`, `m = N/B`, for minibatches drawn by
/// `sampling`. For tiny N only (N ≤ 8, and at most [`MAX_IID_SEQUENCES`] i.i.d. sequences).
///
/// - [`Sampling::Reshuffle`]: the average over all N! orderings of the examples, each cut into
///   m batches of B (each ordered partition into batches appears equally often).
/// - [`Sampling::Iid`]: the average over all `C(N,B)^m` sequences of m batches, each batch one
///   of the `C(N,B)` size-B subsets ([`iid_sequences`]), enumerated depth-first (the iterate
///   after a common prefix is computed once).
///
/// Why i.i.d. batches imply no trace term (SCIENCE.md §10, "Pitfall"; Smith, Dherin, Barrett &
/// De, ICLR 2021, derive R for random shuffling). Write `ĝ_k(w) = (1/B)Σ_{i∈b_k} gᵢ(w)` for
/// step k's batch gradient and `Ĥ_k` for its Jacobian, so `E[ĝ_k] = ḡ = ∇J` and
/// `E[Ĥ_k] = H = ∇²J`. Expanding each step about `w₀`,
///
/// ```text
/// w_m = w₀ − αΣ_k ĝ_k(w₀) + α²Σ_k Σ_{j<k} Ĥ_k(w₀) ĝ_j(w₀) + O(α³).
/// ```
///
/// With i.i.d. batches, `b_k` and `b_j` (j < k) are independent, so `E[Ĥ_k ĝ_j] = Hḡ` and
/// `E[w_m] = w₀ − mαḡ + α²·m(m−1)/2·Hḡ + O(α³)`: exactly full-batch GD to this order. The
/// flow `dw/dt = −α∇(J + R̃)` with `R̃ = (α/4)‖∇J‖²` (`∇R̃ = (α/2)Hḡ`) gives
/// `w(m) = w₀ − mαḡ − (m/2)α²Hḡ + (m²/2)α²Hḡ + O(α³)`, the same. So the i.i.d. mean iterate
/// follows `J + (α/4)‖∇J‖²` to O(α³) and Smith et al.'s R (with its `tr C` term) only to
/// O(α²). With random shuffling the batches of an epoch are disjoint, `E[Ĥ_k ĝ_j] ≠ Hḡ`, and
/// the difference is the `((N−B)/(N−1))(α/(4B))tr C` term of R.
pub fn mean_epoch_iterate(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
    sampling: Sampling,
) -> Vec<f64> {
    let n = data.len();
    assert!(n <= 8 && b >= 1 && n % b == 0, "N ≤ 8 and B | N");
    match sampling {
        Sampling::Reshuffle => mean_reshuffle_iterate(mlp, data, init, learning_rate, b),
        Sampling::Iid => mean_iid_iterate(mlp, data, init, learning_rate, b),
    }
}

/// The most i.i.d. batch sequences [`mean_epoch_iterate`] enumerates: `C(N,B)^(N/B)` is at
/// most `6^6 = 46 656` (N = 6, B = 1) for the one-epoch demo's N ≤ 6.
pub const MAX_IID_SEQUENCES: u64 = 46_656;

/// `C(n, b)^(n/b)`: the i.i.d. batch sequences of one epoch of `m = n/b` steps.
pub fn iid_sequences(n: usize, b: usize) -> u64 {
    let subsets = (0..b as u64).fold(1u64, |c, i| c * (n as u64 - i) / (i + 1));
    subsets.saturating_pow((n / b) as u32)
}

/// The size-`b` subsets of `0..n` in lexicographic order.
pub fn subsets(n: usize, b: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut c: Vec<usize> = (0..b).collect();
    loop {
        out.push(c.clone());
        // The rightmost entry that can still move right.
        let Some(i) = (0..b).rev().find(|&i| c[i] < n - b + i) else {
            return out;
        };
        c[i] += 1;
        for j in i + 1..b {
            c[j] = c[j - 1] + 1;
        }
    }
}

/// `out ← (1/B)Σ_{i∈batch}∇Lᵢ(w)` (`off` = no dropout).
fn batch_gradient(
    mlp: &Mlp,
    off: &Dropout,
    data: &Dataset,
    w: &[f64],
    batch: &[usize],
    tape: &mut Tape,
    out: &mut [f64],
) {
    out.fill(0.0);
    for &i in batch {
        mlp.example_gradient(
            w,
            off,
            data.input(i),
            data.targets[i],
            None,
            1.0 / batch.len() as f64,
            tape,
            out,
        );
    }
}

fn mean_reshuffle_iterate(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
) -> Vec<f64> {
    let n = data.len();
    let off = Dropout::off(mlp.layers());
    let mut tape = mlp.tape();
    let mut sum = vec![0.0; init.len()];
    let mut grad = vec![0.0; init.len()];
    let mut count = 0usize;
    for_each_permutation(n, |order| {
        let mut w = init.to_vec();
        for batch in order.chunks(b) {
            batch_gradient(mlp, &off, data, &w, batch, &mut tape, &mut grad);
            for (wj, g) in w.iter_mut().zip(&grad) {
                *wj -= learning_rate * g;
            }
        }
        sum.iter_mut().zip(&w).for_each(|(s, w)| *s += w);
        count += 1;
    });
    sum.iter().map(|s| s / count as f64).collect()
}

fn mean_iid_iterate(
    mlp: &Mlp,
    data: &Dataset,
    init: &[f64],
    learning_rate: f64,
    b: usize,
) -> Vec<f64> {
    let n = data.len();
    let count = iid_sequences(n, b);
    assert!(
        count <= MAX_IID_SEQUENCES,
        "{count} i.i.d. sequences (at most {MAX_IID_SEQUENCES})"
    );
    let m = n / b;
    let mut walk = IidWalk {
        mlp,
        off: Dropout::off(mlp.layers()),
        data,
        subsets: subsets(n, b),
        learning_rate,
        tape: mlp.tape(),
        grad: vec![0.0; init.len()],
        path: vec![init.to_vec(); m + 1],
        sum: vec![0.0; init.len()],
    };
    walk.descend(0);
    walk.sum.iter().map(|s| s / count as f64).collect()
}

/// The depth-first walk over every i.i.d. batch sequence: `path[k]` is the iterate after the
/// current sequence's first k steps.
struct IidWalk<'a> {
    mlp: &'a Mlp,
    off: Dropout,
    data: &'a Dataset,
    subsets: Vec<Vec<usize>>,
    learning_rate: f64,
    tape: Tape,
    grad: Vec<f64>,
    path: Vec<Vec<f64>>,
    sum: Vec<f64>,
}

impl IidWalk<'_> {
    fn descend(&mut self, depth: usize) {
        if depth + 1 == self.path.len() {
            let w = &self.path[depth];
            self.sum.iter_mut().zip(w).for_each(|(s, w)| *s += w);
            return;
        }
        for s in 0..self.subsets.len() {
            let (before, after) = self.path.split_at_mut(depth + 1);
            let (w, next) = (&before[depth], &mut after[0]);
            batch_gradient(
                self.mlp,
                &self.off,
                self.data,
                w,
                &self.subsets[s],
                &mut self.tape,
                &mut self.grad,
            );
            for ((v, wj), g) in next.iter_mut().zip(w).zip(&self.grad) {
                *v = wj - self.learning_rate * g;
            }
            self.descend(depth + 1);
        }
    }
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
