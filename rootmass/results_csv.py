"""The results CSV of the batch root-mass command: its columns, resuming, sorting, locking.

Rows are appended as photographs finish, so the file is always usable; these functions
read back which photographs already have a row (``--resume``) and rewrite the file sorted
once the run is complete, atomically, so that an interruption cannot damage it. A lock
file beside the CSV (:func:`one_writer`) keeps a second run from writing it at the same
time, and text cells that a spreadsheet would run as a formula are neutralised
(:func:`csv_text`).
"""

from __future__ import annotations

import csv
import io
import os
import time
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
    "problem",
)


#: The columns of CSV files written before the ``method`` column, when ``exclude_above``
#: set the bright pixels to 0 instead of leaving them out of Otsu's histogram.
OLD_COLUMNS = tuple(column for column in COLUMNS if column != "method")


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
    :func:`from_csv_text` gives back exactly the text.

    >>> csv_text("=1+2.jpg"), csv_text("-a.jpg"), csv_text("plant.jpg")
    ("'=1+2.jpg", "'-a.jpg", 'plant.jpg')
    >>> from_csv_text(csv_text("'=x")) == "'=x"
    True
    """
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


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet collected, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _lock_owner(lock: Path) -> int | None:
    """The process id in a lock file; None if it is gone or holds no number for 1 s (a
    run killed between creating it and writing its id)."""
    for _ in range(20):
        try:
            return int(lock.read_text())
        except FileNotFoundError:
            return None
        except ValueError:
            time.sleep(0.05)
    return None


def _remove_stale(lock: Path, owner: int | None) -> None:
    """Remove ``lock`` if it still names ``owner`` (a process that is not running).

    It is first renamed aside, atomically, so that of two runs that found the same stale
    lock only one removes it; a fresh lock taken aside by mistake is put back.
    """
    aside = lock.with_name(f"{lock.name}.{os.getpid()}.stale")
    try:
        os.rename(lock, aside)
    except FileNotFoundError:
        return
    if _lock_owner(aside) == owner:
        aside.unlink()
        return
    try:
        os.link(aside, lock)  # another run's fresh lock: back in its place
    except FileExistsError:
        pass
    aside.unlink()


@contextmanager
def one_writer(out: Path) -> Iterator[Path]:
    """Hold the lock of ``out`` (:func:`lock_path`) while writing it.

    The lock file is created atomically (``O_CREAT | O_EXCL``) and holds this process's
    id; it is removed on leaving. A lock whose process is no longer running (a run that
    was killed) is replaced.

    Raises
    ------
    UsageError
        If another running process holds the lock; the message names both files and it.
    """
    lock = lock_path(out)
    while True:
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            owner = _lock_owner(lock)
            if owner is not None and _alive(owner):
                raise UsageError(
                    f"{out} is being written by another run (process {owner}, which holds "
                    f"{lock}). Wait for it to finish or stop it, or choose another --out. "
                    f"If no other run is going, delete {lock}."
                ) from None
            _remove_stale(lock, owner)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(str(os.getpid()))
    try:
        yield lock
    finally:
        if _lock_owner(lock) == os.getpid():
            lock.unlink(missing_ok=True)


def format_number(value: float | None) -> str:
    """A number as the CSV holds it: ``repr`` of the float (exact), or empty for None.

    >>> format_number(0.1), format_number(None)
    ('0.1', '')
    """
    return "" if value is None else repr(float(value))


def read_done(out: Path, sigma: float, exclude_above: float | None) -> set[str]:
    """Files that already have a row in ``out``; a partly written last line is removed.

    Raises :class:`UsageError` if ``out`` is not a results file of this command, was
    written by its older version (:data:`OLD_COLUMNS`), or was measured with other options.
    """
    data = out.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]  # a killed run may have left half a row
    if not complete:  # empty, or killed while writing the header
        if not ",".join(COLUMNS).encode().startswith(data):
            raise UsageError(
                f"{out} is not a results file of this command (it starts with "
                f"{data[:80]!r}). Choose another --out, or --force to replace it."
            )
        done: set[str] = set()
    else:
        try:
            text = complete.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(
                f"{out} is not a results file of this command: it is not UTF-8 text (byte "
                f"{complete[error.start]:#04x} at position {error.start}). Choose another "
                "--out, or --force to replace it."
            ) from None
        try:
            done = _files_done(out, text, sigma, exclude_above)
        except csv.Error as error:
            raise UsageError(
                f"{out} is not a results file of this command ({error}). Choose another "
                "--out, or --force to replace it."
            ) from None
    if len(complete) < len(data):  # only now that the file is known to be ours
        with out.open("r+b") as stream:
            stream.truncate(len(complete))
    return done


def _files_done(out: Path, text: str, sigma: float, exclude_above: float | None) -> set[str]:
    """The ``file`` column of a results CSV's text, once its header and options are checked."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) == OLD_COLUMNS:
        raise UsageError(
            f"{out} was written by an older version of this command, which set pixels "
            "above exclude_above to 0 instead of leaving them out of Otsu's threshold (its "
            "numbers differ). Its rows cannot be mixed with new ones: use --force to "
            "measure everything again, or choose another --out."
        )
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise UsageError(
            f"{out} is not a results file of this command (its first line is "
            f"{text.splitlines()[0][:80]!r}). Choose another --out, or --force to replace it."
        )
    done = set()
    for row in reader:
        options = (format_number(sigma), format_number(exclude_above))
        if (row["sigma"], row["exclude_above"]) != options:
            raise UsageError(
                f"{out} was measured with sigma={row['sigma']} and "
                f"exclude_above={row['exclude_above'] or 'None'}, not sigma={sigma} and "
                f"exclude_above={exclude_above}. Resume with the same options, or use "
                "--force (or another --out) to start again."
            )
        done.add(from_csv_text(row["file"]))
    return done


def sort_csv(out: Path) -> int:
    """Rewrite ``out`` sorted by file (atomically); the number of rows with a problem."""
    with out.open(newline="", encoding="utf-8") as stream:
        rows = sorted(csv.DictReader(stream), key=lambda row: from_csv_text(row["file"]))
    text = io.StringIO()
    write_rows(text, rows, header=True)
    write_atomically(out, text.getvalue().encode("utf-8"))
    return sum(1 for row in rows if row["problem"])
