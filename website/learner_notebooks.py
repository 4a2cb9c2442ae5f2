"""Code-along notebooks for learners: the episodes without their solutions.

    python website/learner_notebooks.py [--out DIR] [--force] [EPISODE.md ...]

Each episode becomes ``DIR/<episode>-codealong.ipynb`` (default ``learner/``): outputs
cleared, every cell tagged ``solution`` removed (the "Solution" heading and its code), every
challenge prompt kept and followed by a code cell to answer in (:func:`answer_cell`). The
notebooks are written into a folder beside ``episodes/`` so that the episodes' relative links
(``../fig/...``) still work, and their names differ from the episodes' in JupyterLab's tabs.

A learner types into these notebooks, so a notebook that is already there is never replaced:
it is kept, and the command says so. ``--force`` (``make learner FORCE=1``) writes every
notebook afresh, saying which ones it replaces.
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
#: What a code-along notebook's name adds to its episode's.
SUFFIX = "-codealong"


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


def learner_path(episode: Path, out_dir: Path = LEARNER) -> Path:
    """Where the code-along notebook of ``episode`` goes.

    Examples
    --------
    >>> learner_path(Path("episodes/01-fixed-thresholding.md"), Path("learner")).as_posix()
    'learner/01-fixed-thresholding-codealong.ipynb'
    """
    return out_dir / f"{episode.stem}{SUFFIX}.ipynb"


def write_code_along(episode: Path, out_dir: Path = LEARNER, force: bool = False) -> bool:
    """Write the code-along notebook of one episode, unless it is already there.

    Parameters
    ----------
    episode : pathlib.Path
        A Markdown episode.
    out_dir : pathlib.Path, optional
        Where to write it (default ``learner/``), as :func:`learner_path` names it.
    force : bool, optional
        Replace a notebook that is already there (what the learner typed into it is lost).

    Returns
    -------
    bool
        True if the notebook was written, False if one was there and was kept.
    """
    path = learner_path(episode, out_dir)
    if path.exists() and not force:
        return False
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(code_along(jupytext.read(episode)), path)
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", type=Path, help="default: every episode")
    parser.add_argument("--out", type=Path, default=LEARNER, help="default: learner/")
    parser.add_argument(
        "--force", action="store_true", help="replace notebooks that are already there"
    )
    args = parser.parse_args(argv)
    kept = []
    for episode in args.episodes or episode_paths():
        path = learner_path(episode, args.out)
        if args.force and path.exists():
            print(f"replacing {path} with a fresh copy of {episode.name} (--force)", flush=True)
        if write_code_along(episode, args.out, args.force):
            print(f"wrote {path}")
        else:
            kept.append(path)
            print(f"kept {path}: it is already there, with whatever you typed into it")
    if kept:
        print(
            f"{len(kept)} notebook(s) kept as they were. To start one afresh, rename or delete "
            "it and run `make learner` again, or replace them all: `make learner FORCE=1`."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
