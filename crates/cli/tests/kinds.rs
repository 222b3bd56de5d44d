//! The CLI's experiment names are the lab's kinds (www/lib/registry.js): every kind is a value of
//! `run` and `fields`, the old names still work, and a kind and its old name give the same file.

mod common;
use common::{noiselab, temp};

/// The kinds of the registry's rows (`{ "kind": "funnel", … }`, one per line).
fn kinds() -> Vec<String> {
    let registry = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/lib/registry.js");
    let text = std::fs::read_to_string(registry).unwrap();
    let kinds: Vec<String> = (text.split("\"kind\": \"").skip(1))
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(kinds.len(), 12, "{kinds:?}");
    kinds
}

#[test]
fn every_kind_and_every_old_name_is_an_experiment() {
    let help = String::from_utf8(noiselab(&["run", "--help"]).stdout).unwrap();
    let old = [
        "sgd-ou",
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
