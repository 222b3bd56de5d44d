//! Panics. Rust panics abort the wasm instance (`unreachable` trap): the hook first stores the
//! message on `globalThis.__noiselabPanic`, so the worker can report it after catching the
//! `RuntimeError` without calling back into the dead instance; the widget then shows it and its
//! reset starts a fresh worker.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("noiselab (Rust) panicked: {info}");
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str("__noiselabPanic"),
            &JsValue::from_str(&message),
        );
    }));
}

/// Panic on purpose with `message`: lets the browser tests check that a panic is caught, shown
/// and recovered from.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}
