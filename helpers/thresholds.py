"""Computing thresholds: Otsu's method written out for teaching, and OpenCV's fixed kinds.

Pure functions: arrays in, numbers or arrays out. Nothing here plots.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

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
    # weights as fractions of all the pixels: divide the pixel counts' product by total**2
    return centers[:-1], histogram_class_variance(counts, centers) / float(counts.sum()) ** 2


def histogram_class_variance(counts: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Between-class variance for every split of a histogram, weights as pixel counts.

    The arithmetic of ``skimage.filters.threshold_otsu``: for each candidate (every bin
    centre but the last), ``w0 * w1 * (m0 - m1) ** 2`` with ``w0``, ``w1`` the numbers of
    pixels at or below it and above it, and ``m0``, ``m1`` their means. Shared by
    :func:`between_class_variance` and the root-mass measurement, which builds its
    histogram its own way.

    Parameters
    ----------
    counts : ndarray
        Pixels in each bin.
    centers : ndarray
        Intensity at the centre of each bin.

    Returns
    -------
    ndarray of float64
        One value fewer than there are bins; NaN for a split with an empty class.

    Examples
    --------
    >>> histogram_class_variance(np.array([2, 0, 2]), np.array([0.0, 0.5, 1.0]))
    array([4., 4.])
    """
    counts = np.asarray(counts, dtype=np.float64)
    # weights and means of the class at or below each candidate ...
    w0 = np.cumsum(counts)
    # ... and of the class above it (summed from the top end down)
    w1 = np.cumsum(counts[::-1])[::-1]
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty class: NaN
        m0 = np.cumsum(counts * centers) / w0
        m1 = (np.cumsum((counts * centers)[::-1]) / w1[::-1])[::-1]
    return w0[:-1] * w1[1:] * (m0[:-1] - m1[1:]) ** 2


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
    return float(candidates[np.argmax(variance)])


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
