"""CMYK files read as their colours; images with too many pixels are refused from their
header, before decoding, by the root-mass command's readers (its limit) and by load_image
(Pillow's)."""

import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from helpers import load_image
from helpers.images import data_dir
from helpers.roots import root_mask
from rootmass.reading import MAX_PIXELS, load_gray_float32, load_image_limited

ROOT = Path(__file__).resolve().parent.parent


def gray_with_load_image(path, **options):
    return load_image(path, gray=True, **options)


def gray_with_the_limit(path, **options):
    return load_image_limited(path, gray=True, **options)


LOADERS = [gray_with_load_image, load_gray_float32]
#: The command's readers, which take ``max_pixels``.
LIMITED = [gray_with_the_limit, load_gray_float32]


@pytest.fixture(scope="module")
def cmyk_copies(tmp_path_factory) -> dict[str, Path]:
    """data/trial-016.jpg as a CMYK JPEG (Adobe's inverted kind, as Photoshop writes) and
    a CMYK TIFF, made with Pillow."""
    folder = tmp_path_factory.mktemp("cmyk")
    cmyk = Image.open(data_dir() / "trial-016.jpg").convert("CMYK")
    cmyk.save(folder / "trial-016-cmyk.jpg", quality=95)
    cmyk.save(folder / "trial-016-cmyk.tif", compression="tiff_lzw")
    return {kind: folder / f"trial-016-cmyk.{kind}" for kind in ("jpg", "tif")}


def root_fraction(gray: np.ndarray) -> float:
    mask, _ = root_mask(gray, sigma=1.0)
    return np.count_nonzero(mask) / mask.size


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("kind", ["jpg", "tif"])
def test_cmyk_copy_measures_as_the_rgb_original(cmyk_copies, loader, kind):
    original = root_fraction(loader(data_dir() / "trial-016.jpg"))
    assert abs(root_fraction(loader(cmyk_copies[kind])) - original) < 1e-3


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_cmyk_black_channel_is_not_transparency(tmp_path, suffix):
    """Pure cyan (black channel 0) loads cyan, not all white."""
    cmyk = np.zeros((16, 16, 4), np.uint8)
    cmyk[..., 0] = 255
    path = tmp_path / f"cyan{suffix}"
    Image.fromarray(cmyk, "CMYK").save(path)
    if suffix == ".jpg":  # Adobe's marker: the inverted kind of CMYK JPEG
        assert b"Adobe" in path.read_bytes()[:200]
    colour = load_image(path, dtype="uint8")
    assert colour.shape == (16, 16, 3)
    assert np.abs(colour.astype(int) - [0, 255, 255]).max() <= 2
    expected = load_image(path, gray=True)
    np.testing.assert_allclose(load_gray_float32(path), expected, atol=1e-6)
    assert expected.max() < 0.8  # white would be 1


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that says it is width x height pixels, with no pixel data: only its header can
    be read, so loading it without reading the header first fails as 'damaged'."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("loader", LIMITED)
def test_900_megapixel_png_is_too_large_not_damaged(tmp_path, loader):
    path = png_header_only(tmp_path / "huge.png", 30_000, 30_000)
    with pytest.raises(ValueError) as raised:
        loader(path)
    message = str(raised.value)
    assert "huge.png" in message and "30000 x 30000" in message and "900 megapixels" in message
    assert "max_pixels=" in message and "--max-pixels" in message
    assert "damaged" not in message


def test_load_image_refuses_what_pillow_refuses_saying_so(tmp_path):
    """A learner's load_image has Pillow's limit (179 million pixels), with the file's name
    and what to do, not "damaged"."""
    path = png_header_only(tmp_path / "huge.png", 30_000, 30_000)
    with pytest.raises(ValueError) as raised:
        load_image(path)
    message = str(raised.value)
    assert "huge.png has too many pixels to read safely" in message
    assert "900000000 pixels" in message and "MAX_IMAGE_PIXELS = None" in message
    assert "damaged" not in message


@pytest.mark.parametrize("loader", LIMITED)
def test_lower_limit_refuses_a_normal_photograph(loader):
    path = data_dir() / "trial-016.jpg"
    with pytest.raises(ValueError, match=r"trial-016\.jpg is 2000 x 3008 pixels \(6\.02 mega"):
        loader(path, max_pixels=2000 * 3008 - 1)
    assert loader(path, max_pixels=2000 * 3008).shape == (3008, 2000)
    assert loader(path, max_pixels=None).shape == (3008, 2000)


def test_default_limit_is_200_megapixels():
    assert MAX_PIXELS == 200_000_000


@pytest.mark.parametrize("loader", LIMITED)
def test_pillows_own_limit_does_not_stop_an_image_under_ours(tmp_path, monkeypatch, loader):
    """Pillow refuses (or warns about) more than its MAX_IMAGE_PIXELS; our limit decides,
    with no warning (warnings are errors in these tests), and Pillow's is left as it was."""
    Image.fromarray(np.zeros((40, 60), np.uint8)).save(tmp_path / "small.png")
    Image.fromarray(np.zeros((40, 60, 4), np.uint8), "CMYK").save(tmp_path / "small.tif")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    for name in ("small.png", "small.tif"):
        assert loader(tmp_path / name).shape == (40, 60)
    assert Image.MAX_IMAGE_PIXELS == 100


def zlib_tiff(path: Path, width: int, height: int) -> Path:
    """An 8-bit grayscale TIFF of zeros in one zlib (deflate) strip: about 1 MB on disk
    for 400 megapixels, the kind of file that fills the memory of whoever decodes it."""
    squeezer, row = zlib.compressobj(9), bytes(width)
    strip = b"".join(squeezer.compress(row) for _ in range(height)) + squeezer.flush()
    tags = [  # (tag, type: 3 SHORT or 4 LONG, value); the pixels follow the 9 tags
        (256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 8), (262, 3, 1),
        (273, 4, 8 + 2 + 9 * 12 + 4), (277, 3, 1), (278, 4, height), (279, 4, len(strip)),
    ]  # fmt: skip
    entries = b"".join(struct.pack("<HHII", tag, kind, 1, value) for tag, kind, value in tags)
    path.write_bytes(b"II*\0" + struct.pack("<IH", 8, len(tags)) + entries + bytes(4) + strip)
    return path


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads Linux's VmHWM")
def test_a_compressed_bomb_is_refused_without_decoding(tmp_path):
    """A 20000 x 20000 zlib TIFF of about 1 MB: refused by the command's readers (by its
    limit) and load_image (by Pillow's) in a fresh process whose peak memory (VmHWM:
    unlike ru_maxrss, not inherited from the forking parent) stays far below the 400 MB
    that decoding it would take."""
    path = zlib_tiff(tmp_path / "bomb.tif", 20_000, 20_000)
    assert path.stat().st_size < 2_000_000
    assert iio.improps(path).shape == (20_000, 20_000)  # a TIFF to tifffile
    with pytest.raises(Image.DecompressionBombError):  # and to Pillow, which refuses it
        Image.open(path)
    small = zlib_tiff(tmp_path / "small.tif", 64, 48)  # whose pixels decode
    assert load_image(small, dtype="uint8").shape == (48, 64, 3)
    code = (
        "import sys\n"
        "from helpers import load_image\n"
        "from rootmass.reading import load_gray_float32, load_image_limited\n"
        "for loader in (load_image_limited, load_gray_float32, load_image):\n"
        "    try:\n"
        "        loader(sys.argv[1])\n"
        "    except ValueError as error:\n"
        "        print(error)\n"
        "peak = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(int(peak) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True
    )
    *messages, megabytes = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert len(messages) == 3 and all("20000 x 20000" in message for message in messages[:2])
    assert "bomb.tif has too many pixels to read safely" in messages[2]
    assert int(megabytes) < 300, f"{megabytes} MB: the image was decoded"


@pytest.mark.parametrize("loader", LIMITED)
def test_limit_holds_for_files_pillow_cannot_open(tmp_path, loader):
    """A float colour TIFF is tifffile's alone: its size comes from imageio's header."""
    path = tmp_path / "float-colour.tif"
    iio.imwrite(path, np.full((30, 40, 3), 0.5, np.float32), photometric="rgb")
    with pytest.raises(Image.UnidentifiedImageError):
        Image.open(path)
    with pytest.raises(ValueError, match=r"float-colour\.tif is 40 x 30 pixels"):
        loader(path, max_pixels=1000)
    assert loader(path, max_pixels=1200).shape == (30, 40)


def test_threads_leave_pillows_limit_as_it_was(tmp_path, monkeypatch):
    """Lifting Pillow's limit (a global) from many threads at once restores it every time."""
    Image.fromarray(np.zeros((40, 60), np.uint8)).save(tmp_path / "small.png")
    Image.fromarray(np.zeros((40, 60), np.uint8)).save(tmp_path / "small.jpg")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # every load lifts it
    paths = [tmp_path / name for name in ("small.png", "small.jpg") * 40]
    with ThreadPoolExecutor(8) as pool:
        shapes = list(pool.map(gray_with_the_limit, paths))
        shapes += list(pool.map(load_gray_float32, paths))
    assert {image.shape for image in shapes} == {(40, 60)}
    assert Image.MAX_IMAGE_PIXELS == 1000
