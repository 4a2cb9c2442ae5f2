"""The static figures in fig/: drawn by fig/make_figures.py, current, referenced, described."""

import importlib.util
import re

import imageio.v3 as iio
import numpy as np
import pytest

from tests.support.episode_notebooks import ROOT, episode_paths

FIG = ROOT / "fig"
IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\(([^)\s]*fig/([^)\s]+\.png))\)")


def _make_figures():
    spec = importlib.util.spec_from_file_location("make_figures", FIG / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents():
    return [ROOT / "README.md", *episode_paths()]


def _links():
    for document in _documents():
        for alt, target, name in IMAGE_LINK.findall(document.read_text()):
            yield document, alt, target, name


@pytest.fixture(scope="module")
def redrawn(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig")
    _make_figures().make_all(out)
    return out


def test_every_figure_is_current(redrawn):
    """A changed image, library or drawing code changes a figure: run `make figures`."""
    for name in _make_figures().FIGURES:
        committed = FIG / name
        assert committed.exists(), f"fig/{name} is missing: run `make figures`"
        fresh = iio.imread(redrawn / name)
        assert np.array_equal(iio.imread(committed), fresh), (
            f"fig/{name} is stale: run `make figures`"
        )


def test_every_referenced_figure_exists_and_is_drawn_by_code():
    names = set(_make_figures().FIGURES)
    links = list(_links())
    assert links, "README.md and the episodes show no figures from fig/"
    for document, _, target, name in links:
        assert name in names, (
            f"{document.name} shows fig/{name}, which make_figures.py does not draw"
        )
        assert (document.parent / target).resolve() == (FIG / name).resolve(), (
            f"{document.name}: {target} does not point at fig/{name}"
        )


def test_every_drawn_figure_is_shown_somewhere():
    shown = {name for _, _, _, name in _links()}
    assert set(_make_figures().FIGURES) <= shown


def test_every_figure_link_has_alt_text():
    for document, alt, target, _ in _links():
        assert len(alt.split()) >= 5, f"{document.name}: describe {target} in its alt text"
