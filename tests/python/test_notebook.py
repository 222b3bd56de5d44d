"""The student notebook (examples/notebooks/noiselab.ipynb) executed headless, as a course's
automated check would run it: `jupyter nbconvert --to notebook --execute`, with every Jupyter
directory in a fresh temporary folder. Every cell runs without error; the numbers come out of
the native run; the widget cell leaves a widget view whose model is the funnel with σ as set
from Python (nbconvert runs no front end, so the figure itself is checked in JupyterLab by
tests/jupyter.spec.mjs)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "notebooks" / "noiselab.ipynb"


def _execute(tmp_path: pathlib.Path) -> dict:
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
        (tmp_path / sub).mkdir()
        env[var] = str(tmp_path / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120",
         "--output-dir", str(tmp_path), "--output", "executed", str(NOTEBOOK)],
        check=True, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    return json.loads((tmp_path / "executed.ipynb").read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_notebook_executes_headless(tmp_path):
    nb = _execute(tmp_path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "every code cell ran"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == [], errors

    # The API's numbers: 1000 steps of the funnel at σ = 2, seed 7, and a finite drift.
    first = _text(code[0])
    assert "1000 steps" in first and "'noiseStd': '2'" in first and "'seed': '7'" in first, first
    drift = re.search(r"at the end ([+-]\d+\.\d+)", first)
    assert drift and abs(float(drift.group(1))) < 10, first

    # The settings table: every funnel field, by name.
    assert all(name in _text(code[1]) for name in ("noiseStd", "learningRate", "seed")), _text(code[1])

    # The widget: a view of a model of kind "funnel"; Python's σ after `w.noise_std = 1`.
    views = [o for c in code for o in c["outputs"] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1, views
    model_id = views[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"][model_id]["state"]
    assert state["kind"] == "funnel" and state["noise_std"] == 1, {k: state[k] for k in ("kind", "noise_std")}
    assert "noise_std = 1.0" in _text(code[4]), _text(code[4])
    assert "final drift at σ = 1.0" in _text(code[5]), _text(code[5])
