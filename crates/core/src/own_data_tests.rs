//! The CSV parser: formats, every error, the split rule, the sample files.

use super::*;

fn cls() -> DataSpec {
    DataSpec::dropout(Task::Xor)
}

fn reg() -> DataSpec {
    DataSpec::dropout(Task::Regression)
}

fn parse(text: &str, spec: &DataSpec) -> Result<OwnData, String> {
    parse_csv(text.as_bytes(), spec).map_err(|e| e.to_string())
}

fn err(text: &str, spec: &DataSpec) -> String {
    parse(text, spec).expect_err(text)
}

#[test]
fn reads_a_plain_file_with_every_fourth_row_as_test() {
    let d = parse("x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n", &cls()).unwrap();
    assert_eq!((d.rows, d.train_rows, d.test_rows), (5, 4, 1));
    assert_eq!(d.text(), "1 2 0 0; 3 4 1 0; 5 6 0 0; 7 8 1 1; 9 10 0 0");
    assert!(!d.split_column);
    assert_eq!(
        d.summary(),
        "your data: 4 train, 1 test (every fourth row is a test row); columns x1, x2, y"
    );
    // Rows 4, 8, 12 of the data (not of the file: the header and blank lines do not count).
    let mut text = String::from("\n\nx1,x2,y\n");
    for i in 1..=12 {
        text += &format!("{i},0,1\n\n");
    }
    let d = parse(&text, &cls()).unwrap();
    let tests: Vec<f64> = (0..12)
        .filter(|&i| d.matrix.get(i, 3) == 1.0)
        .map(|i| d.matrix.get(i, 0))
        .collect();
    assert_eq!(tests, vec![4.0, 8.0, 12.0]);
}

#[test]
fn split_column_aliases_case_and_extra_columns() {
    let text = "ID, Label ,X2,x1,Split,notes\n\
                a,1,0.5,-0.25,Train,x\n\
                b,0,1e-3,2,TEST,y\n\
                c,1,3,4, train ,z\n";
    let d = parse(text, &cls()).unwrap();
    assert_eq!(d.text(), "-0.25 0.5 1 0; 2 0.001 0 1; 4 3 1 0");
    assert_eq!((d.train_rows, d.test_rows, d.split_column), (2, 1, true));
    assert_eq!(d.columns, vec!["x1", "X2", "Label", "Split"]);
    assert_eq!(d.ignored, vec!["ID", "notes"]);
    assert!(d.summary().contains("2 train, 1 test (split column)"));
    assert!(
        d.summary().ends_with("ignored: ID, notes"),
        "{}",
        d.summary()
    );
    // Regression: x and t; an exact `x` wins over the alias `x1`.
    let d = parse("x1,x,t\n9,1,2\n9,3,4\n9,5,6\n9,7,8\n", &reg()).unwrap();
    assert_eq!(d.text(), "1 2 0; 3 4 0; 5 6 0; 7 8 1");
    assert_eq!(d.ignored, vec!["x1"]);
    // Without a test set the split column is ignored and every row is data.
    let d = parse(
        "x,y,split\n1,2,test\n3,4,train\n",
        &DataSpec::bayes_regression(),
    )
    .unwrap();
    assert_eq!((d.text().as_str(), d.test_rows), ("1 2; 3 4", 0));
    assert_eq!(d.ignored, vec!["split"]);
    assert_eq!(
        d.summary(),
        "your data: 2 points; columns x, y; ignored: split"
    );
}

#[test]
fn delimiters_quotes_bom_and_crlf() {
    let want = "1.5 -2 1 0; 3 4 0 0; 5 6 1 0; 7 8 0 1";
    let rows = [
        ["1.5", "-2", "1"],
        ["3", "4", "0"],
        ["5", "6", "1"],
        ["7", "8", "0"],
    ];
    for delim in [",", ";", "\t"] {
        let mut t = ["x1", "x2", "y"].join(delim) + "\r\n";
        for r in rows {
            t += &(r.join(delim) + "\r\n");
        }
        assert_eq!(parse(&t, &cls()).unwrap().text(), want, "{delim:?}");
        let bom = [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat();
        assert_eq!(parse_csv(&bom, &cls()).unwrap().text(), want);
    }
    // Quoted names and values, a quoted delimiter, "" and a line break inside quotes.
    let t = "\"x1\",\"x2\",\"y\",\"note, with comma\"\n\
             \"1.5\", \"-2\",1,\"say \"\"hi\"\"\"\n\
             3,4,0,\"two\nlines\"\n5,6,1,\"\"\n7,8,0,x\n";
    let d = parse(t, &cls()).unwrap();
    assert_eq!(d.text(), want);
    assert_eq!(d.ignored, vec!["note, with comma"]);
    // A semicolon file with decimal points and commas inside quotes: the header decides.
    let t = "x1;x2;y;c\n1.5;-2;1;\"a,b,c,d\"\n3;4;0;e\n5;6;1;f\n7;8;0;g\n";
    assert_eq!(parse(t, &cls()).unwrap().text(), want);
    // No trailing newline, trailing all-blank rows (",,") skipped.
    let t = "x1,x2,y\n1.5,-2,1\n3,4,0\n,,\n5,6,1\n7,8,0";
    assert_eq!(parse(t, &cls()).unwrap().text(), want);
}

#[test]
fn every_error_names_the_problem_line_and_column() {
    let cases: Vec<(&str, DataSpec, &str)> = vec![
        ("", cls(), "the file is empty"),
        (" \n\t\r\n  ", cls(), "the file is empty"),
        ("x1,x2,y\n\n", cls(), "no data rows after the header"),
        (
            "x1,x2,y\n1,2,0\n1,2,1\n1,2,0\n1,2,1\n1,2,0\nabc,2,1\n",
            cls(),
            "line 7, column \"x1\": \"abc\" is not a number",
        ),
        ("x1,x2,y\n1,2,0\n1,2\n", cls(), "line 3: 2 fields, the header has 3"),
        ("x1,x2,y\n1,2,0,4\n", cls(), "line 2: 4 fields, the header has 3"),
        (
            "a,b,c\n1,2,3\n",
            cls(),
            "missing column \"x1\" (or x_1) (the header has: a, b, c; needed: x1, x2, y)",
        ),
        (
            "x1,x2\n1,2\n",
            cls(),
            "missing column \"y\" (or t, label, target, class) (the header has: x1, x2; needed: x1, x2, y)",
        ),
        (
            "x1,x2,y\n1,2,0.5\n",
            cls(),
            "line 2, column \"y\": \"0.5\" is not a class label (0 or 1)",
        ),
        (
            "x1,x2,y\n1,2,0\n1e300,2,1\n",
            cls(),
            "line 3, column \"x1\": \"1e300\" is outside [-1000, 1000]",
        ),
        ("x1,x2,y\n1,NaN,0\n", cls(), "line 2, column \"x2\": \"NaN\" is NaN, not a number"),
        ("x1,x2,y\n-inf,1,0\n", cls(), "line 2, column \"x1\": \"-inf\" is infinite"),
        ("x1,x2,y\n1, ,0\n", cls(), "line 2, column \"x2\": empty, not a number"),
        (
            "x,y\n1,2\n1,2\n1,2\n1,20\n",
            DataSpec::bayes_regression(),
            "line 5, column \"y\": \"20\" is outside [-10, 10]",
        ),
        (
            "x1,x2,y,split\n1,2,0,train\n1,2,0,dev\n",
            cls(),
            "line 3, column \"split\": \"dev\" is not train or test",
        ),
        (
            "x1,x2,y\n1,2,0\n\"1,2,0\n1,2,0\n",
            cls(),
            "line 3: a quoted field is not closed (a \" without its closing \")",
        ),
        (
            "x1,x2,y\n\"1\"x,2,0\n",
            cls(),
            "line 2: text after a closing quote",
        ),
        (
            "x1,x2,t,label\n1,2,0,1\n",
            cls(),
            "columns \"t\" and \"label\" both give column y; keep one",
        ),
        (
            "x1,x2,y\n1,2,0\n1,2,1\n1,2,0\n",
            cls(),
            "no test rows; dropout needs at least 1 (without a split column every fourth data row is a test row)",
        ),
        (
            "x1,x2,y,split\n1,2,0,test\n1,2,1,test\n",
            cls(),
            "0 training row(s); dropout needs at least 2",
        ),
        (
            "x1,x2,y,split\n1,2,0,train\n1,2,1,test\n",
            DataSpec::implicit_reg(),
            "1 training rows; implicit-reg needs 16, 32, 64 or 128 (every power-of-two batch size must divide N)",
        ),
    ];
    for (text, spec, want) in cases {
        let e = err(text, &spec);
        assert!(e.starts_with(want), "{text:?}\n got: {e}\nwant: {want}");
    }
    // Non-UTF-8: the line and the byte within it (1-based).
    let bytes = b"x1,x2,y\n1,2,0\n1,2,1\n1,2,\xff\n";
    assert_eq!(
        parse_csv(bytes, &cls()).unwrap_err().to_string(),
        "not UTF-8 text (line 4, byte 5)"
    );
    // Limits.
    let mut big = String::from("x1,x2,y\n");
    for _ in 0..5001 {
        big += "1,2,0\n";
    }
    assert_eq!(
        err(&big, &cls()),
        "too many rows: 5,001 (at most 2,000 for dropout)"
    );
    let wide = (0..150)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    assert_eq!(
        err(&wide, &cls()),
        "too many columns: the header has 150 (at most 100)"
    );
    let huge = vec![b' '; MAX_FILE_BYTES + 1];
    assert_eq!(
        parse_csv(&huge, &cls()).unwrap_err().to_string(),
        "file too large: 1,048,577 bytes (at most 1 MiB = 1,048,576 bytes)"
    );
}

#[test]
fn specs_follow_the_task_and_state_their_limits() {
    let s = DataSpec::for_kind("dropout", &[("task", "regression")]).unwrap();
    assert_eq!(s.matrix_columns(), vec!["x", "y", "test"]);
    let s = DataSpec::for_kind("dropout", &[]).unwrap();
    assert_eq!(s.matrix_columns(), vec!["x1", "x2", "y", "test"]);
    assert_eq!(
        s.description,
        "columns x1 (a number in [-1000, 1000]), x2 (a number in [-1000, 1000]), y (0 or 1); an optional split column (train or test; without it every fourth data row is a test row); at most 2,000 rows; at least 2 training rows"
    );
    let s = DataSpec::for_kind("sharpness", &[("task", "moons")]).unwrap();
    assert_eq!((s.min_train, s.max_rows), (16, 2000));
    assert_eq!(
        DataSpec::for_kind("bayes-regression", &[])
            .unwrap()
            .matrix_columns(),
        vec!["x", "y"]
    );
    assert_eq!(
        DataSpec::for_kind("logreg-posterior", &[])
            .unwrap()
            .matrix_columns(),
        vec!["x1", "x2", "y"]
    );
    assert!(DataSpec::for_kind("implicit-reg", &[])
        .unwrap()
        .description
        .contains("16, 32, 64 or 128 training rows"));
    let e = DataSpec::for_kind("funnel", &[]).unwrap_err();
    assert!(
        e.starts_with("funnel takes no data file; own data works in dropout"),
        "{e}"
    );
    let e = DataSpec::for_kind("dropout", &[("task", "blobs")]).unwrap_err();
    assert!(e.starts_with("task must be one of"), "{e}");
}

#[test]
fn matrix_check_names_the_row_and_column() {
    let s = cls();
    let m = |t: &str| Matrix::parse(t).unwrap();
    assert_eq!(s.check_matrix(&m("")), Ok(()));
    assert_eq!(s.check_matrix(&m("1 2 0 0; 1 2 1 0; 3 4 1 1")), Ok(()));
    assert_eq!(
        s.check_matrix(&m("1 2 0")).unwrap_err(),
        "got 3 number(s) per row, need 4 (x1 x2 y test)"
    );
    assert_eq!(
        s.check_matrix(&m("1 2 0 0; 1 2 0.5 0")).unwrap_err(),
        "row 2, y: 0.5 is not a class label (0 or 1)"
    );
    assert_eq!(
        s.check_matrix(&m("1 2 0 0; 1 2 1 2")).unwrap_err(),
        "row 2, test: 2 is not 0 or 1"
    );
    assert_eq!(
        s.check_matrix(&m("1 2 0 0; 1 2 1 0")).unwrap_err(),
        "no test rows; dropout needs at least 1"
    );
    assert_eq!(
        s.check_matrix(&m("1 2000 0 0; 1 2 1 0")).unwrap_err(),
        "row 1, x2: 2000 is outside [-1000, 1000]"
    );
}

#[test]
fn own_data_round_trips_the_numbers_exactly() {
    let vals: [f64; 6] = [0.1 + 0.2, -1e-7, 1.0 / 3.0, 999.999_999_999_9, -0.0, 5e-324];
    let mut t = String::from("x,y\n");
    for (i, v) in vals.iter().enumerate() {
        t += &format!("{v:e},{}\n", vals[(i + 1) % vals.len()]);
    }
    let d = parse(&t, &reg()).unwrap();
    let back = Matrix::parse(&d.text()).unwrap();
    assert_eq!(back, d.matrix);
    for (i, v) in vals.iter().enumerate() {
        assert_eq!(back.get(i, 0).to_bits(), v.to_bits());
    }
    // to_csv is parse_csv's inverse.
    let again = parse(&to_csv(&reg(), &d.matrix), &reg()).unwrap();
    assert_eq!(again.matrix, d.matrix);
}

/// The samples of examples/data/, with the kind and settings each is for.
/// `(file, kind, settings)`.
type Sample = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

pub(crate) fn samples() -> Vec<Sample> {
    vec![
        ("dropout-xor.csv", "dropout", vec![("task", "xor")]),
        (
            "dropout-wave-gap.csv",
            "dropout",
            vec![("task", "regression")],
        ),
        ("bayes-regression-clusters.csv", "bayes-regression", vec![]),
        ("logreg-posterior-blobs.csv", "logreg-posterior", vec![]),
        ("sharpness-moons.csv", "sharpness", vec![]),
        ("implicit-reg-circles.csv", "implicit-reg", vec![]),
    ]
}

pub(crate) fn sample_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_sample_file_is_valid_for_its_widget() {
    let counts = [
        (80, 60, 20),
        (48, 36, 12),
        (31, 31, 0),
        (24, 24, 0),
        (128, 64, 64),
        (64, 32, 32),
    ];
    for ((name, kind, settings), want) in samples().into_iter().zip(counts) {
        let spec = DataSpec::for_kind(kind, &settings).unwrap();
        let d = parse_csv(&sample_bytes(name), &spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((d.rows, d.train_rows, d.test_rows), want, "{name}");
        // The text is a valid `data` setting of the kind with those settings.
        let mut s: Vec<(&str, &str)> = settings.clone();
        let text = d.text();
        s.push(("data", &text));
        let ok = match kind {
            "dropout" => crate::dropout::DropoutConfig::from_settings(s).map(|_| ()),
            "sharpness" => crate::sharpness::SharpnessConfig::from_settings(s).map(|_| ()),
            "implicit-reg" => crate::implicit_reg::ImplicitRegConfig::from_settings(s).map(|_| ()),
            "bayes-regression" => {
                crate::bayes_regression::RegressionConfig::from_settings(s).map(|_| ())
            }
            _ => crate::bayes::logreg_posterior::LogRegPanelConfig::from_settings(s).map(|_| ()),
        };
        ok.unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let d = parse_csv(
        &sample_bytes("logreg-posterior-blobs.csv"),
        &DataSpec::logreg_posterior(),
    )
    .unwrap();
    assert_eq!(d.ignored, vec!["id"]);
}

// ---- Own data equal to the seeded data gives bit-identical runs (the same code path) ----

use crate::experiment::Lab;

/// The seeded data of `split` written out as CSV (with a split column), read back as own data:
/// the `data` setting's text.
fn as_own_data(spec: &DataSpec, m: &Matrix) -> String {
    let csv = to_csv(spec, m);
    let d = parse_csv(csv.as_bytes(), spec).unwrap();
    assert_eq!(&d.matrix, m, "CSV round trip");
    d.text()
}

/// Run `seeded` and `own` settings `steps` steps: identical history bits and snapshots.
fn same_run<L: Lab>(seeded: &[(&str, &str)], own: &[(&str, &str)], steps: usize)
where
    L::Snapshot: serde::Serialize,
{
    let mut a = L::from_settings(seeded.iter().copied()).unwrap();
    let mut b = L::from_settings(own.iter().copied()).unwrap();
    a.run(steps);
    b.run(steps);
    assert!(a.steps_done() > 0);
    assert_eq!(a.steps_done(), b.steps_done());
    let bits = |h: &[f64]| h.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(a.run_record().history()),
        bits(b.run_record().history())
    );
    assert_eq!(
        serde_json::to_string(&a.snapshot()).unwrap(),
        serde_json::to_string(&b.snapshot()).unwrap()
    );
}

#[test]
fn dropout_on_its_seeded_data_as_a_file_is_bit_identical() {
    use crate::dropout::{DropoutConfig, DropoutTraining};
    for task in ["xor", "regression"] {
        let seeded = [
            ("task", task),
            ("steps", "60"),
            ("recordEvery", "10"),
            ("seed", "5"),
        ];
        let c = DropoutConfig::from_settings(seeded).unwrap();
        let text = as_own_data(&DataSpec::dropout(c.task), &c.split().to_matrix());
        // trainPoints and noise are ignored once data is given.
        let mut own = seeded.to_vec();
        own.extend([
            ("data", text.as_str()),
            ("noise", "0.9"),
            ("trainPoints", "300"),
        ]);
        same_run::<DropoutTraining>(&seeded, &own, 60);
        let run = DropoutTraining::from_settings(own).unwrap();
        assert_eq!(run.data(), &c.split(), "{task}");
    }
}

#[test]
fn sharpness_on_its_seeded_data_as_a_file_is_bit_identical() {
    use crate::sharpness::{BatchSizeExperiment, SharpnessConfig};
    let seeded = [
        ("steps", "30"),
        ("checkpoints", "2"),
        ("repeats", "1"),
        ("trainPoints", "32"),
        ("testPoints", "32"),
        ("largeBatch", "32"),
        ("hiddenUnits", "4"),
    ];
    let c = SharpnessConfig::from_settings(seeded).unwrap();
    let text = as_own_data(&DataSpec::sharpness(c.task), &c.split().to_matrix());
    let mut own = seeded.to_vec();
    own.extend([("data", text.as_str()), ("labelNoise", "0.4")]);
    same_run::<BatchSizeExperiment>(&seeded, &own, 1000);
    let run = BatchSizeExperiment::from_settings(own).unwrap();
    let snap = crate::experiment::Experiment::snapshot(&run);
    assert_eq!((snap.train_points, snap.test_points), (32, 32));
}

#[test]
fn implicit_reg_on_its_seeded_data_as_a_file_is_bit_identical() {
    use crate::implicit_reg::{ImplicitRegConfig, ImplicitRegSweep};
    let seeded = [
        ("trainPoints", "16"),
        ("testPoints", "50"),
        ("steps", "10"),
        ("sweepPoints", "2"),
        ("sgdRuns", "1"),
        ("hiddenUnits", "4"),
    ];
    let c = ImplicitRegConfig::from_settings(seeded).unwrap();
    let text = as_own_data(&DataSpec::implicit_reg(), &c.split().to_matrix());
    let mut own = seeded.to_vec();
    own.extend([("data", text.as_str()), ("noise", "0.7")]);
    same_run::<ImplicitRegSweep>(&seeded, &own, 3);
    let (a, b) = (
        ImplicitRegSweep::from_settings(seeded).unwrap(),
        ImplicitRegSweep::from_settings(own.iter().copied()).unwrap(),
    );
    // Own data gets its own cache keys; no data keeps the keys of before.
    assert!(!a.point_key(0).contains("data"));
    assert!(b.point_key(0).contains("data#"));
    assert_eq!(a.rows().len(), b.rows().len());
}

#[test]
fn bayes_regression_on_its_seeded_data_as_a_file_is_bit_identical() {
    use crate::bayes_regression::{RegressionConfig, RegressionData, RegressionRun};
    let seeded = [
        ("dataPoints", "12"),
        ("trainingSteps", "100"),
        ("hmcSamples", "10"),
        ("leapfrogSteps", "5"),
        ("hiddenUnits", "4"),
        ("addedPoints", "0 0.5; 3 -1"),
    ];
    let c = RegressionConfig::from_settings(seeded).unwrap();
    let d = RegressionData::two_clusters(12, c.noise_variance, c.seed as u64);
    let rows: Vec<Vec<f64>> = (0..d.len())
        .map(|i| vec![d.inputs[i], d.targets[i]])
        .collect();
    let text = as_own_data(&DataSpec::bayes_regression(), &Matrix::from_rows(&rows));
    let mut own = seeded.to_vec();
    own.extend([("data", text.as_str()), ("dataPoints", "100")]);
    same_run::<RegressionRun>(&seeded, &own, 400);
    // The added points still go on top of own data.
    assert_eq!(RegressionRun::from_settings(own).unwrap().data().len(), 14);
}

#[test]
fn logreg_posterior_on_its_seeded_data_as_a_file_is_bit_identical() {
    use crate::bayes::logreg_posterior::{analyze_panel, LogRegPanelConfig};
    let seeded =
        LogRegPanelConfig::from_settings([("hmcSamples", "20"), ("importanceSamples", "100")])
            .unwrap();
    let d = seeded.data();
    let rows: Vec<Vec<f64>> = (0..d.labels.len())
        .map(|i| vec![d.inputs[i][0], d.inputs[i][1], d.labels[i]])
        .collect();
    let text = as_own_data(&DataSpec::logreg_posterior(), &Matrix::from_rows(&rows));
    let own = LogRegPanelConfig::from_settings([
        ("hmcSamples", "20"),
        ("importanceSamples", "100"),
        ("data", text.as_str()),
        ("dataPoints", "3"),
    ])
    .unwrap();
    assert_eq!(own.data(), d);
    let (a, b) = (
        analyze_panel(&seeded, seeded.data(), 11, 5),
        analyze_panel(&own, own.data(), 11, 5),
    );
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn batch_sizes_are_checked_against_own_data() {
    let text = "1 2 0 0; 3 4 1 0; 5 6 0 0; 7 8 1 1";
    let e = crate::dropout::DropoutConfig::from_settings([("data", text), ("batchSize", "10")])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "batchSize must be from 1 to the training rows of your data (3); got 10"
    );
    let e = crate::dropout::DropoutConfig::from_settings([("data", "1 2 0.5 0; 1 1 1 1")])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("data must be empty or rows \"x1 x2 y test\""),
        "{e}"
    );
    assert!(
        e.ends_with("row 1, y: 0.5 is not a class label (0 or 1)"),
        "{e}"
    );
    // A regression task with classification rows: the column count is named.
    let e = crate::dropout::DropoutConfig::from_settings([("task", "regression"), ("data", text)])
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("got 4 number(s) per row, need 3 (x y test)"),
        "{e}"
    );
    let rows: String = (0..40)
        .map(|i| format!("{i} 0 {} {}", i % 2, (i % 4 == 3) as u8))
        .collect::<Vec<_>>()
        .join("; ");
    let e = crate::sharpness::SharpnessConfig::from_settings([("data", rows.as_str())])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("largeBatch must be from 1 to the training rows of your data (N = 30); got 64"),
        "{e}"
    );
}

#[test]
fn dropout_draws_around_own_data_and_no_true_curve() {
    use crate::dropout::DropoutTraining;
    let rows = "0 10 0 0; 4 20 1 0; 2 15 0 0; 1 12 1 1";
    let run = DropoutTraining::from_settings([("data", rows), ("batchSize", "2")]).unwrap();
    let d = run.domain();
    assert_eq!((d.x_min, d.x_max, d.y_min, d.y_max), (-0.4, 4.4, 9.0, 21.0));
    // The readout's "your data: 3 train, 1 test".
    let snap = crate::experiment::Experiment::snapshot(&run);
    assert_eq!((snap.train_points, snap.test_points), (3, 1));
    let reg = DropoutTraining::from_settings([
        ("task", "regression"),
        ("data", "0 1 0; 2 3 0; 1 2 1"),
        ("batchSize", "2"),
    ])
    .unwrap();
    assert!(reg.true_curve(5).iter().all(|v| v.is_nan()));
    let seeded = DropoutTraining::from_settings([("task", "regression")]).unwrap();
    assert!(seeded.true_curve(5).iter().all(|v| v.is_finite()));
    assert_eq!(seeded.domain(), crate::data::Task::Regression.domain());
}

#[test]
fn seeded_settings_are_the_fields_the_data_help_names() {
    use crate::config::{Config, FieldSpec};
    let tables: [(&str, &[FieldSpec]); 5] = [
        ("dropout", &crate::dropout::FIELDS),
        ("sharpness", &crate::sharpness::FIELDS),
        ("implicit-reg", &crate::implicit_reg::FIELDS),
        (
            "bayes-regression",
            &crate::bayes_regression::REGRESSION_FIELDS,
        ),
        (
            "logreg-posterior",
            <crate::bayes::logreg_posterior::LogRegPanelConfig as Config>::FIELDS,
        ),
    ];
    for (kind, fields) in tables {
        let spec = DataSpec::for_kind(kind, &[]).unwrap();
        assert!(!spec.seeded_settings.is_empty(), "{kind}");
        assert_eq!(
            (spec.max_columns, spec.max_bytes),
            (MAX_COLUMNS, MAX_FILE_BYTES)
        );
        let help = fields.iter().find(|f| f.name == "data").unwrap().help;
        for name in spec.seeded_settings {
            assert!(
                fields.iter().any(|f| f.name == *name),
                "{kind}: {name} is no field"
            );
            // "trueWeight1/2" names both weights.
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                help.contains(stem),
                "{kind}: the data help does not name {name}"
            );
        }
    }
}

#[test]
fn the_spec_from_the_task_alone_is_the_spec_from_the_field_table() {
    for kind in KINDS {
        let tasks: Vec<Option<&str>> = match *kind {
            "dropout" | "sharpness" => std::iter::once(None)
                .chain(Task::OPTIONS.iter().map(|(v, _)| Some(*v)))
                .collect(),
            _ => vec![None],
        };
        for task in tasks {
            let settings: Vec<(&str, &str)> = task.map(|t| ("task", t)).into_iter().collect();
            assert_eq!(
                DataSpec::for_kind_task(kind, task),
                DataSpec::for_kind(kind, &settings),
                "{kind} {task:?}"
            );
        }
    }
    assert!(DataSpec::for_kind_task("dropout", Some("blobs")).is_err());
    assert!(DataSpec::for_kind_task("funnel", None).is_err());
}
