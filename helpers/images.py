"""Images: the lesson's own (in ``data/``), scikit-image's samples (inside its wheel: nothing
is downloaded), and files. Whatever it was stored as (RGB, RGBA, palette, 16-bit, float), an
image comes out as float in [0, 1] or ``uint8``, colour (H, W, 3) or grayscale (H, W). Bad
input gets an error that names the file and says what to do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

import imageio.v3 as iio
import numpy as np
import skimage as ski

#: scikit-image's sample images that ship inside its wheel (others need a download).
SKIMAGE_SAMPLES = (
    "astronaut", "brick", "camera", "cat", "cell", "chelsea", "clock", "coffee", "coins",
    "colorwheel", "grass", "gravel", "hubble_deep_field", "immunohistochemistry", "logo",
    "microaneurysms", "moon", "page", "retina", "rocket", "text",
)  # fmt: skip

#: Image files the lesson and the root-mass command read (lower case).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp")
#: How a ground-truth mask is named: the image's name (without its suffix) and this.
MASK_SUFFIX = "-mask.png"


class UnknownImageError(KeyError):
    """A bundled image name that does not exist (the message lists those that do)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def data_dir() -> Path:
    """The folder of the lesson's own images: ``data/`` beside the package.

    Found from the package's location, so it works from any working directory; the
    environment variable ``THRESHOLDING_DATA`` names another folder.

    Examples
    --------
    >>> data_dir().name
    'data'
    """
    override = os.environ.get("THRESHOLDING_DATA")
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "data"


def _lesson_image_names() -> list[str]:
    """Names of the image files in :func:`data_dir` that are not masks, sorted."""
    folder = data_dir()
    if not folder.is_dir():
        return []
    return sorted(
        path.stem
        for path in folder.iterdir()
        if path.suffix.lower() in IMAGE_SUFFIXES and not path.name.endswith(MASK_SUFFIX)
    )


def bundled_names() -> list[str]:
    """Every name :func:`load_image` accepts instead of a path: the lesson's, then samples.

    Examples
    --------
    >>> "coins" in bundled_names()
    True
    """
    return _lesson_image_names() + list(SKIMAGE_SAMPLES)


def _image_path(name: str) -> Path:
    """Path of one of the lesson's own images; an error that lists the names if none."""
    folder = data_dir()
    for suffix in IMAGE_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    if name in SKIMAGE_SAMPLES:
        raise UnknownImageError(
            f"{name!r} is a scikit-image sample, not a file in the lesson's data folder; "
            f"load it with helpers.load_image({name!r})."
        )
    raise UnknownImageError(
        f"There is no bundled image called {name!r}. Names that exist: "
        f"{', '.join(bundled_names())}. To load your own file, pass its path "
        "(for example 'data/my-image.jpg')."
    )


def load_mask(name: str) -> np.ndarray:
    """Ground-truth mask of one of the lesson's own images (``name`` as ``'trial-016'``).

    Returns an array of bool, True where the object (root, shape, colony, ink) is; raises
    KeyError if the image does not exist or has no mask.

    Examples
    --------
    >>> load_mask("shapes-dark").dtype
    dtype('bool')
    """
    _image_path(name)  # raises a helpful KeyError for unknown names
    path = data_dir() / f"{name}{MASK_SUFFIX}"
    if not path.is_file():
        raise UnknownImageError(f"{name!r} has no ground-truth mask ({path} does not exist).")
    return load_image(path, gray=True) > 0.5


def image_info(name: str) -> dict:
    """What ``data/manifest.json`` records about one of the lesson's images, as a dict.

    Written by the generator that made the images: size, description, what the image
    teaches, and facts known by construction, such as the true number of colonies.

    Raises
    ------
    KeyError
        If the image does not exist or the manifest does not describe it.

    Examples
    --------
    >>> image_info("colonies")["colonies"]
    67
    """
    _image_path(name)  # raises a helpful error for unknown names
    manifest = data_dir() / "manifest.json"
    if not manifest.is_file():
        raise UnknownImageError(f"{manifest} does not exist; regenerate the data with `make data`.")
    images = json.loads(manifest.read_text())["images"]
    if name not in images:
        raise UnknownImageError(f"{manifest} does not describe {name!r}.")
    return images[name]


def _looks_like_path(source: str | os.PathLike) -> bool:
    return isinstance(source, os.PathLike) or "/" in source or os.sep in source or "." in source


def _read_file(path: Path) -> np.ndarray:
    """Read an image file, turning every failure into an error that names the file."""
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
        Grayscale (H, W), colour converted as ``ski.color.rgb2gray`` does; otherwise colour
        (H, W, 3), a grayscale image repeated in the three channels (so that code written
        for photographs works on it too).
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
        For NaN, floats outside [0, 1], negative integers, or not 2-D.

    Examples
    --------
    >>> prepare_image(np.array([[0, 128, 255]], dtype=np.uint8), gray=True)
    array([[0.        , 0.50196078, 1.        ]])
    >>> prepare_image(np.array([[0.0, 0.5, 1.0]]), gray=True, dtype="uint8")
    array([[  0, 128, 255]], dtype=uint8)
    >>> prepare_image(np.zeros((2, 3), dtype=np.uint8)).shape
    (2, 3, 3)
    """
    if dtype not in ("float", "uint8"):
        raise ValueError(f"dtype must be 'float' or 'uint8', not {dtype!r}.")
    image = _checked_values(_checked_shape(np.asarray(image), source), source)
    if image.ndim == 3 and image.shape[-1] in (2, 4):
        image = _composite_on_white(image)
    if dtype == "uint8" and image.dtype == np.uint8:
        if gray and image.ndim == 3:
            return ski.util.img_as_ubyte(ski.color.rgb2gray(image))
        return image if gray or image.ndim == 3 else ski.color.gray2rgb(image)
    image = ski.util.img_as_float64(image)
    if gray and image.ndim == 3:
        image = ski.color.rgb2gray(image)
    if dtype == "uint8":
        image = ski.util.img_as_ubyte(image)
    return image if gray or image.ndim == 3 else ski.color.gray2rgb(image)


def _checked_shape(image: np.ndarray, source: str) -> np.ndarray:
    """A 2-D grayscale or colour image with pixels (one channel becomes grayscale)."""
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
    return image


def _checked_values(image: np.ndarray, source: str) -> np.ndarray:
    """Finite floats in [0, 1], or unsigned integers (the smallest type that holds them)."""
    if image.dtype == bool:
        return image.astype(np.uint8) * 255
    if image.dtype.kind == "f":
        low, high = float(image.min()), float(image.max())  # NaN if there is one
        if not np.isfinite(low + high):
            raise ValueError(
                f"{source} contains NaN or infinite values. Replace them first, for example "
                "with np.nan_to_num(image), or mask them out."
            )
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
    return image


def _composite_on_white(image: np.ndarray) -> np.ndarray:
    """Drop the alpha channel, showing transparent pixels as white."""
    image = ski.util.img_as_float64(image)
    colour, alpha = image[..., :-1], image[..., -1:]
    result = colour * alpha + (1.0 - alpha)
    return np.clip(result[..., 0] if result.shape[-1] == 1 else result, 0.0, 1.0)


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
        A file path (``'data/trial-016.jpg'``), or a name from :func:`bundled_names`: one
        of the lesson's images (``'trial-016'``) or of scikit-image's samples (``'coins'``).
    gray : bool, optional
        Grayscale (H, W) instead of colour (H, W, 3), as :func:`prepare_image`.
    dtype : {'float', 'uint8'}, optional
        Floating point in [0, 1] (the default) or integers in [0, 255].

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
    """
    if isinstance(source, np.ndarray):
        raise TypeError(
            "load_image takes a path or a name; for an array already in memory use "
            "helpers.prepare_image(array)."
        )
    if _looks_like_path(source) or source not in SKIMAGE_SAMPLES:
        path = Path(source).expanduser() if _looks_like_path(source) else _image_path(source)
        return prepare_image(_read_file(path), gray=gray, dtype=dtype, source=str(path))
    image = getattr(ski.data, source)()
    return prepare_image(image, gray=gray, dtype=dtype, source=f"scikit-image sample {source!r}")
