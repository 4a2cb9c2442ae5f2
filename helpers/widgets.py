"""Interactive explorers for live demos: one line in an episode, instant sliders.

Each factory returns an :class:`Explorer` (an ipywidgets ``VBox``) holding the controls, a
readout and an ipympl figure. The computing is done by :mod:`helpers.thresholds`,
:mod:`helpers.roots` and scikit-image; this module only wires controls to figures.

Why the sliders are fast on a 2000 x 3000 photograph:

- the figure is drawn once; a slider move only changes the artists' data in place (the mask
  image, the threshold line, the foreground part of the histogram, a title) and redraws
  those artists alone, at once, over a kept background (see :class:`_Redraw`), and sends
  the browser a whole frame each time, so that no stale pixel can stay on screen;
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
import threading
from collections.abc import Callable
from typing import Literal

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import skimage as ski
import traitlets
from matplotlib.figure import Figure

from helpers.images import UnknownImageError, load_image, load_mask, prepare_image
from helpers.plotting import OKABE_ITO, OVERLAY_COLOUR, STYLE, THRESHOLD_COLOUR, _value_range
from helpers.roots import root_mask
from helpers.thresholds import local_threshold

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
    redraw : callable
        Redraws the figure's changing artists and sends the frame; its ``draws`` counts
        the redraws.
    lock : threading.RLock
        Held while the explorer updates or its canvas draws (see :class:`_LockedCanvas`).
    """

    def __init__(self, controls: dict, figure: Figure, notes: list[str], changing: list):
        self.controls = controls
        self.figure = figure
        self.redraw = _Redraw(figure, changing)
        self.lock = figure.canvas.lock
        # A full draw (the browser's request) also re-sends the readout, which may likewise
        # have arrived out of order.
        figure.canvas.mpl_connect("draw_event", lambda _: self.readout.send_state("value"))
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
                with self.lock:
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
        opaque = mpl.colors.to_rgb(self.figure.get_facecolor())
        self.figure.savefig(buffer, format="png", facecolor=opaque)
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


#: Opacity of the figures' background. Below 1, so that every frame matplotlib sends to the
#: browser is a whole picture: its web backend sends only the pixels that changed since the
#: previous frame unless the picture has some transparency ("diff images may not contain
#: transparency", ``FigureCanvasWebAggCore.set_image_mode``). ipympl shows frames through
#: one image element, so a frame that arrives while the previous one is still loading
#: replaces it: a lost difference frame would leave old pixels on screen for good, a lost
#: whole frame is simply superseded. 254/255 white looks white on any page.
BACKGROUND_ALPHA = 254 / 255

#: Resolution of the explorers' figures, in pixels per inch. Every frame is a whole PNG of
#: the figure, whose encoding takes most of a slider move's time in Python, in proportion
#: to the pixels: 90 (rather than 100) keeps a move of the threshold explorer under 20 ms
#: on a 2000 x 3000 image (``benchmarks/explorers.py``); the figure shows 10 % smaller.
#: ipympl doubles it on a high-density screen.
FIGURE_DPI = 90


class _Redraw:
    """Redraw a figure's changing artists over a kept background, and send a whole frame.

    matplotlib's documented blitting (``copy_from_bbox``, ``restore_region``,
    ``draw_artist``, ``blit``): the unchanging parts are rendered once, without the
    changing artists, and kept; each redraw restores them and draws only the changing
    artists. The background is rendered again whenever the figure's size, resolution or an
    axes' view (zoom, pan) changes. The figure's background is not opaque
    (:data:`BACKGROUND_ALPHA`), so every frame sent is a full frame, which depends on no
    earlier frame having been shown.

    Attributes
    ----------
    draws : int
        How many times the figure was redrawn (one per user action).
    """

    def __init__(self, figure: Figure, changing: list):
        self.figure = figure
        self.changing = changing
        self.draws = 0
        self._thread: int | None = None
        self._background = None
        self._key: tuple | None = None

    def _view_key(self, renderer) -> tuple:
        views = tuple(tuple(ax.viewLim.bounds) for ax in self.figure.axes)
        return renderer.width, renderer.height, self.figure.dpi, views

    def _render_background(self, renderer) -> None:
        visible = [artist.get_visible() for artist in self.changing]
        for artist in self.changing:
            artist.set_visible(False)
        try:
            renderer.clear()
            self.figure.draw(renderer)
        finally:
            for artist, was_visible in zip(self.changing, visible, strict=True):
                artist.set_visible(was_visible)
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def __call__(self) -> None:
        """Draw the changed artists now and send the frame to the browser.

        ``draw_idle`` would instead ask the browser to ask back for a draw: one round trip
        more on every move. Drawing at once cannot queue a backlog: the widgets' front end
        sends a slider's next value only after the kernel has finished with the last one.
        Until a browser shows the figure (ipympl's ``syncing_data_url``), the draw is left
        to the browser's first request, which draws the whole figure.
        """
        self.draws += 1
        canvas = self.figure.canvas
        if getattr(canvas, "syncing_data_url", False):
            canvas.draw_idle()
            return
        renderer = canvas.get_renderer()
        key = self._view_key(renderer)
        if self._background is None or key != self._key:
            self._render_background(renderer)
            self._key = key
        else:
            canvas.restore_region(self._background)
        for artist in self.changing:
            self.figure.draw_artist(artist)
        canvas.blit(self.figure.bbox)  # sends the whole figure: a full frame
        thread, self._thread = self._thread, threading.get_ident()
        if thread is not None and thread != self._thread:
            # Widget messages can run on a kernel subshell's thread (JupyterLab, ipykernel
            # 7), and frames sent from two threads can reach the browser out of order: the
            # last one shown could be the older. Ask the browser for one more full frame; its
            # request comes back after both have gone out. (It also re-sends the readout.)
            canvas.draw_idle()


@functools.cache
def _locked_canvas_class():
    """ipympl's canvas, drawing under a lock (imported late: ipympl loads a backend)."""
    from ipympl.backend_nbagg import Canvas

    class _LockedCanvas(Canvas):
        """An ipympl canvas whose draws, and the explorer's updates, take turns.

        JupyterLab can send widget messages to the kernel on subshells (ipykernel 7), which
        run on threads of their own: two slider moves, or a move and the browser asking for
        a draw, can then run at the same time, and two draws into one renderer at once make
        a wrong picture. :attr:`lock` makes them take turns.
        """

        def __init__(self, figure: Figure):
            super().__init__(figure)
            self.lock = threading.RLock()

        def draw(self) -> None:
            with self.lock:
                super().draw()

        def blit(self, bbox=None) -> None:
            with self.lock:
                super().blit(bbox)

    return _LockedCanvas


def _new_figure(ncols: int, width: float, height: float) -> tuple[Figure, list]:
    """A figure on an ipympl canvas, never registered with pyplot."""
    from ipympl.backend_nbagg import FigureManager

    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(width, height), dpi=FIGURE_DPI, layout="constrained")
        axes = list(figure.subplots(1, ncols))
    figure.patch.set_alpha(BACKGROUND_ALPHA)  # every frame a full frame (see there)
    canvas = _locked_canvas_class()(figure)
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


def _decimals(step: float) -> int:
    """Decimals that show every multiple of ``step`` exactly.

    Examples
    --------
    >>> [_decimals(step) for step in (1.0, 0.25, 0.01, 0.005, 3.0)]
    [0, 2, 2, 3, 0]
    """
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1])


def _on_grid(value: float, step: float, down: bool) -> float:
    """``value`` rounded down (or up) to a multiple of ``step``, without float noise."""
    steps = np.floor(value / step + 1e-9) if down else np.ceil(value / step - 1e-9)
    return round(float(steps) * step, _decimals(step))


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
    decimals = _decimals(step)
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
    # The slider's ends lie on its steps, so that every value it takes shows exactly with
    # the digits its readout shows.
    slider = widgets.FloatSlider(
        value=start,
        min=_on_grid(low, step, down=True),
        max=_on_grid(high, step, down=False),
        step=step,
        description="threshold t",
        readout_format=f".{decimals}f",
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
        # Above the spines and the legend (zorder 5), so that drawing the line alone over
        # the rest gives the same picture as drawing everything.
        line = ax_histogram.axvline(start, color=THRESHOLD_COLOUR, linewidth=2.5, zorder=6)
        ax_histogram.spines[:].set_zorder(0.5)  # under the bars, for the same reason
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
        _legend_clear_of_bars(ax_histogram, counts, edges)
    _freeze_layout(figure)
    explorer = Explorer(
        {"method": method, "foreground": direction, "threshold": slider},
        figure,
        notes,
        changing=[mask_image, foreground_bars, line, ax_mask.title],
    )
    shown_state: list = [None]  # what the figure shows now: (t, direction, method)
    quiet: list = [False]  # True while the explorer itself switches the menu to "manual"

    def current_threshold() -> float:
        # A method's own threshold, not the slider's value rounded to its step.
        return slider.value if method.value == "manual" else method_threshold(method.value)

    def update() -> None:
        t = current_threshold()
        state = (t, direction.value, method.value)
        if state == shown_state[0]:
            return  # e.g. the slider's front end echoing a value rounded to its step
        brighter = direction.value == ">"
        mask = shown > t if brighter else shown < t
        mask_image.set_data(colours.take(mask.view(np.uint8), axis=0))
        line.set_xdata([t, t])
        foreground_bars.set_data(values=np.where((centres > t) == brighter, counts, 0))
        fraction = count_selected(t, brighter) / image.size
        ax_mask.set_title(f"mask: {100 * fraction:.1f} % foreground")
        explorer.readout.value = html.escape(
            f"t = {_format_threshold(t, step, decimals)} ({method.value}): mask = image "
            f"{direction.value} t covers {100 * fraction:.1f} % of the pixels"
        )
        explorer.redraw()
        shown_state[0] = state

    def on_method(_change=None) -> None:
        if quiet[0]:
            return
        target = current_threshold()
        if target != slider.value:
            slider.value = target  # its observer updates the figure
        else:
            update()

    def on_slider(_change=None) -> None:
        if method.value != "manual" and abs(slider.value - current_threshold()) > step / 2:
            quiet[0] = True  # the learner moved away from the method's value
            try:
                method.value = "manual"
            finally:
                quiet[0] = False
        update()

    method.observe(explorer.guarded(on_method), names="value")
    slider.observe(explorer.guarded(on_slider), names="value")
    direction.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer


def _format_threshold(t: float, step: float, decimals: int) -> str:
    """A threshold with the slider's digits, or one more where it lies between two steps.

    A method's threshold (Otsu's, say) shows as the episodes print it (``t = 0.383``).

    Examples
    --------
    >>> _format_threshold(0.39, 0.01, 2), _format_threshold(0.38271, 0.01, 2)
    ('0.39', '0.383')
    >>> _format_threshold(107.0, 1.0, 0), _format_threshold(94.27, 1.0, 0)
    ('107', '94.3')
    """
    on_step = abs(t / step - round(t / step)) < 1e-6
    return f"{t:.{decimals if on_step else decimals + 1}f}"


def _legend_clear_of_bars(ax, counts: np.ndarray, edges: np.ndarray) -> None:
    """Put the legend in the top corner where the bars are lowest, with room above them.

    The corner (left, centre or right) is chosen from the histogram, and the y axis is
    extended so that no bar reaches the legend's lower edge.
    """
    figure, legend = ax.figure, ax.get_legend()
    best = None
    for _ in range(2):  # the second pass sees the layout with the final y axis
        figure.get_layout_engine().execute(figure)
        renderer = figure.canvas.get_renderer()
        for loc in ("upper right", "upper left", "upper center"):
            legend.set_loc(loc)
            box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
            (x0, _), (x1, _) = ax.transLimits.inverted().transform([(box.x0, 0), (box.x1, 0)])
            under = (edges[:-1] < x1) & (edges[1:] > x0)
            tallest = counts[under].max() if under.any() else 0
            # bars up to `tallest` must end below the legend, at `box.y0` of the axes height
            top = max(counts.max() * 1.05, tallest / (0.95 * box.y0))
            if best is None or top < best[0]:
                best = (top, loc)
        legend.set_loc(best[1])
        ax.set_ylim(0, best[0])
        best = None


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
    computed at full resolution with :func:`helpers.thresholds.local_threshold`.

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
    # A step of 1 (uint8) or 0.001 of the range, shown with exactly the digits it needs;
    # the ends lie on the steps.
    offset_step = 1.0 if integer else float(f"{(high - low) / 1000:.1g}")
    offset_decimals = _decimals(offset_step)
    span = 30.0 if integer else _on_grid((high - low) * 0.12, offset_step, down=False)
    offset_slider = widgets.FloatSlider(
        value=offset,
        min=-span,
        max=span,
        step=offset_step,
        description="offset",
        readout_format=f".{offset_decimals}f",
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
            f"global (Otsu t = {otsu:.{0 if integer else 3}f}): {100 * fraction:.1f} %",
        )
        local_image = _image_axes(ax_local, np.zeros_like(shown, dtype=bool), "local")
    _freeze_layout(figure)
    explorer = Explorer(
        {"block_size": block, "offset": offset_slider, "method": kind},
        figure,
        notes,
        changing=[local_image, ax_local.title],
    )
    shown_state: list = [None]

    def update() -> None:
        state = (block.value, offset_slider.value, kind.value)
        if state == shown_state[0]:
            return  # a slider's front end echoing the value it was given
        threshold = local_threshold(image, block.value, offset_slider.value, kind.value)
        mask = image < threshold if darker else image > threshold
        local_image.set_data(colours.take(_shown_mask(mask, display_size).view(np.uint8), axis=0))
        fraction = np.count_nonzero(mask) / mask.size
        ax_local.set_title(f"local (block {block.value}): {100 * fraction:.1f} %")
        explorer.readout.value = html.escape(
            f"mask = image {foreground} local {kind.value} of a {block.value} x {block.value} "
            f"window "
            f"minus {offset_slider.value:.{offset_decimals}f}: {100 * fraction:.1f} % of the "
            f"pixels (global Otsu: {100 * np.count_nonzero(global_mask) / global_mask.size:.1f} %)"
        )
        explorer.redraw()
        shown_state[0] = state

    for control in (block, offset_slider, kind):
        control.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer


def _dice(mask: np.ndarray, truth: np.ndarray) -> float:
    """Dice coefficient of two masks, as the episodes teach: 2 |A ∩ B| / (|A| + |B|).

    1 when the masks are identical, 0 when they share no pixel; 1 for two empty masks.

    Examples
    --------
    >>> _dice(np.array([True, True, False]), np.array([True, False, False]))
    0.6666666666666666
    """
    both = np.count_nonzero(mask & truth)
    sizes = np.count_nonzero(mask) + np.count_nonzero(truth)
    return float(2 * both / sizes) if sizes else 1.0


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
    are left out (:func:`helpers.roots.root_mask`); the readout gives the root fraction,
    and, where a ground-truth mask exists, the true fraction and the Dice coefficient
    (2 |A ∩ B| / (|A| + |B|), as the episodes compute it) of the mask against it.

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
    'root fraction 7.5 % (Otsu t = 0.064) · truth 7.5 % · Dice 1.000'
    """
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
    shown_truth = None if truth is None else _shown_mask(truth, display_size)
    explorer = Explorer(
        {"sigma": sigma_slider, "exclude_above": cut_slider},
        figure,
        notes,
        changing=[found_image, mask_image],
    )
    shown_state: list = [None]

    def update() -> None:
        state = (sigma_slider.value, cut_slider.value)
        if state == shown_state[0]:
            return  # a slider's front end echoing the value it was given
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
            text += (
                f" · truth {100 * np.count_nonzero(truth) / truth.size:.1f} %"
                f" · Dice {_dice(mask, truth):.3f}"
            )
        explorer.readout.value = html.escape(text)
        explorer.redraw()
        shown_state[0] = state

    for control in (sigma_slider, cut_slider):
        control.observe(explorer.guarded(update), names="value")
    explorer.guarded(update)()
    return explorer
