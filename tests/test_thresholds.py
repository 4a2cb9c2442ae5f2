"""Thresholds: episode 2's from-scratch Otsu (histogram, between-class variance) against
scikit-image."""

import numpy as np
import pytest
import skimage as ski

from helpers import between_class_variance, bundled_names, image_histogram, load_image


def otsu(gray, nbins=256):
    """Episode 2's Otsu: the bin centre of largest between-class variance."""
    counts, centers = image_histogram(gray, nbins)
    return float(centers[np.nanargmax(between_class_variance(counts, centers))])


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("dtype", ["uint8", "float"])
def test_variance_argmax_matches_scikit_image_otsu(name, dtype):
    gray = load_image(name, gray=True, dtype=dtype)
    assert otsu(gray) == pytest.approx(float(ski.filters.threshold_otsu(gray)), abs=0)


@pytest.mark.parametrize("name", bundled_names())
def test_variance_argmax_matches_scikit_image_otsu_after_blurring(name):
    blurred = ski.filters.gaussian(load_image(name, gray=True), sigma=1.5)
    assert otsu(blurred) == float(ski.filters.threshold_otsu(blurred))


@pytest.mark.parametrize("nbins", [16, 64, 1000])
def test_variance_argmax_matches_scikit_image_otsu_with_other_bin_counts(nbins):
    gray = load_image("camera", gray=True)
    assert otsu(gray, nbins) == float(ski.filters.threshold_otsu(gray, nbins))


def test_otsu_uint8_values_from_facts():
    expected = {"camera": 102, "coins": 107, "moon": 87, "page": 157, "text": 109, "clock": 174}
    found = {name: otsu(load_image(name, gray=True, dtype="uint8")) for name in expected}
    assert found == expected


def test_variance_is_zero_or_more_with_one_value_per_split():
    gray = load_image("coins", gray=True, dtype="uint8")
    counts, centers = image_histogram(gray)
    variance = between_class_variance(counts, centers)
    assert variance.min() >= 0
    assert len(variance) == len(counts) - 1
