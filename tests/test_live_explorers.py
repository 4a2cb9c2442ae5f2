"""The website's live explorers against the notebook's: masks, histograms and readouts.

Each test writes a page holding an explorer's HTML (website/live_explorers.explorer_html)
and the site's own website/static/explorers.js, opens it in headless chromium from disk, and
compares what the page computed from the payload (decoded by the page's JavaScript) with
the Python explorer (helpers.widgets) in the same state: for the threshold explorer, on two
images, every method of the menu in both directions and a manual threshold, the mask at
display resolution pixel for pixel, the histogram's foreground bars and the readout; for the
adaptive explorer (ski.filters.threshold_local), on a uint8 and a float page, both kinds of
mean up to the largest block, the mask and the readout; for the root-mass explorer, the readout at
every setting tried, and the mask shown close to the notebook's.
"""

import html
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import skimage as ski

import helpers
from helpers.widgets import METHODS, adaptive_explorer, root_mass_explorer, threshold_explorer
from tests.support.browser_tools import chromium, missing_browser
from website import live_explorers

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

if missing_browser():
    pytest.skip(missing_browser(), allow_module_level=True)

STATE = """element => ({
  readout: element.querySelector('.live-explorer-readout').textContent,
  mask: Array.from(element.liveExplorer.mask()),
  histogram: element.liveExplorer.histogram ? Array.from(element.liveExplorer.histogram()) : null,
})"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _open(browser, folder: Path, explorer):
    """The page with ``explorer``'s live version, built; its explorer element."""
    shutil.copy(ROOT / "website" / "static" / "explorers.js", folder / "explorers.js")
    body = live_explorers.explorer_html(explorer)
    page_path = folder / f"{explorer.kind.replace(' ', '-')}.html"
    page_path.write_text(
        f'<!doctype html><meta charset="utf-8">{body}<script src="explorers.js"></script>'
    )
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_path.as_uri())
    page.wait_for_selector(".live-explorer-ready, .live-explorer[data-error]", timeout=120_000)
    element = page.locator(".live-explorer")
    assert not element.get_attribute("data-error") and not errors, (
        element.get_attribute("data-error"),
        errors,
    )
    return page, element


def _set(page, element, name: str, value) -> None:
    """Set a control of the page's explorer as a learner's change would."""
    label = element.locator("label", has_text=name).first
    control = element.locator(f"#{label.get_attribute('for')}")
    control.evaluate(
        """(input, value) => {
            input.value = value;
            input.dispatchEvent(new Event('input', {bubbles: true}));
            input.dispatchEvent(new Event('change', {bubbles: true}));
        }""",
        str(value),
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def _readout(explorer) -> str:
    return " ".join(html.unescape(explorer.readout.value).split())


def _mask(explorer, image) -> np.ndarray:
    return (np.asarray(image.get_array())[..., 0] > 127).astype(int).ravel()


def _threshold_images():
    gray = helpers.load_image("maize-roots", gray=True)
    return {"coins (uint8)": helpers.load_image("coins", gray=True, dtype="uint8"),
            "blurred maize roots (float)": ski.filters.gaussian(gray, sigma=1.0)}  # fmt: skip


@pytest.mark.parametrize("name", list(_threshold_images()))
def test_threshold_masks_histograms_and_readouts_are_the_notebooks(browser, tmp_path, name):
    explorer = threshold_explorer(_threshold_images()[name])
    page, element = _open(browser, tmp_path, explorer)
    manual = float(live_explorers.slider_values(explorer.controls["threshold"])[7])
    settings = [(method, side) for method in METHODS for side in (">", "<")] + [("manual", ">")]
    for method, side in settings:
        for control, value in (("foreground", side), ("method", method)):
            explorer.controls[control].value = value
            _set(page, element, control, value)
        if method == "manual":
            explorer.controls["threshold"].value = manual
            _set(page, element, "threshold", manual)
        shown = element.evaluate(STATE)
        assert " ".join(shown["readout"].split()) == _readout(explorer), (method, side)
        assert np.array_equal(shown["mask"], _mask(explorer, explorer.mask_image)), (method, side)
        assert shown["histogram"] == explorer.bars.get_data().values.tolist(), (method, side)
    page.close()


@pytest.mark.parametrize(("name", "dtype"), [("page", "uint8"), ("uneven-text", "float")])
def test_adaptive_mask_and_readout_are_the_notebooks(browser, tmp_path, name, dtype):
    explorer = adaptive_explorer(
        helpers.load_image(name, gray=True, dtype=dtype), block_size=25, offset=0, foreground="<"
    )
    page, element = _open(browser, tmp_path, explorer)
    offset, largest = (5 if dtype == "uint8" else 0.02), explorer.controls["block_size"].max
    # both kinds of mean, up to the largest block (a Gaussian's radius is 2/3 of it: the
    # window reaches far into the reflected border)
    steps = [("block size", 35), ("offset", offset), ("local mean", "gaussian"),
             ("block size", largest), ("offset", -offset), ("local mean", "mean")]  # fmt: skip
    for control, value in steps:
        key = next(key for key, c in explorer.controls.items() if c.description == control)
        explorer.controls[key].value = value
        _set(page, element, control, value)
        shown = element.evaluate(STATE)
        assert " ".join(shown["readout"].split()) == _readout(explorer), (control, value)
        assert np.array_equal(shown["mask"], _mask(explorer, explorer.local)), (control, value)
    page.close()


def test_root_mass_readouts_are_the_notebooks_and_the_mask_close(browser, tmp_path):
    explorer = root_mass_explorer("trial-016", sigma=1.0)
    page, element = _open(browser, tmp_path, explorer)
    for sigma, cut in ((1.0, 1.0), (2.5, 1.0), (2.5, 0.9), (0.0, 0.62), (5.0, 0.3)):
        for control, value in (("sigma", sigma), ("exclude_above", cut)):
            explorer.controls[control].value = value
            _set(page, element, explorer.controls[control].description, value)
        shown = element.evaluate(STATE)
        assert " ".join(shown["readout"].split()) == _readout(explorer), (sigma, cut)
        # found: white (in the truth too) or sky blue (not), the only colours with blue
        notebook = (np.asarray(explorer.comparison.get_array())[..., 2] > 127).ravel()
        agree = np.mean(np.asarray(shown["mask"], bool) == notebook)
        assert agree > 0.96, (sigma, cut, agree)
        assert re.search(r"root fraction \d", shown["readout"])
    page.close()
