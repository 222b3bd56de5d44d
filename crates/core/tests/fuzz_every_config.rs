//! The settings parser of EVERY experiment under random input (issue 8): 10,000 cases per
//! experiment of arbitrary `(name, text)` pairs, drawn mostly from the experiment's own field
//! names and from values near the edges of each field's range (plus NaN, inf, junk). Each input
//! either yields a config that validates and round-trips through `to_settings`, or typed errors
//! that each name a field that was set (or an unknown setting) — never a panic. Adding an
//! experiment: one `fuzz_config!` line at the bottom.

use noiselab_core::config::{FieldKind, FieldSpec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Values around the edges of one field's range, and junk.
fn value_for(f: &'static FieldSpec) -> BoxedStrategy<String> {
    let junk = prop_oneof![
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e309".to_string()),
        Just("".to_string()),
        Just(" ".to_string()),
        Just("-0".to_string()),
        any::<f64>().prop_map(|v| format!("{v}")),
        "\\PC{0,12}",
    ];
    match f.kind {
        FieldKind::Real { min, max, .. } => {
            let (lo, hi) = (min, max);
            prop_oneof![
                3 => (lo..=hi).prop_map(|v| format!("{v}")),
                1 => prop::sample::select(vec![lo, hi, lo - 1e-9, hi + 1e-9, lo + (hi - lo) * 1e-12, 0.0, -1.0])
                    .prop_map(|v| format!("{v}")),
                1 => junk,
            ]
            .boxed()
        }
        FieldKind::Integer { min, max, .. } => prop_oneof![
            3 => (min..=max).prop_map(|v| v.to_string()),
            1 => prop::sample::select(vec![min.saturating_sub(1), max.saturating_add(1), u64::MAX])
                .prop_map(|v| v.to_string()),
            1 => Just("-1".to_string()),
            1 => Just("2.5".to_string()),
            1 => junk,
        ]
        .boxed(),
        FieldKind::Choice { options, .. } => prop_oneof![
            3 => prop::sample::select(options.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>()),
            1 => junk,
        ]
        .boxed(),
        // Matrices: random shapes up to one beyond the limit, symmetric or not, near-singular
        // or not, in the text or the JSON form; and junk.
        FieldKind::Matrix { max_rows, max_cols, .. } => {
            let (r, c) = (max_rows as usize + 1, max_cols as usize + 1);
            let entry = prop_oneof![3 => -10.0..10.0f64, 1 => Just(0.0), 1 => Just(1e-12)];
            prop_oneof![
                3 => (1..=r, 1..=c).prop_flat_map(move |(rows, cols)| {
                    prop::collection::vec(entry.clone(), rows * cols).prop_map(move |d| {
                        (0..rows)
                            .map(|i| d[i * cols..(i + 1) * cols].iter().map(|v| format!("{v}")).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                }),
                2 => (1..=r.min(c)).prop_flat_map(|n| {
                    prop::collection::vec(0.1..5.0f64, n).prop_map(move |diag| {
                        format!("[{}]", (0..n)
                            .map(|i| format!("[{}]", (0..n).map(|j| if i == j { format!("{}", diag[i]) } else { "0.1".into() }).collect::<Vec<_>>().join(", ")))
                            .collect::<Vec<_>>()
                            .join(", "))
                    })
                }),
                1 => junk,
            ]
            .boxed()
        }
    }
}

/// Random settings: mostly the experiment's own fields with edge-ish values, sometimes unknown names.
fn settings(fields: &'static [FieldSpec]) -> BoxedStrategy<Vec<(String, String)>> {
    let pair = prop_oneof![
        8 => prop::sample::select((0..fields.len()).collect::<Vec<_>>())
            .prop_flat_map(move |i| value_for(&fields[i]).prop_map(move |v| (fields[i].name.to_string(), v))),
        1 => ("[a-zA-Z]{0,12}", "\\PC{0,6}"),
    ];
    prop::collection::vec(pair, 0..(fields.len() + 3)).boxed()
}

macro_rules! fuzz_config {
    ($test:ident, $config:ty, $fields:expr) => {
        fuzz_config!(@body $test, $config, $fields, |c: &$config| c.validate().is_ok());
    };
    (@body $test:ident, $config:ty, $fields:expr, $valid:expr) => {
        #[test]
        fn $test() {
            let fields: &'static [FieldSpec] = &$fields;
            let mut runner = TestRunner::new_with_rng(
                Config {
                    cases: 10_000,
                    failure_persistence: None,
                    ..Config::default()
                },
                proptest::test_runner::TestRng::deterministic_rng(
                    proptest::test_runner::RngAlgorithm::ChaCha,
                ),
            );
            let (ok, err) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
            runner
                .run(&settings(fields), |pairs| {
                    let outcome = <$config>::from_settings(
                        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    );
                    if outcome.is_ok() {
                        ok.set(ok.get() + 1)
                    } else {
                        err.set(err.get() + 1)
                    }
                    match <$config>::from_settings(
                        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ) {
                        Ok(config) => {
                            prop_assert!(($valid)(&config));
                            let back = config.to_settings();
                            let again = <$config>::from_settings(
                                back.iter().map(|(k, v)| (&**k, v.as_str())),
                            )
                            .expect("a config's own settings parse");
                            prop_assert_eq!(again, config);
                        }
                        Err(errors) => {
                            prop_assert!(!errors.0.is_empty());
                            for e in &errors.0 {
                                let named = pairs.iter().any(|(k, _)| k == e.field());
                                // Cross-field rules (e.g. batch ≤ data) may name the other field.
                                let known = fields.iter().any(|f| f.name == e.field());
                                prop_assert!(named || known, "error names a field: {}", e);
                                let text = e.to_string();
                                prop_assert!(
                                    !text.is_empty()
                                        && (text.contains(e.field())
                                            || text.starts_with("unknown setting")),
                                    "message names the field: {}",
                                    text
                                );
                            }
                        }
                    }
                    Ok(())
                })
                .unwrap();
            // Both outcomes are exercised (a fuzzer that only ever hits one branch tests little).
            assert!(
                ok.get() >= 500 && err.get() >= 500,
                "valid {} / rejected {}",
                ok.get(),
                err.get()
            );
        }
    };
}

fuzz_config!(
    funnel,
    noiselab_core::funnel::FunnelConfig,
    noiselab_core::funnel::FIELDS
);
fuzz_config!(
    dropout,
    noiselab_core::dropout::DropoutConfig,
    noiselab_core::dropout::FIELDS
);
fuzz_config!(
    laplace_vb,
    noiselab_core::bayes::laplace_vb::TiltedGaussian,
    noiselab_core::bayes::laplace_vb::DENSITY1D_FIELDS
);
fuzz_config!(
    bbb,
    noiselab_core::bayes::BbbConfig,
    noiselab_core::bayes::BBB_FIELDS
);
fuzz_config!(
    logreg,
    noiselab_core::bayes::LogRegConfig,
    noiselab_core::bayes::LOGREG_FIELDS
);
fuzz_config!(
    nng,
    noiselab_core::nng::NngConfig,
    noiselab_core::nng::NNG_FIELDS
);
fuzz_config!(
    description_length,
    noiselab_core::bayes::description_length::BbbLogRegConfig,
    noiselab_core::bayes::description_length::BBB_LOGREG_FIELDS
);
fuzz_config!(
    logreg_posterior,
    noiselab_core::bayes::logreg_posterior::LogRegPanelConfig,
    noiselab_core::bayes::logreg_posterior::LOGREG_PANEL_FIELDS
);
fuzz_config!(
    sgd_ou,
    noiselab_core::sgd_posterior::SgdOuConfig,
    noiselab_core::sgd_posterior::SGD_OU_FIELDS
);
fuzz_config!(
    sgld,
    noiselab_core::sgd_posterior::SgldConfig,
    noiselab_core::sgd_posterior::SGLD_FIELDS
);
fuzz_config!(
    one_epoch,
    noiselab_core::implicit_reg::one_epoch::OneEpochConfig,
    noiselab_core::implicit_reg::one_epoch::ONE_EPOCH_FIELDS
);
fuzz_config!(
    bayes_regression,
    noiselab_core::bayes_regression::RegressionConfig,
    noiselab_core::bayes_regression::REGRESSION_FIELDS
);
fuzz_config!(
    implicit_reg,
    noiselab_core::implicit_reg::ImplicitRegConfig,
    noiselab_core::implicit_reg::FIELDS
);
fuzz_config!(
    sharpness,
    noiselab_core::sharpness::SharpnessConfig,
    noiselab_core::sharpness::FIELDS
);
