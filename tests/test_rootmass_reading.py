"""The batch command's reader: OpenCV's pixels where they are load_image's, else load_image."""

from pathlib import Path

import cv2
import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import rootmass.reading
from helpers import load_image
from rootmass.reading import load_gray_float32

RNG = np.random.default_rng(42)
RGB = (RNG.random((40, 60, 3)) * 255).astype(np.uint8)


def assert_reads_as_load_image(path: Path) -> None:
    """The same pixels as load_image (gray), or the same error."""
    try:
        expected = load_image(path, gray=True)
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            load_gray_float32(path)
        assert str(raised.value) == str(error)
    else:
        np.testing.assert_allclose(load_gray_float32(path), expected, atol=1e-6)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@pytest.mark.parametrize(
    "name, image",
    [
        ("rgb.jpg", RGB),
        ("rgb.png", RGB),
        ("gray.jpg", RGB[..., 0]),
        ("gray.png", RGB[..., 0]),
        ("rgba.png", np.dstack([RGB, np.full(RGB.shape[:2], 255, np.uint8)])),  # opaque
        ("deep.png", RGB[..., 0].astype(np.uint16) * 200),
        ("gray.tif", RGB[..., 0]),
    ],
)
def test_fast_grayscale_loader_matches_load_image(folder, name, image):
    iio.imwrite(folder / name, image)
    fast = load_gray_float32(folder / name)
    assert fast.dtype == np.float32
    np.testing.assert_allclose(fast, load_image(folder / name, gray=True), atol=1e-6)


@pytest.mark.parametrize(
    "name, image, options",
    [
        ("colour.jpg", RGB, {}),
        ("colour-444.jpg", RGB, {"subsampling": 0}),
        ("progressive.jpg", RGB, {"progressive": True}),
        ("restarts.jpg", RGB, {"restart_marker_blocks": 1}),
        ("gray.jpg", RGB[..., 1], {}),
        ("odd-size.jpg", RGB[:37, :53], {}),
        ("colour.png", RGB, {}),
        ("gray.png", RGB[..., 1], {}),
    ],
)
def test_opencv_reads_8_bit_jpeg_and_png_as_load_image_does(
    folder, monkeypatch, name, image, options
):
    """OpenCV's route is really taken (if not, the loader would be right but slower), and
    gives Pillow's pixels through rgb2gray's weights."""
    Image.fromarray(image).save(folder / name, **options)
    expected = load_image(folder / name, gray=True)
    monkeypatch.setattr(rootmass.reading, "load_image", None)  # the general route fails
    np.testing.assert_allclose(load_gray_float32(folder / name), expected, atol=1e-6)


def test_16_bit_colour_png_goes_through_load_image(folder, monkeypatch):
    """Pillow opens it as 8-bit RGB, OpenCV as 16-bit: load_image's reading is the one."""
    cv2.imwrite(str(folder / "deep.png"), RGB.astype(np.uint16) * 200)
    expected = load_image(folder / "deep.png", gray=True)
    np.testing.assert_allclose(load_gray_float32(folder / "deep.png"), expected, atol=1e-6)


@pytest.mark.parametrize(
    "name, image, mode",
    [
        ("palette.png", RGB, "P"),
        ("cmyk.jpg", RGB, "CMYK"),
        ("gray-alpha.png", RGB[..., 0], "LA"),
        ("animated.gif", RGB, "P"),
    ],
)
def test_other_kinds_go_through_load_image(folder, name, image, mode):
    Image.fromarray(image).convert(mode).save(folder / name)
    assert_reads_as_load_image(folder / name)


def test_fast_grayscale_loader_ignores_exif_rotation_as_load_image_does(folder):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees to display"
    Image.fromarray(RGB).save(folder / "rotated.jpg", exif=exif)
    assert load_gray_float32(folder / "rotated.jpg").shape == RGB.shape[:2]
    np.testing.assert_allclose(
        load_gray_float32(folder / "rotated.jpg"),
        load_image(folder / "rotated.jpg", gray=True),
        atol=1e-6,
    )


def test_fast_grayscale_loader_reports_bad_files_as_load_image_does(folder):
    iio.imwrite(folder / "photo.jpg", RGB)
    data = (folder / "photo.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.jpg is truncated"):
        load_gray_float32(folder / "cut.jpg")
    with pytest.raises(FileNotFoundError, match=r"nothere\.jpg does not exist"):
        load_gray_float32(folder / "nothere.jpg")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        load_gray_float32(folder)


@pytest.mark.parametrize("kind", ["jpg", "png"])
def test_a_file_cut_short_is_never_taken_for_a_whole_one(folder, kind):
    """OpenCV fills the missing rows of a truncated JPEG with gray; load_image refuses."""
    iio.imwrite(folder / f"photo.{kind}", RGB)
    data = (folder / f"photo.{kind}").read_bytes()
    for cut in (data[: len(data) // 2], data[:-2], data[:-20]):
        (folder / f"cut.{kind}").write_bytes(cut)
        assert_reads_as_load_image(folder / f"cut.{kind}")
