//! Your own data (issue 20) for the browser: one generic export for every family that holds a
//! kind taking data (dropout, bayes-regression, logreg-posterior, sharpness, implicit-reg), over
//! the core's one CSV parser ([`noiselab_core::own_data`]), so the browser reports exactly the
//! errors of the CLI and Python.

use crate::{settings_from_js, to_js};
use noiselab_core::own_data::{parse_csv, DataSpec};
use wasm_bindgen::prelude::*;

/// The spec of `kind` under JS `settings` (only `task` matters), or an `Error`.
fn spec(kind: &str, settings: &JsValue) -> Result<DataSpec, JsError> {
    let pairs = settings_from_js(settings)?;
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    DataSpec::for_kind(kind, &pairs).map_err(|e| JsError::new(&e))
}

/// Parse a CSV file for `kind` (`text`: a string, or the file's bytes as a `Uint8Array`, which
/// also checks UTF-8 and the size before decoding) under `settings` (its `task` picks the
/// columns): `{value, rows, trainRows, testRows, columns, ignored, splitColumn, summary}`, where
/// `value` is the text of the `data` setting. A bad file throws an `Error` whose message names
/// the problem, its line and its column.
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
/// min, max, label}], hasTest, maxRows, minTrain, trainSizes, description, matrixColumns,
/// maxBytes}` (for the data panel's help line).
#[wasm_bindgen(js_name = dataSpec)]
pub fn data_spec(kind: &str, settings: JsValue) -> Result<JsValue, JsError> {
    let spec = spec(kind, &settings)?;
    let out = to_js(&spec)?;
    let obj: &js_sys::Object = out.unchecked_ref();
    crate::set(obj, "matrixColumns", &to_js(&spec.matrix_columns())?);
    crate::set(
        obj,
        "maxBytes",
        &JsValue::from(noiselab_core::own_data::MAX_FILE_BYTES as u32),
    );
    Ok(out)
}
