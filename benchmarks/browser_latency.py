"""End-to-end latency of threshold_explorer in a real browser, on a 2000 x 3000 image.

From a key press on the slider to the figure's canvas repainted with the new frame: a
private JupyterLab (tests/support/lab.py), headless Debian chromium. The page records the
time of every ``drawImage`` on a canvas (ipympl paints each frame that way); each move is
timed from just before the key press to the first paint after it. Median of 30 moves.
Skips (exit 0) where /usr/bin/chromium or Playwright is missing.
"""

import statistics
import tempfile
from pathlib import Path

from tests.support.browser_tools import CHROMIUM, chromium
from tests.support.lab import (
    RECORD_PAINTS,
    explorer_outputs,
    notebook_from_markdown,
    open_and_run,
    running_lab,
)

ROOT = Path(__file__).resolve().parent.parent
MOVES = 30


def main() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("browser latency: skipped, Playwright is missing (pip install -e '.[test]')")
        return
    if not CHROMIUM.exists():
        print(f"browser latency: skipped, {CHROMIUM} is missing (apt-get install chromium)")
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "notebooks").mkdir()
        notebook_from_markdown(
            ROOT / "tests" / "support" / "explorers.md", folder / "notebooks" / "explorers.ipynb"
        )
        with running_lab(folder / "notebooks", folder / "lab") as lab, chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_and_run(page, lab.notebook_url("explorers.ipynb"), figures=3)
            output = explorer_outputs(page).nth(0)
            output.scroll_into_view_if_needed()
            page.evaluate(RECORD_PAINTS)
            handle = output.locator(".widget-slider .noUi-handle").first
            handle.focus()
            latencies = []
            for move in range(MOVES):
                page.wait_for_timeout(300)  # let the previous frame settle
                start = page.evaluate("() => performance.now()")
                handle.press("ArrowRight" if (move // 10) % 2 == 0 else "ArrowLeft")
                page.wait_for_function(
                    "(start) => window.__paints.some((t) => t > start)", arg=start, timeout=10_000
                )
                first = page.evaluate(
                    "(start) => Math.min(...window.__paints.filter((t) => t > start))", start
                )
                latencies.append(first - start)
    median = statistics.median(latencies)
    print("threshold_explorer in headless chromium, 2000 x 3000 image")
    print(
        f"  key press -> canvas repainted: median {median:6.1f} ms over {MOVES} moves "
        f"(min {min(latencies):.1f}, max {max(latencies):.1f})"
    )
    print(f"  target: at most 150 ms ({'met' if median <= 150 else 'NOT met'})")


if __name__ == "__main__":
    main()
