//! `noiselab run implicit-reg`: Smith et al.'s sweeps (SCIENCE.md §10) as CSV or JSON for
//! figures, one row per sweep point. Columns: [`POINT_FIELDS`] (documented there); the JSON names
//! them `historyFields` and its rows `history`, as the widget's export and every kind do. `--set
//! sampling=iid` draws SGD's batches i.i.d. each step (a uniform size-B subset) instead of by
//! random reshuffling; only the `sgd…` columns change (the JSON's `settings.sampling` names it).

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::experiment::{Experiment, Lab};
use noiselab_core::implicit_reg::{ImplicitRegConfig, ImplicitRegSweep, POINT_FIELDS};
use serde_json::json;
use std::time::Instant;

/// The kind's own run, `noiselab run implicit-reg`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<ImplicitRegConfig>(
        "Smith et al.'s implicit regularizer: learning-rate and batch-size sweeps of SGD vs GD on J and on J + R",
        run,
    ),
];

pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let mut sweep = ImplicitRegSweep::start(output::config(settings)?);
    out.format()?;
    let total = sweep.specs().len();
    let t0 = Instant::now();
    while sweep.stop_reason().is_none() {
        let next = sweep.snapshot().next.expect("a point is left");
        out.progress(format_args!(
            "\rimplicit-reg: point {} of {total} (α = {}, B = {})    ",
            sweep.steps_done() + 1,
            next.learning_rate,
            next.batch_size
        ));
        sweep.step();
    }
    out.progress(format_args!("\n"));
    let doc = json!({
        "experiment": "implicit-reg",
        "settings": output::settings_json(sweep.settings()),
        "snapshot": sweep.snapshot(),
    });
    out.history(&POINT_FIELDS, &sweep.rows(), doc)?;
    let config = sweep.config();
    out.say(format_args!(
        "implicit-reg: {total} sweep points ({} learning rates at B = {}, {} batch sizes at α = {}) in {:.1} s -> {}",
        config.sweep_points,
        config.batch_size,
        config.batch_sizes().len(),
        config.learning_rate,
        t0.elapsed().as_secs_f64(),
        out
    ));
    Ok(())
}
