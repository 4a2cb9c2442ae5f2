"""The shape of every episode (issue 12): objectives, keypoints, questions that diagnose.

A multiple-choice question is a challenge whose title says "(multiple choice)" and which
lists its choices as ``> - **A.** ...``; its solution must explain every choice, each named
in bold (``**A**``), folded away in a ``<details>`` block so that the answer is not in view
while learners think.

Code cells are counted as learners meet them in the code-along notebooks: the cells that
are not part of a solution.

Issue 23, a lesson taught in the time it says: each core episode (the plan's 00-06) asks
learners to type at most 1.5 lines a teaching minute, and the core fits in 330 minutes; every
other episode says under its title that it is optional and what it builds on; the instructor
notes' three schedules (half day, one day, two days) add up to the episodes' headers, and
list each core episode's concepts (at most 5) and what it leaves learners able to do.
Issue 24, questions that diagnose: every distractor of a multiple-choice question names its
own misconception (`- **X** *Misconception: ...*`); and every helper an episode uses is on
the "Without the helpers" page.
"""

import re

import jupytext
import pytest

from tests.support.episode_notebooks import EPISODES as EPISODES_DIR
from tests.support.episode_notebooks import ROOT, episode_paths, read_episode

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


# Pace, the core day and the optional episodes (issue 23) ----------------------------------

#: The core day, fixed by the episode plan; every other episode is optional.
CORE = [
    "00-images-as-arrays",
    "01-fixed-thresholding",
    "02-otsu",
    "03-global-fails",
    "04-adaptive",
    "05-root-mass",
    "06-cleaning-and-counting",
]
CORE_EPISODES = [path for path in EPISODES if path.stem in CORE]
OPTIONAL_EPISODES = [path for path in EPISODES if path.stem not in CORE]
MAX_TYPED_PER_MINUTE = 1.5
MAX_CORE_MINUTES = 330
OPTIONAL_HEADER = re.compile(r"\A# .+\n\n> \*\*Optional episode\.\*\* Builds on \S.+")


def _minutes(episode):
    """(teaching, exercises) from the episode's header line."""
    first = read_episode(episode).cells[0].source
    match = re.search(r"\*\*Teaching:\*\* (\d+) min · \*\*Exercises:\*\* (\d+) min", first)
    assert match, f"{episode.name} needs the header `> **Teaching:** N min · **Exercises:** M min`"
    return int(match.group(1)), int(match.group(2))


def typed_lines(notebook):
    """Lines a learner types: code outside solutions, without blank, comment or %magic lines."""
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code" and "solution" not in _tags(cell)
        for line in cell.source.splitlines()
        if line.strip() and not line.strip().startswith(("#", "%"))
    )


def test_typed_lines_are_counted_as_the_plan_says():
    notebook = jupytext.reads(
        "```{code-cell} ipython3\n%matplotlib widget\nimport numpy as np\n\n# a comment\n"
        "x = 1  # counted\n```\n\n"
        "```{code-cell} ipython3\n---\ntags: [solution]\n---\ny = 2\n```\n",
        "md:myst",
    )
    assert typed_lines(notebook) == 2


def test_the_core_day_is_the_plans_episodes():
    assert [path.stem for path in CORE_EPISODES] == CORE


@pytest.mark.parametrize("episode", CORE_EPISODES, ids=[p.stem for p in CORE_EPISODES])
def test_a_core_episode_can_be_typed_along_in_its_teaching_time(episode):
    teaching, _ = _minutes(episode)
    lines = typed_lines(read_episode(episode))
    assert lines <= MAX_TYPED_PER_MINUTE * teaching, (
        f"{episode.name}: {lines} typed lines in {teaching} teaching minutes, "
        f"{lines / teaching:.2f} a minute (at most {MAX_TYPED_PER_MINUTE}); move material "
        "into an optional episode, not into pre-typed cells"
    )


def test_the_core_day_fits_in_330_minutes():
    total = sum(sum(_minutes(episode)) for episode in CORE_EPISODES)
    assert total <= MAX_CORE_MINUTES, f"the core episodes take {total} minutes"


@pytest.mark.parametrize("episode", OPTIONAL_EPISODES, ids=[p.stem for p in OPTIONAL_EPISODES])
def test_an_optional_episode_says_so_and_what_it_builds_on(episode):
    first = read_episode(episode).cells[0].source
    assert OPTIONAL_HEADER.match(first), (
        f"{episode.name}: right under the title, `> **Optional episode.** Builds on ...`"
    )


@pytest.mark.parametrize("episode", CORE_EPISODES, ids=[p.stem for p in CORE_EPISODES])
def test_a_core_episode_does_not_call_itself_optional(episode):
    assert not re.search(r"(?i)\boptional\b", read_episode(episode).cells[0].source)


# The instructor notes' three schedules -------------------------------------------------

NOTES = ROOT / "instructors" / "instructor-notes.md"
SCHEDULES = {  # heading in the notes: which episodes it must hold
    "Half day": None,  # some of the core, in order, starting with episode 0
    "One day: the core": CORE,
    "Two days: the core and the optional episodes": [path.stem for path in EPISODES],
}
ROW = re.compile(r"^\| \[(.+?)\]\(\.\./episodes/([\w-]+)\.md\) \| (\d+) \| (\d+) \|$", re.M)
TOTAL = re.compile(r"^\| \*\*Total\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \|$", re.M)


def _schedule(heading):
    text = NOTES.read_text()
    match = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^#|\Z)", text, re.M | re.S)
    assert match, f"the instructor notes need a schedule headed `### {heading}`"
    return match.group(1)


@pytest.mark.parametrize("heading", list(SCHEDULES))
def test_each_schedule_adds_up_to_the_headers(heading):
    section = _schedule(heading)
    rows = ROW.findall(section)
    stems = [stem for _, stem, _, _ in rows]
    wanted = SCHEDULES[heading]
    if wanted is None:
        assert stems and stems == CORE[: len(stems)] and len(stems) < len(CORE), stems
    else:
        assert stems == wanted, f"{heading}: {stems}, expected {wanted}"
    for _, stem, teaching, exercises in rows:
        assert (int(teaching), int(exercises)) == _minutes(EPISODES_DIR / f"{stem}.md"), stem
    total = TOTAL.search(section)
    assert total, f"{heading}: the table ends with `| **Total** | **T** | **E** |`"
    assert int(total.group(1)) == sum(int(row[2]) for row in rows)
    assert int(total.group(2)) == sum(int(row[3]) for row in rows)


def test_the_half_day_fits_in_an_afternoon():
    teaching, exercises = TOTAL.search(_schedule("Half day")).groups()
    assert int(teaching) + int(exercises) <= 180


@pytest.mark.parametrize("episode", CORE_EPISODES, ids=[p.stem for p in CORE_EPISODES])
def test_the_notes_list_each_core_episodes_concepts_and_what_learners_can_do(episode):
    text = NOTES.read_text()
    match = re.search(
        rf"^### .*\(\.\./episodes/{re.escape(episode.name)}\)\n(.*?)(?=^#|\Z)", text, re.M | re.S
    )
    assert match, f"the instructor notes need a `### [title](../episodes/{episode.name})` section"
    section = match.group(1)
    concepts = re.search(r"^New concepts:\n((?:\d+\. .+\n(?:   .+\n)*)+)", section, re.M)
    assert concepts, f"{episode.name}: a numbered list after `New concepts:`"
    count = len(re.findall(r"^\d+\. ", concepts.group(1), re.M))
    assert 1 <= count <= 5, f"{episode.name} introduces {count} concepts (at most 5)"
    assert re.search(r"^Learners leave able to: \S", section, re.M), episode.name


# Questions that diagnose (issue 24) ----------------------------------------------------

RIGHT = re.compile(r"^(?:- \*\*([A-Z])\*\* \*Right\.\*|\*\*([A-Z])\*\* is right)", re.M)
DISTRACTOR = re.compile(r"^- \*\*([A-Z])\*\* \*Misconception: (.+?)\*", re.M)


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_every_distractor_names_a_different_misconception(episode):
    for question, solution in _multiple_choice(read_episode(episode).cells):
        letters = CHOICE.findall(question.source)
        right = [a or b for a, b in RIGHT.findall(solution.source)]
        distractors = DISTRACTOR.findall(solution.source)
        assert len(right) == 1, f"{episode.name}: one right answer, `**X** is right`"
        assert sorted(right + [letter for letter, _ in distractors]) == letters, (
            f"{episode.name}: every other choice starts `- **X** *Misconception: ...*`"
        )
        labels = [label.strip().rstrip(".").lower() for _, label in distractors]
        assert len(set(labels)) == len(labels), f"{episode.name}: labels repeat: {labels}"


# Every helper an episode uses is on the "Without the helpers" page -----------------------

WITHOUT_HELPERS = ROOT / "website" / "without-helpers.md"
HELPER_USE = re.compile(r"\bhelpers(?:\.[a-z_]+)*\.([A-Za-z_]\w*)")
HELPER_IMPORT = re.compile(r"^from helpers(?:\.\w+)* import (.+)$", re.M)


def helpers_used(notebook):
    """Names of the helpers the code cells use: `helpers.x(...)`, `helpers.m.X`, imports."""
    names = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for imported in HELPER_IMPORT.findall(cell.source):
                names.update(name.strip() for name in imported.split(","))
            names.update(HELPER_USE.findall(HELPER_IMPORT.sub("", cell.source)))
    return names


def test_helpers_used_are_found_in_code():
    notebook = jupytext.reads(
        "```{code-cell} ipython3\nhelpers.show_images([a])\nc = helpers.plotting.LABEL_COLOURS\n"
        "from helpers.widgets import threshold_explorer, adaptive_explorer\n```\n",
        "md:myst",
    )
    assert helpers_used(notebook) == {
        "show_images",
        "LABEL_COLOURS",
        "threshold_explorer",
        "adaptive_explorer",
    }


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_every_helper_an_episode_uses_is_on_the_without_helpers_page(episode):
    page = WITHOUT_HELPERS.read_text()
    used = helpers_used(read_episode(episode))
    missing = sorted(name for name in used if not re.search(rf"\b{name}\b", page))
    assert not missing, f"{episode.name} uses helpers that without-helpers.md omits: {missing}"
