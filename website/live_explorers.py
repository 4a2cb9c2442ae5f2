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
threshold has two near-equal peaks), as 16-bit steps from its least to its largest value
(the fractions move by at most 0.001 percentage points), zlib-compressed, in base64.
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


def _packed(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


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
    low, high = float(image.min()), float(image.max())
    pixels = np.rint((image - low) * (STEPS / (high - low))).astype("<u2")
    truth = getattr(explorer, "truth", None)
    return {
        "kind": KINDS[type(explorer).__name__],
        "height": image.shape[0],
        "width": image.shape[1],
        "dtype": str(image.dtype),
        "low": low,
        "high": high,
        "steps": STEPS,
        "pixels": _packed(pixels.tobytes()),
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
