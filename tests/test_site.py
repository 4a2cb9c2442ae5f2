"""The lesson's website in a real browser: built offline, complete, and self-contained.

Builds the site once (as `make site` does, every episode executed), serves it from
127.0.0.1 and also opens it from disk (file://), visits every page in headless chromium,
and checks that no image is broken or lacks alt text, that every link inside the site leads
to a page and anchor that exist, that no request leaves the machine (any such request is
blocked and reported), that widget figures show as pictures and solutions are folded, and
that no page logs an error or warning; pages are visited at a desktop width (1280 pixels),
and over http at a phone width (390). Screenshots of every page go to _build/site-screenshots/ (the
phone's end in -phone.png). Skips without chromium or Playwright. LESSON_SITE=_build/site
checks an existing build instead of building one.
"""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from tests.support.browser_tools import chromium, is_local, missing_browser
from tests.support.episode_notebooks import ROOT, episode_paths, expected_path, read_episode

SCREENSHOTS = ROOT / "_build" / "site-screenshots"
#: What a widget shows when it has no picture to fall back on.
WIDGET_PLACEHOLDERS = ("Canvas(", "VBox(", "HBox(", "interactive(", "Loading widget")
#: The window sizes pages are visited at: a desktop screen and a phone.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Builds the whole site, then a browser visits it: minutes; `make test-quick` leaves it out.
pytestmark = pytest.mark.site

if missing_browser():
    pytest.skip(missing_browser(), allow_module_level=True)


@dataclass
class Visit:
    """What one page did in the browser."""

    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # errors and warnings logged
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text: str = ""
    folded: int = 0
    unfolded: int = 0
    layout: dict = field(default_factory=dict)  # LAYOUT_FACTS


PAGE_FACTS = """() => ({
  images: Array.from(document.images).map(img => ({
    src: img.currentSrc || img.src, alt: (img.getAttribute('alt') || '').trim(),
    complete: img.complete, width: img.naturalWidth})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.name),
  text: document.body.innerText,
  folded: document.querySelectorAll('details.hide:not([open])').length,
  unfolded: document.querySelectorAll('details.hide[open]').length,
})"""


def _visit(browser, url: str, screenshot: Path | None, viewport: dict = DESKTOP) -> Visit:
    visit = Visit(url)
    page = browser.new_page(viewport=viewport)

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            visit.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("console", lambda message: message.type in ("error", "warning")
            and visit.console.append(f"{message.type}: {message.text}"))  # fmt: skip
    page.goto(url, wait_until="load")
    page.evaluate("() => Promise.all(Array.from(document.images).map(i => i.decode?.()"
                  ".catch(() => null)))")  # fmt: skip
    facts = page.evaluate(PAGE_FACTS)
    visit.images, visit.links, visit.text = facts["images"], facts["links"], facts["text"]
    visit.ids = set(facts["ids"])
    visit.folded, visit.unfolded = facts["folded"], facts["unfolded"]
    if screenshot is not None:
        page.screenshot(path=screenshot, full_page=True)
    visit.layout = page.evaluate(LAYOUT_FACTS, TITLE)  # opens every fold: after the screenshot
    page.close()
    return visit


@pytest.fixture(scope="module")
def pages(site):
    """Every HTML page of the site, relative to its root.

    Left out: the theme's snippets in _static/ and the top index.html, which only sends
    the browser on to website/index.html (test_the_top_page_leads_to_the_home_page).
    """
    return sorted(
        name
        for name in (path.relative_to(site).as_posix() for path in site.rglob("*.html"))
        if not name.startswith("_") and name != "index.html"
    )


# Module scope, like every fixture here: a browser still open after this module would stop the
# next module's from starting (see tests.support.browser_tools.chromium).
@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def served(browser, server, pages):
    """Every page, visited over http from 127.0.0.1, with a screenshot of each."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return {
        name: _visit(browser, server + name, SCREENSHOTS / name.replace("/", "--").replace(
            ".html", ".png"))
        for name in pages
    }  # fmt: skip


@pytest.fixture(scope="module")
def from_disk(browser, site, pages):
    """Every page, opened from disk as a learner would open a downloaded copy."""
    return {name: _visit(browser, (site / name).as_uri(), None) for name in pages}


@pytest.fixture(scope="module", params=["http", "file", "http-phone"])
def visits(request):
    """Every page over http and from disk at a desktop width, and over http at a phone width
    (the layout is the same from disk: one visit at each width per way of opening)."""
    fixtures = {"http": "served", "file": "from_disk", "http-phone": "served_phone"}
    return request.getfixturevalue(fixtures[request.param])


def _site_file(site: Path, url: str, base: str) -> tuple[Path, str] | None:
    """The file and anchor a link points to, or None for a link that leaves the site."""
    parts = urlsplit(url)
    if not url.startswith(base):
        return None
    relative = unquote(parts.path)[len(unquote(urlsplit(base).path)) :]
    target = site / relative
    if relative == "" or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_the_episodes_wrote_their_results_in_the_builds_own_folder(site):
    """Episodes write to ../results/ beside the folder they run in; the build's own folder
    holds it, not the system's temporary folder, where two builds at once mixed their CSV
    files (a loaded run: episode 10 read another build's root-mass-all.csv and failed)."""
    results = site.parent / "execution" / "results"
    written = sorted(path.name for path in results.iterdir()) if results.is_dir() else []
    assert "root-mass-all.csv" in written, f"no episode results in {results}: {written}"


def test_the_site_has_every_page(pages):
    names = set(pages)
    for required in ("website/index.html", "website/setup.html",
                     "website/glossary.html", "website/where-next.html",
                     "website/without-helpers.html",
                     "instructors/instructor-notes.html", "search.html"):  # fmt: skip
        assert required in names, f"{required} is missing from the site"
    for episode in episode_paths():
        assert f"episodes/{episode.stem}.html" in names


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_the_top_page_leads_to_the_home_page(browser, site, server, scheme):
    page = browser.new_page()
    page.goto(server if scheme == "http" else (site / "index.html").as_uri())
    page.wait_for_url("**/website/index.html")
    assert page.locator("h1").first.inner_text().startswith("Image thresholding")
    page.close()


def test_no_request_leaves_the_machine(visits):
    for name, visit in visits.items():
        assert not visit.blocked, f"{name} asked for {visit.blocked}"
        outside = [url for url in visit.requests if not is_local(url)]
        assert not outside, f"{name} requested {outside}"
        assert visit.requests, f"{name} made no request at all: was it visited?"


def test_no_image_is_broken(visits):
    count = 0
    for name, visit in visits.items():
        for image in visit.images:
            count += 1
            assert image["complete"] and image["width"] > 0, f"{name}: broken {image['src'][:120]}"
    assert count >= len(episode_paths())


def test_every_image_has_alt_text(visits):
    for name, visit in visits.items():
        for image in visit.images:
            assert image["alt"], f"{name}: image without alt text: {image['src'][:120]}"


def test_no_javascript_errors(visits):
    """No page throws, and none logs an error or warning in the browser's console."""
    for name, visit in visits.items():
        assert not visit.errors, f"{name}: {visit.errors}"
        assert not visit.console, f"{name} logged {visit.console}"


def test_every_link_inside_the_site_leads_somewhere(site, served, server):
    ids_of = {(site / name).resolve(): visit.ids for name, visit in served.items()}
    checked = 0
    for name, visit in served.items():
        for link in visit.links:
            target = _site_file(site, link, server)
            if target is None:
                assert urlsplit(link).scheme in {"http", "https", "mailto"}, link
                continue
            path, anchor = target
            assert path.is_file(), f"{name} links to {link}, which does not exist"
            if anchor and path.suffix == ".html":
                ids = ids_of.get(path.resolve())
                assert ids is not None, f"{name} links to {link}, a page the test did not visit"
                assert anchor in ids, f"{name} links to {link}: no #{anchor} on that page"
            checked += 1
    assert checked > 50


def test_links_work_from_disk(site, from_disk):
    """Opened from disk, links must name files (a folder link shows a directory listing)."""
    for name, visit in from_disk.items():
        for link in visit.links:
            if link.startswith("file://"):
                path = Path(unquote(urlsplit(link).path))
                assert path.is_file(), f"{name} links to {link}, which is not a file"


def test_episodes_show_widget_figures_as_pictures_with_their_alt_text(served):
    for episode in episode_paths():
        notebook = read_episode(episode)
        alts = [
            " ".join(str(cell.metadata["mystnb"]["image"]["alt"]).split())
            for cell in notebook.cells
            if cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        ]
        visit = served[f"episodes/{episode.stem}.html"]
        shown = {" ".join(image["alt"].split()) for image in visit.images}
        for alt in alts:
            assert alt in shown, f"{episode.name}: no picture with the alt text {alt[:60]!r}..."
        for placeholder in WIDGET_PLACEHOLDERS:
            assert placeholder not in visit.text, f"{episode.name} shows {placeholder!r}"


def _printed_lines(cells) -> set[str]:
    return {
        line.strip()
        for cell in cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
        for line in output["text"].splitlines()
        if line.strip()
    }


def test_solutions_are_folded_with_their_outputs(served):
    for episode in episode_paths():
        cells = read_episode(episode).cells
        hidden = sum(
            cell.cell_type == "code" and "hide-input" in cell.metadata.get("tags", [])
            for cell in cells
        )
        visit = served[f"episodes/{episode.stem}.html"]
        assert visit.folded == hidden, f"{episode.name}: {visit.folded} folded, {hidden} expected"
        assert visit.unfolded == 0
        executed = nbformat.read(expected_path(episode), as_version=4).cells
        solution = [cell for cell in executed if "solution" in cell.metadata.get("tags", [])]
        taught = [cell for cell in executed if "solution" not in cell.metadata.get("tags", [])]
        answers = _printed_lines(solution) - _printed_lines(taught)
        shown = set(visit.text.splitlines())
        assert not answers & shown, f"{episode.name} shows a solution's output: {answers & shown}"


def test_episodes_link_to_the_glossary(served):
    for episode in episode_paths():
        links = served[f"episodes/{episode.stem}.html"].links
        assert any("glossary.html#term-" in link for link in links), episode.name


def test_search_finds_the_episodes(browser, server):
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
               else route.abort())  # fmt: skip
    page.goto(server + "search.html?q=threshold")
    results = page.locator("#search-results li")
    # results arrive one by one; Sphinx writes its summary once the search has finished
    page.wait_for_function(
        "() => document.querySelector('#search-results .search-summary')?.innerText.trim()",
        timeout=20_000,
    )
    hrefs = [results.nth(i).locator("a").first.get_attribute("href")
             for i in range(results.count())]  # fmt: skip
    # over http, each result has an excerpt of its page (Sphinx fetches the page; a browser
    # refuses that from disk, where the results are titles only)
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li p.context').length > 2",
        timeout=20_000,
    )
    excerpts = page.locator("#search-results li p.context").all_inner_texts()
    page.close()
    assert any("episodes/" in href for href in hrefs), hrefs
    assert any("threshold" in excerpt.lower() for excerpt in excerpts), excerpts


def test_setup_page_says_how_to_install_and_check(served):
    text = served["website/setup.html"].text
    for command in ("make lab", "conda env create -f environment.yml",
                    "python -m lessonsetup.check", "python -m lessonsetup.configure"):  # fmt: skip
        assert command in text, f"the set-up page does not mention {command!r}"


#: Words every episode relies on; the glossary must explain each.
LESSON_TERMS = (
    "threshold",
    "binary mask",
    "histogram",
    "Otsu's method",
    "between-class variance",
    "adaptive threshold",
    "local threshold",
    "block size",
    "offset",
    "morphological opening",
    "morphological closing",
    "connected component",
    "ground truth",
    "Dice score",
    "root fraction",
    "foreground fraction",
    "grayscale",
)


def test_glossary_explains_the_lessons_terms(served):
    ids = {anchor.lower() for anchor in served["website/glossary.html"].ids}
    for term in LESSON_TERMS:
        anchor = "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
        assert anchor in ids, f"the glossary has no entry {term!r} (#{anchor})"


def test_where_next_closes_the_lesson(served):
    """The closing page is in every page's navigation and gives its reading list."""
    for name in ("website/index.html", f"episodes/{episode_paths()[-1].stem}.html"):
        assert any(link.endswith("website/where-next.html") for link in served[name].links), name
    text = served["website/where-next.html"].text
    for needed in ("Otsu", "Sezgin", "scikit-image", "OpenCV", "Data Carpentry",
                   "When not to threshold"):  # fmt: skip
        assert needed in text, f"the Where next page does not mention {needed!r}"


def test_without_helpers_sheet_agrees_with_the_helpers(served):
    """Each plain-library version on the sheet printed True next to its helper call, and
    the check named the mistake made on purpose (one string: a print of several values can
    reach the page as two outputs when the kernel flushes between them, as it did loaded)."""
    lines = [line.strip() for line in served["website/without-helpers.html"].text.splitlines()]
    assert lines.count("True") >= 9, lines
    assert "False" not in lines
    assert "right: False; mistake: no-blur; its Dice: True" in lines, lines


# Polish (issue 15): one title, one search box, one "Solution" label per fold, no code line
# wider than its box, no console messages (test_no_javascript_errors), at both widths.

#: The site's title, as website/conf.py sets it.
TITLE = "Image thresholding"

LAYOUT_FACTS = """title => {
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
    && !e.closest('dialog:not([open])');
  const article = document.querySelector('article.bd-article');
  const outside = e => !(article && article.contains(e));
  const text = e => (e.innerText || '').trim();
  const chrome = Array.from(document.querySelectorAll(
    '#pst-primary-sidebar *, .bd-header *, .bd-header-article *')).filter(shown);
  const facts = {
    title: document.title,
    titles_in_header: chrome.filter(e => text(e) === title
      && !Array.from(e.children).some(c => text(c) === text(e))).length,
    search: Array.from(document.querySelectorAll(
      '.search-button__button, .search-button-field, input[type=search], input[name=q]'))
      .filter(e => shown(e) && outside(e) && !e.closest('.bd-search-container'))  // search.html
      .map(e => e.outerHTML.slice(0, 120)),
    folds: article ? Array.from(article.querySelectorAll('details'))
      .map(d => text(d.querySelector(':scope > summary'))) : [],
    labels: article ? Array.from(article.querySelectorAll('p, h1, h2, h3, h4, h5, h6, dt'))
      .filter(e => !e.closest('details') && /^solution:?$/i.test(text(e))).length : 0,
  };
  document.querySelectorAll('details').forEach(d => { d.open = true; });  // folds count too
  facts.overflowing = Array.from(document.querySelectorAll('pre')).filter(shown)
    .filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => `${p.scrollWidth} > ${p.clientWidth} px: `
      + text(p).split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''));
  facts.page_overflow = document.documentElement.scrollWidth - window.innerWidth;
  return facts;
}"""


@pytest.fixture(scope="module")
def served_phone(browser, server, pages, served):
    """Every page over http at a phone's width (after `served`, which clears screenshots)."""
    return {
        name: _visit(browser, server + name, SCREENSHOTS / name.replace("/", "--").replace(
            ".html", "-phone.png"), PHONE)
        for name in pages
    }  # fmt: skip


def test_the_site_title_shows_once(visits):
    """The home page is "Image thresholding", not "Image thresholding — Image thresholding"."""
    for name, visit in visits.items():
        assert visit.layout["title"].count(TITLE) == 1, f"{name}: {visit.layout['title']!r}"
    home = visits["website/index.html"]
    assert home.layout["title"] == TITLE
    assert home.layout["titles_in_header"] <= 1, "the site's title is twice in the header"


def test_the_site_title_is_above_the_navigation_on_a_desktop(served):
    assert served["website/index.html"].layout["titles_in_header"] == 1


def test_one_search_box(visits):
    """One search box or button, whatever the width (the search page's own form aside)."""
    for name, visit in visits.items():
        assert len(visit.layout["search"]) == 1, f"{name}: {visit.layout['search']}"


def test_each_fold_says_solution_once(served):
    """Every fold on an episode page is a solution, labelled once, with no heading above it."""
    for episode in episode_paths():
        layout = served[f"episodes/{episode.stem}.html"].layout
        assert layout["folds"], f"{episode.name} has no folded solution"
        for label in layout["folds"]:
            assert len(re.findall("solution", label, re.I)) == 1, f"{episode.name}: {label!r}"
        assert layout["labels"] == 0, f"{episode.name}: a separate 'Solution' heading"


def test_no_code_line_is_wider_than_the_page(visits):
    """Code and printed output wrap: no box scrolls sideways, solutions unfolded or not."""
    for name, visit in visits.items():
        assert not visit.layout["overflowing"], f"{name}: {visit.layout['overflowing']}"
        assert visit.layout["page_overflow"] <= 0, f"{name} is wider than the window"
