"""Reading photographs quickly: 8-bit JPEG and PNG to grayscale float32, with OpenCV.

The root-mass command reads thousands of photographs. OpenCV decodes the usual ones
(``cv2.imdecode``) and ``cv2.transform`` weighs their colours as ``ski.color.rgb2gray``
does, about twice as fast as :func:`helpers.images.load_image`, to float32 precision. Every
other file goes through :func:`load_image_limited`: ``load_image``, whose error messages name
the file and say what to do, once the file's header shows that it has at most
:data:`MAX_PIXELS`. A photograph with transparent pixels is refused. A photograph's ground
truth is ``X-mask.png`` beside ``X.jpg`` (:func:`truth_path`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from io import BytesIO
from pathlib import Path

import cv2
import imageio.v3 as iio
import numpy as np
from PIL import Image

from helpers.images import MASK_SUFFIX, load_image

#: Files with more pixels are refused from their header, before decoding (4.8 GB as colour
#: float64): the order of Pillow's own warning (89 million) and error (179), which it replaces.
MAX_PIXELS = 200_000_000
_PILLOW_LIMIT = threading.Lock()  # one thread at a time lifts Pillow's (global) limit

#: The weights of ``ski.color.rgb2gray`` (ITU-R BT.709 luminance) in OpenCV's channel
#: order, blue first, divided by 255 so that 8-bit colour comes out in [0, 1].
_BGR_TO_GRAY = np.array([[0.0721, 0.7154, 0.2125]], np.float32) / np.float32(255)
#: How a complete file ends: JPEG's end-of-image marker, PNG's IEND chunk. OpenCV decodes
#: a truncated JPEG with a gray bottom where Pillow (and so ``load_image``) says so.
_ENDINGS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}
#: OpenCV's own limit on pixels (``CV_IO_MAX_IMAGE_PIXELS``), over which it raises.
_OPENCV_MAX_PIXELS = 1 << 30
#: Rows converted to grayscale at a time: the float32 copy of a whole 6-megapixel
#: photograph (72 MB) costs more in fresh memory than the conversion (10 ms against 3 ms).
_STRIP = 128


@contextlib.contextmanager
def _without_pillow_limit():
    """Pillow's own limit on pixels lifted, :data:`MAX_PIXELS` deciding instead."""
    with _PILLOW_LIMIT:
        limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = limit


def _header(path: Path) -> tuple[int, int, float]:
    """Width, height and what a pixel weighs (frames x channels, 3 channels = 1), from the
    header (imageio's shape if Pillow cannot read it; 0 x 0 if neither can)."""
    try:
        with _without_pillow_limit(), Image.open(path) as image:
            bands = 3 if image.mode == "P" else Image.getmodebands(image.mode)  # P: RGB(A)
            bands += "transparency" in image.info
            weight = getattr(image, "n_frames", 1) * max(3, bands) / 3
            return image.width, image.height, weight  # gray comes out as RGB too
    except Exception:
        with contextlib.suppress(Exception):
            shape = iio.improps(path).shape
            return shape[1], shape[0], max(3, int(np.prod(shape[2:]))) / 3
    return 0, 0, 1


def load_image_limited(
    path: str | os.PathLike, *, max_pixels: int | None = MAX_PIXELS, **options
) -> np.ndarray:
    """:func:`helpers.images.load_image` of a file that has at most ``max_pixels``.

    The size comes from the file's header, before anything is decoded, so that a small
    file cannot fill the memory: every frame counts, and an alpha channel adds a third.
    Pillow's own limit (which warns from 89 million pixels) gives way to this one.

    Parameters
    ----------
    path : str or path
        An image file.
    max_pixels : int or None, optional
        A file with more pixels is refused with a ValueError (None: no limit).
    **options
        ``gray`` and ``dtype``, as for ``load_image``.

    Returns
    -------
    ndarray
        As ``load_image`` returns it.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "four-pixels.png"
    >>> iio.imwrite(path, np.zeros((2, 2), dtype=np.uint8))
    >>> load_image_limited(path, max_pixels=4, gray=True).shape
    (2, 2)
    >>> load_image_limited(path, max_pixels=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: ...four-pixels.png is 2 x 2 pixels (4e-06 megapixels), over the limit of ...
    """
    path = Path(path).expanduser()
    width, height, weight = _header(path)
    if max_pixels is not None and width * height * weight > max_pixels:
        note = f" x {weight:.3g} for its frames and channels" if weight != 1 else ""
        raise ValueError(
            f"{path} is {width} x {height} pixels ({width * height / 1e6:.3g} megapixels"
            f"{note}), over the limit of {max_pixels / 1e6:.3g} that keeps a file from filling "
            "the memory. To read it anyway, raise it: the command's --max-pixels, "
            "max_pixels=... in Python."
        )
    lift = width * height * weight > (Image.MAX_IMAGE_PIXELS or 0)
    with _without_pillow_limit() if lift else contextlib.nullcontext():
        return load_image(path, **options)


def _opencv_reads_like_load_image(data: bytes, max_pixels: int | None) -> bool:
    """Whether OpenCV gives ``load_image``'s pixels for this file (Pillow reads its header).

    True for a complete single-frame 8-bit grayscale or RGB JPEG or PNG with no
    transparency and at most ``max_pixels``; False for anything else (alpha, palette,
    16-bit, CMYK, TIFF, GIF, too many pixels, damaged files), to take the general route,
    which says what is wrong.
    """
    try:
        with _without_pillow_limit(), Image.open(BytesIO(data)) as image:
            pixels = image.width * image.height
            return (
                image.format in _ENDINGS
                and image.mode in ("L", "RGB")
                and "transparency" not in image.info
                and getattr(image, "n_frames", 1) == 1
                and pixels <= _OPENCV_MAX_PIXELS
                and (max_pixels is None or pixels <= max_pixels)
                and data.rstrip(b"\0\r\n").endswith(_ENDINGS[image.format])
            )
    except Exception:  # let the general route say what is wrong
        return False


def _decode(data: bytes, max_pixels: int | None) -> np.ndarray | None:
    """Grayscale float32 in [0, 1] from an 8-bit JPEG or PNG, or None for any other file."""
    if not _opencv_reads_like_load_image(data, max_pixels):
        return None
    # IMREAD_UNCHANGED: the channels as stored, and no EXIF rotation (as load_image)
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.dtype != np.uint8:  # 16-bit colour PNG: Pillow said RGB
        return None
    if pixels.ndim == 2:
        return pixels.astype(np.float32) / np.float32(255)
    if pixels.shape[2] != 3:
        return None
    gray = np.empty(pixels.shape[:2], np.float32)
    for start in range(0, len(gray), _STRIP):
        rows = slice(start, start + _STRIP)
        cv2.transform(pixels[rows].astype(np.float32), _BGR_TO_GRAY, dst=gray[rows])
    return gray


def load_gray_float32(
    path: str | os.PathLike, *, max_pixels: int | None = MAX_PIXELS
) -> np.ndarray:
    """Load an image file as grayscale float32 in [0, 1], quickly.

    The values of ``load_image(path, gray=True)`` (``ski.color.rgb2gray``), to float32
    precision. OpenCV decodes 8-bit JPEG and PNG photographs; other files go through
    :func:`load_image_limited`.

    Parameters
    ----------
    path : str or path
        An image file.
    max_pixels : int or None, optional
        A file with more pixels is refused, before decoding, as by
        :func:`load_image_limited` (None: no limit).

    Returns
    -------
    ndarray of float32
        (H, W), values in [0, 1].

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError
        As :func:`helpers.images.load_image`, with the file's name and what to do.

    Examples
    --------
    >>> import tempfile
    >>> import imageio.v3 as iio
    >>> path = Path(tempfile.mkdtemp()) / "two-pixels.png"
    >>> iio.imwrite(path, np.array([[0, 255]], dtype=np.uint8))
    >>> load_gray_float32(path)
    array([[0., 1.]], dtype=float32)
    """
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError:  # missing, a folder, unreadable: load_image says which
        data = b""
    gray = _decode(data, max_pixels) if data else None
    if gray is None:
        gray = load_image_limited(path, max_pixels=max_pixels, gray=True).astype(np.float32)
        _refuse_transparency(path, data)  # once load_image has checked the size
    return gray


def _refuse_transparency(path: Path, data: bytes) -> None:
    """A ValueError if the image has transparent pixels: what lies behind them is unknown
    (``load_image`` would show it white, which the measurement would count as root). An
    alpha channel that is opaque everywhere is ignored."""
    try:
        with _without_pillow_limit(), Image.open(BytesIO(data)) as image:
            if "A" not in image.getbands() and "transparency" not in image.info:
                return
            opaque = image.convert("RGBA").getchannel("A").getextrema()[0] == 255
    except Exception:  # load_image has read it: a file Pillow does not know has no alpha
        return
    if not opaque:
        raise ValueError(
            f"{path} has transparent pixels, and what lies behind them is unknown. Flatten "
            "it onto its background first (in an image editor, or with Pillow's "
            "Image.alpha_composite), then measure it."
        )


def truth_path(image: str | os.PathLike) -> Path:
    """Where the ground-truth mask of a photograph would be: ``X-mask.png`` beside ``X.jpg``.

    Parameters
    ----------
    image : str or path
        The photograph.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> truth_path("photos/plant-01.jpg").as_posix()
    'photos/plant-01-mask.png'
    """
    image = Path(image)
    return image.with_name(image.stem + MASK_SUFFIX)
