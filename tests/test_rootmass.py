"""Root-mass measurement: roots counted, bright labels left out when asked."""

import numpy as np
import pytest
import skimage as ski

from helpers.roots import root_mask
from rootmass.checks import check_exclude_above, check_sigma
from tests.support.synthetic_photos import root_photograph


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
    assert abs(mask.mean() - truth) < abs(root_mask(photo, 1.0)[0].mean() - truth)


def test_input_is_not_modified(photo):
    before = photo.copy()
    root_mask(photo, sigma=1.0, exclude_above=0.5)
    assert np.array_equal(photo, before)


def test_constant_image_gets_a_clear_message():
    with pytest.raises(ValueError, match="constant"):
        root_mask(np.full((10, 10), 0.3))
    with pytest.raises(ValueError, match="Raise exclude_above"):
        root_mask(np.full((10, 10), 0.99), exclude_above=0.95)
    gray = np.full((10, 10), 0.3)
    gray[:5] = 0.99
    with pytest.raises(ValueError, match="constant"):  # what is left is constant
        root_mask(gray, sigma=0, exclude_above=0.95)


def test_bright_pixels_are_left_out_of_the_histogram_not_set_to_0():
    """Otsu's threshold of the band's pixels alone (the Data Carpentry way), not of an
    image whose bright pixels became background at 0 (2.5 % of this one: the label)."""
    photograph, _ = root_photograph(5, width=300, height=400)
    gray = ski.color.rgb2gray(photograph)
    blurred = ski.filters.gaussian(gray, sigma=1.5)
    band = blurred < 0.95
    zeroed = np.where(band, blurred, 0)
    mask, threshold = root_mask(gray, sigma=1.5, exclude_above=0.95)
    assert threshold == pytest.approx(ski.filters.threshold_otsu(blurred[band]), abs=1e-6)
    assert abs(threshold - ski.filters.threshold_otsu(zeroed)) > 5e-3  # about 0.01 here
    assert not mask[~band].any()


@pytest.mark.parametrize("sigma", [0, 0.5, 1.5, 3.0, 5.0])
@pytest.mark.parametrize("shape", [(3, 5), (17, 33), (60, 80), (100, 7), (257, 131)])
def test_root_mask_matches_scikit_image_on_noise(sigma, shape):
    """The blur (cv2.GaussianBlur with scikit-image's kernel and edges), the histogram
    (cv2.calcHist, the top value in the last bin) and Otsu, against scikit-image's own."""
    gray = np.random.default_rng(1).random(shape)
    blurred = ski.filters.gaussian(gray, sigma=sigma)
    expected = ski.filters.threshold_otsu(blurred)
    mask, threshold = root_mask(gray, sigma)
    assert threshold == pytest.approx(expected, abs=1e-6)
    assert np.count_nonzero(mask != (blurred > expected)) <= 1


@pytest.mark.parametrize("sigma", [-1, -0.1, float("nan"), float("inf"), "one"])
def test_a_bad_sigma_gets_a_clear_message(sigma):
    with pytest.raises(ValueError, match="sigma|could not convert"):
        check_sigma(sigma)
    with pytest.raises(ValueError, match="sigma from 0 to 100 pixels|could not convert"):
        root_mask(np.eye(5), sigma)


@pytest.mark.parametrize("exclude_above", [0, -0.5, 1.01, 95, float("nan")])
def test_a_bad_cut_off_gets_a_clear_message(exclude_above):
    with pytest.raises(ValueError, match="exclude_above must be above 0 and at most 1"):
        check_exclude_above(exclude_above)
    with pytest.raises(ValueError, match="exclude_above above 0 and at most 1"):
        root_mask(np.eye(5), 1.0, exclude_above)


def test_sigma_0_is_no_blur():
    gray = np.random.default_rng(2).random((30, 40))
    mask, threshold = root_mask(gray, sigma=0)
    assert threshold == pytest.approx(ski.filters.threshold_otsu(gray), abs=1e-6)
    assert np.array_equal(mask, gray > threshold)


@pytest.mark.parametrize("exclude_above", [None, 0.95])
def test_root_mask_matches_the_scikit_image_steps_on_a_photograph(exclude_above):
    photograph, _ = root_photograph(5, width=300, height=400)
    gray = ski.color.rgb2gray(photograph)
    blurred = ski.filters.gaussian(gray, sigma=1.5)
    band = np.ones(blurred.shape, bool) if exclude_above is None else blurred < exclude_above
    expected_threshold = ski.filters.threshold_otsu(blurred[band])
    expected = (blurred > expected_threshold) & band
    mask, threshold = root_mask(gray, 1.5, exclude_above)
    assert threshold == pytest.approx(expected_threshold, abs=1e-6)
    assert abs(mask.mean() - expected.mean()) <= 1e-4


def test_excluding_bright_pixels_leaves_the_label_of_a_photograph_out():
    photograph, _ = root_photograph(6, width=300, height=400)
    gray = ski.color.rgb2gray(photograph)
    label = ski.morphology.erosion(gray > 0.97, np.ones((7, 7), bool))  # its inside
    assert label.sum() > 1000
    assert root_mask(gray, 1.5)[0][label].all()
    assert not root_mask(gray, 1.5, exclude_above=0.95)[0][label].any()
