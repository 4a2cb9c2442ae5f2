"""Figures for the episodes: images side by side, histograms with a threshold, overlays.

Each function returns a :class:`matplotlib.figure.Figure` made without pyplot (it shows as a
static image and leaves no pyplot figure open), or draws into ``ax=``. Each imports matplotlib
itself: the root-mass command imports ``helpers``, and would spend a fifth of its time on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Readable defaults for projected slides and for learners' screens.
STYLE = {
    "font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 11,
    "ytick.labelsize": 11, "legend.fontsize": 11, "figure.dpi": 100,
}  # fmt: skip

#: Colours from the Okabe-Ito palette, distinguishable with colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}  # fmt: skip
#: The same colours as RGB triples, for ``ski.color.label2rgb(labels, colors=LABEL_COLOURS)``.
LABEL_COLOURS = [tuple(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)) for c in OKABE_ITO.values()]
THRESHOLD_COLOUR = OKABE_ITO["vermillion"]
OVERLAY_COLOUR = OKABE_ITO["sky blue"]


def _value_range(image: np.ndarray) -> tuple[float, float]:
    """Values to draw over: 0-255 for ``uint8``, 0-1 for values in it, else the image's own."""
    if image.dtype == np.uint8:
        return 0.0, 255.0
    low, high = float(image.min()), float(image.max())
    return (0.0, 1.0) if low >= 0 and high <= 1 else (low, high)


def _downsample(image: np.ndarray, size: int) -> np.ndarray:
    """Block means, the longest side at most ``size`` pixels; float32 (rows summed first)."""
    factor = -(-max(image.shape[:2]) // size)
    height, width = image.shape[0] // factor, image.shape[1] // factor
    rows = image[: height * factor, : width * factor].reshape(height, factor, -1).sum(1, np.float32)
    return rows.reshape(height, width, factor, *image.shape[2:]).sum(2) / np.float32(factor**2)


def _new_figure(ncols: int = 1, nrows: int = 1, size: float = 4.0) -> tuple[Figure, np.ndarray]:
    import matplotlib as mpl  # late: see the module's docstring
    from matplotlib.figure import Figure

    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(size * ncols, size * nrows * 0.85), layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=False)
    return figure, axes.ravel()


def show_images(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    size: float = 4.0,
) -> Figure:
    """A figure of images (grayscale, boolean or RGB) side by side, with one title each.

    ``ncols`` panels per row (default: all, at most 4), each ``size`` inches wide. Grayscale
    images are drawn over the full range of their type (0 to 1 for float, 0 to 255 for
    ``uint8``, False to True for masks), so brightness compares between panels.

    Examples
    --------
    >>> figure = show_images([np.zeros((4, 4)), np.ones((4, 4), bool)], ["dark", "mask"])
    >>> [ax.get_title() for ax in figure.axes]
    ['dark', 'mask']
    """
    images = list(images)
    if not images:
        raise ValueError("show_images needs at least one image.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"Got {len(images)} images but {len(titles)} titles.")
    ncols = ncols or min(len(images), 4)
    figure, axes = _new_figure(ncols, -(-len(images) // ncols), size)
    for ax, image, title in zip(axes, images, titles or [""] * len(images), strict=False):
        image = np.asarray(image)  # gray over the full range of its type: panels compare
        vmin, vmax = _value_range(image) if image.ndim == 2 else (None, None)
        ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax, interpolation="antialiased")
        ax.set_axis_off()
        ax.set_title(title)
    for ax in axes[len(images) :]:
        ax.set_visible(False)
    return figure


def plot_histogram(
    image: np.ndarray,
    threshold: float | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = "Histogram",
) -> Figure:
    """Histogram of a grayscale image in 256 bins (as episode 1's), with the ``threshold`` as a
    vertical line: a new figure, or drawn into ``ax`` (and its figure returned).

    Examples
    --------
    >>> figure = plot_histogram(np.linspace(0, 1, 100).reshape(10, 10), threshold=0.5)
    >>> figure.axes[0].get_xlabel()
    'pixel value'
    """
    import matplotlib as mpl  # late: see the module's docstring

    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(
            f"plot_histogram expects a grayscale image, got shape {image.shape}; "
            "convert it with ski.color.rgb2gray first."
        )
    value_range = _value_range(image)
    counts, edges = np.histogram(image, bins=256, range=value_range)
    if ax is None:
        ax = _new_figure(size=6.0)[1][0]
    with mpl.rc_context(STYLE):
        ax.stairs(counts, edges, fill=True, color="0.35")
        ax.set(xlim=value_range, xlabel="pixel value", ylabel="number of pixels", title=title)
        if threshold is not None:
            label = f"t = {threshold:.3g}"
            ax.axvline(threshold, color=THRESHOLD_COLOUR, linestyle="--", lw=2, label=label)
            ax.legend(loc="upper right")
    return ax.figure


def overlay(
    image: np.ndarray, mask: np.ndarray, colour: str = OVERLAY_COLOUR, alpha: float = 0.5
) -> np.ndarray:
    """An RGB float32 copy of an image (gray or RGB, float or ``uint8``) with a colour (any
    matplotlib colour, of opacity ``alpha``) blended in where the mask is True; a float mask
    in [0, 1] says how much of each pixel is covered (a thin root in a thumbnail's pixel).

    Examples
    --------
    >>> overlay(np.zeros((1, 2)), np.array([[True, False]]), "white", 1.0).tolist()
    [[[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]]
    >>> overlay(np.zeros((1, 1)), np.array([[0.5]]), "white", 1.0).tolist()
    [[[0.5, 0.5, 0.5]]]
    """
    from matplotlib.colors import to_rgb  # late: see the module's docstring

    image = np.asarray(image)
    image = image / np.float32(255) if image.dtype == np.uint8 else image.astype(np.float32)
    mask = np.asarray(mask)
    if image.shape[:2] != mask.shape:
        raise ValueError(f"The mask's shape {mask.shape} is not the image's {image.shape[:2]}.")
    rgb = np.repeat(image[..., None], 3, axis=-1) if image.ndim == 2 else image[..., :3]
    cover = (mask.astype(np.float32) * np.float32(alpha))[..., None]
    return rgb * (1 - cover) + np.asarray(to_rgb(colour), np.float32) * cover
