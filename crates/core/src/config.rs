//! Validated settings: one table of fields per experiment ([`FieldSpec`]), shared by the Rust
//! config structs, the URL hash, element attributes, the CLI's `--set key=value` and JSON config
//! files. Every value arrives as text and is parsed here, so every front end gets the same typed
//! error naming the field and its allowed range.

use serde::Serialize;
use std::fmt;

/// Settings as `(name, text)` pairs, in the camelCase names of the config struct.
pub type Settings = Vec<(String, String)>;

/// The type and allowed values of one field.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FieldKind {
    /// A real number in `[min, max]` (`min_open`: `min` itself excluded).
    #[serde(rename_all = "camelCase")]
    Real {
        min: f64,
        max: f64,
        min_open: bool,
        default: f64,
        /// Suggested slider step.
        step: f64,
    },
    /// An integer in `[min, max]`.
    #[serde(rename_all = "camelCase")]
    Integer { min: u64, max: u64, default: u64 },
    /// One of a fixed set of values: `(value, label)`.
    Choice {
        options: &'static [(&'static str, &'static str)],
        default: &'static str,
    },
    /// A matrix of finite numbers given as text ([`Matrix`]): at most `max_rows × max_cols`,
    /// square if `square`; a vector is a matrix with `max_rows: 1`. The empty text is always
    /// allowed and means "not given" (the experiment says what it uses then).
    #[serde(rename_all = "camelCase")]
    Matrix {
        max_rows: u32,
        max_cols: u32,
        square: bool,
        default: &'static str,
    },
}

/// A matrix (or, with one row, a vector) setting: where the theory takes a matrix or a vector
/// (a Hessian H, a gradient covariance C, data rows, initial weights), a settings file holds it
/// (issue 21, part 6).
///
/// Text form: rows separated by `;` or line breaks, entries by spaces or commas
/// (`"2 0.5; 0.5 1"`); JSON arrays are read too (`[[2, 0.5], [0.5, 1]]`, and `[1, 2, 3]` for
/// one row), so a JSON config file can hold arrays. Written back ([`Matrix::to_text`]) with
/// floats in shortest round-trip form, so text → matrix → text → matrix is exact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    /// Row-major entries, `rows * cols` of them.
    pub data: Vec<f64>,
}

impl Matrix {
    /// A `rows × cols` matrix from row-major entries.
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), rows * cols, "matrix data length");
        Matrix { rows, cols, data }
    }

    /// From rows of equal length.
    pub fn from_rows(rows: &[Vec<f64>]) -> Self {
        let cols = rows.first().map_or(0, Vec::len);
        Matrix::new(rows.len(), cols, rows.concat())
    }

    /// True when not given (the empty text).
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// True when square and equal to its transpose (exactly).
    pub fn is_symmetric(&self) -> bool {
        self.rows == self.cols
            && (0..self.rows).all(|i| (0..i).all(|j| self.get(i, j) == self.get(j, i)))
    }

    /// The text form, `"2 0.5; 0.5 1"` ("" when empty).
    pub fn to_text(&self) -> String {
        (0..self.rows)
            .map(|i| {
                self.row(i)
                    .iter()
                    .map(|v| format!("{v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Read the text form or JSON arrays; `Err` says what is wrong in words.
    pub fn parse(text: &str) -> Result<Matrix, String> {
        let t = text.trim();
        if t.starts_with('[') {
            return Matrix::parse_json(t);
        }
        let rows: Vec<&str> = t.split([';', '\n']).collect();
        let mut out: Vec<Vec<f64>> = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            if row.trim().is_empty() {
                continue;
            }
            let mut entries = Vec::new();
            for e in row
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|e| !e.is_empty())
            {
                let v: f64 = e
                    .parse()
                    .map_err(|_| format!("row {}: \"{e}\" is not a number", r + 1))?;
                if !v.is_finite() {
                    return Err(format!("row {}: {e} is not finite", r + 1));
                }
                entries.push(v);
            }
            if let Some(first) = out.first() {
                if entries.len() != first.len() {
                    return Err(format!(
                        "row {} has {} entries, row 1 has {}",
                        out.len() + 1,
                        entries.len(),
                        first.len()
                    ));
                }
            }
            out.push(entries);
        }
        Ok(Matrix::from_rows(&out))
    }

    /// JSON arrays: `[[2, 0.5], [0.5, 1]]`, or `[1, 2, 3]` for one row (read here rather than
    /// with serde_json, which the core, compiled to wasm, does not otherwise need).
    fn parse_json(t: &str) -> Result<Matrix, String> {
        let mut rows: Vec<Vec<f64>> = Vec::new();
        let mut flat: Vec<f64> = Vec::new();
        let mut depth = 0usize;
        let mut token = String::new();
        let mut flush = |token: &mut String, rows: &mut Vec<Vec<f64>>, depth: usize| {
            if token.is_empty() {
                return Ok(());
            }
            let r = rows.len().max(1);
            let v: f64 = token
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| format!("row {r}: \"{token}\" is not a finite number"))?;
            token.clear();
            match depth {
                2 => rows.last_mut().expect("a row is open").push(v),
                _ => flat.push(v),
            }
            Ok::<(), String>(())
        };
        for c in t.chars() {
            match c {
                '[' => {
                    flush(&mut token, &mut rows, depth)?;
                    depth += 1;
                    if depth > 2 {
                        return Err("arrays nest at most two deep ([[…], […]])".into());
                    }
                    if depth == 2 {
                        rows.push(Vec::new());
                    }
                }
                ']' => {
                    flush(&mut token, &mut rows, depth)?;
                    depth = depth.checked_sub(1).ok_or("unbalanced ]")?;
                }
                ',' => flush(&mut token, &mut rows, depth)?,
                c if c.is_whitespace() => flush(&mut token, &mut rows, depth)?,
                c => token.push(c),
            }
        }
        flush(&mut token, &mut rows, depth)?;
        if depth != 0 {
            return Err("unbalanced [".into());
        }
        match (rows.is_empty(), flat.is_empty()) {
            (false, false) => return Err("mixes numbers and rows".into()),
            (true, false) => rows.push(flat),
            _ => {}
        }
        if let Some(r) = rows.iter().position(|r| r.len() != rows[0].len()) {
            return Err(format!(
                "row {} has {} entries, row 1 has {}",
                r + 1,
                rows[r].len(),
                rows[0].len()
            ));
        }
        Ok(Matrix::from_rows(&rows))
    }
}

/// One field of an experiment's configuration.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    /// camelCase name, as in the config struct, the URL hash and (kebab-cased) attributes.
    pub name: &'static str,
    /// Short label with the lecture's symbol, e.g. "learning rate α".
    pub label: &'static str,
    /// Unit or dimension, shown next to the value ("" for none).
    pub unit: &'static str,
    /// One sentence for tooltips and the CLI's `--help`.
    pub help: &'static str,
    /// Type and range.
    #[serde(flatten)]
    pub kind: FieldKind,
}

/// A typed value parsed from text against a [`FieldSpec`].
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Real(f64),
    Integer(u64),
    Choice(&'static str),
    Matrix(Matrix),
}

/// An invalid setting. Every variant names the field; the message says the allowed range.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConfigError {
    /// No such field.
    #[error("unknown setting \"{field}\"; known settings: {known}")]
    UnknownField { field: String, known: String },
    /// Not a number (or NaN/infinite) where a number is needed.
    #[error("{field} must be {range}; got \"{got}\" (not a finite number)")]
    NotANumber {
        field: String,
        range: String,
        got: String,
    },
    /// Not a whole number where an integer is needed.
    #[error("{field} must be a whole number {range}; got \"{got}\"")]
    NotAnInteger {
        field: String,
        range: String,
        got: String,
    },
    /// A number outside the allowed range.
    #[error("{field} must be {range}; got {got}")]
    OutOfRange {
        field: String,
        range: String,
        got: String,
    },
    /// Not one of the allowed choices.
    #[error("{field} must be one of {allowed}; got \"{got}\"")]
    UnknownOption {
        field: String,
        allowed: String,
        got: String,
    },
    /// A matrix or vector setting that does not parse or has the wrong shape or values.
    #[error("{field} must be {range}; {reason}")]
    BadMatrix {
        field: String,
        range: String,
        reason: String,
    },
}

impl ConfigError {
    /// The camelCase name of the offending field.
    pub fn field(&self) -> &str {
        match self {
            ConfigError::UnknownField { field, .. }
            | ConfigError::NotANumber { field, .. }
            | ConfigError::NotAnInteger { field, .. }
            | ConfigError::OutOfRange { field, .. }
            | ConfigError::UnknownOption { field, .. }
            | ConfigError::BadMatrix { field, .. } => field,
        }
    }
}

/// Several errors at once, so a UI can mark every bad control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ConfigErrors {}

/// One error of a bad field, for a UI that marks the field's control: `{field, message}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldMessage {
    /// The camelCase name of the field.
    pub field: String,
    /// The error in words.
    pub message: String,
}

impl ConfigErrors {
    /// Each error with its field.
    pub fn by_field(&self) -> Vec<FieldMessage> {
        let message = |e: &ConfigError| FieldMessage {
            field: e.field().to_string(),
            message: e.to_string(),
        };
        self.0.iter().map(message).collect()
    }
}

impl FieldSpec {
    /// The allowed range in words, e.g. "a number in (0, 1]".
    pub fn range(&self) -> String {
        match self.kind {
            FieldKind::Real {
                min, max, min_open, ..
            } => {
                let open = if min_open { "(" } else { "[" };
                format!("a number in {open}{min}, {max}]")
            }
            FieldKind::Integer { min, max, .. } => format!("from {min} to {max}"),
            FieldKind::Choice { options, .. } => options
                .iter()
                .map(|(v, _)| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(", "),
            FieldKind::Matrix {
                max_rows,
                max_cols,
                square,
                ..
            } => {
                if max_rows == 1 {
                    format!("empty or a list of at most {max_cols} numbers")
                } else if square {
                    format!("empty or a square matrix of at most {max_rows}×{max_cols} numbers (rows separated by \";\")")
                } else {
                    format!("empty or a matrix of at most {max_rows} rows and {max_cols} columns (rows separated by \";\")")
                }
            }
        }
    }

    /// The default value as text.
    pub fn default_text(&self) -> String {
        match self.kind {
            FieldKind::Real { default, .. } => format!("{default}"),
            FieldKind::Integer { default, .. } => format!("{default}"),
            FieldKind::Choice { default, .. } => default.to_string(),
            FieldKind::Matrix { default, .. } => default.to_string(),
        }
    }

    /// Parse and range-check `text` (surrounding white space ignored).
    pub fn parse(&self, text: &str) -> Result<FieldValue, ConfigError> {
        let t = text.trim();
        let field = self.name.to_string();
        match self.kind {
            FieldKind::Real {
                min, max, min_open, ..
            } => {
                let v: f64 = t.parse().map_err(|_| ConfigError::NotANumber {
                    field: field.clone(),
                    range: self.range(),
                    got: t.to_string(),
                })?;
                if !v.is_finite() {
                    return Err(ConfigError::NotANumber {
                        field,
                        range: self.range(),
                        got: t.to_string(),
                    });
                }
                let below = if min_open { v <= min } else { v < min };
                if below || v > max {
                    return Err(ConfigError::OutOfRange {
                        field,
                        range: self.range(),
                        got: format!("{v}"),
                    });
                }
                Ok(FieldValue::Real(v))
            }
            FieldKind::Integer { min, max, .. } => {
                let v: f64 = t.parse().map_err(|_| ConfigError::NotAnInteger {
                    field: field.clone(),
                    range: self.range(),
                    got: t.to_string(),
                })?;
                if !v.is_finite() || v.fract() != 0.0 {
                    return Err(ConfigError::NotAnInteger {
                        field,
                        range: self.range(),
                        got: t.to_string(),
                    });
                }
                if v < min as f64 || v > max as f64 {
                    return Err(ConfigError::OutOfRange {
                        field,
                        range: self.range(),
                        got: format!("{v}"),
                    });
                }
                Ok(FieldValue::Integer(v as u64))
            }
            FieldKind::Choice { options, .. } => options
                .iter()
                .find(|(v, _)| *v == t)
                .map(|(v, _)| FieldValue::Choice(v))
                .ok_or_else(|| ConfigError::UnknownOption {
                    field,
                    allowed: self.range(),
                    got: t.to_string(),
                }),
            FieldKind::Matrix {
                max_rows,
                max_cols,
                square,
                ..
            } => {
                let bad = |reason: String| ConfigError::BadMatrix {
                    field: field.clone(),
                    range: self.range(),
                    reason,
                };
                let m = Matrix::parse(t).map_err(bad)?;
                if m.rows > max_rows as usize || m.cols > max_cols as usize {
                    return Err(bad(format!("got {}×{}", m.rows, m.cols)));
                }
                if square && m.rows != m.cols {
                    return Err(bad(format!("got {}×{} (not square)", m.rows, m.cols)));
                }
                Ok(FieldValue::Matrix(m))
            }
        }
    }
}

/// Parse `settings` against `fields`, reporting every bad one. Unknown names are errors.
/// Returns the parsed values in the order of `fields`, `None` where the setting is absent.
pub fn parse_settings<'a, I>(
    fields: &[FieldSpec],
    settings: I,
) -> Result<Vec<Option<FieldValue>>, ConfigErrors>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut values = vec![None; fields.len()];
    let mut errors = Vec::new();
    for (name, text) in settings {
        match fields.iter().position(|f| f.name == name) {
            Some(i) => match fields[i].parse(text) {
                Ok(v) => values[i] = Some(v),
                Err(e) => errors.push(e),
            },
            None => errors.push(ConfigError::UnknownField {
                field: name.to_string(),
                known: fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
            }),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Settings parsed against a field table with the table's defaults filled in, read back by
/// field NAME ([`Parsed::get`]): what the [`settings!`] macro's `from_settings` uses.
#[derive(Clone, Debug)]
pub struct Parsed<'f> {
    fields: &'f [FieldSpec],
    values: Vec<FieldValue>,
}

impl<'f> Parsed<'f> {
    /// Parse `settings` against `fields` ([`parse_settings`]) and fill in the defaults.
    pub fn new<'a, I>(fields: &'f [FieldSpec], settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let values = parse_settings(fields, settings)?
            .into_iter()
            .zip(fields)
            .map(|(v, f)| {
                v.unwrap_or_else(|| {
                    f.parse(&f.default_text())
                        .expect("table defaults are valid")
                })
            })
            .collect();
        Ok(Parsed { fields, values })
    }

    /// The field named `name`, converted to its Rust type (panics if the table has no such
    /// field: a programming error the macro rules out).
    pub fn get<T: Setting>(&self, name: &str) -> T {
        let i = self
            .fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| unreachable!("no field {name} in the table"));
        T::from_value(self.values[i].clone(), &self.fields[i])
    }
}

/// A typed config with its settings table: what [`settings!`] implements for every config, so
/// generic front ends ([`crate::experiment::Lab`]) can read, parse and print settings.
pub trait Config: Clone + Sized {
    /// The field table (names, labels, ranges, defaults), in order.
    const FIELDS: &'static [FieldSpec];

    /// Parse `(name, text)` settings over the defaults; every bad one is reported.
    fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>;

    /// The settings as `(name, text)` pairs in table order (round-trips through
    /// `from_settings`).
    fn to_settings(&self) -> Vec<(&'static str, String)>;
}

/// A Rust type a field's parsed value converts to and from ([`FieldKind`] says which values
/// arrive): `f64` (real), `u32` (integer, or a choice of whole numbers), `bool` (a two-option
/// choice: the first option is `false`, the second `true`), `String` (any choice), and the
/// choice enums (through [`choice_setting!`]).
pub trait Setting: Sized {
    /// The value already parsed and range-checked against `spec`.
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self;
    /// The text that parses back to `self` (floats in shortest round-trip form).
    fn to_text(&self, spec: &FieldSpec) -> String;
}

fn mismatch(spec: &FieldSpec, value: FieldValue, rust: &str) -> ! {
    unreachable!("field {} holds {value:?}, not a {rust}", spec.name)
}

impl Setting for f64 {
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self {
        match value {
            FieldValue::Real(v) => v,
            other => mismatch(spec, other, "real"),
        }
    }
    fn to_text(&self, _: &FieldSpec) -> String {
        format!("{self}")
    }
}

impl Setting for u32 {
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self {
        match value {
            // Every integer table bounds its field below 2³².
            FieldValue::Integer(v) => v as u32,
            FieldValue::Choice(v) => v
                .parse()
                .unwrap_or_else(|_| mismatch(spec, value, "whole-number option")),
            other => mismatch(spec, other, "integer"),
        }
    }
    fn to_text(&self, _: &FieldSpec) -> String {
        self.to_string()
    }
}

impl Setting for bool {
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self {
        match (value, spec.kind) {
            (FieldValue::Choice(v), FieldKind::Choice { options, .. }) if options.len() == 2 => {
                v == options[1].0
            }
            (other, _) => mismatch(spec, other, "two-option choice"),
        }
    }
    fn to_text(&self, spec: &FieldSpec) -> String {
        match spec.kind {
            FieldKind::Choice { options, .. } => options[*self as usize].0.to_string(),
            _ => unreachable!("field {} is not a choice", spec.name),
        }
    }
}

impl Setting for Matrix {
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self {
        match value {
            FieldValue::Matrix(m) => m,
            other => mismatch(spec, other, "matrix"),
        }
    }
    fn to_text(&self, _: &FieldSpec) -> String {
        Matrix::to_text(self)
    }
}

impl Setting for String {
    fn from_value(value: FieldValue, spec: &FieldSpec) -> Self {
        match value {
            FieldValue::Choice(v) => v.to_string(),
            other => mismatch(spec, other, "choice"),
        }
    }
    fn to_text(&self, _: &FieldSpec) -> String {
        self.clone()
    }
}

/// Make choice enums [`Setting`]s through their `from_name(&str) -> Option<Self>` and
/// `name(self) -> &'static str` (the option values of their `OPTIONS`).
macro_rules! choice_setting {
    ($($ty:ty),+ $(,)?) => {$(
        impl $crate::config::Setting for $ty {
            fn from_value(
                value: $crate::config::FieldValue,
                spec: &$crate::config::FieldSpec,
            ) -> Self {
                match value {
                    $crate::config::FieldValue::Choice(v) => <$ty>::from_name(v)
                        .unwrap_or_else(|| unreachable!("{} option {v} has no {}", spec.name, stringify!($ty))),
                    other => unreachable!("field {} holds {other:?}, not a choice", spec.name),
                }
            }
            fn to_text(&self, _: &$crate::config::FieldSpec) -> String {
                self.name().to_string()
            }
        }
    )+};
}
pub(crate) use choice_setting;

choice_setting!(
    crate::data::Task,
    crate::nn::mlp::Activation,
    crate::nn::optim::OptimizerKind
);

/// Declare an experiment's settings ONCE: the config struct, its field table (the `const` the
/// UI, the URL hash and the CLI read), name-based `from_settings`, `to_settings`, `validate`
/// and `Default` (the table's defaults), all from one list.
///
/// ```text
/// settings! {
///     /// Docs of the table.
///     pub const FIELDS;
///     /// Docs of the struct.
///     #[derive(Clone, Debug, PartialEq, Serialize)]
///     pub struct FunnelConfig {
///         /// α.
///         pub learning_rate: f64 = Real {
///             name: "learningRate", label: "learning rate α", unit: "",
///             help: "Step size of w ← w − α(∇J + σξ).",
///             min: 0.0, max: 1.0, min_open: true, default: 0.1, step: 0.01,
///         },
///         pub steps: u32 = Integer { name: "steps", label: "steps", unit: "iterations",
///             help: "…", min: 1, max: 20000, default: 1000 },
///         pub cost: Cost = Choice { name: "cost", label: "cost", unit: "", help: "…",
///             options: Cost::OPTIONS, default: "funnel" },
///     }
///     // Optional: rules across fields, `fn(&Self) -> Vec<ConfigError>` (empty: valid).
///     check: cross_field_rules;
/// }
/// ```
///
/// Each entry is a [`FieldSpec`] (`name`, `label`, `unit`, `help`) whose `kind` is the
/// [`FieldKind`] variant named before the braces with the remaining arguments; the table keeps
/// the entries' order, and `help` is also the Rust field's doc. The field's type is any
/// [`Setting`].
macro_rules! settings {
    (
        $(#[$table_meta:meta])*
        $table_vis:vis const $table:ident;
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field_vis:vis $field:ident : $ty:ty = $kind:ident $spec:tt
            ),* $(,)?
        }
        $(check: $check:expr;)?
    ) => {
        $(#[$table_meta])*
        $table_vis const $table: [$crate::config::FieldSpec; <[&str]>::len(&[$(stringify!($field)),*])] =
            [$($crate::config::settings!(@spec $kind $spec)),*];

        $(#[$meta])*
        $vis struct $name {$(
            $(#[$field_meta])*
            #[doc = ""]
            #[doc = $crate::config::settings!(@help $kind $spec)]
            $field_vis $field: $ty,
        )*}

        impl Default for $name {
            /// The defaults of the table, parsed from it so the two cannot disagree.
            fn default() -> Self {
                Self::from_settings(std::iter::empty()).expect("table defaults are valid")
            }
        }

        impl $name {
            /// Build a config from `(name, text)` settings over the table's defaults; every bad
            /// setting (and every broken rule across fields) is reported with its field name and
            /// allowed range.
            pub fn from_settings<'a, I>(
                settings: I,
            ) -> Result<Self, $crate::config::ConfigErrors>
            where
                I: IntoIterator<Item = (&'a str, &'a str)>,
            {
                let parsed = $crate::config::Parsed::new(&$table, settings)?;
                let config = $name {
                    $($field: parsed.get($crate::config::settings!(@spec $kind $spec).name)),*
                };
                $(
                    let errors: Vec<$crate::config::ConfigError> = ($check)(&config);
                    if !errors.is_empty() {
                        return Err($crate::config::ConfigErrors(errors));
                    }
                )?
                Ok(config)
            }

            /// The settings as `(name, text)` pairs in table order; `from_settings` of them
            /// gives back an identical config (floats print in shortest round-trip form).
            pub fn to_settings(&self) -> Vec<(&'static str, String)> {
                vec![$({
                    const SPEC: $crate::config::FieldSpec = $crate::config::settings!(@spec $kind $spec);
                    (SPEC.name, $crate::config::Setting::to_text(&self.$field, &SPEC))
                }),*]
            }

            /// Check every field against the table and the rules across fields (for configs
            /// built in Rust or read with serde).
            pub fn validate(&self) -> Result<(), $crate::config::ConfigErrors> {
                let settings = self.to_settings();
                Self::from_settings(settings.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
            }
        }

        impl $crate::config::Config for $name {
            const FIELDS: &'static [$crate::config::FieldSpec] = &$table;

            fn from_settings<'a, I>(settings: I) -> Result<Self, $crate::config::ConfigErrors>
            where
                I: IntoIterator<Item = (&'a str, &'a str)>,
            {
                $name::from_settings(settings)
            }

            fn to_settings(&self) -> Vec<(&'static str, String)> {
                $name::to_settings(self)
            }
        }
    };
    // One entry: `Kind { name, label, unit, help, <the FieldKind variant's fields> }`, or
    // `spec(<a FieldSpec expression>)` to reuse another table's entry.
    (@spec spec ($spec:expr)) => { $spec };
    (@spec $kind:ident {
        name: $field_name:expr,
        label: $label:expr,
        unit: $unit:expr,
        help: $help:expr,
        $($arg:ident : $value:expr),* $(,)?
    }) => {
        $crate::config::FieldSpec {
            name: $field_name,
            label: $label,
            unit: $unit,
            help: $help,
            kind: $crate::config::FieldKind::$kind { $($arg: $value),* },
        }
    };
    (@help spec $spec:tt) => { "" };
    (@help $kind:ident {
        name: $field_name:expr,
        label: $label:expr,
        unit: $unit:expr,
        help: $help:expr,
        $($rest:tt)*
    }) => { $help };
}
pub(crate) use settings;

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: FieldSpec = FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "",
        kind: FieldKind::Real {
            min: 0.0,
            max: 1.0,
            min_open: true,
            default: 0.1,
            step: 0.01,
        },
    };
    const COUNT: FieldSpec = FieldSpec {
        name: "trajectories",
        label: "M",
        unit: "",
        help: "",
        kind: FieldKind::Integer {
            min: 1,
            max: 2000,
            default: 100,
        },
    };

    #[test]
    fn real_accepts_range_and_rejects_the_rest() {
        assert_eq!(RATE.parse(" 0.5 ").unwrap(), FieldValue::Real(0.5));
        assert_eq!(RATE.parse("1").unwrap(), FieldValue::Real(1.0));
        for bad in ["0", "-1", "1.0001", "NaN", "inf", "abc", ""] {
            let e = RATE.parse(bad).unwrap_err();
            assert_eq!(e.field(), "learningRate", "{bad}");
            assert!(e.to_string().contains("(0, 1]"), "{e}");
        }
    }

    #[test]
    fn integer_rejects_fractions_and_out_of_range() {
        assert_eq!(COUNT.parse("2000").unwrap(), FieldValue::Integer(2000));
        assert!(matches!(
            COUNT.parse("2.5"),
            Err(ConfigError::NotAnInteger { .. })
        ));
        let e = COUNT.parse("2001").unwrap_err();
        assert_eq!(
            e.to_string(),
            "trajectories must be from 1 to 2000; got 2001"
        );
        assert!(matches!(
            COUNT.parse("0"),
            Err(ConfigError::OutOfRange { .. })
        ));
    }

    #[test]
    fn unknown_fields_and_all_errors_reported() {
        let fields = [RATE, COUNT];
        let errs = parse_settings(
            &fields,
            [
                ("learningRate", "-1"),
                ("bogus", "1"),
                ("trajectories", "x"),
            ],
        )
        .unwrap_err();
        let names: Vec<&str> = errs.0.iter().map(|e| e.field()).collect();
        assert_eq!(names, ["learningRate", "bogus", "trajectories"]);
    }

    const HESSIAN: FieldSpec = FieldSpec {
        name: "hessian",
        label: "H",
        unit: "",
        help: "",
        kind: FieldKind::Matrix {
            max_rows: 3,
            max_cols: 3,
            square: true,
            default: "",
        },
    };

    fn matrix(spec: &FieldSpec, text: &str) -> Result<Matrix, ConfigError> {
        match spec.parse(text)? {
            FieldValue::Matrix(m) => Ok(m),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn matrix_text_and_json_forms_agree_and_round_trip() {
        let m = matrix(&HESSIAN, " 2 0.5; 0.5, 1 ").unwrap();
        assert_eq!(m, Matrix::new(2, 2, vec![2.0, 0.5, 0.5, 1.0]));
        assert_eq!(matrix(&HESSIAN, "[[2, 0.5], [0.5, 1]]").unwrap(), m);
        assert_eq!(matrix(&HESSIAN, "2 0.5\n0.5 1\n").unwrap(), m);
        assert!(m.is_symmetric());
        assert_eq!(m.to_text(), "2 0.5; 0.5 1");
        // Shortest round-trip floats: text → matrix → text → matrix is exact.
        let odd = Matrix::new(1, 3, vec![0.1 + 0.2, -1e-300, 1.0 / 3.0]);
        assert_eq!(Matrix::parse(&odd.to_text()).unwrap(), odd);
        assert!(matrix(&HESSIAN, "").unwrap().is_empty());
        assert!(matrix(&HESSIAN, "[]").unwrap().is_empty());
        let v = Matrix::parse("[1, 2, 3]").unwrap();
        assert_eq!((v.rows, v.cols, v.row(0)), (1, 3, &[1.0, 2.0, 3.0][..]));
    }

    #[test]
    fn bad_matrices_name_the_field_and_say_why() {
        for (bad, why) in [
            ("1 2; 3", "row 2 has 1 entries, row 1 has 2"),
            ("1 x; 3 4", "\"x\" is not a number"),
            ("1 inf; 3 4", "not finite"),
            ("1 2 3; 4 5 6", "not square"),
            ("1 0 0 0; 0 1 0 0; 0 0 1 0; 0 0 0 1", "got 4×4"),
            ("[[1, 2], [3]]", "row 2 has 1 entries"),
            ("[[1, 2], [3, 4]", "unbalanced"),
            ("[[[1]]]", "two deep"),
        ] {
            let e = HESSIAN.parse(bad).unwrap_err();
            assert_eq!(e.field(), "hessian");
            let text = e.to_string();
            assert!(text.contains(why), "{bad}: {text}");
            assert!(
                text.starts_with("hessian must be empty or a square matrix of at most 3×3"),
                "{text}"
            );
        }
    }
}
