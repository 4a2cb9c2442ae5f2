"""Adaptive (local) thresholding, equal to OpenCV's ``cv2.adaptiveThreshold``.

Each pixel is compared with a threshold computed from its own neighbourhood: the mean
(or Gaussian-weighted mean) of a ``block_size`` x ``block_size`` window, minus ``offset``.
The episode writes this out with ``scipy.ndimage``; these functions do the same with
OpenCV's exact conventions so that the tests can prove the two agree.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

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
    from scipy import ndimage as ndi

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
