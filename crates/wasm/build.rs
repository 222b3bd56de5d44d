//! The experiment kinds come from the lab's one registry, `www/lib/registry.js` (one JSON row per
//! kind): each becomes a value of the `kind` cfg (`#[cfg(kind = "funnel")]`), so a typo is an
//! `unexpected_cfgs` warning and no list of kinds is kept by hand here. `NOISELAB_KINDS`
//! (comma-separated; set by scripts/build-wasm.sh for one family's module) selects the kinds
//! compiled in; unset or `all`, every kind is (what `cargo test` and clippy build); `none`, no
//! kind (the data module, www/pkg/data/).

use std::{env, fs};

include!("../registry.rs");

fn main() {
    println!("cargo::rerun-if-changed={REGISTRY}");
    println!("cargo::rerun-if-changed=../registry.rs");
    println!("cargo::rerun-if-env-changed=NOISELAB_KINDS");
    let text = fs::read_to_string(REGISTRY).expect("www/lib/registry.js");
    let kinds = registry_kinds(&text);
    assert!(!kinds.is_empty(), "no kinds found in {REGISTRY}");
    let values: Vec<String> = kinds.iter().map(|k| format!("\"{k}\"")).collect();
    println!(
        "cargo::rustc-check-cfg=cfg(kind, values({}))",
        values.join(", ")
    );
    println!("cargo::rustc-check-cfg=cfg(all_kinds)");
    let wanted = env::var("NOISELAB_KINDS").unwrap_or_default();
    let selected: Vec<&str> = match wanted.trim() {
        "" | "all" => {
            println!("cargo::rustc-cfg=all_kinds");
            kinds.iter().map(String::as_str).collect()
        }
        "none" => Vec::new(),
        list => list.split(',').map(str::trim).collect(),
    };
    // Each selected kind's adapter file, src/<kind_snake>.rs, declared as a module in
    // OUT_DIR/kinds.rs (included by lib.rs): no list of modules is kept by hand.
    let src = format!(
        "{}/src",
        env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")
    );
    let mut mods = String::new();
    for kind in selected {
        assert!(
            values.contains(&format!("\"{kind}\"")),
            "NOISELAB_KINDS names \"{kind}\", which is not in {REGISTRY}"
        );
        println!("cargo::rustc-cfg=kind=\"{kind}\"");
        let snake = snake(kind);
        mods.push_str(&format!(
            "#[path = {:?}]\nmod {snake};\n",
            format!("{src}/{snake}.rs")
        ));
    }
    let out = format!("{}/kinds.rs", env::var("OUT_DIR").expect("cargo sets it"));
    fs::write(&out, mods).expect("write OUT_DIR/kinds.rs");
}
