"""How long one slider move of threshold_explorer takes on a 2000 x 3000 image, in Python.

Compared, in the same run, with a naive ``interact`` that re-plots the whole figure (image,
histogram, mask) on every move. Each move is timed from setting the slider's value to the
end of the callback, which updates the artists, blits them and encodes the PNG frame that
the explorer's picture shows (a whole frame, every time). The naive version renders a PNG,
as the inline backend does. Prints medians and their ratio; run with ``make bench``.

Then adaptive_explorer's moves (a new block size, for each kind of local mean, and a new
offset), on episode 4's page and on the same image, each beside the threshold explorer's
move measured above (the ratio says how much more a move of the adaptive explorer costs).
"""

import contextlib
import io
import statistics
import time

import ipywidgets as widgets
import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks import sized  # noqa: E402
from helpers import load_image  # noqa: E402
from helpers.widgets import adaptive_explorer, threshold_explorer  # noqa: E402

MOVES = sized(60, 3)
NAIVE_MOVES = sized(10, 2)  # seconds each: enough for a median that is 10x or 100x away


def test_image(height: int = 2000, width: int = 3000) -> np.ndarray:
    """A 2000 x 3000 float image with blobs, shading and noise."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width]
    image = 0.35 + 0.2 * np.sin(x / 150) * np.cos(y / 170) + 0.05 * rng.standard_normal(y.shape)
    return image.clip(0, 1)


def values(count: int) -> list[float]:
    return [0.2 + 0.3 * ((index * 7) % count) / count for index in range(count)]


def time_explorer(image: np.ndarray) -> list[float]:
    explorer = threshold_explorer(image)
    slider = explorer.controls["threshold"]  # each move draws and encodes the frame at once
    times = []
    for value in values(MOVES):
        start = time.perf_counter()
        slider.value = value  # the callback draws at once
        times.append(time.perf_counter() - start)
    return times


def time_adaptive(image: np.ndarray, method: str, control: str) -> list[float]:
    """Seconds of each move of the adaptive explorer's ``control`` (block size or offset)."""
    explorer = adaptive_explorer(image, block_size=35, method=method)
    slider, order = explorer.controls[control], [index * 7 % 11 for index in range(sized(12, 2))]
    times = []  # block sizes 25 to 45, or offsets from the least up, in a mixed order
    for value in [
        slider.min + i * slider.step if control == "offset" else 25 + 2 * i for i in order
    ]:
        start = time.perf_counter()
        slider.value = value  # the callback computes the local mean (again) and draws
        times.append(time.perf_counter() - start)
    return times


def time_naive(image: np.ndarray) -> list[float]:
    def replot(t: float) -> None:
        figure, axes = plt.subplots(1, 3, figsize=(9, 3), layout="constrained")
        axes[0].imshow(image, cmap="gray")
        axes[1].hist(image.ravel(), bins=256)
        axes[1].axvline(t, color="red")
        axes[2].imshow(image > t, cmap="gray")
        axes[2].set_title(f"{100 * np.mean(image > t):.1f} %")
        figure.savefig(io.BytesIO(), format="png")  # what the inline backend shows
        plt.close(figure)

    slider = widgets.FloatSlider(value=0.1, min=0, max=1, step=0.01)
    widgets.interactive(replot, t=slider)
    times = []
    for value in values(NAIVE_MOVES):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # interact's clear_output, no kernel
            slider.value = value
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    image = test_image(*sized((2000, 3000), (200, 300)))
    fast = time_explorer(image)
    naive = time_naive(image)
    fast_ms, naive_ms = 1000 * statistics.median(fast), 1000 * statistics.median(naive)
    print(f"threshold_explorer, one slider move on a {image.shape[0]} x {image.shape[1]} image")
    print(f"  in place, display resolution: median {fast_ms:7.1f} ms over {len(fast)} moves")
    print(f"  naive interact, full re-plot: median {naive_ms:7.1f} ms over {len(naive)} moves")
    print(f"  ratio naive / in place:       {naive_ms / fast_ms:7.1f} x")
    print(
        f"  target: under 20 ms ({'met' if fast_ms < 20 else 'NOT met'}), "
        f"at least 10 x ({'met' if naive_ms / fast_ms >= 10 else 'NOT met'})"
    )
    page = load_image("uneven-text", gray=True)  # episode 4's page
    for name, gray in (("episode 4's page", page), ("the image above", image)):
        print(f"adaptive_explorer on {name}, {gray.shape[0]} x {gray.shape[1]}, one move")
        for method, control in (
            ("mean", "block_size"),
            ("gaussian", "block_size"),
            ("mean", "offset"),
        ):
            ms = 1000 * statistics.median(time_adaptive(gray, method, control))
            label = f"{control.replace('_', ' ')} ({method})"
            print(f"  {label:22} median {ms:7.1f} ms, {ms / fast_ms:6.1f} x the threshold move")


if __name__ == "__main__":
    main()
