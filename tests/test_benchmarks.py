"""The benchmarks compute what they print: each runs at a tiny size (``LESSON_BENCH_QUICK=1``,
see benchmarks/__init__.py), and its timings must be there, above zero, and its ratios
those of the timings printed beside them (within the rounding of the printed digits).

How fast anything is is not tested (it depends on the machine): ``make bench`` prints it.
The batch benchmark also checks that the command agrees with the episode.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Runs scripts in subprocesses; `make test-quick` leaves it out.
pytestmark = pytest.mark.slow

NUMBER = r"(\d+(?:\.\d+)?)"


def _run(benchmark: str, *arguments: str, **environment: str) -> str:
    """What ``python -m benchmarks.<benchmark> ...`` prints in a quick run; it must succeed."""
    command = [sys.executable, "-m", f"benchmarks.{benchmark}", *arguments]
    env = {**os.environ, "LESSON_BENCH_QUICK": "1", **environment}
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _numbers(pattern: str, output: str) -> list[str]:
    """The numbers ``pattern``'s groups capture on its first match, as printed."""
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"{pattern!r} not in:\n{output}"
    return list(match.groups())


def _bounds(printed: str) -> tuple[float, float]:
    """The interval a number printed with these digits was rounded from."""
    decimals = len(printed.partition(".")[2])
    half = 0.5 * 10**-decimals
    return float(printed) - half, float(printed) + half


def assert_ratio(ratio: str, numerator: str, denominator: str) -> None:
    """Both measurements are positive, and ``ratio`` is their quotient as printed."""
    assert float(numerator) > 0 and float(denominator) > 0, (numerator, denominator)
    low_n, high_n = _bounds(numerator)
    low_d, high_d = _bounds(denominator)
    low_r, high_r = _bounds(ratio)
    assert float(ratio) > 0, ratio
    assert low_n / high_d <= high_r and low_r <= high_n / max(low_d, 1e-12), (
        f"{ratio} is not {numerator} / {denominator}"
    )


def test_assert_ratio_catches_a_ratio_that_is_not_the_quotient():
    assert_ratio("2.0", "10.0", "5.0")
    assert_ratio("0.33", "1", "3")
    for wrong in ("2.5", "0.0"):
        with pytest.raises(AssertionError):
            assert_ratio(wrong, "10.0", "5.0")


def test_explorer_benchmark_compares_in_place_updates_with_replotting():
    output = _run("explorers")
    fast = _numbers(rf"in place.*: median +{NUMBER} ms", output)[0]
    naive = _numbers(rf"naive.*: median +{NUMBER} ms", output)[0]
    ratio = _numbers(rf"ratio naive / in place: +{NUMBER} x", output)[0]
    assert_ratio(ratio, naive, fast)


def test_episode_benchmark_compares_the_episodes_with_an_empty_notebook():
    output = _run("episodes")
    empty = _numbers(rf"^empty notebook \(baseline\) +{NUMBER} s wall", output)[0]
    episodes = _numbers(rf"^all episodes +{NUMBER} s wall", output)[0]
    ratio = _numbers(rf"^all episodes / empty notebook: +{NUMBER} \(wall\)", output)[0]
    assert_ratio(ratio, episodes, empty)


def test_rootmass_benchmark_computes_its_ratios_and_the_command_agrees_with_the_episode():
    output = _run("rootmass")
    for decoder in ("Pillow", "imageio", "OpenCV"):
        assert re.search(rf"^  {decoder} +\d+\.\d\d s", output, re.MULTILINE), decoder
    for step in ("decode", "grayscale", "blur", "histogram", "root_mask", "measure_file"):
        assert re.search(rf"^  [^\n]*{step}.* ms  \(\d+\.\d\d x decoding", output, re.MULTILINE), (
            step
        )
    command = _numbers(rf"^The command, .*: {NUMBER} s", output)[0]
    loop = _numbers(rf"^The episode's plain loop: {NUMBER} s", output)[0]
    ratio = _numbers(rf"plain loop / command: +{NUMBER} +\(at least 6\)", output)[0]
    assert_ratio(ratio, loop, command)
    difference = re.search(r"command vs episode: (\S+)", output)
    assert difference and float(difference.group(1)) <= 1e-4


def _latencies(pattern: str, output: str) -> list[tuple[float, float]]:
    """Every (median, worst) that ``pattern`` finds, in ms; at least one."""
    found = re.findall(pattern, output)
    assert found, output
    return [(float(median), float(worst)) for median, worst in found]


@pytest.mark.browser
def test_browser_latency_benchmark_times_the_sliders():
    output = _run("browser_latency", "--episodes", "01")  # one episode: numbers, not speed
    if "skipped" in output:
        pytest.skip(output.strip())
    assert "started by `make lab`" in output
    for median, worst in _latencies(rf"median +{NUMBER} ms, worst +{NUMBER} ms", output):
        assert 0 < median <= worst
    assert re.search(r"target: median <= 100 ms \((met|NOT met)\)", output)


@pytest.mark.site
def test_site_latency_benchmark_times_the_live_explorers(site):
    output = _run("site_latency", LESSON_SITE=str(site))
    for median, worst in _latencies(rf"{NUMBER} ms +{NUMBER} ms +median at most", output):
        assert 0 < median <= worst
    sizes = re.findall(rf"\.html +{NUMBER} MB", output)
    assert sizes and all(float(size) > 0 for size in sizes), output


def test_site_latency_benchmark_says_how_to_build_a_missing_site(tmp_path):
    output = _run("site_latency", LESSON_SITE=str(tmp_path / "none"))
    assert "site latency: skipped, no site in" in output and "make site" in output


@pytest.mark.skipif(
    not (ROOT / "benchmarks" / "kernel_memory.py").exists(), reason="no kernel benchmark"
)
def test_kernel_memory_benchmark_measures_a_kernel_against_the_target():
    first = sorted((ROOT / "episodes").glob("[0-9]*.md"))[0]
    output = _run("kernel_memory", str(first.relative_to(ROOT)))
    empty = _numbers(rf"^empty notebook \(baseline\) +{NUMBER} MB now", output)[0]
    now, ratio = _numbers(rf"^{first.stem} +{NUMBER} MB now .* {NUMBER} of the target", output)
    target = _numbers(rf"target: {NUMBER} MB", output)[0]
    assert float(empty) > 0
    assert_ratio(ratio, now, target)
