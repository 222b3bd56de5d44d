//! `noiselab run bbb-linreg`: the browser's `<noiselab-bbb-linreg>` (Bayes by Backprop on
//! Bayesian linear regression, SCIENCE.md §4) with the same settings, seeds and numbers.

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::bayes::bbb_linreg::view::reference;
use noiselab_core::bayes::{BayesByBackprop, BbbConfig};
use serde_json::json;

/// The kind's own run, `noiselab run bbb-linreg`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<BbbConfig>(
        "Bayes by Backprop on Bayesian linear regression: ELBO vs ln p(D), variances vs 1/P_jj",
        run,
    ),
];

/// Bayes by Backprop on Bayesian linear regression, run to the end: JSON (the widget's export:
/// settings, the final `snapshot` with q's `mean` and `std`, the exact `reference` at the final
/// q — ln p(D), the mean-field gap, the variance ratios — and `historyFields`/`history`) or CSV
/// (one history row per recorded step).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    output::run_lab::<BayesByBackprop>(
        settings,
        out,
        |run| json!({ "reference": reference(run) }),
    )?;
    Ok(())
}
