"""The lab's live widgets in Jupyter notebooks (JupyterLab 4, Notebook 7), through anywidget.

One class per experiment, named by the Pascal case of its kind::

    import noiselab.widgets
    w = noiselab.widgets.Funnel(noise_std=2)   # shows the figure as the cell's output
    w.noise_std = 1                            # the figure runs again with σ = 1
    w.noise_std                                # what the figure's controls were last set to
    w.results                                  # the figure's latest frame (its snapshot)
    w.run()                                    # the same experiment natively: noiselab.run(...)

Every setting of the core's field table (``noiselab.fields(kind)``) is a traitlet of the class,
in snake_case (``noise_std`` for ``noiseStd``), with the table's default, range and help; the
traitlets and the figure are kept in step both ways. A value out of range raises
:class:`SettingError` (a ``TraitError`` and a ``ValueError``) naming the setting and its range,
as the core does. ``preset`` names the figure's preset (``"default"``, ``"custom"`` or one of
the widget's presets; setting it applies the preset). ``results`` is written by the figure:
the latest snapshot of its run (or its computed result), JSON numbers, at most 4 times a second;
it stays ``{}`` until the widget is shown (a notebook run headless shows no figure).

The front end is the lab's own ``anywidget.js`` with its custom elements, workers and WebAssembly
cores, all served by the Jupyter server from this package (``noiselab._server``), so nothing is
fetched from the network. ``noiselab`` must be installed where the Jupyter server runs (the usual
one environment for server and kernel).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import anywidget
import traitlets as t

from . import fields as _fields
from . import kinds as _kinds
from . import run as _run
from . import static_dir as _static_dir
from ._api import _csv_source, read_data

__all__ = ["NoiselabWidget", "SettingError", "widget_class"]


class SettingError(t.TraitError, ValueError):
    """A setting's value is out of its range or not one of its choices."""


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)


def _pascal(kind: str) -> str:
    return re.sub(r"(?:^|-)([a-z0-9])", lambda m: m.group(1).upper(), kind)


def _number_text(v: float | int) -> str:
    """A number as the core writes it: no exponent, no trailing ".0" (1e-07 → "0.0000001")."""
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, int):
        return str(v)
    if v == int(v) and abs(v) < 2**63:
        return str(int(v)) if not (v == 0 and math.copysign(1, v) < 0) else "-0"
    return format(Decimal(repr(v)), "f")


def _matrix_text(v: Any) -> str:
    """A matrix or vector setting as the core's text: rows of numbers separated by ";"."""
    if isinstance(v, str):
        return v
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in v]
    if rows and all(len(r) == 1 for r in rows) and not any(isinstance(r, (list, tuple)) for r in v):
        return " ".join(_number_text(x[0]) for x in rows)  # a vector: one row
    return "; ".join(" ".join(_number_text(x) for x in r) for r in rows)


class _Real(t.Float):
    """A real setting: a finite number in [min, max] (or (min, max] when the minimum is open)."""

    def __init__(self, spec: dict, **kw: Any):
        self.spec = spec
        super().__init__(float(spec["default"]), **kw)

    def range_text(self) -> str:
        s = self.spec
        return f"a number in {'(' if s.get('minOpen') else '['}{_number_text(s['min'])}, {_number_text(s['max'])}]"

    def validate(self, obj: Any, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingError(f"{self.name} must be {self.range_text()}; got {value!r}")
        v = float(value)
        s = self.spec
        low_ok = v > s["min"] if s.get("minOpen") else v >= s["min"]
        if not math.isfinite(v) or not low_ok or v > s["max"]:
            raise SettingError(f"{self.name} must be {self.range_text()}; got {_number_text(v) if math.isfinite(v) else v}")
        return v


class _Integer(t.Int):
    """An integer setting from min to max."""

    def __init__(self, spec: dict, **kw: Any):
        self.spec = spec
        super().__init__(int(spec["default"]), **kw)

    def validate(self, obj: Any, value: Any) -> int:
        s = self.spec
        rng = f"from {s['min']} to {s['max']}"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"{self.name} must be a whole number {rng}; got {value!r}")
        if not s["min"] <= value <= s["max"]:
            raise SettingError(f"{self.name} must be {rng}; got {value}")
        return value


class _Choice(t.Unicode):
    """A choice setting: one of the options' values (a number given for a numeric option is
    taken as its text: batch_size=8 for "8")."""

    def __init__(self, spec: dict, **kw: Any):
        self.spec = spec
        self.values = [str(v) for v, _label in spec["options"]]
        super().__init__(str(spec["default"]), **kw)

    def validate(self, obj: Any, value: Any) -> str:
        text = _number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if not isinstance(text, str) or text not in self.values:
            allowed = ", ".join(f'"{v}"' for v in self.values)
            raise SettingError(f"{self.name} must be one of {allowed}; got {value!r}")
        return text


class _Matrix(t.Unicode):
    """A matrix setting as the core's text ("2 0.5; 0.5 1"; empty: the experiment's own); a
    list of rows is written as that text. Its shape is checked by the core (the figure shows
    the error and keeps the last valid value; run() raises ValueError)."""

    def __init__(self, spec: dict, **kw: Any):
        self.spec = spec
        super().__init__(str(spec["default"]), **kw)

    def validate(self, obj: Any, value: Any) -> str:
        if self.name == "data" and _csv_source(value) is not None:
            # Own data (docs/data.md): a CSV path or text, read by the core's parser with the
            # widget's task; a bad file raises SettingError naming its line and column.
            task = {"task": obj.task} if hasattr(obj, "task") and obj.task else {}
            try:
                return read_data(obj._kind, value, **task)["value"]
            except ValueError as e:
                raise SettingError(f"data: {e}") from None
        if hasattr(value, "tolist"):
            value = value.tolist()  # a NumPy array
        try:
            return _matrix_text(value)
        except TypeError:
            raise SettingError(f"{self.name} must be text like \"1 2; 3 4\" or a list of rows; got {value!r}") from None


_TRAITS = {"real": _Real, "integer": _Integer, "choice": _Choice, "matrix": _Matrix}


class NoiselabWidget(anywidget.AnyWidget):
    """The base of the experiment classes (Funnel, SgdPosterior, …): the live figure of one
    experiment, with its settings as traitlets (see the module's doc)."""

    # The lab's anywidget front end, from the widget bundle inside this package; anywidget runs
    # it from a blob: URL and it loads the widgets from the server extension's route.
    _esm = _static_dir() / "anywidget.js"

    kind = t.Unicode(read_only=True).tag(sync=True)
    preset = t.Unicode("", help='The preset in use: "default", "custom" or one of the widget\'s presets; setting it applies the preset.').tag(sync=True)
    results = t.Dict(read_only=True, help="The figure's latest frame (its run's snapshot or computed result), written by the figure.").tag(sync=True)

    _kind: str = ""
    _fields: list = []

    def __init__(self, **kwargs: Any):
        names = {f["name"]: _snake(f["name"]) for f in self._fields}
        unknown = [k for k in kwargs if k not in names.values() and k not in names and k not in self.trait_names()]
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {', '.join(unknown)}; settings: {', '.join(names.values())}")
        kwargs = {names.get(k, k): v for k, v in kwargs.items()}
        super().__init__(**kwargs)

    @property
    def settings(self) -> dict[str, str]:
        """The settings in use, by the core's camelCase names, as the core's text."""
        out = {}
        for f in self._fields:
            v = getattr(self, _snake(f["name"]))
            out[f["name"]] = v if isinstance(v, str) else _number_text(v)
        return out

    def run(self):
        """Run this experiment natively with the widget's current settings: the same numbers as
        the figure (``noiselab.run(kind, **settings)``; its history as NumPy arrays)."""
        return _run(self._kind, **{_snake(f["name"]): getattr(self, _snake(f["name"])) for f in self._fields})

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != _default_text(self._field(k))}
        args = ", ".join(f"{_snake(k)}={getattr(self, _snake(k))!r}" for k in changed)
        return f"{type(self).__name__}({args})"

    def _field(self, name: str) -> dict:
        return next(f for f in self._fields if f["name"] == name)


def _default_text(f: dict) -> str:
    d = f["default"]
    return d if isinstance(d, str) else _number_text(d)


def _titles() -> dict[str, str]:
    """Kind → the lab's title of the experiment, from the registry in the widget bundle (one
    JSON row per experiment, www/lib/registry.js)."""
    out = {}
    for line in (_static_dir() / "lib" / "registry.js").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(\{.*\"kind\".*\}),?\s*$", line)
        if m:
            row = json.loads(m.group(1))
            out[row["kind"]] = row.get("title", row["kind"])
    return out


def widget_class(kind: str) -> type[NoiselabWidget]:
    """The widget class of experiment ``kind``, made from its field table."""
    specs = _fields(kind)
    title = _titles().get(kind, kind)
    lines = [
        f"{title}: the lab's <noiselab-{kind}> figure, live in the notebook.",
        "",
        f"Settings (traitlets, kept in step with the figure; noiselab.fields({kind!r}) has the full table):",
        "",
    ]
    traits: dict[str, Any] = {}
    for f in specs:
        name = _snake(f["name"])
        meta = {k: f[k] for k in ("label", "unit", "min", "max", "minOpen", "step") if k in f}
        trait = _TRAITS[f["kind"]](f, help=f.get("help", "")).tag(sync=True, field=f["name"], **meta)
        traits[name] = trait
        rng = trait.range_text() if isinstance(trait, _Real) else (
            f"{f['min']}…{f['max']}" if f["kind"] == "integer" else
            " | ".join(trait.values) if f["kind"] == "choice" else "matrix text")
        unit = f" {f['unit']}" if f.get("unit") else ""
        default = _default_text(f) or '""'
        lines.append(f"- {name} ({rng}{unit}; default {default}): {f.get('label', '')}. {f.get('help', '')}")
    kind_trait = t.Unicode(kind, read_only=True, help="The experiment (the figure's element is <noiselab-kind>).").tag(sync=True)
    attrs = {"__doc__": "\n".join(lines), "__module__": __name__, "_kind": kind, "_fields": specs, "kind": kind_trait, **traits}
    return type(_pascal(kind), (NoiselabWidget,), attrs)


for _kind in _kinds():
    globals()[_pascal(_kind)] = widget_class(_kind)
    __all__.append(_pascal(_kind))
del _kind
