"""Pre-flight checks: the options of a run, refused before anything is written.

A run's options travel as one :class:`Options`; :meth:`Options.checked` refuses settings
that cannot work and :func:`check_outputs` any output that would overwrite something,
each with a :class:`UsageError` whose message names what is wrong and what to do. The
command line turns it into exit status 2.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpers.images import IMAGE_SUFFIXES, MASK_SUFFIX
from helpers.roots import MAX_SIGMA
from rootmass.reading import MAX_PIXELS, truth_path


class UsageError(ValueError):
    """The command was called in a way that cannot work; nothing was written."""


def check_sigma(sigma: float) -> float:
    """A blur in pixels as a float, from 0 (no blur) to :data:`MAX_SIGMA`; else ValueError.

    Examples
    --------
    >>> check_sigma(1), check_sigma(0)
    (1.0, 0.0)
    >>> check_sigma(-1)
    Traceback (most recent call last):
    ValueError: sigma is the blur in pixels, at most 100 and 0 (no blur) or more, not -1.0.
    """
    sigma = float(sigma)
    if not (math.isfinite(sigma) and 0 <= sigma <= MAX_SIGMA):  # False for NaN too
        text = f"at most {MAX_SIGMA:g} and 0 (no blur) or more, not {sigma}"
        raise ValueError(f"sigma is the blur in pixels, {text}.")
    return sigma


def check_exclude_above(exclude_above: float | None) -> float | None:
    """A brightness cut-off as a float in (0, 1], or None (leave nothing out); else ValueError.

    Examples
    --------
    >>> check_exclude_above(0.9), check_exclude_above(None)
    (0.9, None)
    """
    if exclude_above is not None and not 0 < float(exclude_above) <= 1:  # False for NaN too
        text = f"above 0 and at most 1, not {float(exclude_above)}"
        raise ValueError(f"exclude_above must be {text}.")
    return None if exclude_above is None else float(exclude_above)


@dataclass(frozen=True)
class Options:
    """How to measure and what to write: the options of :func:`rootmass.run.measure_files`.

    Attributes
    ----------
    sigma, exclude_above, max_pixels : float; float or None; int or None
        As :func:`helpers.roots.root_mask`; photographs of more pixels get a problem row.
    jobs, client : int or None; distributed.Client or None
        Worker processes (None: all cores), or a Dask cluster to measure on instead.
    masks, qc : pathlib.Path or None
        A folder for the masks; a PNG file for the QC montage.
    resume, force, progress : bool
        Keep the CSV's rows; replace existing outputs; show a progress bar.
    """

    sigma: float = 1.0
    exclude_above: float | None = None
    max_pixels: int | None = MAX_PIXELS
    jobs: int | None = None
    client: Any = None
    masks: Path | None = None
    qc: Path | None = None
    resume: bool = False
    force: bool = False
    progress: bool = True

    def checked(self) -> Options:
        """These options with ``sigma`` and ``exclude_above`` checked (as
        :func:`check_sigma`), or a :class:`UsageError`.

        >>> Options(sigma=2).checked().sigma
        2.0
        >>> Options(resume=True, force=True).checked()
        Traceback (most recent call last):
        ...
        rootmass.checks.UsageError: Give either --resume (keep the rows) or --force (replace them).
        """
        if self.resume and self.force:
            raise UsageError("Give either --resume (keep the rows) or --force (replace them).")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"jobs must be 1 or more, not {self.jobs}.")
        try:
            sigma, exclude_above = check_sigma(self.sigma), check_exclude_above(self.exclude_above)
        except ValueError as error:
            raise UsageError(str(error)) from None
        masks, qc = (None if path is None else Path(path) for path in (self.masks, self.qc))
        return replace(self, sigma=sigma, exclude_above=exclude_above, masks=masks, qc=qc)


def _check_out(out: Path, inputs: set[Path]) -> None:
    """Refuse a results file that would overwrite an image, is a folder, or cannot be made."""
    if out.resolve() in inputs or out.suffix.lower() in IMAGE_SUFFIXES:
        raise UsageError(
            f"--out {out} would overwrite an image; give the results file a name ending in .csv."
        )
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as results.csv.")
    if out.exists() and not out.is_file():  # a pipe or a device: it would hang, or be lost
        raise UsageError(
            f"--out {out} is not a regular file (a pipe or a device); give a file name such "
            "as results.csv."
        )
    check_folder("--out", Path(os.path.realpath(out)))  # the real file's, where its lock goes


def check_folder(option: str, path: Path) -> None:
    """Refuse an output file whose folder does not exist or cannot be written."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"{option} {path}: the folder {folder} does not exist. Create it first "
            f"(mkdir -p {folder}), or give a file in an existing folder."
        )
    _check_writable(option, path, folder)


def _check_writable(option: str, path: Path, folder: Path) -> None:
    """Refuse ``path`` if ``folder`` cannot be written in."""
    try:  # the only sure test: access() says yes to root, even where no one may write
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UsageError(
            f"{option} {path}: the folder {folder} cannot be written ({error.strerror}). "
            "Choose a folder you can write in."
        ) from None


def _check_masks(files: Sequence[str], masks: Path, resume: bool, force: bool) -> None:
    """Refuse a masks folder that holds photographs or would be overwritten."""
    if masks.exists() and not masks.is_dir():
        raise UsageError(f"--masks {masks} is a file; give a folder for the masks.")
    existing = next(folder for folder in (masks, *masks.absolute().parents) if folder.exists())
    _check_writable("--masks", masks, existing)  # where the masks, or their folder, go
    if any(Path(file).resolve().parent == masks.resolve() for file in files):
        raise UsageError(
            f"--masks {masks} is a folder of the photographs; the masks would be taken "
            "for ground truth (and could overwrite it). Give another folder, for "
            "example --masks masks/."
        )
    names: dict[str, str] = {}
    for file in files:
        name = Path(file).stem + MASK_SUFFIX
        if name in names:
            raise UsageError(
                f"{names[name]} and {file} would both save their mask as {masks / name}. "
                "Measure the folders separately, each with its own --masks folder."
            )
        names[name] = file
        if photograph := _photograph_of(masks / name):
            raise UsageError(
                f"--masks {masks}: {masks / name} is the ground truth of {photograph}, and "
                "ground truth is never replaced. Choose another folder for the masks."
            )
        # with --resume, measure_file keeps a mask that differs from the new one
        if os.path.exists(masks / name) and not (resume or force):
            raise UsageError(
                f"--masks: {masks / name} already exists. Run again with --force to "
                "replace it, or choose another folder."
            )


def _photograph_of(mask: Path) -> Path | None:
    """The photograph whose ground truth ``mask`` is (``X.jpg`` beside ``X-mask.png``)."""
    stem = mask.name[: -len(MASK_SUFFIX)]
    if os.path.exists(mask):
        for suffix in IMAGE_SUFFIXES + tuple(suffix.upper() for suffix in IMAGE_SUFFIXES):
            if os.path.isfile(photograph := mask.with_name(stem + suffix)):
                return photograph
    return None


def check_outputs(files: Sequence[str], out: Path, options: Options) -> None:
    """Refuse, before anything is written, any output that would overwrite something."""
    masks, qc, resume, force = options.masks, options.qc, options.resume, options.force
    inputs = {Path(file).resolve() for file in files}
    inputs |= {truth.resolve() for truth in map(truth_path, files) if os.path.exists(truth)}
    _check_out(out, inputs)
    if out.exists() and not (resume or force):
        raise UsageError(
            f"{out} already exists. Run again with --resume to measure only the photographs "
            "not yet in it, or with --force to replace it (its rows will be lost), or "
            "choose another --out."
        )
    if qc is not None:
        if qc.resolve() in inputs or qc.suffix.lower() != ".png":
            raise UsageError(
                f"--qc {qc}: give a new file name ending in .png (it must not be one of "
                "the images)."
            )
        if qc.exists() and not force:  # --resume too: the montage would be replaced
            raise UsageError(
                f"--qc {qc} already exists. Run again with --force to replace it, or "
                "choose another name."
            )
        check_folder("--qc", qc)
    if masks is not None:
        _check_masks(files, masks, resume, force)
