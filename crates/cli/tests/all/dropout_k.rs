//! `noiselab run dropout-k`: Wei et al.'s comparison (the core's `WeiComparison`, the browser's
//! Wei view) with the dropout settings but `variant`, which the comparison varies.

use crate::common::{noiselab, temp};

#[test]
fn the_comparison_takes_the_dropout_settings_without_variant_and_reads_its_own_json() {
    let o = noiselab(&["fields", "dropout-k"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("dropK") && table.contains("seed"), "{table}");
    assert!(!table.contains("variant"), "{table}");

    let bad = temp("dropout-k-bad.json");
    let o = noiselab(&[
        "run",
        "dropout-k",
        "--set",
        "variant=dropK",
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("variant"));

    // Its JSON's settings are a valid --config for the same run: the same file again.
    let (a, b) = (temp("dropout-k-a.json"), temp("dropout-k-b.json"));
    let args = [
        "--set",
        "steps=30",
        "--set",
        "recordEvery=10",
        "--set",
        "seed=4",
    ];
    let o = noiselab(
        &[
            &["run", "dropout-k"][..],
            &args,
            &["--out", a.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = noiselab(&[
        "run",
        "dropout-k",
        "--config",
        a.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(a, b);
    let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(doc["runs"].as_array().unwrap().len(), 5);
    assert_eq!(doc["runs"][0]["history"].as_array().unwrap().len(), 4);
    assert!(doc["settings"].get("variant").is_none());
}
