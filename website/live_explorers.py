"""Live explorers on the website: each explorer's output also carries its settings and pixels.

Runs inside the kernels that execute the episodes for the website, never in a learner's:
``website/conf.py`` points ``PYTHONSTARTUP`` at ``kernel_startup.py``, which calls
:func:`register`. The threshold, adaptive and root-mass explorers then also show as HTML: a
``<div class="live-explorer">`` holding their still picture (the fallback when scripts are
off; ``lesson_site`` gives it the cell's alt text) and a JSON payload from which
``static/explorers.js`` builds the same explorer, computing in the page. The payload holds
the controls as the notebook has them and the image's pixels, never a computed answer.

The pixels are every pixel of the image the explorer computes on (a smaller image moves the
root fraction of the 3008 x 2000 photograph by up to 26 percentage points where Otsu's
threshold has two near-equal peaks): exactly, as bytes, where every value is a whole number
of 255ths (or a whole number) from 0 to 255; else as 16-bit steps from its least to its
largest value (the fractions move by at most 0.001 percentage points). Each pixel is sent as
its difference from a prediction by its neighbours (as PNG's filters; whichever compresses
best), 16-bit values as their high bytes then their low bytes, zlib-compressed, in base64.
"""

from __future__ import annotations

import base64
import html
import json
import zlib

import numpy as np

#: The explorers the page can rebuild, by class, with the kind ``explorers.js`` knows them by.
#: The annotation explorer is left out: it retrains a random forest after every stroke.
KINDS = {"_ThresholdExplorer": "threshold", "_AdaptiveExplorer": "adaptive",
         "_RootMassExplorer": "root mass"}  # fmt: skip
#: 16 bits: 65,535 steps between the image's least and largest values.
STEPS = 65535
#: How a pixel may be predicted from those before it (``explorers.js`` undoes each).
PREDICTORS = ("none", "left", "up", "gradient")


def _packed(data: bytes) -> str:
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


def payload(explorer) -> dict:
    """What ``explorers.js`` needs to rebuild ``explorer``: its settings and its pixels."""
    image = np.asarray(explorer.image)
    encoding, codes = _codes(image)
    packed = {name: _packed(_bytes(_residuals(codes, name))) for name in PREDICTORS}
    predictor = min(packed, key=lambda name: len(packed[name]))
    truth = getattr(explorer, "truth", None)
    return {
        "kind": KINDS[type(explorer).__name__],
        "height": image.shape[0],
        "width": image.shape[1],
        "dtype": str(image.dtype),
        **encoding,
        "predictor": predictor,
        "pixels": packed[predictor],
        "truth": None if truth is None else _packed(np.packbits(truth).tobytes()),
        "foreground": getattr(explorer, "foreground", None),
        "controls": {name: _control(control) for name, control in explorer.controls.items()},
    }


def explorer_html(explorer) -> str:
    """The still picture inside a ``<div>`` that ``explorers.js`` turns into a live explorer."""
    data = json.dumps(payload(explorer), separators=(",", ":")).replace("</", "<\\/")
    picture = explorer._repr_mimebundle_()["image/png"]
    kind = html.escape(KINDS[type(explorer).__name__])
    return (
        f'<div class="live-explorer" data-kind="{kind}">'
        f'<script type="application/json" class="live-explorer-data">{data}</script>'
        f'<img class="live-explorer-still" src="data:image/png;base64,{picture}">'
        "</div>"
    )


def register(shell) -> None:
    """Show the explorers as :func:`explorer_html` too (without importing them now)."""
    formatter = shell.display_formatter.formatters["text/html"]
    for name in KINDS:
        formatter.for_type_by_name("helpers.widgets", name, explorer_html)
