"""Computing thresholds: Otsu's method written out for teaching, OpenCV's fixed kinds,
and adaptive (local) thresholds equal to OpenCV's ``cv2.adaptiveThreshold``.

An adaptive threshold compares each pixel with a threshold computed from its own
neighbourhood: the mean (or Gaussian-weighted mean) of a ``block_size`` x ``block_size``
window, minus ``offset``. Episode 4 writes this out with ``scipy.ndimage``; the functions
here do the same with OpenCV's exact conventions so that the tests can prove the two agree.

Pure functions: arrays in, numbers or arrays out. Nothing here plots.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import ndimage as ndi

#: The five fixed-threshold kinds of OpenCV's ``cv2.threshold``, by their OpenCV names.
FIXED_KINDS = ("binary", "binary_inv", "trunc", "tozero", "tozero_inv")

FixedKind = Literal["binary", "binary_inv", "trunc", "tozero", "tozero_inv"]


def image_histogram(image: np.ndarray, nbins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of a grayscale image over the range of values it contains.

    Integer images get one bin per value from their smallest to their largest value; float
    images get ``nbins`` equal bins from their smallest to their largest value. This is the
    histogram ``skimage.filters.threshold_otsu`` uses.

    Parameters
    ----------
    image : ndarray
        Grayscale image.
    nbins : int, optional
        Number of bins for float images (ignored for integer images).

    Returns
    -------
    counts : ndarray of int
        Number of pixels in each bin.
    bin_centers : ndarray
        Intensity at the centre of each bin.

    Examples
    --------
    >>> counts, centers = image_histogram(np.array([[1, 1, 3]], dtype=np.uint8))
    >>> counts.tolist(), centers.tolist()
    ([2, 0, 1], [1, 2, 3])
    """
    values = np.asarray(image).ravel()
    if values.dtype.kind in "ui":
        low, high = int(values.min()), int(values.max())
        counts = np.bincount(values.astype(np.int64) - low, minlength=high - low + 1)
        return counts, np.arange(low, high + 1)
    counts, edges = np.histogram(values, bins=nbins, range=(values.min(), values.max()))
    return counts, (edges[:-1] + edges[1:]) / 2


def _check_thresholdable(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(
            f"Expected a grayscale image (2-D), got shape {image.shape}. "
            "Convert colour images first, e.g. ski.color.rgb2gray(image)."
        )
    if image.dtype.kind == "f" and not np.all(np.isfinite(image)):
        raise ValueError("The image contains NaN or infinite values; replace or mask them first.")
    if image.min() == image.max():
        raise ValueError(
            f"The image is constant (every pixel is {image.flat[0]}), so there is nothing "
            "to separate: no threshold splits it into two classes. Check that the right "
            "image was loaded."
        )
    return image


def between_class_variance(image: np.ndarray, nbins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Otsu's between-class variance for every candidate threshold.

    Pixels at or below a candidate ``t`` form the background class, the rest the
    foreground class. With class weights ``w0``, ``w1`` (fractions of pixels) and class means
    ``m0``, ``m1``, the between-class variance is ``w0 * w1 * (m0 - m1) ** 2``. Otsu's
    threshold is the candidate where it is largest.

    Parameters
    ----------
    image : ndarray
        Grayscale image with at least two different values.
    nbins : int, optional
        Number of histogram bins for float images.

    Returns
    -------
    candidates : ndarray
        Candidate thresholds (histogram bin centres, all but the last).
    variance : ndarray
        Between-class variance for each candidate.

    Raises
    ------
    ValueError
        If the image is constant, not 2-D, or contains NaN.

    Examples
    --------
    >>> image = np.array([[10, 10, 200, 200]], dtype=np.uint8)
    >>> candidates, variance = between_class_variance(image)
    >>> int(candidates[np.argmax(variance)])
    10
    """
    image = _check_thresholdable(image)
    counts, centers = image_histogram(image, nbins)
    return centers[:-1], histogram_class_variance(counts, centers)


def histogram_class_variance(counts: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Otsu's between-class variance for every split of a histogram: episode 2's lines.

    For each candidate (every bin centre but the last), ``w0 * w1 * (m0 - m1) ** 2``, with
    ``w0``, ``w1`` the fractions of the pixels at or below it and above it, and ``m0``,
    ``m1`` their means. The one Otsu of the lesson's code: :func:`between_class_variance`,
    :func:`otsu_threshold` and the root-mass measurement (which builds its histogram its own
    way) all call it.

    Parameters
    ----------
    counts : ndarray
        Pixels in each bin.
    centers : ndarray
        Intensity at the centre of each bin.

    Returns
    -------
    ndarray of float64
        One value fewer than there are bins; NaN for a split with an empty class 0.

    Examples
    --------
    >>> histogram_class_variance(np.array([2, 0, 2]), np.array([0.0, 0.5, 1.0]))
    array([0.25, 0.25])
    """
    p = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    w0 = np.cumsum(p)[:-1]
    w1 = 1 - w0
    class0_sum = np.cumsum(p * centers)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty class: NaN
        m0 = class0_sum / w0
        m1 = (np.sum(p * centers) - class0_sum) / w1
    return w0 * w1 * (m0 - m1) ** 2


def otsu_threshold(image: np.ndarray, nbins: int = 256) -> float:
    """Otsu's threshold, written from scratch for teaching.

    Gives the same value as ``skimage.filters.threshold_otsu`` on the lesson's images.

    Parameters
    ----------
    image : ndarray
        Grayscale image with at least two different values.
    nbins : int, optional
        Number of histogram bins for float images (integer images use one bin per value).

    Returns
    -------
    float
        Pixels brighter than this are the foreground class.

    Raises
    ------
    ValueError
        If the image is constant (there is nothing to separate), not 2-D, or contains NaN.

    Examples
    --------
    >>> otsu_threshold(np.array([[10, 12, 200, 210]], dtype=np.uint8))
    12.0
    """
    candidates, variance = between_class_variance(image, nbins)
    return float(candidates[np.nanargmax(variance)])


def fixed_threshold(
    image: np.ndarray,
    threshold: float,
    kind: FixedKind = "binary",
    max_value: float = 255,
) -> np.ndarray:
    """Apply one of OpenCV's five fixed-threshold kinds, like ``cv2.threshold``.

    ====================  ================================  ====================
    kind                  where ``image > threshold``       elsewhere
    ====================  ================================  ====================
    ``'binary'``          ``max_value``                     0
    ``'binary_inv'``      0                                 ``max_value``
    ``'trunc'``           ``threshold``                     ``image``
    ``'tozero'``          ``image``                         0
    ``'tozero_inv'``      0                                 ``image``
    ====================  ================================  ====================

    Parameters
    ----------
    image : ndarray
        Grayscale image. For ``uint8`` images the result equals OpenCV's pixel for pixel
        (OpenCV rounds the threshold down and ``max_value`` to the nearest integer).
    threshold : float
        The threshold.
    kind : str, optional
        One of :data:`FIXED_KINDS`.
    max_value : float, optional
        Value for the foreground in the binary kinds.

    Returns
    -------
    ndarray
        Same shape and dtype as ``image``.

    Examples
    --------
    >>> image = np.array([[50, 100, 150, 200]], dtype=np.uint8)
    >>> fixed_threshold(image, 120, "binary")
    array([[  0,   0, 255, 255]], dtype=uint8)
    >>> fixed_threshold(image, 120, "trunc")
    array([[ 50, 100, 120, 120]], dtype=uint8)
    """
    image = np.asarray(image)
    if kind not in FIXED_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FIXED_KINDS)}; got {kind!r}.")
    if image.dtype == np.uint8:
        threshold = np.floor(threshold)
        max_value = np.clip(np.rint(max_value), 0, 255)
        clip_low, clip_high = 0, 255
    else:
        clip_low, clip_high = -np.inf, np.inf
    above = image > threshold
    zero = np.zeros_like(image)
    if kind == "binary":
        result = np.where(above, max_value, zero)
    elif kind == "binary_inv":
        result = np.where(above, zero, max_value)
    elif kind == "trunc":
        result = np.where(above, np.clip(threshold, clip_low, clip_high), image)
    elif kind == "tozero":
        result = np.where(above, image, zero)
    else:
        result = np.where(above, zero, image)
    return result.astype(image.dtype)


#: OpenCV's fixed Gaussian kernels for small windows (``cv2.getGaussianKernel(n, 0)``).
_SMALL_GAUSSIAN_KERNELS = {
    1: [1.0],
    3: [0.25, 0.5, 0.25],
    5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
    7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
    9: [0.015625, 0.05078125, 0.1171875, 0.19921875, 0.234375,
        0.19921875, 0.1171875, 0.05078125, 0.015625],
}  # fmt: skip


def gaussian_weights(block_size: int) -> np.ndarray:
    """The 1-D Gaussian weights OpenCV uses for a window of ``block_size`` pixels.

    Parameters
    ----------
    block_size : int
        Odd window size.

    Returns
    -------
    ndarray
        ``block_size`` weights that sum to 1. Sigma is ``0.3 * ((block_size - 1) / 2 - 1)
        + 0.8``, except for windows of up to 9 pixels, which use OpenCV's fixed kernels.

    Examples
    --------
    >>> gaussian_weights(3).tolist()
    [0.25, 0.5, 0.25]
    """
    _check_block_size(block_size)
    if block_size in _SMALL_GAUSSIAN_KERNELS:
        return np.array(_SMALL_GAUSSIAN_KERNELS[block_size])
    sigma = 0.3 * ((block_size - 1) * 0.5 - 1) + 0.8
    x = np.arange(block_size) - (block_size - 1) / 2
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()


def _check_block_size(block_size: int) -> None:
    if int(block_size) != block_size or block_size < 3 or block_size % 2 == 0:
        raise ValueError(
            f"block_size must be an odd whole number of at least 3 (the window has a centre "
            f"pixel); got {block_size}."
        )


def local_threshold(
    image: np.ndarray,
    block_size: int,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
) -> np.ndarray:
    """Threshold for every pixel: the (weighted) mean of its window minus ``offset``.

    Parameters
    ----------
    image : ndarray
        Grayscale image, ``uint8`` or float.
    block_size : int
        Odd width of the square window, in pixels.
    offset : float, optional
        Subtracted from the local mean (OpenCV's ``C``, scikit-image's ``offset``).
    method : {'mean', 'gaussian'}, optional
        Plain mean or Gaussian-weighted mean of the window.

    Returns
    -------
    ndarray of float
        Same shape as ``image``. For ``uint8`` images the local mean is rounded to a whole
        number and ``offset`` rounded up, as OpenCV does.

    Examples
    --------
    >>> image = np.array([[0, 0, 0, 90, 90, 90]], dtype=np.uint8)
    >>> local_threshold(image, 3, offset=5).tolist()
    [[-5.0, -5.0, 25.0, 55.0, 85.0, 85.0]]
    """
    _check_block_size(block_size)
    if method not in ("mean", "gaussian"):
        raise ValueError(f"method must be 'mean' or 'gaussian', not {method!r}.")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"Expected a grayscale (2-D) image, got shape {image.shape}.")
    values = image.astype(np.float64)
    if method == "mean":
        mean = ndi.uniform_filter(values, block_size, mode="nearest")
    else:
        weights = gaussian_weights(block_size)
        mean = ndi.correlate1d(values, weights, axis=0, mode="nearest")
        mean = ndi.correlate1d(mean, weights, axis=1, mode="nearest")
    if image.dtype == np.uint8:
        return np.rint(mean) - np.ceil(offset)
    return mean - offset


def adaptive_threshold(
    image: np.ndarray,
    block_size: int,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
) -> np.ndarray:
    """Foreground mask where each pixel is brighter than its local threshold.

    Equal, pixel for pixel, to ``cv2.adaptiveThreshold(image, 255, ADAPTIVE_THRESH_MEAN_C,
    THRESH_BINARY, block_size, offset) > 0`` on ``uint8`` images (and within a few pixels
    for the Gaussian method, which OpenCV computes in single precision).

    Parameters
    ----------
    image : ndarray
        Grayscale image.
    block_size : int
        Odd width of the square window, in pixels.
    offset : float, optional
        Subtracted from the local mean; larger values give less foreground.
    method : {'mean', 'gaussian'}, optional
        Plain mean or Gaussian-weighted mean of the window.

    Returns
    -------
    ndarray of bool
        True where ``image > local_threshold(image, block_size, offset, method)``. For dark
        objects on a light background use ``~adaptive_threshold(...)``, which is True where
        a pixel is at most its local mean minus ``offset``. A negative offset does not
        select dark objects: it raises the threshold above the local mean, and the mask
        still holds the pixels brighter than it.

    Examples
    --------
    The bright pixel is foreground; so are the flat ends, where every pixel equals its local
    mean and so exceeds the mean minus a positive offset:

    >>> image = np.array([[10, 10, 50, 10, 10]], dtype=np.uint8)
    >>> adaptive_threshold(image, 3, offset=2).tolist()
    [[True, False, True, False, True]]
    """
    return np.asarray(image) > local_threshold(image, block_size, offset, method)
