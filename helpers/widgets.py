"""Interactive explorers: one line in an episode, sliders that answer at once.

Each factory returns an :class:`Explorer`: controls and a figure drawn by Agg, each frame a
whole picture in an :class:`ipywidgets.Image`.
"""

import base64
import html
import io
import threading
from typing import Literal

import cv2
import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import skimage as ski
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from helpers import plotting
from helpers.checks import _dice
from helpers.images import UnknownImageError, load_image, load_mask, prepare_image
from helpers.plotting import OKABE_ITO, OVERLAY_COLOUR, STYLE, THRESHOLD_COLOUR
from helpers.roots import root_mask

#: The threshold explorer's methods: label -> ``skimage.filters`` function name.
METHODS = {name: f"threshold_{name.lower()}" for name in ("Otsu", "Li", "Yen", "triangle", "mean")}

#: Longest side, in pixels, of the images shown; the computing uses every pixel.
DISPLAY_SIZE = 500
#: A frame is a picture of the whole figure, encoded in time proportional to its pixels
#: (``python -m benchmarks.explorers``); zlib level 1 encodes a PNG fastest.
_FIGURE_DPI = 90
_WIDE = {"width": "600px", "max_width": "100%"}  # a slider, narrower on a small screen
#: Words heard, not seen (the figure shows them).
_SCREEN_READERS_ONLY = '<span style="position:absolute;clip:rect(0 0 0 0)">{}</span>'
#: Black and white as RGBA: ``table.take(mask, axis=0)`` draws twice as fast as a colour map.
_BLACK_WHITE = np.array([[0, 0, 0, 255], [255, 255, 255, 255]], dtype=np.uint8)


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
        value = min(max(proposal["value"], self.min), self.max)
        return value if value % 2 else (value + 1 if value + 1 <= self.max else value - 1)


def _slider(description, value, low, high, step, kind=widgets.FloatSlider):
    """A slider as wide as the screen allows; a float one shows the digits its step needs (give
    it ends on steps). While dragged, ipywidgets sends the latest value once one is handled."""
    look = {"style": {"description_width": "initial"}, "layout": _WIDE}
    if kind is widgets.FloatSlider:  # so that the readout shows every value exactly
        look["readout_format"] = f".{_decimals(step)}f"
    return kind(description=description, value=value, min=low, max=high, step=step, **look)


class Explorer(widgets.VBox):
    """Controls, a readout, a figure and a message line, stacked.

    Attributes
    ----------
    kind : str
        ``'threshold'``, ``'adaptive'`` or ``'root mass'``: which explorer.
    image, shown : ndarray
        The grayscale image computed on; its block means shown (:data:`DISPLAY_SIZE`).
    controls, readout, message
        The sliders, menus and toggles by name; the numbers they give and notes on the input
        and any error an update raised (ipywidgets.HTML).
    picture : ipywidgets.Image
        The figure (after the words :meth:`alt_text` gives screen readers).
    figure, lock, draws
        The figure; held to update or draw (widget messages may come on JupyterLab's subshell
        threads); :meth:`redraw` calls, one per action.

    Examples
    --------
    >>> explorer = threshold_explorer(np.eye(4))
    >>> explorer.controls["threshold"].value = 0.8
    >>> explorer.controls["method"].value, explorer.draws, explorer.kind
    ('manual', 2, 'threshold')
    """

    def __init__(self, kind, image, ncols, figsize, notes=()):
        super().__init__()
        self.kind, self.size, self.notes, image = kind, DISPLAY_SIZE, list(notes), np.asarray(image)
        if image.ndim == 3 and image.shape[-1] > 2 and np.ptp(image[..., :3], axis=-1).any():
            self.notes.append(f"The {image.shape} image was converted to grayscale (luminance).")
        keep = "uint8" if image.dtype == np.uint8 and image.ndim == 2 else "float"
        self.image = prepare_image(image, gray=True, dtype=keep)
        if self.image.min() == self.image.max():  # refused before the figure is built
            raise ValueError(f"The image is constant ({self.image.flat[0]:g}): check it is right.")
        self.picture = widgets.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        with mpl.rc_context(STYLE):
            figure = Figure(figsize=figsize, dpi=_FIGURE_DPI, layout="constrained")
            self.figure = FigureCanvasAgg(figure).figure
            self.axes = list(self.figure.subplots(1, ncols))
        self.shown = plotting._downsample(self.image, self.size)
        self.lock, self.draws, self.controls = threading.RLock(), 0, {}
        self.readout, self.message = widgets.HTML(), widgets.HTML()
        self._notes = self.message.value = "<br>".join(html.escape(n) for n in self.notes)
        self._shown = self._background = None

    def _start(self, controls: dict, changing: list) -> None:
        """Freeze the layout, stack the widgets, show the first state (its errors raise)."""
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")  # later draws skip the layout engine
        with mpl.rc_context(STYLE):  # titles fixed too, so a full draw and a fast one agree
            for ax in self.axes:
                ax.set_title(ax.get_title(), y=1.0)
        self.controls, self._changing = controls, changing
        self._refresh()
        alt = widgets.HTML(_SCREEN_READERS_ONLY.format(html.escape(self.alt_text())))
        self.children = [*controls.values(), self.readout, alt, self.picture, self.message]
        for control in controls.values():
            control.observe(self._react, names="value")

    def _state(self) -> tuple:
        return tuple(control.value for control in self.controls.values())

    def _on_change(self, change: dict) -> None:  # a control's value: show it
        self._refresh()

    def _react(self, change: dict) -> None:
        try:
            with self.lock:
                self._on_change(change)
        except Exception as error:  # shown to the learner, not raised into the void
            text = html.escape(f"{type(error).__name__}: {error}")
            failed = (
                f'<span style="color:{THRESHOLD_COLOUR}"><b>Could not update:</b> {text}</span>'
            )
            self.message.value = "<br>".join(filter(None, [self._notes, failed]))
        else:
            self.message.value = self._notes

    def _refresh(self) -> None:
        if (state := self._state()) != self._shown:  # not a slider echoing the value it got
            self._show(*state)
            self.redraw()
            self._shown = state

    def redraw(self) -> None:
        """Blit the changing artists over the kept background; show the frame as a PNG."""
        with self.lock:
            self.draws += 1
            canvas = self.figure.canvas
            if self._background is None:  # the rest of the figure, drawn once
                for artist in self._changing:
                    artist.set_visible(False)
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.figure.bbox)
                for artist in self._changing:
                    artist.set_visible(True)
            canvas.restore_region(self._background)
            for artist in self._changing:
                self.figure.draw_artist(artist)
            self.picture.value = self.png(self.picture.format)

    def png(self, image_format: str = "png") -> bytes:
        """The figure as shown now, as PNG (or JPEG) bytes."""
        buffer, pixels = io.BytesIO(), np.asarray(self.figure.canvas.buffer_rgba())[..., :3]
        options = {"compress_level": 1} if image_format == "png" else {"subsampling": 0}
        Image.fromarray(pixels).save(buffer, format=image_format, quality=90, **options)
        return buffer.getvalue()

    def alt_text(self) -> str:
        """The figure in words: its panels' first titles (the readout gives the numbers)."""
        titles = (ax.get_title() or f"histogram of {ax.get_xlabel()}s" for ax in self.axes)
        return f"Figure of {len(self.axes)} panels: " + "; ".join(titles)

    def _repr_mimebundle_(self, **kwargs) -> dict:
        # without a browser (nbval, the website): the figure as a PNG, the readout as text
        data = super()._repr_mimebundle_(**kwargs)
        data["image/png"] = base64.b64encode(self.png()).decode("ascii")
        data["text/plain"] = html.unescape(self.readout.value)
        return data


def _shown(mask: np.ndarray, size: int) -> np.ndarray:
    """A mask at display resolution, as 0 and 1: a block is foreground where most of it is."""
    return (plotting._downsample(mask, size) >= 0.5).view(np.uint8)


def _decimals(step: float) -> int:
    """Decimals that show every multiple of ``step`` exactly (0.25 -> 2, 3.0 -> 0)."""
    return len(f"{step:.10f}".rstrip("0").split(".")[1])


def _image_axes(ax, image: np.ndarray, title: str, vmin: float = 0, vmax: float = 1, **options):
    shown = ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest", **options)
    ax.set_axis_off()
    ax.set_title(title)
    return shown


def threshold_explorer(
    image: np.ndarray, *, threshold: float | None = None, foreground: Literal[">", "<"] = ">"
) -> Explorer:
    """Explore a global threshold: image, histogram with the threshold, mask, and fraction.

    Parameters
    ----------
    image : ndarray
        Grayscale image (``uint8`` or float), not constant; colour is made gray, with a note.
    threshold : float, optional
        Starting threshold (default: Otsu's).
    foreground : {'>', '<'}, optional
        Foreground brighter (``mask = image > t``) or darker than the threshold.

    Returns
    -------
    Explorer
        Controls ``'method'`` (a method of :data:`METHODS` moves the slider to its threshold;
        "manual" once the slider leaves it), ``'foreground'`` and ``'threshold'``; its
        ``counts`` and ``edges`` are the histogram drawn.

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
    return _ThresholdExplorer(image, threshold, foreground)


class _ThresholdExplorer(Explorer):
    def __init__(self, image, threshold, foreground):
        super().__init__("threshold", image, 3, (9.0, 3.0))
        low, high = plotting._value_range(image := self.image)
        self.methods, self.sorted = {}, np.sort(image, axis=None)  # fractions by bisection
        integer = image.dtype == np.uint8
        span = (-0.5, 255.5) if integer else (low, high)
        self.counts, self.edges = counts, edges = np.histogram(image, bins=256, range=span)
        self.step = 1.0 if integer else 0.01  # uint8, or float in [0, 1] (prepare_image)
        start = self._method("Otsu") if threshold is None else float(threshold)
        first = "Otsu" if threshold is None else "manual"
        method = widgets.Dropdown(options=["manual", *METHODS], value=first, description="method")
        sides = [("image > t", ">"), ("image < t", "<")]
        direction = widgets.ToggleButtons(options=sides, value=foreground, description="foreground")
        direction.tooltips = [f"foreground {side} than t" for side in ("brighter", "darker")]
        slider = _slider("threshold t", start, low, high, self.step)
        ax_image, hist, ax_mask = self.axes
        with mpl.rc_context(STYLE):
            _image_axes(ax_image, self.shown, "image", low, high)
            hist.stairs(counts, edges, fill=True, color="0.55", label="background")
            self.bars = hist.stairs(counts, edges, fill=True, color=OVERLAY_COLOUR)
            self.bars.set_label("foreground")
            self.line = hist.axvline(start, color=THRESHOLD_COLOUR, linewidth=2.5)
            hist.spines[:].set_zorder(0.5)  # under the bars, as a full draw has them
            hist.set(xlim=(edges[0], edges[-1]), xlabel="pixel value", ylabel="number of pixels")
            # the legend above the axes, where no bar can hide under it
            hist.legend(loc="lower center", bbox_to_anchor=(0.5, 1), ncols=2, frameon=False)
            self.mask_image = _image_axes(ax_mask, self.shown, "mask")  # _show colours it
        controls = {"method": method, "foreground": direction, "threshold": slider}
        self._start(controls, [self.mask_image, self.bars, self.line, ax_mask.title])

    def _method(self, label: str) -> float:
        if label not in self.methods:
            self.methods[label] = float(getattr(ski.filters, METHODS[label])(self.image))
        return self.methods[label]

    def _state(self) -> tuple:
        method, direction, t = super()._state()
        # a method's own threshold, not the slider's value rounded to its step
        return method, direction, t if method == "manual" else self._method(method)

    def _on_change(self, change: dict) -> None:
        method, slider, t = self.controls["method"], self.controls["threshold"], self._state()[2]
        if change["owner"] is method and t != slider.value:
            slider.value = t  # its observer refreshes
        elif method.value != "manual" and abs(t - slider.value) > self.step / 2:
            method.value = "manual"  # the slider left the method's value; this refreshes
        else:
            self._refresh()

    def _show(self, method: str, direction: str, t: float) -> None:
        brighter = direction == ">"
        mask = self.shown > t if brighter else self.shown < t
        self.mask_image.set_data(_BLACK_WHITE.take(mask.view(np.uint8), axis=0))
        self.line.set_xdata([t, t])
        centres = (self.edges[:-1] + self.edges[1:]) / 2
        self.bars.set_data(values=np.where((centres > t) == brighter, self.counts, 0))
        position = np.searchsorted(self.sorted, t, side="right" if brighter else "left")
        fraction = (self.image.size - position if brighter else position) / self.image.size
        self.axes[2].set_title(f"mask: {100 * fraction:.1f} % foreground")
        # a method's t between the slider's steps shows one digit more
        digits = _decimals(self.step) + (abs(t / self.step - round(t / self.step)) > 1e-6)
        self.readout.value = html.escape(
            f"t = {t:.{digits}f} ({method}): mask = image {direction} t covers "
            f"{100 * fraction:.1f} % of the pixels"
        )


def adaptive_explorer(
    image: np.ndarray,
    *,
    block_size: int = 35,
    offset: float = 0.0,
    method: Literal["mean", "gaussian"] = "mean",
    foreground: Literal[">", "<"] = ">",
) -> Explorer:
    """Explore adaptive thresholding beside Otsu's: each pixel against its local threshold
    ``ski.filters.threshold_local(image, block_size, method, offset=offset)``, as episode 4
    computes it (its default borders, ``mode="reflect"``).

    Parameters
    ----------
    image : ndarray
        Grayscale image (``uint8`` or float), not constant; colour is made gray, with a note.
    block_size : int, optional
        Starting window size, in pixels (odd).
    offset : float, optional
        Starting offset subtracted from the window's mean, in the image's units.
    method : {'mean', 'gaussian'}, optional
        Starting kind of local mean.
    foreground : {'>', '<'}, optional
        Foreground brighter (``image > mean - offset``, as OpenCV's ``THRESH_BINARY``) or
        darker (``image < mean - offset``, ink on a page) than its local threshold.

    Returns
    -------
    Explorer
        Controls ``'block_size'`` (odd values only), ``'offset'`` and ``'method'``.

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
    return _AdaptiveExplorer(image, block_size, offset, method, foreground)


class _AdaptiveExplorer(Explorer):
    def __init__(self, image, block_size, offset, method, foreground):
        super().__init__("adaptive", image, 3, (9.0, 3.0))
        image, self.foreground = self.image, foreground
        self.compare = np.greater if foreground == ">" else np.less  # the mask: image > or < t
        low, high = plotting._value_range(image)
        integer = image.dtype == np.uint8
        otsu = float(ski.filters.threshold_otsu(image))
        shown = self._picture(global_mask := self.compare(image, otsu))
        self.global_fraction = np.count_nonzero(global_mask) / image.size
        largest = max(3, min(255, min(image.shape) - (1 - min(image.shape) % 2)))
        block = _slider("block size", block_size, 3, largest, 2, kind=OddIntSlider)  # clamps it
        step, span = (1.0, 30.0) if integer else (0.001, 0.12)  # uint8, or float in [0, 1]
        shift = _slider("offset", offset, -span, span, step)
        kinds = ["mean", "gaussian"]
        kind = widgets.Dropdown(options=kinds, value=method, description="local mean")
        ax_image, ax_global, ax_local = self.axes
        with mpl.rc_context(STYLE):
            _image_axes(ax_image, self.shown, "image", low, high)
            title = f"global (Otsu t = {otsu:.{0 if integer else 3}f})"
            _image_axes(ax_global, shown, f"{title}: {100 * self.global_fraction:.1f} %")
            self.local = _image_axes(ax_local, shown, "local")
        controls = {"block_size": block, "offset": shift, "method": kind}
        self._start(controls, [self.local, ax_local.title])

    def _picture(self, mask: np.ndarray) -> np.ndarray:
        return _BLACK_WHITE.take(_shown(mask, self.size), axis=0)

    def _show(self, block: int, offset: float, kind: str) -> None:
        mask = self.compare(
            self.image, ski.filters.threshold_local(self.image, block, kind, offset=offset)
        )
        self.local.set_data(self._picture(mask))
        fraction = np.count_nonzero(mask) / mask.size
        self.axes[2].set_title(f"local (block {block}): {100 * fraction:.1f} %")
        offset_text = f"{offset:.{_decimals(self.controls['offset'].step)}f}"
        self.readout.value = html.escape(
            f"mask = image {self.foreground} local {kind} of a {block} x {block} window minus "
            f"{offset_text}: {100 * fraction:.1f} % of the pixels "
            f"(global Otsu: {100 * self.global_fraction:.1f} %)"
        )


def root_mass_explorer(
    image_or_name: np.ndarray | str,
    *,
    truth: np.ndarray | None = None,
    sigma: float = 1.5,
    exclude_above: float | None = None,
) -> Explorer:
    """Explore the root-mass measurement (:func:`helpers.roots.root_mask`), against a truth.

    Parameters
    ----------
    image_or_name : ndarray or str
        A photograph, or the name of a lesson's image (``'trial-016'``) and of its truth.
    truth : ndarray of bool, optional
        Ground-truth root mask, of the image's height and width.
    sigma : float, optional
        Starting blur.
    exclude_above : float, optional
        Starting cut-off: brighter pixels (a white label) are left out (default: none).

    Returns
    -------
    Explorer
        Controls ``'sigma'`` and ``'exclude_above'`` (at 1: none); the readout gives the
        root fraction and, with a truth, the true fraction and the Dice coefficient. Its
        ``photo`` is the photograph shown, ``truth`` and ``shown_truth`` the truth or None.

    Examples
    --------
    >>> gray = np.zeros((40, 40))
    >>> gray[5:35, 18:22] = 0.6
    >>> explorer = root_mass_explorer(gray, truth=gray > 0.3)
    >>> explorer.controls["sigma"].value = 0.5
    >>> explorer.readout.value
    'root fraction 7.5 % (Otsu t = 0.064) · truth 7.5 % · Dice 1.000'
    """
    notes, named = [], isinstance(image_or_name, str)
    photo = load_image(image_or_name) if named else prepare_image(image_or_name)
    if named and truth is None:
        try:
            truth = load_mask(image_or_name)
        except UnknownImageError:
            notes.append(f"{image_or_name!r} has no ground-truth mask to compare with.")
    cut = 1.0 if exclude_above is None else exclude_above
    return _RootMassExplorer(photo, truth, sigma, cut, notes)


class _RootMassExplorer(Explorer):
    def __init__(self, photo, truth, sigma, cut, notes):
        super().__init__("root mass", photo, 2, (9.0, 6.6), notes)  # large enough to see misses
        self.photo = plotting._downsample(photo, self.size)
        self.image = self.image.astype(np.float32)
        self._blurred, self.picture.format = (None, None), "jpeg"  # 10x faster than PNG
        self.truth = None if truth is None else np.asarray(truth, dtype=bool)
        if truth is not None and self.truth.shape != self.image.shape:
            raise ValueError(f"The truth mask's shape {self.truth.shape} differs from the image's.")
        sigma = _slider("blur sigma", sigma, 0.0, 5.0, 0.25)
        cut = _slider("leave out brighter than (1 = none)", cut, 0.3, 1.0, 0.01)
        key = dict(neither="black", missed=OKABE_ITO["orange"], extra=OVERLAY_COLOUR, found="white")
        key = key if self.truth is not None else {"background": "black", "roots": "white"}
        self.colours = (mpl.colors.to_rgba_array(list(key.values())) * 255).round().astype(np.uint8)
        self.shown_truth = None if self.truth is None else _shown(self.truth, self.size)
        with mpl.rc_context(STYLE):
            self.found = _image_axes(self.axes[0], self.photo, "photograph, roots found in blue")
            title = "against the truth" if self.truth is not None else "mask"
            self.comparison = _image_axes(self.axes[1], self.photo, title)
            patches = [mpl.patches.Patch(fc=c, ec="0.5", label=name) for name, c in key.items()]
            self.axes[1].legend(
                handles=patches, loc="upper center", bbox_to_anchor=(0.5, 0), ncols=2
            )
        self._start({"sigma": sigma, "exclude_above": cut}, [self.found, self.comparison])

    def _show(self, sigma: float, cut: float) -> None:
        if self._blurred[0] != sigma:  # kept while only the cut-off moves: blurred again by 0
            size = (2 * int(4 * sigma + 0.5) + 1,) * 2  # root_mask's blur
            self._blurred = sigma, cv2.GaussianBlur(self.image, size, sigma, borderType=1)
        mask, threshold = root_mask(self._blurred[1], 0.0, None if cut >= 1.0 else cut)
        self.found.set_data(plotting.overlay(self.photo, found := _shown(mask, self.size)))
        fraction = 100 * np.count_nonzero(mask) / mask.size
        text = f"root fraction {fraction:.1f} % (Otsu t = {threshold:.3f})"
        if self.truth is not None:
            found = self.shown_truth + 2 * found  # 0 neither, 1 missed, 2 extra, 3 found
            truth = np.count_nonzero(self.truth) / self.truth.size
            text += f" · truth {100 * truth:.1f} % · Dice {_dice(mask, self.truth):.3f}"
        self.comparison.set_data(self.colours.take(found, axis=0))
        self.readout.value = html.escape(text)
