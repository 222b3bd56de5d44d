//! `noiselab._core`: the lab's experiments for Python, through the CLI's own code path
//! (`noiselab_cli::run_doc`), so `noiselab.run(kind, …)` returns the numbers of
//! `noiselab run <kind> --out x.json`, bit for bit. The package's Python layer (python/noiselab)
//! wraps these functions; see docs/python.md.
//!
//! JSON values become Python values: objects → dicts, strings, booleans, integers, floats, and
//! `null` → `None`; but a rectangular array of numbers (a list, a table of rows, …: every leaf a
//! number or `null`) becomes one NumPy array: `float64` (with `null` → NaN, the non-finite
//! numbers the file writes as `null`) unless every leaf is an integer (then `int64`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList};
use serde_json::Value;

/// The shape of a rectangular array of numbers, and whether it needs floats.
struct Shape {
    dims: Vec<usize>,
    float: bool,
}

/// `v`'s shape if it is a number, `null`, or a non-empty array of equal shapes (numbers or
/// `null` at the leaves); `None` otherwise. A bare `null` counts as a float leaf.
fn shape(v: &Value) -> Option<Shape> {
    match v {
        Value::Null => Some(Shape {
            dims: vec![],
            float: true,
        }),
        Value::Number(n) => Some(Shape {
            dims: vec![],
            float: n.as_i64().is_none(),
        }),
        Value::Array(items) if !items.is_empty() => {
            let mut first = shape(&items[0])?;
            for item in &items[1..] {
                let s = shape(item)?;
                if s.dims != first.dims {
                    return None;
                }
                first.float |= s.float;
            }
            first.dims.insert(0, items.len());
            Some(first)
        }
        _ => None,
    }
}

/// The leaves of a rectangular array in row-major order, as native-endian bytes of `f64`
/// (`null` → NaN) or of `i64`.
fn leaves(v: &Value, float: bool, out: &mut Vec<u8>) {
    match v {
        Value::Array(items) => items.iter().for_each(|x| leaves(x, float, out)),
        Value::Number(n) if !float => {
            out.extend_from_slice(&n.as_i64().expect("an integer leaf").to_ne_bytes())
        }
        Value::Number(n) => out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_ne_bytes()),
        _ => out.extend_from_slice(&f64::NAN.to_ne_bytes()),
    }
}

/// A JSON value as a Python value; rectangular arrays of numbers as NumPy arrays when `numpy`
/// is given.
fn to_py<'py>(
    py: Python<'py>,
    numpy: Option<&Bound<'py, PyModule>>,
    v: &Value,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => match (numpy, shape(v)) {
            (Some(np), Some(s)) => {
                let mut bytes = Vec::with_capacity(8 * s.dims.iter().product::<usize>());
                leaves(v, s.float, &mut bytes);
                // A bytearray keeps the array writable; frombuffer shares its memory.
                let buffer = PyByteArray::new(py, &bytes);
                let dtype = if s.float { "float64" } else { "int64" };
                np.call_method1("frombuffer", (buffer, dtype))?
                    .call_method1("reshape", (s.dims,))?
            }
            _ => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(to_py(py, numpy, item)?)?;
                }
                list.into_any()
            }
        },
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, x) in map {
                dict.set_item(k, to_py(py, numpy, x)?)?;
            }
            dict.into_any()
        }
    })
}

/// The lab's experiment kinds (the widgets' `<noiselab-KIND>` names), e.g. `"funnel"`.
#[pyfunction]
fn kinds() -> Vec<String> {
    noiselab_cli::kinds()
}

/// The extra analyses `run` also accepts (e.g. `"sgld"`), which have no widget of their own.
#[pyfunction]
fn analyses() -> Vec<&'static str> {
    noiselab_cli::ANALYSES.to_vec()
}

/// The field table of `kind`: a list of dicts `{name, label, unit, help, kind, min, max, minOpen,
/// default, step, options, …}`, the JSON of the core's table (what the wasm `Run.fields()`
/// gives); `ValueError` for an unknown kind.
#[pyfunction]
fn fields<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let table = noiselab_cli::fields(kind).map_err(PyValueError::new_err)?;
    let json = serde_json::to_value(table).map_err(|e| PyValueError::new_err(e.to_string()))?;
    to_py(py, None, &json)
}

/// Run `kind` to the end from `settings` (a list of `(camelCase name, text)` pairs over the
/// defaults) and return the document `noiselab run KIND --out x.json` writes, as a dict with
/// NumPy arrays (see the module doc). Bad settings raise `ValueError` with the core's message
/// (every bad field and its allowed range); the run itself releases the GIL.
#[pyfunction]
fn run<'py>(
    py: Python<'py>,
    kind: &str,
    settings: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyAny>> {
    let doc = py
        .detach(|| noiselab_cli::run_doc(kind, &settings))
        .map_err(PyValueError::new_err)?;
    to_py(py, Some(&py.import("numpy")?), &doc)
}

/// Own data (issue 20): parse a CSV file's `data` bytes for `kind` under `settings` (their
/// `task` picks the columns) with the core's one parser, the CLI's and the browser's. Returns
/// `{value, rows, trainRows, testRows, columns, ignored, splitColumn, summary}` (`value`: the
/// `data` setting's text); a bad file raises `ValueError` with the parser's message (the
/// problem, its line and its column).
#[pyfunction]
fn parse_data<'py>(
    py: Python<'py>,
    kind: &str,
    data: &[u8],
    settings: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyAny>> {
    let which = noiselab_cli::Which::named(kind).map_err(PyValueError::new_err)?;
    let d = which
        .own_data(data, &settings)
        .map_err(PyValueError::new_err)?;
    let doc = serde_json::json!({
        "value": d.text(),
        "rows": d.rows,
        "trainRows": d.train_rows,
        "testRows": d.test_rows,
        "columns": d.columns,
        "ignored": d.ignored,
        "splitColumn": d.split_column,
        "summary": d.summary(),
    });
    to_py(py, None, &doc)
}

/// noiselab's Rust core for Python (Grosse, CSC2541 Lecture 8: stochastic optimization as
/// noise, and the Bayesian view of it).
#[pymodule(name = "_core")]
mod core_module {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{analyses, fields, kinds, parse_data, run};

    /// The package's version (the workspace's, as the CLI's and the npm package's).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
