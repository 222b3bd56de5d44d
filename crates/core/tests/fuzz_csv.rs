//! The CSV parser of own data (issue 20, "fuzzed CSV input … never panics and always names the
//! problem"): 10,000 seeded cases, each built for one experiment's spec (valid files in every
//! format the parser accepts, and files with wrong or missing columns, no header, NaN, ±inf,
//! huge values, bad labels and splits, empty or white-space-only text, non-UTF-8 bytes, ragged
//! rows, unbalanced quotes, a BOM, very long lines, too many rows or columns, files over 1 MiB,
//! random bytes), and every case parsed against all six specs inside `catch_unwind`:
//!
//! - it never panics;
//! - every error's message is non-empty and names a line (`line N`, N within the file) or is one
//!   of the whole-file problems;
//! - for its own spec, a valid case gives exactly the generated numbers (bits), split and counts,
//!   and a case with one bad cell names that cell's line and column.
//!
//! No crate beyond the core: the cases come from `SeededRng`. About 1–2 s (`cargo test -p
//! noiselab-core --test fuzz_csv`; the test profile is optimized).

use noiselab_core::data::Task;
use noiselab_core::own_data::{parse_csv, DataSpec, MAX_COLUMNS, MAX_FILE_BYTES};
use noiselab_core::rng::SeededRng;
use std::panic::{catch_unwind, AssertUnwindSafe};

const CASES: usize = 10_000;

struct Gen(SeededRng);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        (self.0.uniform() * n as f64) as usize % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.uniform() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn specs() -> Vec<DataSpec> {
    vec![
        DataSpec::dropout(Task::Xor),
        DataSpec::dropout(Task::Regression),
        DataSpec::sharpness(Task::Moons),
        DataSpec::implicit_reg(),
        DataSpec::bayes_regression(),
        DataSpec::logreg_posterior(),
    ]
}

/// A valid file for `spec`: its bytes, the expected matrix (row-major), the physical line of
/// each data row, and per column of the spec its header name as the parser reports it.
struct Valid {
    lines: Vec<Vec<String>>, // header then data rows, as fields (already quoted if needed)
    expected: Vec<f64>,
    spec_cols: Vec<usize>, // file column index of each spec column
    names: Vec<String>,    // trimmed header names of the file's columns
    split_col: Option<usize>,
    delim: char,
}

fn random_case(g: &mut Gen, name: &str) -> String {
    name.chars()
        .map(|c| {
            if g.chance(0.3) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

fn number(g: &mut Gen, min: f64, max: f64, label: bool) -> (f64, String) {
    if label {
        let v = g.below(2) as f64;
        let t = g
            .pick(&["{}", "{}.0", "{}e0"])
            .replace("{}", &format!("{v}"));
        return (v, t);
    }
    let v = match g.below(6) {
        0 => (g.below(21) as f64 - 10.0).clamp(min, max),
        1 => -0.0,
        2 => {
            if g.chance(0.5) {
                min
            } else {
                max
            }
        }
        3 => (g.0.uniform() * 2.0 - 1.0) * 1e-5,
        _ => min + (max - min) * g.0.uniform(),
    };
    let t = if g.chance(0.3) {
        format!("{v:e}")
    } else {
        format!("{v}")
    };
    (v, t)
}

fn valid(g: &mut Gen, spec: &DataSpec) -> Valid {
    let ncols = spec.columns.len();
    // Rows and split.
    let use_split = spec.has_test && (!spec.train_sizes.is_empty() || g.chance(0.5));
    let (n, tests): (usize, Vec<bool>) = if !spec.train_sizes.is_empty() {
        let train = *g.pick(&[16usize, 32]);
        let test = 1 + g.below(20);
        let mut t: Vec<bool> = (0..train + test).map(|i| i >= train).collect();
        for i in (1..t.len()).rev() {
            let j = g.below(i + 1);
            t.swap(i, j);
        }
        (train + test, t)
    } else {
        let n = 2 * spec.min_train + 4 + g.below(40);
        let n = n.min(spec.max_rows);
        if use_split {
            let mut t: Vec<bool> = (0..n).map(|i| i < 1 + (n - spec.min_train) / 4).collect();
            for i in (1..n).rev() {
                let j = g.below(i + 1);
                t.swap(i, j);
            }
            (n, t)
        } else {
            (
                n,
                (0..n).map(|i| spec.has_test && (i + 1) % 4 == 0).collect(),
            )
        }
    };
    // Columns: the spec's, maybe a split, 0–3 extras, shuffled.
    let mut cols: Vec<(String, usize)> = Vec::new(); // (header text, role: <ncols spec, ncols split, >ncols extra)
    for (j, c) in spec.columns.iter().enumerate() {
        let alias = if g.chance(0.5) {
            c.name
        } else {
            *g.pick(c.aliases)
        };
        cols.push((random_case(g, alias), j));
    }
    if use_split {
        let name = if g.chance(0.7) {
            "split"
        } else {
            *g.pick(&["set", "subset", "SPLIT"])
        };
        cols.push((name.to_string(), ncols));
    }
    for k in 0..g.below(4) {
        let name = g.pick(&[
            "id",
            "note",
            "w",
            "weight",
            "comment, with comma",
            "q\"uote",
        ]);
        cols.push((format!("{name}{k}"), ncols + 1));
    }
    // Regression specs take x1 as an alias of x: an extra never clashes (names above).
    for i in (1..cols.len()).rev() {
        let j = g.below(i + 1);
        cols.swap(i, j);
    }
    let delim = *g.pick(&[',', ';', '\t']);
    let quote = |g: &mut Gen, s: &str, force: bool| -> String {
        let needs = s.contains([',', ';', '\t', '"', '\n']);
        if force || needs || g.chance(0.1) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut lines = vec![];
    let header: Vec<String> = cols
        .iter()
        .map(|(name, _)| {
            let pad = if g.chance(0.1) { " " } else { "" };
            let q = quote(g, name, false);
            format!("{pad}{q}")
        })
        .collect();
    lines.push(header);
    let mut expected = Vec::new();
    for (i, &is_test) in tests.iter().enumerate().take(n) {
        let _ = i;
        let mut row = vec![String::new(); cols.len()];
        let mut vals = vec![0.0; ncols];
        for (f, (_, role)) in cols.iter().enumerate() {
            row[f] = if *role < ncols {
                let c = &spec.columns[*role];
                let (v, t) = number(g, c.min, c.max, c.label);
                vals[*role] = v;
                let pad = if g.chance(0.1) { " " } else { "" };
                if g.chance(0.05) {
                    format!("\"{t}\"")
                } else {
                    format!("{pad}{t}{pad}")
                }
            } else if *role == ncols {
                let s = if is_test { "test" } else { "train" };
                random_case(g, s)
            } else {
                let content = g
                    .pick(&["a", "", "x,y", "say \"hi\"", "12", "é"])
                    .to_string();
                quote(g, &content, false)
            };
        }
        expected.extend_from_slice(&vals);
        if spec.has_test {
            expected.push(is_test as u8 as f64);
        }
        lines.push(row);
    }
    let names = cols
        .iter()
        .map(|(name, _)| name.trim().to_string())
        .collect();
    let spec_cols = (0..ncols)
        .map(|j| cols.iter().position(|(_, r)| *r == j).unwrap())
        .collect();
    let split_col = cols.iter().position(|(_, r)| *r == ncols);
    Valid {
        lines,
        expected,
        spec_cols,
        names,
        split_col,
        delim,
    }
}

/// The file's text; returns it and the physical line of each row of `lines` (1-based).
fn render(g: &mut Gen, v: &Valid) -> (String, Vec<usize>) {
    let eol = if g.chance(0.3) { "\r\n" } else { "\n" };
    let mut out = String::new();
    let mut at = Vec::new();
    let mut line = 1;
    if g.chance(0.1) {
        out.push_str(eol);
        line += 1;
    }
    for (i, fields) in v.lines.iter().enumerate() {
        at.push(line);
        out.push_str(&fields.join(&v.delim.to_string()));
        if i + 1 < v.lines.len() || g.chance(0.8) {
            out.push_str(eol);
            line += 1;
        }
        if i + 1 < v.lines.len() && g.chance(0.03) {
            out.push_str(eol); // a blank line
            line += 1;
        }
    }
    (out, at)
}

/// What a case must give for its own spec.
enum Expect {
    /// Exactly these numbers.
    Valid(Vec<f64>),
    /// An error whose message contains every one of these.
    ErrContains(Vec<String>),
    /// An error starting with this.
    ErrStarts(String),
    /// Anything that does not panic.
    Any,
}

fn case(g: &mut Gen, spec: &DataSpec) -> (Vec<u8>, Expect) {
    let mut v = valid(g, spec);
    let kind = g.below(20);
    let pick_cell = |g: &mut Gen, v: &Valid| {
        let r = 1 + g.below(v.lines.len() - 1);
        let j = g.below(v.spec_cols.len());
        (r, j)
    };
    match kind {
        // Valid files (a third of the cases), some with a BOM.
        0..=5 => {
            let (text, _) = render(g, &v);
            let bytes = if kind == 5 {
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
            } else {
                text.into_bytes()
            };
            (bytes, Expect::Valid(v.expected))
        }
        // NaN, ±inf, huge, not a number, empty, a bad label, in one cell.
        6..=9 => {
            let (r, j) = pick_cell(g, &v);
            let c = &spec.columns[j];
            let bad = if c.label && g.chance(0.5) {
                g.pick(&["0.5", "2", "-1", "yes"]).to_string()
            } else {
                g.pick(&[
                    "NaN",
                    "nan",
                    "inf",
                    "-inf",
                    "+Infinity",
                    "1e300",
                    "-1e5",
                    "abc",
                    "1,5",
                    "0x10",
                    "--1",
                ])
                .to_string()
            };
            // With a `,` delimiter "1,5" would be two fields: quote it.
            let bad = if bad.contains(v.delim) || bad.contains(',') {
                format!("\"{bad}\"")
            } else {
                bad
            };
            let f = v.spec_cols[j];
            v.lines[r][f] = bad;
            let (text, at) = render(g, &v);
            let col = format!("column \"{}\"", v.names[f]);
            (
                text.into_bytes(),
                Expect::ErrContains(vec![format!("line {}, ", at[r]), col]),
            )
        }
        // A bad split value.
        10 if v.split_col.is_some() => {
            let r = 1 + g.below(v.lines.len() - 1);
            let f = v.split_col.unwrap();
            v.lines[r][f] = g.pick(&["dev", "", "1", "trainn"]).to_string();
            let (text, at) = render(g, &v);
            (
                text.into_bytes(),
                Expect::ErrContains(vec![
                    format!("line {}, column \"{}\"", at[r], v.names[f]),
                    "is not train or test".into(),
                ]),
            )
        }
        // Ragged rows.
        10 | 11 => {
            let r = 1 + g.below(v.lines.len() - 1);
            let want = v.lines[0].len();
            if g.chance(0.5) && want > 1 {
                v.lines[r].pop();
            } else {
                v.lines[r].push("7".into());
            }
            let got = v.lines[r].len();
            let (text, at) = render(g, &v);
            (
                text.into_bytes(),
                Expect::ErrStarts(format!(
                    "line {}: {got} fields, the header has {want}",
                    at[r]
                )),
            )
        }
        // A wrong column name, or no header at all.
        12 => {
            let j = g.below(v.spec_cols.len());
            let f = v.spec_cols[j];
            let no_header = g.chance(0.3);
            if no_header {
                v.lines.remove(0);
            } else {
                v.lines[0][f] = "feature_q".into();
            }
            let (text, _) = render(g, &v);
            let want = if no_header {
                "missing column \"".to_string()
            } else {
                format!("missing column \"{}\"", spec.columns[j].name)
            };
            (text.into_bytes(), Expect::ErrStarts(want))
        }
        // Unbalanced quotes.
        13 => {
            let r = 1 + g.below(v.lines.len() - 1);
            let f = g.below(v.lines[r].len());
            v.lines[r][f] = format!("\"{}", v.lines[r][f]);
            let (text, _) = render(g, &v);
            (text.into_bytes(), Expect::Any)
        }
        // Non-UTF-8 bytes.
        14 => {
            let (text, _) = render(g, &v);
            let mut b = text.into_bytes();
            let pos = g.below(b.len() + 1);
            b.insert(pos, *g.pick(&[0xFFu8, 0xC3, 0x80, 0xFE]));
            // The expected position: the first invalid byte (é elsewhere is valid UTF-8).
            let at = std::str::from_utf8(&b).unwrap_err().valid_up_to();
            let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
            let start = b[..at]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |i| i + 1);
            let want = format!("not UTF-8 text (line {line}, byte {})", at - start + 1);
            (b, Expect::ErrStarts(want))
        }
        // Empty or white space only; a header without rows.
        15 => {
            if g.chance(0.5) {
                let t = g.pick(&["", " ", "\n", "\r\n\r\n", " \t \n  ", "\u{feff}"]);
                let want = "the file is empty".to_string();
                (t.as_bytes().to_vec(), Expect::ErrStarts(want))
            } else {
                v.lines.truncate(1);
                let (text, _) = render(g, &v);
                (
                    text.into_bytes(),
                    Expect::ErrStarts("no data rows after the header".into()),
                )
            }
        }
        // Too many rows.
        16 => {
            let extra = spec.max_rows + 1 + g.below(50) - (v.lines.len() - 1);
            let row = v.lines[1].clone();
            for _ in 0..extra {
                v.lines.push(row.clone());
            }
            let rows = v.lines.len() - 1;
            let (text, _) = render(g, &v);
            let want = format!(
                "too many rows: {}",
                noiselab_core::own_data::thousands(rows)
            );
            (text.into_bytes(), Expect::ErrStarts(want))
        }
        // Too many columns.
        17 => {
            let count = MAX_COLUMNS + 1 + g.below(200);
            let header: Vec<String> = (0..count).map(|i| format!("c{i}")).collect();
            let text = format!("{}\n1\n", header.join(","));
            let want = format!("too many columns: the header has {count}");
            (text.into_bytes(), Expect::ErrStarts(want))
        }
        // Very long lines: a long ignored cell (valid) or a long number (an error naming it).
        18 => {
            let r = 1 + g.below(v.lines.len() - 1);
            let long = g.below(200_000) + 1000;
            if g.chance(0.5) {
                let f = v.spec_cols[g.below(v.spec_cols.len())];
                v.lines[r][f] = "9".repeat(long);
                let (text, at) = render(g, &v);
                let want = vec![format!("line {}, column \"{}\"", at[r], v.names[f])];
                (text.into_bytes(), Expect::ErrContains(want))
            } else {
                for row in v.lines.iter_mut() {
                    row.push("z".repeat(if row.len() == v.names.len() { 3 } else { long }));
                }
                v.lines[0].last_mut().unwrap().clear();
                v.lines[0].last_mut().unwrap().push_str("long");
                let (text, _) = render(g, &v);
                if text.len() > MAX_FILE_BYTES {
                    (
                        text.into_bytes(),
                        Expect::ErrStarts("file too large".into()),
                    )
                } else {
                    (text.into_bytes(), Expect::Valid(v.expected))
                }
            }
        }
        // Over 1 MiB (rarely: it allocates), or random bytes.
        _ => {
            if g.chance(0.02) {
                let b = vec![b'1'; MAX_FILE_BYTES + 1 + g.below(100)];
                (b, Expect::ErrStarts("file too large: ".into()))
            } else {
                let len = g.below(400);
                let alphabet = b"0123456789.,;\t\"\n\r eE+-xyabcnNaif\xff\xc3\xa9";
                let b = (0..len).map(|_| *g.pick(alphabet)).collect();
                (b, Expect::Any)
            }
        }
    }
}

/// Whole-file problems (no line to name).
const WHOLE_FILE: &[&str] = &[
    "the file is empty",
    "no data rows after the header",
    "file too large: ",
    "too many rows: ",
    "too many columns: ",
    "missing column \"",
    "columns \"",
    "no test rows; ",
];

/// The error names a line within the file, or a whole-file problem, or a training-set size.
fn names_where(msg: &str, bytes: &[u8]) -> bool {
    if msg.is_empty() {
        return false;
    }
    let lines = bytes.iter().filter(|&&c| c == b'\n').count() + 1;
    if let Some(rest) = msg.strip_prefix("line ") {
        let n: usize = rest
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap_or(0);
        return n >= 1 && n <= lines;
    }
    if let Some(rest) = msg.strip_prefix("not UTF-8 text (line ") {
        return rest.contains(", byte ");
    }
    WHOLE_FILE.iter().any(|p| msg.starts_with(p)) || msg.contains(" training row")
}

#[test]
fn ten_thousand_fuzzed_files_never_panic_and_always_name_the_problem() {
    let start = std::time::Instant::now();
    let specs = specs();
    let mut g = Gen(SeededRng::new(20, 0));
    let (mut valid, mut errors) = (0usize, 0usize);
    for i in 0..CASES {
        let own = i % specs.len();
        let (bytes, expect) = case(&mut g, &specs[own]);
        for (s, spec) in specs.iter().enumerate() {
            let got =
                catch_unwind(AssertUnwindSafe(|| parse_csv(&bytes, spec))).unwrap_or_else(|_| {
                    panic!(
                        "case {i} panicked for {}: {:?}",
                        spec.kind,
                        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                    )
                });
            let shown = || String::from_utf8_lossy(&bytes[..bytes.len().min(400)]).to_string();
            if let Err(e) = &got {
                let msg = e.to_string();
                assert!(
                    names_where(&msg, &bytes),
                    "case {i} ({}): the message does not say where: {msg:?}\n{}",
                    spec.kind,
                    shown()
                );
            }
            if s != own {
                continue;
            }
            match (&expect, got) {
                (Expect::Valid(want), Ok(d)) => {
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&d.matrix.data), bits(want), "case {i}\n{}", shown());
                    let test = if spec.has_test {
                        d.matrix
                            .data
                            .chunks(d.matrix.cols)
                            .filter(|r| r[r.len() - 1] == 1.0)
                            .count()
                    } else {
                        0
                    };
                    assert_eq!((d.test_rows, d.train_rows), (test, d.rows - test));
                    valid += 1;
                }
                (Expect::ErrContains(parts), Err(e)) => {
                    let msg = e.to_string();
                    for p in parts {
                        assert!(
                            msg.contains(p.as_str()),
                            "case {i}: {msg:?} lacks {p:?}\n{}",
                            shown()
                        );
                    }
                    errors += 1;
                }
                (Expect::ErrStarts(p), Err(e)) => {
                    let msg = e.to_string();
                    assert!(
                        msg.starts_with(p.as_str()),
                        "case {i}: {msg:?} is not {p:?}…\n{}",
                        shown()
                    );
                    errors += 1;
                }
                (Expect::Any, _) => {}
                (_, got) => panic!(
                    "case {i} ({}): unexpected {:?}\n{}",
                    spec.kind,
                    got.map(|d| d.summary()).map_err(|e| e.to_string()),
                    shown()
                ),
            }
        }
    }
    // Every kind of case occurred often.
    assert!(
        valid > 2500 && errors > 4000,
        "{valid} valid, {errors} errors"
    );
    eprintln!(
        "fuzz_csv: {CASES} cases × {} specs in {:.2} s ({valid} valid, {errors} expected errors)",
        specs.len(),
        start.elapsed().as_secs_f64()
    );
}
