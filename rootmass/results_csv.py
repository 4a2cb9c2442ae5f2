"""The results CSV of the batch root-mass command: its columns, resuming, sorting.

Rows are appended as photographs finish, so the file is always usable; these functions
read back which photographs already have a row (``--resume``) and rewrite the file sorted
once the run is complete, atomically, so that an interruption cannot damage it.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

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


class UsageError(ValueError):
    """The command was called in a way that cannot work; nothing was written."""


def format_number(value: float | None) -> str:
    """A number as the CSV holds it: ``repr`` of the float (exact), or empty for None.

    >>> format_number(0.1), format_number(None)
    ('0.1', '')
    """
    return "" if value is None else repr(float(value))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename: all or nothing."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def read_done(out: Path, sigma: float, exclude_above: float | None) -> set[str]:
    """Files that already have a row in ``out``; a partly written last line is removed.

    Raises :class:`UsageError` if ``out`` is not a results file of this command, was
    written by its older version (:data:`OLD_COLUMNS`), or was measured with other options.
    """
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):  # the process was killed while writing a row
        with out.open("r+b") as stream:
            stream.truncate(data.rfind(b"\n") + 1)
        data = data[: data.rfind(b"\n") + 1]
    if not data:
        return set()
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
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
            f"{data.splitlines()[0][:80]!r}). Choose another --out, or --force to replace it."
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
        done.add(row["file"])
    return done


def sort_csv(out: Path) -> int:
    """Rewrite ``out`` sorted by file (atomically); the number of rows with a problem."""
    with out.open(newline="", encoding="utf-8") as stream:
        rows = sorted(csv.DictReader(stream), key=lambda row: row["file"])
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(out, text.getvalue().encode("utf-8"))
    return sum(1 for row in rows if row["problem"])
