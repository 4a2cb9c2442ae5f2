"""Images: the lesson's own (in ``data/``), scikit-image's samples (inside its wheel: nothing
is downloaded), and files. Whatever it was stored as (RGB, RGBA, CMYK, palette, 16-bit, float),
an image comes out as float in [0, 1] or ``uint8``, colour (H, W, 3) or grayscale (H, W). Bad
input gets an error that names the file and says what to do."""

import json
import os
from io import BytesIO
from pathlib import Path
from typing import Literal

import imageio.v3 as iio
import numpy as np
import skimage as ski
from PIL import Image

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

    __str__ = Exception.__str__  # the message itself: KeyError's would show it in quotes


def data_dir() -> Path:
    """The folder of the lesson's own images: ``data/`` beside the package (from any working
    directory), or the folder the environment variable ``THRESHOLDING_DATA`` names.

    Examples
    --------
    >>> data_dir().name
    'data'
    """
    if override := os.environ.get("THRESHOLDING_DATA"):
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "data"


def bundled_names() -> list[str]:
    """Every name :func:`load_image` accepts instead of a path: the lesson's, then samples.

    Examples
    --------
    >>> "coins" in bundled_names()
    True
    """
    return sorted(  # none if the folder is missing
        path.stem
        for path in data_dir().glob("*")
        if path.suffix.lower() in IMAGE_SUFFIXES and not path.stem.endswith(("-mask", "-strokes"))
    ) + list(SKIMAGE_SAMPLES)


def _image_path(name: str) -> Path:
    """Path of one of the lesson's own images; an error that lists the names if none."""
    for path in (data_dir() / f"{name}{suffix}" for suffix in IMAGE_SUFFIXES):
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
    """Ground-truth mask of one of the lesson's images: True where the object (root, shape,
    colony, ink) is. KeyError if the image does not exist or has no mask.

    Examples
    --------
    >>> load_mask("shapes-dark").dtype
    dtype('bool')
    """
    path = _image_path(name).with_name(name + MASK_SUFFIX)  # KeyError for unknown names
    if not path.is_file():
        raise UnknownImageError(f"{name!r} has no ground-truth mask ({path} does not exist).")
    return load_image(path, gray=True) > 0.5


def image_info(name: str) -> dict:
    """What ``data/manifest.json`` records about one of the lesson's images (size, what it
    teaches, facts known by construction such as the number of colonies); else KeyError.

    Examples
    --------
    >>> image_info("colonies")["colonies"]
    67
    """
    manifest = _image_path(name).with_name("manifest.json")  # KeyError for unknown names
    if not manifest.is_file():
        raise UnknownImageError(f"{manifest} does not exist; regenerate the data with `make data`.")
    images = json.loads(manifest.read_text())["images"]
    if name not in images:
        raise UnknownImageError(f"{manifest} does not describe {name!r}.")
    return images[name]


def _read_file(path: Path) -> np.ndarray:
    """Read an image file (a one-frame file as its frame, CMYK as RGB; through Pillow where
    imageio's choice fails, such as an LZW TIFF), every failure an error that names the file."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist. Check the spelling and the folder "
            f"(the working directory is {Path.cwd()})."
        )
    if path.is_dir():
        raise IsADirectoryError(
            f"{path} is a folder, not an image. Give the path of an image file inside it."
        )
    data, extension = path.read_bytes(), path.suffix.lower() or None  # no file left open
    if not data:
        raise ValueError(f"{path} is not an image (0 bytes). Re-download or remove it.")
    try:  # Pillow reads the header: the mode, and its limit on pixels (179 million)
        with Image.open(BytesIO(data)) as header:
            mode = header.mode
    except Image.DecompressionBombError as error:  # refused before decoding
        raise ValueError(
            f"{path} has too many pixels to read safely ({error}). Shrink it in an image "
            "editor first, or, for a file you trust, lift Pillow's limit with "
            "PIL.Image.MAX_IMAGE_PIXELS = None."
        ) from error
    except Exception:  # not a file Pillow reads: imageio may
        mode = ""
    try:
        try:  # CMYK through Pillow as RGB: imageio would take K for alpha
            plugin = {"plugin": "pillow", "mode": "RGB"} if mode == "CMYK" else {}
            image = np.asarray(iio.imread(data, extension=extension, **plugin))
        except Exception:
            if not mode:  # Pillow cannot read it either
                raise
            image = np.asarray(iio.imread(data, plugin="pillow"))
        return image[0] if image.ndim == 4 and len(image) == 1 else image
    except Exception as error:  # imageio raises many kinds; all mean "cannot decode"
        detail = (str(error).splitlines() or [""])[0]
        problem = "could not be read as an image (the file is not an image or is damaged)"
        if any(word in detail.lower() for word in ("truncated", "premature", "broken data")):
            problem = "is truncated or damaged: only part of the image is there"
        raise ValueError(
            f"{path} {problem} ({len(data)} bytes; {type(error).__name__}: {detail}). "
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
        Gray (H, W), gray and alpha (H, W, 2), RGB or RGBA; ``bool``, integers (scaled by
        their type alone, as ``ski.util.img_as_float``: uint8 255 and int16 32,767 are white)
        or float in [0, 1]. NaN, other floats, negative integers, other shapes: ValueError.
    gray : bool, optional
        Grayscale (H, W) as ``ski.color.rgb2gray``; else colour (H, W, 3), a gray image
        repeated in the three channels. Transparent pixels are composited onto white.
    dtype : {'float', 'uint8'}, optional
        float64 in [0, 1], or integers in [0, 255].
    source : str, optional
        What to call the image in error messages (usually its file name).

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
    image = _checked(np.asarray(image), source)
    if image.ndim == 3 and image.shape[-1] in (2, 4):  # alpha: transparent shown as white
        image = ski.color.rgba2rgb(image[..., [0, 0, 0, 1]] if image.shape[-1] == 2 else image)
    if image.ndim == 3 and image.shape[-1] == 1:  # one channel: gray
        image = image[..., 0]
    if dtype == "float" or image.dtype != np.uint8:  # uint8 for uint8 needs no float copy
        image = ski.util.img_as_float64(image)
    if gray and image.ndim == 3:
        image = ski.color.rgb2gray(image)
    if dtype == "uint8":
        image = ski.util.img_as_ubyte(image)
    return image if gray or image.ndim == 3 else ski.color.gray2rgb(image)


def _checked(image: np.ndarray, source: str) -> np.ndarray:
    """A 2-D image (1 to 4 channels) with pixels: bool, finite floats in [0, 1] or integers
    of at least 0."""
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (1, 2, 3, 4)):
        raise ValueError(
            f"{source} has shape {image.shape}, which is not a 2-D grayscale or colour image. "
            "The lesson expects (height, width) or (height, width, 3); for a stack or "
            "a multi-page file, pick one plane first, e.g. image[0]."
        )
    if image.size == 0:
        raise ValueError(f"{source} has no pixels (shape {image.shape}).")
    if image.dtype.kind not in "buif":
        raise ValueError(f"{source} has data type {image.dtype}, which is not an image type.")
    if image.dtype.kind in "bu":
        return image
    low, high = float(image.min()), float(image.max())  # NaN if there is one
    if not np.isfinite(low + high):
        raise ValueError(
            f"{source} contains NaN or infinite values. Replace them first, for example "
            "with np.nan_to_num(image), or mask them out."
        )
    if low < 0 or (image.dtype.kind == "f" and high > 1):
        what = f"values from {low:g} to {high:g}, outside [0, 1]"
        what = "negative integer values" if image.dtype.kind == "i" else what
        raise ValueError(
            f"{source} has {what}. Rescale it first, for example with "
            "ski.exposure.rescale_intensity(image, out_range=(0.0, 1.0))."
        )
    return image


def load_image(
    source: str | os.PathLike,
    *,
    gray: bool = False,
    dtype: Literal["float", "uint8"] = "float",
) -> np.ndarray:
    """Load an image from a file, or a bundled image by name, as :func:`prepare_image` (of
    ``gray`` and ``dtype``) makes it.

    ``source`` is a file path (``'data/trial-016.jpg'``) or a name from
    :func:`bundled_names` (``'trial-016'``, ``'coins'``). Bad input (a missing, empty,
    damaged or, by Pillow's limit, too large file) raises FileNotFoundError,
    IsADirectoryError, ValueError or KeyError, with a message that names the file and says
    what to do.

    Examples
    --------
    >>> coins = load_image("coins", gray=True)
    >>> coins.shape, coins.dtype, float(coins.max()) <= 1.0
    ((303, 384), dtype('float64'), True)
    >>> load_image("coins").shape
    (303, 384, 3)
    """
    if isinstance(source, np.ndarray):
        raise TypeError("load_image takes a path or name; for an array use helpers.prepare_image.")
    if source in SKIMAGE_SAMPLES:
        image, name = getattr(ski.data, source)(), f"scikit-image sample {source!r}"
        return prepare_image(image, gray=gray, dtype=dtype, source=name)
    is_path = isinstance(source, os.PathLike) or any(char in source for char in "/." + os.sep)
    path = Path(source).expanduser() if is_path else _image_path(source)
    return prepare_image(_read_file(path), gray=gray, dtype=dtype, source=str(path))
