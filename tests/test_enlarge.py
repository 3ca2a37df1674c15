"""A mask enlarged along its outline only (artpipe/imaging/enlarge.py): against Pillow's whole resize."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from artpipe.imaging.enlarge import MIN_PX, enlarged_mask


def _mask() -> Image.Image:
    """A 1008 x 756 product mask as the model path leaves it: a soft-edged mug with a handle (a hole the
    backdrop shows through), and a hard-edged block (0 beside 255, no soft pixel between)."""
    im = Image.new("L", (1008, 756), 0)
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((350, 150, 620, 640), radius=40, fill=255)
    d.ellipse((580, 260, 760, 470), outline=255, width=22)
    im = im.filter(ImageFilter.GaussianBlur(1.5))
    ImageDraw.Draw(im).rectangle((100, 600, 180, 700), fill=255)
    return im


@pytest.mark.parametrize(("box", "size"), [
    ((340.0, 140.0, 770.0, 650.0), (1290, 1530)),  # enlarged 3x, as a 12 MP product drawn at 1720 px
    ((90.0, 140.0, 775.0, 710.0), (1440, 1198)),  # the hard-edged block too, against the box's edges
    ((340.3, 140.7, 770.9, 650.2), (1720, 2038)),  # fractional box, enlarged 4x
    ((0.0, 0.0, 1008.0, 756.0), (1600, 1200)),  # the whole frame
])
def test_a_mask_enlarged_along_its_outline_is_the_whole_resize_within_a_level(
        box: tuple[float, float, float, float], size: tuple[int, int]) -> None:
    mask = _mask()
    whole = np.asarray(mask.resize(size, Image.Resampling.BILINEAR, box=box)).astype(int)
    got = np.asarray(enlarged_mask(mask, size, box)).astype(int)
    assert got.shape == whole.shape
    # each box is resampled from its own part of the source box (its coordinates rounded apart): a level
    assert np.abs(got - whole).max() <= 1
    assert (got != whole).mean() < 0.01
    # the cells filled are exact: far from the outline (beyond the cells resampled) nothing differs
    far = (whole == 0) | (whole == 255)
    assert (got[far] != whole[far]).mean() < 0.002


def test_a_small_or_much_enlarged_picture_is_the_whole_resize() -> None:
    mask = _mask()
    small = (300, 360)
    assert small[0] * small[1] < MIN_PX
    box = (340.0, 140.0, 770.0, 650.0)
    assert enlarged_mask(mask, small, box).tobytes() == mask.resize(small, Image.Resampling.BILINEAR,
                                                                      box=box).tobytes()
    far = (2000, 2000)  # 50 mask pixels to 2000: a mask pixel reaches beyond the next cell
    box = (400.0, 300.0, 450.0, 350.0)
    assert enlarged_mask(mask, far, box).tobytes() == mask.resize(far, Image.Resampling.BILINEAR,
                                                                    box=box).tobytes()
