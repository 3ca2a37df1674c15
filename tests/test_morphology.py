"""Masks grown and shrunk by shifted ORs and ANDs (artpipe/imaging/morphology.py) give exactly what scipy's
binary morphology and Pillow's MaxFilter give: pieces against every side of the frame, one pixel thin lines,
single pixels, random shapes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter
from scipy import ndimage

from artpipe.imaging.morphology import dilated, eroded, holes_filled, near


@pytest.mark.parametrize("iterations", [1, 2, 3, 6])
def test_dilated_and_eroded_are_scipys_cross_on_pieces_against_the_frame(iterations: int) -> None:
    select = np.random.default_rng(iterations).random((47, 61)) > 0.6
    select[:, :20] = True
    select[20, :] = True
    select[-6:, -6:] = True
    assert np.array_equal(dilated(select, iterations), ndimage.binary_dilation(select, iterations=iterations))
    assert np.array_equal(eroded(select, iterations), ndimage.binary_erosion(select, iterations=iterations))
    assert eroded(select, iterations).any()


def test_dilated_and_eroded_are_scipys_on_random_shapes_of_every_size() -> None:
    rng = np.random.default_rng(11)
    for _ in range(40):
        shape = (int(rng.integers(1, 40)), int(rng.integers(1, 40)))
        mask = ndimage.gaussian_filter(rng.random(shape), 1.5) > rng.uniform(0.4, 0.6)
        for steps in (1, 3):
            assert (dilated(mask, steps) == ndimage.binary_dilation(mask, iterations=steps)).all()
        assert (eroded(mask) == ndimage.binary_erosion(mask, border_value=0)).all()


@pytest.mark.parametrize("reach", [1, 2, 3])
def test_near_is_pillows_max_filter(reach: int) -> None:
    select = np.random.default_rng(reach).random((61, 47)) > 0.97
    mask = Image.fromarray(select.astype(np.uint8) * 255, "L")
    want = np.asarray(mask.filter(ImageFilter.MaxFilter(2 * reach + 1))) > 0
    assert (near(select, reach) == want).all()


def test_holes_filled_is_scipys_fill_holes_on_shapes_with_holes_at_and_away_from_the_frame() -> None:
    rng = np.random.default_rng(4)
    for _ in range(60):
        shape = (int(rng.integers(1, 50)), int(rng.integers(1, 50)))
        mask = ndimage.gaussian_filter(rng.random(shape), rng.uniform(0.8, 2.5)) > rng.uniform(0.35, 0.65)
        assert (holes_filled(mask) == ndimage.binary_fill_holes(mask)).all()
    ring = np.zeros((9, 9), dtype=bool)
    ring[2:7, 2:7] = True
    ring[4, 4] = False  # a hole
    assert holes_filled(ring)[4, 4]
    open_ring = ring.copy()
    open_ring[4, 2:5] = False  # the hole opened to the outside: not a hole any more
    assert not holes_filled(open_ring)[4, 4]
    diagonal = np.zeros((5, 5), dtype=bool)
    diagonal[1, 2] = diagonal[2, 1] = diagonal[2, 3] = diagonal[3, 2] = True
    assert holes_filled(diagonal)[2, 2]  # held in by four pixels: 4-connected, the centre cannot leave
    assert not holes_filled(np.zeros((4, 4), dtype=bool)).any()
    edge = np.ones((6, 6), dtype=bool)
    edge[0, 3] = False  # a notch on the frame is no hole
    assert not holes_filled(edge)[0, 3]


def test_no_iteration_leaves_the_mask_as_it_is() -> None:
    select = np.zeros((9, 9), dtype=bool)
    select[3:6, 2:7] = True
    assert np.array_equal(dilated(select, 0), select)
    assert np.array_equal(eroded(select, 0), select)
