//! The seeded fixtures of `noiselab_core::fixtures`, run natively (`cargo test`) and compiled to
//! wasm in headless Chromium (`wasm-pack test --headless --chrome`): both must give the values
//! recorded natively, bit for bit.

use noiselab_core::experiment::Experiment;
use noiselab_core::fixtures::{self, FUNNEL_FIXTURE_HASH, FUNNEL_FIXTURE_MEAN_X_BITS};
use noiselab_core::rng::SeededRng;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test(unsupported = test)]
fn funnel_fixture_is_bit_identical() {
    let (hash, mean_x) = fixtures::funnel_fixture();
    assert_eq!(hash, FUNNEL_FIXTURE_HASH, "history/paths/positions hash");
    assert_eq!(
        mean_x.to_bits(),
        FUNNEL_FIXTURE_MEAN_X_BITS,
        "mean x = {mean_x}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn normal_draws_are_bit_identical() {
    // The first normals of seed 42, stream 0, as recorded natively.
    let mut r = SeededRng::new(42, 0);
    let draws: Vec<f64> = (0..4)
        .flat_map(|_| {
            let (a, b) = r.normal_pair();
            [a, b]
        })
        .collect();
    assert_eq!(
        fixtures::hash_f64s(&draws),
        fixtures::NORMALS_SEED42_HASH,
        "{draws:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn curvatures_through_libm_are_bit_identical() {
    use noiselab_core::funnel::Cost;
    let vals: Vec<f64> = (-40..=40)
        .map(|k| k as f64 * 0.173)
        .flat_map(|x| [Cost::Funnel.h(x), Cost::Funnel.h_prime(x), Cost::Neal.h(x)])
        .collect();
    assert_eq!(fixtures::hash_f64s(&vals), fixtures::CURVATURE_HASH);
}

#[wasm_bindgen_test(unsupported = test)]
fn reset_reproduces_the_fixture() {
    let mut f = noiselab_core::funnel::Funnel::new(fixtures::funnel_fixture_config());
    f.run(123);
    f.reset();
    f.run(usize::MAX);
    let positions = f.positions();
    let hash = fixtures::hash_f64s(f.history().iter().chain(f.paths()).chain(&positions));
    assert_eq!(hash, FUNNEL_FIXTURE_HASH);
}

#[wasm_bindgen_test(unsupported = test)]
fn bayes_fixture_is_bit_identical() {
    // 300 Bayes-by-Backprop steps and 200 HMC transitions on Bayesian linear regression.
    use noiselab_core::bayes::{bayes_fixture, BAYES_FIXTURE_ELBO_BITS, BAYES_FIXTURE_HASH};
    let (hash, elbo) = bayes_fixture();
    assert_eq!(hash, BAYES_FIXTURE_HASH, "BBB + HMC trajectories hash");
    assert_eq!(elbo.to_bits(), BAYES_FIXTURE_ELBO_BITS, "ELBO = {elbo}");
}

#[wasm_bindgen_test(unsupported = test)]
fn dropout_fixture_is_bit_identical() {
    // A seeded DropoutTraining run (two MLPs, masks, Adam/SGD, MC regularizer estimates).
    use noiselab_core::dropout::{
        dropout_fixture, DROPOUT_FIXTURE_HASH, DROPOUT_FIXTURE_TEST_LOSS_BITS,
    };
    let (hash, test_loss) = dropout_fixture();
    assert_eq!(hash, DROPOUT_FIXTURE_HASH, "dropout history hash");
    assert_eq!(
        test_loss.to_bits(),
        DROPOUT_FIXTURE_TEST_LOSS_BITS,
        "test loss = {test_loss}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn implicit_reg_fixture_is_bit_identical() {
    // Both sweeps of a small config: shuffled SGD, GD on J and GD on J + R (exact HVPs).
    use noiselab_core::implicit_reg::{
        implicit_reg_fixture, IMPLICIT_REG_FIXTURE_HASH, IMPLICIT_REG_FIXTURE_TEST_ACCURACY_BITS,
    };
    let (hash, accuracy) = implicit_reg_fixture();
    assert_eq!(hash, IMPLICIT_REG_FIXTURE_HASH, "sweep rows hash");
    assert_eq!(
        accuracy.to_bits(),
        IMPLICIT_REG_FIXTURE_TEST_ACCURACY_BITS,
        "test accuracy = {accuracy}"
    );
}
