//! The Wei comparison equals separate `dropout` runs bit for bit.

use super::wei::{WeiComparison, WeiConfig, WEI_FIELDS, WEI_HISTORY_FIELDS, WEI_VARIANTS};
use super::*;
use crate::experiment::Lab;

/// FNV-1a over the bits of every value of a column-major read of `rows`.
fn column_hash(rows: &[f64], width: usize) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in 0..width {
        for v in rows.iter().skip(c).step_by(width) {
            for b in v.to_bits().to_le_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    h
}

/// Run the comparison and the five separate runs; every column of every run must agree.
fn assert_same_as_separate_runs(settings: &[(&str, &str)]) {
    let mut wei = WeiComparison::from_settings(settings.iter().copied()).unwrap();
    let out = wei.run(usize::MAX);
    assert_eq!(out.stop, Some(StopReason::Done), "{settings:?}");
    let width = HISTORY_FIELDS.len();
    for variant in WEI_VARIANTS.into_iter().chain([Variant::None]) {
        let mut run = DropoutTraining::new(wei.config().with_variant(variant));
        run.run(usize::MAX);
        let mine = wei.variant_history(variant);
        assert_eq!(mine.len(), run.history().len(), "{variant:?} {settings:?}");
        assert_eq!(
            column_hash(&mine, width),
            column_hash(run.history(), width),
            "{variant:?} {settings:?}"
        );
        let last = match WEI_VARIANTS.iter().position(|&v| v == variant) {
            Some(l) => wei.snapshot().last[l],
            None => wei.snapshot().none,
        };
        assert_eq!(
            last.row().map(f64::to_bits),
            run.snapshot().last.row().map(f64::to_bits)
        );
        // Debug text: accuracies of a regression are NaN, which `==` never equals.
        let (a, b) = (wei.variant_snapshot(variant), run.snapshot());
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{variant:?}");
    }
}

#[test]
fn the_comparison_equals_separate_runs_at_the_defaults() {
    assert_same_as_separate_runs(&[]);
}

#[test]
fn the_comparison_equals_separate_runs_at_other_settings() {
    assert_same_as_separate_runs(&[("seed", "7"), ("steps", "300"), ("recordEvery", "7")]);
    assert_same_as_separate_runs(&[
        ("seed", "3"),
        ("task", "moons"),
        ("hidden", "16"),
        ("dropoutRate", "0.3"),
        ("dropLayers", "inputHidden"),
        ("scaling", "standard"),
        ("dropK", "3"),
        ("optimizer", "adam"),
        ("learningRate", "0.01"),
        ("weightDecay", "0.001"),
        ("steps", "150"),
        ("recordEvery", "10"),
    ]);
    assert_same_as_separate_runs(&[
        ("task", "regression"),
        ("activation", "tanh"),
        ("steps", "120"),
        ("learningRate", "0.05"),
    ]);
}

#[test]
fn settings_are_the_dropout_table_without_variant() {
    let names: Vec<&str> = FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|&n| n != "variant")
        .collect();
    assert_eq!(WEI_FIELDS.map(|f| f.name).to_vec(), names);
    let e = WeiConfig::from_settings([("variant", "dropK")]).unwrap_err();
    assert!(e.to_string().contains("variant"), "{e}");
    let e = WeiConfig::from_settings([("batchSize", "50")]).unwrap_err();
    assert!(e.to_string().contains("batchSize"), "{e}");
    let c = WeiConfig::from_settings([("seed", "5"), ("dropK", "4")]).unwrap();
    let s = c.to_settings();
    let again = WeiConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(again, c);
    assert_eq!(s.len(), WEI_FIELDS.len());
}

#[test]
fn reset_repeats_the_comparison_and_rows_have_the_documented_width() {
    let mut wei = WeiComparison::from_settings([("steps", "60"), ("recordEvery", "20")]).unwrap();
    assert_eq!(wei.history().len(), WEI_HISTORY_FIELDS.len());
    wei.run(usize::MAX);
    assert_eq!(wei.history().len(), 4 * WEI_HISTORY_FIELDS.len());
    let h = wei.history().to_vec();
    wei.reset();
    wei.run(25);
    wei.run(usize::MAX);
    assert_eq!(wei.history(), &h[..]);
    assert_eq!(WeiComparison::KIND, "dropout-k");
}
