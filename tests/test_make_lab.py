"""`make lab`, run exactly as the README says, in the checkout under test and a real browser.

The README's command, ``make lab LAB_ARGS="..."``, is run from the repository's root with
LAB_ARGS for the port, the token, no browser (and ``--allow-root`` as root), and the
server's settings, workspaces, runtime, config and IPython folders in a temporary folder,
so it neither reads nor changes the user's. It must not install anything: the test skips
when the learner environment is missing or out of date (``make -q .venv/.installed``).

Headless chromium then opens the address the server prints and checks what a learner
sees: the first episode as a notebook, the repository at the file browser's root, and every
picture in every episode's text. No cell is run: the server's root is the real checkout,
and the last test checks that ``git status`` is as it was, that the server (which make
starts as a child: the test stops make's whole process group) left no kernel behind and
that nothing listens on its port any more.

A second test, without a browser, checks that the kernels JupyterLab starts in this
environment are encrypted and quiet (``lessonsetup.configure``'s server setting).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.browser_tools import missing_browser
from tests.support.lab import (
    NOTEBOOK,
    Lab,
    is_listening,
    make_lab_missing,
    running_lab,
    running_make_lab,
)
from tests.support.site import website_module

ROOT = Path(__file__).resolve().parent.parent
EPISODES = sorted((ROOT / "episodes").glob("[0-9]*.md"))
#: The warning every unencrypted kernel prints at start (ipykernel 7.4).
TCP_WARNING = "Kernel is running over TCP without encryption"

#: A real browser (and JupyterLab): minutes; `make test-quick` leaves it out.
pytestmark = pytest.mark.browser


def _git_status() -> str:
    """What git sees changed or added in the checkout, ignored files in the lesson's folders
    included (JupyterLab's checkpoints, a kernel's output files)."""
    command = ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"]
    changed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return "\n".join(
        line
        for line in changed.stdout.splitlines()
        if not line.startswith("!!") or line[3:].startswith(("episodes/", "data/", "fig/"))
    )


def _pictures(episode: Path) -> set[str]:
    """Every picture the episode's Markdown shows, as a path from the repository's root."""
    text = re.sub(r"^```.*?^```", "", episode.read_text(), flags=re.S | re.M)  # code cells
    sources = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", text)
    sources += re.findall(r"<img\b[^>]*\bsrc=[\"']([^\"']+)", text)
    return {
        (episode.parent / source).resolve().relative_to(ROOT).as_posix()
        for source in sources
        if not source.startswith(("http:", "https:", "data:"))
    }


@dataclass
class MakeLab:
    """`make lab` running in the background: its server, its output, and how to stop it."""

    lab: Lab
    port: int
    scratch: Path
    stack: contextlib.ExitStack
    git_status: str

    def log(self) -> str:
        return (self.scratch / "server.log").read_text(errors="replace")

    def stop(self) -> None:
        self.stack.close()


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    if reason := make_lab_missing(ROOT):
        pytest.skip(reason)
    scratch = tmp_path_factory.mktemp("make-lab")
    status = _git_status()
    stack = contextlib.ExitStack()
    lab = stack.enter_context(running_make_lab(ROOT, scratch))
    port = int(lab.url.rsplit(":", 1)[1])
    running = MakeLab(lab, port, scratch, stack, status)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(make_lab):
    if reason := missing_browser():
        pytest.skip(reason)
    from tests.support.browser_tools import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def test_make_lab_installs_nothing_and_starts_jupyterlab(make_lab):
    commands = [line for line in make_lab.log().splitlines() if not line.startswith("[")]
    assert commands and commands[0].startswith(".venv/bin/jupyter lab "), commands[:3]
    assert not any("pip install" in line or "lessonsetup" in line for line in commands), commands


def _printed_address(make_lab: MakeLab) -> str:
    """The address `make lab` prints, with the server's token."""
    printed = re.findall(r"http://127\.0\.0\.1:\d+/\S*\?token=\S+", make_lab.log())
    assert printed, make_lab.log()
    return printed[0].replace("token=...", f"token={make_lab.lab.token}")


def test_the_printed_address_opens_the_first_episode_as_a_notebook(make_lab, page):
    address = _printed_address(make_lab)
    assert f"/lesson/episodes/{EPISODES[0].name}?" in address
    page.goto(address)
    page.locator(f"{NOTEBOOK} .jp-CodeCell").first.wait_for(timeout=90_000)
    assert f"/lab/tree/episodes/{EPISODES[0].name}" in page.url
    title = page.locator(f"{NOTEBOOK} .jp-MarkdownCell h1").first
    title.wait_for(timeout=30_000)
    assert title.inner_text().strip().startswith("Images are arrays of numbers")
    assert page.locator(".jp-FileEditor:visible").count() == 0  # not as text
    # its kernel starts and answers (over the encrypted connection the server set up)
    page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']").or_(
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    ).first.wait_for(timeout=90_000)


def _listing(page, wanted: str) -> set[str]:
    """The names in the file browser, once ``wanted`` is among them."""
    items = page.locator(".jp-DirListing-content .jp-DirListing-itemName")
    items.filter(has_text=wanted).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    return {name.strip() for name in items.all_inner_texts()}


def test_the_file_browser_shows_what_the_readme_says(make_lab, page):
    """The README and the Set-up page: with the first episode open, the file browser shows
    the lesson's folder (episodes/, data/, fig/, learner/); double-clicking `episodes` shows
    the episodes, and the folder icon above the list goes back up."""
    page.goto(_printed_address(make_lab))
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=90_000)
    names = _listing(page, "episodes")
    assert {"episodes", "data", "fig", "README.md"} <= names, names
    if (ROOT / "learner").is_dir():
        assert "learner" in names
    hidden = {path.name for pattern in ("*.egg-info", "_build") for path in ROOT.glob(pattern)}
    assert not names & hidden, f"build folders in the file browser: {names & hidden}"
    assert page.locator(".jp-BreadCrumbs-item").count() == 0  # at the root: "/" only
    items = page.locator(".jp-DirListing-content .jp-DirListing-item")
    items.filter(has_text="episodes").first.dblclick()
    assert {path.name for path in EPISODES} <= _listing(page, EPISODES[0].name)
    page.locator(".jp-BreadCrumbs-home").first.click()  # the folder icon
    assert {"episodes", "data", "fig"} <= _listing(page, "data")


def test_closing_a_code_along_notebook_shuts_its_kernel_down(make_lab, page):
    """The lesson's JupyterLab setting (``kernelShutdown``), so that the kernels of finished
    notebooks do not pile up. (Jupytext's view of the Markdown episodes does not apply it.)"""
    module = website_module("learner_notebooks")
    notebook = module.learner_path(EPISODES[0], ROOT / "learner")
    created = module.write_code_along(EPISODES[0], ROOT / "learner")  # never replaces one
    make_lab.lab.shut_down_kernels()  # the first episode's, from the tests above
    try:
        page.goto(make_lab.lab.notebook_url(notebook.relative_to(ROOT).as_posix()))
        page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=90_000)
        expected = [notebook.relative_to(ROOT).as_posix()]
        deadline = time.monotonic() + 90
        while _sessions(make_lab.lab) != expected and time.monotonic() < deadline:
            time.sleep(0.5)  # its kernel starts (its session's path is a uuid at first)
        assert _sessions(make_lab.lab) == expected
        page.wait_for_timeout(1000)
        tab = page.locator(".lm-DockPanel .lm-TabBar-tab", has_text=notebook.name)
        tab.locator(".lm-TabBar-tabCloseIcon").click()
        deadline = time.monotonic() + 30
        while (running := _sessions(make_lab.lab)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not running, f"kernels still running after closing {notebook.name}: {running}"
    finally:
        if created:
            notebook.unlink()
            with contextlib.suppress(OSError):
                notebook.parent.rmdir()  # only if the test made learner/


def _sessions(lab: Lab) -> list[str]:
    """The paths of the notebooks that have a kernel on the server."""
    with urllib.request.urlopen(f"{lab.url}/api/sessions?token={lab.token}") as answer:
        return [session["path"] for session in json.load(answer)]


def _loaded_pictures(page, attempts: int = 3) -> dict[str, int]:
    """Scroll through the open notebook; each picture in its rendered Markdown, by path from
    the server's root, and its width once loaded (0 for a broken picture)."""
    outer = page.locator(f"{NOTEBOOK} .jp-WindowedPanel-outer").first
    pictures = page.locator(f"{NOTEBOOK} .jp-MarkdownCell .jp-RenderedMarkdown img")
    seen: dict[str, int] = {}
    for _ in range(attempts):
        outer.evaluate("el => { el.scrollTop = 0; }")
        while True:
            page.wait_for_timeout(400)  # the cells in view render
            for index in range(pictures.count()):
                picture = pictures.nth(index)
                page.wait_for_function(
                    "img => img.complete", arg=picture.element_handle(), timeout=30_000
                )
                source = picture.get_attribute("src") or ""
                path = re.sub(r"^.*?/files/", "", source.split("?")[0])
                seen[path] = picture.evaluate("img => img.naturalWidth")
            at_end = outer.evaluate(
                "el => { const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;"
                " el.scrollTop += Math.round(el.clientHeight * 0.7); return end; }"
            )
            if at_end:
                break
        if seen:
            break
    return seen


def _tab(page, episode: str):
    """The episode's tab, which must not be marked unsaved (●)."""
    tab = page.locator(".lm-DockPanel .lm-TabBar-tab", has_text=episode)
    assert tab.count() == 1
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), f"{episode} is unsaved"
    return tab


def _saved_workspace_lists(lab: Lab, path: str, timeout: float = 30) -> bool:
    """Whether JupyterLab has saved a workspace with ``path`` open (its layout keys documents
    as ``factory:path``), within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{lab.url}/lab/api/workspaces?token={lab.token}") as answer:
            workspaces = json.load(answer)["workspaces"]["values"]
        if any(key.endswith(f":{path}") for space in workspaces for key in space["data"]):
            return True
        time.sleep(0.25)
    return False


@pytest.mark.parametrize("episode", [path.name for path in EPISODES])
def test_an_episode_opens_unchanged_shows_its_pictures_and_closes_without_asking(
    make_lab, page, episode
):
    """One visit per episode, as a learner makes it: the episode opens as a notebook, not
    marked unsaved once its kernel is up; every picture in its text loads; coming back to
    ``/lab`` reopens it with its pictures (its Markdown is then rendered on a page at
    ``/lab``, so a picture's address as written, ``../fig/...``, points at ``/fig/...``: the
    log test below checks for 404s); closing its tab asks nothing."""
    expected = _pictures(ROOT / "episodes" / episode)
    page.goto(make_lab.lab.notebook_url(f"episodes/{episode}"))
    page.locator(f"{NOTEBOOK} .jp-MarkdownCell").first.wait_for(timeout=90_000)
    page.locator(f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']").or_(
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    ).first.wait_for(timeout=90_000)
    page.wait_for_timeout(2000)  # the kernel's language_info arrives after it is idle
    _tab(page, episode)
    seen = _loaded_pictures(page, attempts=3 if expected else 1)
    broken = sorted(path for path, width in seen.items() if width == 0)
    assert not broken, f"{episode}: broken pictures {broken}"
    assert set(seen) == expected, f"{episode}: shown {sorted(seen)}, in the text {expected}"
    if expected:  # back to /lab: JupyterLab restores the episode from its saved workspace
        assert _saved_workspace_lists(make_lab.lab, f"episodes/{episode}")
        page.goto(f"{make_lab.lab.url}/lab?token={make_lab.lab.token}")
        page.locator(f"{NOTEBOOK} .jp-MarkdownCell").first.wait_for(timeout=90_000)
        assert page.url.split("?")[0].endswith("/lab"), page.url
        seen = _loaded_pictures(page)
        assert set(seen) == expected and all(seen.values()), f"{episode} reopened: {seen}"
    tab = _tab(page, episode)
    tab.locator(".lm-TabBar-tabCloseIcon").click()
    page.wait_for_timeout(1500)
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()
    assert tab.count() == 0
    make_lab.lab.shut_down_kernels()


def test_the_server_log_has_no_404_and_no_unencrypted_kernel(make_lab, browser):
    log = make_lab.log()  # after the browser tests above opened and reopened every episode
    assert "Kernel started" in log  # the episodes' kernels did start
    # the server's access log: "[W 2026-11-30 19:50:24.594 ServerApp] 404 GET /files/..."
    not_found = [line for line in log.splitlines() if re.search(r"\] 404 [A-Z]+ /", line)]
    assert not not_found, "\n".join(not_found)
    assert TCP_WARNING not in log


def test_stopping_make_lab_leaves_nothing_behind(make_lab):
    make_lab.stop()
    assert make_lab.lab.process.poll() is not None
    assert not is_listening(make_lab.port), f"something still listens on {make_lab.port}"
    runtime = str(make_lab.scratch / "runtime")  # each kernel's connection file is in there
    deadline = time.monotonic() + 20
    while (kernels := _processes_mentioning(runtime)) and time.monotonic() < deadline:
        time.sleep(0.5)  # a kernel whose server died exits within a few seconds
    assert not kernels, f"kernels left running: {kernels}"
    assert _git_status() == make_lab.git_status, "the checkout changed while JupyterLab ran"
    assert list((make_lab.scratch / "checkpoints").glob("*-checkpoint.md"))  # (kept there)


def _processes_mentioning(text: str) -> list[str]:
    """The command lines of running processes that contain ``text`` (empty without /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if text in command:
                found.append(command)
    return found


def _execute(lab: Lab, code: str, timeout: float = 90) -> str:
    """Start a kernel through the server's API, run ``code``, return what it prints."""
    import websocket  # websocket-client, which jupyter-server installs

    request = urllib.request.Request(
        f"{lab.url}/api/kernels?token={lab.token}",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        kernel = json.load(response)["id"]
    channels = f"ws://127.0.0.1:{lab.url.rsplit(':', 1)[1]}/api/kernels/{kernel}/channels"
    connection = websocket.create_connection(f"{channels}?token={lab.token}", timeout=timeout)
    message = uuid.uuid4().hex
    header = {"msg_id": message, "msg_type": "execute_request", "session": uuid.uuid4().hex,
              "username": "test", "version": "5.3", "date": ""}  # fmt: skip
    content = {"code": code, "silent": False}
    connection.send(json.dumps({"header": header, "parent_header": {}, "metadata": {},
                                "content": content, "channel": "shell"}))  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            reply = json.loads(connection.recv())
            if reply.get("parent_header", {}).get("msg_id") != message:
                continue
            if reply["msg_type"] == "stream":
                return reply["content"]["text"]
            if reply["msg_type"] == "error":
                return "\n".join(reply["content"]["traceback"])
    finally:
        connection.close()
    raise TimeoutError(f"the kernel printed nothing in {timeout} s")


def test_kernels_are_encrypted_and_say_nothing_about_tcp(tmp_path):
    (tmp_path / "root").mkdir()
    with running_lab(tmp_path / "root", tmp_path) as lab:
        assert _execute(lab, "print(6 * 7)").strip() == "42"
        files = list((tmp_path / "runtime").glob("kernel-*.json"))
        assert files and all("curve_publickey" in json.loads(f.read_text()) for f in files)
    assert TCP_WARNING not in (tmp_path / "server.log").read_text()
