//! The CLI's experiment names are the lab's kinds (www/lib/registry.js): every kind is a value of
//! `run` and `fields`, the old names still work, and a kind and its old name give the same file.
//! Each kind's experiments live in its module `src/<kind_snake>.rs` (build.rs declares the
//! modules from the registry and stops at a kind without one); a module of no kind fails here.

use crate::common::{noiselab, temp};

// The registry as every Rust layer reads it: `registry_kinds`, `snake`.
include!("../../../registry.rs");

/// The kinds of the registry's rows (`{ "kind": "funnel", … }`, one per line).
fn kinds() -> Vec<String> {
    let registry = format!("{}/{REGISTRY}", env!("CARGO_MANIFEST_DIR"));
    let kinds = registry_kinds(&std::fs::read_to_string(registry).unwrap());
    assert_eq!(kinds.len(), 12, "{kinds:?}");
    kinds
}

/// Every file of crates/cli/src is a shared module (declared by `mod` in lib.rs or main.rs) or a
/// registry kind's module (a kind without one stops the build: build.rs).
#[test]
fn every_kind_has_its_module_and_nothing_else_does() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let read = |name: &str| std::fs::read_to_string(format!("{src}/{name}")).unwrap();
    let declared: Vec<String> = ["lib.rs", "main.rs"]
        .iter()
        .flat_map(|f| read(f).lines().map(str::to_string).collect::<Vec<_>>())
        .filter_map(|l| {
            let rest = l.strip_prefix("pub mod ").or(l.strip_prefix("mod "))?;
            Some(rest.strip_suffix(';')?.to_string())
        })
        .collect();
    assert!(declared.contains(&"output".to_string()), "{declared:?}");
    let modules: Vec<String> = kinds().iter().map(|k| snake(k)).collect();
    for m in &modules {
        assert!(!declared.contains(m), "src/{m}.rs is declared by hand");
    }
    for f in std::fs::read_dir(src).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        let stem = name.trim_end_matches(".rs").to_string();
        assert!(
            ["lib", "main"].contains(&stem.as_str())
                || declared.contains(&stem)
                || modules.contains(&stem),
            "crates/cli/src/{name} is neither a shared module nor a registry kind's module"
        );
    }
    // The library's kinds are the registry's, in its order; no analysis is named like a kind.
    assert_eq!(noiselab_cli::kinds(), kinds());
    for a in noiselab_cli::ANALYSES.iter() {
        assert!(!kinds().contains(&a.to_string()), "{a} is a kind");
    }
}

#[test]
fn every_kind_and_every_old_name_is_an_experiment() {
    let help = String::from_utf8(noiselab(&["run", "--help"]).stdout).unwrap();
    let old = [
        "sgd-ou",
        "funnel-compare",
        "sgld",
        "dropout-k",
        "description-length-sweep",
        "sharpness-rescale",
    ];
    for kind in kinds().iter().map(String::as_str).chain(old) {
        let o = noiselab(&["fields", kind]);
        assert!(
            o.status.success(),
            "fields {kind}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.len() > 100, "fields {kind}: no field table");
        if kind != "sgd-ou" {
            assert!(
                help.contains(&format!("- {kind}:")),
                "run --help lacks {kind}: {help}"
            );
        }
    }
    let o = noiselab(&["fields", "sgd-noise"]);
    assert_eq!(o.status.code(), Some(2), "an unknown experiment is refused");
}

#[test]
fn sgd_posterior_is_sgd_ou() {
    let (new, old) = (temp("sgd-posterior.csv"), temp("sgd-ou.csv"));
    for (name, out) in [("sgd-posterior", &new), ("sgd-ou", &old)] {
        let o = noiselab(&[
            "run",
            name,
            "--set",
            "steps=30",
            "--set",
            "chains=10",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let text = std::fs::read_to_string(&new).unwrap();
    assert_eq!(text.lines().count(), 32, "header + steps 0 … 30");
    assert_eq!(text, std::fs::read_to_string(&old).unwrap());
}

/// The library's analyses are the six looks further, and `run_doc` (the Python package's entry)
/// is the document `run --out x.json` writes, to the byte once printed the same way: for a
/// kind (pretty JSON) and for an analysis of one.
#[test]
fn the_library_returns_the_document_the_binary_writes() {
    let mut analyses = noiselab_cli::ANALYSES.to_vec();
    analyses.sort();
    assert_eq!(
        analyses,
        [
            "description-length-sweep",
            "dropout-k",
            "dropout-linear",
            "funnel-compare",
            "sgld",
            "sharpness-rescale"
        ]
    );
    for (kind, set) in [
        (
            "funnel",
            [("steps", "20"), ("trajectories", "30"), ("seed", "4")],
        ),
        ("sgld", [("steps", "30"), ("chains", "10"), ("seed", "2")]),
    ] {
        let out = temp(&format!("{kind}-doc.json"));
        let mut args = vec!["run", kind, "--out", out.to_str().unwrap()];
        let pairs: Vec<String> = set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for p in &pairs {
            args.extend(["--set", p.as_str()]);
        }
        let o = noiselab(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let settings: Vec<(String, String)> = (set.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let doc = noiselab_cli::run_doc(kind, &settings).unwrap();
        let file = std::fs::read_to_string(&out).unwrap();
        assert!(file.len() > 1000, "{kind}: a real document");
        assert_eq!(serde_json::to_string_pretty(&doc).unwrap(), file, "{kind}");
    }
    let err = noiselab_cli::run_doc("funnel", &[("noiseStd".into(), "-1".into())]).unwrap_err();
    assert!(
        err.contains("noiseStd must be a number in [0, 10]"),
        "{err}"
    );
    let err = noiselab_cli::run_doc("sgd-noise", &[]).unwrap_err();
    assert!(
        err.contains(&format!("kinds: {}; analyses: ", kinds().join(", "))) && err.contains("sgld"),
        "{err}"
    );
}
