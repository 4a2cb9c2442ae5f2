"""Markers for what cannot carry its own: the executed episodes that nbval re-runs.

Re-executing every episode and comparing every printed number takes about half a minute,
so `make test-quick` leaves the notebooks out (they are `slow`); `make test` runs them.
tests/test_episodes.py, which is quick, still fails when an episode no longer matches its
executed copy in tests/expected/.
"""

from pathlib import Path

import pytest

EXPECTED = Path(__file__).resolve().parent / "expected"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.parent == EXPECTED:
            item.add_marker(pytest.mark.slow)
