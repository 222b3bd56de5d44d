//! # noiselab-wasm
//!
//! A thin wasm-bindgen adapter over `noiselab-core`, in the style of the Rust+wasm book: one JS
//! class per experiment kind (`lab.rs`), opaque run handles (`create(settings)`, `step(n)`), getters returning typed arrays, small summaries as plain
//! objects (`serde-wasm-bindgen`, JSON-compatible). The frame loop and the worker live in JS
//! (`www/lib/`); no model math happens there.
//!
//! Bulk data leaves as flat `Float64Array`s, row-major, with the shapes documented on each getter.
//!
//! Settings arrive as an object of `name → string | number` in the config's camelCase names and
//! are parsed by the core's field table, so every front end (URL hash, attributes, inputs, CLI)
//! gets the same error naming the field and its range.

// A family's module (www/lib/registry.js) leaves some shared helpers unused.
#![cfg_attr(not(all_kinds), allow(dead_code, unused_imports, unused_macros))]

#[macro_use]
mod lab;

// One adapter file per experiment kind, src/<kind_snake>.rs: build.rs declares the modules of
// the kinds this build selects (from the registry, www/lib/registry.js) in OUT_DIR/kinds.rs.
include!(concat!(env!("OUT_DIR"), "/kinds.rs"));
#[cfg(feature = "bench")]
mod bench;
// dataSpec: in the modules of the families holding a kind that takes own data; parseData: in
// the data module (feature `data`, www/pkg/data/), loaded by the worker when a file is given.
#[cfg(any(
    feature = "data",
    kind = "dropout",
    kind = "bayes-regression",
    kind = "logreg-posterior",
    kind = "sharpness",
    kind = "implicit-reg"
))]
pub mod own_data;
mod panic;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serialize a small summary as a plain JS object (maps as objects, u64 as numbers).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(err)
}

/// `value` as a plain object ([`to_js`]) with the number arrays named in `keys` (separated by
/// spaces) as `Float64Array`s, for small structs (large arrays go straight through [`f64s`]).
pub(crate) fn typed<T: Serialize>(value: &T, keys: &str) -> Result<js_sys::Object, JsError> {
    let out: js_sys::Object = to_js(value)?.unchecked_into();
    for key in keys.split_whitespace() {
        let array = js_sys::Reflect::get(&out, &key.into()).unwrap_or(JsValue::UNDEFINED);
        set(&out, key, &js_sys::Float64Array::new(&array).into());
    }
    Ok(out)
}

/// A JS `Error` with the message of `e` (a core error).
pub(crate) fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Settings from a JS object: every own enumerable property as `(name, text)`. Numbers are
/// printed in Rust's shortest round-trip form (`NaN` stays `"NaN"`), strings taken as they are,
/// anything else reported as its JS type so validation names the field.
pub(crate) fn settings_from_js(settings: &JsValue) -> Result<Vec<(String, String)>, JsError> {
    if settings.is_undefined() || settings.is_null() {
        return Ok(Vec::new());
    }
    if !settings.is_object() {
        return Err(JsError::new("settings must be an object of name → value"));
    }
    let entries = js_sys::Object::entries(settings.unchecked_ref());
    let mut out = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let text = if let Some(s) = value.as_string() {
            s
        } else if let Some(n) = value.as_f64() {
            format!("{n}")
        } else {
            format!("<{}>", value.js_typeof().as_string().unwrap_or_default())
        };
        out.push((name, text));
    }
    Ok(out)
}

/// The config of JS settings, or an `Error` naming every bad field and its range.
pub(crate) fn parse<C: noiselab_core::config::Config>(settings: &JsValue) -> Result<C, JsError> {
    let pairs = settings_from_js(settings)?;
    C::from_settings(as_pairs(&pairs)).map_err(err)
}

/// `(name, text)` pairs borrowed from [`settings_from_js`]'s output, for `from_settings`.
pub(crate) fn as_pairs(settings: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// Set `key` on a fresh plain object (which cannot fail).
pub(crate) fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// A `Float64Array` copy of `v`.
pub(crate) fn f64s(v: &[f64]) -> JsValue {
    js_sys::Float64Array::from(v).into()
}

/// A fresh random seed in `[0, 2³²)` from the browser's crypto source, for the "new seed"
/// button. Every other random draw comes from an explicit seed.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no random source: {e}")))?;
    Ok(u32::from_le_bytes(bytes))
}
