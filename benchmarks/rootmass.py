"""Benchmark: the batch root-mass command against the episode's plain loop and decoding alone.

Generates 2000x3000 JPEG photographs of roots into a temporary folder, then times, in the
same run and on the same files:

- decoding alone, with each decoder installed (the fastest is the lower bound: any
  measurement has to read the pixels);
- the command, ``python -m rootmass`` with its default ``--jobs`` (all cores), and the same
  with its workers' ``mallopt`` (:func:`rootmass.parallel.keep_freed_memory`) turned off,
  taking turns, so that the ratio says whether it pays;
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
    from rootmass.measuring import measure_file
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


#: Loaded by the command's processes (sitecustomize) for the run without ``mallopt``.
WITHOUT_MALLOPT = "import rootmass.parallel\nrootmass.parallel.keep_freed_memory = lambda: False\n"


def make_photographs(folder: Path, count: int, width: int, height: int) -> list[str]:
    """Write ``count`` synthetic root photographs into ``folder``; their sorted names."""
    paths = [folder / f"plant-{seed:03}.jpg" for seed in range(count)]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{os.cpu_count() or 1} cores; load average before starting: {load} "
        "(other work skews times)"
    )
    print(f"Generating {count} photographs of {width}x{height} pixels in {folder} ...")
    with ProcessPoolExecutor() as pool:
        list(pool.map(write_photograph, paths, range(count), [width] * count, [height] * count))
    return sorted(glob.glob(str(folder / "*.jpg")))


def time_decoders(files: list[str]) -> tuple[dict, dict]:
    """Wall and CPU seconds of decoding every file with each decoder (best of 2), printed."""
    print(f"\nDecoding alone, one process (best of 2), {len(files)} photographs:")
    decode, decode_cpu = {}, {}
    for name, decoder in decoders().items():
        decode[name], decode_cpu[name] = min(
            timed(lambda decoder=decoder: decode_all(decoder, files)) for _ in range(2)
        )
        print(
            f"  {name:15} {decode[name]:6.2f} s  ({decode[name] / len(files) * 1000:.0f} ms each;"
            f" CPU {decode_cpu[name]:.2f} s)"
        )
    return decode, decode_cpu


def print_steps(files: list[str], per_photo: float, fastest: str) -> None:
    """The command's steps, one process (OpenCV on one thread, as in the workers)."""
    per_step = steps(files[: min(len(files), 10)])
    print(f"\nThe command's steps, one process, median of {min(len(files), 10)} photographs:")
    for name, milliseconds in per_step.items():
        print(
            f"  {name:38} {milliseconds:6.1f} ms  ({milliseconds / per_photo:.2f} x "
            f"decoding with {fastest})"
        )


def time_command(folder: Path, files: list[str]) -> dict[str, tuple[float, float]]:
    """The command on every file, with and without ``mallopt`` (taking turns, best of 2
    each, so that a change of load hits both), and on one file (start-up), printed."""
    out = folder / "results.csv"
    command = [sys.executable, "-m", "rootmass", str(folder / "*.jpg")]
    command += ["--sigma", str(SIGMA), "--exclude-above", str(EXCLUDE_ABOVE)]
    command += ["--out", str(out), "--force", "--quiet"]
    hook = folder / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(WITHOUT_MALLOPT)
    plain = dict(os.environ, PYTHONPATH=str(ROOT))
    without = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hook), str(ROOT)]))
    times: dict[str, list] = {"with": [], "without": []}
    for _ in range(2):
        for name, environment in (("with", plain), ("without", without)):
            times[name].append(
                timed(
                    lambda env=environment: subprocess.run(command, cwd=ROOT, env=env, check=True)
                )
            )
    (wall, wall_cpu), (bare, bare_cpu) = min(times["with"]), min(times["without"])
    jobs = os.cpu_count() or 1
    print(f"\nThe command, --jobs {jobs} (default), best of 2: {wall:.2f} s (CPU {wall_cpu:.2f} s)")
    print(f"  {' '.join(command[1:3])} '<folder>/*.jpg' {' '.join(command[4:8])} ...")
    print(
        f"  Without mallopt (workers give freed memory back), best of 2: {bare:.2f} s "
        f"(CPU {bare_cpu:.2f} s)"
    )
    one = [*command[:3], files[0], *command[4:]]
    one[one.index(str(out))] = str(folder / "one.csv")
    start_up, _ = min(timed(lambda: subprocess.run(one, cwd=ROOT, check=True)) for _ in range(2))
    print(f"  The same on one photograph (mostly start-up): {start_up:.2f} s")
    return {"with": (wall, wall_cpu), "without": (bare, bare_cpu), "start-up": (start_up, 0.0)}


def time_plain_loop(files: list[str], out: Path) -> tuple[float, float]:
    """The episode's loop over every file, printed, and its agreement with the command."""
    loop = []
    plain, plain_cpu = timed(
        lambda: loop.extend(
            measure_root_mass(f, sigma=SIGMA, exclude_above=EXCLUDE_ABOVE) for f in files
        )
    )
    print(
        f"The episode's plain loop: {plain:.2f} s  ({plain / len(files):.2f} s each; "
        f"CPU {plain_cpu:.2f} s)"
    )
    with out.open(newline="") as stream:
        rows = {row["file"]: float(row["root_fraction"]) for row in csv.DictReader(stream)}
    difference = max(abs(rows[f] - value) for f, value in zip(files, loop, strict=True))
    print(
        f"Largest difference in root fraction, command vs episode: {difference:.2g} "
        f"({'within' if difference <= 1e-4 else 'NOT within'} 1e-4 on every photograph)"
    )
    return plain, plain_cpu


def print_ratios(command: dict, plain: tuple, decode: tuple, fastest: str) -> None:
    """The ratios against the targets, wall-clock and CPU time."""
    jobs = os.cpu_count() or 1
    (wall, wall_cpu), (bare, bare_cpu) = command["with"], command["without"]
    start_up = command["start-up"][0]
    ratios = [
        ("Ratios, wall-clock (targets in brackets):", None, ""),
        ("plain loop / command", f"{plain[0] / wall:.3g}", "at least 6"),
        (f"command x jobs / decode ({fastest})", f"{wall * jobs / decode[0]:.3g}", "at most 1.5"),
        # what the command would give if measuring took no time at all: its start-up (the
        # run on one photograph), then decoding spread over the jobs
        (
            "the same, start-up and decoding only",
            f"{1 + start_up * jobs / decode[0]:.3g}",
            "its floor, not a target",
        ),  # fmt: skip
        ("without mallopt / with", f"{bare / wall:.3g}", "above 1: mallopt pays"),
        # CPU time is what the same ratios would be on an otherwise idle machine
        ("Ratios, CPU time (what an idle machine would show):", None, ""),
        ("plain loop / (command / jobs)", f"{plain[1] / (wall_cpu / jobs):.3g}", "at least 6"),
        (f"command / decode ({fastest})", f"{wall_cpu / decode[1]:.3g}", "at most 1.5"),
        ("without mallopt / with", f"{bare_cpu / wall_cpu:.3g}", "above 1: mallopt pays"),
    ]
    for label, value, target in ratios:
        print(f"\n{label}" if value is None else f"  {label + ':':44} {value:>6}  ({target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=sized(40, 3), help="how many (default 40)")
    parser.add_argument(
        "--size",
        default=sized("2000x3000", "120x160"),
        help="width x height of each (default 2000x3000)",
    )
    arguments = parser.parse_args()
    width, height = (int(side) for side in arguments.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = make_photographs(folder, arguments.photos, width, height)
        decode, decode_cpu = time_decoders(files)
        fastest = min(decode, key=decode.get)
        print_steps(files, decode[fastest] / len(files) * 1000, fastest)
        command = time_command(folder, files)
        plain = time_plain_loop(files, folder / "results.csv")
        print_ratios(command, plain, (decode[fastest], decode_cpu[fastest]), fastest)


if __name__ == "__main__":
    main()
