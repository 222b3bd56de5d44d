//! `noiselab run logreg-posterior|description-length|description-length-sweep`: the files
//! hold the documented numbers; bad settings exit with status 2 naming the field.

use crate::common::{noiselab, temp};

#[test]
fn logreg_posterior_writes_the_comparison() {
    let out = temp("logreg.csv");
    let o = noiselab(&[
        "run",
        "logreg-posterior",
        "--set",
        "hmcSamples=50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("name,mean1,mean2"));
    assert!(lines[1].starts_with("laplace,") && lines[4].starts_with("truePosterior,"));
    // KL(q‖p(w|D)) ≥ 0 for every Gaussian.
    for l in &lines[1..4] {
        let kl: f64 = l.split(',').nth(7).unwrap().parse().unwrap();
        assert!(kl >= -1e-9, "{l}");
    }
    let json = temp("logreg.json");
    let o = noiselab(&[
        "run",
        "logreg-posterior",
        "--set",
        "dataPoints=20",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["settings"]["dataPoints"], "20");
    assert_eq!(doc["hmcSamples"].as_array().unwrap().len(), 1200);
    // The data as the history (the widget's export): 20 rows x1, x2, y.
    assert_eq!(doc["historyFields"], serde_json::json!(["x1", "x2", "y"]));
    assert_eq!(doc["history"].as_array().unwrap().len(), 20);
}

#[test]
fn logreg_posterior_reports_importance_sampling_at_the_test_input() {
    // The predictives at x* (`analysis.testPoint`: plug-in, probit, Laplace average, IS,
    // truth) and the sampler's numbers; the IS estimate within 4 SE of the truth; c = 2c*
    // (safe) by default and flagged infinite-variance at c = 1 (no quadrature limits); the same
    // seed gives the same numbers.
    let run = |extra: &[&str], name: &str| {
        let out = temp(name);
        let mut args = vec!["run", "logreg-posterior", "--set", "hmcSamples=0"];
        args.extend(extra);
        args.extend(["--out", out.to_str().unwrap()]);
        let o = noiselab(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        (doc, String::from_utf8_lossy(&o.stdout).to_string())
    };
    let (doc, stdout) = run(&["--set", "importanceSamples=4000"], "is.json");
    let t = &doc["analysis"]["testPoint"];
    for k in ["plugIn", "probit", "laplaceAverage"] {
        let p = t["laplace"][k].as_f64().unwrap();
        assert!(p > 0.0 && p < 1.0, "{k} {p}");
    }
    let is = &t["importance"];
    let (est, se, truth) = (
        is["estimate"].as_f64().unwrap(),
        is["standardError"].as_f64().unwrap(),
        t["truth"].as_f64().unwrap(),
    );
    assert!((est - truth).abs() < 4.0 * se, "{est} ± {se} vs {truth}");
    assert_eq!(is["samples"], 4000);
    assert_eq!(t["input"], serde_json::json!([2.0, 2.0]));
    let (c, c_star) = (
        is["proposalScale"].as_f64().unwrap(),
        is["criticalProposalScale"].as_f64().unwrap(),
    );
    assert_eq!(c, 2.0 * c_star);
    assert_eq!(is["finiteVariance"], true);
    let ess = is["effectiveSampleSize"].as_f64().unwrap();
    assert!(ess > 1.0 && ess < 4000.0);
    assert!(t["limits"]["asymptoticVariance"].as_f64().unwrap() > 0.0);
    assert!(
        stdout.contains("IS ") && stdout.contains("ESS "),
        "{stdout}"
    );
    let (again, _) = run(&["--set", "importanceSamples=4000"], "is2.json");
    assert_eq!(again["analysis"]["testPoint"], doc["analysis"]["testPoint"]);
    let (plain, stdout) = run(&["--set", "proposalScale=laplace"], "is-plain.json");
    let t = &plain["analysis"]["testPoint"];
    assert_eq!(
        (
            t["importance"]["proposalScale"].as_f64(),
            &t["importance"]["finiteVariance"]
        ),
        (Some(1.0), &serde_json::json!(false))
    );
    assert!(t["limits"].is_null());
    assert!(stdout.contains("infinite weight variance"), "{stdout}");
}

#[test]
fn logreg_posterior_data_rows_from_a_settings_file() {
    // The `data` matrix (rows x1 x2 y) from a JSON settings file (arrays) replaces the seeded
    // set; a bad label is exit 2 naming the field.
    let cfg = temp("lr-data.json");
    std::fs::write(
        &cfg,
        r#"{"data": [[1, 0.5, 1], [-1, -0.5, 0], [0.25, 2, 1]], "hmcSamples": 0, "importanceSamples": 500}"#,
    )
    .unwrap();
    let out = temp("lr-data-out.json");
    let o = noiselab(&[
        "run",
        "logreg-posterior",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        doc["history"],
        serde_json::json!([[1.0, 0.5, 1.0], [-1.0, -0.5, 0.0], [0.25, 2.0, 1.0]])
    );
    let o = noiselab(&[
        "run",
        "logreg-posterior",
        "--set",
        "data=1 0.5 2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("data must be"));
}

#[test]
fn description_length_run_and_sweep() {
    let out = temp("mdl.csv");
    let o = noiselab(&[
        "run",
        "description-length",
        "--set",
        "steps=30",
        "--set",
        "testPoints=200",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 32, "header + steps 0 … 30");
    assert!(lines[0].starts_with("step,elbo,expectedLogLikelihood,klNats,klBits"));

    let out = temp("sweep.json");
    let o = noiselab(&[
        "run",
        "description-length-sweep",
        "--set",
        "steps=20",
        "--set",
        "dataPoints=50",
        "--set",
        "testPoints=200",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let pts = doc["points"].as_array().unwrap();
    assert_eq!(pts.len(), 11);
    for p in pts {
        let e = &p["evaluation"];
        assert!(e["langfordSeegerBound"].as_f64().unwrap() >= e["trainError"].as_f64().unwrap());
    }
    assert!(String::from_utf8_lossy(&o.stderr).contains("11 of 11"));
}

#[test]
fn bad_settings_exit_2_naming_the_field() {
    let out = temp("bad.json");
    let o = noiselab(&[
        "run",
        "description-length",
        "--set",
        "confidence=0.9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("confidence must be a number in (0, 0.5]; got 0.9"));
    let o = noiselab(&[
        "run",
        "logreg-posterior",
        "--set",
        "variationalFamily=wide",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("variationalFamily"));
}
