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
import asyncio
import ctypes
import glob
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from tqdm import tqdm

from helpers.images import IMAGE_SUFFIXES, MASK_SUFFIX, MAX_PIXELS, load_image
from helpers.roots import MAX_SIGMA, check_exclude_above, check_sigma, root_mask
from rootmass.montage import montage, thumbnail
from rootmass.reading import load_gray_float32
from rootmass.results_csv import (
    COLUMNS,
    TEXT_COLUMNS,
    UsageError,
    csv_text,
    format_number,
    method,
    one_writer,
    read_done,
    sort_csv,
    write_atomically,
    write_rows,
)

#: Pixels in all thumbnails of a QC montage together, at most (keeps it a few hundred MB).
_MONTAGE_PIXELS = 25_000_000
#: Seconds to wait for a Dask scheduler to answer (``--scheduler``) before giving up.
SCHEDULER_TIMEOUT = 10.0
#: How often, in seconds, a worker process checks that the command still runs.
_WATCHDOG_PERIOD = 0.2
#: glibc's ``mallopt`` parameters (``man 3 mallopt``), and the values a worker sets: arrays
#: up to 32 MB (glibc's largest) from the heap, and up to 1 GB of freed heap kept.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEEP = {_M_MMAP_THRESHOLD: 32 << 20, _M_TRIM_THRESHOLD: 1 << 30}


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
        file names. An existing file's exact name is that file, even if it holds glob
        characters (``plant[1].jpg``).

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
        if os.path.lexists(pattern):  # a file's exact name, even with [ ] * ? in it
            matches = [pattern]
        else:
            matches = glob.glob(pattern, recursive=True) if _has_magic(pattern) else []
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


def _compare_with_truth(
    row: dict[str, Any], truth_file: Path, mask: np.ndarray, max_pixels: int | None
) -> None:
    """Fill in the ``truth`` and ``error`` columns from a ground-truth mask file.

    A mask that cannot be read, or has another size, is reported in the ``problem``
    column; the measurement is kept.
    """
    try:
        truth = load_image(truth_file, gray=True, dtype="uint8", max_pixels=max_pixels) > 127
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


def _save_mask(saved: Path, mask: np.ndarray, replace: bool) -> str:
    """Save a mask as PNG; a problem to report if that would replace a different file."""
    data = _png_bytes(mask.astype(np.uint8) * 255)
    if not replace and saved.exists():
        if saved.is_file() and saved.read_bytes() == data:
            return ""  # this very mask, saved by an earlier, interrupted run
        return (
            f"--masks: {saved} already exists and is another mask; it was kept and this "
            "mask not saved. Move it away, or run again with --force to replace it."
        )
    write_atomically(saved, data)
    return ""


def _row(file: str, sigma: float, exclude_above: float | None) -> dict[str, Any]:
    """A CSV row for ``file`` with the settings filled in and nothing measured yet."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(file=file, sigma=format_number(sigma), exclude_above=format_number(exclude_above))
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
    row = _row(file, sigma, exclude_above)
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
    if (truth_file := truth_path(path)).is_file():
        _compare_with_truth(row, truth_file, mask, max_pixels)
    if masks_dir is not None:
        saved = Path(masks_dir) / (Path(file).stem + MASK_SUFFIX)
        row["problem"] = _save_mask(saved, mask, replace_masks) or row["problem"]
    if thumbnail_size:
        row["thumbnail"] = thumbnail(gray, mask, thumbnail_size)
    return row


def _exit_when_orphaned(parent: int) -> None:
    """Exit this worker process as soon as its parent (the command) has gone."""
    while os.getppid() == parent:
        time.sleep(_WATCHDOG_PERIOD)
    os._exit(1)


def keep_freed_memory() -> bool:
    """Let this process keep the memory one photograph frees for the next (glibc only).

    A photograph needs about 100 MB of arrays. By default glibc hands them back to the
    kernel, and the next photograph faults them in again page by page: 265,000 page faults
    and 0.5 s of CPU for 40 photographs of 2000 x 3000 (``python -m benchmarks.rootmass``),
    against 31,000 with this. True if glibc took the settings; False elsewhere.

    Examples
    --------
    >>> isinstance(keep_freed_memory(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a C library without mallopt
        return False
    return all(mallopt(parameter, value) == 1 for parameter, value in _KEEP.items())


def _init_worker() -> None:
    """Set up a worker process: signals are the command's to handle, and the worker does
    not outlive the command (killed with SIGKILL, say), thanks to a watchdog thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited
    watchdog = threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="watchdog", daemon=True
    )
    watchdog.start()
    keep_freed_memory()


def _finished(
    submit: Callable[[dict[str, Any]], Any],
    wait_first: Callable[[set], tuple[set, set]],
    tasks: Iterator[dict[str, Any]],
    window: int,
    stop: Callable[[], bool],
) -> Iterator[tuple[dict[str, Any], Any]]:
    """``(task, future)`` pairs as they finish, with at most ``window`` in flight; no
    more tasks are taken from ``tasks`` once ``stop()`` is true."""
    pending: dict[Any, dict[str, Any]] = {}

    def fill() -> None:
        while len(pending) < window and not stop():
            task = next(tasks, None)
            if task is None:
                return
            pending[submit(task)] = task

    fill()
    while pending:
        done, _ = wait_first(set(pending))
        for future in done:
            yield pending.pop(future), future
        fill()


def _died(task: dict[str, Any], error: BaseException) -> dict[str, Any]:
    """The row of a photograph whose worker died measuring it, even alone."""
    row = _row(task["file"], task["sigma"], task["exclude_above"])
    row["problem"] = (
        f"WorkerDied: {task['file']}: the process measuring it stopped "
        f"({type(error).__name__}), also when it was measured alone: it was killed, "
        "perhaps for lack of memory. The other photographs were measured."
    )
    return row


def _surviving(
    open_workers: Callable[[bool], Any],
    tasks: Iterable[dict[str, Any]],
    window: int,
    death: type[BaseException],
) -> Iterator[dict[str, Any]]:
    """The rows of ``tasks`` as they finish, one each, even when a worker dies.

    ``open_workers(alone)`` is a context manager giving ``(submit, wait_first)``. When a
    future fails with ``death`` (a worker died), no more tasks are started; those that
    died with it are measured again one at a time (``alone``), so that the one that
    kills its worker is found and gets a ``problem`` row; then the run goes on.
    """
    tasks = iter(tasks)
    while True:
        suspects: list[dict[str, Any]] = []
        with open_workers(False) as (submit, wait_first):
            for task, future in _finished(submit, wait_first, tasks, window, suspects.__len__):
                if isinstance(future.exception(), death):
                    suspects.append(task)
                else:
                    yield future.result()
        if not suspects:
            return
        for task in suspects:
            with open_workers(True) as (submit, wait_first):
                future = submit(task)
                wait_first({future})
                error = future.exception()
                yield _died(task, error) if isinstance(error, death) else future.result()


@contextmanager
def _pool(workers: int) -> Iterator[tuple[Callable, Callable]]:
    """``(submit, wait_first)`` on a pool of ``workers`` processes, shut down on leaving
    (the workers finish the photographs they have started; the others are cancelled)."""
    pool = futures.ProcessPoolExecutor(workers, initializer=_init_worker)

    def submit(task: dict[str, Any]) -> futures.Future:
        try:
            return pool.submit(measure_file, **task)
        except BrokenProcessPool as error:  # a worker died since the last look
            future: futures.Future = futures.Future()
            future.set_exception(error)
            return future

    try:
        yield submit, lambda pending: futures.wait(pending, return_when=futures.FIRST_COMPLETED)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_out(out: Path, inputs: set[Path]) -> None:
    """Refuse a results file that would overwrite an image, is a folder, or cannot be made."""
    if out.resolve() in inputs or out.suffix.lower() in IMAGE_SUFFIXES:
        raise UsageError(
            f"--out {out} would overwrite an image; give the results file a name ending in .csv."
        )
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as results.csv.")
    _check_folder("--out", out)


def _check_folder(option: str, path: Path) -> None:
    """Refuse an output file whose folder does not exist."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"{option} {path}: the folder {folder} does not exist. Create it first "
            f"(mkdir -p {folder}), or give a file in an existing folder."
        )


def _check_masks(files: Sequence[str], masks: Path, resume: bool, force: bool) -> None:
    """Refuse a masks folder that holds photographs or would be overwritten."""
    if masks.exists() and not masks.is_dir():
        raise UsageError(f"--masks {masks} is a file; give a folder for the masks.")
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
        # with --resume, measure_file keeps a mask that differs from the new one
        if (masks / name).exists() and not (resume or force):
            raise UsageError(
                f"--masks: {masks / name} already exists. Run again with --force to "
                "replace it, or choose another folder."
            )


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
    inputs |= {truth.resolve() for truth in map(truth_path, files) if truth.exists()}
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
        _check_folder("--qc", qc)
    if masks is not None:
        _check_masks(files, masks, resume, force)


async def _handshake(connect: Callable, address: str, timeout: float) -> None:
    """Connect to a Dask scheduler and close again; the whole within ``timeout``."""
    comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
    await comm.close()


def _dask_client(address: str) -> Any:
    """A Dask client of the scheduler at ``address``, or a :class:`UsageError` within
    about :data:`SCHEDULER_TIMEOUT` seconds (``Client(timeout=...)`` alone waits for ever
    on a port that answers but is not a scheduler, such as the dashboard's)."""
    timeout = SCHEDULER_TIMEOUT
    try:
        from distributed import Client, comm
    except ImportError as error:
        raise UsageError(
            "--scheduler needs Dask, which is not installed. Install it with "
            "pip install 'dask==2026.8.0' 'distributed==2026.8.0' (or, in this repository, "
            "pip install -e '.[dask]'), or leave out --scheduler to use this computer's cores."
        ) from error
    advice = (
        "Give the scheduler's address, such as tcp://192.168.1.10:8786, and check that it "
        "is running (the dashboard, http://...:8787, is another port)."
    )
    if address.lower().startswith(("http://", "https://")):
        raise UsageError(f"--scheduler {address} is a web address, not a scheduler's. {advice}")
    try:
        with futures.ThreadPoolExecutor(1) as thread:  # its own event loop, wherever we are
            thread.submit(asyncio.run, _handshake(comm.connect, address, timeout)).result()
        return Client(address, timeout=timeout)
    except Exception as error:
        raise UsageError(
            f"No Dask scheduler answered at {address!r} within {timeout:g} s "
            f"({type(error).__name__}: {error}). {advice}"
        ) from None


def cores() -> int:
    """The number of cores of this computer: the most worker processes a run starts."""
    return os.cpu_count() or 1


def _check_settings(
    files: Sequence[str],
    sigma: float,
    exclude_above: float | None,
    jobs: int | None,
    resume: bool,
    force: bool,
) -> tuple[float, float | None]:
    """``sigma`` and ``exclude_above`` checked (:func:`check_sigma`), or a
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


def _tasks(files: Sequence[str], masks: Path | None, qc: Path | None, **settings: Any) -> list:
    """The keyword arguments of :func:`measure_file` for each photograph to measure, with
    the same ``settings`` (``sigma``, ``exclude_above``, ``replace_masks``, ``max_pixels``)."""
    size = None  # of the thumbnails: the more photographs, the smaller, within 48 to 160
    if qc is not None and files:
        size = int(max(48, min(160, (_MONTAGE_PIXELS / len(files)) ** 0.5)))
    masks_dir = None if masks is None else os.path.abspath(masks)
    return [
        dict(
            settings,
            file=file,
            read_path=os.path.abspath(file),
            masks_dir=masks_dir,
            thumbnail_size=size,
        )
        for file in files
    ]


@contextmanager
def _rows(tasks: list[dict[str, Any]], jobs: int | None, client: Any) -> Iterator[Iterator[dict]]:
    """The rows of :func:`measure_file` for ``tasks``, in the order they finish.

    Measured on a Dask cluster (``client``), or by ``jobs`` worker processes (at most one
    per core), a few tasks ahead each, so that only about two photographs per worker are
    ever in memory. A worker that dies turns into a ``problem`` row for the photograph it
    was measuring (:func:`_surviving`), and the run goes on.
    """
    if client is not None:
        from distributed import KilledWorker, wait  # optional, and slow to import

        workers = (
            lambda task: client.submit(measure_file, **task, pure=False),
            lambda pending: wait(pending, return_when="FIRST_COMPLETED"),
        )
        window = 2 * max(1, sum(client.nthreads().values()))
        rows = _surviving(lambda alone: nullcontext(workers), tasks, window, KilledWorker)
    else:
        count = max(1, min(jobs or cores(), cores(), len(tasks)))
        rows = _surviving(
            lambda alone: _pool(1 if alone else count), tasks, 2 * count, BrokenProcessPool
        )
    try:
        yield rows
    finally:
        rows.close()  # shuts the pool down


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


def _write_montage(qc: Path, pictures: list[tuple[str, np.ndarray]]) -> None:
    """The QC montage of the thumbnails, sorted and captioned by file name."""
    pictures = sorted(pictures, key=lambda item: item[0])
    page = montage([picture for _, picture in pictures], [Path(f).name for f, _ in pictures])
    write_atomically(qc, _png_bytes(page))


def _unique(files: Iterable[str | os.PathLike]) -> list[str]:
    """The files, each once however spelled (relative, absolute, through a symlink)."""
    seen: set[str] = set()
    kept = []
    for file in map(os.fspath, files):
        if os.path.realpath(file) not in seen:
            seen.add(os.path.realpath(file))
            kept.append(file)
    return kept


def _measure(
    files: list[str],
    out: Path,
    masks: Path | None,
    qc: Path | None,
    run: dict[str, Any],
    **settings: Any,
) -> Summary:
    """:func:`measure_files` once the settings are checked and ``out`` locked. ``run``
    holds ``jobs``, ``client``, ``resume``, ``force`` and ``progress``."""
    resume, force = run["resume"], run["force"]
    _check_outputs(files, out, masks, qc, resume, force)
    done = set()
    if resume and out.exists():
        done = read_done(out, settings["sigma"], settings["exclude_above"])
    done = {os.path.realpath(file) for file in done}
    todo = [file for file in files if os.path.realpath(file) not in done]
    tasks = _tasks(todo, masks, qc, replace_masks=force, **settings)
    if masks is not None:
        masks.mkdir(parents=True, exist_ok=True)
    bar = _bar(len(files), len(files) - len(todo), run["progress"])
    with _rows(tasks, run["jobs"], run["client"]) as rows:
        measured, pictures = _write_rows(out, resume, rows, bar)
    problems = sort_csv(out)
    if pictures:
        _write_montage(qc, pictures)
    return Summary(out, measured, already_done=len(files) - len(todo), problems=problems)


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
    >>> folder = getfixture("tmp_path")
    >>> photo = np.repeat(np.uint8([[0, 0, 200, 0]]), 40, axis=0)  # a root, 40 rows long
    >>> cv2.imwrite(str(folder / "plant.png"), photo)
    True
    >>> measure_files([folder / "plant.png"], folder / "results.csv", jobs=1, progress=False)
    Summary(out=..., measured=1, already_done=0, problems=0)
    """
    files, out = _unique(files), Path(out)
    masks, qc = (None if path is None else Path(path) for path in (masks, qc))
    sigma, exclude_above = _check_settings(files, sigma, exclude_above, jobs, resume, force)
    _check_folder("--out", out)  # where its lock file goes
    run = {"jobs": jobs, "client": client, "resume": resume, "force": force, "progress": progress}
    settings = {"sigma": sigma, "exclude_above": exclude_above, "max_pixels": max_pixels}
    with one_writer(out):
        return _measure(files, out, masks, qc, run, **settings)


def _checked(check: Callable[[float], float | None]) -> Callable[[str], float | None]:
    """An argparse ``type``: the text as a number, checked by ``check``, as the API does."""

    def convert(text: str) -> float | None:
        try:
            return check(float(text))
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _pixel_limit(text: str) -> int:
    """An argparse ``type``: the most pixels a photograph may have, a whole number above 0."""
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if limit < 1:
        raise argparse.ArgumentTypeError(
            f"give the most pixels a photograph may have, a whole number above 0 such as "
            f"300000000, not {text!r}."
        )
    return limit


def _add_measuring_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sigma",
        type=_checked(check_sigma),
        default=1.0,
        help=f"Gaussian blur, in pixels; 0 for none, at most {MAX_SIGMA:g} (default 1, as "
        "in episode 5)",
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
        default=cores(),
        help=f"worker processes (default and most: all {cores()} cores)",
    )
    parser.add_argument(
        "--max-pixels",
        type=_pixel_limit,
        default=MAX_PIXELS,
        metavar="N",
        help=f"refuse photographs of more than N pixels, which could exhaust the memory "
        f"(default {MAX_PIXELS:_}; raise it for larger photographs)",
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
            "'problem' column), 2 usage error, 130 interrupted or 143 terminated (run "
            "again with --resume)."
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
    if client is None and arguments.jobs > cores():
        print(
            f"python -m rootmass: --jobs {arguments.jobs} is more than the {cores()} cores "
            f"of this computer; using {cores()} worker processes.",
            file=sys.stderr,
        )
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
            max_pixels=arguments.max_pixels,
        )
    finally:
        if client is not None:
            client.close()


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread, so that the command stops as after Ctrl-C."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """Handle SIGTERM as Ctrl-C while inside (in the main thread; elsewhere nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 all measured, 1 some files had a problem, 2 usage error, 130 interrupted
        (Ctrl-C), 143 terminated (SIGTERM).

    Examples
    --------
    >>> main(["no-such-folder/*.jpg", "--out", "results.csv"])
    2
    """
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        with _sigterm_stops():
            summary = _run(arguments)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        print(
            f"\n{'Terminated' if isinstance(stop, Terminated) else 'Interrupted'}. The rows "
            f"measured so far are in {arguments.out}; run the same command with --resume to "
            "measure the rest.",
            file=sys.stderr,
        )
        return 143 if isinstance(stop, Terminated) else 130
    if summary.problems:
        print(
            f"{summary.problems} of the files had a problem (see the 'problem' column of "
            f"{summary.out}).",
            file=sys.stderr,
        )
        return 1
    return 0
