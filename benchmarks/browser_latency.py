"""Every explorer slider in a real browser: key press to repainted canvas, against 100 ms.

JupyterLab is started as the README says, ``make lab LAB_ARGS="..."`` in this checkout
(``tests.support.lab.running_make_lab``: a private port, token and settings), and headless
Debian chromium opens a notebook written into ``_build/browser-latency/`` (ignored by git)
with the explorers at the lesson's sizes:

- ``threshold_explorer`` on a 2000 x 3000 image (the size of the root photographs);
- ``adaptive_explorer`` on ``uneven-text`` (640 x 900) as episode 4 calls it;
- ``root_mass_explorer("trial-016", sigma=1.0)``, the 3008 x 2000 photograph of episode 5.

The page records the time of every ``drawImage`` on a canvas (ipympl paints each frame that
way). Each key press on a focused slider is timed from just before the press to the first
paint after it, once the previous frame has settled; half the presses go one way, half
back. Prints, per slider, the median and the worst case, and the target beside them.
Skips (exit 0) where chromium, Playwright or the learner environment is missing.
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

import nbformat

from benchmarks import sized
from tests.support.browser_tools import chromium, missing_browser
from tests.support.lab import (
    RECORD_PAINTS,
    explorer_outputs,
    make_lab_missing,
    open_and_run,
    running_make_lab,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = Path("_build") / "browser-latency" / "explorers.ipynb"
TARGET_MS = 100
CELLS = [
    """import numpy as np

import helpers
from helpers.widgets import adaptive_explorer, root_mass_explorer, threshold_explorer

rng = np.random.default_rng(0)
y, x = np.mgrid[0:2000, 0:3000]
image = 0.35 + 0.2 * np.sin(x / 150) * np.cos(y / 170) + 0.05 * rng.standard_normal(y.shape)
image = image.clip(0, 1)""",
    "threshold_explorer(image)",
    'page = helpers.load_image("uneven-text", gray=True)\n'
    'adaptive_explorer(page, block_size=25, offset=0.02, foreground="<")',
    'root_mass_explorer("trial-016", sigma=1.0)',
]
#: (explorer, its index in the notebook, the slider's label, the first key's direction)
SLIDERS = [
    ("threshold_explorer, 2000 x 3000", 0, "threshold t", "ArrowRight"),
    ("adaptive_explorer, uneven-text 640 x 900", 1, "block size", "ArrowRight"),
    ("adaptive_explorer, uneven-text 640 x 900", 1, "offset", "ArrowRight"),
    ("root_mass_explorer, trial-016 3008 x 2000", 2, "blur sigma", "ArrowRight"),
    ("root_mass_explorer, trial-016 3008 x 2000", 2, "leave out brighter than", "ArrowLeft"),
]
BACK = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}


def write_notebook(path: Path) -> None:
    """The explorers' notebook, unexecuted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)


def time_presses(page, output, label: str, first_key: str, presses: int) -> list[float]:
    """Milliseconds from each key press on the slider ``label`` to the next paint."""
    box = output.locator(".widget-inline-hbox").filter(
        has=page.locator(".widget-label", has_text=label)
    )
    handle = box.last.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # ipympl shows its toolbar while the mouse is over the figure
    handle.focus()
    latencies = []
    for press in range(presses):
        page.wait_for_function(  # the previous frame has settled
            "() => performance.now() - (window.__paints.at(-1) ?? 0) > 400", timeout=30_000
        )
        start = page.evaluate("() => performance.now()")
        handle.press(first_key if press < presses // 2 else BACK[first_key])
        page.wait_for_function(
            "(start) => window.__paints.some((t) => t > start)", arg=start, timeout=30_000
        )
        first = page.evaluate(
            "(start) => Math.min(...window.__paints.filter((t) => t > start))", start
        )
        latencies.append(first - start)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=sized(20, 2), help="key presses per slider")
    presses = parser.parse_args().presses
    if reason := missing_browser() or make_lab_missing(ROOT):
        print(f"browser latency: skipped, {reason}")
        return
    write_notebook(ROOT / NOTEBOOK)
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        with running_make_lab(ROOT, Path(scratch)) as lab, chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_and_run(page, lab.notebook_url(NOTEBOOK.as_posix()), figures=3, timeout=240_000)
            page.evaluate(RECORD_PAINTS)
            for name, index, label, key in SLIDERS:
                output = explorer_outputs(page).nth(index)
                results[name, label] = time_presses(page, output, label, key, presses)
            lab.shut_down_kernels()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Key press on a slider -> canvas repainted, headless chromium, {presses} presses each")
    print(f"(JupyterLab started by `make lab`; {os.cpu_count()} cores, load average {load})")
    for (name, label), latencies in results.items():
        median, worst = statistics.median(latencies), max(latencies)
        verdict = "met" if median <= TARGET_MS else "NOT met"
        print(
            f"  {name:42} {label:24} median {median:6.1f} ms, worst {worst:6.1f} ms"
            f"   target: median <= {TARGET_MS} ms ({verdict})"
        )
    print(
        "  annotation_explorer's brush radius slider repaints nothing (it sets the next "
        "stroke's width);\n  its stroke -> prediction time: python -m benchmarks.annotation"
    )


if __name__ == "__main__":
    main()
