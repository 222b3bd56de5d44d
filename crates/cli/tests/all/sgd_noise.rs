//! `noiselab run sgld|sgd-ou` end to end: files written with one row per step, the theory in
//! the JSON, bad settings exit 2 naming the field, divergence reported.

use crate::common::{noiselab, temp};

#[test]
fn run_sgd_ou_csv_and_json() {
    let csv = temp("ou.csv");
    let o = noiselab(&[
        "run",
        "sgd-ou",
        "--set",
        "steps=40",
        "--set",
        "chains=20",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 42, "header + steps 0 … 40");
    assert!(lines[0].starts_with("step,meanX,meanY,covXX"));
    let json = temp("ou.json");
    let o = noiselab(&[
        "run",
        "sgd-ou",
        "--set",
        "steps=40",
        "--set",
        "chains=20",
        "--set",
        "problem=custom",
        "--set",
        "method=precondBayes",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // The kind, as in the widget's export (also when run by its old name).
    assert_eq!(doc["experiment"], "sgd-posterior");
    let post = doc["theory"]["posterior"].as_array().unwrap();
    let cont = doc["theory"]["continuous"].as_array().unwrap();
    for (a, b) in post.iter().zip(cont) {
        // Preconditioning by (2B/(αN))C⁻¹: the continuous Σ is exactly H⁻¹/N.
        assert!((a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-12);
    }
    assert_eq!(doc["history"].as_array().unwrap().len(), 41);
    assert_eq!(
        doc["rateSweep"]["learningRate"].as_array().unwrap().len(),
        60
    );
    // Closed-form error bars (SCIENCE.md §8) beside the empirical ones.
    assert_eq!(doc["theory"]["errorBarsExact"], true);
    assert_eq!(
        doc["theory"]["secondMomentTau"].as_array().unwrap().len(),
        4
    );
    assert!(doc["theory"]["traceTau"].as_f64().unwrap() > 0.0);
    let snap = &doc["snapshot"];
    for key in ["averageCovarianceSe", "averageCovarianceSeTheory"] {
        assert_eq!(snap[key].as_array().unwrap().len(), 4, "{key}");
    }
    assert!(snap["traceRatioSeTheory"].is_number() || snap["traceRatioSeTheory"].is_null());
}

/// `--set problem=spectrum --set dimension=5`: the d-dimensional theory with documented keys.
#[test]
fn run_sgd_ou_in_five_dimensions() {
    let json = temp("ou5.json");
    let o = noiselab(&[
        "run",
        "sgd-posterior",
        "--set",
        "problem=spectrum",
        "--set",
        "dimension=5",
        "--set",
        "projectJ=4",
        "--set",
        "steps=30",
        "--set",
        "chains=10",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("d = 5") && stdout.contains("α*"),
        "{stdout}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let full = &doc["theory"]["full"];
    assert_eq!(full["dimension"], 5);
    assert_eq!(full["projection"], serde_json::json!([1, 4]));
    for key in [
        "hessian",
        "noiseCovariance",
        "posterior",
        "continuous",
        "discrete",
    ] {
        let m = full[key].as_array().unwrap_or_else(|| panic!("{key}"));
        assert_eq!(m.len(), 5, "{key}");
        assert_eq!(m[0].as_array().unwrap().len(), 5, "{key}");
    }
    // α* = 2BD/(N tr C) at the defaults B = 4, N = 100, D = 5.
    let tr: f64 = (0..5)
        .map(|k| full["noiseCovariance"][k][k].as_f64().unwrap())
        .sum();
    let star = full["optimalRate"].as_f64().unwrap();
    assert!((star - 40.0 / (100.0 * tr)).abs() < 1e-12);
    assert!(full["optimalRateKl"].as_f64().unwrap() > 0.0);
    assert!(full["discreteKl"].as_f64().unwrap() > 0.0);
    // The 2×2 theory is the (1, 4) sub-block; positions are projected, positionsFull are not.
    let d = &full["discrete"];
    assert_eq!(doc["theory"]["discrete"][1], d[0][3]);
    assert_eq!(doc["positions"].as_array().unwrap().len(), 20);
    assert_eq!(doc["positionsFull"].as_array().unwrap().len(), 50);
    // Bad input names the field.
    let o = noiselab(&[
        "run",
        "sgd-posterior",
        "--set",
        "dimension=9",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("dimension"));
}

#[test]
fn run_sgld_json_has_the_reference() {
    let json = temp("sgld.json");
    let o = noiselab(&[
        "run",
        "sgld",
        "--set",
        "steps=30",
        "--set",
        "chains=10",
        "--set",
        "convention=lecture",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["settings"]["convention"], "lecture");
    assert!(doc["reference"]["minibatchCovariance"].is_array());
    assert_eq!(doc["positions"].as_array().unwrap().len(), 20);
    let csv = temp("sgld.csv");
    let o = noiselab(&[
        "run",
        "sgld",
        "--set",
        "model=banana",
        "--set",
        "steps=5",
        "--set",
        "chains=4",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("step,learningRate,meanX"));
    assert_eq!(text.lines().count(), 7);
}

#[test]
fn bad_settings_and_divergence() {
    let out = temp("bad.json");
    let o = noiselab(&[
        "run",
        "sgd-ou",
        "--set",
        "h12=5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("h12 must be a number with h12² < h11·h22"),
        "{err}"
    );
    let o = noiselab(&[
        "run",
        "sgld",
        "--set",
        "batchSize=50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("batchSize must be from 1 to dataPoints = 20; got 50"));
    let o = noiselab(&[
        "run",
        "sgd-ou",
        "--set",
        "problem=custom",
        "--set",
        "learningRate=3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("every trajectory diverged") && s.contains("stability limit"),
        "{s}"
    );
}
