"""The explorers without a browser: build them, move their controls, check what changes."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import skimage as ski

import helpers
from helpers.widgets import adaptive_explorer, root_mass_explorer, threshold_explorer


@pytest.fixture(scope="module", autouse=True)
def widget_backend():
    """pyplot on ipympl, as after the episodes' ``%matplotlib widget`` (the explorers draw
    with Agg, without pyplot, whatever its backend)."""
    before = plt.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    yield
    plt.close("all")
    plt.switch_backend(before)


@pytest.fixture(scope="module")
def coins():
    return helpers.load_image("coins", gray=True, dtype="uint8")


@pytest.fixture(scope="module")
def roots():
    """A small synthetic root photograph: bright lines on dark soil, a white label."""
    rng = np.random.default_rng(16)
    gray = 0.15 + 0.05 * rng.random((120, 160))
    truth = np.zeros(gray.shape, dtype=bool)
    truth[10:110, 40:44] = True
    truth[60:64, 44:140] = True
    gray[truth] = 0.6
    gray[5:25, 120:155] = 1.0  # label
    return gray, truth


def _fraction(readout: str) -> float:
    return float(readout.split("covers ")[1].split(" %")[0])


def test_threshold_explorer_starts_at_otsu_of_scikit_image(coins):
    explorer = threshold_explorer(coins)
    assert explorer.controls["threshold"].value == ski.filters.threshold_otsu(coins)
    assert explorer.controls["method"].value == "Otsu"


def test_threshold_readout_is_the_fraction_of_every_pixel(coins):
    explorer = threshold_explorer(coins)
    for t in (40, 107, 200.5):
        for direction in (">", "<"):
            explorer.controls["foreground"].value = direction
            explorer.controls["threshold"].value = t
            expected = np.mean(coins > t if direction == ">" else coins < t)
            assert _fraction(explorer.readout.value) == pytest.approx(100 * expected, abs=0.05)


def test_threshold_fraction_of_float_image_matches_numpy():
    image = np.random.default_rng(0).random((60, 70))
    explorer = threshold_explorer(image)
    explorer.controls["threshold"].value = 0.25
    assert _fraction(explorer.readout.value) == pytest.approx(100 * np.mean(image > 0.25), abs=0.05)


def test_threshold_move_changes_artists_in_place(coins):
    explorer = threshold_explorer(coins)
    axes = explorer.figure.axes
    mask_image = axes[2].images[0]
    line = axes[1].lines[0]
    before_mask = mask_image.get_array().copy()
    before_readout = explorer.readout.value
    explorer.controls["threshold"].value = 60
    assert explorer.figure.axes == axes  # same figure, same axes
    assert axes[2].images[0] is mask_image and axes[1].lines[0] is line
    assert list(line.get_xdata()) == [60, 60]
    assert not np.array_equal(mask_image.get_array(), before_mask)
    assert explorer.readout.value != before_readout
    assert axes[2].get_title() == f"mask: {_fraction(explorer.readout.value):.1f} % foreground"


@pytest.mark.parametrize("label", ["Li", "Yen", "triangle", "mean", "Otsu"])
def test_method_dropdown_moves_the_slider_to_scikit_image_threshold(coins, label):
    explorer = threshold_explorer(coins, threshold=10)
    explorer.controls["method"].value = label
    function = getattr(ski.filters, f"threshold_{label.lower()}")
    assert explorer.controls["threshold"].value == pytest.approx(function(coins))
    assert label in explorer.readout.value


def test_moving_the_slider_away_from_a_method_selects_manual(coins):
    explorer = threshold_explorer(coins)
    explorer.controls["threshold"].value = 30
    assert explorer.controls["method"].value == "manual"


def test_block_size_stays_odd():
    explorer = adaptive_explorer(helpers.load_image("page", gray=True, dtype="uint8"))
    block = explorer.controls["block_size"]
    for value in (4, 10, 36, block.max + 5):
        block.value = value
        assert block.value % 2 == 1
        assert block.min <= block.value <= block.max


@pytest.mark.parametrize(("start", "shown"), [(1, 3), (34, 35), (99, 39)])
def test_starting_block_size_is_made_odd_and_fits_the_image(start, shown):
    image = np.random.default_rng(0).random((40, 48))  # the largest window is 39 x 39
    explorer = adaptive_explorer(image, block_size=start)
    assert explorer.controls["block_size"].value == shown
    assert f"local (block {shown})" in explorer.figure.axes[2].get_title()


def test_adaptive_readout_and_local_mask_follow_the_sliders():
    page = helpers.load_image("page", gray=True, dtype="uint8")
    explorer = adaptive_explorer(page, block_size=35, offset=0)
    local = explorer.figure.axes[2].images[0]
    before, before_readout = local.get_array().copy(), explorer.readout.value
    explorer.controls["offset"].value = 15
    assert explorer.readout.value != before_readout
    assert not np.array_equal(local.get_array(), before)
    expected = np.mean(page > ski.filters.threshold_local(page, 35, "mean", offset=15))
    assert f"{100 * expected:.1f} %" in explorer.readout.value


def test_root_mass_explorer_compares_with_truth(roots):
    gray, truth = roots
    explorer = root_mass_explorer(gray, truth=truth, sigma=0.5)
    assert "truth" in explorer.readout.value
    first = explorer.readout.value
    explorer.controls["exclude_above"].value = 0.9  # leave out the label
    assert explorer.readout.value != first
    mask, _ = helpers.roots.root_mask(gray, 0.5, 0.9)
    assert f"root fraction {100 * mask.mean():.1f} %" in explorer.readout.value


def test_root_mass_error_shows_in_the_message_not_lost():
    gray = np.full((40, 40), 0.35)
    gray[5:35, 18:22] = 0.6
    explorer = root_mass_explorer(gray, sigma=0.0)
    assert explorer.message.value == ""
    explorer.controls["exclude_above"].value = 0.3  # leaves out every pixel: a constant image
    assert "Could not update" in explorer.message.value
    explorer.controls["exclude_above"].value = 1.0
    assert "Could not update" not in explorer.message.value


def test_root_mass_truth_of_wrong_shape_is_refused(roots):
    gray, _ = roots
    with pytest.raises(ValueError, match="truth mask's shape"):
        root_mass_explorer(gray, truth=np.zeros((3, 3), bool))


ALL_EXPLORERS = [
    threshold_explorer,
    adaptive_explorer,
    root_mass_explorer,
]


@pytest.mark.parametrize("factory", ALL_EXPLORERS)
def test_rgb_image_is_converted_with_a_message(factory):
    explorer = factory(helpers.load_image("astronaut")[::4, ::4])
    assert "grayscale" in explorer.message.value


@pytest.mark.parametrize("factory", ALL_EXPLORERS)
@pytest.mark.parametrize("image", [np.full((20, 30), 0.5), np.zeros((0, 5))])
def test_constant_or_empty_image_is_refused_before_building(factory, image):
    with pytest.raises(ValueError, match="constant|no pixels"):
        factory(image)


@pytest.mark.slow  # builds 27 explorers
def test_no_pyplot_figures_left_after_27_explorers(coins):
    before = plt.get_fignums()
    for _ in range(9):
        threshold_explorer(coins)
        adaptive_explorer(coins)
        root_mass_explorer(coins)
    assert plt.get_fignums() == before


def test_large_image_updates_show_display_resolution_only():
    image = np.random.default_rng(3).random((3000, 2000))
    explorer = threshold_explorer(image)
    assert max(explorer.figure.axes[0].images[0].get_array().shape) <= 500
    explorer.controls["threshold"].value = 0.9
    assert _fraction(explorer.readout.value) == pytest.approx(10.0, abs=0.1)


def test_static_fallback_is_the_figure_and_the_readout(coins):
    import base64

    explorer = threshold_explorer(coins)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "text/html" not in bundle  # the website shows the PNG with the cell's alt text
    assert "% of the pixels" in bundle["text/plain"] and "&gt;" not in bundle["text/plain"]


def test_adaptive_explorer_finds_dark_ink_with_less_than():
    page = np.full((60, 80), 0.8)
    page[20:40, 30:35] = 0.2  # a dark stroke
    page *= np.linspace(0.5, 1.0, 80)  # uneven light
    explorer = adaptive_explorer(page, block_size=15, offset=0.02, foreground="<")
    expected = page < ski.filters.threshold_local(page, 15, "mean", offset=0.02)
    assert f"{100 * expected.mean():.1f} %" in explorer.readout.value
    assert "image &lt; local mean" in explorer.readout.value
    with pytest.raises(ValueError, match="foreground"):
        adaptive_explorer(page, foreground="dark")


def _frames(explorer) -> list[bytes]:
    """The list that the frames the browser is sent (the picture's values) go to."""
    frames: list[bytes] = []
    explorer.picture.observe(lambda change: frames.append(bytes(change["new"])), names="value")
    return frames


def _pixels(data: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.fixture
def explorers(coins, roots):
    gray, truth = roots
    return {
        "threshold": threshold_explorer(coins[::2, ::2]),
        "adaptive": adaptive_explorer(helpers.load_image("page", gray=True)[::2, ::2]),
        "root mass": root_mass_explorer(gray, truth=truth, sigma=0.5),
    }


#: Moves of every control of every explorer: (explorer, control, new value).
MOVES = [
    ("threshold", "threshold", 60),  # first move away from Otsu: the menu switches to manual
    ("threshold", "threshold", 61),
    ("threshold", "foreground", "<"),
    ("threshold", "method", "Li"),
    ("threshold", "method", "Yen"),
    ("threshold", "method", "manual"),
    ("threshold", "method", "Otsu"),
    ("adaptive", "block_size", 21),
    ("adaptive", "offset", 0.01),
    ("adaptive", "method", "gaussian"),
    ("root mass", "sigma", 1.0),
    ("root mass", "exclude_above", 0.9),
]


@pytest.mark.slow  # 25 moves, each drawing and encoding full frames
@pytest.mark.parametrize(("name", "control", "value"), MOVES)
def test_one_full_frame_per_user_action(explorers, name, control, value):
    explorer = explorers[name]
    if name == "threshold" and control != "threshold":
        explorer.controls["threshold"].value = 60  # away from Otsu first
    if value == "manual":
        explorer.controls["method"].value = "Li"  # from a method to manual
    frames = _frames(explorer)
    draws = explorer.draws
    explorer.controls[control].value = value
    assert explorer.draws == draws + 1
    # one frame (none if it is the same picture: Li's threshold and the slider's, rounded)
    assert len(frames) == 1 or (value == "manual" and not frames)
    # The frame is the whole figure, the same as a draw from scratch: the blitted artists
    # over the kept background are what a full draw gives, encoded the same way.
    frame = bytes(explorer.picture.value)
    explorer.figure.canvas.draw()
    assert explorer.picture.format in ("png", "jpeg")
    assert np.array_equal(_pixels(frame), _pixels(explorer.png(explorer.picture.format)))
    assert _pixels(frame).shape[:2] == explorer.figure.canvas.get_width_height()[::-1]


def test_the_slider_echoing_a_rounded_method_threshold_changes_nothing():
    """The slider's front end rounds a value it is given to its step and sends it back."""
    image = ski.filters.gaussian(helpers.load_image("maize-roots", gray=True), sigma=1.0)
    explorer = threshold_explorer(image)
    otsu = ski.filters.threshold_otsu(image)
    slider = explorer.controls["threshold"]
    readout, draws = explorer.readout.value, explorer.draws
    assert f"t = {otsu:.3f} (Otsu)" in readout  # as episode 03 prints it
    slider.value = round((otsu - slider.min) / slider.step) * slider.step + slider.min
    assert slider.value != otsu
    assert explorer.draws == draws and explorer.readout.value == readout
    assert explorer.controls["method"].value == "Otsu"
    assert list(explorer.figure.axes[1].lines[0].get_xdata()) == [otsu, otsu]
    slider.value += slider.step  # a real move: manual, at the slider's value and digits
    assert explorer.controls["method"].value == "manual"
    assert f"t = {slider.value:.2f} (manual)" in explorer.readout.value


@pytest.mark.parametrize("name", ["threshold", "adaptive", "root mass"])
def test_slider_readouts_show_every_step_exactly(explorers, name):
    for control in explorers[name].controls.values():
        if not isinstance(control, widgets.FloatSlider):
            continue
        digits = int(control.readout_format.strip(".f"))
        steps = round((control.max - control.min) / control.step)
        assert control.min + steps * control.step == pytest.approx(control.max)
        for value in (control.min, control.value, control.max, control.min + control.step):
            assert float(f"{value:.{digits}f}") == pytest.approx(value, abs=1e-12)
        assert float(f"{control.step:.{digits}f}") == control.step


def test_offset_step_and_digits_on_a_float_image():
    explorer = adaptive_explorer(helpers.load_image("page", gray=True)[::4, ::4], offset=0.02)
    offset = explorer.controls["offset"]
    assert (offset.step, offset.readout_format) == (0.001, ".3f")
    assert offset.value == 0.02
    assert "minus 0.020:" in explorer.readout.value


def test_root_mass_readout_gives_dice_as_the_episodes_compute_it(roots):
    gray, truth = roots
    explorer = root_mass_explorer(gray, truth=truth, sigma=1.0, exclude_above=0.9)
    mask, _ = helpers.roots.root_mask(gray, 1.0, 0.9)
    dice = 2 * np.count_nonzero(mask & truth) / (np.count_nonzero(mask) + np.count_nonzero(truth))
    assert f"Dice {dice:.3f}" in explorer.readout.value
    assert "IoU" not in explorer.readout.value


def test_readout_and_mask_title_give_the_same_fraction(coins):
    explorer = threshold_explorer(coins)
    for t in (50, 107, 180):
        explorer.controls["threshold"].value = t
        title = explorer.figure.axes[2].get_title()
        assert title.split("mask: ")[1].split(" %")[0] == f"{_fraction(explorer.readout.value):.1f}"


def _episode_images() -> dict:
    shapes = ski.filters.gaussian(helpers.load_image("shapes-light", gray=True), sigma=1.0)
    roots = ski.filters.gaussian(helpers.load_image("maize-roots", gray=True), sigma=1.0)
    return {"episode 01 shapes": shapes, "episode 03 maize roots": roots, "coins (uint8)": None}


@pytest.mark.parametrize("name", list(_episode_images()))
def test_histogram_legend_covers_no_bar(name, coins):
    image = _episode_images()[name]
    explorer = threshold_explorer(coins if image is None else image)
    figure = explorer.figure
    figure.canvas.draw()
    ax = figure.axes[1]
    legend = ax.get_legend().get_window_extent(figure.canvas.get_renderer())
    for bars in ax.patches:  # the histogram's two step patches (all and foreground)
        values, edges = bars.get_data().values, bars.get_data().edges
        left = ax.transData.transform(np.column_stack([edges[:-1], values]))
        right = ax.transData.transform(np.column_stack([edges[1:], values]))
        under = (left[:, 0] < legend.x1) & (right[:, 0] > legend.x0)
        assert under.any()
        assert left[under, 1].max() < legend.y0, f"a bar reaches into the legend on {name}"
