"""The lesson in a real browser: JupyterLab, headless chromium, keyboard and mouse.

A private JupyterLab serves a copy of the episodes (so nothing they write lands in the
repository). The tests check that a double-click on an episode opens it as a notebook,
then open each episode that has an explorer, Run All, move every slider by keyboard and
by drag, and check that the readout changes and that the figure is repainted (its pixels
change); in episode 7, draw a stroke with the mouse and train the forest on it. Screenshots go to
_build/browser-screenshots/. Skips where /usr/bin/chromium or Playwright is missing.
"""

import shutil
import time
from pathlib import Path

import pytest

from tests.support.browser_tools import CHROMIUM, chromium
from tests.support.lab import (
    NOTEBOOK,
    PICTURE,
    explorer_outputs,
    open_and_run,
)

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "browser-screenshots"

#: A real browser (and JupyterLab): minutes; `make test-quick` leaves it out.
pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run "
        "the browser tests.",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is missing: pip install -e '.[test]'."
)

#: Episodes with an explorer, and the sliders each explorer has (by their labels).
EPISODE_SLIDERS = {
    "01-fixed-thresholding.md": ["threshold"],
    "03-global-fails.md": ["threshold"],
    "04-adaptive.md": ["block size", "offset"],
    "05-root-mass.md": ["sigma", "leave out brighter than"],
}


# `lab`: the session's JupyterLab, serving a copy of episodes/ and fig/ (tests/conftest.py)


@pytest.fixture(scope="module", autouse=True)
def screenshots():
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)


@pytest.fixture(scope="module")
def browser(lab):
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()
    lab.shut_down_kernels()  # an episode's kernel holds its photographs: free them for the next


def test_double_click_opens_an_episode_as_a_notebook(lab, page):
    page.goto(f"{lab.url}/lab/tree/episodes?token={lab.token}&reset")
    item = page.locator(".jp-DirListing-item", has_text="01-fixed-thresholding.md")
    item.wait_for(timeout=60_000)
    item.dblclick()
    # a notebook with the episode's cells (rendering is lazy: wait for a later cell) ...
    page.locator(f"{NOTEBOOK} .jp-CodeCell").nth(3).wait_for(timeout=90_000)
    title = page.locator(f"{NOTEBOOK} .jp-MarkdownCell").first
    sync_api.expect(title).to_contain_text("Fixed-level thresholding", timeout=30_000)
    # ... and not the text editor
    assert page.locator(".jp-FileEditor:visible").count() == 0
    # the overview figure from fig/ is shown, not a broken image
    picture = page.locator(f"{NOTEBOOK} .jp-MarkdownCell img").first
    picture.wait_for(timeout=30_000)
    page.wait_for_function("img => img.complete", arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=SCREENSHOTS / "double-click.png")


def _state(output) -> tuple[str, bytes]:
    """The explorer's readouts and a screenshot of its figure."""
    output.page.mouse.move(0, 0)  # ipympl shows its toolbar while the mouse is over the figure
    texts = output.locator(".widget-readout, .widget-html-content").all_inner_texts()
    picture = output.locator(PICTURE).first.screenshot()
    return " | ".join(texts), picture


def _wait_for_change(output, before: tuple[str, bytes], timeout: float = 30) -> tuple[str, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        after = _state(output)
        if after[0] != before[0] and after[1] != before[1] and "Could not" not in after[0]:
            return after
        if time.monotonic() > deadline:
            changed = [name for name, a, b in zip(("readout", "canvas"), before, after, strict=True)
                       if a != b]  # fmt: skip
            pytest.fail(f"only {changed or 'nothing'} changed; readouts now: {after[0]}")
        output.page.wait_for_timeout(200)


@pytest.mark.parametrize("episode", list(EPISODE_SLIDERS))
def test_episode_runs_and_its_sliders_move(lab, page, episode):
    open_and_run(page, lab.notebook_url(f"episodes/{episode}"), figures=1, timeout=480_000)
    stem = Path(episode).stem
    page.screenshot(path=SCREENSHOTS / f"{stem}-after-run-all.png")
    errors = page.locator(f"{NOTEBOOK} [data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()

    output = explorer_outputs(page).first
    output.scroll_into_view_if_needed()
    for index, name in enumerate(EPISODE_SLIDERS[episode]):
        slider = output.locator(".widget-slider").nth(index)
        slider.scroll_into_view_if_needed()
        sync_api.expect(slider).to_contain_text(name, timeout=30_000)
        handle = output.locator(".widget-slider .noUi-handle").nth(index)
        before = _state(output)

        handle.focus()
        for _ in range(4):
            handle.press("ArrowLeft")
        after_keys = _wait_for_change(output, before)
        (SCREENSHOTS / f"{stem}-{index}-keys.png").write_bytes(after_keys[1])

        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 120, y, steps=8)
        page.mouse.up()
        after_drag = _wait_for_change(output, after_keys)
        (SCREENSHOTS / f"{stem}-{index}-drag.png").write_bytes(after_drag[1])


def test_method_menu_moves_the_threshold(lab, page):
    open_and_run(page, lab.notebook_url("episodes/03-global-fails.md"), figures=1, timeout=480_000)
    output = explorer_outputs(page).first
    output.scroll_into_view_if_needed()
    before = _state(output)
    output.locator(".widget-dropdown select").select_option("triangle")
    readout = output.locator(".widget-html-content").filter(has_text="mask = image")
    sync_api.expect(readout).to_contain_text("(triangle)", timeout=30_000)
    after = _wait_for_change(output, before)
    (SCREENSHOTS / "03-global-fails-method-triangle.png").write_bytes(after[1])


def _printed(cell) -> str:
    return " ".join(cell.locator(".jp-OutputArea-output").all_text_contents())


def test_episode_7_strokes_drawn_with_the_mouse_train_your_forest(lab, page):
    """stackview.annotate paints a stroke drawn with the mouse into the labels, and the next
    cell, run again, trains on it: more cell pixels, and another Dice."""
    episode = "07-learned-segmentation.md"
    open_and_run(page, lab.notebook_url(f"episodes/{episode}"), figures=1, timeout=480_000)
    errors = page.locator(f"{NOTEBOOK} [data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()
    cells = page.locator(f"{NOTEBOOK} .jp-CodeCell")
    drawing = cells.filter(has_text="stackview.annotate(tissue, my_strokes)")
    training = cells.filter(has_text="your forest: Dice")
    canvas = drawing.locator(".jp-OutputArea-output canvas").first
    training.scroll_into_view_if_needed()
    sync_api.expect(training.locator(".jp-OutputArea-output")).to_contain_text("your forest")
    before = _printed(training)
    canvas.scroll_into_view_if_needed()
    drawing.get_by_role("button", name="+").first.click()  # Label ID 1 -> 2: cells
    box = canvas.bounding_box()
    y = box["y"] + 0.55 * box["height"]
    page.mouse.move(box["x"] + 0.1 * box["width"], y)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.9 * box["width"], y, steps=40)
    page.mouse.up()
    page.screenshot(path=SCREENSHOTS / "07-learned-segmentation-stroke.png")
    training.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    deadline = time.monotonic() + 120  # both lines: the second comes after the training
    while time.monotonic() < deadline:
        after = _printed(training)
        if after != before and "your forest: Dice" in after:
            break
        page.wait_for_timeout(500)
    assert "your forest: Dice" in after, (before, after)
    counts = [
        [int(n) for n in text.split("cell = [")[1].split("]")[0].split()]
        for text in (before, after)
    ]
    assert counts[1][2] > counts[0][2] + 200, (before, after)  # the stroke is in the labels
    assert counts[1][1] <= counts[0][1], (before, after)  # no background painted
    dices = [text.split("your forest: Dice")[1].split()[0] for text in (before, after)]
    assert dices[0] != dices[1], dices  # a forest trained on the new strokes
