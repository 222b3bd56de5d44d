//! `noiselab run bbb-linreg`: the browser's `<noiselab-bbb-linreg>` (Bayes by Backprop on
//! Bayesian linear regression, SCIENCE.md §4) with the same settings, seeds and numbers.

use crate::output::{self, Format, Out, Settings};
use noiselab_core::bayes::bbb_linreg::view::reference;
use noiselab_core::bayes::{BayesByBackprop, BBB_HISTORY_FIELDS};
use noiselab_core::experiment::{Experiment, Lab};
use serde_json::{json, Value};

/// Bayes by Backprop on Bayesian linear regression, run to the end: JSON (settings, the exact
/// references at the final q — ln p(D), the mean-field gap, the variance ratios — the final
/// means and stds, and the history, one object per row) or CSV (one history row per recorded
/// step).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let mut run = BayesByBackprop::start(output::config(settings)?);
    let format = out.format()?;
    let outcome = run.run(usize::MAX);
    let rows = output::rows(run.history(), BBB_HISTORY_FIELDS.len());
    if format == Format::Csv {
        return out.csv(&BBB_HISTORY_FIELDS, rows.into_iter().map(output::cells));
    }
    let rows: Vec<Value> = (rows.iter())
        .map(|r| {
            Value::Object(
                BBB_HISTORY_FIELDS
                    .iter()
                    .zip(*r)
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            )
        })
        .collect();
    out.json(json!({
        "experiment": "bbb-linreg",
        "settings": output::settings_json(run.settings()),
        "stop": outcome,
        "reference": reference(&run),
        "mean": run.mean(),
        "std": run.std(),
        "history": rows,
    }))
}
