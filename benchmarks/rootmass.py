"""Benchmark: the batch root-mass command against the episode's plain loop and decoding alone.

Generates 2000x3000 JPEG photographs of roots into a temporary folder, then times, in the
same run and on the same files:

- decoding alone, with each decoder installed (the fastest is the lower bound: any
  measurement has to read the pixels);
- the command, ``python -m rootmass`` with its default ``--jobs`` (all cores);
- the episode's plain loop: ``measure_root_mass`` applied to each file in turn.

It prints the times and the ratios against the targets: the command at least 6 times
faster than the plain loop, and per core at most 1.5 times the decoding time
(``command time x jobs / decode time``). Times depend on the machine and on what else runs
on it; the ratios are what to compare. Usage::

    python -m benchmarks.rootmass [--photos 40]
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks import sized
from tests.support.synthetic_photos import root_photograph

ROOT = Path(__file__).resolve().parent.parent

SIGMA, EXCLUDE_ABOVE = 1.5, 0.95


def measure_root_mass(filename, sigma=1.5, exclude_above=None):
    """The episode's function (episodes/05-root-mass.md), as the learner writes it."""
    import imageio.v3 as iio
    import skimage as ski

    image = iio.imread(filename)
    gray = ski.color.rgb2gray(image)
    blurred = ski.filters.gaussian(gray, sigma=sigma)
    if exclude_above is None:
        band = np.ones(blurred.shape, dtype=bool)  # every pixel
    else:
        band = blurred < exclude_above  # leave out what is brighter
    t = ski.filters.threshold_otsu(blurred[band])
    mask = (blurred > t) & band
    return np.count_nonzero(mask) / mask.size


def write_photograph(path: Path, seed: int, width: int = 2000, height: int = 3000) -> None:
    from PIL import Image

    photograph, _ = root_photograph(seed, width=width, height=height)
    Image.fromarray(photograph).save(path, quality=90)


def decoders() -> dict:
    """Ways to get the pixels of a JPEG, each returning an array (OpenCV on one thread)."""
    import cv2
    import imageio.v3 as iio
    from PIL import Image

    cv2.setNumThreads(1)
    return {
        "Pillow": lambda path: np.asarray(Image.open(path).convert("RGB")),
        "imageio": lambda path: iio.imread(path),
        # the command's: the bytes, then cv2.imdecode (see rootmass.reading)
        "OpenCV": lambda path: cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED),
    }


def decode_all(decoder, files: list[str]) -> None:
    """Decode every file, dropping each array at once, as the command does.

    (Keeping 40 photographs' pixels would also time the kernel handing out fresh memory.)
    """
    for file in files:
        if decoder(file) is None:
            raise RuntimeError(f"{file} did not decode")


def timed(function) -> tuple[float, float]:
    """Wall-clock time, and CPU time of this process and its children (seconds)."""

    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    start, start_cpu = time.perf_counter(), cpu()
    function()
    return time.perf_counter() - start, cpu() - start_cpu


def steps(files: list[str]) -> dict[str, float]:
    """Median milliseconds per photograph of each step of the command, in this process.

    The steps as :mod:`rootmass.reading` and :func:`helpers.roots.root_mask` take them,
    each timed on its own, then the whole of ``load_gray_float32``, ``root_mask`` and
    ``measure_file``.
    """
    import cv2

    from helpers.roots import root_mask
    from rootmass.command import measure_file
    from rootmass.reading import load_gray_float32

    weights = np.array([[0.0721, 0.7154, 0.2125]], np.float32) / np.float32(255)
    size = 2 * int(4 * SIGMA + 0.5) + 1
    times: dict[str, list[float]] = {}

    def step(name, function, *args):
        start = time.perf_counter()
        result = function(*args)
        times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    def blur(gray):
        return cv2.GaussianBlur(gray, (size, size), SIGMA, borderType=cv2.BORDER_REPLICATE)

    def histogram(blurred, band):  # as helpers.roots: the bins as bytes, then counted
        inside = band.view(np.uint8)
        low, high, _, _ = cv2.minMaxLoc(blurred, inside)
        scale = 256 / (high - low)
        bins = cv2.convertScaleAbs(blurred, alpha=scale, beta=-low * scale - 0.5)
        return cv2.calcHist([bins], [0], inside, [256], [0, 256])

    for file in files:
        data = step("read the bytes", np.fromfile, file, np.uint8)
        pixels = step("decode (cv2.imdecode)", cv2.imdecode, data, cv2.IMREAD_UNCHANGED)
        step("grayscale (cv2.transform)", cv2.transform, pixels.astype(np.float32), weights)
        gray = step("load_gray_float32, all of it", load_gray_float32, file)
        blurred = step("blur (cv2.GaussianBlur)", blur, gray)
        band = step("band (blurred < exclude_above)", np.less, blurred, EXCLUDE_ABOVE)
        step("range and histogram (as bytes)", histogram, blurred, band)
        mask = step(
            "mask (blurred > t) & band", lambda b, inside: (b > 0.5) & inside, blurred, band
        )
        step("count the roots", np.count_nonzero, mask)
        step("root_mask, all of it", root_mask, gray, SIGMA, EXCLUDE_ABOVE)
        step("measure_file, all of it", measure_file, file, SIGMA, EXCLUDE_ABOVE)
    return {name: float(np.median(values)) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=sized(40, 3), help="how many (default 40)")
    parser.add_argument(
        "--size",
        default=sized("2000x3000", "120x160"),
        help="width x height of each (default 2000x3000)",
    )
    arguments = parser.parse_args()
    count = arguments.photos
    width, height = (int(side) for side in arguments.size.split("x"))
    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        paths = [folder / f"plant-{seed:03}.jpg" for seed in range(count)]
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{jobs} cores; load average before starting: {load} (other work skews times)")
        print(f"Generating {count} photographs of {width}x{height} pixels in {folder} ...")
        with ProcessPoolExecutor() as pool:
            sizes = [width] * count, [height] * count
            list(pool.map(write_photograph, paths, range(count), *sizes))
        files = sorted(glob.glob(str(folder / "*.jpg")))

        print(f"\nDecoding alone, one process (best of 2), {count} photographs:")
        decode, decode_cpu = {}, {}
        for name, decoder in decoders().items():
            decode[name], decode_cpu[name] = min(
                timed(lambda decoder=decoder: decode_all(decoder, files)) for _ in range(2)
            )
            print(
                f"  {name:15} {decode[name]:6.2f} s  ({decode[name] / count * 1000:.0f} ms each;"
                f" CPU {decode_cpu[name]:.2f} s)"
            )
        fastest = min(decode, key=decode.get)

        per_step = steps(files[: min(count, 10)])  # OpenCV on one thread, as in the workers
        per_photo = decode[fastest] / count * 1000
        print(f"\nThe command's steps, one process, median of {min(count, 10)} photographs:")
        for name, milliseconds in per_step.items():
            print(
                f"  {name:38} {milliseconds:6.1f} ms  ({milliseconds / per_photo:.2f} x "
                f"decoding with {fastest})"
            )

        out = folder / "results.csv"
        command = [sys.executable, "-m", "rootmass", str(folder / "*.jpg")]
        command += ["--sigma", str(SIGMA), "--exclude-above", str(EXCLUDE_ABOVE)]
        command += ["--out", str(out), "--force", "--quiet"]
        wall, wall_cpu = min(
            timed(lambda: subprocess.run(command, cwd=ROOT, check=True)) for _ in range(2)
        )
        print(
            f"\nThe command, --jobs {jobs} (default), best of 2: {wall:.2f} s "
            f"(CPU {wall_cpu:.2f} s)"
        )
        print(f"  {' '.join(command[1:3])} '<folder>/*.jpg' {' '.join(command[4:8])} ...")
        one = [*command[:3], files[0], *command[4:]]
        one[one.index(str(out))] = str(folder / "one.csv")
        start_up, _ = min(
            timed(lambda: subprocess.run(one, cwd=ROOT, check=True)) for _ in range(2)
        )
        print(f"  The same on one photograph (mostly start-up): {start_up:.2f} s")

        loop = []
        plain, plain_cpu = timed(
            lambda: loop.extend(
                measure_root_mass(f, sigma=SIGMA, exclude_above=EXCLUDE_ABOVE) for f in files
            )
        )
        print(
            f"The episode's plain loop: {plain:.2f} s  ({plain / count:.2f} s each; "
            f"CPU {plain_cpu:.2f} s)"
        )

        with out.open(newline="") as stream:
            rows = {row["file"]: float(row["root_fraction"]) for row in csv.DictReader(stream)}
        difference = max(abs(rows[f] - value) for f, value in zip(files, loop, strict=True))
        print(
            f"Largest difference in root fraction, command vs episode: {difference:.2g} "
            f"({'within' if difference <= 1e-4 else 'NOT within'} 1e-4 on every photograph)"
        )

        ratios = [
            ("Ratios, wall-clock (targets in brackets):", None, ""),
            ("plain loop / command", f"{plain / wall:.3g}", "at least 6"),
            (
                f"command x jobs / decode ({fastest})",
                f"{wall * jobs / decode[fastest]:.3g}",
                "at most 1.5",
            ),
            # what the command would give if measuring took no time at all: its start-up (the
            # run on one photograph), then decoding spread over the jobs
            (
                "the same, start-up and decoding only",
                f"{1 + start_up * jobs / decode[fastest]:.2f}",
                "its floor, not a target",
            ),
            # CPU time is what the same ratios would be on an otherwise idle machine
            ("Ratios, CPU time (what an idle machine would show):", None, ""),
            ("plain loop / (command / jobs)", f"{plain_cpu / (wall_cpu / jobs):.1f}", "at least 6"),
            (
                f"command / decode ({fastest})",
                f"{wall_cpu / decode_cpu[fastest]:.2f}",
                "at most 1.5",
            ),
        ]
        for label, value, target in ratios:
            print(f"\n{label}" if value is None else f"  {label + ':':44} {value:>6}  ({target})")


if __name__ == "__main__":
    main()
