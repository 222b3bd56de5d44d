//! # noiselab-wasm
//!
//! A thin wasm-bindgen adapter over `noiselab-core`, in the style of the Rust+wasm book: opaque
//! handles (`new(settings)`, `step(n)`), getters returning typed arrays, small summaries as plain
//! objects (`serde-wasm-bindgen`, JSON-compatible). The frame loop and the worker live in JS
//! (`www/lib/`); no model math happens there.
//!
//! Bulk data leaves as flat `Float64Array`s, row-major, with the shapes documented on each getter.
//!
//! Settings arrive as an object of `name → string | number` in the config's camelCase names and
//! are parsed by the core's field table, so every front end (URL hash, attributes, inputs, CLI)
//! gets the same error naming the field and its range.

// A family's module (www/lib/families.js) leaves some shared helpers unused.
#![cfg_attr(not(feature = "all"), allow(dead_code))]

#[cfg(feature = "bayes-regression")]
mod bayes_regression;
#[cfg(feature = "bbb-linreg")]
mod bbb_linreg;
#[cfg(feature = "bbb-logreg")]
mod bbb_logreg;
#[cfg(feature = "bench")]
mod bench;
#[cfg(feature = "density1d")]
mod density1d;
#[cfg(feature = "dropout")]
mod dropout;
#[cfg(feature = "funnel")]
mod funnel;
#[cfg(feature = "implicit-reg")]
mod implicit_reg;
#[cfg(feature = "logreg-panel")]
mod logreg_panel;
#[cfg(feature = "nng")]
mod nng;
#[cfg(feature = "one-epoch")]
mod one_epoch;
mod panic;
#[cfg(feature = "sgd-ou")]
mod sgd_noise;
#[cfg(feature = "sharpness")]
mod sharpness;

#[cfg(feature = "dropout")]
pub use dropout::DropoutRun;
#[cfg(feature = "funnel")]
pub use funnel::FunnelRun;
#[cfg(feature = "implicit-reg")]
pub use implicit_reg::ImplicitRegRun;
#[cfg(feature = "sgd-ou")]
pub use sgd_noise::SgdOuRun;

use noiselab_core::config::ConfigErrors;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serialize a small summary as a plain JS object (maps as objects, u64 as numbers).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
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

/// One error per bad field, for the UI: `{field, message}`.
#[derive(Serialize)]
pub(crate) struct FieldError {
    field: String,
    message: String,
}

pub(crate) fn field_errors(errors: &ConfigErrors) -> Vec<FieldError> {
    errors
        .0
        .iter()
        .map(|e| FieldError {
            field: e.field().to_string(),
            message: e.to_string(),
        })
        .collect()
}

/// The reply of every `…Check(settings)` function: `{ok, settings: name → text | null,
/// errors: [{field, message}]}`.
#[derive(Serialize)]
pub(crate) struct Check {
    ok: bool,
    settings: Option<std::collections::BTreeMap<&'static str, String>>,
    errors: Vec<FieldError>,
}

/// Build the [`Check`] reply from a parse result and the config's `to_settings`.
pub(crate) fn check_reply<C>(
    parsed: Result<C, ConfigErrors>,
    to_settings: impl Fn(&C) -> Vec<(&'static str, String)>,
) -> Result<JsValue, JsError> {
    let check = match parsed {
        Ok(config) => Check {
            ok: true,
            settings: Some(to_settings(&config).into_iter().collect()),
            errors: vec![],
        },
        Err(errors) => Check {
            ok: false,
            settings: None,
            errors: field_errors(&errors),
        },
    };
    to_js(&check)
}

/// A config from a JS settings object through the config's `from_settings` (called with the
/// `(name, text)` pairs), or an `Error` whose message names every bad field and its allowed
/// range, joined by "; ". What every run constructor uses.
pub(crate) fn config_from_js<C>(
    settings: &JsValue,
    from_settings: impl FnOnce(&[(String, String)]) -> Result<C, ConfigErrors>,
) -> Result<C, JsError> {
    let pairs = settings_from_js(settings)?;
    from_settings(&pairs).map_err(|errors| JsError::new(&errors.to_string()))
}

/// `(name, text)` pairs borrowed from [`settings_from_js`]'s output, for `from_settings`.
pub(crate) fn as_pairs(settings: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// A fresh random seed in `[0, 2³²)` from the browser's crypto source, for the "new seed"
/// button. Every other random draw comes from an explicit seed.
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    fill_random(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

#[cfg(target_arch = "wasm32")]
fn fill_random(bytes: &mut [u8]) -> Result<(), JsError> {
    getrandom::fill(bytes).map_err(|e| JsError::new(&format!("no random source: {e}")))
}

#[cfg(not(target_arch = "wasm32"))]
fn fill_random(bytes: &mut [u8]) -> Result<(), JsError> {
    // Native builds of the adapter exist only for `cargo test`; seeds there come from the clock.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    bytes.copy_from_slice(&nanos.to_le_bytes()[..bytes.len()]);
    Ok(())
}
