"""Speed scripts: ``make bench``, or ``python -m benchmarks.<name>`` from the repository.

Each prints its timings and their ratios against a baseline measured in the same run. With
``LESSON_BENCH_QUICK=1`` in the environment each runs at a tiny size (a few repetitions,
small images, one episode) in seconds: its numbers mean nothing then, but they are computed
as in a full run, which is what tests/test_benchmarks.py checks.
"""

import os


def quick() -> bool:
    """Whether this is a quick run (``LESSON_BENCH_QUICK=1``) rather than a measurement."""
    return os.environ.get("LESSON_BENCH_QUICK", "") not in ("", "0")


def sized(full, tiny):
    """``full``, the size a benchmark measures at, or ``tiny`` in a :func:`quick` run.
    For example ``MOVES = sized(60, 3)``.
    """
    return tiny if quick() else full
