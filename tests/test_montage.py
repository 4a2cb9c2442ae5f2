"""QC montages: masks show in sky blue over the thumbnails, each captioned."""

import numpy as np
import pytest

from rootmass.montage import SKY_BLUE, montage, thumbnail


def test_thumbnail_keeps_the_aspect_ratio_and_colours_the_mask():
    gray = np.full((300, 200), 0.5)
    mask = np.zeros((300, 200), bool)
    mask[:, 100:] = True
    picture = thumbnail(gray, mask, size=60, opacity=1.0)
    assert picture.shape == (60, 40, 3) and picture.dtype == np.uint8
    assert picture[30, 35].tolist() == list(SKY_BLUE)
    assert picture[30, 5].tolist() == [128, 128, 128]


def test_a_thin_root_still_shows_in_a_small_thumbnail():
    mask = np.zeros((400, 400), bool)
    mask[:, 200:204] = True  # 4 pixels wide, one tenth of a thumbnail pixel
    picture = thumbnail(np.zeros((400, 400)), mask, size=40)
    assert picture[:, 20].any()


def test_montage_lays_out_every_picture_with_its_caption():
    pictures = [np.zeros((30, 20, 3), np.uint8)] * 5
    page = montage(pictures, [f"photo-{index}.jpg" for index in range(5)], columns=3)
    assert page.shape[0] >= 2 * 30 and page.shape[1] >= 3 * 20
    assert np.all(page == 0, axis=-1).sum() == 5 * 30 * 20  # the pictures
    dark = np.all(page < 128, axis=-1)
    assert dark[36:50].sum() > 3 * 20  # caption text under each picture of the first row


def test_montage_needs_one_caption_per_picture():
    with pytest.raises(ValueError, match="2 pictures but 1 captions"):
        montage([np.zeros((3, 3, 3), np.uint8)] * 2, ["one"])
