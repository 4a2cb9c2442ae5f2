"""What the test modules share: markers for the executed episodes that nbval re-runs, the
website built once, one JupyterLab for the browser tests, and the order `make test` hands
the tests to its processes.

Re-executing every episode and comparing every printed number takes about half a minute,
so `make test-quick` leaves the notebooks out (they are `slow`); `make test` runs them.
tests/test_episodes.py, which is quick, still fails when an episode no longer matches its
executed copy in tests/expected/.

`make test` runs the tests in three processes (pytest-xdist, ``-n 3 --dist loadscope``): the
tests of one module go to the same process (module fixtures are made once, and an episode's
cells run in order in one kernel). The website is built once for all the processes; each
process starts at most one JupyterLab. The modules that drive a browser go first: they take
longest, and the others fill the gaps.
"""

import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.lab import Lab, running_lab
from tests.support.site import build_site, serving

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "expected"
# Modules the tests import by path (data/generate.py, fig/make_figures.py) leave no
# __pycache__ in the checkout: tests/test_make_lab.py checks that the checkout stays as it
# was while JupyterLab runs, and other tests run beside it.
sys.dont_write_bytecode = True

#: How long a module takes, roughly, by its tests' markers: the first that applies.
WEIGHTS = {"site": 20, "browser": 20, "slow": 3}

#: What nbval may leave out of its comparison: helpers.check's HTML, whose words it compares
#: as text/plain (see the file).
SANITIZE = Path(__file__).resolve().parent / "nbval-sanitize.cfg"


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config.option, "nbval_sanitize_with", "") is None:
        config.option.nbval_sanitize_with = str(SANITIZE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.parent == EXPECTED:
            item.add_marker(pytest.mark.slow)
    if "PYTEST_XDIST_WORKER" in os.environ:  # in a pytest-xdist process (--no-loadscope-reorder)
        order = {scope: index for index, scope in enumerate(_schedule(items))}
        items.sort(key=lambda item: order[_scope(item)])


def _schedule(items: list[pytest.Item]) -> list[str]:
    """The modules in the order the processes take them: the heaviest first, but only one of
    those that use the website among the first ones (the others would wait for its build)."""
    weights: dict[str, int] = {}
    for item in items:
        weight = next((w for name, w in WEIGHTS.items() if item.get_closest_marker(name)), 1)
        weights[_scope(item)] = weights.get(_scope(item), 0) + weight
    heaviest = sorted(weights, key=lambda scope: -weights[scope])
    site = {_scope(item) for item in items if "site" in getattr(item, "fixturenames", ())}
    builders, others = [s for s in heaviest if s in site], [s for s in heaviest if s not in site]
    processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return builders[:1] + others[: processes - 1] + builders[1:] + others[processes - 1 :]


def _scope(item: pytest.Item) -> str:
    """What pytest-xdist's ``--dist loadscope`` hands to one process: a module (or class)."""
    return item.nodeid.rsplit("::", 1)[0]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once for this session, whichever process asks first (the others wait
    for it); LESSON_SITE=_build/site reuses a `make site` build."""
    prebuilt = os.environ.get("LESSON_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent  # the processes' temporary folders are in one folder
    out, built = shared / "site" / "html", shared / "site" / "built"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not built.exists():
            shutil.rmtree(out, ignore_errors=True)  # what a failed build left
            build_site(out)
            built.touch()
    return out


@pytest.fixture(scope="session")
def server(site) -> Iterator[str]:
    """The site served over http from 127.0.0.1: its address, ending in a slash."""
    with serving(site) as address:
        yield address


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> Iterator[Lab]:
    """One private JupyterLab for the session: see :func:`lab`."""
    root = tmp_path_factory.mktemp("lesson")
    for folder in ("episodes", "fig"):  # the episodes show figures from ../fig
        shutil.copytree(ROOT / folder, root / folder)
    with running_lab(root, tmp_path_factory.mktemp("lab")) as lab:
        yield lab


@pytest.fixture(scope="module")
def lab(lab_server: Lab) -> Iterator[Lab]:
    """The session's JupyterLab, started once for every browser test module that uses it.

    It serves a copy of the lesson's episodes/ and fig/ (``lab.root``), so that nothing the
    notebooks write lands in the repository; a module puts any notebook of its own in
    ``lab.root``. Each module finds no kernel running and leaves none: their kernels are
    shut down when the module ends.
    """
    lab_server.shut_down_kernels()
    yield lab_server
    lab_server.shut_down_kernels()
