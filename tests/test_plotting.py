"""Plotting helpers draw what they say and leave no pyplot figures open."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import (
    overlay,
    plot_histogram,
    show_images,
)
from helpers.plotting import THRESHOLD_COLOUR


def test_show_images_lays_out_panels_with_titles():
    figure = show_images([np.zeros((5, 5))] * 5, list("abcde"), ncols=3)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == list("abcde")
    assert len(figure.axes) == 6


def test_show_images_uses_the_full_range_for_gray_images():
    figure = show_images([np.full((3, 3), 0.5), np.full((3, 3), 7, np.uint8)])
    assert figure.axes[0].images[0].get_clim() == (0, 1)
    assert figure.axes[1].images[0].get_clim() == (0, 255)


def test_show_images_checks_titles():
    with pytest.raises(ValueError, match="2 images but 1 titles"):
        show_images([np.zeros((2, 2))] * 2, ["one"])


def test_histogram_draws_the_threshold():
    figure = plot_histogram(np.linspace(0, 1, 400).reshape(20, 20), threshold=0.25)
    ax = figure.axes[0]
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [0.25, 0.25]
    assert line.get_color() == THRESHOLD_COLOUR
    assert ax.get_legend().get_texts()[0].get_text() == "t = 0.25"


def test_histogram_into_existing_axes():
    figure = Figure()
    ax = figure.add_subplot()
    assert plot_histogram(np.zeros((4, 4), np.uint8), ax=ax) is figure
    assert ax.get_xlim() == (0, 255)


def test_histogram_of_a_16_bit_image_spans_its_values():
    image = np.array([[1000, 2000], [3000, 4000]], dtype=np.uint16)
    ax = plot_histogram(image).axes[0]
    assert ax.get_xlim() == (1000, 4000)


def test_histogram_refuses_colour():
    with pytest.raises(ValueError, match="rgb2gray"):
        plot_histogram(np.zeros((4, 4, 3)))


def test_overlay_colours_only_the_mask():
    image = np.full((2, 2), 0.5)
    mask = np.array([[True, False], [False, False]])
    result = overlay(image, mask, "black", alpha=1.0)
    assert result[0, 0].tolist() == [0, 0, 0]
    assert result[1, 1].tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="shape"):
        overlay(image, np.ones((3, 3), bool))


def test_no_pyplot_figures_are_left_open():
    plt.close("all")
    for _ in range(25):
        show_images([np.zeros((3, 3))])
        plot_histogram(np.zeros((3, 3)))
    assert plt.get_fignums() == []


def test_label_colours_work_with_label2rgb():
    import skimage as ski

    from helpers.plotting import LABEL_COLOURS

    labels = np.array([[0, 1, 2]])
    coloured = ski.color.label2rgb(labels, colors=LABEL_COLOURS, bg_label=0)
    assert coloured[0, 1].tolist() == pytest.approx(list(LABEL_COLOURS[0]))
