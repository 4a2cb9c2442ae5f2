"""Measuring root mass: the fraction of a photograph covered by roots.

The measurement the root-mass episode writes out step by step, as pure functions, for the
explorer widget and the batch command to share: grayscale, blur, (optionally) leave out
pixels brighter than the roots, such as a white label, threshold with Otsu's method, count.

The episode writes it with ``ski.filters.gaussian`` and ``ski.filters.threshold_otsu`` in
float64. Here the same steps run in float32 with OpenCV's filters, about ten times faster on
a 6-megapixel photograph; the results agree with the episode's to within 1e-4 in the root
fraction (the tests check it). Run ``python -m helpers.rootmass --help`` for the command
that measures a folder of photographs (see :mod:`helpers.batch`).
"""

from __future__ import annotations

import sys

import numpy as np


def gaussian_kernel(sigma: float, truncate: float = 4.0) -> np.ndarray:
    """The 1-D Gaussian kernel of ``scipy.ndimage.gaussian_filter`` (and so of scikit-image).

    Parameters
    ----------
    sigma : float
        Standard deviation, in pixels.
    truncate : float, optional
        The kernel reaches ``int(truncate * sigma + 0.5)`` pixels each side.

    Returns
    -------
    ndarray of float64
        Odd length, sums to 1.

    Examples
    --------
    >>> kernel = gaussian_kernel(1.5)
    >>> len(kernel), float(kernel.sum())
    (13, 1.0)
    """
    radius = int(truncate * float(sigma) + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / float(sigma)) ** 2)
    return kernel / kernel.sum()


def gaussian_blur(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur equal to ``ski.filters.gaussian(gray, sigma)``, in float32.

    The same kernel (reaching 4 sigma each side) and the same edge handling (the edge pixel
    repeated, ``mode='nearest'``), applied along rows then columns by OpenCV.

    Parameters
    ----------
    gray : ndarray
        Grayscale image, float in [0, 1].
    sigma : float
        Standard deviation of the blur, in pixels.

    Returns
    -------
    ndarray of float32
        A new array; ``gray`` is not modified.

    Examples
    --------
    >>> import skimage as ski
    >>> gray = np.random.default_rng(0).random((30, 40))
    >>> difference = gaussian_blur(gray, 1.5) - ski.filters.gaussian(gray, sigma=1.5)
    >>> bool(np.abs(difference).max() < 1e-6)
    True
    """
    import cv2

    gray = np.ascontiguousarray(gray, dtype=np.float32)
    kernel = gaussian_kernel(sigma).astype(np.float32)
    return cv2.sepFilter2D(gray, cv2.CV_32F, kernel, kernel, borderType=cv2.BORDER_REPLICATE)


def _otsu_threshold(blurred: np.ndarray, low: float, high: float) -> float:
    """``ski.filters.threshold_otsu`` (256 bins from the smallest to the largest value)."""
    import cv2

    scale = 256 / (high - low)
    # bin index floor((value - low) * scale), the top value going into the last bin; OpenCV
    # rounds (hence -0.5) and saturates at 255. Only values within ~1e-7 of a bin edge can
    # land in a neighbouring bin, which does not move the threshold in practice.
    bins = cv2.convertScaleAbs(blurred, alpha=scale, beta=-low * scale - 0.5)
    counts = cv2.calcHist([bins], [0], None, [256], [0, 256]).ravel().astype(np.float64)
    edges = np.linspace(low, high, 257)
    centers = (edges[:-1] + edges[1:]) / 2
    # as scikit-image: between-class variance for every split, the best split's bin centre
    weight1 = np.cumsum(counts)
    weight2 = np.cumsum(counts[::-1])[::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean1 = np.cumsum(counts * centers) / weight1
        mean2 = (np.cumsum((counts * centers)[::-1]) / weight2[::-1])[::-1]
    variance12 = weight1[:-1] * weight2[1:] * (mean1[:-1] - mean2[1:]) ** 2
    return float(centers[np.nanargmax(variance12)])


def root_mask(
    gray: np.ndarray, sigma: float = 1.5, exclude_above: float | None = None
) -> tuple[np.ndarray, float]:
    """Mask of the roots in a grayscale photograph of bright roots on a dark background.

    Parameters
    ----------
    gray : ndarray
        Grayscale image, float in [0, 1].
    sigma : float, optional
        Standard deviation of the Gaussian blur, in pixels.
    exclude_above : float, optional
        Pixels brighter than this after blurring (a white label, a marker) are set to 0
        before thresholding, so they count as background and do not pull the threshold up.

    Returns
    -------
    mask : ndarray of bool
        True where there is root.
    threshold : float
        Otsu's threshold on the blurred image.

    Raises
    ------
    ValueError
        If the blurred image is constant (there is nothing to separate).

    Examples
    --------
    >>> gray = np.zeros((20, 20))
    >>> gray[5:15, 8:12] = 0.6
    >>> mask, threshold = root_mask(gray, sigma=0.5)
    >>> int(mask.sum()), 0 < threshold < 0.6
    (40, True)
    """
    blurred = gaussian_blur(gray, sigma)
    if exclude_above is not None:
        import cv2

        # blurred[blurred > exclude_above] = 0, in place
        cv2.threshold(blurred, exclude_above, 0, cv2.THRESH_TOZERO_INV, dst=blurred)
    low, high = float(blurred.min()), float(blurred.max())
    if low == high:
        raise ValueError(
            "The blurred image is constant, so there are no roots to separate from the "
            "background. Check the image, or lower exclude_above."
        )
    threshold = _otsu_threshold(blurred, low, high)
    return blurred > threshold, threshold


def root_fraction(
    gray: np.ndarray, sigma: float = 1.5, exclude_above: float | None = None
) -> float:
    """Fraction of the image covered by roots (see :func:`root_mask`).

    Parameters
    ----------
    gray : ndarray
        Grayscale image, float in [0, 1].
    sigma : float, optional
        Standard deviation of the Gaussian blur, in pixels.
    exclude_above : float, optional
        Leave out pixels brighter than this (see :func:`root_mask`).

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> gray = np.zeros((20, 20))
    >>> gray[5:15, 8:12] = 0.6
    >>> root_fraction(gray, sigma=0.5)
    0.1
    """
    mask, _ = root_mask(gray, sigma, exclude_above)
    return float(np.count_nonzero(mask) / mask.size)


if __name__ == "__main__":  # python -m helpers.rootmass: the batch command
    from helpers.batch import main

    sys.exit(main())
