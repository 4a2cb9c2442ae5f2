"""Bundled images: listed and loaded by name from any folder, never downloaded."""

import imageio.v3 as iio
import numpy as np
import pytest

from helpers import images, load_image, load_mask


@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    """A data folder with one image, its mask, and an image without a mask."""
    image = np.zeros((6, 8, 3), np.uint8)
    image[2:4, 2:6] = 200
    iio.imwrite(tmp_path / "square.png", image)
    iio.imwrite(tmp_path / "square-mask.png", (image[..., 0] > 0).astype(np.uint8) * 255)
    iio.imwrite(tmp_path / "square-strokes.png", np.zeros((6, 8), np.uint8))  # training labels
    iio.imwrite(tmp_path / "plain.jpg", image)
    (tmp_path / "README.md").write_text("not an image")
    (tmp_path / "manifest.json").write_text('{"images": {"square": {"objects": 1}}}')
    monkeypatch.setenv("THRESHOLDING_DATA", str(tmp_path))
    return tmp_path


def test_lesson_images_are_listed_without_masks_or_strokes(fake_data):
    assert images.bundled_names()[:3] == ["plain", "square", "astronaut"]
    assert "coins" in images.bundled_names()


def test_image_and_mask_load_by_name_from_any_folder(fake_data, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert load_image("square", gray=True).shape == (6, 8)
    mask = load_mask("square")
    assert mask.dtype == bool and np.count_nonzero(mask) == 8


def test_image_without_mask(fake_data):
    with pytest.raises(KeyError, match="'plain' has no ground-truth mask"):
        load_mask("plain")


def test_unknown_name_lists_the_lesson_images_too(fake_data):
    with pytest.raises(KeyError, match=r"'sqare'\. Names that exist: plain, square, astronaut"):
        load_image("sqare")


def test_sample_name_is_not_a_data_file(fake_data):
    with pytest.raises(KeyError, match=r"'coins' is a scikit-image sample.*load_image\('coins'\)"):
        load_mask("coins")


def test_default_data_dir_is_beside_the_package(monkeypatch):
    monkeypatch.delenv("THRESHOLDING_DATA", raising=False)
    assert images.data_dir() == images.Path(images.__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("name", images.SKIMAGE_SAMPLES)
def test_every_listed_sample_works_offline(name):
    # These ship inside scikit-image's wheel; a sample that needed a download would fail here
    # (the suite runs with no network).
    assert load_image(name).size > 0


def test_image_info_reads_the_manifest(fake_data):
    assert images.image_info("square") == {"objects": 1}
    with pytest.raises(KeyError, match="does not describe 'plain'"):
        images.image_info("plain")
    with pytest.raises(KeyError, match="no bundled image called 'nope'"):
        images.image_info("nope")


def test_missing_data_folder_leaves_the_samples(tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDING_DATA", str(tmp_path / "nothere"))
    assert images.bundled_names() == list(images.SKIMAGE_SAMPLES)
