"""Writing images: masks and the QC montage, each through a temporary file and a rename.

A file is replaced all at once (:func:`write_atomically`), so that an interruption leaves
the old file or the new one, never half of one. Masks are 8-bit PNGs, 0 background and
255 root, as ground truth is.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from rootmass.montage import montage


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename: all or nothing."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def png_bytes(image: np.ndarray) -> bytes:
    """An 8-bit grayscale or RGB image as PNG (fast compression: masks compress well)."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)  # OpenCV stores blue first
    _, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return encoded.tobytes()


def save_mask(saved: Path, mask: np.ndarray, replace: bool) -> str:
    """Save a mask as PNG; a problem to report if that would replace a different file."""
    data = png_bytes(mask.astype(np.uint8) * 255)
    if not replace and saved.exists():
        if saved.is_file() and saved.read_bytes() == data:
            return ""  # this very mask, saved by an earlier, interrupted run
        return (
            f"--masks: {saved} already exists and is another mask; it was kept and this "
            "mask not saved. Move it away, or run again with --force to replace it."
        )
    write_atomically(saved, data)
    return ""


def write_montage(qc: Path, pictures: list[tuple[str, np.ndarray]]) -> None:
    """The QC montage of the thumbnails, sorted and captioned by file name."""
    pictures = sorted(pictures, key=lambda item: item[0])
    page = montage([picture for _, picture in pictures], [Path(f).name for f, _ in pictures])
    write_atomically(qc, png_bytes(page))
