//! `parseData` and `dataSpec` (issue 20, your own data) compiled to wasm, in the browser
//! (`wasm-pack test --headless --chrome crates/wasm`): a sample file gives the `data` text of
//! the native parser, and a bad file throws an `Error` whose message names the line and column.
//! They take JS values, so they run in wasm only; the native parser's tests are in the core.
#![cfg(target_arch = "wasm32")]

use noiselab_core::own_data::{parse_csv, DataSpec};
use noiselab_wasm::own_data::{data_spec, parse_data};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const XOR: &str = include_str!("../../../examples/data/dropout-xor.csv");

fn get(o: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap()
}

fn settings(pairs: &[(&str, &str)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v)).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
fn parse_data_gives_the_native_text_and_counts() {
    let out = parse_data(
        "dropout",
        JsValue::from_str(XOR),
        settings(&[("task", "xor")]),
    )
    .unwrap();
    let native = parse_csv(
        XOR.as_bytes(),
        &DataSpec::dropout(noiselab_core::data::Task::Xor),
    )
    .unwrap();
    assert_eq!(get(&out, "value").as_string().unwrap(), native.text());
    assert_eq!(get(&out, "rows").as_f64(), Some(80.0));
    assert_eq!(get(&out, "trainRows").as_f64(), Some(60.0));
    assert_eq!(get(&out, "testRows").as_f64(), Some(20.0));
    assert_eq!(get(&out, "summary").as_string().unwrap(), native.summary());
    // The file's bytes as a Uint8Array give the same.
    let bytes = js_sys::Uint8Array::from(XOR.as_bytes());
    let again = parse_data("dropout", bytes.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        get(&again, "value").as_string(),
        get(&out, "value").as_string()
    );
    let spec = data_spec("dropout", settings(&[("task", "regression")])).unwrap();
    let cols: js_sys::Array = get(&spec, "matrixColumns").unchecked_into();
    assert_eq!(cols.join(" ").as_string().unwrap(), "x y test");
}

#[wasm_bindgen_test]
fn a_bad_file_throws_an_error_naming_line_and_column() {
    let bad = JsValue::from_str("x1,x2,y\n1,2,0\n0.5,abc,1\n");
    let e: JsValue = parse_data("dropout", bad, JsValue::UNDEFINED)
        .unwrap_err()
        .into();
    let e: js_sys::Error = e.unchecked_into();
    assert_eq!(
        e.message().as_string().unwrap(),
        "line 3, column \"x2\": \"abc\" is not a number"
    );
    let bytes = js_sys::Uint8Array::from(&b"x1,x2,y\n1,\xff,0\n"[..]);
    let e: JsValue = parse_data("dropout", bytes.into(), JsValue::UNDEFINED)
        .unwrap_err()
        .into();
    let e: js_sys::Error = e.unchecked_into();
    assert_eq!(
        e.message().as_string().unwrap(),
        "not UTF-8 text (line 2, byte 3)"
    );
}
