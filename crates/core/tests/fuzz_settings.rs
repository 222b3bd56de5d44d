//! Property tests of the settings parser (the path every front end uses: URL hash, element
//! attributes, the CLI's --set and JSON config files). For arbitrary `(name, text)` settings,
//! parsing must either give a config that validates and round-trips, or typed errors that each
//! name a field — never a panic. 10,000 cases per property (seeded: proptest's default RNG is
//! deterministic for a fixed source of failures, and failures shrink to a minimal input).

use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::{Funnel, FunnelConfig, FIELDS};
use proptest::prelude::*;

/// Text that is often close to valid: numbers (including edge cases), choices, junk.
fn value_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|v| format!("{v}")),
        (-1e4f64..1e4).prop_map(|v| format!("{v}")),
        (0u64..5000).prop_map(|v| v.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("1e309".to_string()),
        Just("".to_string()),
        Just(" 0.5 ".to_string()),
        Just("funnel".to_string()),
        Just("neal".to_string()),
        "\\PC{0,12}",
    ]
}

fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(FIELDS.iter().map(|f| f.name.to_string()).collect::<Vec<_>>()),
        1 => "[a-zA-Z]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_settings_give_a_valid_config_or_named_errors(pairs in prop::collection::vec((name_text(), value_text()), 0..8)) {
        match FunnelConfig::from_settings(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(config) => {
                prop_assert!(config.validate().is_ok());
                prop_assert!(config.learning_rate.is_finite() && config.noise_std.is_finite());
                let back = config.to_settings();
                let again = FunnelConfig::from_settings(back.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
                prop_assert_eq!(again, config);
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    let named = pairs.iter().any(|(k, _)| k == e.field());
                    prop_assert!(named, "error names a field that was set: {}", e);
                    prop_assert!(e.to_string().starts_with(e.field()) || e.to_string().starts_with("unknown setting"));
                }
            }
        }
    }

    #[test]
    fn valid_configs_run_without_nan_in_the_drawn_statistics(
        rate in 1e-6f64..=1.0,
        noise in 0.0f64..=10.0,
        m in 1u32..=40,
        x0 in -6.0f64..=6.0,
        y0 in -3.0f64..=3.0,
        cost in prop::sample::select(vec!["funnel", "valley", "neal"]),
        seed in any::<u32>(),
    ) {
        let s = [
            ("learningRate", format!("{rate}")), ("noiseStd", format!("{noise}")),
            ("trajectories", m.to_string()), ("steps", "60".to_string()),
            ("startX", format!("{x0}")), ("startY", format!("{y0}")),
            ("cost", cost.to_string()), ("seed", seed.to_string()),
        ];
        let config = FunnelConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        let mut f = Funnel::new(config);
        f.run(usize::MAX);
        // Positions stay finite (diverged ones freeze at their last finite point); the means are
        // finite while any trajectory is alive, NaN (drawn as a gap) only when none is.
        prop_assert!(f.positions().iter().all(|v| v.is_finite()));
        let snap = f.snapshot();
        if snap.stats.alive > 0 {
            prop_assert!(snap.stats.mean_x.is_finite() && snap.stats.mean_y2.is_finite());
        }
    }
}
