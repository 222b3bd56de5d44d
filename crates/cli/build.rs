//! The command line's experiments come from the lab's one registry, `www/lib/registry.js`: each
//! kind's module, `src/<kind_snake>.rs`, is declared in OUT_DIR/kinds.rs (included by lib.rs)
//! together with the table of every kind and its module's experiments (`EXPERIMENTS`: the kind's
//! own run and its analyses), in the registry's order. No list of kinds, modules or analyses is
//! kept by hand: a kind without its module stops the build here.

use std::{env, fs, path::Path};

include!("../registry.rs");

fn main() {
    println!("cargo::rerun-if-changed={REGISTRY}");
    println!("cargo::rerun-if-changed=../registry.rs");
    let text = fs::read_to_string(REGISTRY).expect("www/lib/registry.js");
    let kinds = registry_kinds(&text);
    assert!(!kinds.is_empty(), "no kinds found in {REGISTRY}");
    let src = format!(
        "{}/src",
        env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")
    );
    let mut mods = String::new();
    let mut table = String::new();
    for kind in &kinds {
        let snake = snake(kind);
        let file = format!("{src}/{snake}.rs");
        assert!(
            Path::new(&file).exists(),
            "{REGISTRY} has the kind \"{kind}\", but its command-line module crates/cli/src/{snake}.rs \
             is missing (docs/adding-an-experiment.md, \"The command line\")"
        );
        println!("cargo::rerun-if-changed=src/{snake}.rs");
        mods.push_str(&format!("#[path = {file:?}]\nmod {snake};\n"));
        table.push_str(&format!("    ({kind:?}, {snake}::EXPERIMENTS),\n"));
    }
    let generated = format!(
        "{mods}\n/// Every kind of the registry, in its order, with its module's experiments.\n\
         const KINDS: &[(&str, &[Entry])] = &[\n{table}];\n"
    );
    let out = format!("{}/kinds.rs", env::var("OUT_DIR").expect("cargo sets it"));
    fs::write(&out, generated).expect("write OUT_DIR/kinds.rs");
}
