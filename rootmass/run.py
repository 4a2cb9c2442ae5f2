"""A run of the root-mass command: the photographs to measure, into one CSV.

:func:`measure_files` is the command's engine, and its API: it checks the options
(:mod:`rootmass.checks`), takes the CSV's lock, skips the photographs that already have a
row (``resume``), measures the others in parallel (:mod:`rootmass.parallel`), writes each
row as it comes, and at the end sorts the CSV and writes the QC montage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rootmass.checks import Options, UsageError, check_folder, check_outputs
from rootmass.finding import unique
from rootmass.parallel import measured_rows
from rootmass.reading import MAX_PIXELS
from rootmass.results_csv import (
    TEXT_COLUMNS,
    csv_text,
    file_uri,
    one_writer,
    read_done,
    sort_csv,
    write_rows,
)
from rootmass.saving import write_montage

#: Pixels in all thumbnails of a QC montage together, at most (keeps it a few hundred MB).
_MONTAGE_PIXELS = 25_000_000


@dataclass
class Summary:
    """What a run did.

    Attributes
    ----------
    out : pathlib.Path
        The CSV.
    measured : int
        Rows written in this run.
    already_done : int
        Photographs skipped because the CSV already had their row (``resume``).
    problems : int
        Rows in the final CSV whose ``problem`` column is not empty.
    """

    out: Path
    measured: int
    already_done: int
    problems: int


def tasks(files: Sequence[str], options: Options) -> list[dict[str, Any]]:
    """The keyword arguments of :func:`rootmass.measuring.measure_file` for each
    photograph: its absolute path (Dask workers have another working directory), the
    settings of ``options``, and the size of its QC thumbnail (the more photographs, the
    smaller, within 48 to 160 pixels).

    >>> [task["max_pixels"] for task in tasks(["a.jpg"], Options(max_pixels=789))]
    [789]
    """
    size = None
    if options.qc is not None and files:
        size = int(max(48, min(160, (_MONTAGE_PIXELS / len(files)) ** 0.5)))
    masks_dir = None if options.masks is None else os.path.abspath(options.masks)
    settings = {
        "sigma": options.sigma,
        "exclude_above": options.exclude_above,
        "max_pixels": options.max_pixels,
        "replace_masks": options.force,
        "masks_dir": masks_dir,
        "thumbnail_size": size,
    }
    return [dict(settings, file=file, read_path=os.path.abspath(file)) for file in files]


def _write_rows(
    out: Path, resume: bool, rows: Iterable[dict], bar: tqdm
) -> tuple[int, list[tuple[str, np.ndarray]]]:
    """Write each row to the CSV as it comes, flushed at once: how many, and the thumbnails.

    When resuming, the rows are added to those already in the CSV. Text that a
    spreadsheet would run as a formula is neutralised (:func:`rootmass.results_csv.csv_text`).
    """
    measured, pictures = 0, []
    append = resume and out.exists() and out.stat().st_size > 0
    with bar, out.open("a" if append else "w", newline="", encoding="utf-8") as stream:
        if not append:
            write_rows(stream, [], header=True)
            stream.flush()
        for row in rows:
            write_rows(stream, [row | {column: csv_text(row[column]) for column in TEXT_COLUMNS}])
            stream.flush()
            measured += 1
            bar.update()
            if row["problem"]:
                bar.write(row["problem"], file=sys.stderr)
            if "thumbnail" in row:
                pictures.append((row["file"], row["thumbnail"]))
    return measured, pictures


def _bar(total: int, done: int, progress: bool) -> tqdm:
    """A progress bar on stderr, ``done`` of ``total`` photographs already done."""
    return tqdm(
        total=total,
        initial=done,
        unit="photo",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )


def _measure(files: list[str], out: Path, options: Options) -> Summary:
    """:func:`measure_files` once the options are checked and ``out`` locked."""
    check_outputs(files, out, options)
    done = set()
    if options.resume and out.exists():
        done = read_done(out, options.sigma, options.exclude_above)
    todo = [file for file in files if file_uri(file) not in done]
    if options.masks is not None:
        options.masks.mkdir(parents=True, exist_ok=True)
    bar = _bar(len(files), len(files) - len(todo), options.progress)
    with measured_rows(tasks(todo, options), options.jobs, options.client) as rows:
        measured, pictures = _write_rows(out, options.resume, rows, bar)
    problems = sort_csv(out)
    if pictures:
        _write_montage(options.qc, pictures, len(files), out)
    return Summary(out, measured, already_done=len(files) - len(todo), problems=problems)


def _write_montage(qc: Path, pictures: list, total: int, out: Path) -> None:
    """The QC montage of this run's photographs; if the CSV has others, it says so."""
    title = ""
    if len(pictures) < total:
        title = f"{len(pictures)} of the {total} photographs in {out.name}: this run's"
        print(
            f"--qc {qc} shows the {len(pictures)} photographs measured in this run, not the "
            f"{total - len(pictures)} measured before or with a problem (measure again with "
            "--force for a montage of them all).",
            file=sys.stderr,
        )
    write_montage(qc, pictures, title)


def measure_files(
    files: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    *,
    sigma: float = 1.0,
    exclude_above: float | None = None,
    jobs: int | None = None,
    client: Any = None,
    resume: bool = False,
    force: bool = False,
    masks: str | os.PathLike | None = None,
    qc: str | os.PathLike | None = None,
    progress: bool = True,
    max_pixels: int | None = MAX_PIXELS,
) -> Summary:
    """Measure the root fraction of many photographs into a CSV (the command's engine).

    Parameters
    ----------
    files, out : sequence of str or path; str or path
        The photographs (each once, however spelled); the CSV (:data:`COLUMNS`), which
        only one run at a time may write (:func:`rootmass.results_csv.one_writer`).
    sigma, exclude_above, max_pixels : float; float; int, optional
        As :func:`helpers.roots.root_mask` (and its checks). Photographs
        with more than ``max_pixels`` pixels get a problem row (None: no limit).
    jobs, client : int; distributed.Client, optional
        Worker processes (all cores by default, and never more); or a Dask cluster to
        measure on instead, whose workers see the files at the same paths.
    masks, qc : str or path, optional
        A folder to save every mask in (``<name>-mask.png``); a PNG file for a montage of
        the photographs measured, as thumbnails with their masks in sky blue.
    resume, force, progress : bool, optional
        Keep the rows in ``out`` and measure only the other photographs; replace an
        existing ``out``, ``qc`` and masks; show a progress bar on stderr.

    Returns
    -------
    Summary
        Or a :class:`UsageError`, before anything is written, for options that cannot work.

    Examples
    --------
    >>> import cv2
    >>> folder = getfixture("tmp_path")
    >>> photo = np.repeat(np.uint8([[0, 0, 200, 0]]), 40, axis=0)  # a root, 40 rows long
    >>> cv2.imwrite(str(folder / "plant.png"), photo)
    True
    >>> measure_files([folder / "plant.png"], folder / "results.csv", jobs=1, progress=False)
    Summary(out=..., measured=1, already_done=0, problems=0)
    """
    options = Options(
        sigma, exclude_above, max_pixels, jobs, client, masks, qc, resume, force, progress
    ).checked()
    files, out = unique(files), Path(out)
    if not files:
        raise UsageError("There are no photographs to measure.")
    check_folder("--out", Path(os.path.realpath(out)))  # where its lock file goes
    with one_writer(out):
        return _measure(files, out, options)
