"""Synthetic root photographs with their true masks, for the tests and the benchmarks.

Not the lesson's data (``data/`` holds those): quick, deterministic stand-ins of any size
with the features that matter to the measurement: a dark textured background, bright
curvy roots, and a white label that Otsu's method would otherwise count as root.
"""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np


def root_photograph(
    seed: int, width: int = 2000, height: int = 3000, label: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """A photograph of bright roots on dark soil, and the mask of the roots.

    Parameters
    ----------
    seed : int
        The same seed gives the same photograph.
    width, height : int, optional
        Size in pixels.
    label : bool, optional
        Draw a white label rectangle near the bottom (it is not root).

    Returns
    -------
    photograph : ndarray of uint8
        RGB, (height, width, 3).
    mask : ndarray of bool
        (height, width), True on the roots.

    Examples
    --------
    >>> photograph, mask = root_photograph(1, width=80, height=120)
    >>> photograph.shape, photograph.dtype, mask.shape
    ((120, 80, 3), dtype('uint8'), (120, 80))
    >>> bool(0 < mask.mean() < 0.5)
    True
    """
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    soil = rng.integers(20, 70, size=(max(1, height // 8), max(1, width // 8), 3), dtype=np.uint8)
    soil[..., 0] += 15  # brownish
    photograph = np.asarray(Image.fromarray(soil).resize((width, height), Image.BILINEAR))
    photograph = photograph + rng.integers(0, 20, size=(height, width, 1), dtype=np.uint8)
    image = Image.fromarray(photograph)
    roots = Image.new("L", (width, height), 0)
    draw, draw_mask = ImageDraw.Draw(image), ImageDraw.Draw(roots)
    step = max(2.0, height / 60)
    scale = max(1, min(width, height) // 200)
    for _ in range(int(rng.integers(8, 16))):
        x, y = rng.uniform(0.1, 0.9) * width, rng.uniform(0.0, 0.2) * height
        angle = np.pi / 2 + rng.normal(0, 0.3)
        points = []
        for _ in range(60):
            points.append((x, y))
            angle += rng.normal(0, 0.15)
            x, y = x + step * np.cos(angle), y + step * np.sin(angle)
        shade = int(rng.integers(170, 230))
        line_width = int(rng.integers(1, 3)) * scale
        draw.line(points, fill=(shade, shade - 10, shade - 30), width=line_width, joint="curve")
        draw_mask.line(points, fill=255, width=line_width, joint="curve")
    if label:
        x0, y0 = rng.uniform(0.05, 0.6) * width, rng.uniform(0.75, 0.85) * height
        box = [x0, y0, x0 + 0.3 * width, y0 + 0.1 * height]
        draw.rectangle(box, fill=(250, 250, 250))
        draw_mask.rectangle(box, fill=0)
    return np.asarray(image), np.asarray(roots) > 0


def write_photo_folder(folder: Path, count: int = 12) -> None:
    """``count`` copies of one small photograph, ``photo-000.jpg`` on, in ``folder`` (made)."""
    folder.mkdir()
    photograph, _ = root_photograph(3, width=90, height=120)
    for index in range(count):
        iio.imwrite(folder / f"photo-{index:03}.jpg", photograph, quality=95)
