// The lab's one list of experiments, www/lib/registry.js (one JSON row per kind), as the Rust
// side reads it, and the names a kind gives by convention. Included (`include!`) by
// crates/wasm/build.rs, crates/cli/build.rs and the tests that check files against the registry,
// so every layer reads the kinds and derives a name from a kind in this one way.

/// The registry, from a crate's directory (`crates/<crate>/`).
#[allow(dead_code)]
const REGISTRY: &str = "../../www/lib/registry.js";

/// The kinds of the registry's rows (`{ "kind": "funnel", … }`), in the registry's order.
#[allow(dead_code)]
fn registry_kinds(text: &str) -> Vec<String> {
    text.split("\"kind\": \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// A kind's Rust module and file stem: `one-epoch` → `one_epoch` (its wasm adapter and its CLI
/// module are `src/one_epoch.rs` of their crates).
#[allow(dead_code)]
fn snake(kind: &str) -> String {
    kind.replace('-', "_")
}

/// A kind's wasm class: `one-epoch` → `OneEpoch`.
#[allow(dead_code)]
fn pascal(kind: &str) -> String {
    kind.split('-')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect()
}
