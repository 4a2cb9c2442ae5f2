"""Tests of the lesson's images in data/: reproducible, consistent, measured.

Regenerating everything takes about half a minute, so it is done once per
session into a temporary folder and compared with the committed files.
"""

import functools
import importlib.util
import itertools
import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from scipy import ndimage as ndi

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_DATA_BYTES = 30 * 1024 * 1024
DICE_MARGIN = 0.2


@functools.cache
def read(path):
    """Decoded pixels of a committed file, read once per session."""
    return iio.imread(path)


def load_module(name):
    """Import data/<name>.py by path (data/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"data_{name}", DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate():
    return load_module("generate")


@pytest.fixture(scope="module")
def report():
    return load_module("report")


@pytest.fixture(scope="module")
def manifest():
    return json.loads((DATA / "manifest.json").read_text())


@pytest.fixture(scope="module")
def regenerated(generate, tmp_path_factory):
    out = tmp_path_factory.mktemp("regenerated")
    written = generate.generate_all(out)
    return out, written


@pytest.fixture(scope="module")
def trial_rows(report):
    return report.trial_measurements(DATA)


def entries(manifest):
    return list(manifest["images"].items())


def files_of(entry):
    """The files of one image: the image, its mask and, for granular-cells and mixed-tissue,
    its strokes."""
    return [entry[key] for key in ("file", "mask", "strokes") if key in entry]


@pytest.mark.slow  # regenerates data/ (the `regenerated` fixture)
def test_generate_writes_every_file_of_the_manifest(regenerated, manifest):
    _, written = regenerated
    names = {Path(p).name for p in written}
    for _, entry in entries(manifest):
        assert set(files_of(entry)) <= names
    assert "manifest.json" in names


@pytest.mark.slow
def test_regenerated_images_identical_to_committed(regenerated, manifest):
    out, _ = regenerated
    for name, entry in entries(manifest):
        for file in files_of(entry):
            committed = read(DATA / file)
            fresh = iio.imread(out / file)
            assert committed.shape == fresh.shape, f"{name}: {file}"
            assert np.array_equal(committed, fresh), f"{name}: {file} differs"


@pytest.mark.slow
def test_regenerated_manifest_identical(regenerated, manifest):
    out, _ = regenerated
    assert json.loads((out / "manifest.json").read_text()) == manifest


@pytest.mark.slow
def test_regenerated_readme_identical(regenerated):
    out, _ = regenerated
    assert (out / "README.md").read_text() == (DATA / "README.md").read_text()


def test_file_names_follow_convention(manifest):
    for name, entry in entries(manifest):
        assert entry["file"] in (f"{name}.jpg", f"{name}.png")
        assert entry["mask"] == f"{name}-mask.png"
        assert entry.get("strokes", f"{name}-strokes.png") == f"{name}-strokes.png"
    on_disk = {p.name for p in DATA.iterdir() if p.suffix in (".jpg", ".png")}
    listed = {file for _, e in entries(manifest) for file in files_of(e)}
    assert on_disk == listed


def test_masks_are_binary_and_match_their_images(manifest):
    for name, entry in entries(manifest):
        image = read(DATA / entry["file"])
        mask = read(DATA / entry["mask"])
        assert mask.ndim == 2 and mask.dtype == np.uint8, name
        assert mask.shape == image.shape[:2], name
        assert (entry["height"], entry["width"]) == image.shape[:2], name
        assert set(np.unique(mask)) == {0, 255}, f"{name}: mask needs both 0 and 255 only"


def test_data_folder_is_small_enough():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < MAX_DATA_BYTES


def test_readme_file_sizes_are_correct(manifest):
    readme = (DATA / "README.md").read_text()
    for _, entry in entries(manifest):
        for file in files_of(entry):
            size = (DATA / file).stat().st_size
            assert f"({size:,} bytes)" in readme, file


def test_trials_are_large_rgb_photographs(manifest):
    trials = [e for n, e in entries(manifest) if n.startswith("trial-")]
    assert len(trials) >= 4
    for entry in trials:
        image = read(DATA / entry["file"])
        assert image.shape[0] >= 3000 and image.shape[1] >= 2000
        assert image.ndim == 3 and image.shape[2] == 3


def test_trial_root_fractions_in_manifest_match_masks(manifest):
    fractions = []
    for name, entry in entries(manifest):
        if name.startswith("trial-"):
            mask = read(DATA / entry["mask"]) > 0
            assert entry["root_fraction"] == pytest.approx(mask.mean(), abs=1e-6)
            fractions.append(entry["root_fraction"])
    assert min(fractions) < 0.03 and max(fractions) > 0.1  # clearly different masses


def test_plain_otsu_overestimates_every_trial(trial_rows):
    for row in trial_rows:
        assert row["plain"] > row["true"], row["name"]


def test_excluding_overexposed_pixels_is_closer_to_truth(trial_rows):
    for row in trial_rows:
        assert abs(row["enhanced"] - row["true"]) < abs(row["plain"] - row["true"]), row["name"]


def test_local_threshold_beats_every_global_one(report):
    scores = report.uneven_scores(DATA)
    local = scores.pop("local")
    assert set(scores) == {"otsu", "li", "yen", "triangle", "mean"}
    for method, score in scores.items():
        assert local >= score + DICE_MARGIN, method


def test_granular_cells_differ_in_texture_not_in_brightness(manifest):
    """Episode 7's premise: inside and outside the cells the mean is the same (no threshold
    can split them), the spread from pixel to pixel is not."""
    for name in ("granular-cells", "granular-cells-2"):
        entry = manifest["images"][name]
        image = read(DATA / entry["file"]) / 255
        cells = read(DATA / entry["mask"]) > 0
        assert image.ndim == 2 and image.dtype == np.float64, name  # 8-bit grayscale
        assert abs(image[cells].mean() - image[~cells].mean()) < 0.02, name
        assert image[cells].std() > 1.5 * image[~cells].std(), name
        assert ndi.label(cells)[1] == entry["cells"], name


def test_strokes_are_a_few_hand_drawn_lines_on_the_right_side_of_the_truth(manifest):
    """0 unlabelled, 1 background, 2 cell; lines of many pixels each (not scattered
    points), cell strokes inside cells and background strokes outside, both in every
    quarter of the image's light: rows and columns, top and bottom, left and right."""
    entry = manifest["images"]["granular-cells"]
    strokes = read(DATA / entry["strokes"])
    cells = read(DATA / entry["mask"]) > 0
    assert strokes.dtype == np.uint8 and strokes.shape == cells.shape
    assert set(np.unique(strokes)) == {0, 1, 2}
    assert cells[strokes == 2].all() and not cells[strokes == 1].any()
    assert 0.002 < np.mean(strokes > 0) < 0.01  # a few strokes, not a painted image
    for label in (1, 2):
        pieces, count = ndi.label(strokes == label)
        assert 4 <= count <= 8, label
        assert np.bincount(pieces.ravel())[1:].min() > 40, label
    rows, cols = strokes.shape
    for half in (
        np.s_[: rows // 2],
        np.s_[rows // 2 :],
        np.s_[:, : cols // 2],
        np.s_[:, cols // 2 :],
    ):
        assert {1, 2} <= set(np.unique(strokes[half])), half


@pytest.fixture(scope="module")
def tissues(generate):
    """Both mixed-tissue images as generated: image, mask, cells and the two kinds of patch."""
    return {name: generate.mixed_tissue(seed) for name, seed in generate.TISSUE.items()}


def test_mixed_tissue_cells_are_dark_and_grainy_each_patch_only_one(generate, tissues, manifest):
    """Episode 7's second premise: a cell is as dark as a dark patch and as grainy as a grainy
    patch, so neither brightness nor texture alone separates cells from background. The
    committed PNG is the generated image, rounded to 8 bits."""
    for name, (image, cells, layout, dark, grainy) in tissues.items():
        entry = manifest["images"][name]
        committed = read(DATA / entry["file"]) / 255
        assert np.abs(committed - image).max() <= 0.5 / 255 + 1e-6, name
        assert np.array_equal(read(DATA / entry["mask"]) > 0, cells), name
        assert entry["cells"] == len(layout) == ndi.label(cells)[1], name
        assert not (dark & grainy).any(), name
        inside = ndi.binary_erosion(cells, iterations=3)
        dark_only = ndi.binary_erosion(dark & ~cells, iterations=3)
        grainy_only = ndi.binary_erosion(grainy & ~cells, iterations=3)
        plain = ndi.binary_erosion(~cells & ~dark & ~grainy, iterations=3)
        for patch in (dark_only, grainy_only):
            assert patch.mean() > cells.mean(), f"{name}: a patch is rarer than the cells"
        mean = {
            k: image[v].mean()
            for k, v in [
                ("cell", inside),
                ("dark", dark_only),
                ("grainy", grainy_only),
                ("plain", plain),
            ]
        }
        std = {
            k: image[v].std()
            for k, v in [
                ("cell", inside),
                ("dark", dark_only),
                ("grainy", grainy_only),
                ("plain", plain),
            ]
        }
        assert abs(mean["cell"] - mean["dark"]) < 0.03, name
        assert mean["grainy"] > mean["cell"] + 0.15 and mean["plain"] > mean["cell"] + 0.15, name
        assert std["grainy"] > 0.8 * std["cell"], name
        assert std["dark"] < 0.5 * std["cell"] and std["plain"] < 0.5 * std["cell"], name


def test_mixed_tissue_strokes_cover_cells_and_every_kind_of_background(tissues, manifest):
    """Two cell strokes in each quarter, background strokes in each kind of background,
    on the right side of the truth; a few strokes, not a painted image."""
    entry = manifest["images"]["mixed-tissue"]
    assert entry["strokes_by"] == "tissue_strokes"
    strokes = read(DATA / entry["strokes"])
    _, cells, _, dark, grainy = tissues["mixed-tissue"]
    assert strokes.dtype == np.uint8 and set(np.unique(strokes)) == {0, 1, 2}
    assert cells[strokes == 2].all() and not cells[strokes == 1].any()
    assert 0.002 < np.mean(strokes > 0) < 0.01
    cell_pieces, count = ndi.label(strokes == 2)
    assert count == 8
    rows, cols = strokes.shape
    for quarter in itertools.product(
        (np.s_[: rows // 2], np.s_[rows // 2 :]), (np.s_[: cols // 2], np.s_[cols // 2 :])
    ):
        assert np.any(strokes[quarter] == 2), quarter
    for kind in (~dark & ~grainy, dark, grainy):
        on_kind = (strokes == 1) & kind  # three strokes, which may cross
        assert ndi.label(on_kind)[1] >= 2 and np.count_nonzero(on_kind) > 200
    assert "mixed-tissue-strokes.png" in (DATA / "README.md").read_text()


def test_colony_count_matches_colonies_drawn(generate, manifest):
    entry = manifest["images"]["colonies"]
    layout = generate.colony_layout()
    assert entry["colonies"] == len(layout)
    assert entry["colonies_visible"] == entry["colonies"]  # none hidden under another


def test_touching_colonies_merge_in_the_mask(manifest):
    entry = manifest["images"]["colonies"]
    mask = read(DATA / entry["mask"]) > 0
    components = ndi.label(mask)[1]
    assert components == entry["mask_components"]
    assert components < entry["colonies"]


def test_main_accepts_out_option(generate, monkeypatch):
    calls = []
    monkeypatch.setattr(generate, "generate_all", lambda out: calls.append(out) or [])
    assert generate.main(["--out", "somewhere"]) == 0
    assert calls == [Path("somewhere")]


@pytest.mark.slow  # blurs every root photograph at every sigma
def test_a_moderate_blur_beats_no_blur_on_every_root_photograph(report):
    """The lesson's keypoint "blur before thresholding" must hold on its own data."""
    sigmas = list(report.SIGMAS)
    for name, scores in report.sigma_scores(DATA).items():
        best = sigmas[int(np.argmax(scores))]
        assert 1 <= best <= 2, f"{name}: best sigma {best}, Dice {scores}"
        assert scores[sigmas.index(best)] > scores[sigmas.index(0)] + 0.02, name
        assert best == report.SIGMA or name == "maize-roots", name


@pytest.mark.slow  # thresholds every root photograph at every cut-off
def test_the_bright_cut_off_is_a_real_choice(report):
    """The label's paper is not flat white: too high or too low a cut-off is worse."""
    cut_offs = list(report.CUT_OFFS)
    for name, scores in report.cut_off_scores(DATA).items():
        best = cut_offs[int(np.argmax(scores))]
        assert best == report.OVEREXPOSED, f"{name}: {scores}"
        assert scores[cut_offs.index(0.95)] < max(scores) - 0.02, name
        assert scores[cut_offs.index(0.8)] < max(scores) - 0.02, name


def test_camera_noise_is_shot_and_read_noise_in_linear_light(generate):
    """Variance in electrons is the signal (shot noise) plus the read noise squared."""
    rng = np.random.default_rng(0)
    full_well, read_noise = 200.0, 3.0
    for level in (0.3, 0.6, 0.85):  # sRGB values of flat grey scenes, none clipping
        scene = np.full((400, 400), level, np.float32)
        photo = generate.camera(rng, scene.copy(), 0.5, full_well, read_noise)
        electrons = generate.srgb_to_linear(photo.copy()) * full_well
        signal = float(generate.srgb_to_linear(scene.copy())[0, 0]) * full_well
        assert electrons.mean() == pytest.approx(signal, rel=0.03, abs=0.5)
        assert electrons.var() == pytest.approx(signal + read_noise**2, rel=0.1)


def test_white_paper_is_not_flat_in_the_trials(manifest):
    """Labels are shaded and grainy, so a bright cut-off is a choice, not a formality."""
    for name, entry in entries(manifest):
        if name.startswith("trial-"):
            gray = read(DATA / entry["file"]).mean(axis=2) / 255
            paper = gray[gray > 0.88]
            assert np.mean(paper < 0.95) > 0.1, name  # much of the paper is below 0.95
