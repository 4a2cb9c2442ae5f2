"""Thresholds: the from-scratch Otsu and the fixed kinds against scikit-image and OpenCV."""

import numpy as np
import pytest
import skimage as ski

from helpers import (
    between_class_variance,
    bundled_names,
    image_histogram,
    load_image,
    otsu_threshold,
)


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("dtype", ["uint8", "float"])
def test_otsu_matches_scikit_image(name, dtype):
    gray = load_image(name, gray=True, dtype=dtype)
    assert otsu_threshold(gray) == pytest.approx(float(ski.filters.threshold_otsu(gray)), abs=0)


@pytest.mark.parametrize("name", bundled_names())
def test_otsu_matches_scikit_image_after_blurring(name):
    blurred = ski.filters.gaussian(load_image(name, gray=True), sigma=1.5)
    assert otsu_threshold(blurred) == float(ski.filters.threshold_otsu(blurred))


@pytest.mark.parametrize("nbins", [16, 64, 1000])
def test_otsu_matches_scikit_image_with_other_bin_counts(nbins):
    gray = load_image("camera", gray=True)
    assert otsu_threshold(gray, nbins) == float(ski.filters.threshold_otsu(gray, nbins))


def test_otsu_uint8_values_from_facts():
    expected = {"camera": 102, "coins": 107, "moon": 87, "page": 157, "text": 109, "clock": 174}
    found = {name: otsu_threshold(load_image(name, gray=True, dtype="uint8")) for name in expected}
    assert found == expected


def test_variance_peaks_at_otsu_and_is_zero_at_the_ends():
    gray = load_image("coins", gray=True, dtype="uint8")
    counts, centers = image_histogram(gray)
    variance = between_class_variance(counts, centers)
    assert centers[np.argmax(variance)] == otsu_threshold(gray)
    assert variance.min() >= 0
    assert len(variance) == len(counts) - 1


def test_constant_image_gets_a_clear_message():
    with pytest.raises(ValueError, match=r"constant \(every pixel is 0\.5\): no threshold splits"):
        otsu_threshold(np.full((5, 5), 0.5))


def test_colour_image_is_refused_by_otsu():
    with pytest.raises(ValueError, match="rgb2gray"):
        otsu_threshold(load_image("astronaut"))


def test_nan_is_refused_by_otsu():
    with pytest.raises(ValueError, match="NaN"):
        otsu_threshold(np.array([[0.1, np.nan]]))
