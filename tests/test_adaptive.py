"""The adaptive explorer computes what episode 4 teaches: ``ski.filters.threshold_local``.

Its mask, pixel for pixel, is the image against ``threshold_local(image, block_size, method,
offset=offset)``; and that threshold is, by independent oracles (NumPy with ``np.pad``'s
"symmetric" border, and OpenCV with ``BORDER_REFLECT``), the window's mean or Gaussian
weighting with scipy's "reflect" border (d c b a | a b c d | d c b a) and sigma
(block_size - 1) / 6, cut at four sigmas: what website/static/explorers.js computes in the
page.
"""

import cv2
import numpy as np
import pytest
import skimage as ski
from numpy.lib.stride_tricks import sliding_window_view

from helpers import load_image
from helpers.widgets import adaptive_explorer

IMAGES = ["page", "text", "camera", "coins", "moon", "clock"]
BLOCKS = [3, 5, 11, 35, 51]


def _uneven(dtype: str) -> np.ndarray:
    """A small page (under the display size, so the explorer shows every pixel): dark strokes
    on paper lit unevenly, with strokes at the borders, where the border rule matters."""
    rng = np.random.default_rng(4)
    page = np.full((90, 120), 0.8) + 0.03 * rng.standard_normal((90, 120))
    page[20:70, 30:34] = page[40:44, 10:110] = page[:, 0:2] = page[86:, :] = 0.25
    page = (page * np.linspace(0.5, 1.0, 120)).clip(0, 1)
    return ski.util.img_as_ubyte(page) if dtype == "uint8" else page


@pytest.mark.parametrize("dtype", ["uint8", "float"])
@pytest.mark.parametrize("method", ["mean", "gaussian"])
@pytest.mark.parametrize("foreground", ["<", ">"])
def test_explorer_mask_is_the_image_against_threshold_local(dtype, method, foreground):
    page = _uneven(dtype)
    compare = np.less if foreground == "<" else np.greater
    offset = 4 if dtype == "uint8" else 0.015
    explorer = adaptive_explorer(page, block_size=15, offset=offset, method=method,
                                 foreground=foreground)  # fmt: skip
    for block, shift in [(15, offset), (25, offset), (25, -offset)]:
        explorer.controls["block_size"].value, explorer.controls["offset"].value = block, shift
        expected = compare(page, ski.filters.threshold_local(page, block, method, offset=shift))
        shown = explorer.figure.axes[2].images[0].get_array()  # every pixel: white, black
        assert np.array_equal(shown[..., 0] == 255, expected), (block, shift)
        assert f"{100 * expected.mean():.1f} % of the pixels" in explorer.readout.value
        # OpenCV's border (edge pixels repeated), which the explorer no longer follows,
        # gives other pixels on this page: the comparison above can fail
        nearest = ski.filters.threshold_local(page, block, method, offset=shift, mode="nearest")
        assert not np.array_equal(expected, compare(page, nearest))


def _reflect_windows(image: np.ndarray, radius: int) -> np.ndarray:
    """Every pixel's window, the image reflected at its border (scipy's "reflect" is
    np.pad's "symmetric": the edge pixel repeated once, then the ones inside it)."""
    padded = np.pad(image.astype(np.float64), radius, mode="symmetric")
    return sliding_window_view(padded, (2 * radius + 1, 2 * radius + 1))


@pytest.mark.parametrize("name", IMAGES)
def test_threshold_local_mean_is_the_reflected_window_mean(name):
    gray = load_image(name, gray=True, dtype="uint8")[:200, :200]
    for block in BLOCKS:
        oracle = _reflect_windows(gray, block // 2).mean(axis=(-2, -1)) - 5
        local = ski.filters.threshold_local(gray, block, "mean", offset=5)
        np.testing.assert_allclose(local, oracle, atol=1e-9, err_msg=str(block))
        # and OpenCV's box filter with its reflecting border, "fedcba|abcdefgh|hgfedcb"
        box = cv2.blur(gray.astype(np.float64), (block, block), borderType=cv2.BORDER_REFLECT)
        np.testing.assert_allclose(local, box - 5, atol=1e-9, err_msg=str(block))


def _gaussian_weights(block: int) -> np.ndarray:
    """threshold_local's Gaussian: sigma (block - 1) / 6, cut at int(4 sigma + 0.5)."""
    sigma = (block - 1) / 6
    x = np.arange(-int(4 * sigma + 0.5), int(4 * sigma + 0.5) + 1)
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()


@pytest.mark.parametrize("name", IMAGES)
def test_threshold_local_gaussian_is_the_reflected_gaussian_of_sigma_block_over_6(name):
    gray = load_image(name, gray=True)[:120, :150]
    for block in BLOCKS:
        weights = _gaussian_weights(block)
        windows = _reflect_windows(gray, weights.size // 2)
        oracle = np.einsum("...ij,i,j->...", windows, weights, weights) - 0.01
        local = ski.filters.threshold_local(gray, block, "gaussian", offset=0.01)
        np.testing.assert_allclose(local, oracle, atol=1e-12, err_msg=str(block))
        # and OpenCV's Gaussian blur with the same sigma, taps and border
        blurred = cv2.GaussianBlur(gray, (weights.size,) * 2, (block - 1) / 6,
                                   borderType=cv2.BORDER_REFLECT)  # fmt: skip
        np.testing.assert_allclose(local, blurred - 0.01, atol=1e-9, err_msg=str(block))


@pytest.mark.parametrize("side", [3, 4, 9, 10, 61])
def test_largest_gaussian_window_and_a_longer_one_reflect_as_np_pad_symmetric(side):
    """The explorer's largest block is the image's smaller side (made odd); the Gaussian's
    radius, about 2/3 of the block, stays within the side (one reflection). A longer window
    is reflected again (period twice the side): by scipy, by np.pad and by the page."""
    image = np.random.default_rng(side).random((side, side + 5))
    explorer = adaptive_explorer(image)
    largest = explorer.controls["block_size"].max
    assert largest == side - (1 - side % 2)
    assert _gaussian_weights(largest).size // 2 < side
    for block in (largest, 4 * side + 1):
        weights = _gaussian_weights(block)
        windows = _reflect_windows(image, weights.size // 2)
        oracle = np.einsum("...ij,i,j->...", windows, weights, weights)
        local = ski.filters.threshold_local(image, block, "gaussian")
        np.testing.assert_allclose(local, oracle, atol=1e-12, err_msg=str(block))
        box = _reflect_windows(image, block // 2).mean(axis=(-2, -1))
        np.testing.assert_allclose(ski.filters.threshold_local(image, block, "mean"), box)
