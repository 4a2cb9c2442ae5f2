"""Check my answer: is a challenge's mask or number right, and if not, what went wrong?

:func:`check` computes the answer of one of :data:`CHALLENGES` from its data and settings,
compares, and names the most likely of :data:`MISTAKES`. A new challenge is an entry of
:data:`CHALLENGES` and a solution ending with its check line."""

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
from scipy import ndimage as ndi

from helpers.images import load_image, load_mask
from helpers.plotting import OKABE_ITO, _downsample, overlay

#: Each mistake: what it looks like, and one sentence on how to fix it.
MISTAKES = {
    "colour": ("the colour image was thresholded, not the grey one", "Convert it with "
        "`ski.color.rgb2gray` (and blur it) first: a mask has one value per pixel, not three."),
    "wrong-array": ("this array has another shape than the image", "Check which variable you "
        "passed: the answer has one value for each pixel of the image the challenge names."),
    "not-a-mask": ("this is not a mask", "A mask is what a comparison gives, such as "
        "`blurred > t`: True or False for each pixel."),
    "not-a-number": ("this is not the number, or numbers, the challenge asks for", "Give one "
        "number, or a few in the order the challenge names them, such as `(count4, count8)`."),
    "wrong-scale": ("the value is on the wrong scale, 0 to 255 against 0 to 1", "After "
        "`rgb2gray`, `img_as_float` or a blur, values (and thresholds) go from 0 to 1; 8-bit "
        "images go from 0 to 255 (128 on 0-1 values selects nothing, 0.5 on 8-bit ones all)."),
    "inverted": ("the mask is inverted: background where the objects are", "Use the other "
        "comparison: `>` keeps what is brighter than the threshold, `<` what is darker."),
    "no-blur": ("speckle: the image was thresholded without the blur", "Blur the grey image "
        "first, with the challenge's `sigma`, and threshold the blurred image."),
    "bright-objects": ("the label and the marker are counted as roots", "Leave out what is "
        "brighter than the cut-off: Otsu of `blurred[band]` only, and `& band` in the mask."),
    "offset-sign": ("the offset has the wrong sign (or is 0), so noise counts as objects",
        "`threshold_local` subtracts the offset from the local mean: positive for dark "
        "objects (`<`), negative for bright ones (`>`)."),
    "offset-kept": ("the offset is still there", "This challenge asks for `offset = 0`: compare "
        "each pixel with its local mean itself."),
    "small-block": ("the block is too small: only the objects' edges are found", "Choose a "
        "block wider than the objects are thick, so that every window holds some background."),
    "count": ("a number of pixels instead of a fraction", "Divide it by the number of pixels "
        "it is a share of, such as `np.count_nonzero(truth)`."),
    "percent": ("a percentage instead of a fraction", "A fraction goes from 0 to 1: divide by "
        "the number of pixels (`mask.size`), and leave out the `* 100`."),
    "swapped": ("the numbers are in the wrong order", "Give them in the order the challenge "
        "names them: a position is (row, column), and `connectivity=1` is 4-connectivity."),
    "quantile": ("fractions given to `np.percentile`, which takes percentages", "Write "
        "`(2, 98)`: `np.percentile` takes percentages from 0 to 100."),
    "by-fraction": ("chosen by the fraction, not by the mask", "Choose the setting with the "
        "highest Dice coefficient: a fraction can be right while the mask is wrong."),
    "global": ("a global threshold: the shadow counts as ink", "Compare each pixel with its "
        "own neighbourhood, `ski.filters.threshold_local`, not with one number for the page."),
    "not-split": ("touching objects are counted as one", "Split them with the watershed, from "
        "one marker per object (the peaks of `ndi.distance_transform_edt`)."),
    "low-cut-off": ("the cut-off is too low: it leaves out the roots themselves", "Put the "
        "cut-off between the brightest roots and the darkest paper, as the challenge says."),
    "too-little": ("your mask misses part of the objects", "Move the threshold so that the "
        "mask keeps more: towards the background's peak, into the histogram's valley."),
    "too-much": ("your mask takes in background too", "Move the threshold so that the mask "
        "keeps less: away from the background's peak, into the histogram's valley."),
    "close": ("close, but not there yet", "Compare each setting with the challenge's (image, "
        "`sigma`, threshold, comparison), one step at a time."),
    "unknown": ("not one of the mistakes this check knows", "Go through the steps one at a "
        "time, print what each gives, and compare each setting with the challenge's."),
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
    """``expected()`` computes a challenge's answer (a mask or numbers), each of ``mistakes``
    the answer of a named mistake; right is within ``tolerance`` (``1 - Dice`` for a mask).
    A mask is drawn on ``image``; ``mask_of`` turns a number (a setting) into its mask."""

    expected: Callable[[], np.ndarray | float]
    mistakes: dict[str, Callable[[], np.ndarray | float]] = field(default_factory=dict)
    tolerance: float = 0.005
    image: str | None = None
    mask_of: Callable[[float], np.ndarray] | None = None


@lru_cache(maxsize=1)  # during a check, its answers and its picture use the same image
def _gray(name: str, dtype: str = "float") -> np.ndarray:
    gray = load_image(name, gray=True, dtype=dtype)
    gray.flags.writeable = False
    return gray


def _blurred(name: str, sigma: float = 1.0) -> np.ndarray:
    return ski.filters.gaussian(_gray(name), sigma=sigma) if sigma else _gray(name)


def _otsu_below(name: str, sigma: float = 1.0) -> np.ndarray:
    blurred = _blurred(name, sigma)
    return blurred < ski.filters.threshold_otsu(blurred)


def _band_mask(name: str, sigma: float = 1.0, cut_off: float = 1.01) -> np.ndarray:
    blurred = _blurred(name, sigma)
    band = blurred < cut_off
    return (blurred > ski.filters.threshold_otsu(blurred[band])) & band


def _local(name: str, block: int, offset: float, sigma: float = 1.0, above=True) -> np.ndarray:
    blurred = _blurred(name, sigma)
    threshold = ski.filters.threshold_local(blurred, block, "mean", offset=offset)
    return blurred > threshold if above else blurred < threshold


@lru_cache(maxsize=2)
def _best_band(name: str, sigmas: tuple, cut_offs: tuple, by: str = "dice") -> float:
    """The sigma or cut-off (the one of several) whose band mask is best against the truth."""
    truth, settings = load_mask(name), [(s, c) for s in sigmas for c in cut_offs]
    masks = [_band_mask(name, *setting) for setting in settings]
    scores = [_dice(m, truth) if by == "dice" else -abs(m.mean() - truth.mean()) for m in masks]
    best = settings[int(np.argmax(scores))]
    return best[0] if len(sigmas) > 1 else best[1]


def _brightest() -> tuple[int, int]:
    gray = _gray("shapes-light", "uint8")
    return np.unravel_index(np.argmax(gray), gray.shape)


def _moon_differ(mapped: bool) -> int:
    moon = _gray("moon", "uint8")
    low, high = np.percentile(moon, (2, 98))
    stretched = ski.exposure.rescale_intensity(moon, in_range=(low, high))
    t_moon = ski.filters.threshold_otsu(moon)
    t = (t_moon - low) / (high - low) * 255 if mapped else ski.filters.threshold_otsu(stretched)
    return np.count_nonzero((moon > t_moon) != (stretched > t))


def _strip_dice(noise: float, sigma: float) -> float:
    strip = np.zeros((500, 500), dtype=bool)
    strip[:, :5] = True
    image = np.where(strip, 0.7, 0.3) + np.random.default_rng(0).normal(0, noise, strip.shape)
    image = ski.filters.gaussian(image, sigma) if sigma else image
    return _dice(image > ski.filters.threshold_otsu(image), strip)


def _bright_share(sigma: float, count: bool = False) -> float:
    truth = load_mask("maize-roots")
    bright = np.count_nonzero(_blurred("maize-roots", sigma)[truth] > 0.9)
    return bright if count else bright / np.count_nonzero(truth)


def _colonies(radius: int = 2, closing: int = 0) -> np.ndarray:
    """Episode 6's colonies: multi-Otsu's brightest class, opened, small objects removed."""
    blurred = _blurred("colonies")
    mask = blurred > ski.filters.threshold_multiotsu(blurred, classes=3)[1]
    opened = ski.morphology.opening(mask, ski.morphology.disk(radius))
    cleaned = ski.morphology.remove_small_objects(opened, max_size=20)
    closed = ski.morphology.closing(cleaned, ski.morphology.disk(closing)) if closing else cleaned
    return ski.measure.label(closed)


def _colony_estimate(split: bool = True) -> int:
    regions = ski.measure.regionprops(_colonies())
    return len(regions) + split * sum(region.solidity < 0.9 for region in regions)


def _coins(local: bool = True) -> int:
    coins = ski.filters.gaussian(_gray("coins"), sigma=1.0)
    otsu = ski.filters.threshold_otsu(coins)
    t = ski.filters.threshold_local(coins, 101, offset=-0.02) if local else otsu
    opened = ski.morphology.opening(coins > t, ski.morphology.disk(2))
    filled = ski.morphology.remove_small_objects(ndi.binary_fill_holes(opened), max_size=500)
    return ski.measure.label(filled).max()


def _watershed(split: bool = True) -> int:
    y, x = np.mgrid[0:40, 0:60]
    pair = ((y - 20) ** 2 + (x - 20) ** 2 < 144) | ((y - 20) ** 2 + (x - 40) ** 2 < 144)
    if not split:
        return ski.measure.label(pair).max()
    distance = ndi.distance_transform_edt(pair)
    peaks = ski.feature.peak_local_max(distance, min_distance=5, labels=pair.astype(int))
    markers = np.zeros(pair.shape, dtype=int)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    return ski.segmentation.watershed(-distance, markers, mask=pair).max()


#: Episode 6's Challenge 1, as it prints it.
ROWS = "11000011 11001001 00100100 00000000 10011101 01010010 00110000 10000111"
GRID = np.array([[c == "1" for c in row] for row in ROWS.split()])
SIGMAS, CUT_OFFS = (0, 0.5, 1, 1.5, 2, 3, 4), (0.5, 0.8, 0.85, 0.9, 0.95, 0.99)
C, FRACTIONS = Challenge, (0.3, 0.5, 0.7, 0.9)
#: The challenges, by id: each computes its answer, and the answers of its mistakes.
CHALLENGES = {
    "00-brightest-pixel": C(_brightest, tolerance=0),
    "00-moon-percentiles": C(lambda: np.percentile(_gray("moon", "uint8"), (2, 98)),
        {"quantile": lambda: np.percentile(_gray("moon", "uint8"), (0.02, 0.98)),
         "wrong-scale": lambda: np.percentile(_gray("moon"), (2, 98))}, 0.5),
    "01-dark-shapes": C(lambda: load_mask("shapes-dark"), tolerance=0.02, image="shapes-dark"),
    "01-threshold-fractions": C(lambda: [np.mean(_blurred("shapes-light") < t) for t in FRACTIONS],
        {"inverted": lambda: [np.mean(_blurred("shapes-light") > t) for t in FRACTIONS]}, 0.001),
    "02-otsu-dark-objects": C(lambda: _otsu_below("shapes-light"),
        {"no-blur": lambda: _otsu_below("shapes-light", 0)}, image="shapes-light"),
    "02-moon-stretch": C(lambda: (_moon_differ(False), _moon_differ(True)), tolerance=10),
    "03-strip-rescue": C(lambda: (_strip_dice(0.02, 0), _strip_dice(0.05, 2)),
        {"no-blur": lambda: (_strip_dice(0.02, 0), _strip_dice(0.05, 0))}, 0.05),
    "04-no-offset": C(lambda: _local("uneven-text", 25, 0, 0, above=False),
        {"offset-kept": lambda: _local("uneven-text", 25, 0.02, 0, above=False),
         "global": lambda: _otsu_below("uneven-text", 0)}, image="uneven-text"),
    "04-maize-block-15": C(lambda: _local("maize-roots", 15, -0.05),
        {"offset-sign": lambda: _local("maize-roots", 15, 0.05),
         "no-blur": lambda: _local("maize-roots", 15, -0.05, 0)}, image="maize-roots"),
    "04-maize-block-151": C(lambda: _local("maize-roots", 151, -0.05),
        {"offset-sign": lambda: _local("maize-roots", 151, 0.05),
         "small-block": lambda: _local("maize-roots", 15, -0.05)}, image="maize-roots"),
    "04-scan-local": C(lambda: _local("page", 25, 0.02, 0, above=False),
        {"global": lambda: _otsu_below("page", 0),
         "offset-sign": lambda: _local("page", 25, -0.02, 0, above=False)}, 0.2, "page"),
    "05-best-sigma": C(lambda: _best_band("trial-016", SIGMAS, (0.9,)),
        {"by-fraction": lambda: _best_band("trial-016", SIGMAS, (0.9,), "fraction")}, 0,
        "trial-016", lambda sigma: _band_mask("trial-016", sigma, 0.9)),
    "05-cut-off-293": C(lambda: _best_band("trial-293", (1,), CUT_OFFS),
        {"by-fraction": lambda: _best_band("trial-293", (1,), CUT_OFFS, "fraction")}, 0,
        "trial-293", lambda cut_off: _band_mask("trial-293", 1, cut_off)),
    "05-mask-293": C(lambda: _band_mask("trial-293", cut_off=0.9),
        {"bright-objects": lambda: _band_mask("trial-293"),
         "no-blur": lambda: _band_mask("trial-293", 0, 0.9),
         "low-cut-off": lambda: _band_mask("trial-293", cut_off=0.5)}, image="trial-293"),
    "05-no-label-bright-roots": C(lambda: _bright_share(1.0), {"no-blur": lambda: _bright_share(0),
        "count": lambda: _bright_share(1.0, count=True),
        "inverted": lambda: 1 - _bright_share(1.0)}, 0.001),
    "06-count-grid": C(lambda: [ski.measure.label(GRID, connectivity=c).max() for c in (1, 2)],
                       tolerance=0),
    "06-opening-disk": C(lambda: [_colonies(r).max() for r in (1, 2, 4, 8)], tolerance=0),
    "06-closing": C(lambda: [_colonies(closing=r).max() for r in (3, 8)], tolerance=0),
    "06-estimate": C(_colony_estimate, {"not-split": lambda: _colony_estimate(False)}, 0),
    "06-coins": C(_coins, {"global": lambda: _coins(False)}, 0),
    "06-watershed": C(_watershed, {"not-split": lambda: _watershed(False)}, 0),
}  # fmt: skip


@lru_cache(maxsize=2)  # the last two challenges checked: checking again is quick
def _answers(challenge_id: str) -> dict[str, np.ndarray | float]:
    challenge = CHALLENGES[challenge_id]
    answers = {name: compute() for name, compute in challenge.mistakes.items()}
    return {"expected": challenge.expected(), **answers}


def _dice(mask: np.ndarray, other: np.ndarray) -> float:
    """2 |mask & other| / (|mask| + |other|), as the episodes compute it; 1 if both are empty."""
    total = np.count_nonzero(mask) + np.count_nonzero(other)
    return 2 * np.count_nonzero(mask & other) / total if total else 1.0


def _pieces(mask: np.ndarray) -> int:
    return int(ski.measure.label(mask, connectivity=1).max())


def _mask_mistake(mask: np.ndarray, answers: dict) -> str:
    """The named mistake most like a wrong mask: the one whose wrong pixels it shares."""
    expected = answers["expected"]
    if not 0.001 < np.count_nonzero(mask) / mask.size < 0.999:
        return "wrong-scale"
    if _dice(~mask, expected) > max(0.3, 2 * _dice(mask, expected)):
        return "inverted"
    wrong = mask ^ expected
    scores = {name: _dice(wrong, other ^ expected) for name, other in answers.items()}
    del scores["expected"]  # of the named mistakes, the one whose wrong pixels are most alike
    best = max(scores, key=scores.__getitem__, default=None)
    if best is not None and scores[best] >= 0.5:
        return best
    extra = mask & ~expected  # speckle: many more pieces than expected, the extra ones small
    if _pieces(mask) > 2 * _pieces(expected) + 50 and np.count_nonzero(extra) < 20 * _pieces(extra):
        return "no-blur"
    missed, added = np.count_nonzero(expected & ~mask), np.count_nonzero(extra)
    if max(missed, added) > 0.05 * np.count_nonzero(expected):  # mostly one kind of error
        if missed > 4 * added or added > 4 * missed:
            return "too-little" if missed > added else "too-much"
    return "close" if _dice(mask, expected) >= 0.8 else "unknown"


def _number_mistake(values: np.ndarray, answers: dict, tolerance: float) -> str:
    """The named mistake that gives these numbers (within the tolerance), or the nearest kind."""
    expected = np.ravel(answers["expected"])

    def near(other, scale: float = 1.0) -> bool:  # each within the tolerance
        other = np.ravel(other)
        return other.shape == values.shape and np.allclose(values / scale, other, 0, tolerance)

    named = [name for name, other in answers.items() if name != "expected" and near(other)]
    if named:
        return named[0]
    if values.size > 1 and near(expected[::-1]):
        return "swapped"
    if near(expected, 100):
        return "percent"
    if near(expected, 255) or near(expected, 1 / 255) or (max(expected) <= 1 < max(values)):
        return "wrong-scale"
    close = np.all(abs(values - expected) <= np.maximum(10 * tolerance, 0.1 * abs(expected)))
    return "close" if close else "unknown"


def _picture(gray: np.ndarray, mask: np.ndarray, expected: np.ndarray, longest: int = 1000):
    """The image (its block means, at most ``longest`` pixels wide) coloured by
    :data:`COLOURS`, and the number of pixels of each colour."""
    kinds = {"agree": mask & expected, "missed": expected & ~mask, "extra": mask & ~expected}
    gray = _downsample(gray, longest)
    rgb = overlay(gray, np.zeros(gray.shape, bool))  # gray, as RGB
    for name, kind in kinds.items():  # a block shows its last kind: extra, missed, agreeing
        shown, alpha = _downsample(kind, longest) > 0, 0.5 if name == "agree" else 0.9
        rgb[shown] = overlay(gray, shown, OKABE_ITO[COLOURS[name]], alpha)[shown]
    counts = {name: int(np.count_nonzero(kind)) for name, kind in kinds.items()}
    return (rgb * 255).round().astype(np.uint8), counts


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

    def __repr__(self) -> str:
        text = f"{'Right!' if self.right else 'Not yet.'} {self.challenge_id}: {self.summary}"
        if self.mistake is not None:
            text += "\nMost likely, {}. {}".format(*MISTAKES[self.mistake])
        return text

    def _counted(self, name: str) -> str:
        return f"{self.counts[name]:,} pixels {WORDS[name]} ({COLOURS[name]})"

    def alt_text(self) -> str:
        """What the picture shows, in words."""
        parts = "; ".join(map(self._counted, COLOURS))
        image = CHALLENGES[self.challenge_id].image
        return f"The image {image}, coloured where your mask differs: {parts}."

    def _repr_html_(self) -> str:
        verdict = "Right!" if self.right else "Not yet."
        text = html.escape(repr(self), quote=False).replace(verdict, f"<strong>{verdict}</strong>")
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)  # `code` in backticks as code
        lines = [f"<p>{line}</p>" for line in text.splitlines()]
        if self.picture is not None:
            jpeg = iio.imwrite("<bytes>", self.picture, extension=".jpg", quality=85, subsampling=0)
            legend = "<br>".join(
                f'<span style="background:{OKABE_ITO[colour]}">&emsp;</span> {self._counted(name)}'
                for name, colour in COLOURS.items()
            )
            lines.append(
                f'<img src="data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}" '
                f'alt="{html.escape(self.alt_text())}" style="max-width:100%"><p>{legend}</p>'
            )
        return f'<div class="helpers-check">{"".join(lines)}</div>'


def _check_mask(challenge_id: str, answer: object) -> CheckResult:
    challenge, expected = CHALLENGES[challenge_id], _answers(challenge_id)["expected"]
    array, shape = np.asarray(answer), expected.shape
    summary = f"your answer has shape {array.shape} ({array.dtype}); the mask has {shape}."
    if array.ndim == 0:  # a threshold, say, where the challenge asks for its mask
        summary = f"your answer is one value ({answer}); the answer is a mask."
        return CheckResult(challenge_id, False, summary, "not-a-mask")
    if array.shape != shape:
        colour = array.shape[:2] == shape and array.ndim == 3
        return CheckResult(challenge_id, False, summary, "colour" if colour else "wrong-array")
    if array.dtype != bool and not np.isin(array, (0, 1, 255)).all():  # 255: OpenCV's masks
        return CheckResult(challenge_id, False, summary, "not-a-mask")
    mask = array != 0
    dice, least = _dice(mask, expected), 1 - challenge.tolerance
    summary = f"Dice {dice:.4f} against the expected mask (right is {least:g} or more)."
    mistake = None if dice >= least else _mask_mistake(mask, _answers(challenge_id))
    return _pictured(challenge_id, summary, mistake, mask, expected)


def _pictured(challenge_id, summary, mistake, mask, expected) -> CheckResult:
    picture, counts = _picture(_gray(CHALLENGES[challenge_id].image), mask, expected)
    dice, right = _dice(mask, expected), mistake is None
    return CheckResult(challenge_id, right, summary, mistake, dice, picture, counts)


def _check_number(challenge_id: str, answer: object) -> CheckResult:
    challenge, answers = CHALLENGES[challenge_id], _answers(challenge_id)
    expected, tolerance = np.ravel(answers["expected"]).astype(float), challenge.tolerance
    try:  # one number, a few (a tuple, a list), or a dict of them
        values = np.ravel(list(answer.values()) if isinstance(answer, dict) else answer)
        values = values.astype(float)
    except (TypeError, ValueError):
        values = np.array([np.nan])
    if values.size != expected.size or np.isnan(values).any():
        summary = f"the challenge asks for {expected.size} number(s), in the order it names them."
        return CheckResult(challenge_id, False, summary, "not-a-number")
    off, within = values - expected, f"within {tolerance:g} of" if tolerance else "exactly"
    sides = {i: "above" if off[i] > 0 else "below" for i in np.flatnonzero(abs(off) > tolerance)}
    numbers = ", ".join(f"number {i + 1} is {side}" for i, side in sides.items())
    summary = f"{numbers} the expected value (right is {within} it)."
    if not sides:
        every = "both" if values.size == 2 else f"all {values.size}"
        how = f"each within {tolerance:g}" if tolerance else "exactly"
        summary = f"{every} numbers are as expected ({how})."
    if values.size == 1:
        summary = f"{values[0]:.4g} is {sides[0] + ' ' if sides else ''}the expected value"
        summary += f" (right is {within} it)."
    mistake = _number_mistake(values, answers, tolerance) if sides else None
    try:  # a setting is shown by the mask it gives, if it gives one
        mask, expected_mask = challenge.mask_of(values[0]), challenge.mask_of(expected[0])
    except (TypeError, ValueError):  # no mask_of (None), or a setting that makes none
        return CheckResult(challenge_id, mistake is None, summary, mistake)
    summary += f" Its mask: Dice {_dice(mask, expected_mask):.4f} against the expected one."
    return _pictured(challenge_id, summary, mistake, mask, expected_mask)


def check(challenge_id: str, answer: object) -> CheckResult:
    """Check the answer to a challenge: right or not, and if not, the most likely mistake.

    The expected answer is computed from the data and settings the challenge states. A
    notebook shows the image coloured where the answer agrees, misses and adds pixels.

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
    Not yet. 02-otsu-dark-objects: Dice 0.0... against the expected mask (right is 0.995 or more).
    Most likely, the mask is inverted: background where the objects are. Use the other ...
    """
    if challenge_id not in CHALLENGES:
        near = difflib.get_close_matches(str(challenge_id), CHALLENGES, n=1)
        hint = f"Did you mean {near[0]!r}? " if near else ""
        raise ValueError(f"No challenge {challenge_id!r}. {hint}Known: {', '.join(CHALLENGES)}.")
    is_mask = np.asarray(_answers(challenge_id)["expected"]).dtype == bool
    result = (_check_mask if is_mask else _check_number)(challenge_id, answer)
    _gray.cache_clear()  # a photograph in the kernel's memory until the next check: no
    return result
