"""Interactive explorers for live demos: one line in an episode, instant sliders.

Each factory returns an :class:`Explorer` (an ipywidgets ``VBox``) holding the controls, a
readout and an ipympl figure. The computing is done by :mod:`helpers.thresholds`,
:mod:`helpers.adaptive`, :mod:`helpers.rootmass` and scikit-image; this module only wires
controls to figures.

Why the sliders are fast on a 2000 x 3000 photograph:

- the figure is drawn once; a slider move only changes the artists' data in place (the mask
  image, the threshold line, the foreground part of the histogram, a title) and redraws
  those artists alone, at once, over a kept background (see :func:`_redraw`);
- images are shown downsampled to display resolution (computed once), and the histogram is
  computed once and drawn with ``stairs``;
- the layout is computed once, then frozen.

Figures are made without pyplot, so no figure is left open in pyplot however many explorers
run. In a notebook run without a browser (nbval, a rendered website) an explorer shows as a
static image of its figure.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import struct
import zlib
from collections.abc import Callable
from typing import Literal

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import traitlets
from matplotlib.figure import Figure

from helpers.loading import prepare_image
from helpers.plotting import OKABE_ITO, OVERLAY_COLOUR, STYLE, THRESHOLD_COLOUR, _value_range

#: Methods of the threshold explorer's dropdown: label -> ``skimage.filters`` function name.
METHODS = {
    "Otsu": "threshold_otsu",
    "Li": "threshold_li",
    "Yen": "threshold_yen",
    "triangle": "threshold_triangle",
    "mean": "threshold_mean",
}

#: Longest side, in pixels, of the images the explorers show (the computing uses every pixel).
#: About the size of a panel on screen: more pixels would only be thrown away when drawing.
DISPLAY_SIZE = 500

#: Above this many pixels the expensive explorers (adaptive, root mass) update when a slider
#: is released rather than while it is dragged.
LARGE_IMAGE = 1_000_000

_ERROR_COLOUR = OKABE_ITO["vermillion"]


class Explorer(widgets.VBox):
    """An explorer: controls, a readout, a figure and a message line, stacked.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The sliders, dropdowns and toggles, by name.
    readout : ipywidgets.HTML
        The numbers the controls give (threshold, fractions).
    message : ipywidgets.HTML
        Notes about the input (for example a colour image converted to grayscale) and any
        error raised while updating, so that no error vanishes unseen.
    figure : matplotlib.figure.Figure
        The figure, drawn on an ipympl canvas (``figure.canvas``).
    """

    def __init__(self, controls: dict, figure: Figure, notes: list[str]):
        self.controls = controls
        self.figure = figure
        self.notes = list(notes)
        self.readout = widgets.HTML()
        self.message = widgets.HTML()
        self._show_notes()
        children = [*controls.values(), self.readout, figure.canvas, self.message]
        super().__init__(children=children)

    def _show_notes(self, error: str | None = None) -> None:
        lines = [html.escape(note) for note in self.notes]
        if error:
            lines.append(
                f'<span style="color:{_ERROR_COLOUR}"><b>Could not update:</b> '
                f"{html.escape(error)}</span>"
            )
        self.message.value = "<br>".join(lines)

    def guarded(self, update: Callable[[], None]) -> Callable[..., None]:
        """Wrap an update so that an error shows in :attr:`message` instead of vanishing.

        Parameters
        ----------
        update : callable
            Takes no arguments; reads the controls' current values.

        Returns
        -------
        callable
            Accepts (and ignores) the change event that ``observe`` passes.
        """

        @functools.wraps(update)
        def run(*_):
            try:
                update()
            except Exception as error:  # shown to the learner, not raised into the void
                self._show_notes(f"{type(error).__name__}: {error}")
            else:
                self._show_notes()

        return run

    def _repr_mimebundle_(self, **kwargs) -> dict:
        # Where no widget can show (a static website, nbconvert), show the figure as a PNG,
        # which the website describes with the cell's alt text, and the readout as text.
        data = super()._repr_mimebundle_(**kwargs)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        data["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
        data["text/plain"] = html.unescape(self.readout.value)
        return data


def _has_colour(image: np.ndarray) -> bool:
    """Colour channels that differ (a grayscale image copied into three channels has none)."""
    return (
        image.ndim == 3
        and image.shape[-1] in (3, 4)
        and not all(np.array_equal(image[..., 0], image[..., c]) for c in (1, 2))
    )


def _gray_image(image: np.ndarray, notes: list[str]) -> np.ndarray:
    """Grayscale in the lesson's standard form; a constant image is refused."""
    image = np.asarray(image)
    if _has_colour(image):
        notes.append(
            f"The image has colour channels (shape {image.shape}); it was converted to "
            "grayscale (luminance) before thresholding."
        )
    keep_uint8 = image.dtype == np.uint8 and image.ndim == 2  # colour comes out as float
    image = prepare_image(image, gray=True, dtype="uint8" if keep_uint8 else "float")
    if image.min() == image.max():
        raise ValueError(
            f"The image is constant (every pixel is {image.flat[0]}), so no threshold "
            "separates anything. Check that the right image was loaded."
        )
    return image


def _downsample(image: np.ndarray, size: int = DISPLAY_SIZE) -> np.ndarray:
    """Block-mean an image so that its longest side is at most ``size`` pixels."""
    factor = -(-max(image.shape[:2]) // size)
    if factor <= 1:
        return image.astype(np.float32)
    height, width = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    blocks = image[:height, :width].reshape(
        height // factor, factor, width // factor, factor, *image.shape[2:]
    )
    return blocks.mean(axis=(1, 3), dtype=np.float32)


def _mask_colours(overlay: bool) -> np.ndarray:
    """RGBA lookup table for a mask: black and white, or transparent and the overlay colour."""
    if overlay:
        red, green, blue = (round(255 * c) for c in mpl.colors.to_rgb(OVERLAY_COLOUR))
        return np.array([[0, 0, 0, 0], [red, green, blue, 160]], dtype=np.uint8)
    return np.array([[0, 0, 0, 255], [255, 255, 255, 255]], dtype=np.uint8)


def _png_bytes(rgba: np.ndarray) -> bytes:
    """Encode an RGBA ``uint8`` image as PNG, fast: no row filters, zlib level 1.

    Pillow tries five row filters on every row, which takes most of the time of a frame;
    the frames sent to the browser are mostly unchanged (zero) pixels, which compress well
    without filters.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    height, width = rgba.shape[:2]
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # first byte of a row: filter 0
    rows[:, 1:] = rgba.reshape(height, width * 4)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
        + chunk(b"IEND", b"")
    )


@functools.cache
def _blitting_canvas_class():
    """ipympl's canvas, drawing the unchanging parts once and only the changing artists after."""
    from ipympl.backend_nbagg import Canvas

    class BlittingCanvas(Canvas):
        """An ipympl canvas that redraws only :attr:`changing` artists over a cached background.

        A full draw renders everything except the changing artists, keeps that image, then
        draws the changing artists on top. Later draws restore the kept image and draw only
        the changing artists. The kept image is rendered again whenever the figure's size,
        resolution or any axes' view (zoom, pan) changes.
        """

        def __init__(self, figure: Figure, **kwargs):
            super().__init__(figure, **kwargs)
            self.changing: list = []
            self._background = None
            self._background_key = None

        def _view_key(self) -> tuple:
            renderer = self.get_renderer()
            views = tuple(tuple(ax.viewLim.bounds) for ax in self.figure.axes)
            return renderer.width, renderer.height, self.figure.dpi, views

        def draw(self) -> None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            key = self._view_key()
            if self._background is None or key != self._background_key:
                visible = [artist.get_visible() for artist in self.changing]
                for artist in self.changing:
                    artist.set_visible(False)
                try:
                    FigureCanvasAgg.draw(self)
                finally:
                    for artist, was_visible in zip(self.changing, visible, strict=True):
                        artist.set_visible(was_visible)
                self._background = self.copy_from_bbox(self.figure.bbox)
                self._background_key = key
            else:
                self.restore_region(self._background)
            for artist in self.changing:
                self.figure.draw_artist(artist)
            self._png_is_old = True
            self.manager.refresh_all()  # send the changed pixels to the browser

        def get_diff_image(self) -> bytes | None:
            # matplotlib's FigureCanvasWebAggCore.get_diff_image, with a faster PNG encoder
            # (see _png_bytes): a frame takes about 3 ms to encode instead of about 20 ms.
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buffer = pixels.view(np.uint32).squeeze(2)
            if (
                self._force_full
                or buffer.shape != self._last_buff.shape
                or (pixels[:, :, 3] != 255).any()
            ):
                self.set_image_mode("full")
                output = buffer
            else:
                self.set_image_mode("diff")
                output = np.where(buffer != self._last_buff, buffer, 0)
            self._last_buff = buffer.copy()
            self._force_full = False
            self._png_is_old = False
            return _png_bytes(output.view(dtype=np.uint8).reshape((*output.shape, 4)))

    return BlittingCanvas


def _redraw(figure: Figure) -> None:
    """Draw the changed artists now and send the frame to the browser.

    ``draw_idle`` would instead ask the browser to ask back for a draw: one round trip more
    between kernel and browser on every move. Drawing at once cannot queue a backlog: the
    widgets' front end sends a slider's next value only after the kernel has finished with
    the last one, keeping just the newest value meanwhile. Until a browser shows the figure
    (ipympl still ``syncing_data_url``), the draw is left to the browser's first request.
    """
    canvas = figure.canvas
    if getattr(canvas, "syncing_data_url", False):
        canvas.draw_idle()
    else:
        canvas.draw()


def _new_figure(ncols: int, width: float, height: float) -> tuple[Figure, list]:
    """A figure on an ipympl canvas, never registered with pyplot."""
    from ipympl.backend_nbagg import FigureManager

    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = list(figure.subplots(1, ncols))
    canvas = _blitting_canvas_class()(figure)
    FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.resizable = False
    canvas.toolbar_position = "right"
    return figure, axes


def _freeze_layout(figure: Figure) -> None:
    """Lay the figure out once; later draws skip the layout engine."""
    figure.get_layout_engine().execute(figure)
    figure.set_layout_engine("none")
    for ax in figure.axes:  # fix the titles' place too, so a full draw and a fast one agree
        with mpl.rc_context(STYLE):
            ax.set_title(ax.get_title(), y=1.0)


def _image_axes(ax, image: np.ndarray, title: str, vmin: float = 0, vmax: float = 1, cmap="gray"):
    shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title)
    return shown


def _slider_step(low: float, high: float, integer: bool) -> float:
    return 1.0 if integer else float(f"{(high - low) / 100:.1g}")


def threshold_explorer(
    image: np.ndarray,
    *,
    threshold: float | None = None,
    foreground: Literal[">", "<"] = ">",
    overlay: bool = False,
    display_size: int = DISPLAY_SIZE,
) -> Explorer:
    """Explore a global threshold: image, histogram with the threshold, mask, and fraction.

    A slider sets the threshold ``t``; a toggle chooses whether the foreground is brighter
    (``mask = image > t``) or darker (``mask = image < t``); a dropdown moves the slider to
    the threshold of an automatic method (Otsu, Li, Yen, triangle, mean, from
    ``skimage.filters``).

    Parameters
    ----------
    image : ndarray
        Grayscale image (``uint8`` or float); a colour image is converted to grayscale,
        and the explorer says so.
    threshold : float, optional
        Starting threshold (default: Otsu's).
    foreground : {'>', '<'}, optional
        Foreground brighter or darker than the threshold.
    overlay : bool, optional
        Show the mask laid over the image instead of black and white.
    display_size : int, optional
        Longest side of the images shown, in pixels; the fraction uses every pixel.

    Returns
    -------
    Explorer
        Controls ``'method'``, ``'foreground'`` and ``'threshold'``.

    Raises
    ------
    ValueError
        If the image is constant or empty.

    Examples
    --------
    >>> import helpers
    >>> explorer = threshold_explorer(helpers.load_image("coins", gray=True, dtype="uint8"))
    >>> explorer.controls["threshold"].value
    107.0
    >>> explorer.controls["threshold"].value = 150
    >>> explorer.readout.value
    't = 150 (manual): mask = image &gt; t covers 20.4 % of the pixels'
    """
    import skimage as ski

    notes: list[str] = []
    image = _gray_image(image, notes)
    low, high = _value_range(image)
    integer = image.dtype == np.uint8
    shown = _downsample(image, display_size)
    if integer:
        counts = np.bincount(image.ravel(), minlength=256)
        edges = np.arange(257) - 0.5
    else:
        counts, edges = np.histogram(image, bins=256, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2
    # Every pixel counts in the fraction; sorted once, a fraction is a binary search.
    ordered = None if integer else np.sort(image, axis=None)
    below_or_at = np.cumsum(counts)  # uint8: pixels <= value

    def count_selected(t: float, brighter: bool) -> int:
        if integer:
            # pixels > t are those > floor(t); pixels < t are those <= ceil(t) - 1
            if brighter:
                return int(image.size - below_or_at[min(int(np.floor(t)), 255)])
            index = int(np.ceil(t)) - 1
            return int(below_or_at[index]) if index >= 0 else 0
        side = "right" if brighter else "left"
        position = int(np.searchsorted(ordered, t, side=side))
        return image.size - position if brighter else position

    method_thresholds: dict[str, float] = {}

    def method_threshold(label: str) -> float:
        if label not in method_thresholds:
            function = getattr(ski.filters, METHODS[label])
            method_thresholds[label] = float(function(image))
        return method_thresholds[label]

    start = method_threshold("Otsu") if threshold is None else float(threshold)
    step = _slider_step(low, high, integer)
    method = widgets.Dropdown(
        options=["manual", *METHODS],
        value="Otsu" if threshold is None else "manual",
        description="method",
    )
    direction = widgets.ToggleButtons(
        options=[("image > t", ">"), ("image < t", "<")],
        value=foreground,
        description="foreground",
        tooltips=["foreground brighter than t", "foreground darker than t"],
    )
    slider = widgets.FloatSlider(
        value=start,
        min=low,
        max=high,
        step=step,
        description="threshold t",
        readout_format=".0f" if integer else ".3f",
        continuous_update=True,
        layout=widgets.Layout(width="600px"),
        style={"description_width": "initial"},
    )

    figure, (ax_image, ax_histogram, ax_mask) = _new_figure(3, 9.0, 3.0)
    with mpl.rc_context(STYLE):
        vmax = 255 if integer else high
        _image_axes(ax_image, shown, "image", vmin=low, vmax=vmax)
        ax_histogram.stairs(counts, edges, fill=True, color="0.55", label="background")
        foreground_bars = ax_histogram.stairs(
            counts, edges, fill=True, color=OVERLAY_COLOUR, label="foreground"
        )
        line = ax_histogram.axvline(start, color=THRESHOLD_COLOUR, linewidth=2.5)
        ax_histogram.set_xlim(low if not integer else -0.5, high if not integer else 255.5)
        ax_histogram.set_xlabel("pixel value")
        ax_histogram.set_ylabel("number of pixels")
        ax_histogram.set_title("histogram")
        ax_histogram.legend(loc="upper right", fontsize=9, frameon=False)
        colours = _mask_colours(overlay)
        if overlay:
            _image_axes(ax_mask, shown, "mask", vmin=low, vmax=vmax)
            mask_image = ax_mask.imshow(colours.take((shown > start).view(np.uint8), axis=0))
        else:
            mask_image = _image_axes(
                ax_mask, colours.take((shown > start).view(np.uint8), axis=0), "mask"
            )
    _freeze_layout(figure)
    figure.canvas.changing = [mask_image, foreground_bars, line, ax_mask.title]
    explorer = Explorer(
        {"method": method, "foreground": direction, "threshold": slider},
        figure,
        notes,
    )

    def update() -> None:
        t = slider.value
        brighter = direction.value == ">"
        mask = shown > t if brighter else shown < t
        mask_image.set_data(colours.take(mask.view(np.uint8), axis=0))
        line.set_xdata([t, t])
        foreground_bars.set_data(values=np.where((centres > t) == brighter, counts, 0))
        fraction = count_selected(t, brighter) / image.size
        ax_mask.set_title(f"mask: {100 * fraction:.1f} % foreground")
        shown_t = f"{t:.0f}" if integer else f"{t:.3f}"
        explorer.readout.value = html.escape(
            f"t = {shown_t} ({method.value}): mask = image {direction.value} t covers "
            f"{100 * fraction:.1f} % of the pixels"
        )
        _redraw(figure)

    def on_method(_change=None) -> None:
        target = slider.value if method.value == "manual" else method_threshold(method.value)
        if target != slider.value:
            slider.value = target  # its observer updates the figure
        else:
            update()

    def on_slider(_change=None) -> None:
        if method.value != "manual" and abs(slider.value - method_threshold(method.value)) > (
            step / 2
        ):
            method.value = "manual"  # the learner moved away from the method's value
        update()

    method.observe(explorer.guarded(on_method), names="value")
    slider.observe(explorer.guarded(on_slider), names="value")
    direction.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer


class OddIntSlider(widgets.IntSlider):
    """An integer slider that only takes odd values (a window needs a centre pixel).

    Examples
    --------
    >>> slider = OddIntSlider(value=11, min=3, max=51, step=2)
    >>> slider.value = 20
    >>> slider.value
    21
    """

    @traitlets.validate("value")
    def _validate_value(self, proposal: dict) -> int:
        value = super()._validate_value(proposal)  # within min and max
        if value % 2 == 0:
            value = value + 1 if value + 1 <= self.max else value - 1
        return value


def _continuous(pixels: int, continuous_update: bool | None) -> bool:
    return pixels <= LARGE_IMAGE if continuous_update is None else continuous_update


def _shown_mask(mask: np.ndarray, display_size: int) -> np.ndarray:
    """A mask at display resolution: a block is foreground where most of it is."""
    return _downsample(mask, display_size) >= 0.5


def adaptive_explorer(
    image: np.ndarray,
    *,
    block_size: int = 35,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
    foreground: Literal[">", "<"] = ">",
    display_size: int = DISPLAY_SIZE,
    continuous_update: bool | None = None,
) -> Explorer:
    """Explore adaptive thresholding: the global (Otsu) and the local mask side by side.

    Sliders set the window size (odd values only) and the offset subtracted from each
    window's mean; a dropdown chooses the plain or Gaussian-weighted mean. The local mask is
    computed at full resolution with :func:`helpers.adaptive.local_threshold`.

    Parameters
    ----------
    image : ndarray
        Grayscale image (``uint8`` or float); a colour image is converted to grayscale,
        and the explorer says so.
    block_size : int, optional
        Starting window size, in pixels (odd).
    offset : float, optional
        Starting offset, in the image's units (0-255 for ``uint8``, 0-1 for float).
    method : {'mean', 'gaussian'}, optional
        Starting kind of local mean.
    foreground : {'>', '<'}, optional
        Foreground brighter than its local threshold (``image > mean - offset``, as
        OpenCV's ``THRESH_BINARY``) or darker (``image < mean - offset``, dark ink on a page).
    display_size : int, optional
        Longest side of the images shown, in pixels.
    continuous_update : bool, optional
        Update while a slider is dragged (default: for images up to a million pixels;
        larger ones update on release).

    Returns
    -------
    Explorer
        Controls ``'block_size'``, ``'offset'`` and ``'method'``.

    Raises
    ------
    ValueError
        If the image is constant or empty.

    Examples
    --------
    >>> import helpers
    >>> explorer = adaptive_explorer(helpers.load_image("page", gray=True, dtype="uint8"))
    >>> explorer.controls["block_size"].value = 50
    >>> explorer.controls["block_size"].value
    51
    """
    import skimage as ski

    from helpers.adaptive import local_threshold

    if foreground not in (">", "<"):
        raise ValueError(f"foreground must be '>' or '<', not {foreground!r}.")
    darker = foreground == "<"
    notes: list[str] = []
    image = _gray_image(image, notes)
    low, high = _value_range(image)
    integer = image.dtype == np.uint8
    shown = _downsample(image, display_size)
    otsu = float(ski.filters.threshold_otsu(image))
    global_mask = image < otsu if darker else image > otsu
    largest = min(255, min(image.shape) - (1 - min(image.shape) % 2))
    largest = max(largest, 3)
    continuous = _continuous(image.size, continuous_update)
    block = OddIntSlider(
        value=min(max(3, block_size), largest),
        min=3,
        max=largest,
        step=2,
        description="block size",
        continuous_update=continuous,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="600px"),
    )
    span = 30.0 if integer else round((high - low) * 0.12, 3)
    offset_slider = widgets.FloatSlider(
        value=offset,
        min=-span,
        max=span,
        step=1.0 if integer else _slider_step(0, span * 2, False) / 4,
        description="offset",
        readout_format=".0f" if integer else ".3f",
        continuous_update=continuous,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="600px"),
    )
    kind = widgets.Dropdown(options=["mean", "gaussian"], value=method, description="local mean")

    figure, (ax_image, ax_global, ax_local) = _new_figure(3, 9.0, 3.0)
    colours = _mask_colours(False)
    with mpl.rc_context(STYLE):
        _image_axes(ax_image, shown, "image", vmin=low, vmax=255 if integer else high)
        fraction = np.count_nonzero(global_mask) / global_mask.size
        _image_axes(
            ax_global,
            colours.take(_shown_mask(global_mask, display_size).view(np.uint8), axis=0),
            f"global (Otsu t = {otsu:.3g}): {100 * fraction:.1f} %",
        )
        local_image = _image_axes(ax_local, np.zeros_like(shown, dtype=bool), "local")
    _freeze_layout(figure)
    figure.canvas.changing = [local_image, ax_local.title]
    explorer = Explorer(
        {"block_size": block, "offset": offset_slider, "method": kind},
        figure,
        notes,
    )

    def update() -> None:
        threshold = local_threshold(image, block.value, offset_slider.value, kind.value)
        mask = image < threshold if darker else image > threshold
        local_image.set_data(colours.take(_shown_mask(mask, display_size).view(np.uint8), axis=0))
        fraction = np.count_nonzero(mask) / mask.size
        ax_local.set_title(f"local (block {block.value}): {100 * fraction:.1f} %")
        explorer.readout.value = html.escape(
            f"mask = image {foreground} local {kind.value} of a {block.value} x {block.value} "
            f"window "
            f"minus {offset_slider.value:g}: {100 * fraction:.1f} % of the pixels "
            f"(global Otsu: {100 * np.count_nonzero(global_mask) / global_mask.size:.1f} %)"
        )
        _redraw(figure)

    for control in (block, offset_slider, kind):
        control.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer


def _comparison_colours() -> np.ndarray:
    """RGBA for: background, missed (truth only), extra (found only), found and true."""

    def rgba(colour: str) -> list[int]:
        return [round(255 * c) for c in mpl.colors.to_rgb(colour)] + [255]

    return np.array(
        [[0, 0, 0, 255], rgba(OKABE_ITO["orange"]), rgba(OVERLAY_COLOUR), [255, 255, 255, 255]],
        dtype=np.uint8,
    )


def root_mass_explorer(
    image_or_name: np.ndarray | str,
    *,
    truth: np.ndarray | None = None,
    sigma: float = 1.5,
    exclude_above: float | None = None,
    display_size: int = DISPLAY_SIZE,
    continuous_update: bool | None = None,
) -> Explorer:
    """Explore the root-mass measurement: blur, leave out bright labels, Otsu, count.

    Sliders set the blur's ``sigma`` and the brightness above which pixels (a white label)
    are left out (:func:`helpers.rootmass.root_mask`); the readout gives the root fraction,
    and, where a ground-truth mask exists, the true fraction and the overlap.

    Parameters
    ----------
    image_or_name : ndarray or str
        A photograph (colour or grayscale), or the name of one of the lesson's images,
        such as ``'trial-016'`` (its ground-truth mask is used when it has one).
    truth : ndarray of bool, optional
        Ground-truth root mask, same height and width as the image.
    sigma : float, optional
        Starting blur.
    exclude_above : float, optional
        Starting cut-off (default: none, the slider at 1).
    display_size : int, optional
        Longest side of the images shown, in pixels.
    continuous_update : bool, optional
        Update while a slider is dragged (default: for images up to a million pixels).

    Returns
    -------
    Explorer
        Controls ``'sigma'`` and ``'exclude_above'``.

    Raises
    ------
    ValueError
        If the image is constant or empty, or ``truth`` has another shape.

    Examples
    --------
    >>> gray = np.zeros((40, 40))
    >>> gray[5:35, 18:22] = 0.6
    >>> explorer = root_mass_explorer(gray, truth=gray > 0.3)
    >>> explorer.controls["sigma"].value = 0.5
    >>> explorer.readout.value
    'root fraction 7.5 % (Otsu t = 0.064) · truth 7.5 % · overlap (IoU) 1.00'
    """
    from helpers.bundled import UnknownImageError, load_mask
    from helpers.loading import load_image
    from helpers.rootmass import root_mask

    notes: list[str] = []
    if isinstance(image_or_name, str):
        photo = load_image(image_or_name)
        if truth is None:
            try:
                truth = load_mask(image_or_name)
            except UnknownImageError:
                notes.append(f"{image_or_name!r} has no ground-truth mask to compare with.")
    else:
        photo = prepare_image(image_or_name)
    if _has_colour(photo):
        notes.append(
            "The photograph's colours are converted to grayscale (luminance) for the measurement."
        )
    gray = prepare_image(photo, gray=True)
    if gray.min() == gray.max():
        raise ValueError(
            f"The image is constant (every pixel is {gray.flat[0]:g}), so there are no roots "
            "to separate from the background. Check that the right image was loaded."
        )
    if truth is not None:
        truth = np.asarray(truth, dtype=bool)
        if truth.shape != gray.shape:
            raise ValueError(
                f"The truth mask's shape {truth.shape} differs from the image's {gray.shape}."
            )
    shown = _downsample(photo, display_size)
    continuous = _continuous(gray.size, continuous_update)
    sigma_slider = widgets.FloatSlider(
        value=sigma,
        min=0.0,
        max=5.0,
        step=0.25,
        description="blur sigma",
        continuous_update=continuous,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="600px"),
    )
    cut_slider = widgets.FloatSlider(
        value=1.0 if exclude_above is None else exclude_above,
        min=0.3,
        max=1.0,
        step=0.01,
        description="leave out brighter than (1 = none)",
        continuous_update=continuous,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="600px"),
    )

    figure, (ax_photo, ax_mask) = _new_figure(2, 8.0, 3.6)
    overlay_colours = _mask_colours(True)
    comparison_colours = _comparison_colours() if truth is not None else _mask_colours(False)
    empty = np.zeros(shown.shape[:2], dtype=np.uint8)
    with mpl.rc_context(STYLE):
        _image_axes(ax_photo, shown, "photograph and roots found")
        found_image = ax_photo.imshow(overlay_colours.take(empty, axis=0), interpolation="nearest")
        title = "found (white), missed (orange), extra (blue)" if truth is not None else "mask"
        mask_image = _image_axes(ax_mask, comparison_colours.take(empty, axis=0), title)
    _freeze_layout(figure)
    figure.canvas.changing = [found_image, mask_image]
    shown_truth = None if truth is None else _shown_mask(truth, display_size)
    explorer = Explorer(
        {"sigma": sigma_slider, "exclude_above": cut_slider},
        figure,
        notes,
    )

    def update() -> None:
        cut = None if cut_slider.value >= 1.0 else cut_slider.value
        mask, threshold = root_mask(gray, sigma_slider.value, cut)
        shown_found = _shown_mask(mask, display_size)
        found_image.set_data(overlay_colours.take(shown_found.view(np.uint8), axis=0))
        fraction = np.count_nonzero(mask) / mask.size
        text = f"root fraction {100 * fraction:.1f} % (Otsu t = {threshold:.3f})"
        if truth is None:
            mask_image.set_data(comparison_colours.take(shown_found.view(np.uint8), axis=0))
        else:
            codes = shown_truth.view(np.uint8) + 2 * shown_found.view(np.uint8)
            mask_image.set_data(comparison_colours.take(codes, axis=0))
            both = np.count_nonzero(mask & truth)
            either = np.count_nonzero(mask | truth)
            overlap = both / either if either else 1.0
            text += (
                f" · truth {100 * np.count_nonzero(truth) / truth.size:.1f} %"
                f" · overlap (IoU) {overlap:.2f}"
            )
        explorer.readout.value = html.escape(text)
        _redraw(figure)

    for control in (sigma_slider, cut_slider):
        control.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer
