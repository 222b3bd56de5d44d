//! Every run kind implements `Lab` with the kind of the lab's table (issue 18), its settings
//! table, and a record whose history columns are the ones it announces.

use noiselab_core::experiment::Lab;
use noiselab_core::{
    bayes, bayes_regression, dropout, funnel, implicit_reg, nng, sgd_posterior, sharpness,
};

fn check<L: Lab>(kind: &str, fields: &[noiselab_core::FieldSpec], settings: &[(&str, &str)]) {
    assert_eq!(L::KIND, kind);
    assert_eq!(L::fields().len(), fields.len());
    assert!(L::fields()
        .iter()
        .zip(fields)
        .all(|(a, b)| a.name == b.name));
    let mut run = L::from_settings(settings.iter().copied()).expect("valid settings");
    assert_eq!(run.run_record().fields(), L::history_fields(), "{kind}");
    run.run(2);
    assert!(run.steps_done() >= 1, "{kind}");
    let rows = run.run_record().rows();
    assert_eq!(run.history_from(0).len(), rows * L::history_fields().len());
    assert!(run.history_from(rows).is_empty());
    let again = L::from_settings(run.settings().iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(again.settings(), run.settings());
    assert!(L::from_settings([("bogus", "1")]).is_err());
}

#[test]
fn every_run_kind_is_a_lab() {
    check::<funnel::Funnel>("funnel", &funnel::FIELDS, &[("trajectories", "20")]);
    check::<funnel::FunnelCompare>(
        "funnel-compare",
        &funnel::COMPARE_FIELDS,
        &[("trajectories", "20")],
    );
    check::<sgd_posterior::SgdOu>(
        "sgd-posterior",
        &sgd_posterior::SGD_OU_FIELDS,
        &[("chains", "10")],
    );
    check::<dropout::DropoutTraining>("dropout", &dropout::FIELDS, &[("steps", "5")]);
    check::<dropout::wei::WeiComparison>("dropout-k", &dropout::wei::WEI_FIELDS, &[("steps", "5")]);
    check::<nng::NngRun>("nng", &nng::NNG_FIELDS, &[("steps", "5")]);
    check::<bayes::BayesByBackprop>("bbb-linreg", &bayes::BBB_FIELDS, &[("steps", "5")]);
    check::<bayes::description_length::BbbLogReg>(
        "description-length",
        &bayes::description_length::BBB_LOGREG_FIELDS,
        &[("steps", "5")],
    );
    check::<bayes_regression::RegressionRun>(
        "bayes-regression",
        &bayes_regression::REGRESSION_FIELDS,
        &[("trainingSteps", "100")],
    );
    check::<sharpness::BatchSizeExperiment>(
        "sharpness",
        &sharpness::FIELDS,
        &[("steps", "5"), ("repeats", "1")],
    );
    check::<implicit_reg::ImplicitRegSweep>(
        "implicit-reg",
        &implicit_reg::FIELDS,
        &[("steps", "10"), ("sweepPoints", "2")],
    );
}
