"""Helpers for the image thresholding lesson.

They take care of what is not the lesson itself: loading images, laying out figures,
widgets and batch plumbing. The thresholding is written in the episodes.

>>> import helpers
>>> helpers.load_image("coins", gray=True).shape
(303, 384)
"""

from helpers.bundled import bundled_names, data_dir, image_info, load_mask
from helpers.loading import load_image, prepare_image
from helpers.thresholds import (
    FIXED_KINDS,
    between_class_variance,
    fixed_threshold,
    image_histogram,
    otsu_threshold,
)

#: Imported on first use, so that computing (e.g. the batch command) does not pay for
#: importing matplotlib.
_PLOTTING = ("overlay", "plot_histogram", "plot_variance", "show_images", "show_overlay")


def __getattr__(name: str):
    if name in _PLOTTING:
        from helpers import plotting

        return getattr(plotting, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


__all__ = [
    "FIXED_KINDS",
    "between_class_variance",
    "bundled_names",
    "data_dir",
    "fixed_threshold",
    "image_histogram",
    "image_info",
    "load_image",
    "load_mask",
    "otsu_threshold",
    "overlay",
    "plot_histogram",
    "plot_variance",
    "prepare_image",
    "show_images",
    "show_overlay",
]
