"""What the lesson's Jupyter server adds, for three things a learner would otherwise notice.

:mod:`lessonsetup.configure` writes both into the environment's server settings, so
``make lab`` and the conda route's ``jupyter lab`` get them.

1. **An episode opens unchanged.** JupyterLab copies the kernel's ``language_info`` into
   every notebook it opens, and a notebook whose ``language_info`` differs (a Markdown
   episode has none: jupytext leaves it out of the file) is marked unsaved (●) at once,
   and asks to be saved on closing. :class:`LessonContentsManager` is jupytext's contents
   manager (``jupytext.AsyncTextFileContentsManager``, which the jupytext documentation
   says to set as ``ServerApp.contents_manager_class``) that gives a notebook without
   ``language_info`` the one this environment's Python kernel reports
   (``ipykernel``'s ``IPythonKernel.language_info``). Saving an episode writes nothing
   more into it: jupytext leaves ``language_info`` out of Markdown files.

2. **No 404 for the episodes' figures.** JupyterLab's Markdown renderer puts each picture
   into the page with its address as written (``../fig/overview.png``) before it replaces
   it with the server's ``/files/fig/overview.png``, and the browser starts fetching the
   first address, relative to the page's. On ``/lab`` (JupyterLab reopened with episodes
   restored) that is ``/fig/overview.png``: a 404 in the server's log. The server extension
   here serves the lesson's ``fig/`` folder at ``/fig/`` too, to logged-in users only, as
   ``/files/`` does.

3. **The first episode opens with the file browser at the lesson's folder.** JupyterLab's
   ``/lab/tree/PATH`` opens PATH and takes the file browser into PATH's folder, unless the
   address adds ``?file-browser-path=/`` (documented under "JupyterLab URLs"). But the
   server prints its ``default_url`` with ``?token=...`` appended as is, which breaks an
   address that has a query already. So ``make lab``'s ``default_url`` is ``/lesson/PATH``,
   which the extension redirects (for logged-in users) to
   ``/lab/tree/PATH?file-browser-path=/``; the address printed with its token works.
"""

from __future__ import annotations

import copy
from pathlib import Path

from ipykernel.ipkernel import IPythonKernel
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import AuthenticatedFileHandler, JupyterHandler
from jupyter_server.utils import url_escape, url_path_join
from jupytext import AsyncTextFileContentsManager
from tornado import web
from tornado.httputil import url_concat

#: The lesson's figures, which the episodes show as ``../fig/NAME.png``.
FIGURES = Path(__file__).resolve().parent.parent / "fig"


class LessonContentsManager(AsyncTextFileContentsManager):
    """Jupytext's contents manager, giving notebooks the kernel's ``language_info``.

    Examples
    --------
    >>> import asyncio, tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.mkdtemp()
    >>> _ = (Path(folder) / "episode.md").write_text("# Title\\n\\n```{code-cell}\\n1\\n```\\n")
    >>> manager = LessonContentsManager(root_dir=folder)
    >>> model = asyncio.run(manager.get("episode.md", type="notebook"))
    >>> model["content"]["metadata"]["language_info"]["name"]
    'python'
    """

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if content and model.get("type") == "notebook":
            metadata = model["content"]["metadata"]
            if "language_info" not in metadata:
                metadata["language_info"] = copy.deepcopy(IPythonKernel.language_info)
        return model


class StartHandler(JupyterHandler):
    """``/lesson/PATH``: JupyterLab with PATH open and the file browser at the root."""

    auth_resource = "contents"

    @web.authenticated
    @authorized
    def get(self, path: str) -> None:
        target = url_path_join(self.base_url, "lab", "tree", url_escape(path))
        self.redirect(url_concat(target, {"file-browser-path": "/"}))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "lessonsetup.server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Serve the lesson's ``fig/`` at ``/fig/``, and ``/lesson/PATH`` (see the module's
    docstring)."""
    base_url = serverapp.web_app.settings["base_url"]
    handlers = [(url_path_join(base_url, r"/lesson/(.*)"), StartHandler)]
    if FIGURES.is_dir():
        figures = url_path_join(base_url, r"/fig/(.*)")
        handlers.append((figures, AuthenticatedFileHandler, {"path": str(FIGURES)}))
    serverapp.web_app.add_handlers(".*$", handlers)
