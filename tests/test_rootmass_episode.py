"""The batch command measures what the root-mass episode measures.

The oracle is the episode itself: the code cell that defines ``measure_root_mass`` in
episodes/05-root-mass.md, executed as a learner would. The command (float32, numpy) must
agree with it to within 1e-4 in the root fraction on every photograph, whatever its format.
"""

import csv
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import skimage as ski
from PIL import Image

import helpers
from helpers.batch import main
from synthetic_photos import root_photograph

EPISODE = Path(__file__).resolve().parent.parent / "episodes" / "05-root-mass.md"
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def measure_root_mass():
    """``measure_root_mass`` from the episode's code cell."""
    if not EPISODE.exists():
        pytest.skip(f"{EPISODE.name} is not in this checkout")
    import jupytext

    notebook = jupytext.read(EPISODE)
    sources = [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.lstrip().startswith("def measure_root_mass")
    ]
    assert len(sources) == 1, f"{EPISODE} should define measure_root_mass in one code cell"
    namespace = {"helpers": helpers, "ski": ski, "np": np}
    exec(sources[0], namespace)
    return namespace["measure_root_mass"]


@pytest.fixture(scope="module")
def photographs(tmp_path_factory) -> Path:
    """Full-size photographs with a label, and small ones in every format the loader reads."""
    folder = tmp_path_factory.mktemp("photographs")
    for seed in (1, 2):  # 2000 wide, 3000 high, with a bright label
        photograph, _ = root_photograph(seed)
        Image.fromarray(photograph).save(folder / f"full-{seed}.jpg", quality=90)
    photograph, _ = root_photograph(3, width=300, height=400)
    gray = ski.util.img_as_ubyte(ski.color.rgb2gray(photograph))
    iio.imwrite(folder / "rgb.jpg", photograph, quality=85)
    iio.imwrite(folder / "rgb.png", photograph)
    iio.imwrite(folder / "gray.png", gray)
    iio.imwrite(folder / "gray.jpg", gray, quality=85)
    iio.imwrite(folder / "gray16.png", gray.astype(np.uint16) * 257 + 100)
    alpha = np.full(gray.shape, 255, np.uint8)
    alpha[:50, :80] = 0  # a transparent corner, composited on white
    iio.imwrite(folder / "rgba.png", np.dstack([photograph, alpha]))
    Image.fromarray(photograph).convert("P").save(folder / "palette.png")
    iio.imwrite(folder / "gray.tif", gray)
    return folder


@pytest.mark.parametrize(("sigma", "exclude_above"), [(1.5, None), (1.0, 0.9)])
def test_command_agrees_with_the_episode_on_every_photograph(
    measure_root_mass, photographs, tmp_path, sigma, exclude_above
):
    """The command's default, and the episode's settings (chosen by the ground truth)."""
    out = tmp_path / "results.csv"
    arguments = [str(photographs / "*"), "--out", str(out), "--jobs", "2", "--quiet"]
    arguments += ["--sigma", str(sigma)]
    if exclude_above is not None:
        arguments += ["--exclude-above", str(exclude_above)]
    assert main(arguments) == 0
    with out.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 10
    differences = {
        Path(row["file"]).name: abs(
            float(row["root_fraction"])
            - measure_root_mass(row["file"], sigma=sigma, exclude_above=exclude_above)
        )
        for row in rows
    }
    largest = max(differences, key=differences.get)
    print(f"largest difference {differences[largest]:.2g} ({largest})")
    assert differences[largest] <= TOLERANCE, differences
