"""The live explorers' pixels (website/live_explorers.py) give the image back: exactly where
its values are whole numbers of 255ths or whole bytes, else within half a 16-bit step.

Decodes the payload as website/static/explorers.js does (tests/test_site_explorers.py checks
the page itself, against a built site).
"""

import base64
import zlib

import numpy as np
import pytest

from tests.support.site import website_module

live_explorers = website_module("live_explorers")


def _decoded(data: dict) -> np.ndarray:
    """The image from a payload, as explorers.js's pixels() computes it."""
    height, width = data["height"], data["width"]
    raw = np.frombuffer(zlib.decompress(base64.b64decode(data["pixels"])), np.uint8)
    if data["bits"] == 8:
        residuals, modulus = raw.astype(np.int64), 256
    else:  # high bytes, then low bytes
        size = height * width
        residuals, modulus = (raw[:size].astype(np.int64) << 8) | raw[size:], 65536
    residuals = residuals.reshape(height, width)
    codes = np.zeros((height, width), np.int64)
    for y in range(height):
        for x in range(width):
            left = codes[y, x - 1] if x else 0
            up = codes[y - 1, x] if y else 0
            predicted = {"none": 0, "left": left, "up": up}.get(data["predictor"])
            if predicted is None:  # gradient: the left on the first row, above on the first column
                predicted = left if not y else up if not x else left + up - codes[y - 1, x - 1]
            codes[y, x] = (residuals[y, x] + predicted) % modulus
    if data["bits"] == 8:
        return codes / data["divisor"] if "divisor" in data else codes * data["scale"]
    return data["low"] + codes * ((data["high"] - data["low"]) / data["steps"])


class _Explorer:  # what payload() reads of an explorer
    def __init__(self, image):
        self.image, self.controls = image, {}


@pytest.fixture(autouse=True)
def _known_kind(monkeypatch):
    monkeypatch.setitem(live_explorers.KINDS, "_Explorer", "threshold")


def _rng():
    return np.random.default_rng(15)


@pytest.mark.parametrize(
    "image",
    [
        _rng().integers(0, 256, (9, 13)).astype(np.uint8),
        _rng().integers(3, 230, (9, 13)) * (1 / 255),  # as img_as_float of bytes
        _rng().integers(3, 230, (9, 13)) / 255,
    ],
    ids=["bytes", "255ths, multiplied", "255ths, divided"],
)
def test_whole_255ths_and_bytes_come_back_exactly_in_bytes(image):
    data = live_explorers.payload(_Explorer(image))
    assert data["bits"] == 8 and data["predictor"] in live_explorers.PREDICTORS
    assert np.array_equal(_decoded(data), image)


@pytest.mark.parametrize("predictor", live_explorers.PREDICTORS)
def test_other_values_come_back_within_half_a_16_bit_step(monkeypatch, predictor):
    y, x = np.mgrid[0:12, 0:17]
    image = 0.2 + 0.5 * np.sin(x / 5) * np.cos(y / 4) + 0.01 * _rng().standard_normal(x.shape)
    monkeypatch.setattr(live_explorers, "PREDICTORS", (predictor,))
    data = live_explorers.payload(_Explorer(image))
    assert data["bits"] == 16 and data["predictor"] == predictor
    step = (image.max() - image.min()) / 65535
    assert np.abs(_decoded(data) - image).max() <= step / 2 * 1.001
