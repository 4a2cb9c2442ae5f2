"""How long the annotation explorer takes from the end of a stroke to its new prediction.

Episode 7's setting: the granular-cells micrograph (512 x 512), its 20 features, and a
random forest trained again on all the strokes when a stroke ends. Each stroke is drawn with
``explorer.paint`` (what releasing the mouse runs), which trains, predicts and redraws; the
browser would also receive the frame. Compared, in the same run, with training and
predicting alone (the floor), against the target of one second. Run with ``make bench``.
"""

import statistics
import time

import imageio.v3 as iio
import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")  # as the episode's %matplotlib widget
import skimage as ski  # noqa: E402
from skimage.future import fit_segmenter, predict_segmenter  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

import helpers  # noqa: E402
from benchmarks import sized  # noqa: E402
from helpers.widgets import annotation_explorer  # noqa: E402

STROKES = sized(10, 2)


def main() -> None:
    image = helpers.load_image("granular-cells", gray=True)
    truth = helpers.load_mask("granular-cells")
    strokes = iio.imread(helpers.data_dir() / "granular-cells-strokes.png")
    features = ski.feature.multiscale_basic_features(image, sigma_min=1, sigma_max=16)

    def train_and_predict(labels):  # as episode 7 writes it
        model = RandomForestClassifier(
            n_estimators=50, max_depth=10, max_samples=0.05, random_state=0
        )
        return predict_segmenter(features, fit_segmenter(labels, features, model)) == 2

    explorer = annotation_explorer(image, strokes, predict=train_and_predict, truth=truth)
    strokes_ms, floor_ms = [], []
    for index in range(STROKES):
        row = 40 + 40 * index
        start = time.perf_counter()
        explorer.paint([(row, 20), (row, 120)], label=1, radius=2)
        strokes_ms.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        train_and_predict(explorer.labels)
        floor_ms.append(1000 * (time.perf_counter() - start))
    stroke, floor = statistics.median(strokes_ms), statistics.median(floor_ms)
    print(f"annotation_explorer on granular-cells ({image.shape[0]} x {image.shape[1]})")
    print(f"  stroke to new prediction: median {stroke:6.0f} ms, worst {max(strokes_ms):.0f} ms")
    print(f"  training and predicting alone: median {floor:6.0f} ms")
    print(f"  ratio stroke / training alone:  {stroke / floor:6.2f}")
    print(f"  target: within 1000 ms ({'met' if max(strokes_ms) < 1000 else 'NOT met'})")


if __name__ == "__main__":
    main()
