//! The seeded regression fixture of the dropout experiment, shared by the native tests and the
//! WebAssembly tests: both must reproduce these values bit for bit.

use super::{DropLayers, DropoutConfig, DropoutTraining, Variant, Which};
use crate::experiment::Experiment;
use crate::fixtures::hash_f64s;
use crate::nn::mlp::Scaling;

/// The dropout fixture: moons (24 training, 100 test points, noise 0.15, label noise 0.1),
/// widths [2, 16, 16, 1], tanh, ρ = 0.5 on the hidden layers, knock-in with K = 3, Adam
/// (α = 0.01), B = 8, 120 steps recorded every 10, seed 2026; then the explicit-only rule with
/// ReLU and standard scaling for 40 steps. Returns the hash of both histories and final
/// parameters, and the knock-in run's final test loss. Every field is set here, so changing the
/// defaults does not change the fixture.
pub fn dropout_fixture() -> (u64, f64) {
    let base = DropoutConfig {
        task: crate::data::Task::Moons,
        train_points: 24,
        test_points: 100,
        noise: 0.15,
        label_noise: 0.1,
        hidden: "16,16".into(),
        activation: crate::nn::mlp::Activation::Tanh,
        dropout_rate: 0.5,
        drop_layers: DropLayers::Hidden,
        scaling: Scaling::Inverted,
        variant: Variant::KnockIn,
        drop_k: 3,
        optimizer: crate::nn::optim::OptimizerKind::Adam,
        learning_rate: 0.01,
        batch_size: 8,
        weight_decay: 0.0,
        steps: 120,
        record_every: 10,
        seed: 2026,
        data: Default::default(),
    };
    let mut a = DropoutTraining::new(base.clone());
    a.run(usize::MAX);
    let mut b = DropoutTraining::new(DropoutConfig {
        variant: Variant::ExplicitOnly,
        activation: crate::nn::mlp::Activation::Relu,
        scaling: Scaling::Standard,
        steps: 40,
        ..base
    });
    b.run(usize::MAX);
    let hash = hash_f64s(
        a.history()
            .iter()
            .chain(a.params(Which::Dropout))
            .chain(a.params(Which::Plain))
            .chain(b.history())
            .chain(b.params(Which::Dropout)),
    );
    (hash, a.snapshot().last.test_loss)
}

/// Expected [`dropout_fixture`] hash (recorded natively; the wasm tests assert the same value).
pub const DROPOUT_FIXTURE_HASH: u64 = 0x6485_fc16_4aa5_5351;
/// Expected [`dropout_fixture`] test loss, as IEEE-754 bits.
pub const DROPOUT_FIXTURE_TEST_LOSS_BITS: u64 = 0x3fdd_1dfb_ceb9_ff43;
