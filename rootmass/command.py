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
  pattern, an output that would overwrite something), 3 when the environment stopped the
  run (a full disk, a Dask cluster gone) and 130, 143 or 129 after Ctrl-C, SIGTERM or
  SIGHUP (:mod:`rootmass.stopping`).

The CSV columns are :data:`rootmass.results_csv.COLUMNS`. ``truth`` (the fraction of
root in the ground-truth mask) and ``error`` (``root_fraction - truth``) are filled in
when a ground-truth mask lies beside the photograph: ``X-mask.png`` beside ``X.jpg``,
8-bit, 0 background and 255 root.
Files named ``*-mask.png`` are never measured as photographs.

The command's jobs live in modules of their own: :mod:`rootmass.finding` (the files),
:mod:`rootmass.checks` (options and pre-flight checks), :mod:`rootmass.measuring` (one
photograph), :mod:`rootmass.parallel` (worker processes or Dask), :mod:`rootmass.run` (the
run), :mod:`rootmass.results_csv` and :mod:`rootmass.saving` (the outputs). This module is
the command line.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable, Sequence

from helpers.roots import MAX_SIGMA
from rootmass.checks import Options, UsageError, check_exclude_above, check_sigma
from rootmass.dask_cluster import dask_client
from rootmass.finding import find_images
from rootmass.measuring import measure_file
from rootmass.parallel import ClusterLostError, cores, keep_freed_memory
from rootmass.reading import MAX_PIXELS
from rootmass.results_csv import COLUMNS
from rootmass.run import Summary, measure_files
from rootmass.stopping import Stopped, forgiving_stderr, signals_stop

__all__ = [
    "COLUMNS",
    "Options",
    "Summary",
    "UsageError",
    "cores",
    "find_images",
    "keep_freed_memory",
    "main",
    "measure_file",
    "measure_files",
]

#: Seconds to wait for a Dask scheduler to answer (``--scheduler``) before giving up.
SCHEDULER_TIMEOUT = 10.0


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
            "'problem' column), 2 usage error, 3 stopped by the environment (a full disk, "
            "a Dask cluster gone), 130 interrupted, 143 terminated or 129 hung up (for "
            "these four, run again with --resume)."
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
    client = dask_client(arguments.scheduler, SCHEDULER_TIMEOUT) if arguments.scheduler else None
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 all measured, 1 some files had a problem, 2 usage error, 3 stopped by the
        environment (a full disk, a Dask cluster gone; the rows so far are kept), 130
        interrupted (Ctrl-C), 143 terminated (SIGTERM), 129 hung up (SIGHUP).

    Examples
    --------
    >>> main(["no-such-folder/*.jpg", "--out", "results.csv"])
    2
    """
    parser = _parser()
    arguments = parser.parse_args(argv)
    before = _state(arguments.out)
    with forgiving_stderr():
        try:
            with signals_stop():
                summary = _run(arguments)
        except UsageError as error:
            print(f"{parser.prog}: error: {error}", file=sys.stderr)
            return 2
        except (OSError, ClusterLostError) as error:
            print(f"\n{parser.prog}: stopped: {_reason(error)}", file=sys.stderr)
            print(_where_rows_are(arguments, before), file=sys.stderr)
            return 3
        except KeyboardInterrupt as stop:
            reason = stop.reason if isinstance(stop, Stopped) else "Interrupted"
            print(f"\n{reason}. {_where_rows_are(arguments, before)}", file=sys.stderr)
            return stop.status if isinstance(stop, Stopped) else 130
        if summary.problems:
            print(
                f"{summary.problems} of the files had a problem (see the 'problem' column "
                f"of {summary.out}).",
                file=sys.stderr,
            )
            return 1
        return 0


def _state(path: str) -> tuple[int, int] | None:
    """The size and time of change of a file, None if there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _where_rows_are(arguments: argparse.Namespace, before: tuple[int, int] | None) -> str:
    """Where the rows measured so far are, and how to measure the rest."""
    if _state(arguments.out) in (None, before) and not arguments.resume:
        return f"Nothing was written to {arguments.out}; run the same command again."
    return (
        f"The rows measured so far are in {arguments.out}; run the same command with "
        "--resume to measure the rest."
    )


def _reason(error: BaseException) -> str:
    """An environment error, as a sentence that says what to do about it."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"{error.strerror} ({error.filename or 'writing the results'}). Make room first."
    if isinstance(error, OSError):
        return f"{error.strerror or error} ({error.filename or 'writing the results'})."
    return f"{error} Check the cluster."
