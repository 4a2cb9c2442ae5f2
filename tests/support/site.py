"""Building the lesson's website for the tests, once per test session (tests/conftest.py)."""

import subprocess
import sys
from pathlib import Path

from tests.support.episode_notebooks import ROOT


def build_site(out: Path) -> Path:
    """Build the site as `make site` does, into ``out``; fail with Sphinx's own messages."""
    command = [sys.executable, "-m", "sphinx", "-j", "auto", "-W", "--keep-going", "-q",
               "-c", "website", "-b", "html", ".", str(out)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=540)
    errors = [line for line in result.stderr.splitlines() if "[IPKernelApp]" not in line]
    assert result.returncode == 0, "sphinx-build failed:\n" + "\n".join(errors[-60:])
    return out
