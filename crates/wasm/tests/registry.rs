//! The lab's one registry of experiments (www/lib/registry.js) against the files that follow
//! from a kind by convention: the adapter file `src/<kind_snake>.rs` (declared in lib.rs under
//! `#[cfg(kind = "<kind>")]`, defining the class `<Pascal>` with `lab!`), the widget
//! `www/widgets/<kind>.js`, and the worker module `www/lib/experiments/<kind>.js` exactly when the
//! row says `"extras": true`. Fails when a row and the files disagree.

use std::fs;
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// `(kind, family, extras)` of every registry row.
fn rows() -> Vec<(String, String, bool)> {
    let text = fs::read_to_string(format!("{ROOT}/www/lib/registry.js")).unwrap();
    let field = |line: &str, name: &str| {
        let rest = line.split(&format!("\"{name}\": ")).nth(1)?;
        Some(
            rest.trim_start_matches('"')
                .split(['"', ',', ' '])
                .next()?
                .to_string(),
        )
    };
    text.lines()
        .filter(|l| l.trim_start().starts_with("{ \"kind\""))
        .map(|l| {
            let extras = field(l, "extras").expect("extras");
            (
                field(l, "kind").unwrap(),
                field(l, "family").unwrap(),
                extras == "true",
            )
        })
        .collect()
}

// `snake`, `pascal`: the names a kind gives, derived as the build scripts derive them.
include!("../../registry.rs");

#[test]
fn every_kind_has_its_files_and_nothing_else_does() {
    let rows = rows();
    assert_eq!(rows.len(), 12, "rows of www/lib/registry.js: {rows:?}");
    for (kind, family, extras) in &rows {
        assert!(!family.is_empty(), "{kind}: no family");
        let snake = snake(kind);
        let adapter = fs::read_to_string(format!("{ROOT}/crates/wasm/src/{snake}.rs")).unwrap();
        let class = pascal(kind);
        assert!(
            adapter.contains(&format!("lab!(run {class}: "))
                || adapter.contains(&format!("lab!(compute {class}: ")),
            "src/{snake}.rs does not define the class {class} with lab!"
        );
        assert!(
            Path::new(&format!("{ROOT}/www/widgets/{kind}.js")).exists(),
            "www/widgets/{kind}.js"
        );
        let worker = Path::new(&format!("{ROOT}/www/lib/experiments/{kind}.js")).exists();
        assert_eq!(
            worker, *extras,
            "www/lib/experiments/{kind}.js exists = {worker}, registry extras = {extras}"
        );
    }
    // No adapter file or worker module for a kind the registry does not have.
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for f in fs::read_dir(format!("{ROOT}/crates/wasm/src")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        let stem = name.trim_end_matches(".rs").replace('_', "-");
        let shared =
            ["lib", "lab", "bench", "panic", "own_data"].contains(&name.trim_end_matches(".rs"));
        assert!(
            shared || kinds.contains(&stem.as_str()),
            "crates/wasm/src/{name} is neither shared nor a registry kind's adapter"
        );
    }
    for dir in ["www/lib/experiments"] {
        for f in fs::read_dir(format!("{ROOT}/{dir}")).unwrap() {
            let name = f.unwrap().file_name().into_string().unwrap();
            let kind = name.trim_end_matches(".js");
            assert!(kinds.contains(&kind), "{dir}/{name} is not a registry kind");
        }
    }
}
