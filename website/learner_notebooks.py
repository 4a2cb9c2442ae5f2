"""Code-along notebooks for learners: the episodes without their solutions.

    python website/learner_notebooks.py [--out DIR] [EPISODE.md ...]

Each episode becomes ``DIR/<episode>.ipynb`` (default ``learner/``): outputs cleared, every
cell tagged ``solution`` removed (the "Solution" heading and its code), every challenge
prompt kept and followed by an empty code cell to answer in. The notebooks are written into a
folder beside ``episodes/`` so that the episodes' relative links (``../fig/...``) still work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
EPISODES = ROOT / "episodes"
LEARNER = ROOT / "learner"


def episode_paths() -> list[Path]:
    """The episodes, in teaching order."""
    return sorted(EPISODES.glob("[0-9]*.md"))


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _solutions_after(cells: list[nbformat.NotebookNode], index: int) -> list:
    """The solution cells that follow the challenge at ``index``."""
    solutions = []
    for cell in cells[index + 1 :]:
        if "solution" not in _tags(cell):
            break
        solutions.append(cell)
    return solutions


#: How a challenge's solution checks its answer (:func:`helpers.check`), in its last line.
CHECK = "helpers.check("


def answer_cell(solutions: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """The code cell a learner answers a challenge in: empty, or, when the challenge's
    solution code ends with a check of its answer (``helpers.check(...)``), ending with
    that line, so that the learner can check their own answer.

    Parameters
    ----------
    solutions : list of nbformat.NotebookNode
        The challenge's solution cells (removed from the learner's notebook).

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> answer_cell([new_code_cell("t = 0.5")]).source
    ''
    >>> print(answer_cell([new_code_cell('mask = a > t\\nhelpers.check("01-x", mask)')]).source)
    # Your answer here; then run the cell to check it.
    <BLANKLINE>
    helpers.check("01-x", mask)
    """
    for cell in reversed(solutions):
        last = cell.source.rstrip().splitlines()[-1:] if cell.cell_type == "code" else []
        if last and last[0].startswith(CHECK):
            return nbformat.v4.new_code_cell(
                f"# Your answer here; then run the cell to check it.\n\n{last[0]}"
            )
    return nbformat.v4.new_code_cell("")


def code_along(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of an episode notebook for learners: no solutions, no outputs.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The episode, as :func:`jupytext.read` returns it.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook (the one given is not changed) that nbformat validates.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> episode = new_notebook(cells=[
    ...     new_code_cell("x = 1", outputs=[], execution_count=3),
    ...     new_markdown_cell("Challenge: add one.", metadata={"tags": ["challenge"]}),
    ...     new_markdown_cell("**Solution**", metadata={"tags": ["solution"]}),
    ...     new_code_cell("x + 1", metadata={"tags": ["solution", "hide-input"]}),
    ... ])
    >>> [(cell.cell_type, cell.source) for cell in code_along(episode).cells]
    [('code', 'x = 1'), ('markdown', 'Challenge: add one.'), ('code', '')]
    """
    learner = nbformat.v4.new_notebook(
        metadata={key: value for key, value in notebook.metadata.items() if key != "jupytext"}
    )
    for index, cell in enumerate(notebook.cells):
        if "solution" in _tags(cell):
            continue
        if cell.cell_type == "code":
            copy = nbformat.v4.new_code_cell(cell.source, metadata=dict(cell.metadata))
        elif cell.cell_type == "markdown":
            copy = nbformat.v4.new_markdown_cell(cell.source, metadata=dict(cell.metadata))
        else:
            copy = nbformat.v4.new_raw_cell(cell.source, metadata=dict(cell.metadata))
        learner.cells.append(copy)
        if "challenge" in _tags(cell):
            learner.cells.append(answer_cell(_solutions_after(notebook.cells, index)))
    for number, cell in enumerate(learner.cells):
        cell.id = f"cell-{number}"  # stable ids: the same episode gives the same file
    nbformat.validate(learner)
    return learner


def write_code_along(episode: Path, out_dir: Path = LEARNER) -> Path:
    """Write the code-along notebook of one episode.

    Parameters
    ----------
    episode : pathlib.Path
        A Markdown episode.
    out_dir : pathlib.Path, optional
        Where to write it (default ``learner/``).

    Returns
    -------
    pathlib.Path
        The notebook written, ``out_dir/<episode name>.ipynb``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{episode.stem}.ipynb"
    nbformat.write(code_along(jupytext.read(episode)), path)
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", type=Path, help="default: every episode")
    parser.add_argument("--out", type=Path, default=LEARNER, help="default: learner/")
    args = parser.parse_args(argv)
    for episode in args.episodes or episode_paths():
        print(f"{episode.name} -> {write_code_along(episode, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
