"""Markers for what cannot carry its own: the executed episodes that nbval re-runs. And the
website, built once for the session's site tests (tests/test_site*.py).

Re-executing every episode and comparing every printed number takes about half a minute,
so `make test-quick` leaves the notebooks out (they are `slow`); `make test` runs them.
tests/test_episodes.py, which is quick, still fails when an episode no longer matches its
executed copy in tests/expected/.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.site import build_site, serving

EXPECTED = Path(__file__).resolve().parent / "expected"
#: What nbval may leave out of its comparison: helpers.check's HTML, whose words it compares
#: as text/plain (see the file).
SANITIZE = Path(__file__).resolve().parent / "nbval-sanitize.cfg"


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config.option, "nbval_sanitize_with", "") is None:
        config.option.nbval_sanitize_with = str(SANITIZE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.parent == EXPECTED:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once for this session; LESSON_SITE=_build/site reuses a `make site` build."""
    prebuilt = os.environ.get("LESSON_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    return build_site(tmp_path_factory.mktemp("site") / "html")


@pytest.fixture(scope="session")
def server(site) -> Iterator[str]:
    """The site served over http from 127.0.0.1: its address, ending in a slash."""
    with serving(site) as address:
        yield address
