"""The website's live explorers: the numbers computed in the page are the notebook's.

On each page where an episode shows a threshold, adaptive or root-mass explorer, the site
rebuilds it in the page (website/live_explorers.py, website/static/explorers.js). These
tests open those pages in headless chromium, from disk (file://) and over http, move every
control with the keyboard, and compare the page's readout with the Python explorer's
(helpers.widgets) for the same image and settings: the same words, Otsu's threshold within
one histogram bin, the fractions within 0.1 percentage points. They also check that the
controls have accessible names, and that with JavaScript off the still picture and its alt
text remain. Uses the session's site build (tests/conftest.py; LESSON_SITE reuses one).
"""

import re

import imageio.v3 as iio
import pytest
import skimage as ski

import helpers
from helpers.widgets import adaptive_explorer, root_mass_explorer, threshold_explorer
from tests.support.browser_tools import chromium, missing_browser

pytestmark = pytest.mark.site

if missing_browser():
    pytest.skip(missing_browser(), allow_module_level=True)

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _shapes():
    gray = ski.color.rgb2gray(iio.imread(helpers.data_dir() / "shapes-light.jpg"))
    return threshold_explorer(ski.filters.gaussian(gray, sigma=1.0), foreground="<")


def _page():
    return threshold_explorer(helpers.load_image("uneven-text", gray=True), foreground="<")


#: Page -> the Python explorer of its episode (as the episode builds it) and the key presses
#: that move each control (by its label), in order.
PAGES = {
    "episodes/01-fixed-thresholding.html": (
        _shapes,
        [("threshold t", "ArrowRight"), ("threshold t", "ArrowRight"), ("method", "ArrowDown"),
         ("foreground", "ArrowUp"), ("method", "ArrowDown"), ("threshold t", "ArrowLeft")],
    ),
    "episodes/03-global-fails.html": (
        _page,
        [("method", "ArrowDown"), ("method", "ArrowDown"), ("method", "ArrowDown"),
         ("method", "ArrowDown"), ("threshold t", "ArrowLeft"), ("foreground", "ArrowDown"),
         ("threshold t", "PageUp")],
    ),
    "episodes/04-adaptive.html": (
        lambda: adaptive_explorer(helpers.load_image("uneven-text", gray=True), foreground="<"),
        [("block size", "ArrowRight"), ("block size", "ArrowLeft"), ("block size", "ArrowLeft"),
         ("offset", "ArrowLeft"), ("offset", "PageDown"), ("local mean", "ArrowDown")],
    ),
    "episodes/05-root-mass.html": (
        lambda: root_mass_explorer("trial-016"),
        [("blur sigma", "ArrowRight"), ("blur sigma", "Home"),
         ("leave out brighter than (1 = none)", "PageDown")],
    ),
}  # fmt: skip

STATE = """element => ({
  readout: element.querySelector('.live-explorer-readout').textContent,
  controls: Object.fromEntries(Array.from(element.querySelectorAll('.live-explorer-control'),
    row => [row.querySelector('label').textContent, row.querySelector('input, select').value])),
})"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module", params=["file", "http"])
def base(request, site):
    return site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("server")


def _open(browser, url: str, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.messages = []  # the live explorers' own: console messages from explorers.js, errors
    page.on(
        "console",
        lambda message: (
            message.location.get("url", "").endswith("explorers.js")
            and page.messages.append(f"{message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: page.messages.append(str(error)))
    page.goto(url)
    if javascript:
        page.wait_for_selector(".live-explorer-ready, .live-explorer[data-error]", timeout=60_000)
    return page


def _set(explorer, state: dict) -> str:
    """Give the Python explorer the page's settings; its readout, as text."""
    controls = {control.description: control for control in explorer.controls.values()}
    for label, value in state["controls"].items():
        if label in ("method", "threshold t"):
            continue
        control = controls[label]
        control.value = type(control.value)(value) if label != "foreground" else value
    if "method" in state["controls"]:  # a method sets the threshold; "manual" takes the slider's
        explorer.controls["method"].value = state["controls"]["method"]
        if state["controls"]["method"] == "manual":
            explorer.controls["threshold"].value = float(state["controls"]["threshold t"])
    return explorer._repr_mimebundle_()["text/plain"]


def _tolerances(readout: str, bin_width: float) -> list[float]:
    """How far each number of a readout may be from Python's: a threshold within one
    histogram bin, a percentage within 0.1 (as printed), a Dice within 0.005, a setting
    exactly."""
    if readout.startswith("t = "):  # t = 0.436 (Otsu): mask = image > t covers 21.9 % ...
        return [bin_width, 0.1]
    if readout.startswith("mask = "):  # ... a 25 x 25 window minus 0.020: 10.3 % ... 71.3 %)
        return [0, 0, 0, 0.1, 0.1]
    return [0.1, bin_width, 0.1, 0.005]  # root fraction 5.7 % (Otsu t = 0.512) · truth ...


def _differences(page_text: str, python_text: str, bin_width: float) -> list[str]:
    """How the page's readout differs from Python's beyond the tolerances."""
    if NUMBER.sub("#", page_text) != NUMBER.sub("#", python_text):
        return ["the words differ"]
    pairs = zip(NUMBER.findall(page_text), NUMBER.findall(python_text), strict=True)
    tolerances = _tolerances(python_text, bin_width)
    return [
        f"number {index + 1}: page {ours}, Python {theirs}"
        for index, ((ours, theirs), tolerance) in enumerate(zip(pairs, tolerances, strict=True))
        if abs(float(ours) - float(theirs)) > tolerance + 1e-9
    ]


@pytest.mark.parametrize("name", PAGES)
def test_the_page_computes_what_the_python_explorer_does(browser, base, name):
    make, moves = PAGES[name]
    explorer = make()
    low, high = float(explorer.image.min()), float(explorer.image.max())
    bin_width = (high - low) / 256 if name != "episodes/05-root-mass.html" else 1 / 256
    page = _open(browser, base + name)
    element = page.locator(".live-explorer").first
    assert element.get_attribute("data-error") is None
    rows = []
    for label, key in [(None, None), *moves]:
        if label is not None:
            element.get_by_label(label, exact=True).focus()
            page.keyboard.press(key)
        state = element.evaluate(STATE)
        python_text = _set(explorer, state)
        problems = _differences(state["readout"], python_text, bin_width)
        rows.append((label and f"{key} on {label!r}", state["readout"], python_text, problems))
    for move, ours, theirs, _ in rows:  # with pytest -s: the numbers side by side
        print(f"{name}, {move or 'at the start'}:\n  page:   {ours}\n  Python: {theirs}")
    assert not [row for row in rows if row[3]], rows
    assert len({row[1] for row in rows}) > 2, "the controls did not change the readout"
    assert not page.messages
    page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_controls_have_names_and_the_readout_is_announced(browser, site, name):
    page = _open(browser, (site / name).as_uri())
    element = page.locator(".live-explorer").first
    explorer = PAGES[name][0]()
    for control in explorer.controls.values():
        role = "combobox" if hasattr(control, "options") else "slider"
        assert element.get_by_role(role, name=control.description, exact=True).count() == 1
    assert element.locator(".live-explorer-readout").get_attribute("aria-live") == "polite"
    labels = element.locator("canvas").evaluate_all(
        "canvases => canvases.map(c => [c.getAttribute('role'), c.getAttribute('aria-label')])"
    )
    assert labels and all(role == "img" and label for role, label in labels), labels
    alt = element.locator("img").get_attribute("alt")
    assert alt and element.locator(".live-explorer-description").text_content() == alt
    page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_without_javascript_the_still_picture_and_its_alt_text_show(browser, site, name):
    page = _open(browser, (site / name).as_uri(), javascript=False)
    still = page.locator(".live-explorer img").first
    assert still.is_visible() and still.evaluate("img => img.naturalWidth") > 0
    assert len(still.get_attribute("alt")) > 40
    assert page.locator(".live-explorer canvas").count() == 0
    page.context.close()


def test_the_stroke_drawing_says_painting_needs_the_notebook(browser, site):
    page = _open(browser, (site / "episodes/07-learned-segmentation.html").as_uri(), False)
    assert page.locator(".live-explorer").count() == 0
    note = page.locator("p.site-note")
    assert note.count() == 1, "one note, under the stackview.annotate cell"
    assert "no kernel to paint into" in note.inner_text()
    assert "JupyterLab (make lab)" in note.inner_text()
    above = note.evaluate("note => note.previousElementSibling.textContent")
    assert "stackview.annotate(tissue, my_strokes)" in above  # right under the cell
    assert "HBox(" not in above  # the widget's text stand-in is left off (remove-output)
    page.context.close()


#: A drag, as the page sees one: many values in one go, then the release; how often the
#: readout was rewritten meanwhile.
DRAG = """([element, label, values]) => new Promise((done) => {
  const row = Array.from(element.querySelectorAll('.live-explorer-control'))
    .find((row) => row.querySelector('label').textContent === label);
  const input = row.querySelector('input');
  const readout = element.querySelector('.live-explorer-readout');
  let rewrites = 0;
  new MutationObserver(() => { rewrites += 1; }).observe(
    readout, {childList: true, characterData: true});
  for (const value of values) {
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
  requestAnimationFrame(() => setTimeout(() => {
    const dragged = [rewrites, readout.textContent];  // still held
    input.dispatchEvent(new Event('change'));  // the release
    requestAnimationFrame(() => setTimeout(() => done([...dragged, rewrites]), 0));
  }, 0));
})"""


@pytest.mark.parametrize(
    ("name", "label", "values"),
    [("episodes/05-root-mass.html", "blur sigma", ["1.25", "1.5", "2", "2.5", "3", "0.5"]),
     ("episodes/04-adaptive.html", "block size", ["27", "31", "35", "41", "45", "21"])],
)  # fmt: skip
def test_a_drag_follows_with_the_latest_value_and_ends_on_the_last(
    browser, site, name, label, values
):
    make, _ = PAGES[name]
    page = _open(browser, (site / name).as_uri())
    element = page.locator(".live-explorer").first
    element.evaluate(STATE)  # built
    held, readout, rewrites = page.evaluate(DRAG, [element.element_handle(), label, values])
    state = element.evaluate(STATE)
    assert state["controls"][label] == values[-1] and state["readout"] == readout
    assert not _differences(readout, _set(make(), state), 1 / 256)
    # six values sent while the page was busy: one update, for the newest, before the release
    # (the mask follows the drag, as episode 5 says); none for the others, none on release
    assert held == rewrites == 1, (held, rewrites)
    assert not page.messages
    page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_control_fits_a_phone_screen(browser, site, name):
    """At 390 px, every slider (with its handle's whole track), menu and value is on screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto((site / name).as_uri())
    page.wait_for_selector(".live-explorer-ready", timeout=60_000)
    boxes = page.locator(".live-explorer-control :is(input, select, output)").evaluate_all(
        "elements => elements.map(e => [e.tagName, e.getBoundingClientRect().left,"
        " e.getBoundingClientRect().right])"
    )
    assert boxes, name
    for tag, left, right in boxes:
        assert 0 <= left and right <= 390, (name, tag, left, right)
        assert right - left >= (120 if tag == "INPUT" else 20), (name, tag, left, right)
    context.close()
