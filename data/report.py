"""Print the measurements the lesson relies on, from the images in data/.

Usage::

    python data/report.py [DATA_DIR]

For each root photograph: the Dice score against the ground truth of Otsu's
threshold after a blur of each sigma in SIGMAS (the label left out as the
root-mass episode does), and for each trial the Dice score of each bright
cut-off in CUT_OFFS.  For each root-system trial: the true root fraction (from
the mask), the plain Otsu measurement, and the enhanced one that leaves out the
pixels brighter than the roots (the white label and marker, 0.9 and above):
Otsu's threshold of the band ``blurred < 0.9`` only, and the mask
``(blurred > t) & band``.
For ``uneven-text``:
the Dice score against the ink mask of a local threshold and of five global
ones.  The definitions are exactly those of the lesson episodes.
"""

import json
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import skimage.color
import skimage.filters

HERE = Path(__file__).resolve().parent

# Chosen against the ground truth (see sigma_scores and cut_off_scores).
SIGMA = 1.0
OVEREXPOSED = 0.9
SIGMAS = (0, 0.5, 1, 1.5, 2, 3, 4)
CUT_OFFS = (0.8, 0.85, 0.9, 0.95, 0.99)
ROOT_PHOTOGRAPHS = ("maize-roots", "trial-016", "trial-020", "trial-216", "trial-293")
# Local threshold for uneven-text: block of 51 pixels (a couple of letters
# wide), offset 0.02: ink is darker than its neighbourhood mean minus 0.02.
BLOCK_SIZE = 51
OFFSET = 0.02
GLOBAL_METHODS = ("otsu", "li", "yen", "triangle", "mean")


def load_gray(path):
    """Image as grayscale float in [0, 1]."""
    image = iio.imread(path)
    if image.ndim == 3:
        return skimage.color.rgb2gray(image[..., :3])
    return image.astype(float) / 255


def load_mask(path):
    return iio.imread(path) > 0


def manifest(data_dir=HERE):
    return json.loads((Path(data_dir) / "manifest.json").read_text())


def band_mask(blurred, cut_off):
    """Otsu's threshold of the band ``blurred < cut_off`` (every pixel if None), and the
    mask ``(blurred > t) & band``."""
    band = np.ones(blurred.shape, bool) if cut_off is None else blurred < cut_off
    return (blurred > skimage.filters.threshold_otsu(blurred[band])) & band


def root_fractions(image_path):
    """Plain and enhanced Otsu root fractions of one trial photograph."""
    gray = load_gray(image_path)
    blurred = skimage.filters.gaussian(gray, sigma=SIGMA)
    plain = band_mask(blurred, None).mean()
    enhanced = band_mask(blurred, OVEREXPOSED).mean()
    return plain, enhanced


def enhanced_mask(gray, sigma, cut_off):
    """Blur, leave out pixels at ``cut_off`` and above (if any), threshold with Otsu."""
    return band_mask(skimage.filters.gaussian(gray, sigma=sigma), cut_off)


def sigma_scores(data_dir=HERE):
    """Dict: root photograph -> list of Dice scores, one per sigma in SIGMAS.

    Trials leave out pixels above OVEREXPOSED; maize-roots has no label.
    """
    data_dir = Path(data_dir)
    scores = {}
    for name in ROOT_PHOTOGRAPHS:
        entry = manifest(data_dir)["images"][name]
        gray = load_gray(data_dir / entry["file"])
        truth = load_mask(data_dir / entry["mask"])
        cut_off = OVEREXPOSED if name.startswith("trial-") else None
        scores[name] = [dice(enhanced_mask(gray, s, cut_off), truth) for s in SIGMAS]
    return scores


def cut_off_scores(data_dir=HERE):
    """Dict: trial -> list of Dice scores, one per cut-off in CUT_OFFS (blur SIGMA)."""
    data_dir = Path(data_dir)
    scores = {}
    for name in ROOT_PHOTOGRAPHS[1:]:
        entry = manifest(data_dir)["images"][name]
        gray = load_gray(data_dir / entry["file"])
        truth = load_mask(data_dir / entry["mask"])
        scores[name] = [dice(enhanced_mask(gray, SIGMA, c), truth) for c in CUT_OFFS]
    return scores


def trial_measurements(data_dir=HERE):
    """List of dicts: name, true, plain and enhanced root fraction per trial."""
    data_dir = Path(data_dir)
    rows = []
    for name, entry in manifest(data_dir)["images"].items():
        if not name.startswith("trial-"):
            continue
        mask = load_mask(data_dir / entry["mask"])
        true = np.count_nonzero(mask) / mask.size
        plain, enhanced = root_fractions(data_dir / entry["file"])
        rows.append({"name": name, "true": true, "plain": plain, "enhanced": enhanced})
    return rows


def dice(a, b):
    """Dice coefficient of two binary masks: 2|A and B| / (|A| + |B|)."""
    return 2 * np.count_nonzero(a & b) / (np.count_nonzero(a) + np.count_nonzero(b))


def uneven_scores(data_dir=HERE):
    """Dice score against the ink mask of the local and global thresholds.

    Ink is dark, so every method's foreground is ``gray < threshold``.
    Returns a dict: method name -> Dice score ("local" plus GLOBAL_METHODS).
    """
    data_dir = Path(data_dir)
    entry = manifest(data_dir)["images"]["uneven-text"]
    gray = load_gray(data_dir / entry["file"])
    truth = load_mask(data_dir / entry["mask"])
    local = skimage.filters.threshold_local(gray, BLOCK_SIZE, offset=OFFSET)
    scores = {"local": dice(gray < local, truth)}
    for method in GLOBAL_METHODS:
        t = getattr(skimage.filters, f"threshold_{method}")(gray)
        scores[method] = dice(gray < t, truth)
    return scores


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else HERE
    print("Dice against the ground truth, by sigma of the blur")
    print(f"{'photograph':<12}" + "".join(f"{s:>7}" for s in SIGMAS))
    for name, scores in sigma_scores(data_dir).items():
        print(f"{name:<12}" + "".join(f"{d:>7.3f}" for d in scores))
    print()
    print(f"Dice against the ground truth, by bright cut-off (sigma {SIGMA})")
    print(f"{'trial':<12}" + "".join(f"{c:>7}" for c in CUT_OFFS))
    for name, scores in cut_off_scores(data_dir).items():
        print(f"{name:<12}" + "".join(f"{d:>7.3f}" for d in scores))
    print()
    print(f"Root fraction of each trial (sigma {SIGMA}, cut-off {OVEREXPOSED})")
    print(f"{'trial':<10} {'true':>7} {'plain Otsu':>11} {'enhanced':>9}")
    for row in trial_measurements(data_dir):
        print(
            f"{row['name']:<10} {row['true']:>7.4f} {row['plain']:>11.4f} {row['enhanced']:>9.4f}"
        )
    print()
    print(
        f"uneven-text: Dice score against the ink mask (local: block {BLOCK_SIZE}, offset {OFFSET})"
    )
    for method, score in uneven_scores(data_dir).items():
        print(f"{method:<10} {score:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
