"""Every slider of every explorer, in the episodes themselves: key press to new pixels.

As a learner runs the lesson: JupyterLab started by the README's ``make lab`` in this
checkout (``tests.support.lab.running_make_lab``: a private port, token and settings, no
autosave), headless Debian chromium opens each episode that has an explorer, runs all its
cells (its other figures and widgets stay on the page), and presses each slider's arrow key.

Each press is timed from the key event's time stamp to the animation frame after the
explorer's picture has decoded its new frame (``tests.support.lab.RECORD_PAINTS``): the
first moment the new pixels can be on the screen. Half the presses go one way, half back;
each waits until the previous frame has settled. Prints, per slider, the median and the
worst case beside the targets (median 100 ms, worst 250 ms), and the load of the machine.
Skips (exit 0) where chromium, Playwright or the learner environment is missing.

    .venv/bin/python -m benchmarks.browser_latency [--presses N] [--episodes 01 05]
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

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
TARGET_MS, WORST_MS = 100, 250
#: The episodes with a slider explorer, and the key that moves each slider, in order,
#: towards where its picture changes (episode 5's cut-off starts at 1, "none").
EPISODES = {
    "01-fixed-thresholding.md": ["ArrowRight"],
    "03-global-fails.md": ["ArrowRight"],
    "04-adaptive.md": ["ArrowRight", "ArrowRight"],
    "05-root-mass.md": ["ArrowRight", "ArrowLeft"],
}
BACK = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}
#: The key press that the first paint after it answers, in ms (None: no paint came).
ANSWER = """([start, wait]) => new Promise((resolve) => {
    const began = performance.now();
    const look = () => {
        const key = window.__keys.filter((t) => t > start).at(0);
        const paint = key === undefined ? undefined : window.__paints.find((t) => t > key);
        if (paint !== undefined) resolve(paint - key);
        else if (performance.now() - began > wait) resolve(null);
        else setTimeout(look, 5);
    };
    look();
})"""


def time_presses(page, slider, first_key: str, presses: int) -> list[float]:
    """Milliseconds from each key press on ``slider`` to its new frame (presses that change
    no pixel are left out)."""
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    latencies = []
    for press in range(presses):
        page.wait_for_function(  # the previous frame has settled
            "() => performance.now() - (window.__paints.at(-1) ?? 0) > 400", timeout=60_000
        )
        start = page.evaluate("() => performance.now()")
        handle.press(first_key if press < presses // 2 else BACK[first_key])
        answer = page.evaluate(ANSWER, [start, 10_000])
        if answer is not None:
            latencies.append(answer)
    return latencies


def time_episode(browser, lab, episode: str, presses: int) -> dict[str, list[float]]:
    """Run the episode and time every slider of its explorer: label -> times."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_and_run(page, lab.notebook_url(f"episodes/{episode}"), figures=1, timeout=300_000)
    page.evaluate(RECORD_PAINTS)
    output = explorer_outputs(page).first
    results = {}
    for slider_number, key in enumerate(EPISODES[episode]):
        boxes = output.locator(".widget-inline-hbox").filter(has=page.locator(".noUi-handle"))
        slider = boxes.nth(slider_number)
        label = slider.locator(".widget-label").first.text_content().strip()
        results[label] = time_presses(page, slider, key, presses)
    page.close()
    lab.shut_down_kernels()  # an episode's kernel holds its photographs
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=sized(15, 2), help="key presses per slider")
    parser.add_argument("--episodes", nargs="*", help="episode numbers (default: all)")
    arguments = parser.parse_args()
    episodes = [e for e in EPISODES if not arguments.episodes or e[:2] in arguments.episodes]
    if reason := missing_browser() or make_lab_missing(ROOT):
        print(f"browser latency: skipped, {reason}")
        return
    results = {}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch:
        with running_make_lab(ROOT, Path(scratch)) as lab, chromium() as browser:
            for episode in episodes:
                for label, times in time_episode(browser, lab, episode, arguments.presses).items():
                    results[episode[:2], label] = times
                loads.append(os.getloadavg()[0])
    print(f"Key press on a slider -> new pixels, in the episodes after Run All, headless "
          f"chromium, {arguments.presses} presses each")  # fmt: skip
    print(f"(JupyterLab started by `make lab`; {os.cpu_count()} cores, 1-minute load average "
          f"{min(loads):.1f}-{max(loads):.1f} during the run)")  # fmt: skip
    for (episode, label), times in results.items():
        if not times:
            print(f"  episode {episode} {label:36} no press changed the picture")
            continue
        median, worst = statistics.median(times), max(times)
        verdicts = ["met" if ok else "NOT met" for ok in (median <= TARGET_MS, worst < WORST_MS)]
        print(f"  episode {episode} {label:36} median {median:6.1f} ms, worst {worst:6.1f} ms "
              f"({len(times)} presses)  target: median <= {TARGET_MS} ms ({verdicts[0]}), "
              f"worst < {WORST_MS} ms ({verdicts[1]})")  # fmt: skip


if __name__ == "__main__":
    main()
