//! `noiselab run one-epoch`: the exact mean SGD epoch iterate against the flows on J, J + R and a
//! wrong R along a ladder of learning rates (Smith et al. 2021; SCIENCE.md §10), as CSV (one row
//! per α) or JSON (the whole result with the slopes).

use crate::output::{self, Format, Settings};
use noiselab_core::implicit_reg::one_epoch::{compute, OneEpochConfig};
use serde_json::json;
use std::path::Path;

/// The CSV columns (the variant column is empty for `variant=none`).
pub const COLUMNS: [&str; 5] = [
    "learningRate",
    "gapFlowJ",
    "gapFlowJR",
    "gapFlowVariant",
    "displacement",
];

pub fn run(settings: &Settings, out: &Path) -> Result<(), String> {
    let config: OneEpochConfig = output::config(settings)?;
    let format = output::format(out)?;
    let r = compute(&config);
    if format == Format::Json {
        let settings = output::settings_json(config.to_settings());
        output::json(
            out,
            &json!({ "experiment": "one-epoch", "settings": settings, "result": r }),
        )?;
    } else {
        let rows = r.learning_rates.iter().enumerate().map(|(i, alpha)| {
            let variant = (r.flow_variant.as_ref()).map(|v| format!("{}", v.gaps[i]));
            [
                format!("{alpha}"),
                format!("{}", r.flow_j.gaps[i]),
                format!("{}", r.flow_jr.gaps[i]),
                variant.unwrap_or_default(),
                format!("{}", r.displacement[i]),
            ]
        });
        output::csv(out, &COLUMNS, rows)?;
    }
    let slope = |s: Option<f64>| s.map_or("—".to_string(), |v| format!("{v:.3}"));
    println!(
        "one-epoch: {} learning rates, {} orderings each; slope J {}, J + R {} -> {}",
        r.learning_rates.len(),
        r.orderings,
        slope(r.flow_j.slope),
        slope(r.flow_jr.slope),
        out.display()
    );
    Ok(())
}
