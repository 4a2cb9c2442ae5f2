"""Loading images: from a file or a bundled name, into the form the lesson works with.

Every image, whatever it was stored as (RGB, RGBA, palette, 16-bit, float), comes out as
either floating point in [0, 1] or ``uint8`` in [0, 255], colour (H, W, 3) or grayscale
(H, W). Bad input gets an error that names the file and says what to do.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from helpers import bundled

if TYPE_CHECKING:
    from PIL import Image

Source = str | os.PathLike | np.ndarray


def _looks_like_path(source: str | os.PathLike) -> bool:
    if isinstance(source, os.PathLike):
        return True
    return os.sep in source or "/" in source or Path(source).suffix != ""


def _read_file(path: Path) -> np.ndarray:
    """Read an image file, turning every failure into an error that names the file."""
    import imageio.v3 as iio

    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist. Check the spelling and the folder "
            f"(the working directory is {Path.cwd()})."
        )
    if path.is_dir():
        raise IsADirectoryError(
            f"{path} is a folder, not an image. Give the path of an image file inside it."
        )
    size = path.stat().st_size
    if size == 0:
        raise ValueError(f"{path} is not an image (0 bytes). Re-download or remove it.")
    try:
        # Reading the bytes ourselves means no file is left open when decoding fails.
        return np.asarray(iio.imread(path.read_bytes(), extension=path.suffix.lower() or None))
    except Exception as error:  # imageio raises many kinds; all mean "cannot decode"
        detail = (str(error).splitlines() or [""])[0]
        text = detail.lower()
        if "truncated" in text or "premature" in text or "broken data stream" in text:
            problem = "is truncated or damaged: only part of the image is there"
        else:
            problem = "could not be read as an image (the file is not an image or is damaged)"
        raise ValueError(
            f"{path} {problem} ({size} bytes; {type(error).__name__}: {detail}). "
            "Re-download or re-export it, or remove it from the folder."
        ) from error


def prepare_image(
    image: np.ndarray,
    *,
    gray: bool = False,
    dtype: Literal["float", "uint8"] = "float",
    source: str = "the image",
) -> np.ndarray:
    """Convert an image array to the lesson's standard form.

    Parameters
    ----------
    image : ndarray
        Grayscale (H, W), gray with alpha (H, W, 2), RGB (H, W, 3) or RGBA (H, W, 4);
        ``bool``, any unsigned integer type, or float in [0, 1].
    gray : bool, optional
        Return grayscale (H, W): colour is converted to luminance, as
        ``skimage.color.rgb2gray`` does. Otherwise return colour (H, W, 3), repeating a
        grayscale image in all three channels, so that code written for colour photographs
        also works on grayscale ones.
    dtype : {'float', 'uint8'}, optional
        ``'float'`` gives float64 in [0, 1]; ``'uint8'`` gives integers in [0, 255].
    source : str, optional
        What to call the image in error messages (usually its file name).

    Returns
    -------
    ndarray
        (H, W) if ``gray``, else (H, W, 3). Transparent pixels are composited onto white.

    Raises
    ------
    ValueError
        For NaN or infinite values, floats outside [0, 1], negative integers, or shapes that
        are not a 2-D image.

    Examples
    --------
    >>> prepare_image(np.array([[0, 128, 255]], dtype=np.uint8), gray=True)
    array([[0.        , 0.50196078, 1.        ]])
    >>> prepare_image(np.array([[0.0, 0.5, 1.0]]), gray=True, dtype="uint8")
    array([[  0, 128, 255]], dtype=uint8)
    >>> prepare_image(np.zeros((2, 3), dtype=np.uint8)).shape
    (2, 3, 3)
    """
    import skimage as ski

    image = np.asarray(image)
    if dtype not in ("float", "uint8"):
        raise ValueError(f"dtype must be 'float' or 'uint8', not {dtype!r}.")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (2, 3, 4)):
        raise ValueError(
            f"{source} has shape {image.shape}, which is not a 2-D grayscale or colour image. "
            "The lesson expects (height, width) or (height, width, 3); for a stack or "
            "a multi-page file, pick one plane first, e.g. image[0]."
        )
    if image.size == 0:
        raise ValueError(f"{source} has no pixels (shape {image.shape}).")

    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    if image.dtype.kind == "f":
        if not np.all(np.isfinite(image)):
            raise ValueError(
                f"{source} contains NaN or infinite values. Replace them first, for example "
                "with np.nan_to_num(image), or mask them out."
            )
        low, high = float(image.min()), float(image.max())
        if low < 0 or high > 1:
            raise ValueError(
                f"{source} is a floating-point image with values from {low:g} to {high:g}, "
                "outside [0, 1]. Rescale it first, for example with "
                "ski.exposure.rescale_intensity(image, out_range=(0, 1))."
            )
    elif image.dtype.kind == "i":
        if image.min() < 0:
            raise ValueError(
                f"{source} has negative integer values; rescale it to [0, 1] first with "
                "ski.exposure.rescale_intensity(image, out_range=(0.0, 1.0))."
            )
        image = image.astype(np.uint64 if image.dtype.itemsize > 2 else np.uint16)
        if image.max() <= 255:
            image = image.astype(np.uint8)
    elif image.dtype.kind != "u":
        raise ValueError(f"{source} has data type {image.dtype}, which is not an image type.")

    if image.ndim == 3 and image.shape[-1] in (2, 4):
        image = _composite_on_white(image)

    if dtype == "uint8" and image.dtype == np.uint8:
        if gray and image.ndim == 3:
            return ski.util.img_as_ubyte(ski.color.rgb2gray(image))
        return image if gray or image.ndim == 3 else _as_rgb(image)
    image = ski.util.img_as_float64(image)
    if gray and image.ndim == 3:
        image = ski.color.rgb2gray(image)
    if dtype == "uint8":
        image = ski.util.img_as_ubyte(image)
    return image if gray or image.ndim == 3 else _as_rgb(image)


def _as_rgb(gray: np.ndarray) -> np.ndarray:
    """A grayscale image as RGB, the same value in all three channels."""
    return np.repeat(gray[..., np.newaxis], 3, axis=-1)


def _composite_on_white(image: np.ndarray) -> np.ndarray:
    """Drop the alpha channel, showing transparent pixels as white."""
    import skimage as ski

    image = ski.util.img_as_float64(image)
    colour, alpha = image[..., :-1], image[..., -1:]
    result = colour * alpha + (1.0 - alpha)
    if result.shape[-1] == 1:
        result = result[..., 0]
    return np.clip(result, 0.0, 1.0)


def load_image(
    source: str | os.PathLike,
    *,
    gray: bool = False,
    dtype: Literal["float", "uint8"] = "float",
) -> np.ndarray:
    """Load an image from a file, or a bundled image by name.

    Parameters
    ----------
    source : str or path
        A file path (``'data/trial-016.jpg'``, ``Path(...)``), or the name of a bundled
        image without extension: one of the lesson's own (``'trial-016'``) or one of
        scikit-image's offline samples (``'coins'``). See
        :func:`helpers.bundled.bundled_names`.
    gray : bool, optional
        Return grayscale (H, W) instead of colour (H, W, 3). Grayscale files come out as
        colour with three equal channels unless ``gray`` is True.
    dtype : {'float', 'uint8'}, optional
        Floating point in [0, 1] (the default) or integers in [0, 255].

    Returns
    -------
    ndarray
        (H, W) or (H, W, 3).

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError, KeyError
        With a message naming the file (or name) and what to do about it.

    Examples
    --------
    >>> coins = load_image("coins", gray=True)
    >>> coins.shape, coins.dtype, float(coins.max()) <= 1.0
    ((303, 384), dtype('float64'), True)
    >>> load_image("coins").shape
    (303, 384, 3)
    >>> load_image("astronaut", gray=True, dtype="uint8").shape
    (512, 512)
    """
    if isinstance(source, np.ndarray):
        raise TypeError(
            "load_image takes a path or a name; for an array already in memory use "
            "helpers.prepare_image(array)."
        )
    if _looks_like_path(source):
        path = Path(source).expanduser()
        image = _read_file(path)
        label = str(path)
    elif source in bundled.SKIMAGE_SAMPLES:
        image = bundled.load_sample(source)
        label = f"scikit-image sample {source!r}"
    else:
        path = bundled.image_path(source)
        image = _read_file(path)
        label = str(path)
    return prepare_image(image, gray=gray, dtype=dtype, source=label)


#: Weights of ``skimage.color.rgb2gray`` (ITU-R BT.709 luminance), divided by 255 so that
#: 8-bit colour comes out in [0, 1]; the fourth, 0, is for the padding byte of RGBX pixels.
_LUMINANCE_8BIT = np.array([0.2125, 0.7154, 0.0721, 0], np.float64) / 255
#: Pixels converted to grayscale at a time: 256 kB of float32, which stays in the cache. Twice
#: as many took 18 ms for a 6-megapixel photograph here, against 10 ms.
_GRAY_CHUNK = 1 << 14


def _decode_8bit(data: bytes) -> np.ndarray | None:
    """The pixels of an 8-bit grayscale or RGB JPEG or PNG, decoded by Pillow, else None.

    Exactly what :func:`load_image` reads (imageio decodes them with Pillow too), without
    the EXIF rotation, as there: (H, W) for grayscale, (H, W, 3) or, for JPEG, (H, W, 4)
    with a padding byte after each RGB pixel (see :func:`_decode_jpeg_into_array`).
    Anything else (alpha, transparency, palette, 16-bit, CMYK, TIFF, damaged files) gives
    None, to take the general route, which also gives the helpful error messages.
    """
    from PIL import Image

    try:
        with Image.open(BytesIO(data)) as image:
            if (
                image.format not in ("JPEG", "PNG")
                or image.mode not in ("L", "RGB")
                or "transparency" in image.info
                or getattr(image, "n_frames", 1) != 1
            ):
                return None
            if image.format == "JPEG":
                pixels = _decode_jpeg_into_array(image, data)
                if pixels is not None:
                    return pixels
            image.load()
            return np.asarray(image)
    except Exception:  # let the general route say what is wrong
        return None


def _decode_jpeg_into_array(image: Image.Image, data: bytes) -> np.ndarray | None:
    """Let Pillow's JPEG decoder write straight into a numpy array; None if it cannot.

    ``np.asarray(image)`` copies the pixels out of Pillow through ``tobytes``, which packs
    Pillow's 4-byte RGB pixels into 3 bytes: a third of the decoding time of a 6-megapixel
    photograph. Here the decoder that ``image.load()`` would use (same libjpeg, same
    settings) writes into an array that Pillow sees as one of its images, so there is no
    copy: RGB comes out as (H, W, 4), the fourth byte padding. These are Pillow internals
    (the ones ``ImageFile.load`` uses); if a Pillow release changes them, this gives None
    and the caller takes the ordinary route, with the same pixels (the tests compare).
    """
    from PIL import Image

    if len(image.tile) != 1 or image.decoderconfig:
        return None
    codec, extents, offset, args = image.tile[0]
    width, height = image.size
    if codec != "jpeg" or tuple(extents) != (0, 0, width, height):
        return None
    gray = image.mode == "L"
    pixels = np.empty((height, width) if gray else (height, width, 4), np.uint8)
    try:
        target = Image.core.map_buffer(
            pixels, image.size, "raw", 0, ("L" if gray else "RGBX", 0, 1)
        )
        decoder = Image._getdecoder(image.mode, codec, args, image.decoderconfig)
    except Exception:  # the internals changed: take the ordinary route
        return None
    try:
        decoder.setimage(target, extents)
        consumed, status = decoder.decode(data[offset:])
    finally:
        decoder.cleanup()
    # consumed < 0: the decoder reached the end of the image; status < 0: an error
    return pixels if consumed < 0 and status >= 0 else None


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """``rgb2gray`` of 8-bit RGB (or RGBX), in float32: a small matrix product per chunk."""
    height, width, channels = rgb.shape
    pixels = rgb.reshape(-1, channels)
    gray = np.empty(height * width, np.float32)
    weights = _LUMINANCE_8BIT[:channels].astype(np.float32)
    chunk = np.empty((min(_GRAY_CHUNK, len(pixels)), channels), np.float32)
    for start in range(0, len(pixels), _GRAY_CHUNK):
        part = pixels[start : start + _GRAY_CHUNK]
        converted = chunk[: len(part)]
        converted[...] = part
        np.matmul(converted, weights, out=gray[start : start + len(part)])
    return gray.reshape(height, width)


def load_gray_float32(path: str | os.PathLike) -> np.ndarray:
    """Load an image file as grayscale float32 in [0, 1], quickly.

    The same values as ``load_image(path, gray=True)`` (to float32 precision), about twice
    as fast for 8-bit JPEG and PNG photographs: Pillow decodes them and the luminance is
    computed in float32, a cache-sized chunk at a time. Other files go through
    :func:`load_image`, whose error messages name the file and say what to do.

    Parameters
    ----------
    path : str or path
        An image file.

    Returns
    -------
    ndarray of float32
        (H, W), values in [0, 1].

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError
        As :func:`load_image`.

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
    except OSError:
        data = b""
    image = _decode_8bit(data) if data else None
    if image is None:
        return load_image(path, gray=True).astype(np.float32)
    if image.ndim == 2:
        return image.astype(np.float32) * np.float32(1 / 255)
    return _luminance(image)
