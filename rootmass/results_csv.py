"""The results CSV of the batch root-mass command: its columns, resuming, sorting, locking.

Rows are appended as photographs finish, so the file is always usable; these functions
read back which photographs already have a row (``--resume``) and rewrite the file sorted
once the run is complete, atomically, so that an interruption cannot damage it. The
operating system's lock on a file beside the CSV (:func:`one_writer`) keeps a second run
from writing it at the same time, and text cells that a spreadsheet would run as a formula
are neutralised (:func:`csv_text`). A photograph is identified by its ``path`` column (the
real file, as a ``file:`` URI), whatever the working directory and however it was spelled.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rootmass.checks import UsageError
from rootmass.saving import write_atomically

#: The columns of the results CSV, in order.
COLUMNS = (
    "file",
    "width",
    "height",
    "sigma",
    "exclude_above",
    "method",
    "threshold",
    "root_fraction",
    "truth",
    "error",
    "path",
    "problem",  # last: a row cut short in it (a killed run) still names its photograph
)
#: The columns of CSV files written before the ``path`` column: they resume, their
#: ``file`` names taken relative to the working directory, and get the column.
PREVIOUS_COLUMNS = tuple(column for column in COLUMNS if column != "path")
#: The columns of CSV files written before the ``method`` column, when ``exclude_above``
#: set the bright pixels to 0 instead of leaving them out of Otsu's histogram.
OLD_COLUMNS = tuple(column for column in PREVIOUS_COLUMNS if column != "method")


def file_uri(file: str | os.PathLike) -> str:
    """The ``path`` column: the real file (symlinks resolved) as a ``file:`` URI, which
    holds any name the file system allows, UTF-8 or not.

    >>> file_uri("/photos/../photos/plant 1.jpg")
    'file:///photos/plant%201.jpg'
    """
    return Path(os.path.realpath(file)).as_uri()


def method(exclude_above: float | None) -> str:
    """How bright pixels were left out, as the ``method`` column records it.

    ``"otsu"``: Otsu's threshold of the whole blurred image. ``"otsu-band"``: Otsu's
    threshold of the band ``blurred < exclude_above`` only, and the mask
    ``(blurred > threshold) & band`` (as the root-mass episode does).

    >>> method(None), method(0.9)
    ('otsu', 'otsu-band')
    """
    return "otsu" if exclude_above is None else "otsu-band"


#: What a spreadsheet takes for the start of a formula (OWASP's "CSV injection" list),
#: and the apostrophe that neutralises it, so that the neutralising can be undone.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
#: The columns that hold text (the others hold numbers, which may start with "-").
TEXT_COLUMNS = ("file", "problem")


def csv_text(text: str) -> str:
    """A text cell as the CSV holds it: a leading apostrophe where a formula could start.

    OWASP's advice against CSV injection: a spreadsheet shows the cell as text, without
    the apostrophe. A cell that starts with an apostrophe gets one more, so that
    :func:`from_csv_text` gives back exactly the text. Bytes of a file name that are not
    UTF-8 are shown as ``\\xff`` (the ``path`` column holds the name itself).

    >>> csv_text("=1+2.jpg"), csv_text("-a.jpg"), csv_text("plant.jpg")
    ("'=1+2.jpg", "'-a.jpg", 'plant.jpg')
    >>> from_csv_text(csv_text("'=x")) == "'=x"
    True
    """
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def from_csv_text(cell: str) -> str:
    """The text that :func:`csv_text` wrote as ``cell``.

    >>> from_csv_text("'=1+2.jpg"), from_csv_text("plant.jpg")
    ('=1+2.jpg', 'plant.jpg')
    """
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS) else cell


def write_rows(stream: TextIO, rows: Iterable[dict], header: bool = False) -> None:
    """Write rows of :data:`COLUMNS` (and the header first, if asked) to a CSV stream.

    A row with a carriage return in a cell is written with every cell in quotes: the csv
    module's minimal quoting leaves such a cell bare with ``"\n"`` line ends, and readers
    then split the row in two.
    """
    plain = csv.DictWriter(stream, COLUMNS, lineterminator="\n", extrasaction="ignore")
    quoted = csv.DictWriter(
        stream, COLUMNS, lineterminator="\n", extrasaction="ignore", quoting=csv.QUOTE_ALL
    )
    if header:
        plain.writeheader()
    for row in rows:
        carriage_return = any("\r" in str(row[column]) for column in COLUMNS)
        (quoted if carriage_return else plain).writerow(row)


def lock_path(out: Path) -> Path:
    """The lock file of a results CSV: ``results.csv.lock`` beside ``results.csv``.

    >>> lock_path(Path("runs/results.csv")).as_posix()
    'runs/results.csv.lock'
    """
    return out.with_name(out.name + ".lock")


@contextmanager
def one_writer(out: Path) -> Iterator[Path]:
    """Hold the lock of ``out`` (:func:`lock_path` of the real file) while writing it.

    The operating system's lock (``fcntl.flock``) on the lock file, which holds this
    process's id: the system releases it when the process ends, however it ends, so a
    lock file left by a killed run is simply locked again. The file is removed on leaving.

    Raises
    ------
    UsageError
        If another process holds the lock; the message names both files and it.
    """
    lock = lock_path(Path(os.path.realpath(out)))
    while True:
        stream = lock.open("a+")
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            owner = stream.read().strip() or "unknown"
            stream.close()
            raise UsageError(
                f"{out} is being written by another run (process {owner}, which holds "
                f"{lock}). Wait for it to finish or stop it, or choose another --out."
            ) from None
        if _same_file(stream, lock):  # not removed by the run that held it meanwhile
            break
        stream.close()
    with stream:
        stream.truncate(0)
        stream.write(str(os.getpid()))
        stream.flush()
        try:
            yield lock
        finally:
            lock.unlink(missing_ok=True)  # while locked: no other run holds this file


def _same_file(stream: TextIO, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(stream.fileno()), path.stat())
    except FileNotFoundError:
        return False


def format_number(value: float | None) -> str:
    """A number as the CSV holds it: ``repr`` of the float (exact), or empty for None.

    >>> format_number(0.1), format_number(None)
    ('0.1', '')
    """
    return "" if value is None else repr(float(value))


def read_done(out: Path, sigma: float, exclude_above: float | None) -> set[str]:
    """The ``path`` (:func:`file_uri`) of every photograph with a row in ``out``, which is
    rewritten the way this command writes it.

    A partly written last row (a killed run) is removed; a complete last row without its
    line end (an editor), CRLF line ends, a byte-order mark and ``1`` for ``1.0`` (a
    spreadsheet) are read as they were meant. Rows written before the ``path`` column
    (:data:`PREVIOUS_COLUMNS`) get it, their names taken relative to the working directory.

    Raises :class:`UsageError`, leaving ``out`` as it was, if ``out`` is not a results file
    of this command, was written by its older version (:data:`OLD_COLUMNS`), or was
    measured with other options.
    """
    data = out.read_bytes().removeprefix(b"\xef\xbb\xbf")
    if b"\n" not in data:  # empty, or killed while writing the header
        if not ",".join(COLUMNS).encode().startswith(data.strip()):
            raise UsageError(
                f"{out} is not a results file of this command (it starts with "
                f"{data[:80]!r}). Choose another --out, or --force to replace it."
            )
        rows = []
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(
                f"{out} is not a results file of this command: it is not UTF-8 text (byte "
                f"{data[error.start]:#04x} at position {error.start}). Choose another "
                "--out, or --force to replace it."
            ) from None
        try:
            rows = _rows_done(out, text, sigma, exclude_above)
        except csv.Error as error:
            raise UsageError(
                f"{out} is not a results file of this command ({error}). Choose another "
                "--out, or --force to replace it."
            ) from None
    written = io.StringIO()
    write_rows(written, rows, header=True)
    write_atomically(Path(os.path.realpath(out)), written.getvalue().encode("utf-8"))
    return {row["path"] for row in rows}


def _rows_done(out: Path, text: str, sigma: float, exclude_above: float | None) -> list[dict]:
    """The complete rows of a results CSV's text, once its header and options are checked."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = tuple(reader.fieldnames or ())
    if "method" not in columns and {"file", "sigma"} <= set(columns) <= set(COLUMNS):
        raise UsageError(
            f"{out} was written by an older version of this command, which set pixels "
            "above exclude_above to 0 instead of leaving them out of Otsu's threshold (its "
            "numbers differ). Its rows cannot be mixed with new ones: use --force to "
            "measure everything again, or choose another --out."
        )
    if columns not in (COLUMNS, PREVIOUS_COLUMNS):
        raise UsageError(
            f"{out} is not a results file of this command (its first line is "
            f"{text.splitlines()[0][:80]!r}). Choose another --out, or --force to replace it."
        )
    rows = list(reader)
    if rows and not text.endswith("\n") and (None in rows[-1].values() or None in rows[-1]):
        rows.pop()  # half a row, left by a killed run
    for row in rows:
        if not _same_options(row, sigma, exclude_above):
            raise UsageError(
                f"{out} was measured with sigma={row['sigma']} and "
                f"exclude_above={row['exclude_above'] or 'None'}, not sigma={sigma} and "
                f"exclude_above={exclude_above}. Resume with the same options, or use "
                "--force (or another --out) to start again."
            )
        if columns == PREVIOUS_COLUMNS:
            row["path"] = file_uri(from_csv_text(row["file"]))
    return rows


def _same_options(row: dict, sigma: float, exclude_above: float | None) -> bool:
    """Whether a row was measured with these options (``1`` and ``1.0`` are the same)."""
    try:
        same_level = (row["exclude_above"] or None) == exclude_above or (
            exclude_above is not None and float(row["exclude_above"]) == exclude_above
        )
        return float(row["sigma"]) == sigma and same_level
    except (TypeError, ValueError):
        return False


def sort_csv(out: Path) -> int:
    """Rewrite ``out`` sorted by file (atomically); the number of rows with a problem."""
    with out.open(newline="", encoding="utf-8") as stream:
        rows = sorted(csv.DictReader(stream), key=lambda row: from_csv_text(row["file"]))
    text = io.StringIO()
    write_rows(text, rows, header=True)
    write_atomically(out, text.getvalue().encode("utf-8"))
    return sum(1 for row in rows if row["problem"])
