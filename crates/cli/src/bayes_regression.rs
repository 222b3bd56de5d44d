//! `noiselab run bayes-regression`: the five predictive bands on one data set.

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::bayes_regression::{RegressionConfig, RegressionRun, GRID_POINTS, METHODS};
use noiselab_core::experiment::{Experiment, Lab};
use serde_json::json;

/// The kind's own run, `noiselab run bayes-regression`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<RegressionConfig>(
        "Predictive bands of MAP, Laplace, Bayes by Backprop, MC dropout and HMC on 1-D data",
        run,
    ),
];

pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let mut r = RegressionRun::start(output::config(settings)?);
    out.format()?;
    let outcome = r.run(usize::MAX);
    let snap = r.snapshot();
    let (bands, g) = (&r.bands(), GRID_POINTS);
    // One row per grid x: x, then mean and predictive std sqrt(Var f + σ²) per method (the
    // widget's export: `historyFields`, `history`).
    let rows: Vec<f64> = (0..g)
        .flat_map(|k| {
            let methods = (0..METHODS.len())
                .flat_map(move |m| [bands[m * 2 * g + k], bands[m * 2 * g + g + k]]);
            [r.grid()[k]].into_iter().chain(methods)
        })
        .collect();
    let columns: Vec<String> = ["x".to_string()]
        .into_iter()
        .chain(
            METHODS
                .iter()
                .flat_map(|m| [format!("{m}Mean"), format!("{m}Std")]),
        )
        .collect();
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let doc = json!({
        "experiment": "bayes-regression",
        "settings": output::settings_json(r.settings()),
        "snapshot": snap,
        "data": r.data(),
    });
    out.history(&columns, &rows, doc)?;
    let b = &snap.bands;
    out.say(format_args!(
        "bayes-regression: {} steps ({}), η {:.4}, Laplace ln p(D) {:.3}, ELBO {:.3}; band width between/inside: MAP {:.3}/{:.3}, Laplace {:.3}/{:.3}, BBB {:.3}/{:.3}, MC dropout {:.3}/{:.3}, HMC {:.3}/{:.3} -> {}",
        r.steps_done(),
        output::ended(&outcome),
        snap.prior_variance,
        snap.log_evidence,
        snap.elbo.elbo,
        b[0].width_between, b[0].width_inside,
        b[1].width_between, b[1].width_inside,
        b[2].width_between, b[2].width_inside,
        b[3].width_between, b[3].width_inside,
        b[4].width_between, b[4].width_inside,
        out
    ));
    Ok(())
}
