"""Masks grown and shrunk by their neighbours: binary dilation and erosion on numpy bool arrays by shifted ORs
and ANDs. Pure (numpy).

scipy.ndimage's binary morphology costs ~0.45 ms a call whatever the size, which on the small arrays the
cleaning, the review and the cut-out's outline boxes work on was most of their time; these give the same
pixels (tests/test_morphology.py compares them with scipy's and Pillow's) for a few numpy calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def dilated(select: np.ndarray, iterations: int = 1) -> np.ndarray:
    """``select`` (bool) grown by its four neighbours ``iterations`` times (nothing beyond the array's edges):
    ``scipy.ndimage.binary_dilation(select, iterations=iterations)``."""
    out = select.copy()
    for _ in range(iterations):
        was = out.copy()
        out[1:] |= was[:-1]
        out[:-1] |= was[1:]
        out[:, 1:] |= was[:, :-1]
        out[:, :-1] |= was[:, 1:]
    return out


def eroded(select: np.ndarray, iterations: int = 1) -> np.ndarray:
    """``select`` (bool) kept where it and its four neighbours are, ``iterations`` times (beyond the array's
    edges is nothing: its border pixels go): ``scipy.ndimage.binary_erosion(select, iterations=iterations)``."""
    out = select.copy()
    for _ in range(iterations):
        was = out.copy()
        out[1:] &= was[:-1]
        out[:-1] &= was[1:]
        out[:, 1:] &= was[:, :-1]
        out[:, :-1] &= was[:, 1:]
        out[0, :] = out[-1, :] = False
        out[:, 0] = out[:, -1] = False
    return out


def near(select: np.ndarray, reach: int) -> np.ndarray:
    """``select`` (bool) with every pixel within ``reach`` of a True one (a square of side 2 reach + 1) set:
    what ``backdrop.grown`` (Pillow's MaxFilter) gives a 0/255 mask. Beyond the array's edges nothing is set,
    as the grown mask reads only what lies inside."""
    import numpy as np

    rows = select.copy()
    for step in range(1, reach + 1):
        rows[step:] |= select[:-step]
        rows[:-step] |= select[step:]
    out = rows.copy()
    for step in range(1, reach + 1):
        out[:, step:] |= rows[:, :-step]
        out[:, :-step] |= rows[:, step:]
    result: np.ndarray = np.asarray(out, dtype=bool)
    return result
