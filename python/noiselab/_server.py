"""The Jupyter server extension of noiselab: serves the widget bundle inside this package
(``noiselab.static_dir()``: noiselab.js, the widgets, their workers and WebAssembly cores, and
anywidget.js) at ``<base URL>noiselab/static/``, so the notebook widgets (noiselab.widgets) load
them from the page's own origin, as module workers must, and with no network access.

Enabled when the package is installed: the wheel puts
``etc/jupyter/jupyter_server_config.d/noiselab.json`` into the environment, which turns on
``noiselab._server`` for ``jupyter lab`` and ``jupyter notebook`` (Notebook 7). By hand:
``jupyter server extension enable noiselab._server``.
"""

from __future__ import annotations

from tornado import web

ROUTE = "noiselab/static"


class _StaticHandler(web.StaticFileHandler):
    """The bundle's files, with the types the browser insists on for module workers and wasm
    (whatever the system's MIME table says), revalidated on every load (a reinstalled wheel is
    seen at the next page load)."""

    TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
             ".css": "text/css", ".html": "text/html", ".json": "application/json"}

    def get_content_type(self) -> str:
        for ext, mime in self.TYPES.items():
            if self.absolute_path.endswith(ext):
                return mime
        return super().get_content_type()

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "noiselab._server"}]


def _load_jupyter_server_extension(server_app) -> None:
    from jupyter_server.utils import url_path_join

    from . import static_dir

    web_app = server_app.web_app
    route = url_path_join(web_app.settings["base_url"], ROUTE, "(.*)")
    web_app.add_handlers(".*$", [(route, _StaticHandler, {"path": str(static_dir())})])
    server_app.log.info("noiselab: widgets served at %s from %s", url_path_join(web_app.settings["base_url"], ROUTE), static_dir())
