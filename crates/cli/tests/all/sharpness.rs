//! `noiselab run sharpness|sharpness-rescale` end to end: the documented files, and bad settings
//! exit with status 2 naming the field.

use crate::common::{noiselab, temp};

// "budget=epochs": the default became "same steps" (2,000) in issue 17; these runs stay short.
const QUICK: [&str; 14] = [
    "--set",
    "budget=epochs",
    "--set",
    "trainPoints=48",
    "--set",
    "largeBatch=48",
    "--set",
    "hiddenUnits=6",
    "--set",
    "epochs=3",
    "--set",
    "checkpoints=3",
    "--set",
    "repeats=1",
];

#[test]
fn run_sharpness_writes_one_row_per_measurement_and_json_with_slices() {
    let out = temp("sharpness.csv");
    let mut args = vec!["run", "sharpness"];
    args.extend(QUICK);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = noiselab(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 3, "header + 3 measurements × 2 runs");
    assert!(lines[0].starts_with("run,large,repeat,batchSize,step,epoch,trainLoss"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("λ_max(H)"));

    let out = temp("sharpness.json");
    let mut args = vec!["run", "sharpness"];
    args.extend(QUICK);
    // After QUICK: the last --set of a name wins.
    args.extend(["--set", "budget=steps", "--set", "steps=20"]);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = noiselab(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["settings"]["budget"], "steps");
    assert_eq!(doc["snapshot"]["runs"][1]["step"], 20);
    assert_eq!(doc["slice"]["alongTop"].as_array().unwrap().len(), 2);
    assert!(
        doc["snapshot"]["runs"][0]["last"]["lambdaMax"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

#[test]
fn run_sharpness_rescale_and_bad_settings() {
    let out = temp("rescale.csv");
    let o = noiselab(&["run", "sharpness-rescale", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 42);
    assert!(lines[0].starts_with("a,lambdaMax,"));
    // λ_max grows toward a = 10 while the loss stays put.
    let row = |l: &str| -> Vec<f64> { l.split(',').map(|v| v.parse().unwrap()).collect() };
    let (first, last) = (row(lines[1]), row(lines[41]));
    assert_eq!((first[0], last[0]), (0.25, 10.0));
    assert!(last[1] > 10.0 * first[1]);
    assert!((last[4] - first[4]).abs() <= 1e-12 * (1.0 + first[4]));

    let o = noiselab(&[
        "run",
        "sharpness",
        "--set",
        "smallBatch=0",
        "--out",
        temp("bad.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("smallBatch"), "{err}");
}
