"""The explorers without a browser: build them, move their controls, check what changes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import skimage as ski

import helpers
from helpers.widgets import adaptive_explorer, root_mass_explorer, threshold_explorer


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
    assert "60" in axes[2].get_title() or "%" in axes[2].get_title()


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


def test_adaptive_readout_and_local_mask_follow_the_sliders():
    page = helpers.load_image("page", gray=True, dtype="uint8")
    explorer = adaptive_explorer(page, block_size=35, offset=0)
    local = explorer.figure.axes[2].images[0]
    before, before_readout = local.get_array().copy(), explorer.readout.value
    explorer.controls["offset"].value = 15
    assert explorer.readout.value != before_readout
    assert not np.array_equal(local.get_array(), before)
    expected = np.mean(helpers.adaptive.adaptive_threshold(page, 35, 15))
    assert f"{100 * expected:.1f} %" in explorer.readout.value


def test_root_mass_explorer_compares_with_truth(roots):
    gray, truth = roots
    explorer = root_mass_explorer(gray, truth=truth, sigma=0.5)
    assert "truth" in explorer.readout.value
    first = explorer.readout.value
    explorer.controls["exclude_above"].value = 0.9  # leave out the label
    assert explorer.readout.value != first
    mask, _ = helpers.rootmass.root_mask(gray, 0.5, 0.9)
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


@pytest.mark.parametrize("factory", [threshold_explorer, adaptive_explorer, root_mass_explorer])
def test_rgb_image_is_converted_with_a_message(factory):
    explorer = factory(helpers.load_image("astronaut")[::4, ::4])
    assert "grayscale" in explorer.message.value


@pytest.mark.parametrize("factory", [threshold_explorer, adaptive_explorer, root_mass_explorer])
@pytest.mark.parametrize("image", [np.full((20, 30), 0.5), np.zeros((0, 5))])
def test_constant_or_empty_image_is_refused_before_building(factory, image):
    with pytest.raises(ValueError, match="constant|no pixels"):
        factory(image)


def test_no_pyplot_figures_left_after_25_explorers(coins):
    before = plt.get_fignums()
    for _ in range(9):
        threshold_explorer(coins)
        adaptive_explorer(coins)
        root_mass_explorer(coins)
    assert plt.get_fignums() == before == []


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


def test_canvas_draws_repaint_only_the_changing_artists(coins):
    explorer = threshold_explorer(coins)
    canvas = explorer.figure.canvas
    canvas.draw()
    first = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    explorer.controls["threshold"].value = 30
    canvas.draw()
    second = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    assert not np.array_equal(first, second)
    # The same state drawn from scratch gives the same pixels as the fast path.
    canvas._background = None
    canvas.draw()
    assert np.array_equal(np.asarray(canvas.get_renderer().buffer_rgba()), second)


def test_adaptive_explorer_finds_dark_ink_with_less_than():
    from helpers.adaptive import local_threshold

    page = np.full((60, 80), 0.8)
    page[20:40, 30:35] = 0.2  # a dark stroke
    page *= np.linspace(0.5, 1.0, 80)  # uneven light
    explorer = adaptive_explorer(page, block_size=15, offset=0.02, foreground="<")
    expected = page < local_threshold(page, 15, 0.02)
    assert f"{100 * expected.mean():.1f} %" in explorer.readout.value
    assert "image &lt; local mean" in explorer.readout.value
    with pytest.raises(ValueError, match="foreground"):
        adaptive_explorer(page, foreground="dark")
