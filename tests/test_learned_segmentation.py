"""Episode 7's claims, checked against what its executed copy printed and against scikit-image.

The text says that every threshold stays below a Dice coefficient of 0.6, that the forest
reaches at least 0.9 on the image it learned from and at least 0.85 on one it never saw,
that a single tree is right on every stroke pixel yet far worse, and that intensity, the
only thing a threshold looks at, hardly counted. Each test reads the bound from the text
and the number from tests/expected (which nbval keeps equal to a fresh run), so a new
scikit-image or scikit-learn that breaks a sentence fails here, with the sentence named.
The feature names the episode gives the twenty channels of ``multiscale_basic_features``
are checked against the filters they name.
"""

import re

import nbformat
import numpy as np
import pytest
import skimage as ski

from tests.support.episode_notebooks import ROOT, expected_path, read_episode

EPISODE = ROOT / "episodes" / "07-learned-segmentation.md"


def _prose() -> str:
    return "\n".join(c.source for c in read_episode(EPISODE).cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def printed() -> str:
    """Everything the executed episode printed, outside figure cells."""
    notebook = nbformat.read(expected_path(EPISODE), as_version=4)
    return "\n".join(
        output["text"]
        for cell in notebook.cells
        if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", [])
        if output["output_type"] == "stream"
    )


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"the episode no longer prints {pattern!r}"
    return float(match.group(1))


def test_every_threshold_stays_below_the_bound_the_text_gives(printed):
    assert "Both stay below 0.6" in _prose()
    best_global = _number(r"best: image [<>] [\d.]+, Dice = ([\d.]+)", printed)
    best_local = _number(r"best: block_size \d+, .*Dice = ([\d.]+)", printed)
    assert best_global < 0.6 and best_local < 0.6
    assert "both below 0.6: True" in printed


def test_the_forest_reaches_the_bounds_the_text_gives(printed):
    assert "at least 0.9 on the training image and 0.85 on the unseen one" in printed
    training = _number(r"Dice on the training image: ([\d.]+)", printed)
    unseen = _number(r"Dice on the unseen image: ([\d.]+)", printed)
    assert training >= 0.9 and unseen >= 0.85
    assert ": True" in printed.split("Dice on the unseen image")[1].splitlines()[1]


def test_one_tree_is_right_on_the_strokes_and_far_worse_than_the_forest(printed):
    assert "The tree classifies every stroke pixel right" in _prose()
    line = r"{}\s*: stroke pixels right ([\d.]+), Dice ([\d.]+) \(training\), ([\d.]+)"
    tree = re.search(line.format("one tree"), printed).groups()
    forest = re.search(line.format("forest"), printed).groups()
    assert float(tree[0]) == 1.0
    for tree_dice, forest_dice in zip(tree[1:], forest[1:], strict=True):
        assert float(tree_dice) < float(forest_dice) - 0.2


def test_intensity_hardly_counted(printed):
    assert "intensity, the only thing a threshold\nlooks at, hardly counted" in _prose()
    kinds = dict(re.findall(r"all (\w+(?: \d)?)\s*: ([\d.]+)", printed))
    assert set(kinds) == {"intensity", "edges", "texture 1", "texture 2"}
    assert float(kinds["intensity"]) < 0.5 * min(
        float(v) for k, v in kinds.items() if k != "intensity"
    )


def _feature_names() -> list[str]:
    """The episode's ``feature_names``, from the cell that defines it."""
    (source,) = [
        cell.source
        for cell in read_episode(EPISODE).cells
        if cell.cell_type == "code" and "feature_names =" in cell.source
    ]
    namespace: dict = {}
    exec(source.replace("print(", "(lambda *args: None)("), namespace)
    return namespace["feature_names"]


def test_feature_names_follow_multiscale_basic_features():
    """Channel order from scikit-image: per sigma, the Gaussian blur, its Sobel filter and
    the Hessian's two eigenvalues, larger first; sigmas doubling from sigma_min."""
    image = np.random.default_rng(0).random((48, 40))
    features = ski.feature.multiscale_basic_features(image, sigma_min=1, sigma_max=16)
    names = _feature_names()
    assert len(names) == features.shape[-1] == 20
    for channel, name in enumerate(names):
        kind, sigma = re.fullmatch(
            r"(intensity|edges|texture 1|texture 2), sigma (\d+)", name
        ).groups()
        blurred = ski.filters.gaussian(ski.util.img_as_float32(image), sigma=float(sigma))
        hessian = [
            np.gradient(np.gradient(blurred)[a], axis=b) for a, b in [(0, 0), (0, 1), (1, 1)]
        ]
        expected = {
            "intensity": blurred,
            "edges": ski.filters.sobel(blurred),
            "texture 1": ski.feature.hessian_matrix_eigvals(hessian)[0],
            "texture 2": ski.feature.hessian_matrix_eigvals(hessian)[1],
        }[kind]
        np.testing.assert_allclose(features[..., channel], expected, atol=1e-5, err_msg=name)
