"""noiselab: the lab's experiments from Python, on the same Rust core as its browser widgets
and command line (Grosse, CSC2541 Lecture 8: implicit regularization and Bayesian inference).

>>> import noiselab
>>> r = noiselab.run("funnel", noise_std=2, seed=7)   # noisy GD on the funnel, to the end
>>> r["meanX"][-1]                                    # E[x] at the last step (NumPy float64)
>>> noiselab.fields("funnel")                         # settings: ranges, defaults, help

``run`` returns a :class:`Run` (``.settings``, ``.history`` as NumPy arrays, ``.doc``), the
numbers of ``noiselab run funnel --set noiseStd=2 --set seed=7 --out x.json`` bit for bit.
``static_dir()`` is the widget bundle shipped in the wheel (JS and wasm; no network needed).
``noiselab.widgets`` holds the live Jupyter widgets (``noiselab.widgets.Funnel(noise_std=2)``;
needs ``anywidget``: ``pip install "noiselab[jupyter]"``), imported on first use.
"""

from ._api import Run, analyses, fields, kinds, read_data, run, static_dir
from ._core import __version__

__all__ = [
    "Run", "analyses", "fields", "kinds", "read_data", "run", "static_dir", "widgets", "__version__",
]


def __getattr__(name):
    # `noiselab.widgets` after a plain `import noiselab`, without importing anywidget (and
    # Jupyter's stack) for scripts that only run experiments.
    if name == "widgets":
        import importlib

        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'noiselab' has no attribute {name!r}")
