//! The one place that reads settings and writes results: the `--out` format, JSON and CSV files,
//! the settings object and the history rows every `run` writes, and a [`Lab`] run to the end.

use noiselab_core::config::Config;
use noiselab_core::experiment::{Lab, RunOutcome};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;

/// Settings as `(name, text)` pairs, from `--config` and `--set` in that order.
pub type Settings = [(String, String)];

/// The format of `--out`, from its extension.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

pub fn format(out: &Path) -> Result<Format, String> {
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        _ => Err(format!(
            "--out must end in .json or .csv, got {}",
            out.display()
        )),
    }
}

/// The typed settings, or every bad field with its range.
pub fn config<C: Config>(settings: &Settings) -> Result<C, String> {
    C::from_settings(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| format!("invalid settings: {e}"))
}

/// Normalized settings as a JSON object of name → text.
pub fn settings_json(settings: Vec<(&'static str, String)>) -> Value {
    let map = settings.into_iter().map(|(k, v)| (k.to_string(), json!(v)));
    Value::Object(map.collect())
}

/// How a run ended, for the summary line.
pub fn ended(outcome: &RunOutcome) -> &'static str {
    outcome.stop.map_or("running", |r| r.describe())
}

fn cannot_write(out: &Path) -> impl Fn(String) -> String + '_ {
    move |e| format!("cannot write {}: {e}", out.display())
}

/// Write `doc` as pretty-printed JSON.
pub fn json(out: &Path, doc: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| cannot_write(out)(e.to_string()))
}

/// Write `doc` as compact JSON (for large grids).
pub fn json_compact(out: &Path, doc: &Value) -> Result<(), String> {
    let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| cannot_write(out)(e.to_string()))
}

/// Write `rows` under `header` as CSV.
pub fn csv<H, R>(out: &Path, header: &[H], rows: impl IntoIterator<Item = R>) -> Result<(), String>
where
    H: AsRef<[u8]>,
    R: IntoIterator<Item = String>,
{
    let fail = |e: csv::Error| cannot_write(out)(e.to_string());
    let mut w = csv::Writer::from_path(out).map_err(fail)?;
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(row.into_iter().collect::<Vec<_>>())
            .map_err(fail)?;
    }
    w.flush().map_err(|e| cannot_write(out)(e.to_string()))
}

/// The numbers of a row as CSV cells (shortest round-trip form).
pub fn cells(row: &[f64]) -> Vec<String> {
    row.iter().map(|v| v.to_string()).collect()
}

/// The rows of a row-major table of `width` columns.
pub fn rows(flat: &[f64], width: usize) -> Vec<&[f64]> {
    flat.chunks(width.max(1)).collect()
}

/// A history (row-major, columns `fields`) as CSV, or as JSON: `doc` with `historyFields` and
/// `history` (one array per row).
pub fn history(out: &Path, fields: &[&str], history: &[f64], mut doc: Value) -> Result<(), String> {
    let rows = rows(history, fields.len());
    match format(out)? {
        Format::Csv => csv(out, fields, rows.into_iter().map(cells)),
        Format::Json => {
            doc["historyFields"] = json!(fields);
            doc["history"] = json!(rows);
            json(out, &doc)
        }
    }
}

/// Run a lab to the end from `settings` and write its history: CSV, or JSON `{experiment (the
/// kind), settings, snapshot, historyFields, history}` with the members of `extra(run)` added
/// (and overriding). The format is checked before the run.
pub fn run_lab<L>(
    settings: &Settings,
    out: &Path,
    extra: impl FnOnce(&L) -> Value,
) -> Result<(L, RunOutcome), String>
where
    L: Lab,
    L::Snapshot: Serialize,
{
    run_lab_with_columns(settings, out, extra, |_| (&[], Vec::new()))
}

/// [`run_lab`] whose CSV rows carry more columns after the history's: `columns(run)` gives
/// their names and values (row-major, one row per history row). JSON is as [`run_lab`]'s (the
/// same numbers go in `extra`, under names of the kind's choosing).
pub fn run_lab_with_columns<L>(
    settings: &Settings,
    out: &Path,
    extra: impl FnOnce(&L) -> Value,
    columns: impl FnOnce(&L) -> (&'static [&'static str], Vec<f64>),
) -> Result<(L, RunOutcome), String>
where
    L: Lab,
    L::Snapshot: Serialize,
{
    let format = format(out)?;
    let mut run: L = Lab::start(config(settings)?);
    let outcome = run.run(usize::MAX);
    let mut doc = json!({
        "experiment": L::KIND,
        "settings": settings_json(run.settings()),
        "snapshot": run.snapshot(),
    });
    if let Value::Object(more) = extra(&run) {
        doc.as_object_mut().expect("an object").extend(more);
    }
    let (more, values) = columns(&run);
    if format == Format::Csv && !more.is_empty() {
        let fields: Vec<&str> = L::HISTORY_FIELDS.iter().chain(more).copied().collect();
        let history = rows(run.history_from(0), L::HISTORY_FIELDS.len());
        let rows = history
            .into_iter()
            .zip(values.chunks(more.len()))
            .map(|(h, m)| cells(h).into_iter().chain(cells(m)));
        csv(out, &fields, rows)?;
    } else {
        history(out, L::HISTORY_FIELDS, run.history_from(0), doc)?;
    }
    Ok((run, outcome))
}
