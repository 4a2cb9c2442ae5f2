"""Live explorers on the website: each explorer's output also carries what the page needs.

Runs inside the kernels that execute the episodes for the website, never in a learner's:
``website/conf.py`` points ``PYTHONSTARTUP`` at ``kernel_startup.py``, which calls
:func:`register`. The threshold, adaptive and root-mass explorers (by their public ``kind``)
then also show as HTML: a ``<div class="live-explorer">`` holding their still picture (the
fallback when scripts are off; ``lesson_site`` gives it the cell's alt text) and a JSON
payload from which ``static/explorers.js`` builds the same explorer in the page.

The payload is light (a page stays under 3 MB) and its readouts are exact:

- threshold: the image at display resolution (float32, as the notebook thresholds it), the
  histogram, and the number of pixels above and below every threshold the slider and the
  menu can give, counted on every pixel;
- adaptive: every pixel (the local mean needs them; episode 4's page is small), sent as
  bytes where its values are whole numbers of 255ths or bytes, else as 16-bit steps, each
  as its difference from a prediction by its neighbours (as PNG's filters), and Otsu's
  global threshold;
- root mass: the photograph at display resolution (and, to draw the mask from, each block's
  median gray level) and, for every sigma and cut-off the
  sliders give, Otsu's threshold of the blurred photograph's band and the pixels of the mask
  and of the mask within the truth, counted on every pixel as :func:`helpers.roots.root_mask`
  does, from the sorted blurred values.

Arrays are zlib-compressed, in base64.
"""

from __future__ import annotations

import base64
import html
import json
import zlib

import cv2
import numpy as np
import skimage as ski

from helpers.roots import root_mask
from helpers.widgets import DISPLAY_SIZE, METHODS, Explorer

#: The explorers the page can rebuild (their ``kind``).
KINDS = ("threshold", "adaptive", "root mass")
#: 16 bits: 65,535 steps between the image's least and largest values.
STEPS = 65535
#: How a pixel may be predicted from those before it (``explorers.js`` undoes each).
PREDICTORS = ("none", "left", "up", "gradient")


def _packed(data: bytes | np.ndarray) -> str:
    data = data.tobytes() if isinstance(data, np.ndarray) else data
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _residuals(codes: np.ndarray, predictor: str) -> np.ndarray:
    """Each code minus its prediction (``left``, ``up``, or ``left + up - up-left`` as PNG's
    filters, the first row from the left and the first column from above), modulo its
    type's range.

    Examples
    --------
    >>> codes = np.array([[1, 2], [3, 5]], dtype=np.uint8)
    >>> _residuals(codes, "gradient").tolist()
    [[1, 1], [2, 1]]
    """
    values = codes.astype(np.int64)
    predicted = np.zeros_like(values)
    if predictor in ("left", "gradient"):
        predicted[:, 1:] = values[:, :-1]
    if predictor == "up":
        predicted[1:] = values[:-1]
    if predictor == "gradient":
        predicted[1:, 0] = values[:-1, 0]
        predicted[1:, 1:] += values[:-1, 1:] - values[:-1, :-1]
    return (values - predicted).astype(codes.dtype)


def _bytes(codes: np.ndarray) -> bytes:
    """Bytes, or 16-bit codes as their high bytes then their low bytes."""
    if codes.dtype == np.uint8:
        return codes.tobytes()
    return np.concatenate([(codes >> 8).astype(np.uint8), (codes & 255).astype(np.uint8)]).tobytes()


def _codes(image: np.ndarray) -> tuple[dict, np.ndarray]:
    """The image as bytes that give it back exactly, if it can be; else as 16-bit steps."""
    codes = np.rint(image * 255)
    if codes.min() >= 0 and codes.max() <= 255:  # as img_as_float (times 1/255) or divided
        for name, value in (("scale", 1 / 255), ("divisor", 255)):
            if np.array_equal(codes * value if name == "scale" else codes / value, image):
                return {"bits": 8, name: value}, codes.astype(np.uint8)
    if image.dtype == np.uint8:
        return {"bits": 8, "scale": 1}, image
    low, high = float(image.min()), float(image.max())
    steps = np.rint((image - low) * (STEPS / (high - low))).astype(np.uint16)
    return {"bits": 16, "low": low, "high": high, "steps": STEPS}, steps


def pixels(image: np.ndarray) -> dict:
    """Every pixel of ``image``, as ``explorers.js``'s ``pixels()`` decodes them."""
    encoding, codes = _codes(image)
    packed = {name: _packed(_bytes(_residuals(codes, name))) for name in PREDICTORS}
    predictor = min(packed, key=lambda name: len(packed[name]))
    return {**encoding, "predictor": predictor, "pixels": packed[predictor]}


def _control(control) -> dict:
    """A control's label, value, range and options, as the notebook shows them."""
    found = {"description": control.description, "value": control.value}
    for name in ("min", "max", "step"):
        if hasattr(control, name):
            found[name] = getattr(control, name)
    if hasattr(control, "options"):  # (label, value) pairs, or labels that are their values
        found["options"] = [
            list(option) if isinstance(option, tuple) else [option, option]
            for option in control.options
        ]
    return found


def slider_values(control) -> np.ndarray:
    """Every value a slider can take, as the page reads them (decimal steps from its least).

    Examples
    --------
    >>> import ipywidgets
    >>> slider_values(ipywidgets.FloatSlider(min=0.3, max=0.35, step=0.01)).tolist()
    [0.3, 0.31, 0.32, 0.33, 0.34, 0.35]
    """
    steps = round((control.max - control.min) / control.step)
    digits = len(f"{control.step:.10f}".rstrip("0").split(".")[1])
    return np.array([round(control.min + k * control.step, digits) for k in range(steps + 1)])


def _threshold(explorer: Explorer) -> dict:
    """The threshold explorer: display pixels, histogram, exact counts at every threshold."""
    image = explorer.image
    methods = {label: float(getattr(ski.filters, name)(image)) for label, name in METHODS.items()}
    slider = slider_values(explorer.controls["threshold"])
    thresholds = np.concatenate([slider, list(methods.values())])
    ordered = np.sort(image, axis=None)
    return {
        "shown": _packed(explorer.shown.astype("<f4")),
        "counts": explorer.counts.tolist(),
        "edges": explorer.edges.tolist(),
        "methods": methods,
        "above": (image.size - np.searchsorted(ordered, thresholds, "right")).tolist(),
        "below": np.searchsorted(ordered, thresholds, "left").tolist(),
    }


def _adaptive(explorer: Explorer) -> dict:
    """The adaptive explorer: every pixel, and Otsu's global threshold."""
    return {**pixels(explorer.image), "otsu": float(ski.filters.threshold_otsu(explorer.image))}


def _band_otsu(ordered: np.ndarray, inside: int) -> float | None:
    """``helpers.roots``' Otsu threshold of the ``inside`` least of the sorted ``ordered``
    values (the same bytes of its bins, by cv2.convertScaleAbs, counted by bisection); None
    where root_mask refuses: an empty or constant band."""
    if inside == 0 or (high := float(ordered[inside - 1])) - (low := float(ordered[0])) <= (
        8 * np.finfo(np.float32).eps * abs(high)
    ):
        return None
    scale = 256 / (high - low)
    bins = cv2.convertScaleAbs(ordered[:inside], alpha=scale, beta=-low * scale - 0.5).ravel()
    counts = np.diff(np.searchsorted(bins, np.arange(257), "left")).astype(np.float32)
    edges = np.linspace(low, high, 257)
    centers = (edges[:-1] + edges[1:]) / 2
    return float(ski.filters.threshold_otsu(hist=(counts, centers)))  # as helpers.roots does


def _refusal(blurred: np.ndarray, cut: float) -> str:
    """What root_mask says where it refuses a setting."""
    try:
        root_mask(blurred, 0.0, None if cut >= 1 else cut)
    except ValueError as error:
        return str(error)
    return ""


def _root_mass_row(gray, truth, sigma: float, cuts: np.ndarray) -> list:
    """[threshold, mask pixels, mask pixels in the truth] per cut-off, or why there is none."""
    size = 2 * int(4 * sigma + 0.5) + 1  # root_mask's blur (a test checks the counts)
    blurred = cv2.GaussianBlur(gray, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)
    ordered = np.sort(blurred, axis=None)
    in_truth = np.sort(blurred[truth], axis=None) if truth is not None else ordered[:0]
    row = []
    for cut in cuts:  # the band: blurred < cut, compared as float32 (as NumPy compares)
        ends = [np.searchsorted(values, np.float32(cut)) for values in (ordered, in_truth)]
        ends = [values.size for values in (ordered, in_truth)] if cut >= 1 else ends
        if (t := _band_otsu(ordered, int(ends[0]))) is None:
            row.append(_refusal(blurred, cut))
            continue
        found = [end - np.searchsorted(values, np.float32(t), "right")
                 for values, end in zip((ordered, in_truth), ends, strict=True)]  # fmt: skip
        row.append([t, int(found[0]), int(found[1])])
    return row


def _block_levels(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Per shown block, the gray level (0-255) that more than half its pixels reach: the
    mask of the blocks above a threshold is then the notebook's (most of a block set),
    without a cut-off and blur."""
    (height, width), factor = shape, -(-max(image.shape) // DISPLAY_SIZE)
    blocks = image[: height * factor, : width * factor].reshape(height, factor, width, factor)
    blocks = blocks.transpose(0, 2, 1, 3).reshape(height, width, factor * factor)
    half = factor * factor // 2  # the value with at least half the block at or above it
    kth = np.partition(blocks, half, axis=2)[..., half]
    return np.rint(np.clip(kth, 0, 1) * 255).astype(np.uint8)


def _root_mass(explorer: Explorer) -> dict:
    """The root-mass explorer: the photograph and truth shown, and every setting's counts."""
    sigmas = slider_values(explorer.controls["sigma"])
    cuts = slider_values(explorer.controls["exclude_above"])
    gray, truth = explorer.image.astype(np.float32), explorer.truth
    photo = np.rint(np.clip(explorer.photo, 0, 1) * 255).astype(np.uint8)
    shown_truth = explorer.shown_truth
    return {
        "photo": _packed(photo),
        "channels": 1 if photo.ndim == 2 else photo.shape[2],
        "levels": _packed(_block_levels(explorer.image, explorer.shown.shape[:2])),
        "truth": None if truth is None else _packed(np.packbits(shown_truth)),
        "truth_count": None if truth is None else int(np.count_nonzero(truth)),
        "table": [_root_mass_row(gray, truth, sigma, cuts) for sigma in sigmas],
    }


BUILDERS = {"threshold": _threshold, "adaptive": _adaptive, "root mass": _root_mass}


def payload(explorer: Explorer) -> dict:
    """What ``explorers.js`` needs to rebuild ``explorer``."""
    height, width = explorer.image.shape
    shown_height, shown_width = explorer.shown.shape[:2]
    return {
        "kind": explorer.kind,
        "height": height,
        "width": width,
        "shown_height": shown_height,
        "shown_width": shown_width,
        "factor": -(-max(height, width) // DISPLAY_SIZE),  # image pixels per shown pixel
        "dtype": str(explorer.image.dtype),
        "foreground": getattr(explorer, "foreground", None),
        "controls": {name: _control(control) for name, control in explorer.controls.items()},
        **BUILDERS[explorer.kind](explorer),
    }


def explorer_html(explorer: Explorer) -> str | None:
    """The still picture inside a ``<div>`` that ``explorers.js`` turns into a live explorer
    (None for an explorer that stays a picture)."""
    if explorer.kind not in KINDS:
        return None
    data = json.dumps(payload(explorer), separators=(",", ":")).replace("</", "<\\/")
    picture = base64.b64encode(explorer.png()).decode("ascii")
    return (
        f'<div class="live-explorer" data-kind="{html.escape(explorer.kind)}">'
        f'<script type="application/json" class="live-explorer-data">{data}</script>'
        f'<img class="live-explorer-still" src="data:image/png;base64,{picture}">'
        "</div>"
    )


def register(shell) -> None:
    """Show the explorers as :func:`explorer_html` too."""
    shell.display_formatter.formatters["text/html"].for_type(Explorer, explorer_html)
