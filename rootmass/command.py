"""Measuring root mass in many photographs: one command, in parallel, resumable.

The command line is ``python -m rootmass`` (run it with ``--help``)::

    python -m rootmass 'photos/*.jpg' --sigma 1 --exclude-above 0.9 --out results.csv

It measures every matching photograph as the root-mass episode does (see
:func:`helpers.roots.root_mask`) and writes one CSV row per photograph. How it behaves:

- **In parallel, in bounded memory**: photographs are measured by ``--jobs`` worker
  processes (all cores by default), a few at a time, so only about two per worker are ever
  in memory; or by the workers of a Dask cluster (``--scheduler``, or ``client=`` here).
- **Nothing is lost**: each row is written and flushed as soon as its photograph is done.
  After an interruption (Ctrl-C, a killed process, a crash), ``--resume`` measures only the
  photographs that have no row yet. Rows are appended in the order photographs finish; when
  the run is complete the CSV is rewritten sorted by file name (through a temporary file
  and an atomic rename, so an interruption then cannot damage it).
- **Nothing is overwritten by accident**: an existing CSV, QC montage or mask is replaced
  only with ``--force``; an input photograph or ground-truth mask never is.
- **Bad files do not stop the run**: a file that cannot be measured gets a row with the
  reason in its ``problem`` column and a line on stderr. The exit status is 0 when every
  row is good, 1 when some have a problem, 2 for usage errors (nothing matches the
  pattern, an output that would overwrite something) and 130 after Ctrl-C.

The CSV columns are :data:`COLUMNS`. ``truth`` (the fraction of root in the ground-truth
mask) and ``error`` (``root_fraction - truth``) are filled in when a ground-truth mask lies
beside the photograph: ``X-mask.png`` beside ``X.jpg``, 8-bit, 0 background and 255 root.
Files named ``*-mask.png`` are never measured as photographs.
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from tqdm import tqdm

from helpers.images import IMAGE_SUFFIXES, MASK_SUFFIX, load_image
from helpers.roots import check_exclude_above, check_sigma, root_mask
from rootmass.montage import montage, thumbnail
from rootmass.reading import load_gray_float32
from rootmass.results_csv import (
    COLUMNS,
    UsageError,
    format_number,
    method,
    read_done,
    sort_csv,
    write_atomically,
)

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


def _has_magic(pattern: str) -> bool:
    return any(character in pattern for character in "*?[")


def _nothing_matches(pattern: str) -> str:
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _has_magic(part):
            break
        fixed.append(part)
    if len(fixed) == len(parts):  # a plain path: look in its folder
        fixed = fixed[:-1]
    folder = Path(*fixed) if fixed else Path(".")
    where = folder.resolve()
    message = f"No files match {pattern!r}: looked in {where}"
    if not folder.is_dir():
        return (
            f"{message}, which does not exist. Check the folder name and the working "
            f"directory ({Path.cwd()})."
        )
    entries = sorted(entry.name for entry in folder.iterdir())
    if not entries:
        return f"{message}, which is empty."
    examples = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
    return (
        f"{message}, which holds {len(entries)} entries ({examples}). Check the pattern "
        "(it is case-sensitive: '*.jpg' does not match 'A.JPG'), and put it in quotes so "
        "that the shell passes it on."
    )


def find_images(patterns: Sequence[str]) -> list[str]:
    """The files that glob patterns (or plain paths) name, without ground-truth masks.

    Parameters
    ----------
    patterns : sequence of str
        Glob patterns such as ``'photos/*.jpg'`` (``**`` reaches into sub-folders) or
        file names.

    Returns
    -------
    list of str
        Sorted, each file once; names ending in ``-mask.png`` are left out.

    Raises
    ------
    UsageError
        If a pattern matches nothing (the message names the pattern and the folder it
        looked in), or only masks match.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ["b.jpg", "a.jpg", "a-mask.png"]:
    ...     _ = (folder / name).write_bytes(b"")
    >>> [Path(name).name for name in find_images([str(folder / "*")])]
    ['a.jpg', 'b.jpg']
    """
    found: set[str] = set()
    for pattern in patterns:
        pattern = os.path.expanduser(os.fspath(pattern))
        if _has_magic(pattern):
            matches = glob.glob(pattern, recursive=True)
        else:
            matches = [pattern] if os.path.lexists(pattern) else []
        if not matches:
            raise UsageError(_nothing_matches(pattern))
        found.update(
            os.path.normpath(match) for match in matches if not match.endswith(MASK_SUFFIX)
        )
    if not found:
        raise UsageError(
            f"Only ground-truth masks (*{MASK_SUFFIX}) match {', '.join(map(repr, patterns))}; "
            "masks are never measured. Give a pattern that matches the photographs."
        )
    return sorted(found)


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


def _png_bytes(image: np.ndarray) -> bytes:
    """An 8-bit grayscale or RGB image as PNG (fast compression: masks compress well)."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)  # OpenCV stores blue first
    _, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return encoded.tobytes()


def _problem(error: Exception, path: Path) -> str:
    """The ``problem`` column for an error: its kind and message, with the file's name."""
    message = str(error) if str(path) in str(error) else f"{path}: {error}"
    return f"{type(error).__name__}: {message}".replace("\n", " ")


def _compare_with_truth(row: dict[str, Any], truth_file: Path, mask: np.ndarray) -> None:
    """Fill in the ``truth`` and ``error`` columns from a ground-truth mask file.

    A mask that cannot be read, or has another size, is reported in the ``problem``
    column; the measurement is kept.
    """
    try:
        truth = load_image(truth_file, gray=True, dtype="uint8") > 127
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


def measure_file(
    file: str,
    sigma: float = 1.0,
    exclude_above: float | None = None,
    *,
    read_path: str | None = None,
    masks_dir: str | None = None,
    thumbnail_size: int | None = None,
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
    thumbnail_size : int, optional
        Also return a QC thumbnail with this longer side, under the key ``"thumbnail"``.

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
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(file=file, sigma=format_number(sigma), exclude_above=format_number(exclude_above))
    row["method"] = method(exclude_above)
    path = Path(read_path or file)
    try:
        gray = load_gray_float32(path)
        row["height"], row["width"] = gray.shape
        mask, threshold = root_mask(gray, sigma, exclude_above)
    except Exception as error:  # any failure goes into the CSV, and the run goes on
        row["problem"] = _problem(error, path)
        return row
    fraction = np.count_nonzero(mask) / mask.size
    row.update(threshold=format_number(threshold), root_fraction=format_number(fraction))
    if truth_path(path).is_file():
        _compare_with_truth(row, truth_path(path), mask)
    if masks_dir is not None:
        saved = Path(masks_dir) / (Path(file).stem + MASK_SUFFIX)
        write_atomically(saved, _png_bytes(mask.astype(np.uint8) * 255))
    if thumbnail_size:
        row["thumbnail"] = thumbnail(gray, mask, thumbnail_size)
    return row


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _windowed(
    submit: Callable[[dict[str, Any]], Any],
    wait_first: Callable[[set], tuple[set, set]],
    tasks: Iterable[dict[str, Any]],
    window: int,
) -> Iterator[Any]:
    """Results of ``submit(task)`` as they finish, with at most ``window`` in flight."""
    tasks = iter(tasks)
    pending: set = set()
    for task in tasks:
        pending.add(submit(task))
        if len(pending) >= window:
            break
    while pending:
        done, pending = wait_first(pending)
        for future in done:
            for task in tasks:
                pending.add(submit(task))
                break
            yield future.result()


def _check_outputs(
    files: Sequence[str],
    out: Path,
    masks: Path | None,
    qc: Path | None,
    resume: bool,
    force: bool,
) -> None:
    """Refuse, before anything is written, any output that would overwrite something."""
    inputs = {Path(file).resolve() for file in files}
    inputs |= {truth_path(file).resolve() for file in files if truth_path(file).exists()}
    replace = "Run again with --force to replace it, or choose another name."
    if out.resolve() in inputs or out.suffix.lower() in IMAGE_SUFFIXES:
        raise UsageError(
            f"--out {out} would overwrite an image; give the results file a name ending in .csv."
        )
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as results.csv.")
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
        if qc.exists() and not (resume or force):
            raise UsageError(f"--qc {qc} already exists. {replace}")
    if masks is not None:
        folder = masks.resolve()
        if masks.exists() and not masks.is_dir():
            raise UsageError(f"--masks {masks} is a file; give a folder for the masks.")
        if any(Path(file).resolve().parent == folder for file in files):
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
            if (masks / name).exists() and not (resume or force):
                raise UsageError(f"--masks: {masks / name} already exists. {replace}")


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as error:
        raise UsageError(
            "--scheduler needs Dask, which is not installed. Install it with "
            "pip install 'dask==2026.8.0' 'distributed==2026.8.0' (or, in this repository, "
            "pip install -e '.[dask]'), or leave out --scheduler to use this computer's cores."
        ) from error
    try:
        return Client(address, timeout=10)
    except OSError as error:
        raise UsageError(
            f"Could not connect to the Dask scheduler at {address!r} ({error}). Check the "
            "address (for example tcp://192.168.1.10:8786) and that the scheduler is running."
        ) from error


def _check_settings(
    files: Sequence[str],
    sigma: float,
    exclude_above: float | None,
    jobs: int | None,
    resume: bool,
    force: bool,
) -> tuple[float, float | None]:
    """``sigma`` and ``exclude_above`` checked (:func:`helpers.roots.check_sigma`), or a
    :class:`UsageError` for settings that cannot work."""
    if resume and force:
        raise UsageError("Give either --resume (keep the rows) or --force (replace them).")
    if jobs is not None and jobs < 1:
        raise UsageError(f"jobs must be 1 or more, not {jobs}.")
    if not files:
        raise UsageError("There are no photographs to measure.")
    try:
        return check_sigma(sigma), check_exclude_above(exclude_above)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _tasks(
    files: Sequence[str],
    sigma: float,
    exclude_above: float | None,
    masks: Path | None,
    qc: Path | None,
) -> list[dict[str, Any]]:
    """The keyword arguments of :func:`measure_file` for each photograph to measure."""
    size = None  # of the thumbnails: the more photographs, the smaller, within 48 to 160
    if qc is not None and files:
        size = int(max(48, min(160, (_MONTAGE_PIXELS / len(files)) ** 0.5)))
    masks_dir = None if masks is None else os.path.abspath(masks)
    return [
        {
            "file": file,
            "sigma": sigma,
            "exclude_above": exclude_above,
            "read_path": os.path.abspath(file),
            "masks_dir": masks_dir,
            "thumbnail_size": size,
        }
        for file in files
    ]


@contextmanager
def _rows(tasks: list[dict[str, Any]], jobs: int | None, client: Any) -> Iterator[Iterator[dict]]:
    """The rows of :func:`measure_file` for ``tasks``, in the order they finish.

    Measured on a Dask cluster (``client``), by ``jobs`` worker processes (a few tasks
    ahead each, so that only about two photographs per worker are ever in memory), or in
    this process for one job or one photograph. On the way out, the workers finish the
    photographs they have started and the others are cancelled.
    """
    jobs = jobs or os.cpu_count() or 1
    if client is not None:
        from distributed import wait  # optional, and slow to import: only when used

        yield _windowed(
            lambda task: client.submit(measure_file, **task, pure=False),
            lambda pending: wait(pending, return_when="FIRST_COMPLETED"),
            tasks,
            window=2 * max(1, sum(client.nthreads().values())),
        )
    elif jobs == 1 or len(tasks) <= 1:
        yield (measure_file(**task) for task in tasks)
    else:
        workers = min(jobs, len(tasks))
        pool = futures.ProcessPoolExecutor(workers, initializer=_init_worker)
        try:
            yield _windowed(
                lambda task: pool.submit(measure_file, **task),
                lambda pending: futures.wait(pending, return_when=futures.FIRST_COMPLETED),
                tasks,
                window=2 * workers,
            )
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _write_rows(
    out: Path, resume: bool, rows: Iterable[dict], bar: tqdm
) -> tuple[int, list[tuple[str, np.ndarray]]]:
    """Write each row to the CSV as it comes, flushed at once: how many, and the thumbnails.

    When resuming, the rows are added to those already in the CSV.
    """
    measured, pictures = 0, []
    append = resume and out.exists() and out.stat().st_size > 0
    with bar, out.open("a" if append else "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, COLUMNS, lineterminator="\n", extrasaction="ignore")
        if not append:
            writer.writeheader()
            stream.flush()
        for row in rows:
            writer.writerow(row)
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


def _write_montage(qc: Path, pictures: list[tuple[str, np.ndarray]]) -> None:
    """The QC montage of the thumbnails, sorted and captioned by file name."""
    pictures = sorted(pictures, key=lambda item: item[0])
    page = montage([picture for _, picture in pictures], [Path(f).name for f, _ in pictures])
    write_atomically(qc, _png_bytes(page))


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
) -> Summary:
    """Measure the root fraction of many photographs into a CSV (the command's engine).

    Parameters
    ----------
    files, out : sequence of str or path; str or path
        The photographs (for example from :func:`find_images`); the CSV (:data:`COLUMNS`).
    sigma, exclude_above : float
        As :func:`helpers.roots.root_mask`.
    jobs, client : int; distributed.Client, optional
        Worker processes (all cores by default; 1 measures in this process); or a Dask
        cluster to measure on instead, whose workers see the files at the same paths.
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
    >>> folder = getfixture("tmp_path")
    >>> photo = np.repeat(np.uint8([[0, 0, 200, 0]]), 40, axis=0)  # a root, 40 rows long
    >>> cv2.imwrite(str(folder / "plant.png"), photo)
    True
    >>> measure_files([folder / "plant.png"], folder / "results.csv", jobs=1, progress=False)
    Summary(out=..., measured=1, already_done=0, problems=0)
    """
    files, out = [os.fspath(file) for file in files], Path(out)
    masks, qc = (None if path is None else Path(path) for path in (masks, qc))
    sigma, exclude_above = _check_settings(files, sigma, exclude_above, jobs, resume, force)
    _check_outputs(files, out, masks, qc, resume, force)
    done = read_done(out, sigma, exclude_above) if resume and out.exists() else set()
    tasks = _tasks([file for file in files if file not in done], sigma, exclude_above, masks, qc)
    if masks is not None:
        masks.mkdir(parents=True, exist_ok=True)
    with _rows(tasks, jobs, client) as rows:
        measured, pictures = _write_rows(out, resume, rows, _bar(len(files), len(done), progress))
    problems = sort_csv(out)
    if pictures:
        _write_montage(qc, pictures)
    return Summary(out=out, measured=measured, already_done=len(done), problems=problems)


def _checked(check: Callable[[float], float | None]) -> Callable[[str], float | None]:
    """An argparse ``type``: the text as a number, checked by ``check``, as the API does."""

    def convert(text: str) -> float | None:
        try:
            return check(float(text))
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _add_measuring_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sigma",
        type=_checked(check_sigma),
        default=1.0,
        help="Gaussian blur, in pixels; 0 for none (default 1, as in episode 5)",
    )
    parser.add_argument(
        "--exclude-above",
        type=_checked(check_exclude_above),
        default=None,
        metavar="LEVEL",
        help="leave pixels this bright or brighter after blurring (0-1; a white label) out "
        "of Otsu's threshold and out of the mask, as episode 5 does",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help=f"worker processes (default: all {os.cpu_count()} cores)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="measure on the Dask cluster at this address (e.g. tcp://10.0.0.5:8786); "
        "its workers must see the files at the same paths",
    )


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="CSV file to write, e.g. results.csv")
    parser.add_argument("--masks", metavar="DIR", help="save each mask as DIR/<name>-mask.png")
    parser.add_argument(
        "--qc",
        metavar="FILE.png",
        help="save a montage of thumbnails with their masks in sky blue, to check by eye",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --out and measure only the photographs not in it",
    )
    group.add_argument(
        "--force", action="store_true", help="replace an existing --out, --qc and masks"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rootmass",
        description=(
            "Measure the fraction of each photograph covered by roots (bright roots on a "
            "dark background), as the root-mass episode does, and write one CSV row per "
            "photograph. Exit status: 0 all measured, 1 some files had a problem (see the "
            "'problem' column), 2 usage error, 130 interrupted (run again with --resume)."
        ),
        epilog=(
            "example: python -m rootmass 'photos/*.jpg' --sigma 1 "
            "--exclude-above 0.9 --out results.csv"
        ),
    )
    parser.add_argument(
        "patterns",
        nargs="+",
        metavar="PATTERN",
        help="photographs: glob patterns in quotes ('photos/*.jpg', 'photos/**/*.png') or "
        "file names; files named *-mask.png are ground truth and never measured",
    )
    _add_output_options(parser)
    _add_measuring_options(parser)
    return parser


def _run(arguments: argparse.Namespace) -> Summary:
    """Find the photographs and measure them, on a Dask cluster if given one."""
    files = find_images(arguments.patterns)
    client = _dask_client(arguments.scheduler) if arguments.scheduler else None
    try:
        return measure_files(
            files,
            arguments.out,
            sigma=arguments.sigma,
            exclude_above=arguments.exclude_above,
            jobs=arguments.jobs,
            client=client,
            resume=arguments.resume,
            force=arguments.force,
            masks=arguments.masks,
            qc=arguments.qc,
            progress=not arguments.quiet,
        )
    finally:
        if client is not None:
            client.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 all measured, 1 some files had a problem, 2 usage error, 130 interrupted.

    Examples
    --------
    >>> main(["no-such-folder/*.jpg", "--out", "results.csv"])
    2
    """
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        summary = _run(arguments)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"\nInterrupted. The rows measured so far are in {arguments.out}; run the same "
            "command with --resume to measure the rest.",
            file=sys.stderr,
        )
        return 130
    if summary.problems:
        print(
            f"{summary.problems} of the files had a problem (see the 'problem' column of "
            f"{summary.out}).",
            file=sys.stderr,
        )
        return 1
    return 0
