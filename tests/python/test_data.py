"""Own data from Python (issue 20; docs/data.md): `noiselab.run(kind, data=...)` takes a CSV
path (str or PathLike), CSV text, or the `data` matrix as an array or nested list, through the
core's one CSV parser (the CLI's `--data`, the browser's data panel); the runs agree bit for bit;
a bad file raises ValueError naming its line and column; the widgets' `data` traitlet reads a
file too.

Run: `.venv/bin/python -m pytest tests/python/test_data.py` after scripts/build-python.sh.
"""

from pathlib import Path

import numpy as np
import pytest

import noiselab

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "data"
FAST = {"steps": 30, "record_every": 10}


def bits(run):
    return {k: v.view(np.uint64).tolist() for k, v in run.history.items()}


def test_path_text_and_array_give_the_same_run():
    path = SAMPLES / "dropout-xor.csv"
    by_path = noiselab.run("dropout", data=path, **FAST)
    by_str = noiselab.run("dropout", data=str(path), **FAST)
    by_text = noiselab.run("dropout", data=path.read_text(), **FAST)
    d = noiselab.read_data("dropout", path)
    assert (d["rows"], d["trainRows"], d["testRows"]) == (80, 60, 20)
    assert d["columns"] == ["x1", "x2", "y"] and d["ignored"] == [] and not d["splitColumn"]
    assert d["summary"].startswith("your data: 60 train, 20 test (every fourth row is a test row)")
    rows = np.array([[float(v) for v in r.split()] for r in d["value"].split("; ")])
    assert rows.shape == (80, 4)
    by_array = noiselab.run("dropout", data=rows, **FAST)
    by_list = noiselab.run("dropout", data=rows.tolist(), **FAST)
    seeded = noiselab.run("dropout", **FAST)
    for r in (by_str, by_text, by_array, by_list):
        assert bits(r) == bits(by_path)
        assert r.settings["data"] == d["value"]
    assert bits(seeded) != bits(by_path)


def test_every_sample_runs_in_its_widget_kind():
    for kind, name, settings in [
        ("bayes-regression", "bayes-regression-clusters.csv", {"training_steps": 100, "hmc_samples": 10}),
        ("logreg-posterior", "logreg-posterior-blobs.csv", {"hmc_samples": 20, "importance_samples": 100}),
        ("sharpness", "sharpness-moons.csv", {"steps": 20, "checkpoints": 2, "repeats": 1}),
        ("implicit-reg", "implicit-reg-circles.csv", {"steps": 10, "sweep_points": 2, "sgd_runs": 1}),
        ("dropout", "dropout-wave-gap.csv", {"task": "regression", "steps": 20, "learning_rate": 0.01}),
    ]:
        r = noiselab.run(kind, data=SAMPLES / name, **settings)
        assert r.settings["data"] == noiselab.read_data(kind, SAMPLES / name, **settings)["value"]


def test_a_bad_file_raises_value_error_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2,0\n0.5,abc,1\n")
    with pytest.raises(ValueError) as e:
        noiselab.run("dropout", data=bad)
    assert str(e.value) == f'{bad}: line 3, column "x2": "abc" is not a number'
    with pytest.raises(ValueError, match=r'^line 2, column "y": "0.5" is not a class label \(0 or 1\)$'):
        noiselab.run("dropout", data="x1,x2,y\n1,2,0.5\n")
    with pytest.raises(ValueError, match=r"^not UTF-8 text \(line 2, byte 3\)$"):
        noiselab.read_data("dropout", b"x1,x2,y\n1,\xff2,0\n")
    with pytest.raises(ValueError, match=r'missing column "x"'):
        noiselab.run("dropout", task="regression", data="a,b\n1,2\n")
    with pytest.raises(ValueError, match="funnel takes no data file"):
        noiselab.read_data("funnel", "x,y\n1,2\n")
    # A matrix of the wrong shape is a setting error naming `data`.
    with pytest.raises(ValueError, match=r"data must be empty or rows \"x1 x2 y test\""):
        noiselab.run("dropout", data=[[1, 2, 0]])


def test_widget_data_traitlet_reads_a_file():
    pytest.importorskip("anywidget")
    from noiselab import widgets

    w = widgets.Dropout(task="regression")
    assert "data" in w.trait_names()
    w.data = str(SAMPLES / "dropout-wave-gap.csv")
    assert w.data == noiselab.read_data("dropout", SAMPLES / "dropout-wave-gap.csv", task="regression")["value"]
    with pytest.raises(widgets.SettingError, match=r'line 3, column "x"'):
        w.data = "x,y\n1,2\nno,3\n"
    w.data = np.array([[0.5, 1.0, 0], [0.1, 0.2, 1]])
    assert w.data == "0.5 1 0; 0.1 0.2 1"
