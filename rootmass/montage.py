"""Quality-control montages: many small photographs with their masks, to check by eye.

The batch root-mass command (``python -m rootmass ... --qc qc.png``) writes one, so
that a glance over hundreds of thumbnails shows which photographs were measured badly.
The thumbnails are drawn with the lesson's own overlay (:func:`helpers.plotting.overlay`),
the page and its captions with Pillow.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from helpers.plotting import overlay

#: What a QC montage's PNG says in its ``Software`` text chunk, before its pixels: the
#: command never measures a file that says it (:func:`rootmass.finding.find_images`).
MONTAGE_MARK = "rootmass QC montage"
#: Okabe-Ito sky blue: the mask colour, distinguishable with colour-vision deficiencies.
SKY_BLUE = (0x56, 0xB4, 0xE9)


def thumbnail(
    gray: np.ndarray, mask: np.ndarray, size: int = 160, opacity: float = 0.6
) -> np.ndarray:
    """A small RGB picture of a grayscale image with its mask drawn over it in sky blue.

    Parameters
    ----------
    gray : ndarray
        Grayscale image, float in [0, 1].
    mask : ndarray of bool
        Same shape as ``gray``, True where the object is.
    size : int, optional
        Length of the longer side of the thumbnail, in pixels (never enlarged).
    opacity : float, optional
        How strongly the mask colour covers the image (0 to 1).

    Returns
    -------
    ndarray of uint8
        (h, w, 3).

    Examples
    --------
    >>> gray = np.zeros((400, 200))
    >>> mask = np.zeros((400, 200), bool)
    >>> mask[:, :100] = True
    >>> picture = thumbnail(gray, mask, size=40)
    >>> picture.shape, picture[0, 0].tolist(), picture[0, -1].tolist()
    ((40, 20, 3), [52, 108, 140], [0, 0, 0])
    """
    height, width = gray.shape
    scale = min(1.0, size / max(height, width))
    shape = (max(1, round(width * scale)), max(1, round(height * scale)))
    # each thumbnail pixel the mean of the pixels it covers
    small = cv2.resize(np.asarray(gray, np.float32), shape, interpolation=cv2.INTER_AREA)
    cover = cv2.resize(mask.astype(np.float32), shape, interpolation=cv2.INTER_AREA)
    colour = tuple(value / 255 for value in SKY_BLUE)
    # a thin root covers part of a thumbnail pixel: colour it in proportion, twice over
    picture = overlay(small, np.minimum(cover * 2, 1), colour, opacity)
    return np.rint(np.clip(picture, 0, 1) * 255).astype(np.uint8)


def montage(
    pictures: Sequence[np.ndarray], captions: Sequence[str], columns: int | None = None
) -> np.ndarray:
    """Lay out pictures in a grid on a white page, each with a caption underneath.

    Parameters
    ----------
    pictures : sequence of ndarray of uint8
        RGB pictures (h, w, 3), for example from :func:`thumbnail`; sizes may differ.
    captions : sequence of str
        One per picture, such as its file name (long names are shortened in the middle).
    columns : int, optional
        Pictures per row; by default about as many rows as columns.

    Returns
    -------
    ndarray of uint8
        (H, W, 3).

    Examples
    --------
    >>> page = montage([np.zeros((10, 20, 3), np.uint8)] * 3, ["a.jpg", "b.jpg", "c.jpg"])
    >>> page.shape[2], page.dtype
    (3, dtype('uint8'))
    """
    if len(pictures) != len(captions):
        raise ValueError(f"{len(pictures)} pictures but {len(captions)} captions.")
    if not pictures:
        raise ValueError("There are no pictures to lay out.")
    count = len(pictures)
    columns = columns or max(1, int(np.ceil(np.sqrt(count))))
    rows = int(np.ceil(count / columns))
    cell_width = max(max(p.shape[1] for p in pictures), 60)
    cell_height = max(p.shape[0] for p in pictures)
    caption_height, gap = 14, 6
    font = ImageFont.load_default()
    page = Image.new(
        "RGB",
        (columns * (cell_width + gap) + gap, rows * (cell_height + caption_height + gap) + gap),
        "white",
    )
    draw = ImageDraw.Draw(page)
    characters = max(4, cell_width // 6)
    for index, (picture, caption) in enumerate(zip(pictures, captions, strict=True)):
        row, column = divmod(index, columns)
        x = gap + column * (cell_width + gap)
        y = gap + row * (cell_height + caption_height + gap)
        page.paste(Image.fromarray(np.ascontiguousarray(picture[..., :3])), (x, y))
        if len(caption) > characters:
            half = (characters - 3) // 2
            caption = caption[:half] + "..." + caption[-half:]
        draw.text((x, y + cell_height + 1), caption, fill="black", font=font)
    return np.asarray(page)
