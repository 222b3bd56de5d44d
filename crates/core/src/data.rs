//! Seeded small datasets that a wide network overfits (Grosse, Lecture 8, "Dropout"): 1-D
//! regression on a few noisy points of `sin(πx)`, and 2-D binary classification (two moons,
//! circles, a two-armed spiral, XOR), each with input noise and label noise; a train/test split
//! from independent random streams; and user-placed points.
//!
//! Inputs are row-major flat `Vec<f64>` (`n × dim`); targets are `t ∈ ℝ` (regression) or
//! `t ∈ {0, 1}` (classification). Classification points alternate classes (`i mod 2`), so the
//! classes are balanced before label noise.

use crate::contour::Domain;
use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

/// Stream of the training set within a seed.
pub const TRAIN_STREAM: u64 = 0;
/// Stream of the test set within a seed (independent of the training set and its size).
pub const TEST_STREAM: u64 = 1;

/// Which dataset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Task {
    /// `t = sin(πx) + ε·noise`, `x ~ U[−1, 1]`, `ε ~ N(0, 1)`.
    Regression,
    /// Two interleaved half circles (as scikit-learn's `make_moons`), centred: class 0
    /// `(cos θ, sin θ) − (½, ¼)`, class 1 `(1 − cos θ, ½ − sin θ) − (½, ¼)`, `θ ~ U[0, π]`.
    #[default]
    Moons,
    /// Concentric circles of radius 1 (class 0) and ½ (class 1), angle `~ U[0, 2π)`.
    Circles,
    /// Two spiral arms `r(cos θ, sin θ)`, `r ~ U[0, 1]`, `θ = 3πr + πc` for class c.
    Spiral,
    /// Each coordinate `±U[0.1, 1]` (sign uniform); class 1 iff `x₁x₂ > 0`.
    Xor,
}

impl Task {
    /// Values and labels, as in the config field `task`.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("regression", "1-D regression: noisy sin(πx)"),
        ("moons", "two moons"),
        ("circles", "circles"),
        ("spiral", "spiral"),
        ("xor", "XOR"),
    ];

    /// Parse a value of [`Task::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "regression" => Some(Task::Regression),
            "moons" => Some(Task::Moons),
            "circles" => Some(Task::Circles),
            "spiral" => Some(Task::Spiral),
            "xor" => Some(Task::Xor),
            _ => None,
        }
    }

    /// The value used in configs.
    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Moons => "moons",
            Task::Circles => "circles",
            Task::Spiral => "spiral",
            Task::Xor => "xor",
        }
    }

    /// Input dimension: 1 for regression, 2 otherwise.
    pub fn input_dim(self) -> usize {
        match self {
            Task::Regression => 1,
            _ => 2,
        }
    }

    /// Whether the targets are class labels in {0, 1}.
    pub fn is_classification(self) -> bool {
        self != Task::Regression
    }

    /// The plotted rectangle: inputs `(x₁, x₂)` for classification; `x` (horizontal) and the
    /// target `t` (vertical) for regression.
    pub fn domain(self) -> Domain {
        let d = |x_min, x_max, y_min, y_max| Domain {
            x_min,
            x_max,
            y_min,
            y_max,
        };
        match self {
            Task::Regression => d(-1.2, 1.2, -2.0, 2.0),
            Task::Moons => d(-2.0, 2.0, -1.5, 1.5),
            Task::Circles | Task::Spiral | Task::Xor => d(-1.6, 1.6, -1.6, 1.6),
        }
    }

    /// The noise-free regression function `sin(πx)` (NaN for classification tasks).
    pub fn target_function(self, x: f64) -> f64 {
        match self {
            Task::Regression => libm::sin(std::f64::consts::PI * x),
            _ => f64::NAN,
        }
    }

    /// `n` points: regression targets get `noise·ε`; classification inputs get `noise·ε` on each
    /// coordinate and each label flips with probability `label_noise`.
    pub fn sample(self, n: usize, noise: f64, label_noise: f64, rng: &mut SeededRng) -> Dataset {
        use std::f64::consts::PI;
        let mut d = Dataset::new(self.input_dim());
        for i in 0..n {
            if self == Task::Regression {
                let x = -1.0 + 2.0 * rng.uniform();
                let t = self.target_function(x) + noise * rng.normal();
                d.push(&[x], t);
                continue;
            }
            let class = (i % 2) as f64;
            let (x1, x2) = match self {
                Task::Moons => {
                    let th = PI * rng.uniform();
                    let (c, s) = (libm::cos(th), libm::sin(th));
                    if class == 0.0 {
                        (c - 0.5, s - 0.25)
                    } else {
                        (0.5 - c, 0.25 - s)
                    }
                }
                Task::Circles => {
                    let th = 2.0 * PI * rng.uniform();
                    let r = if class == 0.0 { 1.0 } else { 0.5 };
                    (r * libm::cos(th), r * libm::sin(th))
                }
                Task::Spiral => {
                    let r = rng.uniform();
                    let th = 3.0 * PI * r + PI * class;
                    (r * libm::cos(th), r * libm::sin(th))
                }
                Task::Xor => loop {
                    let mut coord = || {
                        let m = 0.1 + 0.9 * rng.uniform();
                        if rng.uniform() < 0.5 {
                            -m
                        } else {
                            m
                        }
                    };
                    let (a, b) = (coord(), coord());
                    if ((a * b > 0.0) as u8 as f64) == class {
                        break (a, b);
                    }
                },
                Task::Regression => unreachable!(),
            };
            let x = [x1 + noise * rng.normal(), x2 + noise * rng.normal()];
            let flip = rng.uniform() < label_noise;
            d.push(&x, if flip { 1.0 - class } else { class });
        }
        d
    }
}

/// A dataset: `len()` points with `dim` inputs each.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    pub dim: usize,
    /// Inputs, `len × dim` row-major.
    pub inputs: Vec<f64>,
    /// Targets, length `len`.
    pub targets: Vec<f64>,
}

impl Dataset {
    /// An empty dataset of `dim`-dimensional inputs.
    pub fn new(dim: usize) -> Self {
        Dataset {
            dim,
            inputs: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Input `i`, a slice of length `dim`.
    pub fn input(&self, i: usize) -> &[f64] {
        &self.inputs[i * self.dim..(i + 1) * self.dim]
    }

    /// Append a point (a user's click).
    pub fn push(&mut self, x: &[f64], t: f64) {
        assert_eq!(x.len(), self.dim);
        self.inputs.extend_from_slice(x);
        self.targets.push(t);
    }

    /// Remove point `i`, keeping the order of the others.
    pub fn remove(&mut self, i: usize) {
        self.inputs.drain(i * self.dim..(i + 1) * self.dim);
        self.targets.remove(i);
    }

    /// The point nearest to `x` in Euclidean distance, counting `(t − tᵢ)²` as well when `t` is
    /// given (a click in the (x, t) plane of a 1-D regression); ties go to the lower index.
    pub fn nearest(&self, x: &[f64], t: Option<f64>) -> Option<usize> {
        let dist = |i: usize| {
            let dx: f64 = self
                .input(i)
                .iter()
                .zip(x)
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            dx + t.map_or(0.0, |t| (t - self.targets[i]) * (t - self.targets[i]))
        };
        (0..self.len()).min_by(|&a, &b| dist(a).total_cmp(&dist(b)))
    }

    /// Remove the point nearest to `(x, t)` (see [`Dataset::nearest`]); returns its index.
    pub fn remove_nearest(&mut self, x: &[f64], t: Option<f64>) -> Option<usize> {
        let i = self.nearest(x, t)?;
        self.remove(i);
        Some(i)
    }
}

/// A train/test split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

impl Split {
    /// Train and test sets drawn independently from the same distribution, from streams
    /// [`TRAIN_STREAM`] and [`TEST_STREAM`] of `seed` (the training set does not depend on the
    /// number of test points, nor vice versa).
    pub fn generate(
        task: Task,
        train_points: usize,
        test_points: usize,
        noise: f64,
        label_noise: f64,
        seed: u64,
    ) -> Self {
        let sample = |n, stream| {
            let mut rng = SeededRng::new(seed, stream);
            task.sample(n, noise, label_noise, &mut rng)
        };
        Split {
            train: sample(train_points, TRAIN_STREAM),
            test: sample(test_points, TEST_STREAM),
        }
    }
}

impl Split {
    /// The sets of a run: own data (`data`, read by [`Split::from_matrix`] with the task's input
    /// dimension) when given, else the seeded sets of [`Split::generate`]. What dropout,
    /// sharpness and implicit-reg call.
    pub fn own_or_generated(
        data: &crate::config::Matrix,
        task: Task,
        n_train: usize,
        n_test: usize,
        noise: f64,
        label_noise: f64,
        seed: u64,
    ) -> Self {
        if data.is_empty() {
            Split::generate(task, n_train, n_test, noise, label_noise, seed)
        } else {
            Split::from_matrix(data, task.input_dim())
        }
    }

    /// Own data (issue 20; [`crate::own_data`]): the rows of a `data` matrix, each `dim` inputs,
    /// the target and a last column `test` (1: a test point, 0: a training point), in file order
    /// within each set. The one constructor every experiment with a train/test split uses for own
    /// data, so own data and seeded data run through the same code.
    pub fn from_matrix(m: &crate::config::Matrix, dim: usize) -> Self {
        assert_eq!(
            m.cols,
            dim + 2,
            "own data: {dim} inputs, a target and a test flag"
        );
        let mut split = Split {
            train: Dataset::new(dim),
            test: Dataset::new(dim),
        };
        for i in 0..m.rows {
            let r = m.row(i);
            let set = if r[dim + 1] == 1.0 {
                &mut split.test
            } else {
                &mut split.train
            };
            set.push(&r[..dim], r[dim]);
        }
        split
    }

    /// The `data` matrix of this split (train rows, then test rows): the inverse of
    /// [`Split::from_matrix`].
    pub fn to_matrix(&self) -> crate::config::Matrix {
        let dim = self.train.dim;
        let mut rows = Vec::new();
        for (set, flag) in [(&self.train, 0.0), (&self.test, 1.0)] {
            for i in 0..set.len() {
                let mut r = set.input(i).to_vec();
                r.push(set.targets[i]);
                r.push(flag);
                rows.push(r);
            }
        }
        crate::config::Matrix::new(rows.len(), dim + 2, rows.concat())
    }
}

/// `n` points of the additive recurrence `x_i = (2{½ + iα₁} − 1, 2{½ + iα₂} − 1)` with
/// `α = (1/φ₂, 1/φ₂²)` (Roberts' R2 sequence, `φ₂` the plastic number), evenly spread over
/// `[−1, 1]²` without a generator, and the smooth targets `t = sin(3x₁)·cos(2x₂)`: a fixed 2-D
/// regression problem (benchmark W1's data, `noiselab-bench`; the batched trainer's tests).
/// Returns (row-major inputs, targets).
pub fn r2_surface(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut xs = Vec::with_capacity(2 * n);
    let mut ts = Vec::with_capacity(n);
    for i in 0..n {
        let u = (0.5 + i as f64 * 0.754_877_666_246_692_7).fract() * 2.0 - 1.0;
        let v = (0.5 + i as f64 * 0.569_840_290_998_053_2).fract() * 2.0 - 1.0;
        xs.extend_from_slice(&[u, v]);
        ts.push(libm::sin(3.0 * u) * libm::cos(2.0 * v));
    }
    (xs, ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_seeded_and_independent_of_sizes() {
        let a = Split::generate(Task::Moons, 20, 100, 0.1, 0.1, 3);
        let b = Split::generate(Task::Moons, 20, 500, 0.1, 0.1, 3);
        assert_eq!(a.train, b.train);
        assert_eq!(a.test.inputs[..200], b.test.inputs[..200]);
        let c = Split::generate(Task::Moons, 20, 100, 0.1, 0.1, 4);
        assert_ne!(a.train, c.train);
    }

    #[test]
    fn noise_free_shapes_lie_where_documented() {
        let mut rng = SeededRng::new(1, 0);
        for task in [Task::Moons, Task::Circles, Task::Spiral, Task::Xor] {
            let d = task.sample(400, 0.0, 0.0, &mut rng);
            assert_eq!((d.len(), d.dim, d.inputs.len()), (400, 2, 800));
            let ones = d.targets.iter().filter(|&&t| t == 1.0).count();
            assert_eq!(ones, 200, "{task:?} balanced");
            let dom = task.domain();
            for i in 0..d.len() {
                let (x, y, c) = (d.input(i)[0], d.input(i)[1], d.targets[i]);
                assert!(x > dom.x_min && x < dom.x_max && y > dom.y_min && y < dom.y_max);
                let r = libm::sqrt(x * x + y * y);
                match task {
                    Task::Circles => assert!((r - if c == 0.0 { 1.0 } else { 0.5 }).abs() < 1e-12),
                    Task::Xor => assert_eq!((x * y > 0.0) as u8 as f64, c),
                    Task::Moons => {
                        let (cx, cy) = if c == 0.0 { (0.5, 0.25) } else { (-0.5, -0.25) };
                        let rr = libm::sqrt((x + cx).powi(2) + (y + cy).powi(2));
                        assert!((rr - 1.0).abs() < 1e-12);
                    }
                    _ => assert!(r <= 1.0),
                }
            }
        }
    }

    #[test]
    fn label_noise_flips_the_stated_fraction() {
        // 4000 XOR points, flip probability 0.2: binomial SE sqrt(0.2·0.8/4000) = 0.0063; 4 SE.
        let mut rng = SeededRng::new(2, 0);
        let d = Task::Xor.sample(4000, 0.0, 0.2, &mut rng);
        let flipped = (0..d.len())
            .filter(|&i| d.targets[i] != (i % 2) as f64)
            .count() as f64
            / 4000.0;
        assert!((flipped - 0.2).abs() < 4.0 * 0.0063, "{flipped}");
    }

    #[test]
    fn regression_residuals_have_the_noise_std() {
        // 4000 residuals of std 0.3: relative SE of the variance sqrt(2/4000) = 2.2%; 4 SE.
        let mut rng = SeededRng::new(3, 0);
        let d = Task::Regression.sample(4000, 0.3, 0.0, &mut rng);
        let v: f64 = (0..d.len())
            .map(|i| (d.targets[i] - Task::Regression.target_function(d.input(i)[0])).powi(2))
            .sum::<f64>()
            / 4000.0;
        assert!((v / 0.09 - 1.0).abs() < 4.0 * 0.022, "{v}");
    }

    #[test]
    fn user_points_add_and_remove_nearest() {
        let mut d = Dataset::new(2);
        d.push(&[0.0, 0.0], 0.0);
        d.push(&[1.0, 1.0], 1.0);
        d.push(&[-1.0, 0.5], 1.0);
        assert_eq!(d.remove_nearest(&[0.9, 0.8], None), Some(1));
        assert_eq!(d.inputs, vec![0.0, 0.0, -1.0, 0.5]);
        assert_eq!(d.targets, vec![0.0, 1.0]);
        let mut r = Dataset::new(1);
        r.push(&[0.0], 1.0);
        r.push(&[0.1], -1.0);
        // In the (x, t) plane the click (0.05, −0.9) is nearest to (0.1, −1).
        assert_eq!(r.nearest(&[0.05], Some(-0.9)), Some(1));
        assert_eq!(r.nearest(&[0.04], None), Some(0));
        assert_eq!(Dataset::new(1).remove_nearest(&[0.0], None), None);
    }
}
