//! Your own data (issue 20, "Your own data"): instructors want the lab to run on their data, the
//! most requested feature of comparable browser labs. A CSV file (uploaded, pasted or dropped in
//! the browser, `--data file.csv` in the CLI, a path, text or array in Python) becomes the `data`
//! setting of a data-driven experiment, through this ONE parser, so every front end reports the
//! same errors: a bad value is named with its line and column, and nothing changes until the file
//! is valid. Limits (file size, rows, columns, value ranges) are stated in the [`DataSpec`] and
//! enforced with a message, counted before anything large is allocated.
//!
//! The format: the first non-empty line is the header; the delimiter is `,`, `;` or a tab (the
//! one the header uses most); fields may be quoted as in RFC 4180 (`"a, b"`, `""` for a quote);
//! a UTF-8 byte-order mark and CRLF line ends are accepted; blank lines are skipped. Columns are
//! found by header name (trimmed, any case, with aliases such as `t`, `label` or `target` for
//! `y`); other columns are ignored and listed in the result. An optional `split` column says
//! `train` or `test` per row. Without it, for an experiment with a test set, every fourth data
//! row (data rows 4, 8, 12, … in file order) is a test row: deterministic and seed-free.
//!
//! The result is the experiment's `data` matrix setting ([`OwnData::text`]): one row per point,
//! the inputs, the target and, where the experiment has a test set, a last column `test` (1 for a
//! test row, 0 for a training row). Numbers are written in shortest round-trip form, so the run
//! sees exactly the file's numbers.

use crate::config::Matrix;
use crate::data::Task;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// The largest file accepted, in bytes (1 MiB).
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// The most header columns accepted.
pub const MAX_COLUMNS: usize = 100;
/// The largest `|x|` (and `|y|` of a regression) for the neural-net experiments.
pub const VALUE_MAX: f64 = 1000.0;

/// One column an experiment needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataColumn {
    /// The name written in docs and errors (`x1`, `y`, …).
    pub name: &'static str,
    /// Header names accepted for it (lower case; `name` among them).
    pub aliases: &'static [&'static str],
    /// Allowed values `[min, max]` (a class label: 0 or 1).
    pub min: f64,
    pub max: f64,
    /// A class label: exactly 0 or 1.
    pub label: bool,
}

/// What an experiment's own data must look like: its columns, whether it has a test set, and the
/// limits.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSpec {
    /// The experiment kind (`dropout`, …).
    pub kind: &'static str,
    /// The input columns, then the target.
    pub columns: Vec<DataColumn>,
    /// Whether rows are split into train and test (a `split` column or every fourth row).
    pub has_test: bool,
    /// The most data rows.
    pub max_rows: usize,
    /// The fewest training rows.
    pub min_train: usize,
    /// If not empty, the only training-set sizes allowed.
    pub train_sizes: &'static [usize],
    /// One sentence: the columns, ranges, split rule and limits.
    pub description: String,
    /// The settings that make the seeded data set, not used while `data` is given (the `data`
    /// field's help: "Empty: the seeded data of …"), in the config's camelCase names.
    pub seeded_settings: &'static [&'static str],
    /// The most header columns of a file ([`MAX_COLUMNS`]).
    pub max_columns: usize,
    /// The largest file, in bytes ([`MAX_FILE_BYTES`]).
    pub max_bytes: usize,
}

const X: &[&str] = &["x", "x1", "x_1", "input"];
const X1: &[&str] = &["x1", "x_1"];
const X2: &[&str] = &["x2", "x_2"];
const Y: &[&str] = &["y", "t", "label", "target", "class"];
/// The seeded data's settings of the neural-net experiments with a task (dropout, sharpness).
const SEEDED_NET: &[&str] = &["trainPoints", "testPoints", "noise", "labelNoise"];
/// Header names of the optional split column.
pub const SPLIT_ALIASES: &[&str] = &["split", "set", "subset"];

fn input(name: &'static str, aliases: &'static [&'static str], max: f64) -> DataColumn {
    DataColumn {
        name,
        aliases,
        min: -max,
        max,
        label: false,
    }
}

fn label() -> DataColumn {
    DataColumn {
        name: "y",
        aliases: Y,
        min: 0.0,
        max: 1.0,
        label: true,
    }
}

fn target(max: f64) -> DataColumn {
    DataColumn {
        name: "y",
        aliases: Y,
        min: -max,
        max,
        label: false,
    }
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl DataSpec {
    fn new(
        kind: &'static str,
        columns: Vec<DataColumn>,
        has_test: bool,
        max_rows: usize,
        min_train: usize,
        train_sizes: &'static [usize],
        seeded_settings: &'static [&'static str],
    ) -> Self {
        let mut s = DataSpec {
            kind,
            columns,
            has_test,
            max_rows,
            min_train,
            train_sizes,
            description: String::new(),
            seeded_settings,
            max_columns: MAX_COLUMNS,
            max_bytes: MAX_FILE_BYTES,
        };
        s.description = s.describe();
        s
    }

    /// A 2-D classification (`x1 x2 y`, y ∈ {0, 1}) or a 1-D regression (`x y`) of a task.
    fn for_task(
        kind: &'static str,
        task: Task,
        max_rows: usize,
        min_train: usize,
        seeded_settings: &'static [&'static str],
    ) -> Self {
        let columns = if task.is_classification() {
            vec![
                input("x1", X1, VALUE_MAX),
                input("x2", X2, VALUE_MAX),
                label(),
            ]
        } else {
            vec![input("x", X, VALUE_MAX), target(VALUE_MAX)]
        };
        DataSpec::new(
            kind,
            columns,
            true,
            max_rows,
            min_train,
            &[],
            seeded_settings,
        )
    }

    /// Dropout: `x1 x2 y` (classification tasks) or `x y` (regression), with a test set.
    pub fn dropout(task: Task) -> Self {
        Self::for_task("dropout", task, 2000, 2, SEEDED_NET)
    }

    /// Sharp and flat minima: as dropout, at least 16 training rows.
    pub fn sharpness(task: Task) -> Self {
        Self::for_task("sharpness", task, 2000, 16, SEEDED_NET)
    }

    /// The implicit-regularizer sweeps: `x1 x2 y`, with a test set; 16, 32, 64 or 128
    /// training rows (every power-of-two batch size of the B sweep divides N).
    pub fn implicit_reg() -> Self {
        let mut s = Self::for_task(
            "implicit-reg",
            Task::Moons,
            2000,
            16,
            &["task", "trainPoints", "testPoints", "noise", "labelNoise"],
        );
        s.train_sizes = &[16, 32, 64, 128];
        s.description = s.describe();
        s
    }

    /// The five predictive distributions: `x y` with x in the plotted [−4.5, 4.5] and
    /// |y| ≤ 10; no test set.
    pub fn bayes_regression() -> Self {
        let columns = vec![input("x", X, 4.5), target(10.0)];
        DataSpec::new(
            "bayes-regression",
            columns,
            false,
            200,
            2,
            &[],
            &["dataPoints"],
        )
    }

    /// The logistic-regression posterior: `x1 x2 y` with |x| ≤ 100; no test set.
    pub fn logreg_posterior() -> Self {
        let m = crate::bayes::logreg_posterior::DATA_COORDINATE_MAX;
        let columns = vec![input("x1", X1, m), input("x2", X2, m), label()];
        let max = crate::bayes::logreg_posterior::DATA_ROWS_MAX;
        DataSpec::new(
            "logreg-posterior",
            columns,
            false,
            max,
            1,
            &[],
            &["dataPoints", "trueWeight1", "trueWeight2"],
        )
    }

    /// The spec of an experiment `kind` under `settings` (only its `task` matters); `Err` names
    /// the kinds that take data, or a bad `task`.
    pub fn for_kind(kind: &str, settings: &[(&str, &str)]) -> Result<Self, String> {
        let task_field =
            |fields: &'static [crate::config::FieldSpec]| fields.iter().find(|f| f.name == "task");
        let field = match kind {
            "dropout" => task_field(&crate::dropout::FIELDS),
            "sharpness" => task_field(&crate::sharpness::FIELDS),
            "implicit-reg" => task_field(&crate::implicit_reg::FIELDS),
            _ => None,
        };
        Self::for_kind_with(kind, field, settings)
    }

    /// [`DataSpec::for_kind`] from the `task` setting's text alone (`None`: the kind's default,
    /// a classification task), without the kinds' field tables: for the browser's data module,
    /// whose widget's settings were checked by its family's module. A name that is no data set
    /// is an `Err`; a task the kind's field does not offer is not checked here.
    pub fn for_kind_task(kind: &str, task: Option<&str>) -> Result<Self, String> {
        let task = || match task {
            None => Ok(Task::Moons),
            Some(v) => {
                Task::from_name(v.trim()).ok_or_else(|| format!("task {v} is not a data set"))
            }
        };
        match kind {
            "dropout" => Ok(Self::dropout(task()?)),
            "sharpness" => Ok(Self::sharpness(task()?)),
            "implicit-reg" => task().map(|_| Self::implicit_reg()),
            "bayes-regression" => Ok(Self::bayes_regression()),
            "logreg-posterior" => Ok(Self::logreg_posterior()),
            _ => Err(takes_no_data(kind)),
        }
    }

    /// [`DataSpec::for_kind`] given the kind's `task` field (`None` for the kinds without one):
    /// the browser's modules pass only the tables of the kinds they hold.
    pub fn for_kind_with(
        kind: &str,
        task_field: Option<&crate::config::FieldSpec>,
        settings: &[(&str, &str)],
    ) -> Result<Self, String> {
        let task = || -> Result<Task, String> {
            let spec = task_field.ok_or_else(|| format!("{kind}: no task field given"))?;
            let text = settings
                .iter()
                .rev()
                .find(|(k, _)| *k == "task")
                .map_or(spec.default_text(), |(_, v)| v.to_string());
            match spec.parse(&text) {
                Ok(crate::config::FieldValue::Choice(v)) => {
                    Task::from_name(v).ok_or_else(|| format!("task {v} is not a data set"))
                }
                Ok(_) => Err("task is not a choice".into()),
                Err(e) => Err(e.to_string()),
            }
        };
        match kind {
            "dropout" => Ok(Self::dropout(task()?)),
            "sharpness" => Ok(Self::sharpness(task()?)),
            "implicit-reg" => {
                task()?;
                Ok(Self::implicit_reg())
            }
            "bayes-regression" => Ok(Self::bayes_regression()),
            "logreg-posterior" => Ok(Self::logreg_posterior()),
            _ => Err(takes_no_data(kind)),
        }
    }

    /// Columns of the `data` matrix: the spec's columns, then `test` where there is a test set.
    pub fn matrix_columns(&self) -> Vec<&'static str> {
        let mut c: Vec<&'static str> = self.columns.iter().map(|c| c.name).collect();
        if self.has_test {
            c.push("test");
        }
        c
    }

    fn describe(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                if c.label {
                    format!("{} (0 or 1)", c.name)
                } else {
                    format!("{} (a number in [{}, {}])", c.name, c.min, c.max)
                }
            })
            .collect();
        let mut s = format!("columns {}", cols.join(", "));
        if self.has_test {
            s.push_str(
                "; an optional split column (train or test; without it every fourth data row is a test row)",
            );
        }
        s.push_str(&format!("; at most {} rows", thousands(self.max_rows)));
        if !self.train_sizes.is_empty() {
            let sizes: Vec<String> = self.train_sizes.iter().map(|n| n.to_string()).collect();
            s.push_str(&format!("; {} training rows", or_list(&sizes)));
        } else if self.min_train > 1 {
            s.push_str(&format!("; at least {} training rows", self.min_train));
        }
        s
    }

    /// The `data` setting's allowed values in words (for its `ConfigError::BadMatrix`).
    pub fn range_text(&self) -> String {
        format!(
            "empty or rows \"{}\" ({})",
            self.matrix_columns().join(" "),
            self.description
        )
    }

    /// Check a `data` matrix against the spec: `Err` says what is wrong (row numbers from 1).
    pub fn check_matrix(&self, m: &Matrix) -> Result<(), String> {
        if m.is_empty() {
            return Ok(());
        }
        let want = self.matrix_columns();
        if m.cols != want.len() {
            return Err(format!(
                "got {} number(s) per row, need {} ({})",
                m.cols,
                want.len(),
                want.join(" ")
            ));
        }
        if m.rows > self.max_rows {
            return Err(format!(
                "too many rows: {} (at most {})",
                thousands(m.rows),
                thousands(self.max_rows)
            ));
        }
        for i in 0..m.rows {
            for (j, c) in self.columns.iter().enumerate() {
                let v = m.get(i, j);
                if let Some(why) = c.reject(v) {
                    return Err(format!("row {}, {}: {v} {why}", i + 1, c.name));
                }
            }
            if self.has_test {
                let t = m.get(i, self.columns.len());
                if t != 0.0 && t != 1.0 {
                    return Err(format!("row {}, test: {t} is not 0 or 1", i + 1));
                }
            }
        }
        let test = if self.has_test {
            (0..m.rows)
                .filter(|&i| m.get(i, self.columns.len()) == 1.0)
                .count()
        } else {
            0
        };
        self.check_counts(m.rows - test, test)
    }

    /// Enough training (and test) rows, and an allowed training size.
    fn check_counts(&self, train: usize, test: usize) -> Result<(), String> {
        if !self.train_sizes.is_empty() && !self.train_sizes.contains(&train) {
            let sizes: Vec<String> = self.train_sizes.iter().map(|n| n.to_string()).collect();
            return Err(format!(
                "{} training rows; {} needs {} (every power-of-two batch size must divide N)",
                thousands(train),
                self.kind,
                or_list(&sizes)
            ));
        }
        if train < self.min_train {
            return Err(format!(
                "{} training row(s); {} needs at least {}",
                train, self.kind, self.min_train
            ));
        }
        if self.has_test && test == 0 {
            return Err(format!("no test rows; {} needs at least 1", self.kind));
        }
        Ok(())
    }
}

impl DataColumn {
    /// Why `v` is not allowed in this column (`None`: it is).
    fn reject(&self, v: f64) -> Option<String> {
        if v.is_nan() {
            Some("is NaN, not a number".into())
        } else if v.is_infinite() {
            Some("is infinite".into())
        } else if self.label && v != 0.0 && v != 1.0 {
            Some("is not a class label (0 or 1)".into())
        } else if !self.label && (v < self.min || v > self.max) {
            Some(format!("is outside [{}, {}]", self.min, self.max))
        } else {
            None
        }
    }
}

/// The error for a `kind` without own data.
fn takes_no_data(kind: &str) -> String {
    format!(
        "{kind} takes no data file; own data works in {}",
        KINDS.join(", ")
    )
}

/// `["a", "b", "c"]` → `"a, b or c"`.
fn or_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The experiment kinds that take own data.
pub const KINDS: &[&str] = &[
    "dropout",
    "bayes-regression",
    "logreg-posterior",
    "sharpness",
    "implicit-reg",
];

/// A CSV file that cannot be used; the message names the problem and, where there is one, the
/// line (1-based, counting every line of the file) and the column (the header's name).
#[derive(Clone, Debug, PartialEq)]
pub enum CsvError {
    Empty,
    NoDataRows,
    TooLarge {
        bytes: usize,
    },
    NotUtf8 {
        line: usize,
        byte: usize,
    },
    TooManyColumns {
        count: usize,
    },
    TooManyRows {
        rows: usize,
        max: usize,
        kind: &'static str,
    },
    UnclosedQuote {
        line: usize,
    },
    AfterQuote {
        line: usize,
    },
    FieldCount {
        line: usize,
        got: usize,
        want: usize,
    },
    MissingColumn {
        column: &'static str,
        aliases: &'static [&'static str],
        header: Vec<String>,
        needed: Vec<&'static str>,
    },
    DuplicateColumn {
        column: &'static str,
        first: String,
        second: String,
    },
    /// A value not allowed: `why` says how ("is not a number", "is outside [a, b]", …).
    BadValue {
        line: usize,
        column: String,
        text: String,
        why: String,
    },
    BadSplit {
        line: usize,
        column: String,
        text: String,
    },
    /// Too few training or test rows, or a training size not allowed.
    Counts {
        reason: String,
        split_column: bool,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Empty => f.write_str("the file is empty"),
            CsvError::NoDataRows => f.write_str("no data rows after the header"),
            CsvError::TooLarge { bytes } => write!(
                f,
                "file too large: {} bytes (at most 1 MiB = {} bytes)",
                thousands(*bytes),
                thousands(MAX_FILE_BYTES)
            ),
            CsvError::NotUtf8 { line, byte } => {
                write!(f, "not UTF-8 text (line {line}, byte {byte})")
            }
            CsvError::TooManyColumns { count } => write!(
                f,
                "too many columns: the header has {count} (at most {MAX_COLUMNS})"
            ),
            CsvError::TooManyRows { rows, max, kind } => write!(
                f,
                "too many rows: {} (at most {} for {kind})",
                thousands(*rows),
                thousands(*max)
            ),
            CsvError::UnclosedQuote { line } => write!(
                f,
                "line {line}: a quoted field is not closed (a \" without its closing \")"
            ),
            CsvError::AfterQuote { line } => write!(
                f,
                "line {line}: text after a closing quote (write \"\" for a quote inside a quoted field)"
            ),
            CsvError::FieldCount { line, got, want } => {
                write!(f, "line {line}: {got} fields, the header has {want}")
            }
            CsvError::MissingColumn {
                column,
                aliases,
                header,
                needed,
            } => {
                let others: Vec<&str> = aliases.iter().copied().filter(|a| a != column).collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!(" (or {})", others.join(", "))
                };
                write!(
                    f,
                    "missing column \"{column}\"{also} (the header has: {}; needed: {})",
                    header.join(", "),
                    needed.join(", ")
                )
            }
            CsvError::DuplicateColumn {
                column,
                first,
                second,
            } => write!(
                f,
                "columns \"{first}\" and \"{second}\" both give column {column}; keep one"
            ),
            CsvError::BadValue {
                line,
                column,
                text,
                why,
            } => {
                if text.is_empty() {
                    write!(f, "line {line}, column \"{column}\": empty, not a number")
                } else {
                    write!(f, "line {line}, column \"{column}\": \"{}\" {why}", short(text))
                }
            }
            CsvError::BadSplit { line, column, text } => write!(
                f,
                "line {line}, column \"{column}\": \"{}\" is not train or test",
                short(text)
            ),
            CsvError::Counts {
                reason,
                split_column,
            } => {
                f.write_str(reason)?;
                if !split_column {
                    f.write_str(" (without a split column every fourth data row is a test row)")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CsvError {}

/// A cell's text for a message: at most 40 characters (a very long cell is cut, with "…").
fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        let head: String = text.chars().take(39).collect();
        format!("{head}…")
    }
}

/// Parsed own data: the `data` matrix of an experiment, with counts for the UI's "your data:
/// N train, M test".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnData {
    pub kind: &'static str,
    /// The matrix: one row per point, the spec's columns then `test` (0/1) if there is a test set.
    #[serde(skip)]
    pub matrix: Matrix,
    pub rows: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    /// The file's header names used, in the order of the matrix columns (the split column last,
    /// if used).
    pub columns: Vec<String>,
    /// The file's header names not used.
    pub ignored: Vec<String>,
    /// Whether a split column gave the test rows (else every fourth row, if there is a test set).
    pub split_column: bool,
}

impl OwnData {
    /// The `data` setting's text (shortest round-trip numbers).
    pub fn text(&self) -> String {
        self.matrix.to_text()
    }

    /// One line for the UI and the CLI, e.g. "your data: 30 train, 10 test (every fourth row is
    /// a test row); columns x1, x2, y; ignored: id".
    pub fn summary(&self) -> String {
        let mut s = if self.test_rows > 0 || self.split_column {
            let how = if self.split_column {
                "split column"
            } else {
                "every fourth row is a test row"
            };
            format!(
                "your data: {} train, {} test ({how})",
                thousands(self.train_rows),
                thousands(self.test_rows)
            )
        } else {
            format!("your data: {} points", thousands(self.rows))
        };
        s.push_str(&format!("; columns {}", self.columns.join(", ")));
        if !self.ignored.is_empty() {
            s.push_str(&format!("; ignored: {}", self.ignored.join(", ")));
        }
        s
    }
}

/// Splits CSV text into records (RFC 4180 quoting); reports the line where each record starts.
struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delim: u8,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delim: u8) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
            delim,
        }
    }

    /// The next non-blank record into `out`: `Some(Ok(line))`, `None` at the end.
    fn next(&mut self, out: &mut Vec<Cow<'a, str>>) -> Option<Result<usize, CsvError>> {
        loop {
            if self.pos >= self.text.len() {
                return None;
            }
            out.clear();
            let start = self.line;
            if let Err(e) = self.record(out) {
                self.pos = self.text.len();
                return Some(Err(e));
            }
            if out.iter().any(|f| !f.trim().is_empty()) {
                return Some(Ok(start));
            }
        }
    }

    fn record(&mut self, out: &mut Vec<Cow<'a, str>>) -> Result<(), CsvError> {
        let b = self.text.as_bytes();
        let start_line = self.line;
        loop {
            // Leading spaces before a quote are allowed.
            let mut p = self.pos;
            while p < b.len() && b[p] == b' ' {
                p += 1;
            }
            if p < b.len() && b[p] == b'"' {
                p += 1;
                let begin = p;
                let mut owned: Option<String> = None;
                let mut piece = begin;
                loop {
                    if p >= b.len() {
                        return Err(CsvError::UnclosedQuote { line: start_line });
                    }
                    match b[p] {
                        b'"' if p + 1 < b.len() && b[p + 1] == b'"' => {
                            let s = owned.get_or_insert_with(String::new);
                            s.push_str(&self.text[piece..p + 1]);
                            p += 2;
                            piece = p;
                        }
                        b'"' => break,
                        b'\n' => {
                            self.line += 1;
                            p += 1;
                        }
                        _ => p += 1,
                    }
                }
                let field = match owned {
                    Some(mut s) => {
                        s.push_str(&self.text[piece..p]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&self.text[begin..p]),
                };
                out.push(field);
                p += 1;
                while p < b.len() && (b[p] == b' ' || b[p] == b'\r') {
                    p += 1;
                }
                if p < b.len() && b[p] != self.delim && b[p] != b'\n' {
                    return Err(CsvError::AfterQuote { line: self.line });
                }
            } else {
                let begin = self.pos;
                while p < b.len() && b[p] != self.delim && b[p] != b'\n' {
                    p += 1;
                }
                let mut end = p;
                if end > begin && b[end - 1] == b'\r' {
                    end -= 1;
                }
                out.push(Cow::Borrowed(&self.text[begin..end]));
            }
            if p >= b.len() {
                self.pos = p;
                return Ok(());
            }
            if b[p] == b'\n' {
                self.pos = p + 1;
                self.line += 1;
                return Ok(());
            }
            self.pos = p + 1; // a delimiter
            if self.pos >= b.len() {
                out.push(Cow::Borrowed(""));
                return Ok(());
            }
        }
    }
}

/// The delimiter the first non-blank line uses most (outside quotes): `,`, `;` or tab.
fn detect_delimiter(text: &str) -> u8 {
    let line = text
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &c in line.as_bytes() {
        match c {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delims = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    delims[best]
}

/// A header name as matched: trimmed, ASCII lower case (every name and alias is ASCII; ASCII
/// case folding keeps the Unicode tables out of the wasm modules).
fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// Parse a CSV file for an experiment (see the module docs for the format). Never panics; every
/// error names the problem and, where there is one, the line and the column.
pub fn parse_csv(bytes: &[u8], spec: &DataSpec) -> Result<OwnData, CsvError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(CsvError::TooLarge { bytes: bytes.len() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        CsvError::NotUtf8 {
            line,
            byte: at - line_start + 1,
        }
    })?;
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let delim = detect_delimiter(text);
    let mut records = Records::new(text, delim);
    let mut fields: Vec<Cow<str>> = Vec::new();
    match records.next(&mut fields) {
        None => return Err(CsvError::Empty),
        Some(Err(e)) => return Err(e),
        Some(Ok(_)) => {}
    }
    if fields.len() > MAX_COLUMNS {
        return Err(CsvError::TooManyColumns {
            count: fields.len(),
        });
    }
    let header: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    // Which header column gives each spec column (and the split column).
    // Which header column gives each spec column: its exact name if the header has it, else an
    // alias (so `x1` is x1, not the 1-D `x`, when the header has both `x` and `x1`).
    let mut index: Vec<Option<usize>> = vec![None; spec.columns.len()];
    for (j, c) in spec.columns.iter().enumerate() {
        let exact: Vec<usize> = (0..names.len()).filter(|&i| names[i] == c.name).collect();
        let hits = if exact.is_empty() {
            (0..names.len())
                .filter(|&i| c.aliases.contains(&names[i].as_str()))
                .filter(|&i| !spec.columns.iter().any(|o| o.name == names[i]))
                .collect()
        } else {
            exact
        };
        if hits.len() > 1 {
            return Err(CsvError::DuplicateColumn {
                column: c.name,
                first: header[hits[0]].clone(),
                second: header[hits[1]].clone(),
            });
        }
        index[j] = hits.first().copied();
    }
    let split = if spec.has_test {
        (0..names.len()).find(|&i| SPLIT_ALIASES.contains(&names[i].as_str()))
    } else {
        None
    };
    if let Some(j) = index.iter().position(Option::is_none) {
        return Err(CsvError::MissingColumn {
            column: spec.columns[j].name,
            aliases: spec.columns[j].aliases,
            header: header.clone(),
            needed: spec.columns.iter().map(|c| c.name).collect(),
        });
    }
    let index: Vec<usize> = index.into_iter().map(Option::unwrap).collect();
    let used = |i: usize| index.contains(&i) || split == Some(i);
    let mut columns: Vec<String> = index.iter().map(|&i| header[i].clone()).collect();
    if let Some(s) = split {
        columns.push(header[s].clone());
    }
    let ignored: Vec<String> = (0..header.len())
        .filter(|&i| !used(i))
        .map(|i| header[i].clone())
        .collect();

    // Pass 1: count the data rows (and find broken quoting) before allocating for them.
    let body = records.pos;
    let body_line = records.line;
    let mut rows = 0usize;
    while let Some(r) = records.next(&mut fields) {
        r?;
        rows += 1;
    }
    if rows == 0 {
        return Err(CsvError::NoDataRows);
    }
    if rows > spec.max_rows {
        return Err(CsvError::TooManyRows {
            rows,
            max: spec.max_rows,
            kind: spec.kind,
        });
    }

    // Pass 2: the numbers.
    let mut records = Records {
        text,
        pos: body,
        line: body_line,
        delim,
    };
    let width = spec.columns.len() + spec.has_test as usize;
    let mut data = Vec::with_capacity(rows * width);
    let (mut train, mut test) = (0usize, 0usize);
    let mut row = 0usize;
    while let Some(r) = records.next(&mut fields) {
        let line = r?;
        row += 1;
        if fields.len() != header.len() {
            return Err(CsvError::FieldCount {
                line,
                got: fields.len(),
                want: header.len(),
            });
        }
        for (c, &i) in spec.columns.iter().zip(&index) {
            let t = fields[i].trim();
            let bad = |why: String| CsvError::BadValue {
                line,
                column: header[i].clone(),
                text: t.to_string(),
                why,
            };
            let v: f64 = t.parse().map_err(|_| bad("is not a number".into()))?;
            if let Some(why) = c.reject(v) {
                return Err(bad(why));
            }
            data.push(v);
        }
        if spec.has_test {
            let is_test = match split {
                Some(s) => {
                    let t = fields[s].trim();
                    if t.eq_ignore_ascii_case("test") {
                        true
                    } else if t.eq_ignore_ascii_case("train") {
                        false
                    } else {
                        return Err(CsvError::BadSplit {
                            line,
                            column: header[s].clone(),
                            text: t.to_string(),
                        });
                    }
                }
                None => row % 4 == 0,
            };
            data.push(is_test as u8 as f64);
            if is_test {
                test += 1;
            } else {
                train += 1;
            }
        } else {
            train += 1;
        }
    }
    spec.check_counts(train, test)
        .map_err(|reason| CsvError::Counts {
            reason,
            split_column: split.is_some() || !spec.has_test,
        })?;
    Ok(OwnData {
        kind: spec.kind,
        matrix: Matrix::new(rows, width, data),
        rows,
        train_rows: train,
        test_rows: test,
        columns,
        ignored,
        split_column: split.is_some(),
    })
}

/// The 64-bit FNV-1a hash of `bytes` (a short cache key for own data).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The training rows of a `data` matrix with a last `test` column, or `seeded` when empty.
pub fn train_len(m: &Matrix, seeded: usize) -> usize {
    if m.is_empty() {
        seeded
    } else {
        (0..m.rows).filter(|&i| m.get(i, m.cols - 1) == 0.0).count()
    }
}

/// The plotted rectangle around own data: for 2-D inputs the box of `(x1, x2)`, for a 1-D
/// regression the box of `(x, y)`; widened by 10% of its size on each side (at least 0.1).
pub fn domain_around(m: &Matrix, dim: usize) -> crate::contour::Domain {
    let (a, b) = if dim == 2 { (0, 1) } else { (0, dim) };
    let range = |j: usize| {
        let (lo, hi) = (0..m.rows).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), i| {
            (lo.min(m.get(i, j)), hi.max(m.get(i, j)))
        });
        let pad = (0.1 * (hi - lo)).max(0.1);
        (lo - pad, hi + pad)
    };
    let ((x_min, x_max), (y_min, y_max)) = (range(a), range(b));
    crate::contour::Domain {
        x_min,
        x_max,
        y_min,
        y_max,
    }
}

/// A `data` matrix as CSV text with a header (the inverse of [`parse_csv`] for the spec's
/// columns; a `split` column where there is a test set): what the CLI's and the tests' seeded
/// data look like as a file.
pub fn to_csv(spec: &DataSpec, m: &Matrix) -> String {
    let mut out: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    if spec.has_test {
        out.push("split");
    }
    let mut s = out.join(",");
    s.push('\n');
    for i in 0..m.rows {
        let r = m.row(i);
        let mut cells: Vec<String> = r[..spec.columns.len()]
            .iter()
            .map(|v| format!("{v}"))
            .collect();
        if spec.has_test {
            cells.push(
                if r[spec.columns.len()] == 1.0 {
                    "test"
                } else {
                    "train"
                }
                .into(),
            );
        }
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

#[cfg(test)]
#[path = "own_data_tests.rs"]
mod tests;
