"""Root-mass measurement: roots counted, bright labels left out when asked."""

import numpy as np
import pytest
import skimage as ski

from helpers.rootmass import root_fraction, root_mask


@pytest.fixture
def photo():
    """Dark background, a dim 'root' and a bright white 'label'."""
    gray = np.full((60, 80), 0.1)
    gray[10:50, 20:30] = 0.55  # root: 400 pixels
    gray[5:25, 50:75] = 0.99  # label: 500 pixels
    return gray


def test_plain_measurement_counts_the_label_as_root(photo):
    mask, threshold = root_mask(photo, sigma=1.0)
    assert mask[15, 60]  # the label
    assert threshold == pytest.approx(
        ski.filters.threshold_otsu(ski.filters.gaussian(photo, sigma=1.0))
    )


def test_excluding_bright_pixels_leaves_only_the_root(photo):
    mask, _ = root_mask(photo, sigma=1.0, exclude_above=0.95)
    assert not mask[15, 60] and mask[30, 21]
    truth = 400 / photo.size
    # the blurred rim of the label is still counted, but less than the whole label
    assert abs(root_fraction(photo, 1.0, 0.95) - truth) < abs(root_fraction(photo, 1.0) - truth)


def test_input_is_not_modified(photo):
    before = photo.copy()
    root_mask(photo, sigma=1.0, exclude_above=0.5)
    assert np.array_equal(photo, before)


def test_constant_image_gets_a_clear_message():
    with pytest.raises(ValueError, match="constant"):
        root_mask(np.full((10, 10), 0.3))
    with pytest.raises(ValueError, match="lower exclude_above|constant"):
        root_mask(np.full((10, 10), 0.99), exclude_above=0.95)
