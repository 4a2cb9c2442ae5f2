"""Executed copies of the episodes, kept in tests/expected/ for nbval to compare against.

The episodes are Markdown (jupytext MyST), which holds no outputs, and nbval compares only
cells that have stored outputs. So `make expected` executes each episode and stores the
result here, stripped of images (nbval ignores them anyway) to keep diffs readable. The
tests then check that:

- the stored notebook's cells are exactly the episode's (text and tags), so an edited
  episode fails until `make expected` is run and the new numbers are reviewed;
- nbval re-executes the stored notebook and every printed number still comes out the same,
  so a library change that changes a number fails a test.

Run: python -m tests.support.episode_notebooks episodes/01-*.md (or make expected)
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[2]
EPISODES = ROOT / "episodes"
EXPECTED = ROOT / "tests" / "expected"

#: Output types that only carry pictures or widget state; nbval does not compare them.
PICTURE_MIMETYPES = (
    "image/png",
    "image/svg+xml",
    "text/html",
    "application/vnd.jupyter.widget-view+json",
)


def episode_paths() -> list[Path]:
    """The episodes, in teaching order."""
    return sorted(EPISODES.glob("[0-9]*.md"))


def expected_path(episode: Path) -> Path:
    return EXPECTED / f"{episode.stem}.ipynb"


def read_episode(episode: Path) -> nbformat.NotebookNode:
    """The episode as a notebook, exactly as JupyterLab would open it."""
    return jupytext.read(episode)


def cell_summary(notebook: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    """What must agree between an episode and its executed copy: type, text and tags."""
    return [
        (cell.cell_type, cell.source, tuple(cell.get("metadata", {}).get("tags", ())))
        for cell in notebook.cells
    ]


def strip_pictures(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Empty image and widget payloads, keeping text outputs and execution counts.

    Cell ids are numbered and printed text is joined into one output per stream, so that
    re-executing an unchanged episode gives an unchanged file.
    """
    notebook.metadata.pop("widgets", None)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _join_streams(cell.outputs)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                continue
            for mimetype in PICTURE_MIMETYPES:
                if mimetype in data:  # keep the key, so tests can tell a figure was shown
                    data[mimetype] = {} if mimetype.endswith("json") else ""
            output.get("metadata", {}).clear()
    return notebook


def _join_streams(outputs: list) -> list:
    """Merge consecutive stdout (or stderr) chunks, which arrive split at random points."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def execute(episode: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute an episode from a fresh kernel, in the folder of the expected copies."""
    return run(read_episode(episode), timeout)


def run(notebook: nbformat.NotebookNode, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute a notebook in place from a fresh kernel, in the folder of the expected copies."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    EXPECTED.mkdir(parents=True, exist_ok=True)
    # CurveZMQ keys for the kernel, as JupyterLab gives them (lessonsetup/configure.py): a kernel
    # without them warns that it runs over TCP without encryption.
    config = Config()
    config.KernelManager.transport_encryption = "auto"
    client = NotebookClient(
        notebook,
        timeout=timeout,
        startup_timeout=300,  # a kernel on a busy machine can take more than the default minute
        kernel_name="python3",
        resources={"metadata": {"path": str(EXPECTED)}},
        config=config,
    )
    client.execute()
    return notebook


def write_expected(episode: Path) -> Path:
    notebook = strip_pictures(execute(episode))
    path = expected_path(episode)
    nbformat.write(notebook, path)
    return path


def main(argv: list[str]) -> int:
    episodes = [Path(arg) for arg in argv] or episode_paths()
    for episode in episodes:
        print(f"executing {episode} -> {write_expected(episode).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
