"""Finding the photographs to measure: glob patterns or file names, without ground truth.

Patterns are expanded with :func:`glob.glob` (``**`` reaches into sub-folders); a file's
exact name is that file even if it holds glob characters. Files named ``*-mask.png`` are
ground truth (:data:`helpers.images.MASK_SUFFIX`) and never measured.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from helpers.images import MASK_SUFFIX
from rootmass.checks import UsageError
from rootmass.montage import MONTAGE_MARK


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


def _glob(pattern: str) -> list[str]:
    """``glob.glob(pattern, recursive=True)``, where ``**`` reaches every folder under it
    once: a folder reached again through a symlink (a loop, or two links to one folder) is
    not searched again. (Only the first ``**`` recurses; a later one is a ``*``.)"""
    parts = Path(pattern).parts
    if "**" not in parts:
        return glob.glob(pattern)
    at = parts.index("**")
    rest = os.path.join(*parts[at + 1 :]) if at + 1 < len(parts) else "*"
    found = []
    for base in glob.glob(os.path.join(*parts[:at])) if at else ["."]:
        for folder in _folders_once(base):
            found += glob.glob(os.path.join(folder, rest))
    return found


def _folders_once(base: str) -> Iterator[str]:
    """``base`` and every folder under it, following symlinks, each real folder once."""
    seen: set[tuple[int, int]] = set()
    for folder, subfolders, _ in os.walk(base, followlinks=True):
        status = os.stat(folder)
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]  # as glob
        if (status.st_dev, status.st_ino) in seen:
            subfolders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        yield folder


def _ours(file: str) -> bool:
    """Whether a file is the command's or ground truth, never measured: ``*-mask.png`` in
    any case, or a QC montage (:data:`rootmass.montage.MONTAGE_MARK` in its first bytes)."""
    if file.lower().endswith(MASK_SUFFIX):
        return True
    if not file.lower().endswith(".png"):
        return False
    try:
        with open(file, "rb") as stream:
            return MONTAGE_MARK.encode() in stream.read(4096)
    except OSError:  # unreadable: its row will say so
        return False


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
        Sorted, each file once; names ending in ``-mask.png`` (in any case) and the
        command's QC montages are left out. ``**`` follows a symlinked folder at most once.

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
            matches = _glob(pattern) if _has_magic(pattern) else []
        if not matches:
            raise UsageError(_nothing_matches(pattern))
        found.update(os.path.normpath(match) for match in matches if not _ours(match))
    if not found:
        raise UsageError(
            f"Only ground-truth masks (*{MASK_SUFFIX}) match {', '.join(map(repr, patterns))}; "
            "masks are never measured. Give a pattern that matches the photographs."
        )
    return sorted(found)


def unique(files: Iterable[str | os.PathLike]) -> list[str]:
    """The files, each once however spelled (relative, absolute, through a symlink)."""
    seen: set[str] = set()
    kept = []
    for file in map(os.fspath, files):
        if os.path.realpath(file) not in seen:
            seen.add(os.path.realpath(file))
            kept.append(file)
    return kept
