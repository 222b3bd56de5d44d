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
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldValue {
    Real(f64),
    Integer(u64),
    Choice(&'static str),
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
}

impl ConfigError {
    /// The camelCase name of the offending field.
    pub fn field(&self) -> &str {
        match self {
            ConfigError::UnknownField { field, .. }
            | ConfigError::NotANumber { field, .. }
            | ConfigError::NotAnInteger { field, .. }
            | ConfigError::OutOfRange { field, .. }
            | ConfigError::UnknownOption { field, .. } => field,
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
        }
    }

    /// The default value as text.
    pub fn default_text(&self) -> String {
        match self.kind {
            FieldKind::Real { default, .. } => format!("{default}"),
            FieldKind::Integer { default, .. } => format!("{default}"),
            FieldKind::Choice { default, .. } => default.to_string(),
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
        T::from_value(self.values[i], &self.fields[i])
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
}
