//! The `noiselab` binary end to end: runs write the documented files, bad settings exit with
//! status 2 and a message naming the field and its range.

use crate::common::{noiselab, temp};

#[test]
fn run_funnel_writes_one_csv_row_per_step() {
    let out = temp("funnel.csv");
    let o = noiselab(&[
        "run",
        "funnel",
        "--set",
        "steps=25",
        "--set",
        "trajectories=10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 27, "header + steps 0 … 25");
    assert!(lines[0].starts_with("step,meanX,meanY"));
}

#[test]
fn run_dropout_and_dropout_k() {
    let out = temp("dropout.json");
    let o = noiselab(&[
        "run",
        "dropout",
        "--set",
        "steps=40",
        "--set",
        "recordEvery=10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["settings"]["steps"], "40");
    assert!(doc["history"].as_array().unwrap().len() >= 5);

    let out = temp("dropout-k.csv");
    let o = noiselab(&[
        "run",
        "dropout-k",
        "--set",
        "steps=20",
        "--set",
        "recordEvery=10",
        "--set",
        "dropK=4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    for variant in ["drop1", "dropK", "explicitOnly", "knockIn", "none"] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{variant},"))),
            "{variant}"
        );
    }
}

#[test]
fn bad_settings_exit_2_naming_the_field() {
    let out = temp("bad.json");
    let o = noiselab(&[
        "run",
        "dropout",
        "--set",
        "batchSize=100",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("batchSize must be from 1 to trainPoints (40); got 100"),
        "{err}"
    );
    let o = noiselab(&[
        "run",
        "funnel",
        "--set",
        "learningRate=-1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("learningRate must be a number in (0, 1]; got -1"));
    let o = noiselab(&[
        "run",
        "funnel",
        "--set",
        "oops",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn run_nng_writes_csv_and_json_and_rejects_bad_settings() {
    let out = temp("nng.csv");
    let o = noiselab(&[
        "run",
        "nng",
        "--set",
        "steps=30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 32, "header + steps 0 … 30");
    assert_eq!(
        lines[0],
        "step,klFull,klNoisyAdam,klNoisyKfac,precisionErrorFull"
    );
    let out = temp("nng.json");
    let o = noiselab(&[
        "run",
        "nng",
        "--set",
        "steps=50",
        "--set",
        "klWeight=0.5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["settings"]["klWeight"], "0.5");
    assert_eq!(doc["history"].as_array().unwrap().len(), 51);
    assert_eq!(doc["snapshot"]["methods"].as_array().unwrap().len(), 3);
    assert_eq!(doc["ellipses"].as_array().unwrap().len(), 4 * 96 * 2);
    let o = noiselab(&[
        "run",
        "nng",
        "--set",
        "klWeight=2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("klWeight must be a number in (0, 1]; got 2")
    );
}

#[test]
fn run_bayes_regression_writes_the_bands() {
    let csv = temp("bayes-regression.csv");
    let quick = [
        "--set",
        "trainingSteps=300",
        "--set",
        "hmcSamples=20",
        "--set",
        "hiddenUnits=6",
        "--set",
        "dataPoints=10",
    ];
    let mut args = vec!["run", "bayes-regression"];
    args.extend(quick);
    args.extend(["--out", csv.to_str().unwrap()]);
    let o = noiselab(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 181, "header + one row per grid x");
    assert!(lines[0].starts_with("x,mapMean,mapStd,laplaceMean"));
    assert!(lines[0].ends_with("hmcMean,hmcStd"));
    assert!(!text.contains("NaN"), "every method finished");
    let json = temp("bayes-regression.json");
    let mut args = vec!["run", "bayes-regression"];
    args.extend(quick);
    args.extend(["--out", json.to_str().unwrap()]);
    assert!(noiselab(&args).status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["history"].as_array().unwrap().len(), 181);
    assert_eq!(doc["historyFields"][0], "x");
    assert_eq!(doc["data"]["inputs"].as_array().unwrap().len(), 10);
    assert_eq!(doc["snapshot"]["stage"], "done");
    let o = noiselab(&[
        "run",
        "bayes-regression",
        "--set",
        "laplace=kfac",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("laplace must be one of"));
}

#[test]
fn run_implicit_reg_writes_one_csv_row_per_sweep_point() {
    let out = temp("implicit-reg.csv");
    let o = noiselab(&[
        "run",
        "implicit-reg",
        "--set",
        "trainPoints=16",
        "--set",
        "steps=20",
        "--set",
        "sweepPoints=3",
        "--set",
        "hiddenUnits=4",
        "--set",
        "batchSize=4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Header, 3 learning rates, batch sizes 1, 2, 4, 8, 16.
    assert_eq!(lines.len(), 1 + 3 + 5, "{text}");
    assert!(
        lines[0].starts_with("sweep,learningRate,batchSize,steps,traceCoefficient,sgdTrainLoss")
    );
    let last: Vec<f64> = lines[8].split(',').map(|v| v.parse().unwrap()).collect();
    // The last point is the batch sweep at B = N: SGD is full-batch GD, the trace term is 0.
    assert_eq!((last[0], last[2], last[4]), (1.0, 16.0, 0.0));
    assert_eq!(last[7], last[15], "SGD at B = N has GD's test loss");
    // sampling=iid: i.i.d. batches change SGD's numbers, not GD's; the setting is in the JSON.
    let json = temp("implicit-reg-iid.json");
    let mut args = vec!["run", "implicit-reg"];
    for s in [
        "trainPoints=16",
        "steps=20",
        "sweepPoints=3",
        "hiddenUnits=4",
        "batchSize=4",
        "sampling=iid",
    ] {
        args.extend(["--set", s]);
    }
    args.extend(["--out", json.to_str().unwrap()]);
    let o = noiselab(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["settings"]["sampling"], "iid");
    let first: Vec<f64> = lines[1].split(',').map(|v| v.parse().unwrap()).collect();
    let iid = doc["history"][0].as_array().unwrap();
    let iid: Vec<f64> = iid.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect();
    assert_eq!(iid[13], first[13], "GD on J does not sample");
    assert_ne!(
        iid[5], first[5],
        "SGD's training loss changes with the sampler"
    );
    // A batch size above N is rejected, naming the field.
    let o = noiselab(&[
        "run",
        "implicit-reg",
        "--set",
        "trainPoints=16",
        "--set",
        "batchSize=32",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("batchSize must be at most trainPoints (16)")
    );
}

#[test]
fn run_one_epoch_writes_one_csv_row_per_learning_rate() {
    let out = temp("one-epoch.csv");
    let o = noiselab(&[
        "run",
        "one-epoch",
        "--set",
        "halvings=2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3, "{text}");
    assert_eq!(
        lines[0],
        "learningRate,gapFlowJ,gapFlowJR,gapFlowVariant,displacement,gapFlowNoTrace,\
         comparisonGapFlowJ,comparisonGapFlowJR,comparisonGapFlowNoTrace,comparisonDisplacement"
    );
    let row = |i: usize| -> Vec<f64> { lines[i].split(',').map(|v| v.parse().unwrap()).collect() };
    let (first, last) = (row(1), row(3));
    assert_eq!((first[0], last[0]), (0.1, 0.025));
    // J + R is closer than J, and shrinks faster (≈ 64× vs ≈ 16× over two halvings).
    assert!(first[2] < 0.1 * first[1] && first[1] / last[1] < 20.0 && first[2] / last[2] > 50.0);
    // The no-trace flow (the variant's default noTrace) is second order for reshuffling; the
    // comparison (i.i.d. batches) is third order to it and second order to J + R.
    assert_eq!(first[3], first[5]);
    assert!(first[5] / last[5] < 20.0);
    assert!(first[8] / last[8] > 50.0 && first[7] / last[7] < 20.0);
    // sampling=iid swaps the roles: its JSON names the setting and both schemes.
    let json = temp("one-epoch-iid.json");
    let o = noiselab(&[
        "run",
        "one-epoch",
        "--set",
        "halvings=2",
        "--set",
        "sampling=iid",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["settings"]["sampling"], "iid");
    let result = &doc["result"];
    assert_eq!(result["sampling"], "iid");
    assert_eq!(result["orderings"], 36);
    assert_eq!(result["comparison"]["sampling"], "reshuffle");
    assert_eq!(result["comparison"]["orderings"], 24);
    let slope = |v: &serde_json::Value| v["slope"].as_f64().unwrap();
    assert!(slope(&result["flowNoTrace"]) > 2.8 && slope(&result["flowJr"]) < 2.2);
    assert!(slope(&result["comparison"]["flowJr"]) > 2.8);
    // A batch size that does not divide N is rejected, naming the field.
    let o = noiselab(&[
        "run",
        "one-epoch",
        "--set",
        "batchSize=3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("batchSize must be"));
}

#[test]
fn run_funnel_writes_both_flows_matching_the_core() {
    use noiselab_core::funnel::{FunnelConfig, FunnelFlows};
    // The flows depend on cost, α, start and steps only; the core's FunnelFlows is the reference.
    let config = FunnelConfig {
        learning_rate: 0.3,
        steps: 40,
        start_x: -1.0,
        start_y: 2.0,
        ..FunnelConfig::default()
    };
    let core = FunnelFlows::new(&config);
    let sets = [
        "learningRate=0.3",
        "steps=40",
        "startX=-1",
        "startY=2",
        "trajectories=5",
    ];
    let args = |out: &std::path::Path| {
        let mut a = vec!["run", "funnel"];
        sets.iter().for_each(|s| a.extend(["--set", s]));
        a.extend(["--out", out.to_str().unwrap()]);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let out = temp("funnel-flows.csv");
    let o = noiselab(&args(&out).iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 42, "header + steps 0 … 40");
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(
        &header[header.len() - 4..],
        &["flowX", "flowY", "modifiedFlowX", "modifiedFlowY"]
    );
    assert_eq!(
        header[..13].join(","),
        "step,meanX,meanY,seMeanX,sdX,sdY,meanY2,seMeanY2,fractionDiverged,alive,gdX,gdY,meanCost"
    );
    for (t, line) in lines[1..].iter().enumerate() {
        // CSV cells are the shortest round-trip form: bit-equal after parsing.
        let cells: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        let n = cells.len();
        assert_eq!(cells[0], t as f64);
        assert_eq!(cells[n - 4..n - 2], core.gradient_flow[t], "t = {t}");
        assert_eq!(cells[n - 2..], core.modified_flow[t], "t = {t}");
    }

    let out = temp("funnel-flows.json");
    let o = noiselab(&args(&out).iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for (key, flow) in [
        ("gradientFlow", &core.gradient_flow),
        ("modifiedFlow", &core.modified_flow),
    ] {
        let points = doc[key].as_array().unwrap();
        assert_eq!(points.len(), 41, "{key}");
        for (t, p) in points.iter().enumerate() {
            assert_eq!(p["t"], t, "{key}");
            // serde_json's default float parsing may be an ulp or two off the shortest form written.
            for (got, want) in [(&p["x"], flow[t][0]), (&p["y"], flow[t][1])] {
                let got = got.as_f64().unwrap();
                assert!(
                    (got - want).abs() <= 1e-15 * want.abs(),
                    "{key} t = {t}: {got} vs {want}"
                );
            }
        }
    }
    assert_eq!(doc["flowTolerance"]["abs"], 1e-10);
    assert_eq!(doc["flowStats"]["modified"]["reached"], 40);
    assert_eq!(
        doc["historyFields"].as_array().unwrap().len(),
        13,
        "the history is unchanged"
    );
}
