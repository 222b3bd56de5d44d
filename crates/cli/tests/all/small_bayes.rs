//! `noiselab run laplace-vb|bbb-linreg` end to end: the documented files with the numbers the
//! browser shows (closed forms checked in the core's tests), and bad settings exit 2 naming the
//! field.

use crate::common::{noiselab, temp};

#[test]
fn laplace_vb_json_and_csv() {
    let json_out = temp("laplace-vb.json");
    let o = noiselab(&["run", "laplace-vb", "--out", json_out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    assert_eq!(v["settings"]["slope"], "20");
    let a = &v["analysis"];
    // Bishop's example (SCIENCE.md §5): the mode and Laplace precision the widget shows.
    assert!((a["mode"].as_f64().unwrap() - 0.0775).abs() < 1e-3);
    assert!((a["laplacePrecision"].as_f64().unwrap() - 2.5436).abs() < 1e-3);
    assert_eq!(v["history"].as_array().unwrap().len(), 481);
    assert_eq!(v["historyFields"][0], "z");
    assert_eq!(v["historyFields"][8], "negLogQMomentMatched");

    // slope 0: p is the standard normal times ½, every Gaussian is exact.
    let csv_out = temp("laplace-vb.csv");
    let o = noiselab(&[
        "run",
        "laplace-vb",
        "--set",
        "slope=0",
        "--out",
        csv_out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv_out).unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("z,p,qLaplace,qVariational,qMomentMatched,"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 481);
    for r in &rows {
        for q in &r[2..5] {
            assert!((q - r[1]).abs() < 1e-9 * (1.0 + r[1]), "{r:?}");
        }
    }
}

#[test]
fn bbb_linreg_runs_to_the_end_below_the_evidence() {
    let out = temp("bbb-linreg.json");
    let o = noiselab(&[
        "run",
        "bbb-linreg",
        "--set",
        "steps=600",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["snapshot"]["stopReason"], "done");
    let fields = v["historyFields"].as_array().unwrap();
    let column = |name: &str| fields.iter().position(|f| f == name).unwrap();
    let history = v["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last[column("step")], 600.0);
    let evidence = v["reference"]["logEvidence"].as_f64().unwrap();
    let gap = v["reference"]["meanFieldGap"].as_f64().unwrap();
    let elbo = last[column("elbo")].as_f64().unwrap();
    // The exact ELBO never exceeds ln p(D), and no factorized q beats the mean-field gap.
    assert!(
        elbo <= evidence - gap + 1e-9,
        "ELBO {elbo}, ln p(D) {evidence}, gap {gap}"
    );
    assert_eq!(v["snapshot"]["mean"].as_array().unwrap().len(), 2);
    assert_eq!(v["snapshot"]["std"].as_array().unwrap().len(), 2);

    let csv = temp("bbb-linreg.csv");
    let o = noiselab(&[
        "run",
        "bbb-linreg",
        "--set",
        "steps=50",
        "--set",
        "localReparam=on",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("step,elbo,"));
    assert!(text.lines().count() >= 2);
}

#[test]
fn bad_settings_exit_2_naming_the_field() {
    let out = temp("bad.json");
    for (experiment, setting, field) in [
        ("laplace-vb", "slope=nan", "slope"),
        ("bbb-linreg", "learningRate=-1", "learningRate"),
        ("bbb-linreg", "localReparam=maybe", "localReparam"),
    ] {
        let o = noiselab(&[
            "run",
            experiment,
            "--set",
            setting,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{experiment} {setting}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(field),
            "{experiment} {setting}"
        );
    }
}
