//! Matrix-free spectral estimates of a symmetric operator `v ↦ A v` (a Hessian or Gauss–Newton
//! matrix through [`crate::nn::hessian`]): the top eigenvalues by Lanczos with full
//! reorthogonalization (Golub & Van Loan, §10.1; the sharpness of Keskar et al. 2017 is
//! `λ_max(H)`), and the trace by Hutchinson's estimator with Rademacher probes (Hutchinson 1990).
//!
//! Everything runs in plain loops in a fixed order (the tridiagonal eigenvalues by Sturm-sequence
//! bisection, the Ritz vector by inverse iteration), so results are bit-identical natively and in
//! WebAssembly.

use crate::nn::mlp::dot;
use crate::rng::SeededRng;

/// The result of [`lanczos`].
#[derive(Clone, Debug, PartialEq)]
pub struct Lanczos {
    /// The largest Ritz values, in decreasing order (at most `top`, at most the Krylov dimension).
    pub eigenvalues: Vec<f64>,
    /// The unit Ritz vector of the largest Ritz value (length `dim`).
    pub top_vector: Vec<f64>,
    /// The Krylov dimension reached (fewer than asked if an invariant subspace was found).
    pub steps: usize,
}

/// `steps` Lanczos iterations on the `dim`-dimensional symmetric operator `apply(v, out)`
/// (`out = A v`, overwritten), from a seeded Gaussian start vector, with full
/// reorthogonalization (twice, "twice is enough"). The largest Ritz value converges to
/// `λ_max(A)` from below; with `steps ≥ dim` it is exact to rounding. Returns the `top` largest
/// Ritz values. Cost: `steps` products plus `O(steps²·dim)`.
pub fn lanczos(
    dim: usize,
    steps: usize,
    top: usize,
    rng: &mut SeededRng,
    mut apply: impl FnMut(&[f64], &mut [f64]),
) -> Lanczos {
    let m = steps.min(dim).max(1);
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(m);
    let mut start: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
    normalize(&mut start);
    q.push(start);
    let (mut alpha, mut beta) = (Vec::with_capacity(m), Vec::with_capacity(m));
    let mut w = vec![0.0; dim];
    let mut scale = 0.0f64;
    for j in 0..m {
        apply(&q[j], &mut w);
        let a = dot(&q[j], &w);
        alpha.push(a);
        scale = scale.max(a.abs());
        for _ in 0..2 {
            for qi in &q {
                let c = dot(qi, &w);
                w.iter_mut().zip(qi).for_each(|(w, &q)| *w -= c * q);
            }
        }
        let b = dot(&w, &w).sqrt();
        scale = scale.max(b);
        if j + 1 == m || !b.is_finite() || b <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        beta.push(b);
        q.push(w.iter().map(|x| x / b).collect());
    }
    let k = alpha.len();
    let beta = &beta[..k - 1];
    let eigenvalues: Vec<f64> = (0..top.min(k))
        .map(|i| tridiagonal_eigenvalue(&alpha, beta, k - 1 - i))
        .collect();
    let mut top_vector = vec![0.0; dim];
    if let Some(&lambda) = eigenvalues.first() {
        let y = tridiagonal_eigenvector(&alpha, beta, lambda);
        for (qi, &c) in q.iter().zip(&y) {
            top_vector
                .iter_mut()
                .zip(qi)
                .for_each(|(v, &q)| *v += c * q);
        }
        normalize(&mut top_vector);
    }
    Lanczos {
        eigenvalues,
        top_vector,
        steps: k,
    }
}

fn normalize(v: &mut [f64]) {
    let n = dot(v, v).sqrt();
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Number of eigenvalues of the symmetric tridiagonal `T` (diagonal `a`, off-diagonal `b`)
/// smaller than `x`: the negative pivots of the LDLᵀ factorization of `T − xI` (Sturm).
fn count_below(a: &[f64], b: &[f64], x: f64) -> usize {
    let mut count = 0;
    let mut d = 1.0;
    for i in 0..a.len() {
        let off = if i == 0 { 0.0 } else { b[i - 1] * b[i - 1] };
        d = a[i] - x - if i == 0 { 0.0 } else { off / d };
        if d == 0.0 {
            d = -f64::EPSILON * (a[i].abs() + x.abs() + f64::MIN_POSITIVE);
        }
        if d < 0.0 {
            count += 1;
        }
    }
    count
}

/// The `index`-th smallest (0-based) eigenvalue of the symmetric tridiagonal `T`, by bisection
/// on the Gershgorin interval to full precision.
pub fn tridiagonal_eigenvalue(a: &[f64], b: &[f64], index: usize) -> f64 {
    let n = a.len();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..n {
        let r = if i > 0 { b[i - 1].abs() } else { 0.0 } + if i + 1 < n { b[i].abs() } else { 0.0 };
        lo = lo.min(a[i] - r);
        hi = hi.max(a[i] + r);
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return f64::NAN;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if count_below(a, b, mid) > index {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A unit eigenvector of the symmetric tridiagonal `T` for its eigenvalue `lambda`, by three
/// steps of inverse iteration with `T − (λ + δ)I`, solved by the Thomas algorithm.
fn tridiagonal_eigenvector(a: &[f64], b: &[f64], lambda: f64) -> Vec<f64> {
    let n = a.len();
    let scale = a
        .iter()
        .chain(b)
        .fold(0.0f64, |m, x| m.max(x.abs()))
        .max(1e-300);
    let shift = lambda + 1e-10 * scale;
    let mut y = vec![1.0; n];
    let (mut c, mut d) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..3 {
        // Forward sweep of (T − shift I) x = y.
        let mut diag = a[0] - shift;
        if diag == 0.0 {
            diag = 1e-300;
        }
        c[0] = if n > 1 { b[0] / diag } else { 0.0 };
        d[0] = y[0] / diag;
        for i in 1..n {
            let mut m = a[i] - shift - b[i - 1] * c[i - 1];
            if m == 0.0 {
                m = 1e-300;
            }
            c[i] = if i + 1 < n { b[i] / m } else { 0.0 };
            d[i] = (y[i] - b[i - 1] * d[i - 1]) / m;
        }
        y[n - 1] = d[n - 1];
        for i in (0..n - 1).rev() {
            y[i] = d[i] - c[i] * y[i + 1];
        }
        normalize(&mut y);
    }
    y
}

/// Hutchinson's trace estimator with `probes` Rademacher vectors `z` (entries ±1, from `rng`):
/// `tr A ≈ (1/K) Σ_k zₖᵀ A zₖ`, unbiased. Returns `(estimate, standard error)`, the SE being
/// `sd/√K` over the probes (NaN for one probe).
pub fn hutchinson(
    dim: usize,
    probes: usize,
    rng: &mut SeededRng,
    mut apply: impl FnMut(&[f64], &mut [f64]),
) -> (f64, f64) {
    let mut z = vec![0.0; dim];
    let mut az = vec![0.0; dim];
    let mut values = Vec::with_capacity(probes);
    for _ in 0..probes {
        z.iter_mut()
            .for_each(|x| *x = if rng.uniform() < 0.5 { -1.0 } else { 1.0 });
        apply(&z, &mut az);
        values.push(dot(&z, &az));
    }
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let se = if values.len() > 1 {
        (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (k - 1.0) / k).sqrt()
    } else {
        f64::NAN
    };
    (mean, se)
}
