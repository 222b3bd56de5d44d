//! `noiselab run one-epoch`: the exact mean SGD epoch iterate against the flows on J, J + R and a
//! wrong R along a ladder of learning rates (Smith et al. 2021; SCIENCE.md §10), as CSV (one row
//! per α) or JSON (the whole `result` with the slopes, and the CSV's table as `historyFields` and
//! `history`, null where the CSV is empty: the widget's export).
//!
//! `--set sampling=iid` averages over i.i.d. minibatches (all `C(N,B)^m` batch sequences)
//! instead of random reshuffling (all N! orderings); every run also reports the other scheme
//! (`comparison…` columns, JSON `result.comparison`). CSV columns ([`COLUMNS`]):
//!
//! - `learningRate`: α of the ladder row.
//! - `gapFlowJ`, `gapFlowJR`: `‖E[w_m] − w_flow(m)‖` for the chosen `sampling` to the flow on J
//!   and on J + R (Smith et al.'s R, with its trace term).
//! - `gapFlowVariant`: to the flow with the chosen wrong R (empty for `variant=none`).
//! - `displacement`: `‖E[w_m] − w₀‖`.
//! - `gapFlowNoTrace`: to the flow on `J + (α/4)‖∇J‖²` (no trace term: the modified loss that
//!   i.i.d. batches imply; third order for `sampling=iid`, second for reshuffling).
//! - `comparisonGapFlowJ`, `comparisonGapFlowJR`, `comparisonGapFlowNoTrace`,
//!   `comparisonDisplacement`: the same for the other sampling scheme.

use crate::Entry;
use crate::output::{self, Format, Out, Settings};
use noiselab_core::implicit_reg::one_epoch::{compute, OneEpochConfig};
use serde_json::json;

/// The kind's own run, `noiselab run one-epoch`; build.rs gathers every registry kind's
/// `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<OneEpochConfig>(
        "Smith et al.'s claim directly: the mean SGD epoch iterate over all N! orderings vs the flows on J and J + R",
        run,
    ),
];

/// The CSV columns (the variant column is empty for `variant=none`); see the module doc.
pub const COLUMNS: [&str; 10] = [
    "learningRate",
    "gapFlowJ",
    "gapFlowJR",
    "gapFlowVariant",
    "displacement",
    "gapFlowNoTrace",
    "comparisonGapFlowJ",
    "comparisonGapFlowJR",
    "comparisonGapFlowNoTrace",
    "comparisonDisplacement",
];

pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: OneEpochConfig = output::config(settings)?;
    let format = out.format()?;
    let r = compute(&config);
    if format == Format::Json {
        let settings = output::settings_json(config.to_settings());
        // The widget's export: the result, and the CSV's table as `historyFields`/`history`
        // (null where there is no variant flow).
        let c = &r.comparison;
        let history: Vec<[f64; 10]> = (r.learning_rates.iter().enumerate())
            .map(|(i, alpha)| {
                let variant = r.flow_variant.as_ref().map_or(f64::NAN, |v| v.gaps[i]);
                [
                    *alpha,
                    r.flow_j.gaps[i],
                    r.flow_jr.gaps[i],
                    variant,
                    r.displacement[i],
                    r.flow_no_trace.gaps[i],
                    c.flow_j.gaps[i],
                    c.flow_jr.gaps[i],
                    c.flow_no_trace.gaps[i],
                    c.displacement[i],
                ]
            })
            .collect();
        out.json(json!({
            "experiment": "one-epoch",
            "settings": settings,
            "result": r,
            "historyFields": COLUMNS,
            "history": history,
        }))?;
    } else {
        let c = &r.comparison;
        let rows = r.learning_rates.iter().enumerate().map(|(i, alpha)| {
            let variant = (r.flow_variant.as_ref()).map(|v| format!("{}", v.gaps[i]));
            [
                format!("{alpha}"),
                format!("{}", r.flow_j.gaps[i]),
                format!("{}", r.flow_jr.gaps[i]),
                variant.unwrap_or_default(),
                format!("{}", r.displacement[i]),
                format!("{}", r.flow_no_trace.gaps[i]),
                format!("{}", c.flow_j.gaps[i]),
                format!("{}", c.flow_jr.gaps[i]),
                format!("{}", c.flow_no_trace.gaps[i]),
                format!("{}", c.displacement[i]),
            ]
        });
        out.csv(&COLUMNS, rows)?;
    }
    let slope = |s: Option<f64>| s.map_or("—".to_string(), |v| format!("{v:.3}"));
    out.say(format_args!(
        "one-epoch: {} learning rates, {} {} sequences each; slope J {}, J + R {}, J + (α/4)‖∇J‖² {} ({}: J + R {}, J + (α/4)‖∇J‖² {}) -> {}",
        r.learning_rates.len(),
        r.orderings,
        r.sampling.name(),
        slope(r.flow_j.slope),
        slope(r.flow_jr.slope),
        slope(r.flow_no_trace.slope),
        r.comparison.sampling.name(),
        slope(r.comparison.flow_jr.slope),
        slope(r.comparison.flow_no_trace.slope),
        out
    ));
    Ok(())
}
