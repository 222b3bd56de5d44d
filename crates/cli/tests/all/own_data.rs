//! `noiselab run <kind> --data file.csv` (issue 20): the same run as `--set data=…` with the
//! parser's text, and as a JSON config holding the data; a bad file exits with status 2 and a
//! message naming the file, the line and the column.

use crate::common::{noiselab, temp};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn run_json(args: &[&str]) -> (serde_json::Value, String) {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = temp(&format!("own-{n}.json"));
    let mut all = args.to_vec();
    all.extend(["--out", out.to_str().unwrap()]);
    let o = noiselab(&all);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{args:?}: {err}");
    let doc = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    (doc, err)
}

#[test]
fn data_file_equals_set_data_and_a_json_config() {
    let file = format!("{ROOT}/examples/data/dropout-xor.csv");
    let common = [
        "run",
        "dropout",
        "--set",
        "steps=30",
        "--set",
        "recordEvery=10",
    ];
    let mut with_file = common.to_vec();
    with_file.extend(["--data", file.as_str()]);
    let (a, err) = run_json(&with_file);
    assert!(
        err.contains("your data: 60 train, 20 test (every fourth row is a test row)"),
        "{err}"
    );
    let text = a["settings"]["data"].as_str().unwrap().to_string();
    assert_eq!(text.split("; ").count(), 80);
    let set = format!("data={text}");
    let mut with_set = common.to_vec();
    with_set.extend(["--set", set.as_str()]);
    let (b, _) = run_json(&with_set);
    assert_eq!(a["history"], b["history"]);
    assert_eq!(a["settings"], b["settings"]);
    // A JSON config with the data as arrays of rows.
    let rows: Vec<Vec<f64>> = text
        .split("; ")
        .map(|r| r.split(' ').map(|v| v.parse().unwrap()).collect())
        .collect();
    let config = temp("own-config.json");
    let json = serde_json::json!({ "steps": 30, "recordEvery": 10, "data": rows });
    std::fs::write(&config, json.to_string()).unwrap();
    let (c, _) = run_json(&["run", "dropout", "--config", config.to_str().unwrap()]);
    assert_eq!(a["history"], c["history"]);
    // Own data differs from the seeded run.
    let (d, _) = run_json(&common);
    assert_ne!(a["history"], d["history"]);
}

#[test]
fn every_sample_file_runs_in_its_experiment() {
    for (kind, file, extra) in [
        (
            "bayes-regression",
            "bayes-regression-clusters.csv",
            vec!["trainingSteps=100", "hmcSamples=10"],
        ),
        (
            "logreg-posterior",
            "logreg-posterior-blobs.csv",
            vec!["hmcSamples=20", "importanceSamples=100"],
        ),
        (
            "sharpness",
            "sharpness-moons.csv",
            vec!["steps=20", "checkpoints=2", "repeats=1"],
        ),
        (
            "implicit-reg",
            "implicit-reg-circles.csv",
            vec!["steps=10", "sweepPoints=2", "sgdRuns=1"],
        ),
        (
            "dropout",
            "dropout-wave-gap.csv",
            vec!["task=regression", "steps=20", "learningRate=0.01"],
        ),
    ] {
        let path = format!("{ROOT}/examples/data/{file}");
        let mut args = vec!["run", kind, "--data", path.as_str()];
        for e in &extra {
            args.extend(["--set", e]);
        }
        let (doc, err) = run_json(&args);
        assert!(err.contains("your data: "), "{kind}: {err}");
        assert!(
            !doc["settings"]["data"].as_str().unwrap().is_empty(),
            "{kind}"
        );
    }
}

#[test]
fn a_bad_file_names_the_file_line_and_column() {
    let bad = temp("bad.csv");
    std::fs::write(&bad, "x1,x2,y\n1,2,0\n0.5,abc,1\n").unwrap();
    let out = temp("never.json");
    let o = noiselab(&[
        "run",
        "dropout",
        "--data",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.trim(),
        format!(
            "noiselab: {}: line 3, column \"x2\": \"abc\" is not a number",
            bad.display()
        )
    );
    assert!(!out.exists());
    // The columns follow the task: a regression reads x (here the alias x1) and y, ignores x2,
    // and then finds no test row among 2.
    let o = noiselab(&[
        "run",
        "dropout",
        "--set",
        "task=regression",
        "--data",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.csv: no test rows; dropout needs at least 1"),
        "{err}"
    );
    // A kind without data says which kinds take it.
    let o = noiselab(&[
        "run",
        "funnel",
        "--data",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("funnel takes no data file"));
}
