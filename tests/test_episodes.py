"""The episodes: conventions, executed copies in step with the text, figures described.

nbval itself re-executes the copies in tests/expected/ and compares every text output; the
tests here make sure that comparison means something.
"""

import re

import jupytext
import nbformat
import pytest

from tests.support.episode_notebooks import (
    ROOT,
    cell_summary,
    episode_paths,
    expected_path,
    read_episode,
)
from website.lesson_site import NOTEBOOK_ONLY

EPISODES = episode_paths()
IDS = [path.stem for path in EPISODES]
IGNORE = "nbval-ignore-output"


def _expected(episode):
    return nbformat.read(expected_path(episode), as_version=4)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _text_outputs(cell):
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            yield output["text"]
        elif "data" in output:
            yield output["data"].get("text/plain", "")
        elif output["output_type"] == "error":
            yield "\n".join(output.get("traceback", []))


def _shows_a_figure(cell):
    """A picture or a widget among the outputs (their payloads are emptied in the copies)."""
    return any(
        mimetype in output.get("data", {})
        for output in cell.get("outputs", [])
        for mimetype in ("image/png", "application/vnd.jupyter.widget-view+json")
    )


def test_there_are_episodes():
    assert len(EPISODES) >= 1


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_expected_notebook_is_current(episode):
    """An edited episode fails here until `make expected` re-executes it."""
    assert expected_path(episode).exists(), "run `make expected`"
    assert cell_summary(read_episode(episode)) == cell_summary(_expected(episode)), (
        f"{episode.name} changed since tests/expected was made: run `make expected` "
        "and review the changed outputs before committing."
    )


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_every_code_cell_was_executed(episode):
    """nbval skips cells without an execution count, so every one must have one."""
    for cell in _expected(episode).cells:
        if cell.cell_type == "code":
            assert isinstance(cell.get("execution_count"), int), cell.source


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_no_errors_or_warnings_in_outputs(episode):
    for cell in _expected(episode).cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", cell.source
            assert output.get("name") != "stderr", (cell.source, output.get("text"))


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_figure_cells_have_alt_text_and_ignored_outputs(episode):
    figures = 0
    for cell in _expected(episode).cells:
        if cell.cell_type != "code" or not _shows_a_figure(cell):
            continue
        figures += 1
        assert IGNORE in _tags(cell), f"figure cell without {IGNORE}: {cell.source}"
        if "remove-output" in _tags(cell):  # a widget that needs a kernel: no picture on the
            # website, where a note says that it runs in the notebook (test_site_explorers)
            assert any(call in cell.source for call in NOTEBOOK_ONLY), cell.source
            continue
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt.split()) >= 6, f"figure cell needs descriptive alt text: {cell.source}"
    assert figures >= 1


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_ignored_cells_print_no_numbers(episode):
    """Output of ignored cells is not compared, so they must not print anything."""
    for cell in _expected(episode).cells:
        if IGNORE in _tags(cell):
            assert not any(o["output_type"] == "stream" for o in cell.get("outputs", [])), (
                cell.source
            )


NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def _prose(markdown):
    """Markdown without code spans, code blocks and link targets."""
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    markdown = re.sub(r"`[^`]*`", "", markdown)
    return re.sub(r"\]\([^)]*\)", "]", markdown)


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_numbers_in_the_text_are_printed_by_the_code(episode):
    """A decimal number in the narrative must appear in an output the tests check."""
    notebook = _expected(episode)
    printed = "\n".join(
        text for cell in notebook.cells if IGNORE not in _tags(cell) for text in _text_outputs(cell)
    )
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for number in NUMBER.findall(_prose(cell.source)):
                assert number in printed, f"{number} in the text of {episode.name} is not printed"


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_lesson_conventions(episode):
    cells = read_episode(episode).cells
    first = cells[0].source
    assert first.startswith("# ")
    for part in (
        r"\*\*Teaching:\*\* \d+ min",
        r"\*\*Exercises:\*\* \d+ min",
        r"\*\*Questions\*\*\n(> - .+\n)+",
        r"\*\*Objectives\*\*\n(> - .+\n)+",
    ):
        assert re.search(part, first + "\n"), part
    assert cells[-1].source.startswith("## Keypoints\n\n- ")
    challenges = [i for i, cell in enumerate(cells) if "challenge" in _tags(cell)]
    assert len(challenges) >= 2
    for index in challenges:
        assert "solution" in _tags(cells[index + 1]), f"challenge at cell {index} has no solution"
    for cell in cells:
        if cell.cell_type == "code" and "solution" in _tags(cell):
            assert "hide-input" in _tags(cell)
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_tags_survive_jupytext_round_trips(episode):
    """jupytext can drop cell metadata in some formats; MyST and ipynb must keep it."""
    notebook = read_episode(episode)
    via_ipynb = jupytext.reads(jupytext.writes(notebook, "ipynb"), "ipynb")
    via_myst = jupytext.reads(jupytext.writes(via_ipynb, "md:myst"), "md:myst")
    metadata = [cell.metadata for cell in notebook.cells]
    assert [cell.metadata for cell in via_ipynb.cells] == metadata
    assert [cell.metadata for cell in via_myst.cells] == metadata
    assert any(_tags(cell) for cell in notebook.cells)


@pytest.mark.parametrize("episode", EPISODES, ids=IDS)
def test_episode_file_is_as_jupyterlab_would_save_it(episode):
    """Saving from JupyterLab must not rewrite the file (no spurious diffs)."""
    text = episode.read_text()
    canonical = jupytext.writes(jupytext.reads(text, "md:myst"), "md:myst")
    assert canonical == text, (
        f"{episode.name} is not in jupytext's own layout; rewrite it with "
        f"`.venv/bin/jupytext --to md:myst {episode.relative_to(ROOT)}`"
    )


@pytest.mark.parametrize(
    ("document", "prefix"),
    [("README.md", "episodes/"), ("instructors/instructor-notes.md", "../episodes/")],
)
def test_schedules_list_every_episode_with_its_timings(document, prefix):
    text = (ROOT / document).read_text()
    for episode in EPISODES:
        first = read_episode(episode).cells[0].source
        title = first.splitlines()[0].removeprefix("# ")
        teaching = re.search(r"\*\*Teaching:\*\* (\d+) min", first).group(1)
        exercises = re.search(r"\*\*Exercises:\*\* (\d+) min", first).group(1)
        link = f"{prefix}{episode.name}"
        row = (
            rf"\|\s*\[{re.escape(title)}\]\({re.escape(link)}\)"
            rf"\s*\|\s*{teaching}\s*\|\s*{exercises}\s*\|"
        )
        expected_row = f"| [{title}]({link}) | {teaching} | {exercises} |"
        assert re.search(row, text), f"{document} needs the row: {expected_row}"


def test_instructor_notes_give_the_total_of_the_headers():
    minutes = 0
    for episode in EPISODES:
        first = read_episode(episode).cells[0].source
        minutes += sum(map(int, re.findall(r"\*\*(?:Teaching|Exercises):\*\* (\d+) min", first)))
    notes = (ROOT / "instructors" / "instructor-notes.md").read_text()
    stated = re.search(r"take (\d+) minutes", notes)
    assert stated, "the instructor notes must say how many minutes the episodes take"
    assert int(stated.group(1)) == minutes, f"the episodes' headers add up to {minutes} minutes"
