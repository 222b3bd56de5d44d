//! The field tables are public API: the browser builds its controls from their JSON, the URL
//! hash and attributes use their names, the lab's tests check labels and defaults. This test
//! pins the JSON of every table and the `to_settings` of every default config to
//! `fixtures/field_tables.txt`, recorded from main before the settings macro (issue 18).

use noiselab_core::config::FieldSpec;

macro_rules! tables {
    ($($kind:literal => $config:ty, $fields:expr;)*) => {
        vec![$((
            $kind,
            &$fields[..] as &[FieldSpec],
            <$config>::default()
                .to_settings()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Vec<_>>(),
        )),*]
    };
}

/// Serialized straight from the tables (not through `serde_json::Value`, which would sort the
/// keys): key order is part of what the browser gets.
fn every_table() -> String {
    use noiselab_core::{
        bayes, bayes_regression, dropout, funnel, implicit_reg, nng, sgd_posterior, sharpness,
    };
    let tables = tables! {
        "funnel" => funnel::FunnelConfig, funnel::FIELDS;
        "sgd-ou" => sgd_posterior::SgdOuConfig, sgd_posterior::SGD_OU_FIELDS;
        "sgld" => sgd_posterior::SgldConfig, sgd_posterior::SGLD_FIELDS;
        "dropout" => dropout::DropoutConfig, dropout::FIELDS;
        "density1d" => bayes::laplace_vb::TiltedGaussian, bayes::laplace_vb::DENSITY1D_FIELDS;
        "bbb-linreg" => bayes::BbbConfig, bayes::BBB_FIELDS;
        "bbb-logreg" => bayes::description_length::BbbLogRegConfig, bayes::description_length::BBB_LOGREG_FIELDS;
        "logreg-panel" => bayes::logreg_posterior::LogRegPanelConfig, bayes::logreg_posterior::LOGREG_PANEL_FIELDS;
        "logreg" => bayes::LogRegConfig, bayes::LOGREG_FIELDS;
        "bayes-regression" => bayes_regression::RegressionConfig, bayes_regression::REGRESSION_FIELDS;
        "nng" => nng::NngConfig, nng::NNG_FIELDS;
        "sharpness" => sharpness::SharpnessConfig, sharpness::FIELDS;
        "implicit-reg" => implicit_reg::ImplicitRegConfig, implicit_reg::FIELDS;
        "one-epoch" => implicit_reg::one_epoch::OneEpochConfig, implicit_reg::one_epoch::ONE_EPOCH_FIELDS;
        "funnel-compare" => funnel::CompareConfig, funnel::COMPARE_FIELDS;
        "dropout-k" => dropout::wei::WeiConfig, dropout::wei::WEI_FIELDS;
    };
    let mut out = String::new();
    for (kind, fields, defaults) in tables {
        out += &format!(
            "{kind}\n{}\n{}\n",
            serde_json::to_string_pretty(fields).unwrap(),
            serde_json::to_string(&defaults).unwrap()
        );
    }
    out
}

#[test]
fn every_field_table_and_default_is_unchanged() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/field_tables.txt"
    );
    let now = every_table();
    // A deliberate change (a new field): `NOISELAB_BLESS=1 cargo test --test field_tables`
    // rewrites the fixture; the diff then shows exactly what the browser will get.
    if std::env::var_os("NOISELAB_BLESS").is_some() {
        std::fs::write(path, &now).expect("write fixtures/field_tables.txt");
    }
    let recorded = std::fs::read_to_string(path).expect("fixtures/field_tables.txt");
    assert_eq!(now, recorded, "a field table or a default changed");
}
