"""helpers.check: right answers are right, and each named mistake is recognised from a
deliberately wrong answer, as a learner would write it."""

import base64
import re

import cv2
import imageio.v3 as iio
import jupytext
import numpy as np
import pytest
import skimage as ski

import helpers
from helpers import checks
from helpers.roots import root_mask
from tests.support.site import website_module


def gray(name, sigma=0.0, dtype="float"):
    image = helpers.load_image(name, gray=True, dtype=dtype)
    return ski.filters.gaussian(image, sigma=sigma, preserve_range=True) if sigma else image


def otsu_below(image):
    return image < ski.filters.threshold_otsu(image)


def band_mask(blurred, cut_off=0.9):
    band = blurred < cut_off
    return (blurred > ski.filters.threshold_otsu(blurred[band])) & band


def local_above(image, block_size, offset):
    return image > ski.filters.threshold_local(image, block_size, "mean", offset=offset)


# Each answer as a learner writes it (the episode's way, or OpenCV's), computed here again.
RIGHT = {
    "01-dark-shapes": lambda: gray("shapes-dark", 1.0) > 0.5,
    "02-otsu-dark-objects": lambda: otsu_below(gray("shapes-light", 1.0)),
    "04-roots-adaptive": lambda: local_above(gray("maize-roots", 1.0), 151, -0.05),
    "05-band-mask": lambda: band_mask(gray("trial-016", 1.0)),
    "05-root-fraction": lambda: band_mask(gray("trial-016", 1.0)).mean(),
}
# (challenge, the mistake expected, a wrong answer that makes it)
WRONG = [
    ("02-otsu-dark-objects", "inverted", lambda: ~otsu_below(gray("shapes-light", 1.0))),
    ("05-band-mask", "inverted", lambda: ~band_mask(gray("trial-016", 1.0))),
    ("01-dark-shapes", "wrong-scale", lambda: gray("shapes-dark", 1.0) > 128),  # nothing
    ("01-dark-shapes", "wrong-scale", lambda: gray("shapes-dark", dtype="uint8") > 0.5),  # all
    ("02-otsu-dark-objects", "colour", lambda: helpers.load_image("shapes-light") < 0.6),
    ("02-otsu-dark-objects", "wrong-array", lambda: otsu_below(gray("shapes-light", 1.0))[:300]),
    ("02-otsu-dark-objects", "not-a-mask", lambda: gray("shapes-light", 1.0)),
    ("02-otsu-dark-objects", "no-blur", lambda: otsu_below(gray("shapes-light"))),
    ("05-band-mask", "no-blur", lambda: band_mask(gray("trial-016"))),
    ("04-roots-adaptive", "no-blur", lambda: local_above(gray("maize-roots"), 151, -0.05)),
    ("05-band-mask", "bright-objects", lambda: band_mask(gray("trial-016", 1.0), cut_off=1.1)),
    ("05-root-fraction", "bright-objects", lambda: band_mask(gray("trial-016", 1.0), 1.1).mean()),
    ("04-roots-adaptive", "offset-sign", lambda: local_above(gray("maize-roots", 1.0), 151, 0.05)),
    ("04-roots-adaptive", "offset-sign", lambda: local_above(gray("maize-roots", 1.0), 101, 0.0)),
    ("04-roots-adaptive", "small-block", lambda: local_above(gray("maize-roots", 1.0), 15, -0.05)),
    ("04-roots-adaptive", "small-block", lambda: local_above(gray("maize-roots", 1.0), 25, -0.05)),
    ("02-otsu-dark-objects", "close", lambda: gray("shapes-light", 1.0) < 0.45),
    ("05-band-mask", "close", lambda: band_mask(gray("trial-016", 2.0))),
    ("02-otsu-dark-objects", "unknown", lambda: helpers.load_mask("shapes-dark")),
    ("05-root-fraction", "percent", lambda: 100 * band_mask(gray("trial-016", 1.0)).mean()),
    ("05-root-fraction", "count", lambda: np.count_nonzero(band_mask(gray("trial-016", 1.0)))),
    ("05-root-fraction", "not-a-number", lambda: band_mask(gray("trial-016", 1.0))),
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
        assert set(challenge.mistakes) | {challenge.speckle} <= set(checks.MISTAKES)


def test_an_opencv_mask_of_0_and_255_is_a_mask():
    blurred = gray("shapes-light", 1.0).astype(np.float32)
    t = ski.filters.threshold_otsu(blurred)
    _, mask = cv2.threshold(blurred, t, 255, cv2.THRESH_BINARY_INV)
    assert helpers.check("02-otsu-dark-objects", mask.astype(np.uint8)).right


def test_the_expected_root_fraction_matches_the_root_mass_command():
    # an independent oracle: the command's OpenCV pipeline, not scikit-image's
    mask, _ = root_mask(helpers.load_image("trial-016", gray=True), 1.0, exclude_above=0.9)
    assert abs(checks._answers("05-root-fraction")["expected"] - mask.mean()) < 1e-4


def test_a_number_that_is_wrong_does_not_give_the_expected_value_away():
    expected = checks._answers("05-root-fraction")["expected"]
    result = helpers.check("05-root-fraction", 0.05)
    shown = repr(result) + result._repr_html_()
    for digits in (2, 3, 4, 5):
        assert f"{expected:.{digits}f}" not in shown and f"{expected:.{digits}g}" not in shown


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
    result = helpers.check("02-otsu-dark-objects", gray("shapes-light", 1.0) < 0.45)
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
