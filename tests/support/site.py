"""Building the lesson's website for the tests, once per test session (tests/conftest.py)."""

import contextlib
import functools
import http.server
import importlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from tests.support.episode_notebooks import ROOT


def build_site(out: Path) -> Path:
    """Build the site as `make site` does, into ``out``; fail with Sphinx's own messages."""
    # one Sphinx process, one kernel at a time, as `make site` (see the Makefile)
    command = [sys.executable, "-m", "sphinx", "-j", "1", "-W", "--keep-going", "-q",
               "-c", "website", "-b", "html", ".", str(out)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=540)
    errors = [line for line in result.stderr.splitlines() if "[IPKernelApp]" not in line]
    assert result.returncode == 0, "sphinx-build failed:\n" + "\n".join(errors[-60:])
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over http from 127.0.0.1 on a free port; yield its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def website_module(name: str) -> ModuleType:
    """``website.<name>``: a module of the website package (website/__init__.py says how
    Sphinx and the kernels import it the same way)."""
    return importlib.import_module(f"website.{name}")
