"""Rebuild the lesson's static figures in fig/ from the lesson's own images.

    python fig/make_figures.py [--out DIR]

Every figure the README or an episode shows as a picture file is drawn here, from code and
the images in data/, so none can go stale unnoticed: tests/test_figures.py redraws them and
compares the pixels with the committed files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import skimage as ski
from matplotlib.figure import Figure

import helpers
from helpers.plotting import STYLE

FIG_DIR = Path(__file__).resolve().parent
#: PNG metadata left out so that the same pixels give the same bytes on every run.
PNG_METADATA = {"Software": None}


def overview() -> Figure:
    """The thresholding pipeline: image, grayscale and blur, histogram and t, mask."""
    image = helpers.load_image("shapes-light")
    blurred = ski.filters.gaussian(ski.color.rgb2gray(image), sigma=1.0)
    t = 0.6
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(13, 3.4), layout="constrained")
        axes = figure.subplots(1, 4, width_ratios=[1, 1, 1.2, 1])
        axes[0].imshow(image)
        axes[1].imshow(blurred, cmap="gray", vmin=0, vmax=1)
        helpers.plot_histogram(blurred, threshold=t, ax=axes[2], title=None)
        axes[3].imshow(blurred < t, cmap="gray")
        titles = [
            "1. colour image",
            "2. grayscale, blurred",
            "3. choose t",
            "4. mask = blurred < t",
        ]
        for ax, title in zip(axes, titles, strict=True):
            ax.set_title(title)
        for ax in (axes[0], axes[1], axes[3]):
            ax.set_axis_off()
    return figure


def title_image() -> Figure:
    """The README's title image: a root photograph, its histogram, and the roots found."""
    image = helpers.load_image("trial-293")[400:2400, 200:1800]
    gray = ski.color.rgb2gray(image)
    blurred = ski.filters.gaussian(gray, sigma=1.0)  # episode 05's settings
    blurred[blurred > 0.9] = 0
    t = ski.filters.threshold_otsu(blurred)
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(12, 4), layout="constrained")
        axes = figure.subplots(1, 3, width_ratios=[1, 1.3, 1])
        axes[0].imshow(image[::4, ::4])
        axes[0].set_title("a root photograph")
        helpers.plot_histogram(blurred, threshold=t, ax=axes[1], title="its histogram")
        axes[2].imshow(helpers.overlay(gray[::4, ::4], (blurred > t)[::4, ::4]))
        axes[2].set_title("roots found by Otsu's method")
        for ax in (axes[0], axes[2]):
            ax.set_axis_off()
    return figure


def global_versus_local() -> Figure:
    """Uneven light: a global threshold (Otsu's) fails where a local threshold works."""
    gray = helpers.load_image("uneven-text", gray=True)
    global_mask = gray < ski.filters.threshold_otsu(gray)
    local_mask = gray < ski.filters.threshold_local(gray, 51, offset=0.02)
    return helpers.show_images(
        [gray, global_mask, local_mask],
        ["text under uneven light", "global threshold (Otsu)", "local threshold"],
        size=4.5,
    )


def _unet_labels(ax, colours: dict) -> None:
    """The U-Net diagram's words: what goes in and out, and the two paths."""
    ax.text(0.5, 5.25, "image in")
    ax.text(13.5, 5.25, "a probability for every pixel out", ha="right")
    ax.text(7, 3.65, "copy (skip connection)", color="0.35", ha="center")
    ax.text(
        0.3,
        -1.0,
        "contracting path: half the size,\ntwice the feature maps, each step",
        color=colours["vermillion"],
        va="top",
    )
    ax.text(
        13.7,
        -1.0,
        "expanding path: back to full size,\njoined with the copied maps",
        color=colours["bluish green"],
        ha="right",
        va="top",
    )


def unet() -> Figure:
    """A U-Net's shape: the contracting and expanding paths, and the skip connections.

    Each box is a stack of feature maps: its height is the maps' size (halved at each step
    down), its width their number (doubled at each step down), as in Ronneberger et al.
    (2015), with four levels instead of five.
    """
    colours = helpers.plotting.OKABE_ITO
    arrow = {"arrowstyle": "-|>", "lw": 2}
    heights = [3 / 2**level for level in range(4)]
    widths = [0.3 * 2**level for level in range(4)]
    centres = [3.5 - 1.3 * level for level in range(4)]
    lefts = [0.5]
    for width in widths[:-2]:
        lefts.append(lefts[-1] + width + 0.9)
    lefts.append(7 - widths[-1] / 2)  # the bottom level, in the middle
    rights = [14 - left - width for left, width in zip(lefts, widths, strict=True)]
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(11, 5.6), layout="constrained")
        ax = figure.subplots()
        for level, (height, width, y) in enumerate(zip(heights, widths, centres, strict=True)):
            for x in sorted({lefts[level], rights[level]}):
                ax.add_patch(
                    mpl.patches.Rectangle(
                        (x, y - height / 2), width, height, fc=colours["sky blue"], ec="black"
                    )
                )
            if level == 3:
                continue
            below, end = centres[level + 1] + heights[level + 1] / 4, lefts[level] + width
            ax.annotate(
                "",
                (lefts[level + 1], below),
                (end, y - height / 4),
                arrowprops=arrow | {"color": colours["vermillion"]},
            )
            ax.annotate(
                "",
                (rights[level], y - height / 4),
                (rights[level + 1] + widths[level + 1], below),
                arrowprops=arrow | {"color": colours["bluish green"]},
            )
            ax.annotate(
                "", (rights[level], y), (end, y), arrowprops=arrow | {"color": "0.5", "ls": "--"}
            )
        _unet_labels(ax, colours)
        ax.set(xlim=(0, 14), ylim=(-2.0, 5.6), aspect="equal")
        ax.set_axis_off()
    return figure


#: File name in fig/ -> function that draws it.
FIGURES: dict[str, Callable[[], Figure]] = {
    "overview.png": overview,
    "title.png": title_image,
    "global-versus-local.png": global_versus_local,
    "unet.png": unet,
}


def save(figure: Figure, path: Path) -> None:
    figure.savefig(path, dpi=100, metadata=PNG_METADATA)


def make_all(out_dir: Path = FIG_DIR) -> list[Path]:
    """Draw every figure into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        save(draw(), out_dir / name)
        written.append(out_dir / name)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIG_DIR, help="folder to write into")
    args = parser.parse_args(argv)
    for path in make_all(args.out):
        print(f"wrote {path} ({path.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
