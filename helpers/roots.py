"""Measuring root mass: the fraction of a photograph covered by roots.

The root-mass episode's steps on OpenCV's kernels in float32, for the explorer and the command
(``python -m rootmass``); the root fractions agree with the episode's within 1e-4 (tested).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import skimage as ski

#: The widest blur, in pixels: a kernel of 801 (a third of a photograph); the episode uses 1-3.
MAX_SIGMA = 100.0


def check_sigma(sigma: float) -> float:
    """A blur's standard deviation in pixels as a float: from 0 (no blur) to :data:`MAX_SIGMA`.

    Raises ValueError otherwise. The explorer, the command and :func:`root_mask` share it.

    Examples
    --------
    >>> check_sigma(1), check_sigma(0)
    (1.0, 0.0)
    >>> check_sigma(-1)
    Traceback (most recent call last):
    ValueError: sigma is the blur in pixels, at most 100 and 0 (no blur) or more, not -1.0.
    """
    sigma = float(sigma)
    if not (math.isfinite(sigma) and 0 <= sigma <= MAX_SIGMA):  # False for NaN too
        text = f"at most {MAX_SIGMA:g} and 0 (no blur) or more, not {sigma}"
        raise ValueError(f"sigma is the blur in pixels, {text}.")
    return sigma


def check_exclude_above(exclude_above: float | None) -> float | None:
    """A brightness cut-off as a float above 0 and at most 1, or None (leave nothing out).

    Raises ValueError otherwise. The explorer, the command and :func:`root_mask` share it.

    Examples
    --------
    >>> check_exclude_above(0.9), check_exclude_above(None)
    (0.9, None)
    >>> check_exclude_above(95)
    Traceback (most recent call last):
    ValueError: exclude_above must be above 0 and at most 1, not 95.0.
    """
    if exclude_above is None:
        return None
    exclude_above = float(exclude_above)
    if not 0 < exclude_above <= 1:  # False for NaN too
        raise ValueError(f"exclude_above must be above 0 and at most 1, not {exclude_above}.")
    return exclude_above


def _otsu_threshold(blurred: np.ndarray, band: np.ndarray) -> float:
    """``ski.filters.threshold_otsu(blurred[band])``: 256 bins from the least to the most,
    counted by OpenCV (faster on a photograph than NumPy), and scikit-image's Otsu on them."""
    inside = band.view(np.uint8)
    low, high, _, _ = cv2.minMaxLoc(blurred, inside)
    # a constant image blurs to values a few float32 units in the last place apart
    if high - low <= 8 * np.finfo(np.float32).eps * abs(high):
        raise ValueError(
            "The blurred image is constant, so there are no roots to separate from the "
            "background. Check the image, or raise exclude_above."
        )
    # bin floor((value - low) * 256 / (high - low)) as a byte, the top value in the last bin
    # (as np.histogram): convertScaleAbs rounds to the nearest byte and saturates, so half a
    # bin less floors; counting bytes is four times faster than calcHist on float32
    scale = 256 / (high - low)
    bins = cv2.convertScaleAbs(blurred, alpha=scale, beta=-low * scale - 0.5)
    counts = cv2.calcHist([bins], [0], inside, [256], [0, 256]).ravel()
    edges = np.linspace(low, high, 257)
    return float(ski.filters.threshold_otsu(hist=(counts, (edges[:-1] + edges[1:]) / 2)))


def root_mask(
    gray: np.ndarray, sigma: float = 1.0, exclude_above: float | None = None
) -> tuple[np.ndarray, float]:
    """Mask of the roots in a grayscale photograph of bright roots on a dark background.

    The root-mass episode's steps: blur; the band ``blurred < exclude_above`` (every pixel
    if None; a white label is above it); Otsu's threshold ``t`` of the band's pixels alone;
    the mask ``(blurred > t) & band``.

    Parameters
    ----------
    gray : ndarray
        Grayscale image, float in [0, 1].
    sigma : float, optional
        Standard deviation of the Gaussian blur, in pixels (0: no blur).
    exclude_above : float, optional
        Leave pixels this bright or brighter after blurring out of Otsu's histogram and mask.

    Returns
    -------
    mask, threshold : ndarray of bool, float
        True where there is root; Otsu's threshold of the blurred band.

    Raises
    ------
    ValueError
        For a bad setting (:func:`check_sigma`), or a constant or empty band.

    Examples
    --------
    >>> gray = np.zeros((20, 20))
    >>> gray[5:15, 8:12] = 0.6  # a root
    >>> gray[0:4, 0:6] = 1.0  # a white label
    >>> mask, threshold = root_mask(gray, sigma=0.5, exclude_above=0.9)
    >>> int(mask[:, 8:12].sum()), bool(mask[1:3, 1:4].any())  # the root; inside the label
    (40, False)
    """
    sigma, exclude_above = check_sigma(sigma), check_exclude_above(exclude_above)
    gray = np.asarray(gray, dtype=np.float32)
    if gray.ndim != 2:
        raise ValueError(f"root_mask needs a 2-D grayscale image, not shape {gray.shape}.")
    size = 2 * int(4 * sigma + 0.5) + 1  # as ski.filters.gaussian; 1 for sigma 0: no blur
    blurred = cv2.GaussianBlur(gray, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)
    # every pixel, or leave out what is brighter
    band = np.ones(blurred.shape, bool) if exclude_above is None else blurred < exclude_above
    if not band.any():
        raise ValueError(
            f"Every pixel is at least as bright as exclude_above={exclude_above} after "
            "blurring, so nothing is left to measure. Raise exclude_above."
        )
    threshold = _otsu_threshold(blurred, band)
    return (blurred > threshold) & band, threshold
