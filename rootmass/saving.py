"""Writing images: masks and the QC montage, each through a temporary file and a rename.

A file is replaced all at once (:func:`write_atomically`), so that an interruption leaves
the old file or the new one, never half of one. Masks are 8-bit PNGs, 0 background and
255 root, as ground truth is.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from rootmass.montage import MONTAGE_MARK, montage


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the real file of ``path`` (through a symlink, the file it points to) with
    ``data``, through a temporary file and a rename: all or nothing, and no temporary file
    left behind, whatever stops it (a full disk, Ctrl-C)."""
    path = Path(os.path.realpath(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def png_bytes(image: np.ndarray) -> bytes:
    """An 8-bit grayscale or RGB image as PNG (fast compression: masks compress well)."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)  # OpenCV stores blue first
    _, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return encoded.tobytes()


def save_mask(saved: Path, mask: np.ndarray, replace: bool) -> str:
    """Save a mask as PNG; a problem to report if that would replace a different file,
    or if it cannot be saved."""
    data = png_bytes(mask.astype(np.uint8) * 255)
    if not replace and os.path.exists(saved):
        if saved.is_file() and saved.read_bytes() == data:
            return ""  # this very mask, saved by an earlier, interrupted run
        return (
            f"--masks: {saved} already exists and is another mask; it was kept and this "
            "mask not saved. Move it away, or run again with --force to replace it."
        )
    try:
        write_atomically(saved, data)
    except OSError as error:  # a folder in the way, a name too long, a full disk
        return (
            f"--masks: {saved} could not be saved ({type(error).__name__}: {error.strerror}); "
            "the measurement is kept. Make room for it, or choose another --masks folder."
        )
    return ""


def write_montage(qc: Path, pictures: list[tuple[str, np.ndarray]], title: str = "") -> None:
    """The QC montage of the thumbnails, sorted and captioned by file name, with ``title``
    above them if given. The PNG says what it is (:data:`MONTAGE_MARK`), so that a later
    run never measures it as a photograph."""
    pictures = sorted(pictures, key=lambda item: item[0])
    page = Image.fromarray(
        montage([picture for _, picture in pictures], [Path(f).name for f, _ in pictures])
    )
    if title:
        titled = Image.new("RGB", (page.width, page.height + 16), "white")
        titled.paste(page, (0, 16))
        ImageDraw.Draw(titled).text((6, 3), title, fill="black", font=ImageFont.load_default())
        page = titled
    info = PngInfo()
    info.add_text("Software", MONTAGE_MARK)
    info.add_text("Title", title or f"{len(pictures)} photographs")
    encoded = BytesIO()
    page.save(encoded, "PNG", pnginfo=info, compress_level=1)
    write_atomically(qc, encoded.getvalue())
