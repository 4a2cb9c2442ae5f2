"""Episode 7's claims, checked against what its executed copy printed and against scikit-image.

The text says that every threshold on brightness stays below a Dice coefficient of 0.6 on the
granular cells, that the local standard deviation thresholded with Otsu finds them (filter,
then threshold), that on the mixed tissue no feature of a stated family, each with its best
threshold, comes within 0.1 of the forest tested on an image it never saw, that a threshold of
0.5 on the forest's probabilities is its mask, that random feature subsets beat bagging alone,
and that a deeper tree fits the strokes better and the unseen image worse. Each test reads the
bound from the text and the number from tests/expected (which nbval keeps equal to a fresh
run), so a new scikit-image or scikit-learn that breaks a sentence fails here, with the
sentence named. The feature names the episode gives the twenty channels of
``multiscale_basic_features`` are checked against the filters they name.
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


def test_filter_then_threshold_finds_the_granular_cells(printed):
    """A local standard deviation, thresholded with Otsu, is far better than any threshold on
    brightness, on both granular-cells images."""
    assert "This is thresholding again, on a computed **feature**" in _prose()
    first = _number(r"local standard deviation, Otsu's threshold: Dice = ([\d.]+)", printed)
    second = _number(r"on granular-cells-2: Dice = ([\d.]+)", printed)
    best_local = _number(r"best: block_size \d+, .*Dice = ([\d.]+)", printed)
    assert min(first, second) >= 0.9
    assert min(first, second) > best_local + 0.3


def test_no_single_feature_comes_within_a_tenth_of_the_forest(printed):
    """The stated family (local mean and std at 3-31 px, Gaussian and Sobel at sigma 1-8, each
    with its best threshold) on the unseen image, against the forest trained on strokes; and
    each of the forest's own twenty features alone."""
    prose = " ".join(_prose().split())
    assert "local mean and the local standard deviation over windows of 3 to 31 pixels" in prose
    best_feature = _number(r"20 features; best: .*, Dice = ([\d.]+)", printed)
    training = _number(r"forest: Dice ([\d.]+) on the training image", printed)
    unseen = _number(r"forest: Dice [\d.]+ on the training image, ([\d.]+) on the unseen", printed)
    assert unseen >= best_feature + 0.1 and training >= unseen - 0.1
    assert "at least 0.1 above the best single feature: True" in printed
    single = _number(r"best single feature of the twenty, best threshold: Dice ([\d.]+)", printed)
    assert unseen >= single + 0.1


def test_a_threshold_of_the_probability_is_the_forests_mask(printed):
    unseen = _number(r"forest: Dice [\d.]+ on the training image, ([\d.]+) on the unseen", printed)
    at_half = _number(r"probability > 0.5 threshold \(0.500\): Dice = ([\d.]+)", printed)
    otsu = _number(r"probability > Otsu's threshold \([\d.]+\): Dice = ([\d.]+)", printed)
    assert at_half == unseen
    assert "Otsu's threshold of the map, lower here, lets in more" in " ".join(_prose().split())
    assert otsu < at_half


def test_random_feature_subsets_beat_bagging_alone(printed):
    bagging = _number(r"bagging alone: Dice ([\d.]+)", printed)
    forest = _number(r"random forest: Dice ([\d.]+)", printed)
    assert forest > bagging + 0.05


def test_a_deeper_tree_fits_the_strokes_better_and_the_unseen_image_worse(printed):
    rows = re.findall(
        r"max_depth (\w+): depth (\d+), +(\d+) leaves, stroke pixels right ([\d.]+), "
        r"unseen Dice ([\d.]+)",
        printed,
    )
    assert len(rows) == 5
    right = [float(row[3]) for row in rows]
    unseen = [float(row[4]) for row in rows]
    assert right == sorted(right) and right[-1] == 1.0
    best = unseen.index(max(unseen))
    assert f"best for a tree of depth {rows[best][1]}" in " ".join(_prose().split())
    assert unseen[-1] < max(unseen) - 0.05  # the deepest tree really overfits


def test_before_any_drawing_your_forest_is_the_forest_above(printed):
    """The copy that stackview.annotate paints into starts as the stored strokes, so the
    forest trained on it, with the same settings, finds what the first forest found."""
    assert "Before you draw, your strokes are the stored ones, and so is the Dice" in _prose()
    unseen = _number(r"forest: Dice [\d.]+ on the training image, ([\d.]+) on the unseen", printed)
    assert _number(r"your forest: Dice ([\d.]+)", printed) == unseen
    pixels = re.findall(r"pixels: unlabelled, background, cell = (\[[\d ]+\])", printed)
    assert len(pixels) >= 2 and pixels[0] == pixels[1], pixels  # (Challenge 3 prints its own)


def test_every_kind_of_feature_counted(printed):
    prose = " ".join(_prose().split())
    assert "Every kind counted. The largest single importances belong to the texture" in prose
    kinds = dict(re.findall(r"all (\w+(?: \d)?)\s*: ([\d.]+)", printed))
    assert set(kinds) == {"intensity", "edges", "texture 1", "texture 2"}
    assert min(float(v) for v in kinds.values()) > 0.1
    top = re.search(r"\n(texture \d, sigma 16)\s+[\d.]+\n", "\n" + printed)
    assert top, "the most important feature is no longer a texture feature at sigma 16"


def _feature_names() -> list[str]:
    """The episode's ``feature_names``, from the cell that defines it."""
    (source,) = [
        cell.source
        for cell in read_episode(EPISODE).cells
        if cell.cell_type == "code" and "feature_names =" in cell.source
    ]
    source = source[source.index("sigmas = ") :]  # the lines that name the features
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
