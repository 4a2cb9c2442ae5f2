"""helpers.check: right answers are right, and each named mistake is recognised from a
deliberately wrong answer, as a learner would write it."""

import base64
import re
from functools import cache

import cv2
import imageio.v3 as iio
import jupytext
import numpy as np
import pytest
import skimage as ski
from scipy import ndimage as ndi

import helpers
from helpers import checks
from helpers.roots import root_mask
from tests.support.site import website_module

DATA = helpers.data_dir()


@cache  # the photographs once for the whole module (read-only)
def gray(name, sigma=0.0, dtype="float"):
    image = helpers.load_image(name, gray=True, dtype=dtype)
    image = ski.filters.gaussian(image, sigma=sigma) if sigma else image
    image.flags.writeable = False
    return image


def otsu_below(image):
    return image < ski.filters.threshold_otsu(image)


def band_mask(blurred, cut_off=0.9):
    band = blurred < cut_off
    return (blurred > ski.filters.threshold_otsu(blurred[band])) & band


def local(image, block_size, offset, above=True):
    threshold = ski.filters.threshold_local(image, block_size, "mean", offset=offset)
    return image > threshold if above else image < threshold


def shapes_light8():  # episode 0's way
    return ski.util.img_as_ubyte(ski.color.rgb2gray(iio.imread(DATA / "shapes-light.jpg")))


@cache
def trial293(sigma=1.0):  # episode 5's way
    image = ski.filters.gaussian(ski.color.rgb2gray(iio.imread(DATA / "trial-293.jpg")), sigma)
    image.flags.writeable = False
    return image


def moon_stretch():  # episode 2's Challenge 3
    moon = ski.data.moon()
    low, high = np.percentile(moon, (2, 98))
    stretched = ski.exposure.rescale_intensity(moon, in_range=(low, high))
    t_moon, t_stretched = ski.filters.threshold_otsu(moon), ski.filters.threshold_otsu(stretched)
    t_mapped = (t_moon - low) / (high - low) * 255
    differ = np.count_nonzero((moon > t_moon) != (stretched > t_stretched))
    return differ, np.count_nonzero((moon > t_moon) != (stretched > t_mapped))


def strip_dice(sigma, seed=1):  # episode 3's Challenge 2, with noise of its own
    rng = np.random.default_rng(seed)
    strip = np.zeros((500, 500), dtype=bool)
    strip[:, :5] = True
    quiet = np.where(strip, 0.7, 0.3) + rng.normal(0, 0.02, strip.shape)
    loud = np.where(strip, 0.7, 0.3) + rng.normal(0, 0.05, strip.shape)
    loud = ski.filters.gaussian(loud, sigma) if sigma else loud
    return tuple(
        float(checks._dice(i > ski.filters.threshold_otsu(i), strip)) for i in (quiet, loud)
    )


def colonies(radius=2):  # episode 6
    image = ski.filters.gaussian(ski.color.rgb2gray(helpers.load_image("colonies")), sigma=1.0)
    mask = image > ski.filters.threshold_multiotsu(image, classes=3)[1]
    opened = ski.morphology.opening(mask, ski.morphology.disk(radius))
    return ski.morphology.remove_small_objects(opened, max_size=20)


def regions_estimate():
    regions = ski.measure.regionprops(ski.measure.label(colonies()))
    return len(regions) + np.count_nonzero([region.solidity < 0.9 for region in regions])


def bright_roots(sigma=1.0):
    truth = helpers.load_mask("maize-roots")
    return np.count_nonzero(gray("maize-roots", sigma)[truth] > 0.9), np.count_nonzero(truth)


def coins_count(local_threshold=True):
    coins = ski.filters.gaussian(ski.util.img_as_float(ski.data.coins()), sigma=1.0)
    t = ski.filters.threshold_local(coins, 101, offset=-0.02)
    t = t if local_threshold else ski.filters.threshold_otsu(coins)
    filled = ndi.binary_fill_holes(ski.morphology.opening(coins > t, ski.morphology.disk(2)))
    return ski.measure.label(ski.morphology.remove_small_objects(filled, max_size=500)).max()


def watershed_regions():
    y, x = np.mgrid[0:40, 0:60]
    pair = ((y - 20) ** 2 + (x - 20) ** 2 < 144) | ((y - 20) ** 2 + (x - 40) ** 2 < 144)
    distance = ndi.distance_transform_edt(pair)
    peaks = ski.feature.peak_local_max(distance, min_distance=5, labels=pair.astype(int))
    markers = np.zeros(pair.shape, dtype=int)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    return ski.segmentation.watershed(-distance, markers, mask=pair).max()


def with_specks(mask, share=0.01, seed=0):
    return mask | (np.random.default_rng(seed).random(mask.shape) < share)


# Each answer as a learner writes it (the episode's code, or one of the settings it allows).
RIGHT = {
    "00-brightest-pixel": lambda: np.unravel_index(np.argmax(shapes_light8()), (600, 800)),
    "00-moon-percentiles": lambda: np.percentile(ski.data.moon(), (2, 98)),
    "01-dark-shapes": lambda: gray("shapes-dark", 1.0) > 0.4,
    "01-threshold-fractions": lambda: {
        t: np.count_nonzero(gray("shapes-light", 1.0) < t) / (600 * 800)
        for t in (0.3, 0.5, 0.7, 0.9)
    },
    "02-otsu-dark-objects": lambda: otsu_below(gray("shapes-light", 1.0)),
    "02-moon-stretch": moon_stretch,
    "03-strip-rescue": lambda: strip_dice(2),
    "04-no-offset": lambda: gray("uneven-text") < ndi.uniform_filter(gray("uneven-text"), size=25),
    "04-maize-block-15": lambda: local(gray("maize-roots", 1.0), 15, -0.05),
    "04-maize-block-151": lambda: local(gray("maize-roots", 1.0), 151, -0.05),
    "04-scan-local": lambda: local(ski.util.img_as_float(ski.data.page()), 35, 0.03, above=False),
    "05-best-sigma": lambda: 1,
    "05-cut-off-293": lambda: 0.9,
    "05-mask-293": lambda: band_mask(trial293()),
    "05-no-label-bright-roots": lambda: np.divide(*bright_roots()),
    "06-count-grid": lambda: tuple(
        ski.measure.label(checks.GRID, connectivity=c).max() for c in (1, 2)
    ),
    "06-opening-disk": lambda: [ski.measure.label(colonies(r)).max() for r in (1, 2, 4, 8)],
    "06-closing": lambda: [
        ski.measure.label(ski.morphology.closing(colonies(), ski.morphology.disk(r))).max()
        for r in (3, 8)
    ],
    "06-estimate": regions_estimate,
    "06-coins": coins_count,
    "06-watershed": watershed_regions,
}
# (challenge, the mistake expected, a wrong answer that makes it)
WRONG = [
    ("02-otsu-dark-objects", "inverted", lambda: ~otsu_below(gray("shapes-light", 1.0))),
    ("04-scan-local", "inverted", lambda: ~local(gray("page"), 25, 0.02, above=False)),
    (
        "01-threshold-fractions",
        "inverted",
        lambda: [np.mean(gray("shapes-light", 1.0) > t) for t in (0.3, 0.5, 0.7, 0.9)],
    ),
    ("05-no-label-bright-roots", "inverted", lambda: 1 - np.divide(*bright_roots())),
    ("01-dark-shapes", "wrong-scale", lambda: gray("shapes-dark", 1.0) > 128),  # nothing
    ("01-dark-shapes", "wrong-scale", lambda: gray("shapes-dark", dtype="uint8") > 0.5),  # all
    (
        "00-moon-percentiles",
        "wrong-scale",
        lambda: np.percentile(ski.util.img_as_float(ski.data.moon()), (2, 98)),
    ),
    ("02-otsu-dark-objects", "colour", lambda: helpers.load_image("shapes-light") < 0.6),
    ("02-otsu-dark-objects", "wrong-array", lambda: otsu_below(gray("shapes-light", 1.0))[:300]),
    ("02-otsu-dark-objects", "not-a-mask", lambda: gray("shapes-light", 1.0)),
    (
        "02-otsu-dark-objects",
        "not-a-mask",
        lambda: ski.filters.threshold_otsu(gray("shapes-light")),
    ),
    ("06-estimate", "not-a-number", lambda: np.nan),
    ("05-no-label-bright-roots", "not-a-number", lambda: gray("maize-roots") > 0.9),
    ("06-count-grid", "not-a-number", lambda: 12),
    ("02-otsu-dark-objects", "no-blur", lambda: otsu_below(gray("shapes-light"))),
    ("05-mask-293", "no-blur", lambda: band_mask(trial293(0))),
    ("04-maize-block-15", "no-blur", lambda: local(gray("maize-roots"), 15, -0.05)),
    ("03-strip-rescue", "no-blur", lambda: strip_dice(0)),
    ("05-no-label-bright-roots", "no-blur", lambda: np.divide(*bright_roots(0))),
    (
        "04-maize-block-151",
        "no-blur",
        lambda: with_specks(local(gray("maize-roots", 1.0), 151, -0.05)),
    ),
    ("05-mask-293", "bright-objects", lambda: band_mask(trial293(), cut_off=1.1)),
    ("04-maize-block-151", "offset-sign", lambda: local(gray("maize-roots", 1.0), 151, 0.05)),
    ("04-maize-block-151", "offset-sign", lambda: local(gray("maize-roots", 1.0), 101, 0.0)),
    ("04-maize-block-15", "offset-sign", lambda: local(gray("maize-roots", 1.0), 15, 0.03)),
    ("04-scan-local", "offset-sign", lambda: local(gray("page"), 25, -0.02, above=False)),
    ("04-maize-block-151", "small-block", lambda: local(gray("maize-roots", 1.0), 15, -0.05)),
    ("04-maize-block-151", "small-block", lambda: local(gray("maize-roots", 1.0), 25, -0.05)),
    ("05-no-label-bright-roots", "count", lambda: bright_roots()[0]),
    ("05-no-label-bright-roots", "percent", lambda: 100 * np.divide(*bright_roots())),
    (
        "00-brightest-pixel",
        "swapped",
        lambda: np.unravel_index(np.argmax(shapes_light8()), (600, 800))[::-1],
    ),
    ("06-count-grid", "swapped", lambda: (6, 12)),
    ("00-moon-percentiles", "quantile", lambda: np.percentile(ski.data.moon(), (0.02, 0.98))),
    ("05-best-sigma", "by-fraction", lambda: 1.5),
    ("05-cut-off-293", "by-fraction", lambda: 0.85),
    ("04-scan-local", "global", lambda: otsu_below(gray("page"))),
    ("04-no-offset", "global", lambda: otsu_below(gray("uneven-text"))),
    ("04-no-offset", "offset-kept", lambda: local(gray("uneven-text"), 25, 0.02, above=False)),
    ("06-coins", "global", lambda: coins_count(local_threshold=False)),
    (
        "06-estimate",
        "not-split",
        lambda: len(ski.measure.regionprops(ski.measure.label(colonies()))),
    ),
    ("06-watershed", "not-split", lambda: 1),
    ("02-otsu-dark-objects", "too-little", lambda: gray("shapes-light", 1.0) < 0.45),
    ("01-dark-shapes", "too-little", lambda: gray("shapes-dark", 1.0) > 0.8),
    ("01-dark-shapes", "too-much", lambda: gray("shapes-dark", 1.0) > 0.2),
    ("05-mask-293", "low-cut-off", lambda: band_mask(trial293(), cut_off=0.5)),
    ("05-mask-293", "close", lambda: band_mask(trial293(), cut_off=0.8)),
    ("05-mask-293", "close", lambda: band_mask(trial293(2.0))),
    ("06-opening-disk", "close", lambda: (59, 58, 53, 34)),
    ("02-otsu-dark-objects", "unknown", lambda: helpers.load_mask("shapes-dark")),
    ("06-coins", "unknown", lambda: 5),
]


@pytest.mark.parametrize("challenge_id", sorted(RIGHT))
def test_right_answers_are_right(challenge_id):
    result = helpers.check(challenge_id, RIGHT[challenge_id]())
    assert result.right and result.mistake is None, repr(result)
    assert repr(result).startswith("Right!")


@pytest.mark.parametrize(("challenge_id", "mistake", "answer"), WRONG)
def test_each_mistake_is_named(challenge_id, mistake, answer):
    result = helpers.check(challenge_id, answer())
    assert not result.right
    assert result.mistake == mistake, repr(result)
    what, fix = checks.MISTAKES[mistake]
    assert repr(result).startswith("Not yet.") and f"Most likely, {what}. {fix}" in repr(result)


def test_every_mistake_of_the_catalogue_is_tested_and_every_challenge_too():
    assert {mistake for _, mistake, _ in WRONG} == set(checks.MISTAKES)
    assert set(RIGHT) == set(checks.CHALLENGES)
    for challenge in checks.CHALLENGES.values():
        assert set(challenge.mistakes) <= set(checks.MISTAKES)


def test_an_opencv_mask_of_0_and_255_is_a_mask():
    blurred = gray("shapes-light", 1.0).astype(np.float32)
    t = ski.filters.threshold_otsu(blurred)
    _, mask = cv2.threshold(blurred, t, 255, cv2.THRESH_BINARY_INV)
    assert helpers.check("02-otsu-dark-objects", mask.astype(np.uint8)).right


def test_the_expected_band_mask_matches_the_root_mass_command():
    # an independent oracle: the command's OpenCV pipeline, not scikit-image's
    mask, _ = root_mask(helpers.load_image("trial-293", gray=True), 1.0, exclude_above=0.9)
    assert checks._dice(checks._answers("05-mask-293")["expected"], mask) > 0.999


def test_numbers_that_are_wrong_do_not_give_the_expected_ones_away():
    for challenge_id, answer in [("05-no-label-bright-roots", 0.05), ("06-count-grid", (3, 4))]:
        result = helpers.check(challenge_id, answer)
        shown = repr(result) + result._repr_html_()
        for value in np.ravel(checks._answers(challenge_id)["expected"]):
            assert not re.search(rf"(?<![\d.]){value:.3g}", shown), (value, shown)


def test_a_setting_is_shown_by_the_mask_it_gives():
    result = helpers.check("05-cut-off-293", 0.5)
    assert not result.right and result.picture is not None and result.dice < 0.9
    assert "Its mask: Dice" in repr(result)
    impossible = helpers.check("05-best-sigma", -1)  # no mask to show, and no error
    assert not impossible.right and impossible.picture is None


def test_the_picture_colours_agreement_missed_and_extra_pixels():
    mask = np.array([[True, True, False, False]])
    expected = np.array([[True, False, True, False]])
    picture, counts = checks._picture(np.zeros((1, 4)), mask, expected)
    assert counts == {"agree": 1, "missed": 1, "extra": 1}

    def colour(name, alpha):
        rgb = helpers.overlay(
            np.zeros((1, 1)), [[True]], checks.OKABE_ITO[checks.COLOURS[name]], alpha
        )
        return (rgb[0, 0] * 255).round().tolist()

    black = [0, 0, 0]
    assert picture[0].tolist() == [
        colour("agree", 0.5),
        colour("extra", 0.9),
        colour("missed", 0.9),
        black,
    ]


def test_the_notebook_shows_a_picture_with_alt_text_and_a_legend():
    result = helpers.check("02-otsu-dark-objects", otsu_below(gray("shapes-light")))  # no blur
    page = result._repr_html_()
    image = re.search(r'<img src="data:image/jpeg;base64,([^"]+)" alt="([^"]+)"', page)
    assert image, page[:500]
    assert iio.imread(base64.b64decode(image.group(1))).shape == result.picture.shape
    assert image.group(2) == result.alt_text().replace("'", "&#x27;")
    assert f"{result.counts['missed']:,} pixels of the expected mask are missing" in image.group(2)
    for name, colour in checks.COLOURS.items():  # the legend: a swatch, the count, the words
        swatch = f'<span style="background:{checks.OKABE_ITO[colour]}">&emsp;</span>'
        assert f"{swatch} {result.counts[name]:,} pixels {checks.WORDS[name]} ({colour})" in page
    assert "<strong>Not yet.</strong>" in page and "<code>sigma</code>" in page


def test_checking_prints_nothing(capsys):
    helpers.check("02-otsu-dark-objects", gray("shapes-light", 1.0) > 0.5)
    assert capsys.readouterr() == ("", "")


def test_an_unknown_challenge_names_the_nearest():
    with pytest.raises(ValueError, match="Did you mean '02-otsu-dark-objects'"):
        helpers.check("02-otsu-dark-object", None)


FIXTURE_EPISODE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# A fixture episode

```{code-cell} ipython3
import skimage as ski

import helpers
```

+++ {"tags": ["challenge"]}

> **Challenge 1: Otsu on dark objects**

+++ {"tags": ["solution"]}

**Solution**

```{code-cell} ipython3
---
tags: [solution, hide-input]
---
shapes = ski.filters.gaussian(helpers.load_image("shapes-light", gray=True), sigma=1.0)
shapes_mask = shapes < ski.filters.threshold_otsu(shapes)
helpers.check("02-otsu-dark-objects", shapes_mask)
```

+++ {"tags": ["challenge"]}

> **Challenge 2: a discussion**

+++ {"tags": ["solution"]}

**Solution**

```{code-cell} ipython3
---
tags: [solution, hide-input]
---
print("no check here")
```
"""


def test_learner_notebooks_end_a_checked_challenge_with_its_check(tmp_path):
    episode = tmp_path / "99-fixture.md"
    episode.write_text(FIXTURE_EPISODE)
    learner = website_module("learner_notebooks").code_along(jupytext.read(episode))
    sources = [cell.source for cell in learner.cells]
    checked = sources[sources.index(next(s for s in sources if "Challenge 1" in s)) + 1]
    assert checked.splitlines()[-1] == 'helpers.check("02-otsu-dark-objects", shapes_mask)'
    assert "threshold_otsu" not in "\n".join(sources)  # the rest of the solution is gone
    assert sources[sources.index(next(s for s in sources if "Challenge 2" in s)) + 1] == ""
    # the learner's answer, then the cell as handed out, runs and says right
    answer = 'shapes = ski.filters.gaussian(helpers.load_image("shapes-light", gray=True), 1)\n'
    answer += "shapes_mask = shapes < ski.filters.threshold_otsu(shapes)\n"
    namespace = {"ski": ski, "helpers": helpers}
    exec(answer + checked.rsplit("\n", 1)[0], namespace)
    assert eval(checked.splitlines()[-1], namespace).right


def test_jupyter_shows_the_picture_and_print_the_text():
    from IPython.core.formatters import DisplayFormatter

    result = helpers.check("02-otsu-dark-objects", ~otsu_below(gray("shapes-light", 1.0)))
    bundle, _ = DisplayFormatter().format(result)
    assert bundle["text/plain"] == repr(result) == str(result)
    assert (
        bundle["text/html"] == result._repr_html_()
        and 'alt="The image shapes-light' in bundle["text/html"]
    )
