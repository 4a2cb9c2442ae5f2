"""Adaptive thresholding against OpenCV's adaptiveThreshold and scikit-image's threshold_local."""

import cv2
import numpy as np
import pytest
import skimage as ski

from helpers import load_image
from helpers.thresholds import local_threshold

IMAGES = ["page", "text", "camera", "coins", "moon", "clock"]
BLOCKS = [3, 5, 7, 9, 11, 35, 51]
OFFSETS = [10, 2.5, 0, -3]


def _opencv(gray, block_size, offset, method):
    kind = {"mean": cv2.ADAPTIVE_THRESH_MEAN_C, "gaussian": cv2.ADAPTIVE_THRESH_GAUSSIAN_C}
    return cv2.adaptiveThreshold(gray, 255, kind[method], cv2.THRESH_BINARY, block_size, offset) > 0


@pytest.mark.parametrize("name", IMAGES)
def test_mean_method_matches_opencv_exactly(name):
    gray = load_image(name, gray=True, dtype="uint8")
    for block_size in BLOCKS:
        for offset in OFFSETS:
            ours = gray > local_threshold(gray, block_size, offset, "mean")
            assert np.array_equal(ours, _opencv(gray, block_size, offset, "mean")), (
                block_size,
                offset,
            )


@pytest.mark.parametrize("name", IMAGES)
def test_gaussian_method_matches_opencv_within_a_few_pixels(name):
    gray = load_image(name, gray=True, dtype="uint8")
    for block_size in BLOCKS:
        for offset in OFFSETS:
            ours = gray > local_threshold(gray, block_size, offset, "gaussian")
            differ = np.count_nonzero(ours != _opencv(gray, block_size, offset, "gaussian"))
            assert differ <= 5, (block_size, offset, differ)


@pytest.mark.parametrize("block_size", [5, 35])
def test_float_mean_matches_scikit_image_threshold_local(block_size):
    gray = load_image("page", gray=True)
    expected = ski.filters.threshold_local(gray, block_size, "mean", offset=0.02, mode="nearest")
    np.testing.assert_allclose(local_threshold(gray, block_size, 0.02), expected, atol=1e-12)


@pytest.mark.parametrize("bad", [4, 1, 0, -3, 7.5])
def test_block_size_must_be_odd_and_at_least_3(bad):
    with pytest.raises(ValueError, match="odd whole number of at least 3"):
        local_threshold(np.zeros((5, 5)), bad)


def test_unknown_method_and_colour_image():
    with pytest.raises(ValueError, match="'mean' or 'gaussian'"):
        local_threshold(np.zeros((5, 5)), 3, method="median")
    with pytest.raises(ValueError, match="grayscale"):
        local_threshold(np.zeros((5, 5, 3)), 3)
