"""The shape of every episode (issue 12): objectives, keypoints, questions that diagnose.

A multiple-choice question is a challenge whose title says "(multiple choice)" and which
lists its choices as ``> - **A.** ...``; its solution must explain every choice, each named
in bold (``**A**``), folded away in a ``<details>`` block so that the answer is not in view
while learners think.

Code cells are counted as learners meet them in the code-along notebooks: the cells that
are not part of a solution.
"""

import re

import pytest

from tests.support.episode_notebooks import episode_paths, read_episode

EPISODES = episode_paths()
IDS = [path.stem for path in EPISODES]
MAX_CODE_CELLS = 20
CHOICE = re.compile(r"^> - \*\*([A-Z])\.\*\* ", re.M)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _multiple_choice(cells):
    """(question, solution) pairs of the multiple-choice challenges."""
    return [
        (cell, cells[index + 1])
        for index, cell in enumerate(cells[:-1])
        if "challenge" in _tags(cell) and "(multiple choice)" in cell.source
    ]


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_objectives_and_keypoints(episode):
    cells = read_episode(episode).cells
    assert re.search(r"\*\*Objectives\*\*\n(> - .+\n)+", cells[0].source + "\n")
    keypoints = cells[-1].source
    assert keypoints.startswith("## Keypoints\n")
    assert len(re.findall(r"^- ", keypoints, re.M)) >= 2


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_a_challenge_with_a_solution(episode):
    cells = read_episode(episode).cells
    solved = [
        index
        for index, cell in enumerate(cells[:-1])
        if "challenge" in _tags(cell) and "solution" in _tags(cells[index + 1])
    ]
    assert solved, f"{episode.name} has no challenge followed by its solution"


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_a_multiple_choice_question_that_explains_every_choice(episode):
    questions = _multiple_choice(read_episode(episode).cells)
    assert questions, f"{episode.name} has no multiple-choice question"
    for question, solution in questions:
        letters = CHOICE.findall(question.source)
        assert len(letters) >= 3, f"a multiple-choice question needs 3+ choices:\n{question.source}"
        assert letters == [chr(ord("A") + i) for i in range(len(letters))]
        assert "solution" in _tags(solution) and solution.cell_type == "markdown"
        folded = re.search(
            r"<details>\n<summary>.+</summary>\n(.*)</details>", solution.source, re.S
        )
        assert folded, f"the explanation must be folded in <details>:\n{solution.source}"
        for letter in letters:
            assert f"**{letter}**" in folded.group(1), f"choice {letter} is not explained"


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_no_solution_text_shows_before_it_is_unfolded(episode):
    # a solution's words are folded in <details>, or label the folded code cell below them
    for cell in read_episode(episode).cells:
        if cell.cell_type == "markdown" and "solution" in _tags(cell):
            text = cell.source.strip()
            folded = re.fullmatch(r"<details>\n<summary>.+?</summary>\n.*</details>", text, re.S)
            assert folded or text == "**Solution**", f"{episode.name}, shown unfolded:\n{text}"


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_at_most_20_code_cells_to_type(episode):
    cells = read_episode(episode).cells
    taught = [c for c in cells if c.cell_type == "code" and "solution" not in _tags(c)]
    assert len(taught) <= MAX_CODE_CELLS, f"{episode.name} has {len(taught)} code cells"
