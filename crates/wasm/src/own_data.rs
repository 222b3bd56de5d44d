//! Your own data (issue 20) for the browser, over the core's one CSV parser
//! ([`noiselab_core::own_data`]), so the browser reports exactly the errors of the CLI and Python:
//! - `dataSpec` (what a kind's data look like, for the data panel's help): in the module of every
//!   family that holds a kind taking data (dropout, bayes-regression, logreg-posterior,
//!   sharpness, implicit-reg), which checks the `data` setting with the same spec anyway;
//! - `parseData` (the CSV parser): in the `data` module (feature `data`, www/pkg/data/), which
//!   the worker loads when a file is first given, and in no family's (issue 22, W4: the parser,
//!   its errors and the number formatting kept about 20 KB out of each family's module); builds
//!   of every kind (the tests') have both.

use crate::{as_pairs, settings_from_js, to_js};
#[cfg(not(feature = "data"))]
use noiselab_core::config::FieldSpec;
use noiselab_core::own_data::{parse_csv, DataSpec};
use wasm_bindgen::prelude::*;

/// The `task` field of `kind` if this family's module holds the kind (only the tables of its own
/// kinds are linked in), or an `Error` naming the module's kinds that take data.
#[cfg(not(feature = "data"))]
fn task_field(kind: &str) -> Result<Option<&'static FieldSpec>, JsError> {
    fn task(fields: &'static [FieldSpec]) -> Option<&'static FieldSpec> {
        fields.iter().find(|f| f.name == "task")
    }
    match kind {
        #[cfg(kind = "dropout")]
        "dropout" => Ok(task(&noiselab_core::dropout::FIELDS)),
        #[cfg(kind = "sharpness")]
        "sharpness" => Ok(task(&noiselab_core::sharpness::FIELDS)),
        #[cfg(kind = "implicit-reg")]
        "implicit-reg" => Ok(task(&noiselab_core::implicit_reg::FIELDS)),
        #[cfg(kind = "bayes-regression")]
        "bayes-regression" => Ok(None),
        #[cfg(kind = "logreg-posterior")]
        "logreg-posterior" => Ok(None),
        _ => {
            let here: &[&str] = &[
                #[cfg(kind = "dropout")]
                "dropout",
                #[cfg(kind = "bayes-regression")]
                "bayes-regression",
                #[cfg(kind = "logreg-posterior")]
                "logreg-posterior",
                #[cfg(kind = "sharpness")]
                "sharpness",
                #[cfg(kind = "implicit-reg")]
                "implicit-reg",
            ];
            Err(JsError::new(&format!(
                "{kind} takes no data file in this module; own data works in {}",
                here.join(", ")
            )))
        }
    }
}

/// The spec of `kind` under JS `settings` (only `task` matters), or an `Error`: in the data
/// module from the task's name alone (no field tables linked in; the family's module checked the
/// widget's settings), in a family's from its own kinds' tables.
fn spec(kind: &str, settings: &JsValue) -> Result<DataSpec, JsError> {
    let pairs = settings_from_js(settings)?;
    let pairs: Vec<(&str, &str)> = as_pairs(&pairs).collect();
    #[cfg(feature = "data")]
    let spec = DataSpec::for_kind_task(
        kind,
        pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == "task")
            .map(|(_, v)| *v),
    );
    #[cfg(not(feature = "data"))]
    let spec = DataSpec::for_kind_with(kind, task_field(kind)?, &pairs);
    spec.map_err(|e| JsError::new(&e))
}

/// Parse a CSV file for `kind` (`text`: a string, or the file's bytes as a `Uint8Array`, which
/// also checks UTF-8 and the size before decoding) under `settings` (its `task` picks the
/// columns): `{value, rows, trainRows, testRows, columns, ignored, splitColumn, summary}`, where
/// `value` is the text of the `data` setting. A bad file throws an `Error` whose message names
/// the problem, its line and its column.
#[cfg(any(feature = "data", all_kinds))]
#[wasm_bindgen(js_name = parseData)]
pub fn parse_data(kind: &str, text: JsValue, settings: JsValue) -> Result<JsValue, JsError> {
    let spec = spec(kind, &settings)?;
    let bytes: Vec<u8> = if let Some(s) = text.as_string() {
        s.into_bytes()
    } else if text.is_instance_of::<js_sys::Uint8Array>() {
        js_sys::Uint8Array::from(text).to_vec()
    } else {
        return Err(JsError::new(
            "parseData takes the file as a string or a Uint8Array",
        ));
    };
    let data = parse_csv(&bytes, &spec).map_err(|e| JsError::new(&e.to_string()))?;
    let out = object! {
        "value": data.text(),
        "rows": data.rows as u32,
        "trainRows": data.train_rows as u32,
        "testRows": data.test_rows as u32,
        "columns": to_js(&data.columns)?,
        "ignored": to_js(&data.ignored)?,
        "splitColumn": data.split_column,
        "summary": data.summary(),
    };
    Ok(out)
}

/// What `kind`'s own data must look like under `settings`: `{kind, columns: [{name, aliases,
/// min, max, label}], hasTest, maxRows, minTrain, trainSizes, description, seededSettings,
/// maxColumns, maxBytes, matrixColumns}` (for the data panel's help line and the seeded data's
/// controls, shown as not used while your data is).
#[cfg(any(
    kind = "dropout",
    kind = "bayes-regression",
    kind = "logreg-posterior",
    kind = "sharpness",
    kind = "implicit-reg"
))]
#[wasm_bindgen(js_name = dataSpec)]
pub fn data_spec(kind: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let spec = spec(kind, &settings)?;
    let out = to_js(&spec)?;
    let obj: &js_sys::Object = out.unchecked_ref();
    crate::set(obj, "matrixColumns", &to_js(&spec.matrix_columns())?);
    Ok(out)
}
