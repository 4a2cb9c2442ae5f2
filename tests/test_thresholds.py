"""Thresholds: episode 2's from-scratch Otsu (``ski.exposure.histogram``, the between-class
variance of every split), run as the episode has it, against scikit-image."""

import jupytext
import numpy as np
import pytest
import skimage as ski

from helpers import bundled_names, load_image
from tests.support.episode_notebooks import EPISODES

EPISODE = EPISODES / "02-otsu.md"
#: The episode's cell that computes ``t_ours`` from ``blurred`` (None if it has none).
OTSU_CELL = next(
    (
        cell.source
        for cell in jupytext.read(EPISODE).cells
        if cell.cell_type == "code" and "t_ours =" in cell.source
    ),
    None,
)


def otsu(blurred) -> dict:
    """Episode 2's lines run on an image: their names (``variance``, ``t_ours``, ...)."""
    assert OTSU_CELL, f"{EPISODE.name} has no cell that computes t_ours from blurred"
    namespace = {"np": np, "ski": ski, "blurred": blurred}
    exec(compile(OTSU_CELL, str(EPISODE), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("dtype", ["uint8", "float"])
def test_variance_argmax_matches_scikit_image_otsu(name, dtype):
    gray = load_image(name, gray=True, dtype=dtype)
    assert otsu(gray)["t_ours"] == pytest.approx(float(ski.filters.threshold_otsu(gray)), abs=0)


@pytest.mark.parametrize("name", bundled_names())
def test_variance_argmax_matches_scikit_image_otsu_after_blurring(name):
    blurred = ski.filters.gaussian(load_image(name, gray=True), sigma=1.5)
    assert otsu(blurred)["t_ours"] == float(ski.filters.threshold_otsu(blurred))


def test_otsu_uint8_values_from_facts():
    expected = {"camera": 102, "coins": 107, "moon": 87, "page": 157, "text": 109, "clock": 174}
    found = {name: otsu(load_image(name, gray=True, dtype="uint8"))["t_ours"] for name in expected}
    assert found == expected


def test_variance_is_zero_or_more_with_one_value_per_split():
    lines = otsu(load_image("coins", gray=True, dtype="uint8"))
    assert lines["variance"].min() >= 0
    assert len(lines["variance"]) == len(lines["counts"]) - 1
