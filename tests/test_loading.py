"""Loading images: every stored form comes out right, and bad input gets a clear message."""

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import skimage as ski
from PIL import Image

from helpers import load_image, prepare_image

RNG = np.random.default_rng(42)
RGB = (RNG.random((40, 60, 3)) * 255).astype(np.uint8)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_rgb_png_loads_exactly(folder):
    iio.imwrite(folder / "rgb.png", RGB)
    assert np.array_equal(load_image(folder / "rgb.png", dtype="uint8"), RGB)
    as_float = load_image(folder / "rgb.png")
    assert as_float.dtype == np.float64 and as_float.shape == RGB.shape
    np.testing.assert_allclose(as_float, RGB / 255)


def test_gray_matches_scikit_image(folder):
    iio.imwrite(folder / "rgb.png", RGB)
    np.testing.assert_allclose(load_image(folder / "rgb.png", gray=True), ski.color.rgb2gray(RGB))
    assert load_image(folder / "rgb.png", gray=True, dtype="uint8").dtype == np.uint8


def test_rgba_png_is_composited_on_white(folder):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:2, :, 3] = 255  # top half opaque red-ish, bottom half fully transparent
    iio.imwrite(folder / "rgba.png", rgba)
    image = load_image(folder / "rgba.png", dtype="uint8")
    assert image.shape == (4, 4, 3)
    assert image[0, 0].tolist() == [200, 0, 0]
    assert image[3, 3].tolist() == [255, 255, 255]


def test_palette_png_loads_as_colour(folder):
    Image.fromarray(RGB).convert("P").save(folder / "palette.png")
    image = load_image(folder / "palette.png", dtype="uint8")
    assert image.shape == RGB.shape
    assert np.abs(image.astype(int) - RGB).mean() < 40  # palette quantises colours


def test_16_bit_tiff_is_scaled_by_its_full_range(folder):
    image16 = np.array([[0, 32768, 65535]], dtype=np.uint16)
    iio.imwrite(folder / "deep.tif", image16)
    np.testing.assert_allclose(load_image(folder / "deep.tif", gray=True), image16 / 65535)
    assert load_image(folder / "deep.tif", gray=True, dtype="uint8").tolist() == [[0, 128, 255]]


def test_float_tiff_in_range_loads(folder):
    iio.imwrite(folder / "float.tif", np.array([[0.0, 0.25, 1.0]], dtype=np.float32))
    assert load_image(folder / "float.tif", gray=True).tolist() == [[0.0, 0.25, 1.0]]


def test_float_image_outside_unit_range_is_refused(folder):
    iio.imwrite(folder / "hdr.tif", np.array([[0.5, 2.0]], dtype=np.float32))
    with pytest.raises(ValueError, match=r"hdr\.tif.*outside \[0, 1\].*rescale_intensity"):
        load_image(folder / "hdr.tif")


def test_image_with_nan_is_refused(folder):
    iio.imwrite(folder / "nan.tif", np.array([[0.5, np.nan]], dtype=np.float32))
    with pytest.raises(ValueError, match=r"nan\.tif.*NaN"):
        load_image(folder / "nan.tif")


def test_missing_file(folder):
    with pytest.raises(FileNotFoundError, match=r"nothere\.jpg does not exist.*working directory"):
        load_image(folder / "nothere.jpg")


def test_directory(folder):
    (folder / "photos.jpg").mkdir()
    with pytest.raises(IsADirectoryError, match=r"photos\.jpg is a folder"):
        load_image(folder / "photos.jpg")


def test_zero_byte_file(folder):
    (folder / "empty.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.jpg is not an image \(0 bytes\)\. Re-download"):
        load_image(folder / "empty.jpg")


def test_text_file_named_jpg(folder):
    (folder / "notes.jpg").write_text("these are my notes, not a photograph\n")
    with pytest.raises(ValueError, match=r"notes\.jpg could not be read as an image.*remove it"):
        load_image(folder / "notes.jpg")


def test_truncated_jpeg(folder):
    iio.imwrite(folder / "whole.jpg", RGB)
    data = (folder / "whole.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.jpg is truncated or damaged"):
        load_image(folder / "cut.jpg")


def test_stack_is_refused_with_advice(folder):
    iio.imwrite(folder / "stack.tif", np.zeros((3, 8, 8), np.uint8))
    with pytest.raises(ValueError, match=r"stack\.tif has shape .*pick one plane"):
        load_image(folder / "stack.tif")


def test_unknown_bundled_name_lists_the_names():
    with pytest.raises(KeyError, match=r"no bundled image called 'koins'.*camera.*coins"):
        load_image("koins")


def test_bundled_sample_loads_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_image("coins", gray=True, dtype="uint8").tolist() == ski.data.coins().tolist()


def test_array_goes_through_prepare_image():
    with pytest.raises(TypeError, match="prepare_image"):
        load_image(np.zeros((2, 2)))


def test_prepare_image_boolean_and_signed():
    assert prepare_image(np.array([[True, False]]), gray=True).tolist() == [[1.0, 0.0]]
    signed = np.array([[0, 255, 32767]], dtype=np.int16)  # scaled by its type, not its values
    assert prepare_image(signed, gray=True, dtype="uint8").tolist() == [[0, 2, 255]]
    with pytest.raises(ValueError, match="negative"):
        prepare_image(np.array([[-1, 3]]))
    with pytest.raises(ValueError, match="no pixels"):
        prepare_image(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="dtype must be"):
        prepare_image(np.zeros((2, 2)), dtype="float32")


def test_one_channel_and_gray_with_alpha_arrays_are_gray():
    one = np.array([[[0], [255]]], dtype=np.uint8)  # (1, 2, 1), as a one-channel TIFF gives
    assert prepare_image(one, gray=True, dtype="uint8").tolist() == [[0, 255]]
    assert prepare_image(one).shape == (1, 2, 3)
    gray_alpha = np.array([[[0, 255], [200, 0]]], dtype=np.uint8)  # the second: transparent
    assert prepare_image(gray_alpha, gray=True, dtype="uint8").tolist() == [[0, 255]]
    assert prepare_image(gray_alpha, dtype="uint8").tolist() == [[[0, 0, 0], [255, 255, 255]]]


@pytest.mark.parametrize("dtype", ["float", "uint8"])
def test_grayscale_files_load_as_colour_unless_gray(folder, dtype):
    """Code written for colour photographs (rgb2gray, image[~mask] = 0) works on gray files."""
    gray = RGB[..., 0]
    iio.imwrite(folder / "gray.png", gray)
    colour = load_image(folder / "gray.png", dtype=dtype)
    assert colour.shape == (*gray.shape, 3)
    assert np.array_equal(colour[..., 0], colour[..., 2])
    np.testing.assert_allclose(ski.color.rgb2gray(colour), gray / 255, atol=1e-6)


def _variants(folder):
    """One photograph stored the ways a learner's own file might be."""
    iio.imwrite(folder / "rgb.png", RGB)
    iio.imwrite(folder / "rgba.png", np.dstack([RGB, np.full(RGB.shape[:2], 255, np.uint8)]))
    iio.imwrite(folder / "deep.tif", RGB.astype(np.uint16) * 257)
    iio.imwrite(folder / "gray.png", ski.util.img_as_ubyte(ski.color.rgb2gray(RGB)))
    return ["rgb.png", "rgba.png", "deep.tif", "gray.png"]


def test_every_kind_of_file_gives_the_same_grayscale(folder):
    reference = load_image(folder / _variants(folder)[0], gray=True)
    for name in _variants(folder):
        colour = load_image(folder / name)
        assert colour.shape == RGB.shape and colour.dtype == np.float64, name
        np.testing.assert_allclose(load_image(folder / name, gray=True), reference, atol=1 / 255)
