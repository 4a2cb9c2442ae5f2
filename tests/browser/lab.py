"""A private JupyterLab server and a headless chromium, for the browser test and benchmark.

The server listens on 127.0.0.1 on a free port with a fresh token, and keeps its settings,
workspaces, runtime and config files in folders of its own, so it neither reads nor changes
the user's. The browser is the system's chromium (``/usr/bin/chromium``), driven by
Playwright; nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: The visible notebook (JupyterLab keeps hidden panels in the page).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


@dataclass
class Lab:
    """A running JupyterLab: where it listens and how to stop it."""

    url: str
    token: str
    process: subprocess.Popen

    def notebook_url(self, path: str) -> str:
        """Address that opens ``path`` (relative to the server's root) in a fresh layout.

        Examples
        --------
        >>> Lab("http://127.0.0.1:1", "abc", None).notebook_url("a.ipynb")
        'http://127.0.0.1:1/lab/tree/a.ipynb?token=abc&reset'
        """
        return f"{self.url}/lab/tree/{path}?token={self.token}&reset"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_lab(root_dir: Path, scratch: Path, timeout: float = 90) -> Iterator[Lab]:
    """Start JupyterLab serving ``root_dir``; stop it (by its process id) on leaving.

    Parameters
    ----------
    root_dir : Path
        Folder the server shows.
    scratch : Path
        Empty folder for the server's own settings, workspaces, runtime and config files.
    timeout : float
        Seconds to wait for the server to answer.
    """
    port, token = free_port(), secrets.token_hex(16)
    folders = {name: scratch / name for name in ("settings", "workspaces", "runtime", "config")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={folders['settings']}",
        f"--LabApp.workspaces_dir={folders['workspaces']}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    environment = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
        JUPYTER_CONFIG_DIR=str(folders["config"]),
    )
    log = open(scratch / "server.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited; see {scratch / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer in {timeout} s") from None
                time.sleep(0.3)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def notebook_from_markdown(markdown: Path, notebook: Path) -> Path:
    """Convert a jupytext Markdown notebook to ``.ipynb`` (unexecuted)."""
    import jupytext

    jupytext.write(jupytext.read(markdown), notebook)
    return notebook


def open_and_run(page, url: str, figures: int, timeout: float = 120_000) -> None:
    """Open a notebook, Run All, and wait until ``figures`` ipympl figures are shown."""
    page.goto(url)
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=timeout)
    page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']").or_(
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    ).first.wait_for(timeout=timeout)
    canvases = page.locator(f"{NOTEBOOK} .jupyter-matplotlib-figure canvas")
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
    deadline = time.monotonic() + timeout / 1000
    run_at = 0.0
    while canvases.count() < figures or not _idle(page):
        _accept_dialogs(page)
        if outputs.count() == 0 and time.monotonic() - run_at > 30:
            # Run All (again, if a first click came before the kernel was ready)
            page.wait_for_timeout(1000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            run_at = time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{canvases.count()} of {figures} figures after Run All")
        page.wait_for_timeout(250)


def _accept_dialogs(page) -> None:
    """Accept a dialog in the way (on a slow start JupyterLab may ask for the kernel)."""
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        print("accepting JupyterLab dialog:", " ".join(dialogs.first.inner_text().split()))
        dialogs.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        page.wait_for_timeout(500)


def _idle(page) -> bool:
    return page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0


def explorer_outputs(page):
    """One locator per explorer: the output areas that hold an ipympl figure."""
    return page.locator(f"{NOTEBOOK} .jp-OutputArea-output").filter(
        has=page.locator(".jupyter-matplotlib-figure")
    )
