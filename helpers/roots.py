"""Measuring root mass: the fraction of a photograph covered by roots.

The root-mass episode's steps on OpenCV's kernels in float32, for the explorer and the command
(``python -m rootmass``); the root fractions agree with the episode's within 1e-4 (tested).
"""

import cv2
import numpy as np
import skimage as ski

#: The widest blur, in pixels: a kernel of 801 (a third of a photograph); the episode uses 1-3.
MAX_SIGMA = 100.0


def _otsu_threshold(blurred: np.ndarray, band: np.ndarray) -> float:
    """``ski.filters.threshold_otsu(blurred[band])`` on 256 bins counted by OpenCV."""
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

    The root-mass episode's steps: blur (``sigma`` pixels, 0: none); the band ``blurred <
    exclude_above`` (every pixel if None; a white label is above it); Otsu's threshold ``t``
    of the band's pixels alone; the mask ``(blurred > t) & band``. Returns the mask and
    ``t``; ValueError for a bad setting, or a constant or empty band.

    Examples
    --------
    >>> gray = np.zeros((20, 20))
    >>> gray[5:15, 8:12] = 0.6  # a root
    >>> gray[0:4, 0:6] = 1.0  # a white label
    >>> mask, threshold = root_mask(gray, sigma=0.5, exclude_above=0.9)
    >>> int(mask[:, 8:12].sum()), bool(mask[1:3, 1:4].any())  # the root; inside the label
    (40, False)
    """
    sigma, cut_off = float(sigma), 1.0 if exclude_above is None else float(exclude_above)
    if not (0 <= sigma <= MAX_SIGMA and 0 < cut_off <= 1):  # False for NaN too
        raise ValueError(
            f"root_mask needs a blur sigma from 0 to {MAX_SIGMA:g} pixels and exclude_above "
            f"above 0 and at most 1 (or None), not sigma={sigma}, exclude_above={exclude_above}."
        )
    gray = np.asarray(gray, dtype=np.float32)
    if gray.ndim != 2:
        raise ValueError(f"root_mask needs a 2-D grayscale image, not shape {gray.shape}.")
    size = 2 * int(4 * sigma + 0.5) + 1  # as ski.filters.gaussian; 1 for sigma 0: no blur
    blurred = cv2.GaussianBlur(gray, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)
    band = np.ones(blurred.shape, bool) if exclude_above is None else blurred < cut_off
    if not band.any():
        raise ValueError(
            f"Every pixel is at least as bright as exclude_above={exclude_above} after "
            "blurring, so nothing is left to measure. Raise exclude_above."
        )
    threshold = _otsu_threshold(blurred, band)
    return (blurred > threshold) & band, threshold
