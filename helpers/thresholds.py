"""Thresholds: Otsu's method as episode 2 writes it, and adaptive (local) thresholds with
``cv2.adaptiveThreshold``'s conventions (episode 4). Arrays in, numbers or arrays out.
"""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np
import skimage as ski


def image_histogram(image: np.ndarray, nbins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of a grayscale image from its smallest to its largest value.

    Returns ``counts, centers``: the pixels in each bin and the value at its centre. One bin
    per value for integer images, ``nbins`` for float ones. It is
    ``ski.exposure.histogram(image, nbins, source_range="image")``, the histogram
    ``ski.filters.threshold_otsu`` computes.

    Examples
    --------
    >>> counts, centers = image_histogram(np.array([[1, 1, 3]], dtype=np.uint8))
    >>> counts.tolist(), centers.tolist()
    ([2, 0, 1], [1, 2, 3])
    """
    return ski.exposure.histogram(np.asarray(image), nbins, source_range="image")


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
            f"The image is constant (every pixel is {image.flat[0]}): no threshold splits "
            "it into two classes. Check that the right image was loaded."
        )
    return image


def between_class_variance(counts: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Otsu's between-class variance for every split of a histogram: episode 2's lines.

    For each candidate (every bin centre but the last), ``w0 * w1 * (m0 - m1) ** 2``, with
    ``w0``, ``w1`` the fractions of the pixels at or below it and above it, and ``m0``,
    ``m1`` their means: one value fewer than there are bins, NaN where class 0 is empty.
    :func:`otsu_threshold` calls it; ``ski.filters.threshold_otsu`` computes the same.

    Examples
    --------
    >>> between_class_variance(np.array([2, 0, 2]), np.array([0.0, 0.5, 1.0]))
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
    """Otsu's threshold: the bin centre of :func:`image_histogram` of largest
    :func:`between_class_variance`; ``ski.filters.threshold_otsu(image, nbins)``'s too.

    Raises ValueError if the image is constant, not 2-D, or contains NaN.

    Examples
    --------
    >>> otsu_threshold(np.array([[10, 12, 200, 210]], dtype=np.uint8))
    12.0
    """
    counts, centers = image_histogram(_check_thresholdable(image), nbins)
    return float(centers[np.nanargmax(between_class_variance(counts, centers))])


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
        Plain mean, or weighted by OpenCV's Gaussian (``cv2.getGaussianKernel``).

    Returns
    -------
    ndarray of float
        For ``uint8`` images the mean is rounded and ``offset`` rounded up, as OpenCV does.

    Examples
    --------
    >>> image = np.array([[0, 0, 0, 90, 90, 90]], dtype=np.uint8)
    >>> local_threshold(image, 3, offset=5).tolist()
    [[-5.0, -5.0, 25.0, 55.0, 85.0, 85.0]]
    """
    if int(block_size) != block_size or block_size < 3 or block_size % 2 == 0:
        raise ValueError(
            f"block_size must be an odd whole number of at least 3 (the window has a centre "
            f"pixel); got {block_size}."
        )
    if method not in ("mean", "gaussian"):
        raise ValueError(f"method must be 'mean' or 'gaussian', not {method!r}.")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"Expected a grayscale (2-D) image, got shape {image.shape}.")
    values, edges = image.astype(np.float64), cv2.BORDER_REPLICATE  # edge pixels repeated
    if method == "mean":
        mean = cv2.blur(values, (block_size, block_size), borderType=edges)
    else:
        weights = cv2.getGaussianKernel(block_size, 0)
        mean = cv2.sepFilter2D(values, cv2.CV_64F, weights, weights, borderType=edges)
    if image.dtype == np.uint8:
        return np.rint(mean) - np.ceil(offset)
    return mean - offset


def adaptive_threshold(
    image: np.ndarray,
    block_size: int,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
) -> np.ndarray:
    """Foreground mask where each pixel is brighter than its :func:`local_threshold`.

    Pixel for pixel ``cv2.adaptiveThreshold(image, 255, ADAPTIVE_THRESH_MEAN_C,
    THRESH_BINARY, block_size, offset) > 0`` on ``uint8`` images (within a few pixels for
    the Gaussian method, which OpenCV computes in single precision). For dark objects use
    ``~adaptive_threshold(...)``: a negative offset only raises the threshold.

    Examples
    --------
    The bright pixel and the flat ends (each equal to its local mean) are foreground:

    >>> image = np.array([[10, 10, 50, 10, 10]], dtype=np.uint8)
    >>> adaptive_threshold(image, 3, offset=2).tolist()
    [[True, False, True, False, True]]
    """
    return np.asarray(image) > local_threshold(image, block_size, offset, method)
