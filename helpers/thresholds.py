"""Thresholds: the local threshold of the adaptive explorer, with ``cv2.adaptiveThreshold``'s
conventions (episode 4). Arrays in, arrays out."""

from typing import Literal

import cv2
import numpy as np


def local_threshold(
    image: np.ndarray,
    block_size: int,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
) -> np.ndarray:
    """Threshold for every pixel: the mean of its ``block_size`` window minus ``offset``
    (OpenCV's ``C``), the edge pixels repeated; ``method="gaussian"`` weighs the window as
    ``cv2.GaussianBlur`` does. For ``uint8`` the mean is rounded and the offset rounded up,
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
    values, size, edges = image.astype(np.float64), (block_size, block_size), cv2.BORDER_REPLICATE
    if method == "mean":
        mean = cv2.blur(values, size, borderType=edges)
    else:  # as cv2.adaptiveThreshold's ADAPTIVE_THRESH_GAUSSIAN_C
        mean = cv2.GaussianBlur(values, size, 0, borderType=edges)
    return np.rint(mean) - np.ceil(offset) if image.dtype == np.uint8 else mean - offset
