"""Images that come with the lesson: its own ``data/`` folder and scikit-image's samples.

Nothing here downloads anything. The lesson's images live in the repository's ``data/``
folder; scikit-image's sample images ship inside its wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: scikit-image sample images that ship inside its wheel, so they work offline.
#: (``brain``, ``cells3d``, ``eagle``, ``lily`` and others need a download and are left out.)
SKIMAGE_SAMPLES = (
    "astronaut",
    "brick",
    "camera",
    "cat",
    "cell",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "colorwheel",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "logo",
    "microaneurysms",
    "moon",
    "page",
    "retina",
    "rocket",
    "text",
)


class UnknownImageError(KeyError):
    """A bundled image name that does not exist (the message lists those that do)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


_IMAGE_SUFFIXES = (".jpg", ".png", ".tif", ".tiff")
_MASK_SUFFIX = "-mask.png"


def data_dir() -> Path:
    """Folder that holds the lesson's own images.

    It is the ``data/`` folder beside the ``helpers`` package, found from the package's
    location, so it works from any working directory. Set the environment variable
    ``THRESHOLDING_DATA`` to use another folder.

    Returns
    -------
    pathlib.Path
        Absolute path of the data folder.

    Examples
    --------
    >>> data_dir().name
    'data'
    """
    override = os.environ.get("THRESHOLDING_DATA")
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "data"


def lesson_image_names() -> list[str]:
    """Names of the lesson's own images in :func:`data_dir`, sorted.

    A lesson image is any image file in the data folder that is not a ground-truth mask
    (masks are named ``<name>-mask.png``).

    Returns
    -------
    list of str
        Names without the file extension, for example ``'trial-016'``.

    Examples
    --------
    >>> all(not name.endswith("-mask") for name in lesson_image_names())
    True
    """
    folder = data_dir()
    if not folder.is_dir():
        return []
    return sorted(
        path.stem
        for path in folder.iterdir()
        if path.suffix.lower() in _IMAGE_SUFFIXES and not path.name.endswith(_MASK_SUFFIX)
    )


def bundled_names() -> list[str]:
    """Every name :func:`helpers.load_image` accepts instead of a path.

    The lesson's own images come first, then scikit-image's offline samples.

    Returns
    -------
    list of str

    Examples
    --------
    >>> "coins" in bundled_names()
    True
    """
    return lesson_image_names() + list(SKIMAGE_SAMPLES)


def _unknown_name_message(name: str) -> str:
    return (
        f"There is no bundled image called {name!r}. "
        f"Names that exist: {', '.join(bundled_names())}. "
        "To load your own file, pass its path (for example 'data/my-image.jpg')."
    )


def image_path(name: str) -> Path:
    """Path of one of the lesson's own images, given its name.

    Parameters
    ----------
    name : str
        Name without extension, as listed by :func:`lesson_image_names`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    KeyError
        If there is no such image; the message lists the names that exist.

    Examples
    --------
    >>> image_path("coins")
    Traceback (most recent call last):
    ...
    helpers.bundled.UnknownImageError: 'coins' is a scikit-image sample, not a file in ...
    """
    folder = data_dir()
    for suffix in _IMAGE_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    if name in SKIMAGE_SAMPLES:
        raise UnknownImageError(
            f"{name!r} is a scikit-image sample, not a file in the lesson's data folder; "
            f"load it with helpers.load_image({name!r})."
        )
    raise UnknownImageError(_unknown_name_message(name))


def mask_path(name: str) -> Path:
    """Path of the ground-truth mask of one of the lesson's own images.

    Parameters
    ----------
    name : str
        Name of the image (not of the mask).

    Returns
    -------
    pathlib.Path
        ``data/<name>-mask.png``.

    Raises
    ------
    KeyError
        If the image does not exist or has no mask.
    """
    image_path(name)  # raises a helpful KeyError for unknown names
    path = data_dir() / f"{name}{_MASK_SUFFIX}"
    if not path.is_file():
        raise UnknownImageError(f"{name!r} has no ground-truth mask ({path} does not exist).")
    return path


def load_mask(name: str) -> np.ndarray:
    """Ground-truth mask of one of the lesson's own images.

    Parameters
    ----------
    name : str
        Name of the image, for example ``'trial-016'``.

    Returns
    -------
    ndarray of bool
        True where the object (root, shape, colony, ink) is.

    Raises
    ------
    KeyError
        If the image does not exist or has no mask.
    """
    from helpers.loading import load_image

    return load_image(mask_path(name), gray=True) > 0.5


def image_info(name: str) -> dict:
    """What the lesson's data folder records about one of its images.

    Read from ``data/manifest.json``, written by the generator that made the images:
    size, a description, what the image teaches, and facts known by construction, such as
    the true number of colonies.

    Parameters
    ----------
    name : str
        Name of one of the lesson's own images.

    Returns
    -------
    dict

    Raises
    ------
    KeyError
        If the image does not exist or the manifest does not describe it.
    """
    import json

    image_path(name)  # raises a helpful error for unknown names
    manifest = data_dir() / "manifest.json"
    if not manifest.is_file():
        raise UnknownImageError(f"{manifest} does not exist; regenerate the data with `make data`.")
    images = json.loads(manifest.read_text())["images"]
    if name not in images:
        raise UnknownImageError(f"{manifest} does not describe {name!r}.")
    return images[name]


def load_sample(name: str) -> np.ndarray:
    """One of scikit-image's offline sample images, as scikit-image stores it.

    Parameters
    ----------
    name : str
        One of :data:`SKIMAGE_SAMPLES`.

    Returns
    -------
    ndarray

    Raises
    ------
    KeyError
        If the name is not an offline sample; the message lists the names that exist.

    Examples
    --------
    >>> load_sample("coins").shape
    (303, 384)
    """
    if name not in SKIMAGE_SAMPLES:
        raise UnknownImageError(_unknown_name_message(name))
    import skimage.data

    return getattr(skimage.data, name)()
