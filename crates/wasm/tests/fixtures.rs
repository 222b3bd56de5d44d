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
fn funnel_flows_are_bit_identical() {
    // The adaptive RK4 gradient and modified flows of the fixture config.
    assert_eq!(fixtures::funnel_flow_fixture(), fixtures::FUNNEL_FLOW_HASH);
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
fn nng_fixture_is_bit_identical() {
    // Full NNG, noisy Adam and noisy K-FAC: minibatches, sampled Fisher, Cholesky solves.
    use noiselab_core::nng::{nng_fixture, NNG_FIXTURE_HASH, NNG_FIXTURE_KL_BITS};
    let (hash, kl) = nng_fixture();
    assert_eq!(
        hash, NNG_FIXTURE_HASH,
        "NNG history/means/covariances/samples hash"
    );
    assert_eq!(kl.to_bits(), NNG_FIXTURE_KL_BITS, "K-FAC KL = {kl}");
}

#[wasm_bindgen_test(unsupported = test)]
fn sgd_posterior_fixture_is_bit_identical() {
    // SGLD on the quadratic with real mini-batches (30 chains) and SGLD on the banana.
    use noiselab_core::sgd_posterior::{
        sgd_posterior_fixture, SGD_POSTERIOR_FIXTURE_HASH, SGD_POSTERIOR_FIXTURE_RATIO_BITS,
    };
    let (hash, ratio) = sgd_posterior_fixture();
    assert_eq!(
        hash, SGD_POSTERIOR_FIXTURE_HASH,
        "SGD-OU + SGLD histories hash"
    );
    assert_eq!(
        ratio.to_bits(),
        SGD_POSTERIOR_FIXTURE_RATIO_BITS,
        "trace ratio = {ratio}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn sharpness_fixture_is_bit_identical() {
    // Small- and large-batch SGD with Lanczos λ_max, Hutchinson traces (Hessian–vector products),
    // batch-norm-like statistics, and the Dinh rescaling demo's Lanczos eigenvalues.
    use noiselab_core::sharpness::fixture::{
        sharpness_fixture, SHARPNESS_FIXTURE_HASH, SHARPNESS_FIXTURE_LAMBDA_BITS,
    };
    let (hash, lambda) = sharpness_fixture();
    assert_eq!(hash, SHARPNESS_FIXTURE_HASH, "sharpness history hash");
    assert_eq!(
        lambda.to_bits(),
        SHARPNESS_FIXTURE_LAMBDA_BITS,
        "λ_max = {lambda}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn bench_fixture_is_bit_identical() {
    // Issue 7: 64 W1 SGD steps through the BatchTrainer kernels (explicit f64x2 under simd128,
    // a plain pair natively: the same operations in the same order),
    // and the vectorized exp of the funnel over [−40, 40].
    use noiselab_bench::{bench_fixture, BENCH_FIXTURE_HASHES};
    assert_eq!(bench_fixture(), BENCH_FIXTURE_HASHES);
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

/// Hash of every number a seeded run of `f` produced (issue 8: the experiments below had no
/// bit-identity fixture of their own).
fn hash_of(values: &[f64]) -> u64 {
    noiselab_core::fixtures::hash_f64s(values.iter())
}

#[wasm_bindgen_test(unsupported = test)]
fn bayes_regression_fixture_is_bit_identical() {
    // MAP, Laplace (GGN, linearized), Bayes by Backprop, MC dropout and HMC on a small net: the bands.
    use noiselab_core::bayes_regression::{RegressionConfig, RegressionRun};
    use noiselab_core::experiment::Experiment;
    let s = [
        ("trainingSteps", "300"),
        ("hmcSamples", "20"),
        ("hiddenUnits", "6"),
        ("dataPoints", "10"),
        ("seed", "3"),
    ];
    let mut run = RegressionRun::new(RegressionConfig::from_settings(s.iter().copied()).unwrap());
    run.run(usize::MAX);
    assert_eq!(
        hash_of(&run.bands()),
        17648571187921273293,
        "bayes-regression bands hash"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn bbb_logreg_fixture_is_bit_identical() {
    // Bayes by Backprop on 2-D logistic regression: ELBO terms, KL bits, errors and PAC-Bayes bounds.
    use noiselab_core::bayes::description_length::{BbbLogReg, BbbLogRegConfig};
    use noiselab_core::experiment::Experiment;
    // The default N moved to 50 (issue 17); the fixture keeps the old 200.
    let s = [("steps", "200"), ("seed", "5"), ("dataPoints", "200")];
    let mut run = BbbLogReg::new(BbbLogRegConfig::from_settings(s.iter().copied()).unwrap());
    run.run(usize::MAX);
    assert_eq!(
        hash_of(run.history()),
        13446723859474711600,
        "BBB-logreg history hash"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn logreg_panel_fixture_is_bit_identical() {
    // The logistic-regression panel: grid posterior, Laplace, both VI fits, HMC samples.
    use noiselab_core::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
    // The panel's defaults moved to N = 20, η = 25 (issue 17); the fixture keeps the old ones.
    let s = [
        ("hmcSamples", "200"),
        ("seed", "9"),
        ("dataPoints", "10"),
        ("priorVariance", "2"),
    ];
    let config = LogRegPanelConfig::from_settings(s.iter().copied()).unwrap();
    let a = analyze_panel(&config, config.data(), 21, 11);
    let mut v = a.hmc_samples.clone();
    v.extend([
        a.log_evidence,
        a.kl_to_posterior[0],
        a.kl_to_posterior[1],
        a.kl_to_posterior[2],
    ]);
    v.extend(a.posterior_mean);
    assert_eq!(
        hash_of(&v),
        4474195614373191284,
        "logistic-regression panel hash"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn logreg_importance_fixture_is_bit_identical() {
    // Importance sampling of the logistic-regression predictive (issue 21): the panel's test
    // point at the safe c and at plain Laplace (c = 1), 3000 draws, importance seed 4.
    use noiselab_core::bayes::logreg::{grid_posterior, laplace};
    use noiselab_core::bayes::logreg_posterior::panel_grid;
    use noiselab_core::bayes::logreg_posterior::{test_point, LogRegPanelConfig};
    let mut v = vec![];
    for scale in ["safe", "laplace"] {
        let s = [
            ("importanceSamples", "3000"),
            ("importanceSeed", "4"),
            ("testPoint1", "-1.5"),
            ("proposalScale", scale),
        ];
        let config = LogRegPanelConfig::from_settings(s.iter().copied()).unwrap();
        let data = config.data();
        let lap = laplace(&data, config.prior_variance);
        let post = grid_posterior(&data, &lap, panel_grid(&lap));
        let t = test_point(&config, &data, &lap, &post);
        let e = t.importance;
        v.extend([
            e.estimate,
            e.standard_error,
            e.effective_sample_size,
            t.truth,
        ]);
    }
    assert_eq!(
        hash_of(&v),
        4962009799666312749,
        "logistic-regression importance-sampling hash {v:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn bbb_linreg_local_reparam_fixture_is_bit_identical() {
    // Bayes by Backprop on Bayesian linear regression with the local reparameterization trick
    // (D = 3, 300 Adam steps): history, parameter history, references and ellipses.
    use noiselab_core::bayes::bbb_linreg::view::{ellipses, reference};
    use noiselab_core::bayes::{BayesByBackprop, BbbConfig};
    let s = [
        ("localReparam", "on"),
        ("weights", "3"),
        ("samplesPerStep", "2"),
        ("steps", "300"),
        ("seed", "7"),
    ];
    let mut run = BayesByBackprop::new(BbbConfig::from_settings(s.iter().copied()).unwrap());
    run.run(usize::MAX);
    let r = reference(&run);
    let mut all: Vec<f64> = run.history().to_vec();
    all.extend_from_slice(run.parameter_history());
    all.extend(
        r.variance_ratio_mean_field
            .iter()
            .chain(&r.variance_ratio_marginal),
    );
    all.extend(ellipses(&run, 0, 2, 2.0, 48));
    assert_eq!(
        hash_of(&all),
        4982273739308623606,
        "bbb-linreg (local reparameterization) hash"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn one_epoch_fixture_is_bit_identical() {
    // The exact mean SGD epoch iterate over all 4! orderings of the tanh net against RK4 flows
    // on J, J + R and a wrong R (exact per-example HVPs).
    use noiselab_core::implicit_reg::one_epoch::{
        one_epoch_fixture, ONE_EPOCH_FIXTURE_GAP_BITS, ONE_EPOCH_FIXTURE_HASH,
    };
    let (hash, gap) = one_epoch_fixture();
    assert_eq!(hash, ONE_EPOCH_FIXTURE_HASH, "one-epoch gaps hash");
    assert_eq!(gap.to_bits(), ONE_EPOCH_FIXTURE_GAP_BITS, "gap = {gap}");
}
