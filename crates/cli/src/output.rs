//! The one place that reads settings and writes results: where results go ([`Out`]: the `--out`
//! file, JSON or CSV, or the JSON document in memory for the Python package), the settings
//! object and the history rows every `run` writes, and a [`Lab`] run to the end.

use noiselab_core::config::Config;
use noiselab_core::experiment::{Lab, RunOutcome};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;
use std::path::{Path, PathBuf};

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

/// The numbers of a row as CSV cells (shortest round-trip form).
pub fn cells(row: &[f64]) -> Vec<String> {
    row.iter().map(|v| v.to_string()).collect()
}

/// The rows of a row-major table of `width` columns.
pub fn rows(flat: &[f64], width: usize) -> Vec<&[f64]> {
    flat.chunks(width.max(1)).collect()
}

/// Where a run's results go: the `--out` file (JSON or CSV by its extension; the summary line
/// goes to stdout and progress to stderr), or memory: the JSON document the file would hold,
/// kept as a value (for the Python package; nothing is printed).
pub enum Out {
    File(PathBuf),
    Memory(Option<Value>),
}

impl Out {
    /// The document a [`Out::Memory`] run wrote (`None` for a file, or before the run).
    pub fn into_doc(self) -> Option<Value> {
        match self {
            Out::File(_) => None,
            Out::Memory(doc) => doc,
        }
    }

    /// The output format: a file's by its extension; memory holds JSON.
    pub fn format(&self) -> Result<Format, String> {
        match self {
            Out::File(path) => format(path),
            Out::Memory(_) => Ok(Format::Json),
        }
    }

    /// The summary line: printed on stdout for a file run, dropped in memory.
    pub fn say(&self, line: fmt::Arguments) {
        if let Out::File(_) = self {
            println!("{line}");
        }
    }

    /// Progress text (no newline added): on stderr for a file run, dropped in memory.
    pub fn progress(&self, text: fmt::Arguments) {
        if let Out::File(_) = self {
            eprint!("{text}");
        }
    }

    /// Write `doc` as pretty-printed JSON, or keep it.
    pub fn json(&mut self, doc: Value) -> Result<(), String> {
        self.write_json(doc, serde_json::to_string_pretty)
    }

    /// Write `doc` as compact JSON (for large grids), or keep it.
    pub fn json_compact(&mut self, doc: Value) -> Result<(), String> {
        self.write_json(doc, serde_json::to_string)
    }

    fn write_json(
        &mut self,
        doc: Value,
        text: fn(&Value) -> serde_json::Result<String>,
    ) -> Result<(), String> {
        match self {
            Out::File(path) => {
                let text = text(&doc).map_err(|e| e.to_string())?;
                std::fs::write(&*path, text).map_err(|e| cannot_write(path)(e.to_string()))
            }
            Out::Memory(kept) => {
                *kept = Some(doc);
                Ok(())
            }
        }
    }

    /// Write `rows` under `header` as CSV (a file's format only: memory holds JSON).
    pub fn csv<H, R>(&self, header: &[H], rows: impl IntoIterator<Item = R>) -> Result<(), String>
    where
        H: AsRef<[u8]>,
        R: IntoIterator<Item = String>,
    {
        let Out::File(out) = self else {
            return Err("CSV is written to a file only".into());
        };
        let fail = |e: csv::Error| cannot_write(out)(e.to_string());
        let mut w = csv::Writer::from_path(out).map_err(fail)?;
        w.write_record(header).map_err(fail)?;
        for row in rows {
            w.write_record(row.into_iter().collect::<Vec<_>>())
                .map_err(fail)?;
        }
        w.flush().map_err(|e| cannot_write(out)(e.to_string()))
    }

    /// A history (row-major, columns `fields`) as CSV, or as JSON: `doc` with `historyFields`
    /// and `history` (one array per row).
    pub fn history(
        &mut self,
        fields: &[&str],
        history: &[f64],
        mut doc: Value,
    ) -> Result<(), String> {
        let rows = rows(history, fields.len());
        match self.format()? {
            Format::Csv => self.csv(fields, rows.into_iter().map(cells)),
            Format::Json => {
                doc["historyFields"] = json!(fields);
                doc["history"] = json!(rows);
                self.json(doc)
            }
        }
    }
}

impl fmt::Display for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Out::File(path) => path.display().fmt(f),
            Out::Memory(_) => f.write_str("memory"),
        }
    }
}

fn cannot_write(out: &Path) -> impl Fn(String) -> String + '_ {
    move |e| format!("cannot write {}: {e}", out.display())
}

/// Run a lab to the end from `settings` and write its history: CSV, or JSON `{experiment (the
/// kind), settings, snapshot, historyFields, history}` with the members of `extra(run)` added
/// (and overriding). The format is checked before the run.
pub fn run_lab<L>(
    settings: &Settings,
    out: &mut Out,
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
    out: &mut Out,
    extra: impl FnOnce(&L) -> Value,
    columns: impl FnOnce(&L) -> (&'static [&'static str], Vec<f64>),
) -> Result<(L, RunOutcome), String>
where
    L: Lab,
    L::Snapshot: Serialize,
{
    let format = out.format()?;
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
        out.csv(&fields, rows)?;
    } else {
        out.history(L::HISTORY_FIELDS, run.history_from(0), doc)?;
    }
    Ok((run, outcome))
}
