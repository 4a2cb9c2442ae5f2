"""Every equality with OpenCV that the lesson's text claims, checked here on its own.

Each test computes both sides itself, from the files in data/ and scikit-image's samples,
with OpenCV, NumPy and scikit-image only (no helpers, none of the episodes' variables), so
that a new OpenCV, scikit-image or NumPy that breaks a sentence of the text fails here, with
the sentence's episode in the test's name. Where the text calls the two sides equal, the
test asks for equality; where it says they differ by a few pixels on the fence, the test
bounds how many and how far from the threshold.

The claims, by where they are made. All of them are now in the optional episode 8
(08-opencv, "The same in OpenCV"), which gathered OpenCV from the core episodes; the tests
keep the name of the section each claim came from (ep0: reading, ep1: the threshold types,
ep4: adaptive thresholds), and ep8 names what episode 8 added:

- episode 0 (00-images-as-arrays): ``cv2.imread`` gives blue, green, red; ``COLOR_BGR2RGB``
  gives ``iio.imread``'s array; ``COLOR_BGR2GRAY`` is 8-bit with BT.601's weights, not
  ``rgb2gray``'s; ``cv2.imread`` returns ``None`` (a warning, no error) for a file that is
  not an image or does not exist.
- episode 1 (01-fixed-thresholding): the five ``cv2.threshold`` types are each one
  ``np.where``; ``THRESH_BINARY_INV`` is ``<=``, not ``<``; the data types ``cv2.threshold``
  and its Otsu and triangle flags take.
- episode 4 (04-adaptive): ``cv2.adaptiveThreshold`` with ``MEAN_C`` and ``GAUSSIAN_C``
  against ``ski.filters.threshold_local``, before and after OpenCV's rounding, edge mode
  and sigma; the sign and units of ``C`` against ``offset``.
- episode 8 (08-opencv): ``THRESH_OTSU`` on a 16-bit image is within a few levels of
  ``threshold_otsu``, and the masks differ in a handful of pixels.
- website/where-next.md: Otsu's flag against scikit-image.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import cv2
import imageio.v3 as iio
import numpy as np
import pytest
import skimage as ski
from scipy import ndimage as ndi

DATA = Path(__file__).resolve().parent.parent / "data"
COLOUR_PHOTOS = ["shapes-light.jpg", "shapes-dark.jpg", "maize-roots.jpg", "colonies.jpg"]
PAGE = DATA / "uneven-text.png"  # episode 4's page, 8-bit grayscale
BLOCK, C = 25, 5  # episode 4's block size and C
OPENCV_SIGMA = 0.3 * ((BLOCK - 1) / 2 - 1) + 0.8  # the sigma episode 4 gives for OpenCV
ADAPTIVE = {"mean": cv2.ADAPTIVE_THRESH_MEAN_C, "gaussian": cv2.ADAPTIVE_THRESH_GAUSSIAN_C}


def _gray8(name: str = "shapes-light.jpg") -> np.ndarray:
    """Episodes 0 and 1's `gray8`: rgb2gray, then back to whole numbers."""
    return ski.util.img_as_ubyte(ski.color.rgb2gray(iio.imread(DATA / name)))


def _page8() -> np.ndarray:
    page8 = iio.imread(PAGE)
    assert page8.dtype == np.uint8 and page8.ndim == 2
    return page8


def _opencv_ink(page8: np.ndarray, method: str, c: float = C, block: int = BLOCK) -> np.ndarray:
    """OpenCV's ink mask: 255 from THRESH_BINARY_INV where a pixel is not above its threshold."""
    binary = cv2.adaptiveThreshold(page8, 255, ADAPTIVE[method], cv2.THRESH_BINARY_INV, block, c)
    assert set(np.unique(binary)) <= {0, 255}
    return binary == 255


# Episode 0: reading with OpenCV ---------------------------------------------------------


@pytest.mark.parametrize("name", COLOUR_PHOTOS)
def test_ep0_imread_is_imageio_in_blue_green_red_order(name):
    rgb = iio.imread(DATA / name)
    bgr = cv2.imread(DATA / name)  # a pathlib.Path, as the episode passes it
    assert bgr.shape == rgb.shape and bgr.dtype == np.uint8
    assert np.array_equal(bgr[..., ::-1], rgb)
    assert np.count_nonzero(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) != rgb) == 0
    assert not np.array_equal(bgr, rgb)  # the order matters on these coloured images


def test_ep0_the_red_pixel_is_reversed():
    rgb = iio.imread(DATA / "shapes-light.jpg")
    bgr = cv2.imread(DATA / "shapes-light.jpg")
    red, green, blue = (int(v) for v in rgb[200, 550])
    assert red > 150 and green < 60 and blue < 60, "the episode's pixel is no longer red"
    assert bgr[200, 550].tolist() == [blue, green, red]


@pytest.mark.parametrize("name", COLOUR_PHOTOS)
def test_ep0_bgr2gray_is_8_bit_bt601_not_rgb2gray(name):
    rgb = iio.imread(DATA / name)
    gray_opencv = cv2.cvtColor(cv2.imread(DATA / name), cv2.COLOR_BGR2GRAY)
    assert gray_opencv.dtype == np.uint8
    bt601 = np.rint(rgb @ np.array([0.299, 0.587, 0.114]))
    # OpenCV computes in fixed point: a rare pixel is one grey level off the exact rounding
    assert np.abs(bt601 - gray_opencv).max() <= 1
    assert np.count_nonzero(bt601 != gray_opencv) <= 1e-4 * gray_opencv.size
    gray_float = ski.color.rgb2gray(rgb)
    bt709 = rgb @ np.array([0.2125, 0.7154, 0.0721]) / 255
    np.testing.assert_allclose(gray_float, bt709, atol=1e-12)
    assert gray_float.max() <= 1 < gray_opencv.max()  # 0 to 1 against 0 to 255


def test_ep0_the_two_grays_differ_by_many_grey_levels_in_strong_colours():
    rgb = iio.imread(DATA / "shapes-light.jpg")
    gray_opencv = cv2.cvtColor(cv2.imread(DATA / "shapes-light.jpg"), cv2.COLOR_BGR2GRAY)
    difference = np.abs(ski.color.rgb2gray(rgb) * 255 - gray_opencv)
    assert difference.max() > 10
    assert abs(int(gray_opencv[200, 550]) - ski.color.rgb2gray(rgb)[200, 550] * 255) > 10


def test_ep0_imread_returns_none_for_a_file_that_is_not_an_image():
    assert (DATA / "README.md").is_file()
    assert cv2.imread(DATA / "README.md") is None


def test_ep0_imread_returns_none_and_only_warns_for_a_missing_file(capfd, tmp_path):
    missing = tmp_path / "shapes-ligth.jpg"
    assert cv2.imread(missing) is None
    assert "can't open/read file" in capfd.readouterr().err
    with pytest.raises(FileNotFoundError):
        iio.imread(missing)
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'shape'"):
        cv2.imread(missing).shape  # noqa: B018  (the error the episode quotes)


# Episode 1: cv2.threshold ---------------------------------------------------------------


def _numpy_kinds(image: np.ndarray, t: float, max_value: float) -> dict:
    """The np.where each of OpenCV's five types stands for (episode 1's table)."""
    above = image > t
    return {
        cv2.THRESH_BINARY: np.where(above, max_value, 0),
        cv2.THRESH_BINARY_INV: np.where(above, 0, max_value),
        cv2.THRESH_TRUNC: np.where(above, t, image),
        cv2.THRESH_TOZERO: np.where(above, image, 0),
        cv2.THRESH_TOZERO_INV: np.where(above, 0, image),
    }


@pytest.mark.parametrize("name", ["shapes-light.jpg", "shapes-dark.jpg", "maize-roots.jpg"])
@pytest.mark.parametrize("t", [0, 64, 150, 200, 255])
def test_ep1_each_threshold_type_is_one_np_where(name, t):
    gray8 = _gray8(name)
    for opencv_type, ours in _numpy_kinds(gray8, t, 255).items():
        used, theirs = cv2.threshold(gray8, t, 255, opencv_type)
        assert used == t
        assert theirs.dtype == np.uint8
        assert np.count_nonzero(theirs != ours) == 0, (opencv_type, t)


def test_ep1_each_threshold_type_is_one_np_where_on_floats():
    blurred = ski.filters.gaussian(ski.color.rgb2gray(iio.imread(DATA / "shapes-light.jpg")), 1)
    for dtype in (np.float32, np.float64):
        image = blurred.astype(dtype)
        for opencv_type, ours in _numpy_kinds(image, 0.6, 1.0).items():
            _, theirs = cv2.threshold(image, 0.6, 1.0, opencv_type)
            assert theirs.dtype == dtype
            np.testing.assert_array_equal(theirs, ours.astype(dtype))


@pytest.mark.parametrize("t", [100, 150, 200])
def test_ep1_binary_inv_is_at_or_below(t):
    gray8 = _gray8()
    _, inverted = cv2.threshold(gray8, t, 255, cv2.THRESH_BINARY_INV)
    opencv_mask = inverted == 255
    differ = opencv_mask != (gray8 < t)
    assert np.count_nonzero(differ) == np.count_nonzero(gray8 == t) > 0
    assert np.unique(gray8[differ]).tolist() == [t]
    assert np.array_equal(opencv_mask, gray8 <= t)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.float32, np.float64])
def test_ep1_threshold_takes_8_bit_16_bit_and_floating_point_images(dtype):
    image = np.array([[1, 2, 3, 4]], dtype=dtype)
    _, binary = cv2.threshold(image, 2, 9, cv2.THRESH_BINARY)
    assert binary.dtype == dtype
    assert binary.tolist() == [[0, 0, 9, 9]]


def _automatic(image: np.ndarray, flag: int) -> bool:
    try:
        cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | flag)
    except cv2.error:
        return False
    return True


def test_ep1_otsu_takes_unsigned_8_or_16_bit_and_triangle_8_bit_only():
    ramp = np.arange(64).reshape(8, 8)
    takes = {
        dtype: (_automatic(ramp.astype(dtype), cv2.THRESH_OTSU),
                _automatic(ramp.astype(dtype), cv2.THRESH_TRIANGLE))
        for dtype in (np.uint8, np.uint16, np.int16, np.float32, np.float64)
    }  # fmt: skip
    assert takes == {
        np.uint8: (True, True),
        np.uint16: (True, False),
        np.int16: (False, False),
        np.float32: (False, False),
        np.float64: (False, False),
    }


# Episode 4: cv2.adaptiveThreshold -------------------------------------------------------


@pytest.mark.parametrize("method", ["mean", "gaussian"])
def test_ep4_adaptive_threshold_differs_from_threshold_local_only_on_the_fence(method):
    page8 = _page8()
    ink_opencv = _opencv_ink(page8, method)
    local_t = ski.filters.threshold_local(page8, BLOCK, method, offset=C)
    differ = ink_opencv != (page8 <= local_t)
    # "all but about one pixel in 400", "within two grey levels" of scikit-image's threshold
    assert 0 < np.count_nonzero(differ) < page8.size / 300
    assert np.abs(page8 - local_t)[differ].max() < 2


@pytest.mark.parametrize("name", ["uneven-text", "page", "text"])
@pytest.mark.parametrize("c", [C, -C, 0])
def test_ep4_mean_c_is_threshold_local_rounded_with_nearest_edges(name, c):
    page8 = _page8() if name == "uneven-text" else getattr(ski.data, name)()
    local_mean = ski.filters.threshold_local(page8, BLOCK, "mean", mode="nearest")
    ink = page8 <= np.rint(local_mean) - c
    assert np.array_equal(_opencv_ink(page8, "mean", c), ink)


def test_ep4_gaussian_c_with_opencv_sigma_differs_in_a_few_dozen_pixels():
    page8 = _page8()
    local_mean = ski.filters.threshold_local(
        page8, BLOCK, "gaussian", mode="nearest", param=OPENCV_SIGMA
    )
    differ = _opencv_ink(page8, "gaussian") != (page8 <= np.rint(local_mean) - C)
    assert 0 < np.count_nonzero(differ) < 100  # "a few dozen"
    assert np.abs(page8 - (local_mean - C))[differ].max() < 1  # "less than a grey level"


def test_ep4_opencv_gaussian_has_the_sigma_the_episode_gives_over_block_size_taps():
    kernel = cv2.getGaussianKernel(BLOCK, 0).ravel()
    assert kernel.size == BLOCK
    x = np.arange(BLOCK) - (BLOCK - 1) / 2
    weights = np.exp(-(x**2) / (2 * OPENCV_SIGMA**2))
    np.testing.assert_allclose(kernel, weights / weights.sum(), atol=1e-12)
    # with exactly these weights and OpenCV's edges and rounding, the masks are the same
    page8 = _page8().astype(np.float64)
    local_mean = ndi.correlate1d(page8, kernel, axis=0, mode="nearest")
    local_mean = ndi.correlate1d(local_mean, kernel, axis=1, mode="nearest")
    ink = page8 <= np.rint(local_mean) - C
    assert np.count_nonzero(ink != _opencv_ink(_page8(), "gaussian")) <= 5


def test_ep4_scikit_image_gaussian_reaches_16_pixels_and_cannot_be_cut():
    impulse = np.zeros((1, 61))
    impulse[0, 30] = 1
    spread = ski.filters.threshold_local(impulse, (1, BLOCK), "gaussian", param=(0, OPENCV_SIGMA))
    reach = np.flatnonzero(spread[0] > 0)
    assert (reach.min(), reach.max()) == (30 - 16, 30 + 16)
    assert int(4 * OPENCV_SIGMA + 0.5) == 16  # four sigmas, rounded
    assert "truncate" not in inspect.signature(ski.filters.threshold_local).parameters


@pytest.mark.parametrize("c", [C, -C, 3])
def test_ep4_c_is_subtracted_like_offset_in_grey_levels(c):
    page8 = _page8()
    page = ski.util.img_as_float(page8)
    ink_8bit = page8 <= ski.filters.threshold_local(page8, BLOCK, "mean", offset=c)
    ink_float = page <= ski.filters.threshold_local(page, BLOCK, "mean", offset=c / 255)
    # "the same fractions once the offset is in their units": the masks differ only in
    # pixels that sit exactly on their threshold, which floating point tips either way
    differ = ink_8bit != ink_float
    assert np.count_nonzero(differ) <= 1e-4 * page8.size
    local_t = ski.filters.threshold_local(page8, BLOCK, "mean", offset=c)
    assert np.abs(page8 - local_t)[differ].max(initial=0) < 1e-9
    # OpenCV's mask holds scikit-image's and the fence pixels its rounded mean adds
    ink_opencv = _opencv_ink(page8, "mean", c)
    nearest = page8 <= ski.filters.threshold_local(page8, BLOCK, "mean", offset=c, mode="nearest")
    assert np.all(ink_opencv[nearest])
    fractions = [np.count_nonzero(ink) / ink.size for ink in (ink_opencv, ink_8bit, ink_float)]
    assert fractions[0] > fractions[1]
    assert max(fractions) - min(fractions) < 0.02


def test_ep4_the_sign_of_c():
    page8 = _page8()
    truth = iio.imread(DATA / "uneven-text-mask.png") > 0
    positive = np.count_nonzero(_opencv_ink(page8, "mean", C)) / page8.size
    negative = np.count_nonzero(_opencv_ink(page8, "mean", -C)) / page8.size
    true_fraction = np.count_nonzero(truth) / truth.size
    assert true_fraction < positive < 0.15  # "about a tenth, a little more than the truth"
    assert negative > 0.5  # "most of the paper"


def test_ep4_adaptive_threshold_is_for_8_bit_images():
    page = ski.util.img_as_float(_page8()).astype(np.float32)
    with pytest.raises(cv2.error):
        cv2.adaptiveThreshold(page, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, BLOCK, 0)


# Episode 8: Otsu on 16 bits ----------------------------------------------------------------


def test_ep8_otsu_on_16_bit_is_within_a_few_levels_of_scikit_image():
    gray = ski.color.rgb2gray(iio.imread(DATA / "maize-roots.jpg"))
    gray16 = ski.util.img_as_uint(ski.filters.gaussian(gray, sigma=1.0))  # as the episode
    t_opencv, binary = cv2.threshold(gray16, 0, 65535, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    t_skimage = ski.filters.threshold_otsu(gray16)
    assert abs(t_opencv - t_skimage) <= 8  # of 65,536 levels
    differ = np.count_nonzero((binary == 65535) != (gray16 > t_skimage))
    assert differ <= gray16.size // 10_000  # a handful of pixels


# The website's pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shapes-light.jpg", "maize-roots.jpg", "colonies.jpg"])
def test_where_next_otsu_flag_gives_scikit_image_threshold_on_8_bit(name):
    gray8 = _gray8(name)
    t_opencv, _ = cv2.threshold(gray8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    assert t_opencv == ski.filters.threshold_otsu(gray8)
