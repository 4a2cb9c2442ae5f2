"""The batch benchmark runs, and its command agrees with the episode (on small photographs).

The timings themselves are not tested (they depend on the machine): ``make bench`` prints
them. This only keeps the scripts working, so that the figures in the closing notes can be
measured again; the browser benchmark (``make lab`` and headless chromium, two key presses
per slider here) prints a median, a worst case and the target for every explorer slider.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Generates photographs and runs the command in subprocesses; `make test-quick` leaves it out.
pytestmark = pytest.mark.slow


def _run(benchmark: str, *arguments: str, env: dict[str, str] | None = None) -> str:
    """What ``python -m benchmarks.<benchmark> ...`` prints; it must succeed."""
    command = [sys.executable, "-m", f"benchmarks.{benchmark}", *arguments]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rootmass_benchmark_runs_and_the_command_agrees_with_the_episode():
    output = _run("rootmass", "--photos", "3", "--size", "120x160")
    for decoder in ("Pillow", "imageio", "OpenCV"):
        assert re.search(rf"^  {decoder} +\d+\.\d\d s", output, re.MULTILINE), decoder
    for step in ("decode", "grayscale", "blur", "histogram", "root_mask", "measure_file"):
        assert re.search(rf"^  [^\n]*{step}.* ms  \(\d+\.\d\d x decoding", output, re.MULTILINE), (
            step
        )
    difference = re.search(r"command vs episode: (\S+)", output)
    assert difference and float(difference.group(1)) <= 1e-4
    assert re.search(r"plain loop / command: +\d+\.\d +\(at least 6\)", output)
    assert re.search(r"command x jobs / decode \(\w[\w ]*\): +\d+\.\d\d +\(at most 1\.5\)", output)


def test_annotation_benchmark_runs_and_states_its_target():
    output = _run("annotation")
    assert re.search(r"stroke to new prediction: median +\d+ ms", output)
    assert re.search(r"target: within 1000 ms \((met|NOT met)\)", output)


def test_site_latency_benchmark_says_how_to_build_a_missing_site(tmp_path):
    output = _run("site_latency", env={**os.environ, "LESSON_SITE": str(tmp_path / "none")})
    assert "site latency: skipped, no site in" in output and "make site" in output


@pytest.mark.browser
def test_browser_latency_benchmark_times_every_slider_against_its_target():
    output = _run("browser_latency", "--presses", "2")
    if "skipped" in output:
        pytest.skip(output.strip())
    assert "started by `make lab`" in output
    sliders = ["threshold t", "block size", "offset", "blur sigma", "leave out brighter than"]
    for slider in sliders:
        line = re.search(
            rf"^  .*{slider} +median +\d+\.\d ms, worst +\d+\.\d ms(.*)$", output, re.M
        )
        assert line, (slider, output)
        assert re.search(r"target: median <= 100 ms \((met|NOT met)\)", line.group(1)), line
    assert "brush radius slider repaints nothing" in output
