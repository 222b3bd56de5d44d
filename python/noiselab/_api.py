"""The Python API: ``kinds``, ``fields``, ``run`` and the :class:`Run` it returns.

Every number comes from the Rust core through the command line's own code path
(``noiselab run <kind> --out x.json``), so a run here and the CLI's file agree bit for bit,
and both agree with the browser widget given the same settings and seed.
"""

from __future__ import annotations

import json
import numbers
import os
import re
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from . import _core

__all__ = ["Run", "analyses", "fields", "kinds", "read_data", "run", "static_dir"]


def kinds() -> List[str]:
    """The lab's experiment kinds, e.g. ``"funnel"`` (the widget ``<noiselab-funnel>``).

    One per demonstration of the lecture (Grosse, CSC2541 Lecture 8): gradient noise and
    flatness on a funnel-shaped valley, SGD as an Ornstein–Uhlenbeck process and its stationary
    covariance against the posterior, dropout, noisy natural gradient, Laplace and variational
    Gaussians, description length, sharp and flat minima, Smith et al.'s implicit regularizer.
    """
    return _core.kinds()


def analyses() -> List[str]:
    """Extra analyses that :func:`run` also accepts (e.g. ``"sgld"``, ``"dropout-k"``): each
    looks further at a kind's model and has no widget of its own."""
    return _core.analyses()


def fields(kind: str) -> List[Dict[str, Any]]:
    """The settings of ``kind``: one dict per setting, exactly the core's field table (what
    the widgets build their controls from and ``noiselab fields <kind>`` prints).

    Each dict has ``name`` (camelCase; :func:`run` also takes it in snake_case), ``label`` (with
    the lecture's symbol, e.g. "learning rate α"), ``unit``, ``help``, ``kind`` (``"real"``,
    ``"integer"``, ``"choice"`` or ``"matrix"``) and its range: ``min``, ``max``, ``minOpen``,
    ``default``, ``step`` (real); ``min``, ``max``, ``default`` (integer); ``options`` as
    ``[value, label]`` pairs and ``default`` (choice); ``maxRows``, ``maxCols``, ``square``,
    ``default`` (matrix). Raises ``ValueError`` for an unknown kind, listing the kinds.
    """
    return _core.fields(kind)


def static_dir() -> Path:
    """The widget bundle inside the installed package: ``noiselab.js`` (the custom elements
    ``<noiselab-KIND>``), ``frame.html``, the widgets and the wasm cores (``pkg/*/*.wasm``), a
    copy of the project's ``dist/widgets/`` made when the wheel was built. Serve it (or copy it
    next to a page) to embed live widgets with no network access."""
    path = Path(__file__).resolve().parent / "static"
    if not (path / "noiselab.js").is_file():
        raise FileNotFoundError(
            f"{path} holds no widget bundle: this noiselab was not built by "
            "scripts/build-python.sh (which copies dist/widgets/ into the wheel)"
        )
    return path


def _camel(name: str) -> str:
    """``noise_std`` → ``noiseStd``; a camelCase name stays as it is."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    """``noiseStd`` → ``noise_std`` (for messages)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _text(field: Dict[str, Any], value: Any) -> str:
    """A Python value as the setting text the core parses (the text of the URL hash, the
    element attributes and ``--set name=value``): floats by ``repr`` (shortest round trip, so
    the core reads back the very same double), integers in decimal, booleans as a choice's
    ``"on"``/``"off"`` (or ``"true"``/``"false"``), vectors and matrices (lists, tuples,
    NumPy arrays) as JSON."""
    if isinstance(value, (bool, np.bool_)):
        options = [v for v, _ in field.get("options", [])]
        yes, no = next(
            ((y, n) for y, n in (("on", "off"), ("true", "false"), ("yes", "no"))
             if y in options and n in options),
            ("true", "false"),
        )
        return yes if value else no
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return json.dumps(np.asarray(value, dtype=float).tolist())
    raise TypeError(
        f"{field['name']}: cannot use a {type(value).__name__} as a setting "
        "(give a number, a string, a bool or a list)"
    )


def _settings(kind: str, settings: Dict[str, Any]) -> List[tuple]:
    """``(camelCase name, text)`` pairs; unknown names raise ``ValueError``."""
    table = {f["name"]: f for f in _core.fields(kind)}
    pairs = []
    for name, value in settings.items():
        camel = _camel(name)
        if camel not in table:
            known = ", ".join(_snake(n) for n in table)
            raise ValueError(f'{kind}: unknown setting "{name}"; known settings: {known}')
        pairs.append((camel, _text(table[camel], value)))
    return pairs


def _columns(history: Any, names: Any) -> Dict[str, np.ndarray]:
    """History rows as one float64 array per column (NaN where the file has ``null``)."""
    if isinstance(history, np.ndarray) and history.ndim == 2 and names is not None:
        table = np.ascontiguousarray(history.T, dtype=np.float64)
        return {str(name): table[i] for i, name in enumerate(names)}
    return {}


class Run:
    """The result of :func:`run`: one experiment run to the end.

    - ``kind``: the experiment run, e.g. ``"funnel"``;
    - ``settings``: every setting as the core normalized it, ``{camelCase name: text}``
      (defaults included): give them back to :func:`run`, the CLI (``--set``) or a widget to
      reproduce the numbers;
    - ``history``: ``{column: numpy.ndarray}`` (float64, one entry per recorded row, NaN where
      a number is undefined, e.g. after divergence); for the funnel, ``steps + 1`` rows
      (step 0 … steps). Kinds without steps keep their table there, as their widget's export
      does: ``implicit-reg`` one row per sweep point, ``one-epoch`` per learning rate,
      ``laplace-vb`` per z, ``bayes-regression`` per grid x, ``logreg-posterior`` the data
      (x1, x2, y); an analysis without a table has an empty one;
    - ``columns`` (also ``fields``): the history's column names, in order;
    - ``doc``: the rest of the CLI's JSON document (``snapshot``, the kind's summaries and
      extras such as the funnel's ``gradientFlow`` or SGD-as-OU's ``theory``), with every
      rectangular list of numbers as a NumPy array;
    - ``run[column]``: ``run.history[column]``.
    """

    def __init__(self, kind: str, doc: Dict[str, Any]):
        doc = dict(doc)
        self.kind = kind
        self.settings: Dict[str, str] = doc.pop("settings", {})
        history = doc.get("history")
        self.history = _columns(history, doc.get("historyFields"))
        if self.history:
            doc.pop("history")
            doc.pop("historyFields", None)
        self.doc: Dict[str, Any] = doc

    @property
    def columns(self) -> List[str]:
        """The history's column names, in order."""
        return list(self.history)

    fields = columns

    def __getitem__(self, column: str) -> np.ndarray:
        try:
            return self.history[column]
        except KeyError:
            raise KeyError(
                f"{self.kind} has no history column {column!r}; columns: {', '.join(self.history)}"
                if self.history else f"{self.kind} keeps no per-step history; see .doc: {', '.join(self.doc)}"
            ) from None

    def __len__(self) -> int:
        """The number of history rows."""
        return len(next(iter(self.history.values()), ()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        if self.history:
            rows = f"history: {len(self)} rows × {len(self.history)} columns ({', '.join(self.history)})"
        else:
            rows = "no per-step history"
        return f"<noiselab.Run {self.kind}: {rows}; doc: {', '.join(self.doc)}; settings: {shown}>"


def _csv_source(data: Any) -> tuple | None:
    """``(bytes, label)`` when ``data`` is a CSV file (a path) or CSV text; ``None`` when it is
    the ``data`` setting itself (matrix text, a nested list or an array)."""
    if isinstance(data, os.PathLike):
        path = Path(data)
        return path.read_bytes(), str(path)
    if isinstance(data, (bytes, bytearray)):
        return bytes(data), None
    if isinstance(data, str):
        if "\n" in data or "\r" in data:
            return data.encode("utf-8"), None
        if data.lower().endswith((".csv", ".tsv", ".txt")) or os.path.isfile(data):
            return Path(data).read_bytes(), data
    return None


def read_data(kind: str, data: Any, /, **settings: Any) -> Dict[str, Any]:
    """Read own data for ``kind`` (docs/data.md) with the core's CSV parser, the one the CLI's
    ``--data`` and the browser's data panel use: ``data`` is a path (``str`` ending in ``.csv``
    or an existing file, or a ``PathLike``), CSV text (with a line break) or the file's bytes.
    ``settings`` matter for ``task`` only (dropout, sharpness: regression reads ``x, y``, the
    classification tasks ``x1, x2, y``).

    Returns ``{"value", "rows", "trainRows", "testRows", "columns", "ignored", "splitColumn",
    "summary"}``; ``value`` is the text of the ``data`` setting. A bad file raises
    ``ValueError`` naming the problem, its line and its column (prefixed by the file's path),
    e.g. ``data.csv: line 7, column "x2": "abc" is not a number``.
    """
    source = _csv_source(data)
    if source is None:
        raise TypeError(
            f"{kind}: read_data takes a path, CSV text or bytes, got {type(data).__name__}"
        )
    raw, label = source
    others = {k: v for k, v in settings.items() if _camel(k) != "data"}
    try:
        return _core.parse_data(kind, raw, _settings(kind, others))
    except ValueError as e:
        raise ValueError(f"{label}: {e}" if label else str(e)) from None


def run(kind: str, /, **settings: Any) -> Run:
    """Run the experiment ``kind`` to the end and return its :class:`Run`.

    Settings are keywords, snake_case (``noise_std=2``) or camelCase (``noiseStd=2``), over
    the defaults of :func:`fields`; values are numbers, strings (a choice's value, or any text
    the widget's field accepts), booleans for on/off choices, and lists or arrays for matrix
    settings. The numbers are those of ``noiselab run <kind> --set noiseStd=2 … --out x.json``
    bit for bit, and of the widget with the same settings and seed::

        r = noiselab.run("funnel", noise_std=2, seed=7)
        r["meanX"]          # E[x] over the trajectories at steps 0 … steps

    Own data (docs/data.md; dropout, sharpness, implicit-reg, bayes-regression,
    logreg-posterior): ``data=`` takes a CSV file's path (``str`` or ``PathLike``), CSV text,
    or the ``data`` setting itself as a 2-D array or nested list of rows (e.g. ``x1 x2 y test``)
    or its text. Files and text go through :func:`read_data`, the core's parser shared with the
    CLI's ``--data`` and the browser::

        r = noiselab.run("dropout", data="examples/data/dropout-xor.csv", steps=500)

    A bad value raises ``ValueError`` with the core's message, naming every bad field and its
    allowed range (e.g. ``noiseStd must be a number in [0, 10]; got -1``); so do an unknown
    setting and an unknown kind (listing the settings or kinds), and a bad data file (its line
    and column). The run holds no Python lock: other threads keep running meanwhile.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a string such as 'funnel', got {kind!r}")
    data_key = next((k for k in settings if _camel(k) == "data"), None)
    if data_key is not None and _csv_source(settings[data_key]) is not None:
        others = {k: v for k, v in settings.items() if k != data_key}
        settings = {**others, "data": read_data(kind, settings[data_key], **others)["value"]}
    pairs = _settings(kind, settings)  # an unknown kind fails here, listing the kinds
    try:
        doc = _core.run(kind, pairs)
    except ValueError as e:
        raise ValueError(f"{kind}: {e}") from None
    return Run(kind, doc)
