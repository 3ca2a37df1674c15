"""Masks grown and shrunk by shifted ORs and ANDs (artpipe/imaging/morphology.py) give exactly what scipy's
binary morphology and Pillow's MaxFilter give: pieces against every side of the frame, one pixel thin lines,
single pixels, random shapes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter
from scipy import ndimage

from artpipe.imaging.morphology import dilated, eroded, near


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
