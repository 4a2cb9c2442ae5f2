"""Headless chromium for the browser tests: the system's browser, nothing that goes online.

The browser is Debian's ``chromium`` (``apt-get install chromium``), driven by Playwright;
Playwright's own browser downloads (``playwright install``) are never used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Hosts that are this machine.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: URL schemes that never reach the network.
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-error"}


def missing_browser() -> str:
    """Why the browser tests cannot run here, or an empty string when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)."
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is missing: pip install -e '.[test]'."
    return ""


@contextlib.contextmanager
def chromium() -> Iterator:
    """The system's chromium, headless, with its own background networking turned off.

    A context manager that yields Playwright's ``Browser`` and closes it on leaving. Keep
    one open at a time in a process: Playwright's sync API refuses to start while another
    is running ("using Playwright Sync API inside the asyncio loop"), so a test module's
    browser must be closed before the next module opens its own (module-scoped fixtures).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    """Whether a URL stays on this machine.

    Examples
    --------
    >>> [is_local(u) for u in ("file:///tmp/a.html", "http://127.0.0.1:8000/", "https://cdn.x/")]
    [True, True, False]
    """
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS
