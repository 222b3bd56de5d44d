//! The seeded regression fixture of the sharpness experiment, shared by the native tests and the
//! WebAssembly tests: both must reproduce these values bit for bit.

use super::rescale::rescale_report;
use super::{BatchSizeExperiment, SharpnessConfig};
use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;

/// The sharpness fixture: moons (64 training, 64 test points, noise 0.2, label noise 0.1),
/// widths [2, 8, 8, 1], tanh, α = 0.3, batches 4 and 64, 6 epochs, 4 measurements, one repeat,
/// seed 2026; then the same with batch-norm statistics on (batches 8 and 32, 60 steps, ReLU);
/// then the rescaling demo at a = 3 with demo noise 0.1 (its Lanczos eigenvalues, traces and
/// losses, not the nalgebra-based readouts). Every field is set here, so changing the defaults
/// does not change the fixture. Returns the hash and the first run's final `λ_max`.
pub fn sharpness_fixture() -> (u64, f64) {
    let base = SharpnessConfig {
        task: crate::data::Task::Moons,
        train_points: 64,
        test_points: 64,
        noise: 0.2,
        label_noise: 0.1,
        hidden_units: 8,
        activation: crate::nn::mlp::Activation::Tanh,
        learning_rate: 0.3,
        small_batch: 4,
        large_batch: 64,
        fixed_steps: false,
        epochs: 6,
        steps: 60,
        batch_norm: false,
        repeats: 1,
        checkpoints: 4,
        rescale: 1.0,
        demo_noise: 0.0,
        seed: 2026,
        data: Default::default(),
    };
    let mut a = BatchSizeExperiment::new(base.clone());
    a.run(usize::MAX);
    let mut b = BatchSizeExperiment::new(SharpnessConfig {
        activation: crate::nn::mlp::Activation::Relu,
        small_batch: 8,
        large_batch: 32,
        fixed_steps: true,
        batch_norm: true,
        ..base
    });
    b.run(usize::MAX);
    let r = rescale_report(2026, 0.1, 3.0, 5);
    let demo: Vec<f64> = r
        .sweep
        .iter()
        .chain([&r.current])
        .flat_map(|p| [p.lambda_max, p.lambda_max_gauss_newton, p.trace, p.loss])
        .collect();
    let hash = hash_f64s(
        a.history()
            .iter()
            .chain(a.params(0))
            .chain(a.params(1))
            .chain(b.history())
            .chain(b.params(1))
            .chain(&demo),
    );
    (hash, a.snapshot().runs[0].last.lambda_max)
}

/// Expected [`sharpness_fixture`] hash (recorded natively; the wasm tests assert the same value).
pub const SHARPNESS_FIXTURE_HASH: u64 = 0x4e14_d692_fd7f_23a7;
/// Expected [`sharpness_fixture`] `λ_max`, as IEEE-754 bits.
pub const SHARPNESS_FIXTURE_LAMBDA_BITS: u64 = 0x3fde_3df0_4e67_51bc;
