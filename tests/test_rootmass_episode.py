"""The batch command measures what the root-mass episode measures.

The oracle is the episode itself: the code cell that defines ``measure_root_mass`` in
episodes/05-root-mass.md, executed as a learner would, with imageio, scikit-image and NumPy
only (a learner can copy it into a project: it must not need the lesson's helpers). The
command (float32, numpy) must agree with it to within 1e-4 in the root fraction on every
photograph, whatever its format.
"""

import ast
import builtins
import csv
import json
import types
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import skimage as ski
from PIL import Image

import helpers
from rootmass.command import main
from tests.support.synthetic_photos import root_photograph

ROOT = Path(__file__).resolve().parent.parent
EPISODE = ROOT / "episodes" / "05-root-mass.md"
EXPECTED = ROOT / "tests" / "expected" / f"{EPISODE.stem}.ipynb"
TOLERANCE = 1e-4
#: What the episode's setup cell imports, that the function may use.
LIBRARIES = {"iio": iio, "ski": ski, "np": np}


@pytest.fixture(scope="module")
def source() -> str:
    """The episode's code cell that defines ``measure_root_mass``."""
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
    return sources[0]


def _define(source: str, libraries: dict) -> types.FunctionType:
    namespace = dict(libraries)
    exec(source, namespace)
    return namespace["measure_root_mass"]


@pytest.fixture(scope="module")
def measure_root_mass(source):
    """``measure_root_mass`` from the episode, defined with imageio, scikit-image and NumPy
    alone; for files a camera does not write (grayscale, 16-bit, transparent, palette), its
    ``iio.imread`` reads through the lesson's loader, as colour in [0, 1]."""
    plain = _define(source, LIBRARIES)
    loader = types.SimpleNamespace(imread=lambda filename: helpers.load_image(filename))
    any_format = _define(source, {**LIBRARIES, "iio": loader})

    def measure(filename, **options):
        if iio.imread(filename).shape[2:] == (3,):  # RGB: the learner's function as it is
            return plain(filename, **options)
        return any_format(filename, **options)

    return measure


def test_measure_root_mass_uses_no_helpers(source):
    """The function names nothing but its own variables, Python's built-ins, imageio,
    scikit-image and NumPy, and imports nothing."""
    tree = ast.parse(source)
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    (function,) = tree.body
    local = {argument.arg for argument in function.args.args}
    local |= {
        node.id
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
    used -= set(dir(builtins))  # bool, print, ...
    assert "helpers" not in source
    assert used - local <= set(LIBRARIES), f"it uses {sorted(used - local - set(LIBRARIES))}"


def test_measure_root_mass_alone_gives_the_episodes_printed_number(source):
    """Defined with the three libraries only, it prints what the executed episode printed
    for trial-016 (tests/expected, checked against the episode by nbval)."""
    cells = json.loads(EXPECTED.read_text())["cells"]
    (printed,) = [
        "".join(output["text"])
        for cell in cells
        if "".join(cell["source"]).startswith('print(f"{measure_root_mass(filename)')
        for output in cell["outputs"]
    ]
    filename = helpers.data_dir() / "trial-016.jpg"
    assert f"{_define(source, LIBRARIES)(filename):.4f}\n" == printed


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
    alpha = np.full(gray.shape, 255, np.uint8)  # opaque: a transparent photograph is a
    iio.imwrite(folder / "rgba.png", np.dstack([photograph, alpha]))  # problem row (README)
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
