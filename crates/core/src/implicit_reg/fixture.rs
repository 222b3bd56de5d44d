//! The seeded regression fixture of the implicit-regularizer sweeps, shared by the native tests
//! and the WebAssembly tests in headless Chromium: both must reproduce these values bit for bit.

use super::{ImplicitRegConfig, ImplicitRegSweep};
use crate::data::Task;
use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;
use crate::nn::mlp::Activation;

/// The fixture: moons (N = 16, 100 test points, noise 0.25, label noise 0.1), a 2-4-1 tanh net,
/// 40 steps per run, α from 0.1 to 2 in 3 points at B = 4, the batch sweep B = 1 … 16 at
/// α = 0.8, 2 SGD runs per point, seed 2026. Every field is set here, so changing the
/// defaults does not change the fixture.
pub fn implicit_reg_fixture_config() -> ImplicitRegConfig {
    ImplicitRegConfig {
        task: Task::Moons,
        train_points: 16,
        test_points: 100,
        noise: 0.25,
        label_noise: 0.1,
        hidden_units: 4,
        activation: Activation::Tanh,
        steps: 40,
        batch_size: 4,
        learning_rate_min: 0.1,
        learning_rate_max: 2.0,
        sweep_points: 3,
        learning_rate: 0.8,
        sgd_runs: 2,
        sampling: super::train::Sampling::Reshuffle,
        view: "trainLoss".to_string(),
        seed: 2026,
        data: Default::default(),
    }
}

/// Run every point of the fixture; return the hash of all rows (their first
/// [`super::sweep::FIXTURE_COLUMNS`] columns, the row as it was when the hash was recorded;
/// the standard errors appended since are checked in the module's tests) and the last
/// point's test accuracy of GD on `J + R`.
pub fn implicit_reg_fixture() -> (u64, f64) {
    let mut sweep = ImplicitRegSweep::new(implicit_reg_fixture_config());
    sweep.run(usize::MAX);
    let rows: Vec<f64> = sweep
        .rows()
        .chunks(super::POINT_WIDTH)
        .flat_map(|r| r[..super::sweep::FIXTURE_COLUMNS].iter().copied())
        .collect();
    let accuracy = rows[rows.len() - super::sweep::FIXTURE_COLUMNS + 22];
    (hash_f64s(&rows), accuracy)
}

/// Expected [`implicit_reg_fixture`] hash (recorded natively; the wasm tests assert the same).
pub const IMPLICIT_REG_FIXTURE_HASH: u64 = 0x5b74_911c_1a66_11d4;
/// Expected [`implicit_reg_fixture`] test accuracy, as IEEE-754 bits.
pub const IMPLICIT_REG_FIXTURE_TEST_ACCURACY_BITS: u64 = 0x3fea_e147_ae14_7ae1;
