"""A private JupyterLab server and a headless chromium, for the browser tests and benchmark.

The server listens on 127.0.0.1 on a free port with a fresh token, and keeps its settings,
workspaces, runtime and config files in folders of its own, so it neither reads nor changes
the user's. It is started either directly (:func:`running_lab`) or by any other command
given those options (:func:`serving`), such as the README's ``make lab``
(:func:`running_make_lab`, used by ``tests/test_make_lab.py`` and the browser benchmark).
The browser is the system's chromium (``/usr/bin/chromium``), driven by Playwright; nothing
is downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
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

#: JavaScript that records when the page paints a frame: the time of each ``drawImage`` call
#: on a canvas (ipympl), and of the animation frame after an explorer's picture has decoded
#: a new ``src`` (helpers.widgets), go into ``window.__paints``; the time stamp of each key
#: press into ``window.__keys``. Running it twice changes nothing.
RECORD_PAINTS = """() => {
    if (window.__paints) return;
    window.__paints = [];
    window.__keys = [];
    const painted = () => window.__paints.push(performance.now());
    const original = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
        painted();
        return original.apply(this, args);
    };
    document.addEventListener("keydown", (event) => window.__keys.push(event.timeStamp), true);
    new MutationObserver((records) => {
        for (const record of records) {
            if (!record.target.classList.contains("widget-image")) continue;
            record.target.decode().then(() => requestAnimationFrame(painted), () => {});
        }
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["src"]});
}"""


@dataclass
class Lab:
    """A running JupyterLab: where it listens, how to stop it, the folder it serves
    (``root``, when known) and its own settings and runtime files (``scratch``)."""

    url: str
    token: str
    process: subprocess.Popen
    root: Path | None = None
    scratch: Path | None = None

    def notebook_url(self, path: str) -> str:
        """Address that opens ``path`` (relative to the server's root) in a fresh layout.

        Examples
        --------
        >>> Lab("http://127.0.0.1:1", "abc", None).notebook_url("a.ipynb")
        'http://127.0.0.1:1/lab/tree/a.ipynb?token=abc&reset'
        """
        return f"{self.url}/lab/tree/{path}?token={self.token}&reset"

    def shut_down_kernels(self) -> None:
        """End every session and its kernel, as closing a notebook and its kernel would."""
        sessions_url = f"{self.url}/api/sessions"
        with urllib.request.urlopen(f"{sessions_url}?token={self.token}") as answer:
            sessions = json.load(answer)
        for session in sessions:
            url = f"{sessions_url}/{session['id']}?token={self.token}"
            urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def lab_options(port: int, token: str, scratch: Path) -> list[str]:
    """JupyterLab options for a private server on 127.0.0.1:``port``.

    No browser, a fixed token, and the user settings and workspaces in ``scratch``; no news
    or update checks; ``--allow-root`` when running as root.
    """
    folders = {name: scratch / name for name in ("settings", "workspaces")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    options = [
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={folders['settings']}",
        f"--LabApp.workspaces_dir={folders['workspaces']}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")
    return options


def lab_environment(scratch: Path) -> dict[str, str]:
    """This process's environment, with Jupyter's runtime and config folders and the
    kernels' IPython folder in ``scratch``."""
    folders = {name: scratch / name for name in ("runtime", "config", "ipython")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
        JUPYTER_CONFIG_DIR=str(folders["config"]),
        IPYTHONDIR=str(folders["ipython"]),
    )


@contextlib.contextmanager
def serving(
    command: list[str],
    port: int,
    token: str,
    scratch: Path,
    *,
    cwd: Path | None = None,
    environment: dict[str, str] | None = None,
    timeout: float = 90,
) -> Iterator[Lab]:
    """Run ``command`` (a JupyterLab on ``port``) until the block ends, then stop it.

    The command runs in a process group of its own, with its output in
    ``scratch/server.log``; it is stopped by signalling that group, so a server started by
    another program (``make lab``) stops with it.
    """
    log = open(scratch / "server.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment if environment is not None else lab_environment(scratch),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lab = Lab(f"http://127.0.0.1:{port}", token, process, root=cwd, scratch=scratch)
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
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a process and its process group (SIGTERM, then SIGKILL after 30 s)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 15
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)  # the server's children (e.g. make's shell) may take a moment
    if _group_alive(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)  # gone, and its ports closed, before the caller goes on


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


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
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root_dir}"]
    command += lab_options(port, token, scratch)
    with serving(command, port, token, scratch, timeout=timeout) as lab:
        lab.root = root_dir
        yield lab


#: Variables a `make test` run passes to its children; the inner make must not see them.
MAKE_VARIABLES = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "MAKE_TERMOUT")


def make_lab_missing(root: Path) -> str:
    """Why :func:`running_make_lab` cannot run in the checkout ``root`` without installing
    anything, or an empty string when it can."""
    if shutil.which("make") is None or shutil.which("git") is None:
        return "make and git are needed to run `make lab` in the checkout."
    environment = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
    if subprocess.run(["make", "-q", ".venv/.installed"], cwd=root, env=environment).returncode:
        return "the learner environment is missing or out of date: run `make lab` once."
    return ""


@contextlib.contextmanager
def running_make_lab(root: Path, scratch: Path, timeout: float = 120) -> Iterator[Lab]:
    """Run the README's ``make lab LAB_ARGS="..."`` in the checkout ``root`` until the block
    ends, then stop make's whole process group.

    LAB_ARGS give the port, the token, no browser (``--allow-root`` as root), the server's
    settings, workspaces, runtime, config and IPython folders and JupyterLab's checkpoints in
    ``scratch``, and no autosave: a notebook JupyterLab marks as changed is never written.
    Check :func:`make_lab_missing` first (make must not install anything).
    """
    environment = lab_environment(scratch)
    for name in MAKE_VARIABLES:
        environment.pop(name, None)
    docmanager = scratch / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True, exist_ok=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    port, token = free_port(), secrets.token_hex(16)
    checkpoints = f"--FileCheckpoints.checkpoint_dir={scratch / 'checkpoints'}"
    lab_args = shlex.join([*lab_options(port, token, scratch), checkpoints])
    command = ["make", "lab", f"LAB_ARGS={lab_args}"]  # the README's `make lab LAB_ARGS="..."`
    with serving(
        command, port, token, scratch, cwd=root, environment=environment, timeout=timeout
    ) as lab:
        yield lab


def notebook_from_markdown(markdown: Path, notebook: Path) -> Path:
    """Convert a jupytext Markdown notebook to ``.ipynb`` (unexecuted)."""
    import jupytext

    jupytext.write(jupytext.read(markdown), notebook)
    return notebook


def open_and_run(page, url: str, figures: int, timeout: float = 120_000) -> None:
    """Open a notebook, Run All, and wait until ``figures`` figures (canvases in outputs, such
    as ipympl's or stackview's, or explorers' pictures) are shown."""
    page.goto(url)
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=timeout)
    page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']").or_(
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    ).first.wait_for(timeout=timeout)
    canvases = page.locator(f"{NOTEBOOK} .jp-OutputArea-output canvas").or_(
        page.locator(f"{NOTEBOOK} img.widget-image")
    )
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
    deadline = time.monotonic() + timeout / 1000
    clicked_at, idle_since = None, None
    while canvases.count() < figures or not _idle(page):
        _accept_dialogs(page)
        now = time.monotonic()
        idle_since = (idle_since or now) if _idle(page) else None
        # Run All; again when the kernel has sat idle 15 s with figures missing (the run
        # stopped short), or nothing at all has shown for a minute (the click was lost); not
        # sooner: a loaded machine's first cells are slow and silent, and each extra click
        # queues every cell again
        stalled = clicked_at is not None and outputs.count() == 0 and now - clicked_at > 60
        idle = idle_since is not None and now - idle_since > 15
        if canvases.count() < figures and (clicked_at is None or stalled or idle):
            page.wait_for_timeout(1000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            clicked_at, idle_since = time.monotonic(), None
        if now > deadline:
            prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt")
            raise TimeoutError(
                f"{canvases.count()} of {figures} figures after Run All; kernel "
                f"{'idle' if _idle(page) else 'busy'}; prompts {prompts.all_inner_texts()}"
            )
        page.wait_for_timeout(250)


def _accept_dialogs(page) -> None:
    """Accept a dialog in the way (on a slow start JupyterLab may ask for the kernel)."""
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        print("accepting JupyterLab dialog:", " ".join(dialogs.first.inner_text().split()))
        menu = dialogs.first.locator("select")  # "Select Kernel": choose Python 3 itself
        if menu.count():
            names = menu.first.locator("option").all_inner_texts()
            python = [name for name in names if name.startswith("Python 3")]
            if python:
                menu.first.select_option(label=python[0])
        dialogs.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        page.wait_for_timeout(500)


def _idle(page) -> bool:
    return page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0


#: An explorer's figure: a picture (helpers.widgets' ipywidgets.Image).
PICTURE = "img.widget-image"


def explorer_outputs(page):
    """One locator per explorer: the output areas that hold a figure and a slider (the
    episodes' own pyplot figures are ipympl figures too, with no slider)."""
    return (
        page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
        .filter(has=page.locator(PICTURE))
        .filter(has=page.locator(".widget-slider"))
    )
