"""Measuring root mass: the fraction of a photograph covered by roots.

The measurement the root-mass episode writes out step by step, as pure functions, for the
explorer widget and the batch command to share: grayscale, blur, (optionally) leave out
pixels brighter than the roots, such as a white label, threshold with Otsu's method, count.
"""

from __future__ import annotations

import numpy as np


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
    import skimage as ski

    blurred = ski.filters.gaussian(gray, sigma=sigma)
    if exclude_above is not None:
        blurred[blurred > exclude_above] = 0
    if blurred.min() == blurred.max():
        raise ValueError(
            "The blurred image is constant, so there are no roots to separate from the "
            "background. Check the image, or lower exclude_above."
        )
    threshold = float(ski.filters.threshold_otsu(blurred))
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
