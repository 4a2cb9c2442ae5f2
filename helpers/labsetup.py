"""Make JupyterLab open the Markdown episodes as notebooks, and keep it quiet offline.

The episodes are Markdown files (jupytext MyST). With jupytext installed, JupyterLab can
open them as notebooks; this writes the setting that makes that the default on
double-click, into the environment's own settings (not the user's), so nothing outside
the environment changes. It also turns off JupyterLab's news and update checks, which
would otherwise ask every learner a question and try to reach the internet.

Run once per environment: ``python -m helpers.labsetup`` (``make lab`` does it for you).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: JupyterLab settings: open Markdown and MyST files with jupytext's notebook view; no news
#: or update checks (a workshop room may be offline, and the question distracts learners).
SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    },
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
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
    path = overrides_path(prefix)
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is not valid JSON ({error}); fix or delete it, then run this again."
            ) from error
    for plugin, values in SETTINGS.items():
        settings.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


if __name__ == "__main__":
    print(f"wrote {write_overrides()}")
