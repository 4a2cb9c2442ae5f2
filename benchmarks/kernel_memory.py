"""How much memory each episode's kernel holds after Run All, against the 600 MB target.

A learner opens an episode in JupyterLab, which starts a kernel for it, and runs every cell;
the kernel keeps that memory until the notebook's kernel is shut down. With several episodes
open, their kernels add up, and many learners' laptops have 8 GB. So each episode here gets a
fresh kernel of its own, runs all its cells in order (as Run All does, with ``%matplotlib
widget`` figures kept alive and drawn once, as in JupyterLab), and then the kernel process's
resident memory is read from outside it, from ``/proc/PID/status``: ``VmRSS`` (what it
holds now, compared with the target) and ``VmHWM`` (its peak while running). MB here are 10^6 bytes.

The baseline, measured in the same run, is a kernel that ran an empty notebook. Each kernel
runs in a temporary copy of the lesson's layout (``episodes/`` empty, the other top-level
folders linked), so files the episodes write land there and the checkout stays unchanged.

    python -m benchmarks.kernel_memory [EPISODE.md ...]      # default: every episode
    python /path/to/benchmarks/kernel_memory.py episodes/05-root-mass.md   # any checkout

Run it from the checkout whose episodes you measure, with that checkout's ``.venv/bin/python``
(the kernel imports the ``helpers`` that environment has installed). Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

TARGET_MB = 600.0
#: Folders of the checkout that the copy used as the kernels' home does not link.
NOT_LINKED = {"episodes", "results", "learner", ".git"}
#: Run after the episode: draw every open figure once, as JupyterLab does when it shows an
#: ipympl figure (the frontend asks the kernel for a frame); without a browser nothing would.
DRAW_FIGURES = """\
import sys
if "matplotlib.pyplot" in sys.modules:
    for number in sys.modules["matplotlib.pyplot"].get_fignums():
        sys.modules["matplotlib.pyplot"].figure(number).canvas.draw()
"""


def kernel_memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory of a process now and at its peak, in MB (10^6 bytes).

    Parameters
    ----------
    pid : int
        A running process's id.

    Returns
    -------
    tuple of float
        ``VmRSS`` and ``VmHWM`` from ``/proc/PID/status``.

    Examples
    --------
    >>> import os
    >>> now, peak = kernel_memory_mb(os.getpid())
    >>> 0 < now <= peak
    True
    """
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024 / 1e6  # the kernel reports kB
    return fields["VmRSS"], fields["VmHWM"]


def lesson_copy(checkout: Path, into: Path) -> Path:
    """A folder laid out like ``checkout``, with an empty ``episodes/`` to run the kernels in.

    Every other top-level entry is a symbolic link to the checkout's, so an episode that reads
    ``../data/...`` finds it, and one that writes ``../results/...`` writes into ``into``.
    """
    for entry in checkout.iterdir():
        if entry.name not in NOT_LINKED:
            (into / entry.name).symlink_to(entry)
    (into / "episodes").mkdir()
    return into / "episodes"


def run_all(
    notebook: nbformat.NotebookNode, folder: Path, timeout: int = 600
) -> tuple[float, float]:
    """Run every cell of ``notebook`` in a fresh kernel started in ``folder``; the kernel's
    memory (:func:`kernel_memory_mb`) after the last cell, before it is shut down."""
    config = Config()
    config.KernelManager.transport_encryption = "auto"  # as JupyterLab's kernels (lessonsetup)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        config=config,
    )
    notebook.cells.append(nbformat.v4.new_code_cell(DRAW_FIGURES))
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        return kernel_memory_mb(client.km.provisioner.pid)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", type=Path, help="default: episodes/[0-9]*.md")
    args = parser.parse_args(argv)
    episodes = args.episodes or sorted(Path("episodes").glob("[0-9]*.md"))
    if not episodes:
        parser.error("no episodes/[0-9]*.md here: run it from the lesson's folder")
    checkout = episodes[0].resolve().parent.parent
    print(f"Kernel memory after Run All, {checkout} (target: {TARGET_MB:.0f} MB per kernel)")
    with tempfile.TemporaryDirectory(prefix="kernel-memory-") as scratch:
        folder = lesson_copy(checkout, Path(scratch))
        now, peak = run_all(nbformat.v4.new_notebook(), folder)
        print(f"{'empty notebook (baseline)':34s} {now:6.0f} MB now {peak:6.0f} MB peak")
        total, over = 0.0, []
        for episode in episodes:
            now, peak = run_all(jupytext.read(episode), folder)
            total += now
            verdict = "over the target" if now > TARGET_MB else "ok"
            over += [episode.stem] if now > TARGET_MB else []
            print(
                f"{episode.stem:34s} {now:6.0f} MB now {peak:6.0f} MB peak "
                f"{now / TARGET_MB:5.2f} of the target: {verdict}"
            )
    print(f"{'all kernels together':34s} {total:6.0f} MB")
    print(f"over {TARGET_MB:.0f} MB: {', '.join(over) if over else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
