"""Helpers for the thresholding lesson."""
