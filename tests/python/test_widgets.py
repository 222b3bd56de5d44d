"""noiselab.widgets: one anywidget class per experiment, its traitlets made from the core's field
table (names, types, defaults, ranges, help), range errors naming the setting and its range, and
run() giving the same numbers as noiselab.run with the widget's settings. (The figure's side is
tests/jupyter.spec.mjs.)"""

from __future__ import annotations

import re

import numpy as np
import pytest
import traitlets

import noiselab
import noiselab.widgets as widgets

KINDS = noiselab.kinds()


def pascal(kind: str) -> str:
    return re.sub(r"(?:^|-)([a-z0-9])", lambda m: m.group(1).upper(), kind)


def snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)


def test_one_class_per_experiment():
    assert len(KINDS) == 12
    for kind in KINDS:
        cls = getattr(widgets, pascal(kind))
        assert issubclass(cls, widgets.NoiselabWidget) and pascal(kind) in widgets.__all__
        assert cls().kind == kind


@pytest.mark.parametrize("kind", KINDS)
def test_traitlets_from_the_field_table(kind):
    cls = getattr(widgets, pascal(kind))
    w = cls()
    types = {"real": traitlets.Float, "integer": traitlets.Int, "choice": traitlets.Unicode, "matrix": traitlets.Unicode}
    for f in noiselab.fields(kind):
        name = snake(f["name"])
        trait = cls.class_traits()[name]
        assert isinstance(trait, types[f["kind"]]), (name, trait)
        assert trait.metadata["sync"] is True and trait.metadata["field"] == f["name"]
        assert trait.help == f.get("help", "")
        default = getattr(w, name)
        assert default == (f["default"] if f["kind"] in ("real", "integer") else str(f["default"])), name
        assert name in cls.__doc__
    # The settings as text, by the core's camelCase names.
    assert set(w.settings) == {f["name"] for f in noiselab.fields(kind)}


def test_range_errors_name_the_setting_and_its_range():
    w = widgets.Funnel()
    with pytest.raises(ValueError, match=r"noise_std must be a number in \[0, 10\]; got 11"):
        w.noise_std = 11
    with pytest.raises(traitlets.TraitError, match=r"learning_rate must be a number in \(0, 1\]; got 0"):
        w.learning_rate = 0
    with pytest.raises(ValueError, match=r"trajectories must be from 1 to 2000; got 2001"):
        widgets.Funnel(trajectories=2001)
    with pytest.raises(ValueError, match=r'cost must be one of "funnel", "valley", "neal"; got \'bowl\''):
        w.cost = "bowl"
    with pytest.raises(ValueError, match=r"noise_std must be .*; got nan"):
        w.noise_std = float("nan")
    with pytest.raises(TypeError, match="unknown setting"):
        widgets.Funnel(noise=2)
    assert w.noise_std == 1  # every rejected value left the setting as it was


def test_names_values_and_text():
    w = widgets.Funnel(noiseStd=2, seed=7)  # camelCase too, as in the figure and MyST
    assert (w.noise_std, w.seed) == (2.0, 7)
    w.noise_std = 1e-7
    assert w.settings["noiseStd"] == "0.0000001"
    assert widgets.ImplicitReg(batch_size=16).batch_size == "16"  # a numeric choice, as its text
    assert widgets.SgdPosterior(hessian=[[2, 0.5], [0.5, 1]]).hessian == "2 0.5; 0.5 1"
    assert repr(widgets.Funnel(noise_std=2)) == "Funnel(noise_std=2.0)"


def test_run_gives_the_numbers_of_noiselab_run():
    w = widgets.Funnel(noise_std=2, seed=7, trajectories=200, steps=300)
    mine = w.run()
    theirs = noiselab.run("funnel", noise_std=2, seed=7, trajectories=200, steps=300)
    assert mine.settings == theirs.settings == w.settings  # the core's own text of every setting
    assert set(mine.history) == set(theirs.history)
    for col in theirs.history:
        np.testing.assert_array_equal(mine.history[col], theirs.history[col])
