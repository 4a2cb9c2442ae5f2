"""Thresholds: Otsu's method as episode 2 writes it, and the local threshold of the adaptive
explorer with ``cv2.adaptiveThreshold``'s conventions (episode 4). Arrays in, arrays out."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np
import skimage as ski


def image_histogram(image: np.ndarray, nbins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of a grayscale image from its smallest to its largest value: ``counts,
    centers``, one bin per value for integer images, ``nbins`` for float ones. It is
    ``ski.exposure.histogram(image, nbins, source_range="image")``, as Otsu's uses.

    Examples
    --------
    >>> counts, centers = image_histogram(np.array([[1, 1, 3]], dtype=np.uint8))
    >>> counts.tolist(), centers.tolist()
    ([2, 0, 1], [1, 2, 3])
    """
    return ski.exposure.histogram(np.asarray(image), nbins, source_range="image")


def between_class_variance(counts: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Otsu's between-class variance for every split of a histogram: episode 2's lines.

    For each candidate (every bin centre but the last), ``w0 * w1 * (m0 - m1) ** 2``, with
    ``w0``, ``w1`` the fractions of the pixels at or below it and above it, and ``m0``,
    ``m1`` their means; NaN where class 0 is empty.

    Examples
    --------
    >>> between_class_variance(np.array([2, 0, 2]), np.array([0.0, 0.5, 1.0]))
    array([0.25, 0.25])
    """
    p = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    w0 = np.cumsum(p)[:-1]
    class0_sum = np.cumsum(p * centers)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty class: NaN
        m0, m1 = class0_sum / w0, (np.sum(p * centers) - class0_sum) / (1 - w0)
    return w0 * (1 - w0) * (m0 - m1) ** 2


def local_threshold(
    image: np.ndarray,
    block_size: int,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
) -> np.ndarray:
    """Threshold for every pixel: the mean of its ``block_size`` window minus ``offset``
    (OpenCV's ``C``), the edge pixels repeated; ``method="gaussian"`` weighs the window by
    ``cv2.getGaussianKernel``. For ``uint8`` the mean is rounded and the offset rounded up,
    as OpenCV does.

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
        raise ValueError(
            f"Expected a grayscale image (2-D), got shape {image.shape}. "
            "Convert colour images first, e.g. ski.color.rgb2gray(image)."
        )
    values, edges = image.astype(np.float64), cv2.BORDER_REPLICATE
    if method == "mean":
        mean = cv2.blur(values, (block_size, block_size), borderType=edges)
    else:
        weights = cv2.getGaussianKernel(block_size, 0)
        mean = cv2.sepFilter2D(values, cv2.CV_64F, weights, weights, borderType=edges)
    return np.rint(mean) - np.ceil(offset) if image.dtype == np.uint8 else mean - offset
