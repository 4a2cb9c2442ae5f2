"""Check my answer: is a challenge's mask or number right, and if not, what went wrong?

``check(challenge_id, answer)`` computes the challenge's answer from its data and settings,
compares, and names the most likely mistake (:data:`MISTAKES`) with how to fix it. In a
notebook the result shows the image with the pixels that agree, are missed and are extra.
"""

from __future__ import annotations

import base64
import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import imageio.v3 as iio
import numpy as np
import skimage as ski

from helpers.images import load_image, load_mask
from helpers.plotting import OKABE_ITO, overlay

#: Each mistake: what it looks like, and one sentence on how to fix it.
MISTAKES = {
    "colour": ("the colour image was thresholded, not the grey one", "Convert it with "
        "`ski.color.rgb2gray` (and blur it) first: a mask has one value per pixel, not three."),
    "wrong-array": ("this array has another shape than the image", "Check which variable you "
        "passed: the answer has one value for each pixel of the image the challenge names."),
    "not-a-mask": ("this is an image, not a mask", "A mask is what a comparison gives, such as "
        "`blurred > t`: True or False for each pixel."),
    "not-a-number": ("this is not a single number", "The answer here is one number, such as a "
        "threshold or a fraction, not an array."),
    "wrong-scale": ("the threshold is on the wrong scale, so everything or nothing is selected",
        "After `rgb2gray` or a blur the values go from 0 to 1, so the threshold must too (128 "
        "fits 8-bit images, from 0 to 255, and 0.5 on those selects almost everything)."),
    "inverted": ("the mask is inverted: background where the objects are", "Use the other "
        "comparison: `>` keeps what is brighter than the threshold, `<` what is darker."),
    "no-blur": ("speckle: the image was thresholded without the blur", "Blur the grey image "
        "first, with the challenge's `sigma`, and threshold the blurred image."),
    "bright-objects": ("the label and the marker are counted as roots", "Leave out what is "
        "brighter than the cut-off: Otsu of `blurred[band]` only, and `& band` in the mask."),
    "offset-sign": ("the offset has the wrong sign (or is 0), so noise counts as objects",
        "`threshold_local` subtracts the offset from the local mean: positive for dark "
        "objects (`<`), negative for bright ones (`>`)."),
    "small-block": ("the block is too small: only the objects' edges are found", "Choose a "
        "block wider than the objects are thick, so that every window holds some background."),
    "count": ("a number of pixels instead of a fraction", "Divide the count by the number of "
        "pixels in the image, `mask.size`."),
    "percent": ("a percentage instead of a fraction", "A fraction goes from 0 to 1: divide by "
        "the number of pixels (`mask.size`), and leave out the `* 100`."),
    "close": ("close, but not there yet", "Compare each setting with the challenge's (image, "
        "`sigma`, threshold, comparison); the picture shows where your answer differs."),
    "unknown": ("not one of the mistakes this check knows", "Compare each step with the "
        "challenge's settings; the picture shows where your answer differs."),
}  # fmt: skip
#: Colours of the picture (Okabe-Ito: told apart with colour-vision deficiencies too).
COLOURS = {"agree": "sky blue", "missed": "yellow", "extra": "vermillion"}
WORDS = {
    "agree": "agree with the expected mask",
    "missed": "of the expected mask are missing from yours",
    "extra": "are in your mask but not in the expected one",
}


@dataclass(frozen=True)
class Challenge:
    """A challenge whose answer is a mask or a number, computed from the lesson's data.

    ``expected`` and each of ``mistakes`` (the answer a named mistake gives) compute an
    answer when called; ``image`` names the lesson image a picture is drawn on; ``mask_of``
    turns a number (a threshold) into its mask. ``tolerance`` is how far from the expected
    answer is still right: for a mask ``1 - Dice``, for a number the difference.
    """

    image: str
    expected: Callable[[], np.ndarray | float]
    mistakes: dict[str, Callable[[], np.ndarray | float]] = field(default_factory=dict)
    tolerance: float = 0.005
    speckle: str = "no-blur"  # what many small pieces mean in this challenge
    mask_of: Callable[[float], np.ndarray] | None = None


@lru_cache(maxsize=1)  # during a check, its answers and its picture use the same image
def _gray(name: str) -> np.ndarray:
    gray = load_image(name, gray=True)
    gray.flags.writeable = False
    return gray


def _blurred(name: str, sigma: float = 1.0) -> np.ndarray:
    return ski.filters.gaussian(_gray(name), sigma=sigma) if sigma else _gray(name)


def _otsu_below(name: str, sigma: float = 1.0) -> np.ndarray:
    blurred = _blurred(name, sigma)
    return blurred < ski.filters.threshold_otsu(blurred)


def _band_mask(name: str, sigma: float = 1.0, cut_off: float = 1.0) -> np.ndarray:
    blurred = _blurred(name, sigma)
    band = blurred < cut_off
    return (blurred > ski.filters.threshold_otsu(blurred[band])) & band


def _local_above(name: str, block_size: int, offset: float) -> np.ndarray:
    blurred = _blurred(name)
    return blurred > ski.filters.threshold_local(blurred, block_size, "mean", offset=offset)


#: The challenges, by id.
CHALLENGES = {
    "01-dark-shapes": Challenge("shapes-dark", lambda: load_mask("shapes-dark"), tolerance=0.02),
    "02-otsu-dark-objects": Challenge(
        "shapes-light",
        lambda: _otsu_below("shapes-light"),
        {"no-blur": lambda: _otsu_below("shapes-light", 0)},
    ),
    "04-roots-adaptive": Challenge(
        "maize-roots",
        lambda: _local_above("maize-roots", 151, -0.05),
        {
            "offset-sign": lambda: _local_above("maize-roots", 151, 0.05),
            "small-block": lambda: _local_above("maize-roots", 15, -0.05),
        },
    ),
    "05-band-mask": Challenge(
        "trial-016",
        lambda: _band_mask("trial-016", cut_off=0.9),
        {
            "bright-objects": lambda: _band_mask("trial-016"),
            "no-blur": lambda: _band_mask("trial-016", 0, 0.9),
        },
    ),
    "05-root-fraction": Challenge(
        "trial-016",
        lambda: _band_mask("trial-016", cut_off=0.9).mean(),
        {"bright-objects": lambda: _band_mask("trial-016").mean()},
        tolerance=0.0005,
    ),
}


@lru_cache(maxsize=2)  # the last two challenges checked: checking again is quick
def _answers(challenge_id: str) -> dict[str, np.ndarray | float]:
    challenge = CHALLENGES[challenge_id]
    answers = {name: compute() for name, compute in challenge.mistakes.items()}
    return {"expected": challenge.expected(), **answers}


def _dice(mask: np.ndarray, other: np.ndarray) -> float:
    total = np.count_nonzero(mask) + np.count_nonzero(other)
    return 2 * np.count_nonzero(mask & other) / total if total else 1.0


def _pieces(mask: np.ndarray) -> int:
    return int(ski.measure.label(mask, connectivity=1).max())


def _as_mask(answer: object, shape: tuple[int, ...]) -> tuple[np.ndarray | None, str | None]:
    """The answer as a mask of ``shape``, or None and the mistake that keeps it from one."""
    array = np.asarray(answer)
    if array.shape != shape:
        return None, "colour" if array.shape[:2] == shape and array.ndim == 3 else "wrong-array"
    if array.dtype != bool and not np.isin(array, (0, 1, 255)).all():  # 255: OpenCV's masks
        return None, "not-a-mask"
    return array != 0, None


def _mask_mistake(mask: np.ndarray, answers: dict, speckle: str) -> str:
    """The named mistake most like a wrong mask: the one whose wrong pixels it shares."""
    expected = answers["expected"]
    if not 0.001 < np.count_nonzero(mask) / mask.size < 0.999:
        return "wrong-scale"
    if _dice(~mask, expected) > max(0.5, _dice(mask, expected)):
        return "inverted"
    wrong = mask ^ expected
    scores = {name: _dice(wrong, other ^ expected) for name, other in answers.items()}
    del scores["expected"]
    best = max(scores, key=scores.__getitem__, default=None)
    if best is not None and scores[best] >= 0.5:
        return best
    extra = mask & ~expected  # speckle: many more pieces than expected, the extra ones small
    if _pieces(mask) > 2 * _pieces(expected) + 50 and np.count_nonzero(extra) < 20 * _pieces(extra):
        return speckle
    return "close" if _dice(mask, expected) >= 0.8 else "unknown"


def _number_mistake(value: float, answers: dict, tolerance: float, pixels: int) -> str:
    """The named mistake that gives this number (within the tolerance), or the nearest kind."""
    expected = answers["expected"]
    for name, other in answers.items():
        if name != "expected" and abs(value - other) <= tolerance:
            return name
    for name, per in (("percent", 100), ("count", pixels)):
        if abs(value / per - expected) <= tolerance:
            return name
    if expected <= 1 < value:
        return "wrong-scale"
    return "close" if abs(value - expected) <= 10 * tolerance else "unknown"


def _picture(gray: np.ndarray, mask: np.ndarray, expected: np.ndarray, longest: int = 640):
    """The image, at most ``longest`` pixels wide, coloured where the masks agree, where the
    answer misses and where it adds pixels (a small block shows what it holds, a miss or an
    extra before an agreement); and the number of pixels of each."""
    kinds = np.select([mask & expected, expected & ~mask, mask & ~expected], [1, 2, 3], 0)
    counts = {name: int(np.count_nonzero(kinds == kind)) for kind, name in enumerate(COLOURS, 1)}
    step = -(-max(kinds.shape) // longest)
    height, width = (np.array(kinds.shape) // step) * step
    blocks = kinds[:height, :width].reshape(height // step, step, width // step, step)
    small, rgb = blocks.max(axis=(1, 3)), gray[:height:step, :width:step]
    for kind, name in enumerate(COLOURS, 1):
        alpha = 0.5 if name == "agree" else 0.9
        rgb = overlay(rgb, small == kind, OKABE_ITO[COLOURS[name]], alpha)
    return (rgb * 255).round().astype(np.uint8), counts


def _html(text: str) -> str:
    """Text as HTML, with `code` in backticks as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


@dataclass(frozen=True, repr=False)
class CheckResult:
    """What :func:`check` found: a notebook shows it with its picture, ``print`` as text."""

    challenge_id: str
    right: bool
    summary: str
    mistake: str | None = None
    dice: float | None = None
    picture: np.ndarray | None = None  # RGB: the image coloured by agreement
    counts: dict[str, int] = field(default_factory=dict)  # pixels that agree, missed, extra

    def _lines(self) -> list[str]:
        lines = [f"{'Right!' if self.right else 'Not yet.'} {self.challenge_id}: {self.summary}"]
        if self.mistake is not None:
            lines.append("Most likely, {}. {}".format(*MISTAKES[self.mistake]))
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def alt_text(self) -> str:
        """What the picture shows, in words."""
        parts = [
            f"{self.counts[name]:,} pixels {WORDS[name]} ({COLOURS[name]})" for name in COLOURS
        ]
        image = CHALLENGES[self.challenge_id].image
        return f"The image {image}, coloured where your mask differs: {'; '.join(parts)}."

    def _repr_html_(self) -> str:
        first, *rest = map(_html, self._lines())
        verdict = "Right!" if self.right else "Not yet."
        lines = [f"<p><strong>{verdict}</strong>{first.removeprefix(verdict)}</p>"]
        lines += [f"<p>{line}</p>" for line in rest]
        if self.picture is not None:
            jpeg = iio.imwrite("<bytes>", self.picture, extension=".jpg", quality=85, subsampling=0)
            legend = "<br>".join(
                f'<span style="background:{OKABE_ITO[colour]}">&emsp;</span> '
                f"{self.counts[name]:,} pixels {WORDS[name]} ({colour})"
                for name, colour in COLOURS.items()
            )
            lines.append(
                f'<img src="data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}" '
                f'alt="{html.escape(self.alt_text())}" style="max-width:100%"><p>{legend}</p>'
            )
        return f'<div class="helpers-check">{"".join(lines)}</div>'


def _check_mask(challenge_id: str, answer: object) -> CheckResult:
    challenge, expected = CHALLENGES[challenge_id], _answers(challenge_id)["expected"]
    mask, problem = _as_mask(answer, expected.shape)
    if mask is None:
        shape, dtype = np.shape(answer), np.asarray(answer).dtype
        summary = f"your answer has shape {shape} ({dtype}); the mask has {expected.shape}."
        return CheckResult(challenge_id, False, summary, problem)
    dice = _dice(mask, expected)
    right = bool(dice >= 1 - challenge.tolerance)
    least = f"{1 - challenge.tolerance:g} or more"
    summary = f"Dice {dice:.4f} against the expected mask (right: {least})."
    mistake = None if right else _mask_mistake(mask, _answers(challenge_id), challenge.speckle)
    picture, counts = _picture(_gray(challenge.image), mask, expected)
    return CheckResult(challenge_id, right, summary, mistake, dice, picture, counts)


def _check_number(challenge_id: str, answer: object) -> CheckResult:
    challenge, answers = CHALLENGES[challenge_id], _answers(challenge_id)
    if np.ndim(answer) != 0 or not np.issubdtype(np.asarray(answer).dtype, np.number):
        return CheckResult(challenge_id, False, "your answer is not one number.", "not-a-number")
    value, expected, tolerance = float(answer), answers["expected"], challenge.tolerance
    summary, mistake = f"{value:.4g} is within {tolerance:g} of the expected value.", None
    if abs(value - expected) > tolerance:
        mistake = _number_mistake(value, answers, tolerance, _gray(challenge.image).size)
        side = "above" if value > expected else "below"
        summary = f"{value:.4g} is more than {tolerance:g} {side} the expected value."
    if challenge.mask_of is None:
        return CheckResult(challenge_id, mistake is None, summary, mistake)
    mask, expected_mask = challenge.mask_of(value), challenge.mask_of(expected)
    dice = _dice(mask, expected_mask)
    picture, counts = _picture(_gray(challenge.image), mask, expected_mask)
    summary += f" Its mask: Dice {dice:.4f} against the expected one."
    return CheckResult(challenge_id, mistake is None, summary, mistake, dice, picture, counts)


def check(challenge_id: str, answer: object) -> CheckResult:
    """Check the answer to a challenge: right or not, and if not, the most likely mistake.

    The expected answer is computed from the data and settings the challenge states. A
    notebook shows the result with the image, coloured where the answer agrees with the
    expected mask, misses pixels and adds pixels; ``print`` shows it as text.

    Parameters
    ----------
    challenge_id : str
        The challenge, as its solution names it (``"02-otsu-dark-objects"``).
    answer : ndarray or float
        Your mask (True for the objects), threshold or number.

    Returns
    -------
    CheckResult
        ``right``, the ``mistake`` (a key of :data:`MISTAKES`, None if right), the ``dice``
        coefficient against the expected mask where there is one, and the ``picture``.

    Examples
    --------
    >>> blurred = ski.filters.gaussian(load_image("shapes-light", gray=True), sigma=1.0)
    >>> t = ski.filters.threshold_otsu(blurred)
    >>> check("02-otsu-dark-objects", blurred < t).right
    True
    >>> print(check("02-otsu-dark-objects", blurred > t))  # doctest: +ELLIPSIS
    Not yet. 02-otsu-dark-objects: Dice 0.0... against the expected mask (right: 0.995 or more).
    Most likely, the mask is inverted: background where the objects are. Use the other ...
    """
    if challenge_id not in CHALLENGES:
        near = difflib.get_close_matches(str(challenge_id), CHALLENGES, n=1)
        hint = f"Did you mean {near[0]!r}? " if near else ""
        raise ValueError(f"No challenge {challenge_id!r}. {hint}Known: {', '.join(CHALLENGES)}.")
    is_mask = isinstance(_answers(challenge_id)["expected"], np.ndarray)
    result = (_check_mask if is_mask else _check_number)(challenge_id, answer)
    _gray.cache_clear()  # a photograph in the kernel's memory until the next check: no
    return result
