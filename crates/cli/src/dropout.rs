//! `noiselab run dropout|dropout-k`, `noiselab fields dropout`.

use noiselab_core::dropout::{DropoutConfig, DropoutTraining, Variant, FIELDS, HISTORY_FIELDS};
use noiselab_core::experiment::Experiment;
use serde_json::json;
use std::path::Path;

fn config_from(settings: &[(String, String)]) -> Result<DropoutConfig, String> {
    DropoutConfig::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))
}

fn settings_json(config: &DropoutConfig) -> serde_json::Map<String, serde_json::Value> {
    config
        .to_settings()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect()
}

/// Train to the end; returns the run and a one-line summary.
fn train(config: DropoutConfig) -> (DropoutTraining, String) {
    let mut run = DropoutTraining::new(config);
    let outcome = run.run(usize::MAX);
    let s = run.snapshot();
    let r = s.last;
    let summary = format!(
        "{} steps ({}): test loss {:.4} with {} vs {:.4} without dropout; train loss {:.4} vs {:.4}",
        s.steps_done,
        outcome.stop.map(|r| r.describe()).unwrap_or("running"),
        r.test_loss,
        run.config().variant.name(),
        r.plain_test_loss,
        r.train_loss,
        r.plain_train_loss,
    );
    (run, summary)
}

fn write_rows(out: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), String> {
    let mut w =
        csv::Writer::from_path(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

/// `noiselab run dropout`: one run (the configured variant and the plain net side by side).
pub fn run(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let config = config_from(settings)?;
    let (run, summary) = train(config.clone());
    let k = HISTORY_FIELDS.len();
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let doc = json!({
                "experiment": "dropout",
                "settings": settings_json(&config),
                "snapshot": run.snapshot(),
                "historyFields": HISTORY_FIELDS,
                "history": run.history().chunks(k).collect::<Vec<_>>(),
            });
            let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            std::fs::write(out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        }
        Some("csv") => {
            let rows: Vec<Vec<String>> = run
                .history()
                .chunks(k)
                .map(|r| r.iter().map(|v| format!("{v}")).collect())
                .collect();
            write_rows(out, &HISTORY_FIELDS, &rows)?;
        }
        _ => {
            return Err(format!(
                "--out must end in .json or .csv, got {}",
                out.display()
            ))
        }
    }
    println!("dropout: {summary} -> {}", out.display());
    Ok(())
}

/// `noiselab run dropout-k`: Wei, Kakade & Ma's comparison — the same data, initialisation and
/// seed trained with DROP_1, DROP_K, explicit-only and knock-in (K from `dropK`), plus no
/// dropout; one table with a `variant` column.
pub fn run_k(settings: &[(String, String)], out: &Path) -> Result<(), String> {
    let base = config_from(settings)?;
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
        let config = DropoutConfig {
            variant,
            ..base.clone()
        };
        let (run, summary) = train(config);
        println!("{name:>12}: {summary}");
        for r in run.history().chunks(k) {
            let mut row = vec![name.to_string()];
            row.extend(r.iter().map(|v| format!("{v}")));
            rows.push(row);
        }
        docs.push(json!({"variant": name, "snapshot": run.snapshot(), "history": run.history().chunks(k).collect::<Vec<_>>()}));
    }
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let doc = json!({"experiment": "dropout-k", "settings": settings_json(&base), "historyFields": HISTORY_FIELDS, "runs": docs});
            let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            std::fs::write(out, text)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        }
        Some("csv") => {
            let mut header = vec!["variant"];
            header.extend(HISTORY_FIELDS);
            write_rows(out, &header, &rows)?;
        }
        _ => {
            return Err(format!(
                "--out must end in .json or .csv, got {}",
                out.display()
            ))
        }
    }
    println!("dropout-k -> {}", out.display());
    Ok(())
}

pub fn print_fields() {
    crate::print_fields(&FIELDS);
}
