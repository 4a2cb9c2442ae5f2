"""Measuring one photograph: its CSV row, never an exception for a bad file.

:func:`measure_file` reads a photograph (:func:`rootmass.reading.load_gray_float32`),
measures it as the root-mass episode does (:func:`helpers.roots.root_mask`), compares it
with its ground truth where ``X-mask.png`` lies beside ``X.jpg`` (:func:`truth_path`),
and saves its mask if asked. Whatever goes wrong becomes the row's ``problem``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from helpers.images import MASK_SUFFIX
from helpers.roots import root_mask
from rootmass.montage import thumbnail
from rootmass.reading import MAX_PIXELS, load_gray_float32, load_image_limited, truth_path
from rootmass.results_csv import COLUMNS, file_uri, format_number, method
from rootmass.saving import save_mask


def _problem(error: Exception, path: Path) -> str:
    """The ``problem`` column for an error: its kind and message, with the file's name."""
    message = str(error) if str(path) in str(error) else f"{path}: {error}"
    return f"{type(error).__name__}: {message}".replace("\n", " ")


def _compare_with_truth(
    row: dict[str, Any], truth_file: Path, mask: np.ndarray, max_pixels: int | None
) -> None:
    """Fill in the ``truth`` and ``error`` columns from a ground-truth mask file.

    A mask that cannot be read, or has another size, is reported in the ``problem``
    column; the measurement is kept.
    """
    try:
        truth = load_image_limited(truth_file, max_pixels=max_pixels, gray=True, dtype="uint8")
        truth = truth > (0 if truth.max() <= 1 else 127)  # 0 and 255, or 0 and 1
        if truth.shape != mask.shape:
            raise ValueError(
                f"{truth_file} is {truth.shape[1]}x{truth.shape[0]} pixels but the "
                f"photograph is {mask.shape[1]}x{mask.shape[0]}; it cannot be its mask."
            )
    except Exception as error:
        row["problem"] = f"ground-truth mask: {error}".replace("\n", " ")
        return
    truth_fraction = np.count_nonzero(truth) / truth.size
    error = np.count_nonzero(mask) / mask.size - truth_fraction
    row.update(truth=format_number(truth_fraction), error=format_number(error))


def empty_row(
    file: str, sigma: float, exclude_above: float | None, read_path: str | None = None
) -> dict[str, Any]:
    """A CSV row for ``file`` (read at ``read_path``, if given) with the settings filled in
    and nothing measured yet."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(file=file, sigma=format_number(sigma), exclude_above=format_number(exclude_above))
    row["path"] = file_uri(read_path or file)
    row["method"] = method(exclude_above)
    return row


def measure_file(
    file: str,
    sigma: float = 1.0,
    exclude_above: float | None = None,
    *,
    read_path: str | None = None,
    masks_dir: str | None = None,
    replace_masks: bool = True,
    thumbnail_size: int | None = None,
    max_pixels: int | None = MAX_PIXELS,
) -> dict[str, Any]:
    """Measure one photograph: the CSV row, never an exception for a bad file.

    Parameters
    ----------
    file : str
        The photograph, as it should appear in the ``file`` column.
    sigma, exclude_above : float
        As :func:`helpers.roots.root_mask`.
    read_path : str, optional
        Where to read it, if not ``file`` (the batch passes absolute paths, so that Dask
        workers with another working directory find it).
    masks_dir : str, optional
        Save the mask there as ``<name>-mask.png`` (0 background, 255 root).
    replace_masks : bool, optional
        If False, keep an existing different mask file, and say so in ``problem``.
    thumbnail_size, max_pixels : int, optional
        Also return a QC thumbnail with this longer side, under the key ``"thumbnail"``;
        refuse photographs with more pixels (a problem row; None for no limit).

    Returns
    -------
    dict
        The :data:`COLUMNS`; ``problem`` is empty unless something went wrong.

    Examples
    --------
    >>> row = measure_file("no/such/photo.jpg")
    >>> row["root_fraction"], row["problem"][:45]
    ('', 'FileNotFoundError: no/such/photo.jpg does not')
    """
    row = empty_row(file, sigma, exclude_above, read_path)
    path = Path(read_path or file)
    try:
        gray = load_gray_float32(path, max_pixels=max_pixels)
        row["height"], row["width"] = gray.shape
        mask, threshold = root_mask(gray, sigma, exclude_above)
    except Exception as error:  # any failure goes into the CSV, and the run goes on
        row["problem"] = _problem(error, path)
        return row
    fraction = np.count_nonzero(mask) / mask.size
    row.update(threshold=format_number(threshold), root_fraction=format_number(fraction))
    if os.path.isfile(truth_file := truth_path(path)):
        _compare_with_truth(row, truth_file, mask, max_pixels)
    if masks_dir is not None:
        saved = Path(masks_dir) / (Path(file).stem + MASK_SUFFIX)
        row["problem"] = save_mask(saved, mask, replace_masks) or row["problem"]
    if thumbnail_size:
        row["thumbnail"] = thumbnail(gray, mask, thumbnail_size)
    return row
