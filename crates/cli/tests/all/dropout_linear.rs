//! `noiselab run dropout-linear`: the dropout widget's linear-regression view from the command
//! line, with the core's settings table and the browser's numbers.

use crate::common::{noiselab, temp};

#[test]
fn the_linear_view_runs_with_the_widget_numbers() {
    let json = temp("dropout-linear.json");
    let o = noiselab(&["run", "dropout-linear", "--out", json.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["experiment"], "dropout-linear");
    assert_eq!(doc["settings"]["dropoutRate"], "0.6");
    // The widget's defaults (ρ 0.6, seed 1): the numbers of crates/core's linear_view test.
    assert_eq!(doc["view"]["distance"].as_f64(), Some(0.005228963380975102));
    assert_eq!(doc["view"]["mc"].as_f64(), Some(0.9101233682779872));
    assert_eq!(doc["view"]["weights"].as_array().unwrap().len(), 301 * 5);

    let csv = temp("dropout-linear.csv");
    let args = ["run", "dropout-linear", "--set", "dropoutRate=0.3", "--set"];
    let o = noiselab(
        &[
            &args[..],
            &["features=2", "--set", "records=3", "--out"],
            &[csv.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "step,regularizer,objective,w1,w2,avg1,avg2");
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[4].starts_with("60000,"), "{text}");
}

#[test]
fn bad_settings_name_their_field() {
    let out = temp("bad.json");
    let o = noiselab(&[
        "run",
        "dropout-linear",
        "--set",
        "points=8",
        "--set",
        "batchSize=9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("batchSize") && err.contains("points (8)"),
        "{err}"
    );
    let o = noiselab(&["fields", "dropout-linear"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("dropoutRate") && table.contains("a number in [0, 0.95]"),
        "{table}"
    );
}
