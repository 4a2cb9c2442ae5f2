"""Code-along notebooks (`make learner`): no solution left, every challenge kept, they run."""

import ast
import builtins
import json
import os
import shutil
import subprocess
import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support.episode_notebooks import ROOT, episode_paths, read_episode
from tests.support.lab import MAKE_VARIABLES, running_lab
from tests.support.site import website_module

EPISODES = episode_paths()
IDS = [path.stem for path in EPISODES]


def _learner_module():
    return website_module("learner_notebooks")


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture(scope="module")
def learner_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("learner")
    assert _learner_module().main(["--out", str(out)]) == 0
    return out


def _learner(learner_dir, episode):
    return nbformat.read(learner_dir / f"{episode.stem}-codealong.ipynb", as_version=4)


def test_one_notebook_per_episode_with_a_name_of_its_own(learner_dir):
    """In JupyterLab's tab bar, a code-along notebook must not look like its episode."""
    names = sorted(path.name for path in learner_dir.glob("*.ipynb"))
    assert names == [f"{name}-codealong.ipynb" for name in IDS]


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_no_solution_survives(learner_dir, episode):
    learner = _learner(learner_dir, episode)
    assert not [cell for cell in learner.cells if "solution" in _tags(cell)]
    texts = [cell.source for cell in learner.cells]
    cells = read_episode(episode).cells
    solutions = [cell for cell in cells if "solution" in _tags(cell)]
    assert solutions, f"{episode.name} has no solution to remove"
    taught = "\n".join(cell.source for cell in cells if "solution" not in _tags(cell))
    for solution in solutions:
        assert solution.source not in texts
        for line in solution.source.splitlines():
            if line.startswith(CHECK):  # the check of the answer is the learner's (helpers.check)
                continue
            if len(line.strip()) > 10 and line not in taught:  # a line only the solution has
                assert not any(line in text for text in texts), f"solution line left: {line}"


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_every_challenge_is_kept_with_a_cell_to_answer_in(learner_dir, episode):
    cells = _learner(learner_dir, episode).cells
    wanted = [cell.source for cell in read_episode(episode).cells if "challenge" in _tags(cell)]
    kept = [index for index, cell in enumerate(cells) if "challenge" in _tags(cell)]
    assert [cells[index].source for index in kept] == wanted
    for index in kept:
        answer = cells[index + 1]
        assert answer.cell_type == "code"
        assert answer.source == "" or answer.source.splitlines()[-1].startswith(CHECK)


def _check_lines(episode):
    """Per challenge of the episode: the check its solution's code ends with, or None."""
    cells = read_episode(episode).cells
    checks = []
    for index, cell in enumerate(cells):
        if "challenge" not in _tags(cell):
            continue
        last_lines = []
        for solution in cells[index + 1 :]:
            if "solution" not in _tags(solution):
                break
            if solution.cell_type == "code" and solution.source.strip():
                last_lines.append(solution.source.rstrip().splitlines()[-1])
        checks.append(next((ln for ln in reversed(last_lines) if ln.startswith(CHECK)), None))
    return checks


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_a_challenge_whose_solution_checks_its_answer_hands_the_learner_that_check(
    learner_dir, episode
):
    """The learner's cell ends with the very line the solution ends with (issue 28 item 4)."""
    cells = _learner(learner_dir, episode).cells
    answers = [cells[index + 1] for index, cell in enumerate(cells) if "challenge" in _tags(cell)]
    handed = [answer.source.splitlines()[-1] if answer.source else None for answer in answers]
    assert handed == _check_lines(episode)


def test_the_core_episodes_check_every_registered_challenge_only_in_solutions():
    """Every challenge helpers.check knows is checked by its solution, and only there: the
    episode's own flow (and the site) shows the check only inside the folded solution."""
    from helpers.checks import CHALLENGES

    used = {
        line.split('"')[1]
        for episode in EPISODES
        for line in _check_lines(episode)
        if line is not None
    }
    # the same challenges' other answers (the largest block; the cut-off instead of its mask)
    alternatives = {"04-maize-block-151", "05-cut-off-293"}
    assert used == set(CHALLENGES) - alternatives
    for episode in EPISODES:
        for cell in read_episode(episode).cells:
            if "solution" not in _tags(cell):
                assert "helpers.check(" not in cell.source, (episode.name, cell.source)


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_the_rest_is_the_episode_without_outputs(learner_dir, episode):
    learner = _learner(learner_dir, episode)
    nbformat.validate(learner)
    taught = [
        (cell.cell_type, cell.source)
        for cell in read_episode(episode).cells
        if "solution" not in _tags(cell)
    ]
    handed = [cell for cell in learner.cells if _without_check(cell.source)]
    assert [(cell.cell_type, cell.source) for cell in handed] == [
        item for item in taught if item[1]
    ]
    for cell in learner.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert learner.metadata.kernelspec.name == "python3"
    assert "jupytext" not in learner.metadata


#: How a solution ends when it checks its answer; the learner's cell to answer in ends so too.
CHECK = "helpers.check("


def _without_check(source: str) -> str:
    """A cell's code without the check of the learner's answer (and the comment above it)."""
    if not source.splitlines()[-1:] or not source.splitlines()[-1].startswith(CHECK):
        return source
    return "\n".join(line for line in source.splitlines()[:-1] if not line.startswith("# "))


def _bound_and_used(source: str) -> tuple[set[str], set[str]]:
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    bound, used = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store | ast.Del) else used).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, used


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_no_cell_needs_a_name_only_a_solution_defines(learner_dir, episode):
    """Removing the solutions must not break the cells after them."""
    from_solutions = set()
    for cell in read_episode(episode).cells:
        if cell.cell_type == "code" and "solution" in _tags(cell):
            from_solutions |= _bound_and_used(cell.source)[0]
    defined = set(dir(builtins))
    for cell in _learner(learner_dir, episode).cells:
        if cell.cell_type != "code":
            continue
        bound, used = _bound_and_used(_without_check(cell.source))
        missing = (used - defined - bound) & from_solutions
        assert not missing, (
            f"{episode.name}: {sorted(missing)} come from a solution:\n{cell.source}"
        )
        defined |= bound


def _setup_section(cells):
    """The cells of the "## Setup" section, where every episode imports what it uses."""
    start = next(i for i, cell in enumerate(cells) if cell.source.startswith("## Setup"))
    end = next(
        (i for i, cell in enumerate(cells) if i > start and cell.source.startswith("## ")),
        len(cells),
    )
    return cells[start:end]


@pytest.mark.slow  # a kernel per episode
@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_setup_cells_run(learner_dir, episode, tmp_path):
    """The set-up cells run from a fresh kernel in another folder, and load the first image.

    The whole episode runs in the notebook tests (nbval) and in the site build; the test
    above shows that removing the solutions takes nothing the later cells need.
    """
    learner = _learner(learner_dir, episode)
    learner.cells = _setup_section(learner.cells)
    assert any(cell.cell_type == "code" and "import" in cell.source for cell in learner.cells)
    learner.cells.append(
        nbformat.v4.new_code_cell(
            "assert helpers.load_image('coins', gray=True).shape == (303, 384)"
        )
    )
    client = NotebookClient(
        learner, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    for cell in learner.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.source


# --- `make learner` and `make clean` never lose what a learner typed -----------------------


@pytest.fixture
def checkout(tmp_path):
    """A copy of what `make learner` and `make clean` use, sharing this checkout's .venv by a
    symbolic link (which `make clean` removes without touching the real one)."""
    root = tmp_path / "lesson"
    root.mkdir()
    for name in ("Makefile", "website", "episodes"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    (root / ".venv").symlink_to(ROOT / ".venv")
    return root


def _make(root, *arguments) -> str:
    """Run make in ``root`` as a learner would, without updating the environment."""
    environment = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
    done = subprocess.run(
        ["make", "-o", ".venv/.installed", *arguments],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _type_a_cell(lab, path: str, source: str) -> None:
    """Add a code cell at the end of a notebook and save it, as JupyterLab does: through the
    Jupyter server's contents API."""
    url = f"{lab.url}/api/contents/{path}?token={lab.token}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        model = json.load(answer)
    notebook = nbformat.from_dict(model["content"])
    notebook.cells.append(nbformat.v4.new_code_cell(source))
    body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
    request = urllib.request.Request(
        url, data=body, method="PUT", headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=30).close()


def _sources(path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


@pytest.mark.slow  # starts JupyterLab, runs make four times
def test_make_targets_keep_what_a_learner_typed(checkout, tmp_path):
    typed = "my_threshold = 0.42  # typed by a learner"
    first = _make(checkout, "learner")
    notebooks = sorted((checkout / "learner").glob("*.ipynb"))
    assert [path.name for path in notebooks] == [f"{name}-codealong.ipynb" for name in IDS]
    assert first.count("wrote learner/") == len(IDS), first
    edited = notebooks[min(2, len(notebooks) - 1)]
    (tmp_path / "lab").mkdir()
    with running_lab(checkout, tmp_path / "lab") as lab:
        _type_a_cell(lab, f"learner/{edited.name}", typed)
    assert typed in _sources(edited)

    again = _make(checkout, "learner")
    assert f"kept learner/{edited.name}" in again, again
    assert "wrote" not in again and "make learner FORCE=1" in again
    assert typed in _sources(edited)

    (checkout / "_build").mkdir()
    _make(checkout, "clean")
    assert not (checkout / "_build").exists() and not (checkout / ".venv").exists()
    assert (ROOT / ".venv" / "bin" / "python").exists()  # the link went, not the environment
    assert typed in _sources(edited)
    (checkout / ".venv").symlink_to(ROOT / ".venv")

    forced = _make(checkout, "learner", "FORCE=1")
    assert f"replacing learner/{edited.name}" in forced, forced
    assert typed not in _sources(edited)


def test_make_help_says_what_clean_and_learner_remove():
    environment = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
    done = subprocess.run(
        ["make", "help"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    targets = dict(line.split("\t", 1) for line in done.stdout.splitlines())
    assert "keeps learner/" in targets["clean"] and ".venv" in targets["clean"]
    assert "missing" in targets["learner"] and "FORCE=1" in targets["learner"]
