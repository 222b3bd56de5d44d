//! `noiselab run funnel-compare`: the funnel widget's "Compare σ" from the command line. Each
//! σ's columns are the numbers of a separate `noiselab run funnel` with that σ.

use crate::common::{noiselab, temp};

fn csv(args: &[&str], name: &str) -> Vec<Vec<String>> {
    let out = temp(name);
    let o = noiselab(&[args, &["--out", out.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn column<'a>(table: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let c = table[0].iter().position(|h| h == name).expect(name);
    table[1..].iter().map(|r| r[c].as_str()).collect()
}

#[test]
fn each_sigma_is_its_own_funnel_run() {
    let set = [
        "--set",
        "steps=60",
        "--set",
        "trajectories=50",
        "--set",
        "seed=3",
    ];
    let cmp = csv(&[&["run", "funnel-compare"], &set[..]].concat(), "cmp.csv");
    assert_eq!(cmp[0][..4], ["step", "gdX", "gdY", "sigma1Drift"]);
    assert_eq!((cmp.len(), cmp[0].len()), (62, 24));
    for (k, sigma) in ["0.5", "1", "2"].iter().enumerate() {
        let s = format!("noiseStd={sigma}");
        let one = csv(
            &[&["run", "funnel", "--set", &s], &set[..]].concat(),
            &format!("one{k}.csv"),
        );
        let n = k + 1;
        let num = |v: &str| v.parse::<f64>().unwrap();
        let drift: Vec<String> = (column(&one, "meanX").iter().zip(column(&one, "gdX")))
            .map(|(m, g)| (num(m) - num(g)).to_string())
            .collect();
        assert_eq!(
            column(&cmp, &format!("sigma{n}Drift")),
            drift,
            "σ = {sigma}"
        );
        for (ours, theirs) in [
            ("SeDrift", "seMeanX"),
            ("MeanX", "meanX"),
            ("MeanY", "meanY"),
            ("MeanY2", "meanY2"),
            ("SeMeanY2", "seMeanY2"),
            ("Alive", "alive"),
        ] {
            let mine = column(&cmp, &format!("sigma{n}{ours}"));
            assert_eq!(mine, column(&one, theirs), "σ = {sigma}: {ours}");
        }
        assert_eq!(column(&cmp, "gdX"), column(&one, "gdX"));
    }
}

#[test]
fn the_json_has_each_runs_drift_and_the_verdict() {
    let out = temp("cmp.json");
    let args = ["run", "funnel-compare", "--set", "steps=40", "--set"];
    let o = noiselab(
        &[
            &args[..],
            &["trajectories=30", "--out", out.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = String::from_utf8_lossy(&o.stdout);
    assert!(
        line.contains("σ = 0.5: ") && line.contains("M = 30"),
        "{line}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["experiment"], "funnel-compare");
    assert_eq!(doc["settings"]["noiseStd3"], "2");
    assert_eq!(doc["snapshot"]["runs"].as_array().unwrap().len(), 3);
    assert!(doc["snapshot"]["grows"].is_boolean());
    assert_eq!(doc["history"].as_array().unwrap().len(), 41);
    let o = noiselab(&[
        "run",
        "funnel-compare",
        "--set",
        "noiseStd2=0.4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("noiseStd2 must be greater than noiseStd1 (0.5)"),
        "{err}"
    );
}
