"""No stale pixels: what the browser shows after quick moves is the explorer's true state.

In a real browser (private JupyterLab, headless chromium), the notebook
tests/support/explorers.md shows the three explorers (and the root-mass one again, on a
full-size photograph). For every explorer and every control, the test makes a burst of quick
moves (key presses without waiting, then a drag; for a menu or the > / < switch, quick
changes of choice), waits until the picture has settled, and reads the pixels it shows (the
explorer's ``<img>``: the frame its ``src`` holds). Then it asks the kernel, as a second
client of the same kernel, to draw the same figure from scratch (``canvas.draw()``) and
return those pixels, encoded as the explorer encodes its frames. No pixel may differ by more
than :data:`TOLERANCE`; the picture after the full redraw must match too; and the numbers the
figure shows (the mask panels' percentages) must be the ones the readout shows.

A frame that was lost on the way, or a difference frame applied over an older picture, shows
as pixels that differ from the full redraw (a threshold line left where it was, an old mask).

A held arrow key (many presses at once) must end on its last value, shown as above, with
far fewer frames drawn than presses: the latest value wins, no queue of stale frames.
"""

import base64
import io
import json
import re
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.browser_tools import chromium, missing_browser
from tests.support.lab import (
    RECORD_PAINTS,
    explorer_outputs,
    notebook_from_markdown,
    open_and_run,
)

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "browser-screenshots"

#: A real browser (and JupyterLab): minutes; `make test-quick` leaves it out.
pytestmark = pytest.mark.browser

if missing_browser():
    pytest.skip(missing_browser(), allow_module_level=True)

#: Largest difference allowed in any channel of any pixel (0-255): a margin only, since the
#: same pixels encoded the same way decode the same. A stale pixel differs by far more (a
#: threshold line or mask pixel: 100-255).
TOLERANCE = 2

#: Quiet time that counts as settled: no frame painted and the kernel idle.
SETTLED_MS = 1500

#: Runs in the kernel: explorer `index`'s readout and figure titles, and if `draw`, its
#: pixels drawn from scratch (``canvas.draw()`` also sends the browser a full frame).
KERNEL_STATE = """
import base64 as _b64, html as _html, json as _json
from helpers.widgets import Explorer as _Explorer
_explorer = [value for _, value in sorted(Out.items()) if isinstance(value, _Explorer)][{index}]
_state = {{}}
with _explorer.lock:  # widget messages may run on other threads (kernel subshells)
    if {draw}:
        _explorer.figure.canvas.draw()
        _state["png"] = _b64.b64encode(_explorer.png(_explorer.picture.format)).decode()
    _state["titles"] = [ax.get_title() for ax in _explorer.figure.axes]
    _state["draws"] = _explorer.draws
    _controls = _explorer.controls.values()
    _state["steps"] = {{_c.description: getattr(_c, "step", 0) for _c in _controls}}
    _state["readout"] = _html.unescape(_explorer.readout.value)
    _state["controls"] = {{
        _control.description: getattr(_control, "label", None)
        or format(_control.value, _control.readout_format)
        for _control in _explorer.controls.values()
    }}
print(_json.dumps(_state))
"""

#: Every explorer of tests/support/explorers.md (in order) and its controls.
CONTROLS = {
    "threshold": ["method", "foreground", "threshold t"],
    "adaptive": ["block size", "offset", "local mean"],
    "root mass": ["blur sigma", "leave out brighter than"],
}
CASES = [
    (index, name, control, how)
    for index, (name, controls) in enumerate(CONTROLS.items())
    for control in controls
    for how in (
        ("keys", "drag") if control not in ("method", "foreground", "local mean") else ("burst",)
    )
]


@pytest.fixture(scope="module")
def page(lab):  # the session's JupyterLab (tests/conftest.py)
    explorers = ROOT / "tests" / "support" / "explorers.md"
    notebook_from_markdown(explorers, lab.root / "explorers.ipynb")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_and_run(page, lab.notebook_url("explorers.ipynb"), figures=4, timeout=480_000)
        page.evaluate(RECORD_PAINTS)
        yield page


@pytest.fixture(scope="module")
def kernel(lab, page):
    """A second client of the notebook's kernel (the notebook's own stays connected)."""
    from jupyter_client import BlockingKernelClient

    with urllib.request.urlopen(f"{lab.url}/api/sessions?token={lab.token}") as answer:
        sessions = json.load(answer)
    assert len(sessions) == 1, sessions
    connection = lab.scratch / "runtime" / f"kernel-{sessions[0]['kernel']['id']}.json"
    client = BlockingKernelClient(connection_file=str(connection))
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    yield client
    client.stop_channels()


#: The frame an explorer's picture shows (its src), in base64.
SHOWN = """element => fetch(element.src).then((answer) => answer.blob()).then(
    (blob) => new Promise((done) => {
        const reader = new FileReader();
        reader.onload = () => done(reader.result.split(',')[1]);
        reader.readAsDataURL(blob);
    }))"""


def _canvas_pixels(output) -> np.ndarray:
    picture = output.locator("img.widget-image").first
    data = base64.b64decode(picture.evaluate(SHOWN))
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _kernel_state(kernel, index: int, draw: bool) -> dict:
    lines: list[str] = []

    def keep(message):
        if message["msg_type"] == "stream":
            lines.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            lines.append("\n".join(message["content"]["traceback"]))

    code = KERNEL_STATE.format(index=index, draw=draw)
    reply = kernel.execute_interactive(code, output_hook=keep, timeout=60, store_history=False)
    assert reply["content"]["status"] == "ok", "".join(lines)
    state = json.loads("".join(lines))
    if draw:
        data = base64.b64decode(state["png"])
        state["pixels"] = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    return state


def _readout(output) -> str:
    return " ".join(output.locator(".widget-html-content").first.inner_text().split())


def _shown_controls(output, names: list[str]) -> dict[str, str]:
    """What the browser's controls show: a menu's choice, a slider's readout, a toggle."""
    shown = {}
    for name in names:
        box = _control(output, name)
        if name == "foreground":
            shown[name] = box.locator("button.mod-active").inner_text().strip()
        elif box.locator("select").count():
            shown[name] = box.locator("select").evaluate("s => s.options[s.selectedIndex].text")
        else:
            shown[name] = box.locator(".widget-readout").inner_text().strip()
    return shown


def _settle(page, output, kernel, index: int, timeout: float = 90) -> None:
    """Wait until the kernel has taken the controls' last values, the browser shows the
    kernel's readout, and no frame came for SETTLED_MS.

    The controls' values in the browser are the user's last moves; the kernel's, the ones it
    has handled (on a loaded machine, the last of a burst can still be on its way after the
    readout has shown an earlier one). The readout is a widget of its own, not part of the
    canvas: it says which state the kernel has reached. (The notebook's busy indicator does
    not see widget messages that JupyterLab sends on a kernel subshell.)
    """
    names = list(CONTROLS.values())[min(index, 2)]  # 4: root mass on a photograph
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(SETTLED_MS)
        quiet = page.evaluate(
            "(ms) => window.__paints.length === 0 || "
            "performance.now() - window.__paints[window.__paints.length - 1] > ms",
            SETTLED_MS,
        )
        state = _kernel_state(kernel, index, draw=False)
        handled = {
            name: next(value for key, value in state["controls"].items() if key.startswith(name))
            for name in names
        }
        shown = _shown_controls(output, names)
        readouts = (_readout(output), " ".join(state["readout"].split()))
        if quiet and shown == handled and readouts[0] == readouts[1]:
            return
    pytest.fail(
        f"the explorer did not settle in {timeout} s: the browser's controls show {shown}, "
        f"the kernel has {handled}; readouts {readouts}"
    )


def _differing(shown: np.ndarray, truth: np.ndarray) -> np.ndarray:
    assert shown.shape == truth.shape, (shown.shape, truth.shape)
    return np.abs(shown.astype(int) - truth.astype(int)).max(axis=2) > TOLERANCE


def _control(output, control: str):
    """The widget box of a control, found by its label."""
    if control == "foreground":
        return output.locator(".widget-toggle-buttons")
    return (
        output.locator(".widget-inline-hbox")
        .filter(has=output.page.locator(".widget-label", has_text=control))
        .last
    )


def _move(page, output, control: str, how: str, rounds: int) -> None:
    box = _control(output, control)
    box.scroll_into_view_if_needed()
    if control in ("method", "local mean"):
        select = box.locator("select")
        choices = [o for o in select.locator("option").all_inner_texts() if o != "manual"]
        for choice in (choices * 2)[rounds % 2 : rounds % 2 + 4]:
            select.select_option(choice)
    elif control == "foreground":
        buttons = box.locator("button.widget-toggle-button")
        for index in (1, 0, 1, 0, 1)[rounds % 2 :]:
            buttons.nth(index).click()
    elif how == "keys":
        handle = box.locator(".noUi-handle")
        handle.focus()
        key = "ArrowRight" if rounds % 2 == 0 else "ArrowLeft"
        for _ in range(8):
            handle.press(key)
    else:
        handle = box.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        handle_box = handle.bounding_box()
        x = handle_box["x"] + handle_box["width"] / 2
        y = handle_box["y"] + handle_box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + (90 if rounds % 2 == 0 else -90), y, steps=9)
        page.mouse.up()
    page.mouse.move(0, 0)  # ipympl shows its toolbar while the mouse is over the figure


def _percentages(text: str) -> list[str]:
    return re.findall(r"(\d+(?:\.\d+)?) %", text)


def _assert_shows_its_state(page, output, kernel, index: int, label: str) -> dict:
    """The settled canvas is a full redraw of the kernel's state, its readout the kernel's,
    and the figure's percentages the readout's; returns that state."""
    _settle(page, output, kernel, index)
    shown, readout = _canvas_pixels(output), _readout(output)
    truth = _kernel_state(kernel, index, draw=True)  # the same state, drawn from scratch
    _settle(page, output, kernel, index)
    redrawn = _canvas_pixels(output)
    stale = _differing(shown, truth["pixels"])
    if stale.any():
        rows, columns = np.nonzero(stale)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        picture = SCREENSHOTS / f"stale-{label}.png".replace(" ", "-")
        Image.fromarray(shown).save(picture)
        Image.fromarray(truth["pixels"]).save(picture.with_suffix(".truth.png"))
        pytest.fail(
            f"{label}: {stale.sum()} pixels differ from a full redraw of the same state (rows "
            f"{rows.min()}-{rows.max()}, columns {columns.min()}-{columns.max()}, see "
            f"{picture}); readout: {readout}"
        )
    assert not _differing(redrawn, truth["pixels"]).any(), "a full frame arrived changed"
    assert readout == " ".join(truth["readout"].split())
    for title in truth["titles"]:
        for number in _percentages(title):
            assert number in _percentages(readout), (title, readout)
    return truth


@pytest.mark.parametrize(("index", "name", "control", "how"), CASES)
def test_canvas_after_quick_moves_is_a_full_redraw(page, kernel, index, name, control, how):
    output = explorer_outputs(page).nth(index)
    for rounds in range(2):  # there and back
        _move(page, output, control, how, rounds)
        _assert_shows_its_state(page, output, kernel, index, f"{name} explorer, {control} {how}")


#: A held arrow key, as fast as a browser can send it: every key press at once, in one task
#: of the page (a real key repeats every 30-50 ms; on a loaded machine Playwright's own
#: presses can be slower than the kernel's frames, and would not test coalescing).
HOLD_KEY = """(handle, [key, presses]) => {
    for (let press = 0; press < presses; press++) {
        handle.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
    }
}"""
#: (explorer, slider, key, presses); the last, the sigma slider on the 3008 x 2000 photograph
#: trial-016.
HELD_KEYS = [
    (0, "threshold t", "ArrowRight", 30),
    (1, "offset", "ArrowRight", 30),
    (2, "leave out", "ArrowLeft", 30),
    (3, "blur sigma", "ArrowRight", 12),
]


@pytest.mark.parametrize(("index", "control", "key", "presses"), HELD_KEYS)
def test_a_held_key_shows_the_last_value_without_a_frame_per_press(
    page, kernel, index, control, key, presses
):
    """The latest value wins: after a burst of presses the canvas shows the last value, and
    the kernel drew far fewer frames than there were presses (none for most stale values)."""
    output = explorer_outputs(page).nth(index)
    _settle(page, output, kernel, index)
    box = _control(output, control)
    box.scroll_into_view_if_needed()
    before = float(box.locator(".widget-readout").inner_text().replace("\u2212", "-"))
    start = _kernel_state(kernel, index, draw=False)
    step = next(value for name, value in start["steps"].items() if name.startswith(control))
    box.locator(".noUi-handle").evaluate(HOLD_KEY, [key, presses])
    page.mouse.move(0, 0)
    state = _assert_shows_its_state(page, output, kernel, index, f"held {key} on {control}")
    value = next(value for name, value in state["controls"].items() if name.startswith(control))
    assert float(value) == pytest.approx(
        before + presses * step * (1 if key == "ArrowRight" else -1)
    )
    frames = state["draws"] - start["draws"]
    assert frames <= presses // 3, f"{presses} presses, {frames} frames drawn"
