//! Seeded random problems for the curvature tests (hessian, hessian_batch, sharpness): one
//! generator instead of a copy per test module. `stream` keeps each module's numbers as before.

use crate::data::Dataset;
use crate::nn::mlp::Mlp;
use crate::rng::SeededRng;

/// `n` standard-normal inputs of dimension `dim`; targets 0/1 with probability ½ each
/// (`classification`) or standard normal.
pub(crate) fn random_dataset(
    n: usize,
    dim: usize,
    classification: bool,
    seed: u64,
    stream: u64,
) -> Dataset {
    let mut rng = SeededRng::new(seed, stream);
    let mut d = Dataset::new(dim);
    for _ in 0..n {
        let x: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
        let t = if classification {
            (rng.uniform() < 0.5) as u8 as f64
        } else {
            rng.normal()
        };
        d.push(&x, t);
    }
    d
}

/// `mlp`'s initial parameters plus N(0, 0.3²) noise on each (away from the initialization's
/// symmetries).
pub(crate) fn perturbed_params(mlp: &Mlp, seed: u64, stream: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, stream);
    let mut p = mlp.init(&mut rng);
    for x in p.iter_mut() {
        *x += 0.3 * rng.normal();
    }
    p
}
