"""How long the episodes take to execute, each from a fresh kernel, as `make expected` runs them.

The lesson's target: all episodes together well under a minute (45 s). Each episode is
timed from the moment its kernel is asked to start to its last cell's reply (wall clock),
and the kernel's own CPU time (user + system, with any programs it ran) is read in a last
cell; on a busy machine the CPU time is the steadier figure. The baseline, measured in the
same run, is an empty notebook: what starting a kernel costs. Run with ``make bench``.
"""

import time

import nbformat

from benchmarks import sized
from tests.support.episode_notebooks import episode_paths, read_episode, run

BUDGET = 45.0  # seconds, all episodes together: "well under a minute"
CPU_TIME = """\
import resource
print(sum(getattr(resource.getrusage(who), field)
          for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
          for field in ("ru_utime", "ru_stime")))
"""


def timed(notebook: nbformat.NotebookNode) -> tuple[float, float]:
    """Wall-clock seconds to execute ``notebook`` from a fresh kernel, and the kernel's CPU."""
    notebook.cells.append(nbformat.v4.new_code_cell(CPU_TIME))
    start = time.perf_counter()
    run(notebook)
    wall = time.perf_counter() - start
    return wall, float(notebook.cells[-1].outputs[0]["text"])


def main() -> None:
    empty_wall, empty_cpu = timed(nbformat.v4.new_notebook())
    print(f"{'empty notebook (baseline)':34s} {empty_wall:5.1f} s wall {empty_cpu:5.1f} s CPU")
    total_wall = total_cpu = 0.0
    for episode in episode_paths()[: sized(None, 1)]:  # quick: the first episode only
        wall, cpu = timed(read_episode(episode))
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{episode.stem:34s} {wall:5.1f} s wall {cpu:5.1f} s CPU")
    print(f"{'all episodes':34s} {total_wall:5.1f} s wall {total_cpu:5.1f} s CPU")
    print(f"all episodes / empty notebook: {total_wall / empty_wall:5.1f} (wall)")
    print(
        f"all episodes / budget of {BUDGET:.0f} s: {total_wall / BUDGET:.2f} (wall), "
        f"{total_cpu / BUDGET:.2f} (CPU)"
    )


if __name__ == "__main__":
    main()
