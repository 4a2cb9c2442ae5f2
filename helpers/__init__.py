"""Helpers for the image thresholding lesson: what the episodes call, beyond the lesson.

Images (:mod:`~helpers.images`), figures (:mod:`~helpers.plotting`), explorers
(:mod:`~helpers.widgets`), the root-mass measurement behind an explorer and the root-mass
command (:mod:`~helpers.roots`), and a check of a challenge's answer for learners on their own
(:mod:`~helpers.checks`).

>>> import helpers
>>> helpers.load_image("coins", gray=True).shape
(303, 384)
"""

from helpers.checks import check
from helpers.images import bundled_names, data_dir, image_info, load_image, load_mask, prepare_image
from helpers.plotting import overlay, plot_histogram, show_images

__all__ = [
    "bundled_names", "check", "data_dir", "image_info", "load_image", "load_mask", "overlay",
    "plot_histogram", "prepare_image", "show_images",
]  # fmt: skip
