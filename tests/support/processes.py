"""The processes of a run, as Linux's /proc shows them: for the tests that start the
root-mass command and check that none of its processes outlives it."""

from __future__ import annotations

from pathlib import Path


def _stat(pid: int | str) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the name: state, parent, process group...
    (``man 5 proc``); empty if there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _processes() -> list[tuple[int, list[str]]]:
    """Every process as ``(pid, fields)``; the ones that end while they are read left out."""
    found = [
        (int(stat.parent.name), _stat(stat.parent.name))
        for stat in Path("/proc").glob("[0-9]*/stat")
    ]
    return [(pid, fields) for pid, fields in found if len(fields) > 2]


def living(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, zombies too."""
    return [child for child, fields in _processes() if int(fields[1]) == pid]


def living_in_group(group: int) -> list[int]:
    """The processes of process group ``group`` that are not zombies, orphans too."""
    return [pid for pid, fields in _processes() if int(fields[2]) == group and fields[0] != "Z"]
