//! The panel's analysis split in two ([`panel_stage`], [`finish_panel`]) so the browser draws
//! the part without the variational fits first (issue 22, W5): the whole analysis is bit for
//! bit the one before the split, and every number of the preview is the final one.

use crate::bayes::logreg_posterior::*;

/// FNV-1a (64 bits) of the analysis as JSON: serde_json writes every f64 as its shortest
/// round-trip text, so equal hashes mean equal bits.
fn hash_of(a: &PanelAnalysis) -> u64 {
    let text = serde_json::to_string(a).unwrap();
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The defaults (N = 20, η = 25) at the browser's grids, and a full-covariance case with the
/// edited data rows, as computed before the split (commit 06585fb: one function).
#[test]
fn the_split_analysis_is_bit_identical_to_the_one_before() {
    let defaults = LogRegPanelConfig::default();
    let a = analyze_panel(&defaults, defaults.data(), 81, 49);
    let edited = LogRegPanelConfig::from_settings([
        ("variationalFamily", "fullCovariance"),
        ("seed", "1003"),
        (
            "data",
            "0.5 1 1; -1 0.25 0; 2 -1 1; 0.1 0.2 0; -2 -2 0; 1.5 1.5 1",
        ),
    ])
    .unwrap();
    let b = analyze_panel(&edited, edited.data(), 41, 31);
    println!("hashes {} {}", hash_of(&a), hash_of(&b));
    assert_eq!([hash_of(&a), hash_of(&b)], [HASH_DEFAULTS, HASH_EDITED]);
}
const HASH_DEFAULTS: u64 = 4_949_290_685_019_302_612;
const HASH_EDITED: u64 = 8_823_900_955_905_759_478;

/// Every number the preview shows is the final analysis's: Laplace, the grid posterior's
/// moments, the test point, HMC, the plug-in, probit and true predictive maps, the Laplace and
/// true-moment ellipses; the preview's density is the same function on a frame that leaves out
/// the fits' widths (equal when they are not the widest).
#[test]
fn the_preview_shows_the_final_numbers() {
    for seed in [1u32, 1003] {
        let config =
            LogRegPanelConfig::from_settings([("seed", seed.to_string().as_str())]).unwrap();
        let stage = panel_stage(&config, config.data(), 49);
        let preview = preview_panel(&config, &stage, 81);
        let a = analyze_panel(&config, config.data(), 81, 49);
        assert_eq!(stage.laplace, a.laplace);
        assert_eq!(stage.data, a.data);
        assert_eq!(
            (
                stage.posterior.log_evidence,
                stage.posterior.mean,
                stage.posterior.covariance
            ),
            (a.log_evidence, a.posterior_mean, a.posterior_covariance)
        );
        assert_eq!(stage.test_point, a.test_point);
        assert_eq!(
            (&stage.hmc_samples, stage.hmc_acceptance, stage.hmc_mean),
            (&a.hmc_samples, a.hmc_acceptance, a.hmc_mean)
        );
        assert_eq!(
            [
                &stage.predictive[0],
                &stage.predictive[1],
                &stage.predictive[2]
            ],
            [&a.predictive[0], &a.predictive[1], &a.predictive[3]]
        );
        assert_eq!(
            preview.ellipses,
            [a.ellipses[0].clone(), a.ellipses[2].clone()]
        );
        assert_eq!(preview.posterior_density.levels, a.posterior_density.levels);
        // The final frame is at least as wide (it also holds the fits' widths).
        let width = |f: &ContourField| f.domain.x_max - f.domain.x_min;
        assert!(width(&preview.posterior_density) <= width(&a.posterior_density));
        // The stage then finished is the one-call analysis.
        assert_eq!(finish_panel(&config, stage, 81), a);
    }
}
