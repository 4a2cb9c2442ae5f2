"""The test suite runs with no network but loopback (see tests/offline and the Makefile)."""

import os
from pathlib import Path

import pytest


def _interfaces() -> list[str]:
    lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    return sorted(line.split(":")[0].strip() for line in lines)


@pytest.mark.skipif(
    os.environ.get("LESSON_TESTS_OFFLINE") != "1",
    reason="not started through tests/offline (run `make test`), or namespaces unavailable",
)
def test_only_loopback_is_reachable():
    assert _interfaces() == ["lo"]
