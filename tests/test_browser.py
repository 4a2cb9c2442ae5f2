"""The explorers in a real browser: JupyterLab, headless chromium, keyboard and mouse.

Runs the notebook tests/browser/explorers.md in a private JupyterLab, then moves every
slider by keyboard and by drag and checks that the readout changes and that the figure's
canvas is repainted (its pixels change). Screenshots go to tests/browser/screenshots/.
Skips where /usr/bin/chromium or Playwright is missing.
"""

import shutil
import time
from pathlib import Path

import pytest

from tests.browser.lab import (
    CHROMIUM,
    explorer_outputs,
    launch_chromium,
    notebook_from_markdown,
    open_and_run,
    running_lab,
)

HERE = Path(__file__).resolve().parent / "browser"
SCREENSHOTS = HERE / "screenshots"

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run "
        "the browser tests.",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is missing: pip install -e '.[test]'."
)

#: (explorer, slider) for every slider of the three explorers in the notebook, in order.
SLIDERS = [(0, 0, "threshold"), (1, 0, "block size"), (1, 1, "offset"), (2, 0, "sigma"),
           (2, 1, "leave out brighter than")]  # fmt: skip


@pytest.fixture(scope="session")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    notebook_from_markdown(HERE / "explorers.md", root / "explorers.ipynb")
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir()
    with running_lab(root, tmp_path_factory.mktemp("lab")) as lab:
        with sync_api.sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_and_run(page, lab.notebook_url("explorers.ipynb"), figures=3)
            page.screenshot(path=SCREENSHOTS / "after-run-all.png", full_page=True)
            yield page
            browser.close()


def _state(output) -> tuple[str, bytes]:
    """The explorer's readouts and a screenshot of its figure."""
    output.page.mouse.move(0, 0)  # ipympl shows its toolbar while the mouse is over the figure
    texts = output.locator(".widget-readout, .widget-html-content").all_inner_texts()
    picture = output.locator(".jupyter-matplotlib-figure canvas").first.screenshot()
    return " | ".join(texts), picture


def _wait_for_change(output, before: tuple[str, bytes], timeout: float = 20) -> tuple[str, bytes]:
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


@pytest.mark.parametrize(("explorer", "slider", "name"), SLIDERS, ids=[s[2] for s in SLIDERS])
def test_slider_moves_by_keyboard_and_drag(page, explorer, slider, name):
    output = explorer_outputs(page).nth(explorer)
    output.scroll_into_view_if_needed()
    handle = output.locator(".widget-slider .noUi-handle").nth(slider)
    assert name in output.locator(".widget-slider").nth(slider).inner_text()
    before = _state(output)

    handle.focus()
    for _ in range(4):
        handle.press("ArrowLeft")
    after_keys = _wait_for_change(output, before)
    (SCREENSHOTS / f"{explorer}-{slider}-keys.png").write_bytes(after_keys[1])

    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y, steps=8)
    page.mouse.up()
    after_drag = _wait_for_change(output, after_keys)
    (SCREENSHOTS / f"{explorer}-{slider}-drag.png").write_bytes(after_drag[1])


def test_method_dropdown_moves_the_slider(page):
    output = explorer_outputs(page).nth(0)
    output.scroll_into_view_if_needed()
    before = _state(output)
    output.locator(".widget-dropdown select").select_option("triangle")
    after = _wait_for_change(output, before)
    assert "triangle" in after[0]
    (SCREENSHOTS / "0-method-triangle.png").write_bytes(after[1])
