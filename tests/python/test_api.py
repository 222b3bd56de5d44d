"""The Python API (python/noiselab, the installed wheel) against the command line.

`noiselab.run(kind, **settings)` must give the numbers of
`noiselab run <kind> --set … --out x.json` bit for bit (every number of the document, the
history compared as the bits of float64, NaN where the file has null), the same normalized
settings, errors naming the field and its range, arrays of the documented shapes, the field
table of `noiselab fields` and of the wasm `Run.fields()`, and the widget bundle in the wheel.

Run: `.venv/bin/python -m pytest tests/python` after scripts/build-python.sh; the CLI is
$NOISELAB_CLI (default $CARGO_TARGET_DIR/release/noiselab, else target/release/noiselab: made by
`cargo build --release -p noiselab-cli`).
"""

import json
import math
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import noiselab

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
CLI = Path(os.environ.get("NOISELAB_CLI", TARGET / "release" / "noiselab"))


def cli(*args):
    """Run the CLI; its stdout (it must succeed)."""
    assert CLI.is_file(), f"no CLI at {CLI}: cargo build --release -p noiselab-cli (or set NOISELAB_CLI)"
    done = subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_doc(tmp_path, kind, settings):
    """The CLI's JSON document for `kind` with `settings` (camelCase name → text)."""
    out = tmp_path / f"{kind}.json"
    sets = [a for k, v in settings.items() for a in ("--set", f"{k}={v}")]
    cli("run", kind, *sets, "--out", str(out))
    # Python's json reads the shortest round-trip decimals serde_json writes back to the
    # very same doubles.
    return json.loads(out.read_text())


def bits(a):
    """float64 values as their bit patterns (NaN from null, so NaN == NaN here)."""
    a = np.asarray([math.nan if x is None else x for x in np.ravel(np.asarray(a, dtype=object))],
                   dtype=np.float64)
    return a.view(np.uint64)


def numbers(v):
    """How many numbers `v` holds (so no comparison below is vacuous)."""
    if isinstance(v, np.ndarray):
        return v.size
    if isinstance(v, dict):
        return sum(numbers(x) for x in v.values())
    if isinstance(v, list):
        return sum(numbers(x) for x in v)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def assert_same(py, js, where="doc"):
    """`py` (from noiselab.run: NumPy arrays, floats, None) is the CLI's JSON value `js`, every
    number to the bit."""
    if isinstance(py, np.ndarray):
        want = np.asarray(js, dtype=object)
        assert py.shape == want.shape, f"{where}: shape {py.shape} vs {want.shape}"
        if py.dtype == np.int64:
            assert py.tolist() == js, where
        else:
            assert py.dtype == np.float64, where
            assert np.array_equal(bits(py), bits(js)), f"{where}: numbers differ"
    elif isinstance(py, dict):
        assert isinstance(js, dict) and sorted(py) == sorted(js), f"{where}: keys {sorted(py)} vs {sorted(js)}"
        for k in py:
            assert_same(py[k], js[k], f"{where}.{k}")
    elif isinstance(py, list):
        assert isinstance(js, list) and len(py) == len(js), f"{where}: length"
        for i, (a, b) in enumerate(zip(py, js)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(py, float):
        assert isinstance(js, (int, float)) and bits([py])[0] == bits([js])[0], f"{where}: {py} vs {js}"
    else:
        assert type(py) is type(js) and py == js, f"{where}: {py!r} vs {js!r}"


# Per experiment: the settings (snake_case, as a student writes them) at two seeds or more.
# Small runs: the comparison is bit for bit, so size adds nothing but time.
CASES = [
    ("funnel", dict(noise_std=2, steps=300, trajectories=300), [1, 7]),
    # Neal's funnel at α = 1, σ = 10: trajectories diverge (null in the file, NaN here).
    ("funnel", dict(cost="neal", learning_rate=1, noise_std=10, start_x=-2, steps=100, trajectories=50), [1]),
    ("sgd-posterior", dict(steps=600, chains=40, learning_rate=0.05), [2, 5]),
    # d = 3 from matrices typed as nested lists (the widget's text boxes take the same).
    ("sgd-posterior", dict(problem="matrix", steps=300, chains=30, project_j=3,
                           hessian=[[2, 0.6, 0], [0.6, 0.5, 0.1], [0, 0.1, 1]],
                           gradient_covariance=np.array([[1, 0.2, 0], [0.2, 0.8, 0], [0, 0, 0.5]])), [4]),
    ("dropout", dict(steps=300, dropout_rate=0.5), [1, 3]),
    ("nng", dict(steps=300), [1, 9]),
    ("one-epoch", dict(halvings=2), [12, 3]),
    ("laplace-vb", dict(slope=12.5, offset=-1), [None]),
    ("bbb-linreg", dict(steps=200, local_reparam=True), [1, 2]),
    ("sgld", dict(steps=300, chains=20), [1, 6]),
]


@pytest.mark.parametrize(
    "kind,settings,seed",
    [(k, s, seed) for k, s, seeds in CASES for seed in seeds],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_run_is_the_cli_bit_for_bit(tmp_path, kind, settings, seed):
    given = dict(settings, **({} if seed is None else {"seed": seed}))
    r = noiselab.run(kind, **given)
    want = cli_doc(tmp_path, kind, r.settings)  # the normalized settings, as --set
    # The same settings: the CLI normalizes them to the very same text.
    assert r.settings == want["settings"]
    if seed is not None:
        assert r.settings["seed"] == str(seed)
    # The history: every column, to the bit (NaN where the file has null).
    if "historyFields" in want and isinstance(want["history"][0], list):
        assert r.columns == want["historyFields"]
        table = np.array([[math.nan if x is None else x for x in row] for row in want["history"]])
        for i, c in enumerate(r.columns):
            assert r[c].dtype == np.float64 and r[c].shape == (len(table),)
            assert np.array_equal(r[c].view(np.uint64), table[:, i].view(np.uint64)), c
    else:
        assert r.history == {}
    # And the rest of the document, every number.
    rest = {k: v for k, v in want.items() if k not in ("settings", "history", "historyFields")}
    assert_same(r.doc, rest)
    assert numbers(r.doc) + sum(a.size for a in r.history.values()) > 50


def test_a_setting_changes_the_numbers():
    a = noiselab.run("funnel", steps=50, trajectories=100, seed=1)
    b = noiselab.run("funnel", steps=50, trajectories=100, seed=2)
    assert not np.array_equal(a["meanY"], b["meanY"])
    assert np.array_equal(a["gdX"], b["gdX"]), "gradient descent does not depend on the seed"


def test_snake_and_camel_case_and_value_types():
    a = noiselab.run("funnel", noise_std=2, learning_rate=0.25, steps=40, trajectories=50)
    b = noiselab.run("funnel", noiseStd="2", learningRate=np.float64(0.25), steps=np.int64(40),
                     trajectories=50.0)
    assert a.settings == b.settings
    assert a.settings["learningRate"] == "0.25" and a.settings["noiseStd"] == "2"
    assert all(np.array_equal(a[c], b[c], equal_nan=True) for c in a.columns)
    # A float by repr, so the core reads back the same double.
    x = 0.1 + 0.2
    r = noiselab.run("funnel", learning_rate=x, steps=2, trajectories=2)
    assert float(r.settings["learningRate"]) == x


def test_shapes():
    steps, m, shown = 120, 40, 3
    r = noiselab.run("funnel", steps=steps, trajectories=m, shown_paths=shown, seed=5)
    assert len(r) == steps + 1 and all(r[c].shape == (steps + 1,) for c in r.columns)
    assert r["step"].tolist() == list(range(steps + 1))
    assert r.doc["paths"].shape == (steps + 1, 2 * shown)
    assert len(r.doc["gradientFlow"]) == steps + 1
    assert set(r.doc["snapshot"]) >= {"stats", "drift", "diverged"}
    s = noiselab.run("sgd-posterior", steps=200, chains=25, seed=3)
    assert len(s) == 201 and s.doc["positions"].shape == (2 * 25,)
    assert s.doc["theory"]["posterior"].shape == (4,)
    d = noiselab.run("dropout", steps=200, record_every=20)
    assert len(d) == 200 // 20 + 1 and d["step"][-1] == 200
    n = noiselab.run("nng", steps=80)
    assert len(n) == 81 and np.all(n["klFull"] >= 0)
    v = noiselab.run("laplace-vb")  # the curves as the history: one row per z
    assert len(v) == 481 and v.columns[:3] == ["z", "p", "qLaplace"] and "analysis" in v.doc
    assert "step" in repr(r) and "noiseStd" in repr(r) and "funnel" in repr(r)


def test_nan_is_nan():
    # Diverging trajectories: the file writes null, Python reads NaN.
    r = noiselab.run("funnel", cost="neal", learning_rate=1, noise_std=10, start_x=-2, steps=100,
                     trajectories=50, seed=1)
    assert r["fractionDiverged"][-1] > 0.1
    assert np.isnan(r.doc["paths"]).any() and not np.isnan(r.doc["paths"][0]).any()


@pytest.mark.parametrize(
    "settings,message",
    [
        (dict(noise_std=-1), "noiseStd must be a number in [0, 10]; got -1"),
        (dict(learning_rate="abc"), 'learningRate must be a number in (0, 1]; got "abc" (not a finite number)'),
        (dict(learning_rate=float("nan")), "learningRate must be a number in (0, 1]"),
        (dict(steps=2.5), "steps must be a whole number from 1 to 20000"),
        (dict(cost="bowl"), 'cost must be one of "funnel", "valley", "neal"; got "bowl"'),
    ],
)
def test_a_bad_value_names_the_field_and_its_range(settings, message):
    with pytest.raises(ValueError) as e:
        noiselab.run("funnel", **settings)
    assert message in str(e.value)


def test_every_bad_value_at_once():
    with pytest.raises(ValueError, match=r"noiseStd must be .*; trajectories must be from 1 to 2000"):
        noiselab.run("funnel", noise_std=-1, trajectories=0)


def test_unknown_kind_and_setting():
    with pytest.raises(ValueError) as e:
        noiselab.run("funnle")
    assert 'unknown experiment "funnle"' in str(e.value)
    assert all(k in str(e.value) for k in noiselab.kinds() + noiselab.analyses())
    with pytest.raises(ValueError, match='unknown setting "noise_sd"; known settings: cost, learning_rate, noise_std'):
        noiselab.run("funnel", noise_sd=2)
    with pytest.raises(ValueError, match="unknown experiment"):
        noiselab.fields("sgd-noise")
    with pytest.raises(TypeError, match="noiseStd"):
        noiselab.run("funnel", noise_std={"a": 1})
    with pytest.raises(KeyError, match="meanX"):
        noiselab.run("funnel", steps=3, trajectories=2)["mean_x"]


def test_kinds_are_the_registry_and_the_cli():
    registry = (ROOT / "www" / "lib" / "registry.js").read_text()
    assert sorted(noiselab.kinds()) == sorted(re.findall(r'"kind": "([a-z0-9-]+)"', registry))
    assert len(noiselab.kinds()) == 12
    help_text = cli("run", "--help")
    for name in noiselab.kinds() + noiselab.analyses():
        assert f"- {name}:" in help_text, name


@pytest.mark.parametrize("kind", ["funnel", "sgd-posterior", "dropout", "one-epoch", "sgld"])
def test_fields_are_noiselab_fields(kind):
    """Names and defaults as `noiselab fields <kind>` prints them (name, label, default,
    range; then the help)."""
    lines = cli("fields", kind).splitlines()
    table = noiselab.fields(kind)
    assert len(lines) == 2 * len(table)
    for f, line, help_line in zip(table, lines[0::2], lines[1::2]):
        assert line.split()[0] == f["name"]
        default = line.split("default ", 1)[1].split()[0] if f["default"] != "" else ""
        if f["kind"] == "real":
            assert float(default) == f["default"] and f["min"] <= f["default"] <= f["max"]
        elif f["kind"] == "integer":
            assert int(default) == f["default"]
        elif f["kind"] == "choice":
            assert default == f["default"] and f["default"] in [v for v, _ in f["options"]]
        assert help_line.strip() == f["help"]
        assert f["label"] in line


def test_fields_are_the_wasm_field_tables(tmp_path):
    """`fields(kind)` is exactly what the widgets' wasm `Run.fields()` returns, for every kind
    (the wasm modules of the bundle in the wheel, run by Node)."""
    static = noiselab.static_dir()
    script = tmp_path / "fields.mjs"
    script.write_text(f"""
import {{ readFileSync }} from 'node:fs';
import {{ EXPERIMENTS, className }} from '{static.as_uri()}/lib/registry.js';
const out = {{}};
for (const e of EXPERIMENTS) {{
  const dir = '{static}/pkg/' + e.family + '/';
  const m = await import('file://' + dir + 'noiselab_wasm.js');
  m.initSync({{ module: readFileSync(dir + 'noiselab_wasm_bg.wasm') }});
  out[e.kind] = m[className(e.kind)].fields();
}}
console.log(JSON.stringify(out));
""")
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    wasm = json.loads(done.stdout)
    assert sorted(wasm) == sorted(noiselab.kinds())
    for kind, table in wasm.items():
        assert noiselab.fields(kind) == table, kind


def test_static_dir_is_the_widget_bundle():
    static = noiselab.static_dir()
    assert static.is_dir() and static.parent == Path(noiselab.__file__).parent
    assert (static / "noiselab.js").is_file() and (static / "frame.html").is_file()
    wasm = sorted(static.glob("pkg/*/*.wasm"))
    assert wasm and all(w.stat().st_size > 10_000 for w in wasm)
    assert (static / "VERSION").read_text().strip() == noiselab.__version__
    # The bundle is the built one (dist/widgets/, when this checkout has it).
    built = ROOT / "dist" / "widgets" / "noiselab.js"
    if built.is_file():
        assert (static / "noiselab.js").read_bytes() == built.read_bytes()
