//! `noiselab run dropout|dropout-k|dropout-linear`.

use crate::Entry;
use crate::output::{self, Format, Out, Settings};
use noiselab_core::dropout::linear_view::{linear_view, LinearViewConfig};
use noiselab_core::dropout::wei::{WeiComparison, WeiConfig};
use noiselab_core::dropout::{
    DropoutConfig, DropoutSnapshot, DropoutTraining, Variant, HISTORY_FIELDS,
};
use noiselab_core::experiment::{Experiment, Lab, RunOutcome};
use serde_json::json;

/// The kind's own run, `noiselab run dropout`, then its analyses (`dropout-k`, `dropout-linear`);
/// build.rs gathers every registry kind's `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<DropoutConfig>(
        "Dropout: an MLP trained with and without dropout on the same data and seed",
        run,
    ),
    Entry::analysis::<WeiConfig>(
        "dropout-k",
        "Wei, Kakade & Ma: DROP_1, DROP_K, explicit-only, knock-in and no dropout, same seed",
        run_k,
    )
    .own_data(),
    Entry::analysis::<LinearViewConfig>(
        "dropout-linear",
        "Dropout on linear regression (the dropout widget's linear view): closed forms vs dropout SGD",
        run_linear,
    ),
];

/// A one-line summary of a run trained to the end.
fn summary(s: &DropoutSnapshot, variant: Variant, outcome: &RunOutcome) -> String {
    let r = s.last;
    format!(
        "{} steps ({}): test loss {:.4} with {} vs {:.4} without dropout; train loss {:.4} vs {:.4}",
        s.steps_done,
        output::ended(outcome),
        r.test_loss,
        variant.name(),
        r.plain_test_loss,
        r.train_loss,
        r.plain_train_loss,
    )
}

/// `noiselab run dropout`: one run (the configured variant and the plain net side by side).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let (run, outcome) = output::run_lab::<DropoutTraining>(settings, out, |_| json!({}))?;
    let variant = run.config().variant;
    out.say(format_args!(
        "dropout: {} -> {}",
        summary(&run.snapshot(), variant, &outcome),
        out
    ));
    Ok(())
}

/// `noiselab run dropout-k`: Wei, Kakade & Ma's comparison ([`WeiComparison`], what the
/// browser's Wei view runs) — the same data, initialisation, batches and seed trained with DROP_1,
/// DROP_K, explicit-only and knock-in (K from `dropK`), plus no dropout; one table with a
/// `variant` column holding each rule's rows as a separate `dropout` run records them.
pub fn run_k(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let format = out.format()?;
    let mut wei = WeiComparison::start(output::config(settings)?);
    let outcome = wei.run(usize::MAX);
    let variants = [
        ("drop1", Variant::Dropout),
        ("dropK", Variant::DropK),
        ("explicitOnly", Variant::ExplicitOnly),
        ("knockIn", Variant::KnockIn),
        ("none", Variant::None),
    ];
    let k = HISTORY_FIELDS.len();
    let mut rows = Vec::new();
    let mut docs = Vec::new();
    for (name, variant) in variants {
        let snapshot = wei.variant_snapshot(variant);
        out.say(format_args!(
            "{name:>12}: {}",
            summary(&snapshot, variant, &outcome)
        ));
        let flat = wei.variant_history(variant);
        let history = output::rows(&flat, k);
        for r in &history {
            rows.push([vec![name.to_string()], output::cells(r)].concat());
        }
        docs.push(json!({"variant": name, "snapshot": snapshot, "history": history}));
    }
    if format == Format::Json {
        let settings = output::settings_json(wei.settings());
        let doc = json!({"experiment": "dropout-k", "settings": settings, "historyFields": HISTORY_FIELDS, "runs": docs});
        out.json(doc)?;
    } else {
        out.csv(&[&["variant"][..], &HISTORY_FIELDS].concat(), rows)?;
    }
    out.say(format_args!("dropout-k -> {}", out));
    Ok(())
}

/// `noiselab run dropout-linear`: the dropout widget's linear-regression view (SCIENCE.md §2.1;
/// Srivastava et al. 2014, sec. 9.1) with the same settings and numbers: JSON `{experiment,
/// settings, view}` (the closed forms and the recorded SGD run), or CSV with one row per record
/// (step, closed-form R at the iterate, J + R at the tail average, the iterate `w1…wD`, the tail
/// average `avg1…avgD`).
pub fn run_linear(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: LinearViewConfig = output::config(settings)?;
    let format = out.format()?;
    let v = linear_view(&config);
    out.say(format_args!(
        "dropout-linear: ρ = {}, D = {}: R(w*) = {:.4} (closed form), {:.4} (2^D masks), {:.4} ± {:.4} (MC); \
         SGD tail average {:.4} from w*{} -> {}",
        v.rho,
        v.d,
        v.regularizer_at_minimizer,
        v.enumerated,
        v.mc,
        v.se_mc,
        v.distance,
        if v.diverged { " (diverged)" } else { "" },
        out,
    ));
    if format == Format::Json {
        let settings = output::settings_json(config.to_settings());
        return out.json(json!({"experiment": "dropout-linear", "settings": settings, "view": v}));
    }
    let d = v.d;
    let names = |p: &'static str| (1..=d).map(move |j| format!("{p}{j}"));
    let header: Vec<String> = ["step", "regularizer", "objective"]
        .map(String::from)
        .into_iter()
        .chain(names("w"))
        .chain(names("avg"))
        .collect();
    let rows = (0..v.steps.len()).map(|i| {
        let mut r = vec![v.steps[i], v.regularizer[i], v.objective[i]];
        r.extend_from_slice(&v.weights[i * d..(i + 1) * d]);
        r.extend_from_slice(&v.averages[i * d..(i + 1) * d]);
        output::cells(&r)
    });
    out.csv(&header, rows)
}
