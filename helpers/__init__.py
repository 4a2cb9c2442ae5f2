"""Helpers for the image thresholding lesson: what the episodes call.

They take care of what is not the lesson itself: loading images (:mod:`helpers.images`),
laying out figures (:mod:`helpers.plotting`) and the interactive explorers
(:mod:`helpers.widgets`). The thresholding is written in the episodes;
:mod:`helpers.thresholds` and :mod:`helpers.roots` hold the same computations for the
explorers and the tests. The root-mass command and the set-up tools are packages of their
own, beside this one: ``rootmass`` and ``lessonsetup``.

>>> import helpers
>>> helpers.load_image("coins", gray=True).shape
(303, 384)
"""

from helpers.images import bundled_names, data_dir, image_info, load_image, load_mask, prepare_image
from helpers.plotting import overlay, plot_histogram, show_images
from helpers.thresholds import (
    between_class_variance,
    image_histogram,
    otsu_threshold,
)

__all__ = [
    "between_class_variance",
    "bundled_names",
    "data_dir",
    "image_histogram",
    "image_info",
    "load_image",
    "load_mask",
    "otsu_threshold",
    "overlay",
    "plot_histogram",
    "prepare_image",
    "show_images",
]
