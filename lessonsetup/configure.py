"""Make JupyterLab open the Markdown episodes as notebooks, and keep it quiet offline.

The episodes are Markdown files (jupytext MyST). With jupytext installed, JupyterLab can
open them as notebooks; this writes the setting that makes that the default on
double-click, into the environment's own settings (not the user's), so nothing outside
the environment changes. It also turns off JupyterLab's news and update checks, which
would otherwise ask every learner a question and try to reach the internet, and makes
closing a notebook shut its kernel down (each episode's kernel holds its images).

It also writes a Jupyter server setting into the environment: the server gives every
kernel it starts CurveZMQ keys, so the kernel's messages on its local TCP ports are
encrypted, and the kernel no longer warns "Kernel is running over TCP without encryption"
in the console at every start (jupyter_server's documented
``MappingKernelManager.transport_encryption``; "auto" uses it for kernels that declare
support, as ipykernel does, and starts other kernels as before). And it makes the server
use :mod:`lessonsetup.server`: episodes open without being marked unsaved, and the
episodes' figures cause no 404 in the server's log.

Run once per environment: ``python -m lessonsetup.configure`` (``make lab`` does it for you).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: JupyterLab settings: open Markdown and MyST files with jupytext's notebook view; no news
#: or update checks (a workshop room may be offline, and the question distracts learners);
#: closing a notebook shuts its kernel down, so that the kernels of finished episodes (each
#: holding hundreds of MB of images) do not pile up on a learner's laptop.
SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    },
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {"kernelShutdown": True},
}


#: Jupyter server settings: encrypt the messages between the server and its kernels; the
#: lesson's contents manager and server extension (:mod:`lessonsetup.server`).
SERVER_CONFIG = {
    "MappingKernelManager": {"transport_encryption": "auto"},
    # episodes open unchanged (not marked unsaved), and no 404 for the episodes' figures
    "ServerApp": {
        "contents_manager_class": "lessonsetup.server.LessonContentsManager",
        "jpserver_extensions": {"lessonsetup.server": True},
    },
}


def overrides_path(prefix: str | Path = sys.prefix) -> Path:
    """Where JupyterLab reads an environment's setting overrides.

    Parameters
    ----------
    prefix : str or path, optional
        The environment's prefix (default: the running Python's).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> overrides_path("/env").as_posix()
    '/env/share/jupyter/lab/settings/overrides.json'
    """
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(prefix: str | Path = sys.prefix) -> Path:
    """Add the lesson's settings to the environment's overrides, keeping the others.

    Parameters
    ----------
    prefix : str or path, optional
        The environment's prefix (default: the running Python's).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If an existing overrides file is not valid JSON (it is left as it was).

    Examples
    --------
    >>> import json, tempfile
    >>> path = write_overrides(tempfile.mkdtemp())
    >>> json.loads(path.read_text()) == SETTINGS
    True
    """
    return _merge_json(overrides_path(prefix), SETTINGS)


def _merge_json(path: Path, sections: dict[str, dict]) -> Path:
    """Set ``sections`` in the JSON file at ``path``, keeping every other setting in it."""
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is not valid JSON ({error}); fix or delete it, then run this again."
            ) from error
    for section, values in sections.items():
        settings.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def server_config_path(prefix: str | Path = sys.prefix) -> Path:
    """The settings file that every Jupyter server started from an environment reads.

    ``jupyter --paths`` lists it among the config folders.

    Parameters
    ----------
    prefix : str or path, optional
        The environment's prefix (default: the running Python's).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> server_config_path("/env").as_posix()
    '/env/etc/jupyter/jupyter_server_config.json'
    """
    return Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.json"


def write_server_config(prefix: str | Path = sys.prefix) -> Path:
    """Add the lesson's Jupyter server settings (:data:`SERVER_CONFIG`) to an environment's.

    Parameters
    ----------
    prefix : str or path, optional
        The environment's prefix (default: the running Python's).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If the existing file is not valid JSON (it is left as it was).

    Examples
    --------
    >>> import json, tempfile
    >>> path = write_server_config(tempfile.mkdtemp())
    >>> json.loads(path.read_text()) == SERVER_CONFIG
    True
    """
    return _merge_json(server_config_path(prefix), SERVER_CONFIG)


if __name__ == "__main__":
    print(f"wrote {write_overrides()}")
    print(f"wrote {write_server_config()}")
