"""How fast the website's live explorers answer a control, and how heavy their pages are.

Opens each page of the built site that holds a live explorer (website/live_explorers.py,
website/static/explorers.js) from disk (file://) in headless Debian chromium, and moves
every control of every live explorer with the keyboard, as a learner would: a range by
arrow keys towards the far end and back, a menu up and down. Each change is timed from the
key press (the key event's time stamp) to the frame that shows it: the readout is rewritten
in the same task as the canvases, and the time is taken once the next animation frame has
run. Prints the median and worst time per control beside its target (100 ms for every one),
and each page's HTML size beside its target (3 MB).

Builds nothing: it uses the site in LESSON_SITE, else _build/site, and says how to build it
when there is none (exit 0). Skips (exit 0) where /usr/bin/chromium or Playwright is missing.

    .venv/bin/python -m benchmarks.site_latency [--changes N]
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from benchmarks import sized
from tests.support.browser_tools import missing_browser

ROOT = Path(__file__).resolve().parent.parent
#: Key press -> repainted, in ms, by explorer kind (explorers.js's data-kind).
TARGETS = {"threshold": 100, "adaptive": 100, "root mass": 100}
PAGE_MB = 3

#: Records, in the page, the key event's time and the end of the frame after each readout.
RECORD = """() => {
  window.__changes = [];
  let pressed = null;
  document.addEventListener('keydown', (event) => { pressed = event.timeStamp; }, true);
  for (const readout of document.querySelectorAll('.live-explorer-readout')) {
    new MutationObserver(() => {
      const start = pressed;
      requestAnimationFrame(() => setTimeout(() => {
        if (start !== null) window.__changes.push(performance.now() - start);
      }, 0));
    }).observe(readout, {childList: true, characterData: true, subtree: true});
  }
}"""

#: The key for change ``index`` of a control: a range goes towards its farther end and back.
KEY = """(input, [index, half]) => {
  if (input.tagName === 'SELECT') {
    const last = input.options.length - 1;
    const down = input.selectedIndex < last && (index % 2 === 0 || input.selectedIndex === 0);
    return down ? 'ArrowDown' : 'ArrowUp';
  }
  const [value, low, high] = [input.value, input.min, input.max].map(Number);
  if (input.__direction === undefined) input.__direction = high - value >= value - low ? 1 : -1;
  if (index > 0 && index % half === 0) input.__direction *= -1;
  if (value >= high) input.__direction = -1;
  if (value <= low) input.__direction = 1;
  return input.__direction > 0 ? 'ArrowRight' : 'ArrowLeft';
}"""


def site_folder() -> Path:
    return Path(os.environ.get("LESSON_SITE") or ROOT / "_build" / "site").resolve()


def explorer_pages(site: Path) -> list[Path]:
    """The site's pages that hold a live explorer, in order."""
    return sorted(
        page
        for page in (site / "episodes").glob("*.html")
        if 'class="live-explorer"' in page.read_text(encoding="utf-8", errors="replace")
    )


def time_page(browser, page_path: Path, changes: int) -> list[tuple[str, str, list[float]]]:
    """(explorer kind, control label, times in ms) for every control on the page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    messages = []
    page.on(  # the explorers' own messages (the theme logs its own)
        "console",
        lambda message: (
            message.location.get("url", "").endswith("explorers.js")
            and messages.append(f"{message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: messages.append(str(error)))
    page.goto(page_path.as_uri())
    page.wait_for_selector(".live-explorer-ready, .live-explorer[data-error]", timeout=120_000)
    page.evaluate(RECORD)
    found = []
    explorers = page.locator(".live-explorer")
    for number in range(explorers.count()):
        explorer = explorers.nth(number)
        kind = explorer.get_attribute("data-kind")
        if explorer.get_attribute("data-error"):
            error = explorer.get_attribute("data-error")
            print(f"  {page_path.name}: explorer {number + 1} failed: {error}")
            continue
        rows = explorer.locator(".live-explorer-control")
        for row_number in range(rows.count()):
            row = rows.nth(row_number)
            label = row.locator("label").text_content()
            control = row.locator("input, select")
            control.scroll_into_view_if_needed()
            control.focus()
            times = []
            for index in range(changes):
                page.wait_for_timeout(150)  # let the previous frame settle
                key = control.evaluate(KEY, [index, max(1, changes // 2)])
                before = page.evaluate("() => window.__changes.length")
                page.keyboard.press(key)
                page.wait_for_function(
                    "(before) => window.__changes.length > before", arg=before, timeout=60_000
                )
                times.append(page.evaluate("() => window.__changes[window.__changes.length - 1]"))
            found.append((kind, label, times))
    if messages:
        print(f"  {page_path.name}: console: {messages}")
    page.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--changes", type=int, default=sized(12, 2), help="changes per control (12)"
    )
    changes = parser.parse_args().changes
    site = site_folder()
    if not (site / "episodes").is_dir():
        print(f"site latency: skipped, no site in {site}: build it with `make site` "
              "(about 5 minutes), or point LESSON_SITE at a build")  # fmt: skip
        return
    if missing_browser():
        print(f"site latency: skipped, {missing_browser()}")
        return
    from tests.support.browser_tools import chromium

    pages = explorer_pages(site)
    print(f"Live explorers of {site}, headless chromium, file://, {changes} changes per control")
    print(f"  {'page':32s} {'explorer':10s} {'control':38s} {'median':>8s} {'worst':>8s}  target")
    with chromium() as browser:
        for page_path in pages:
            for kind, label, times in time_page(browser, page_path, changes):
                median, target = statistics.median(times), TARGETS[kind]
                verdict = "met" if median <= target else "NOT met"
                print(f"  {page_path.name:32s} {kind:10s} {label:38s} {median:6.0f} ms "
                      f"{max(times):6.0f} ms  median at most {target} ms ({verdict})")  # fmt: skip
    print("Page sizes (HTML, with the explorers' pixels):")
    for page_path in pages:
        size = page_path.stat().st_size / 1e6
        verdict = "met" if size <= PAGE_MB else "NOT met"
        print(f"  {page_path.name:32s} {size:6.2f} MB   target: at most {PAGE_MB} MB ({verdict})")


if __name__ == "__main__":
    main()
