"""Subject box and backdrop (artpipe/imaging/analyze.py): pure functions on small synthetic pictures."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.analyze import (
    as_rgb,
    border_color,
    border_white_share,
    box_reduced,
    find_subject,
    framed_photo,
    ink,
    off_backdrop_share,
    reduced,
    scale_box,
    shrunk,
    visible_box,
    whole_factor,
)

from conftest import grain

GREY = (236, 234, 230)


def product_on(backdrop: tuple[int, int, int], size: tuple[int, int] = (400, 300),
               box: tuple[int, int, int, int] = (100, 80, 260, 220)) -> Image.Image:
    im = Image.new("RGB", size, backdrop)
    ImageDraw.Draw(im).rectangle(box, fill=(40, 90, 170))
    return im


@pytest.mark.parametrize("size", [(4032, 3024), (1025, 7), (7, 3000), (300, 200)])
def test_a_shrunk_copy_has_the_size_every_caller_computes(size: tuple[int, int]) -> None:
    im = Image.new("RGB", size, (10, 20, 30))
    small = shrunk(im, 1024)
    k = min(1.0, 1024 / max(size))
    assert small.size == (max(1, round(size[0] * k)), max(1, round(size[1] * k)))
    assert small.getpixel((0, 0)) == (10, 20, 30)


@pytest.mark.parametrize(("box", "fx", "fy", "expected"), [
    ((10, 20, 30, 40), 2.0, 2.0, (20, 40, 60, 80)),
    ((10, 20, 31, 41), 1.5, 1.5, (15, 30, 47, 62)),       # the far edges round outward: nothing is cut
    ((0, 0, 100, 100), 4.0, 4.0, (0, 0, 300, 300)),       # clamped to the frame
])
def test_scale_box_rounds_outward_and_stays_inside(box: tuple[int, int, int, int], fx: float, fy: float,
                                                   expected: tuple[int, int, int, int]) -> None:
    assert scale_box(box, fx, fy, 300, 300) == expected


def test_an_rgba_picture_reduced_band_by_band_is_pillows_reduce() -> None:
    im = grain((301, 517), 60).convert("RGBA")
    im.putalpha(grain((301, 517), 90, seed=1).convert("L"))
    for factor in (1, 2, 3, 7):
        ours = reduced(im, factor)
        assert ours.size == im.reduce(factor).size
        assert ImageChops.difference(ours, im.reduce(factor)).getbbox() is None, factor


def test_shrunk_keeps_a_small_picture_itself() -> None:
    im = Image.new("RGB", (300, 200))
    assert shrunk(im, 300) is im


def test_the_border_is_read_as_one_strip() -> None:
    im = Image.new("RGB", (10, 6), (255, 255, 255))
    assert border_white_share(im) == 1.0
    im.putpixel((0, 0), (254, 255, 255))  # a corner is counted twice: on the top row and the left column
    assert border_white_share(im) == pytest.approx(1 - 2 / 32)
    assert border_color(product_on(GREY)) == (GREY, 0.0)
    _, spread = border_color(grain((64, 64), 40).convert("RGB"))
    assert spread > 24


def test_ink_marks_what_differs_from_the_backdrop_in_any_channel() -> None:
    im = Image.new("RGB", (3, 1), (100, 100, 100))
    im.putpixel((1, 0), (100, 100, 129))  # one channel 29 away
    im.putpixel((2, 0), (128, 72, 128))   # 28 away at most
    marks = ink(im, (100, 100, 100), 28)
    assert [marks.getpixel((x, 0)) for x in range(3)] == [0, 255, 0]


def test_the_subject_of_a_plain_backdrop_photo_is_the_product_and_the_backdrop_its_colour() -> None:
    box, backdrop = find_subject(product_on(GREY), rules=settings().analyze)
    assert backdrop == GREY
    left, top, right, bottom = box
    assert 96 <= left <= 100
    assert 76 <= top <= 80
    assert 261 <= right <= 265  # the box is exclusive: the rectangle's last column is 260
    assert 221 <= bottom <= 225


def test_a_cut_out_is_boxed_by_its_alpha_exactly_and_a_busy_scene_is_the_whole_frame() -> None:
    cut = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    cut.paste((1, 2, 3, 255), (17, 23, 211, 101))
    cut.putpixel((300, 200), (9, 9, 9, 8))  # alpha 8: transparent by the threshold
    assert find_subject(cut, rules=settings().analyze) == ((17, 23, 211, 101), None)
    assert find_subject(grain((200, 100), 50).convert("RGB"), rules=settings().analyze) == ((0, 0, 200, 100), None)
    # nothing stands out
    assert find_subject(Image.new("RGB", (50, 40), GREY), rules=settings().analyze) == ((0, 0, 50, 40), GREY)


def test_the_visible_box_is_what_shows_on_white() -> None:
    cut = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    cut.paste((250, 250, 250, 255), (10, 10, 190, 190))  # near white: vanishes on a white page
    cut.paste((200, 0, 0, 255), (50, 60, 70, 80))
    assert visible_box(cut, None, 28) == (50, 60, 70, 80)
    mask = Image.new("L", (200, 200), 0)
    assert visible_box(cut, mask, 28) is None  # a mask that hides everything
    assert visible_box(product_on((255, 255, 255)), None, 28) == (100, 80, 261, 221)


def _visible_on_the_whole_frame(im: Image.Image, mask: Image.Image, tolerance: int, max_side: int,
                                backdrop: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """visible_box as a check sees it, on the whole frame: the picture put on the backdrop, then its ink."""
    small = as_rgb(shrunk(im, max_side))
    flat = Image.new("RGB", small.size, backdrop)
    flat.paste(small, (0, 0), shrunk(mask, max_side))
    box = ink(flat, backdrop, tolerance).getbbox()
    return scale_box(box, im.width / small.width, im.height / small.height, *im.size) if box else None


@pytest.mark.parametrize("seed", range(12))
def test_the_visible_box_looked_for_within_the_alpha_is_the_whole_frames(seed: int) -> None:
    """Only the alpha's box is put on white and looked at: the same box as the whole frame gives, for a
    product anywhere (against an edge too), reduced or not, on white or a light backdrop."""
    import numpy as np

    rng = np.random.default_rng(seed)
    w, h = int(rng.integers(40, 300)), int(rng.integers(40, 300))
    photo = Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")
    mask = Image.new("L", (w, h), 0)
    x0, y0 = int(rng.integers(-20, w - 10)), int(rng.integers(-20, h - 10))
    ImageDraw.Draw(mask).ellipse((x0, y0, x0 + int(rng.integers(5, w)), y0 + int(rng.integers(5, h))),
                                 fill=int(rng.integers(1, 256)))
    backdrop = (255, 255, 255) if seed % 2 else (232, 230, 228)
    side = 1024 if seed % 3 else 64  # reduced first, or not
    whole = _visible_on_the_whole_frame(photo, mask, 28, side, backdrop)
    assert visible_box(photo, mask, 28, side, backdrop) == whole
    cut = photo.copy()
    cut.putalpha(mask)
    assert visible_box(cut, None, 28, side, backdrop) == whole
    assert visible_box(photo, Image.new("L", (w, h), 0), 28, side, backdrop) is None


def test_off_backdrop_share_counts_only_inside_the_region() -> None:
    im = Image.new("RGB", (100, 100), GREY)
    im.paste((90, 90, 90), (0, 80, 100, 100))  # a dark floor under the bottom fifth
    region = Image.new("L", (100, 100), 255)
    assert off_backdrop_share(im, region, GREY, 28) == pytest.approx(0.2)
    top_only = Image.new("L", (50, 50), 0)
    top_only.paste(255, (0, 0, 50, 25))  # a region at half size: the picture is reduced to it
    assert off_backdrop_share(im, top_only, GREY, 28) == 0.0


def test_a_photo_in_a_white_frame_is_framed_and_a_rounded_product_is_not() -> None:
    photo = Image.new("RGB", (400, 400), (255, 255, 255))
    photo.paste(grain((300, 300), 50).convert("RGB"), (50, 50))
    framed, seen = framed_photo(photo, 28)
    assert framed
    assert seen.startswith("4 square corner(s)")
    bottle = Image.new("RGB", (400, 400), (255, 255, 255))
    ImageDraw.Draw(bottle).rounded_rectangle((120, 40, 280, 360), radius=60, fill=(30, 120, 60))
    framed, seen = framed_photo(bottle, 28)
    assert not framed
    assert seen.startswith("0 square corner(s)")
    assert framed_photo(Image.new("RGB", (50, 50), (255, 255, 255)), 28) == (False, "nothing but white")
    dot = Image.new("RGB", (50, 50), (255, 255, 255))
    dot.paste((0, 0, 0), (10, 10, 14, 14))
    assert framed_photo(dot, 28) == (False, "a tiny mark")


def test_as_rgb_reads_an_rgb_image_as_it_is_and_converts_others() -> None:
    rgb = Image.new("RGB", (3, 3), (1, 2, 3))
    assert as_rgb(rgb) is rgb  # no 16 MB copy of a 2000 px output per rule
    rgba = Image.new("RGBA", (3, 3), (1, 2, 3, 128))
    out = as_rgb(rgba)
    assert out.mode == "RGB"
    assert out.getpixel((0, 0)) == (1, 2, 3)


@pytest.mark.parametrize(("size", "side", "factor"), [
    ((4032, 3024), 1024, 4),  # 1008 px: 63/64 of the side, the copy is the reduction itself
    ((1008, 756), 512, 2),  # the work copy's cleaning copy: 504 px
    ((1024, 768), 512, 2),  # exactly half
    ((1920, 1080), 1024, 1),  # 960 px would keep only 15/16: resampled to the side instead
    ((4000, 3000), 1024, 1),  # 1000 px: 0.977 of it
    ((800, 600), 1024, 1),  # small already
])
def test_a_whole_reduction_stands_for_the_side_only_when_it_keeps_nearly_all_of_it(
        size: tuple[int, int], side: int, factor: int) -> None:
    assert whole_factor(size, side) == factor


def test_a_box_reduction_by_a_whole_factor_is_image_reduce_within_a_level_of_box_resampling() -> None:
    import numpy as np

    im = Image.effect_noise((1008, 756), 60)
    got = box_reduced(im, (504, 378))
    assert got.tobytes() == im.reduce(2).tobytes()
    # Pillow's box resampling rounds its fixed-point weights apart from reduce's sums: a level at most
    resampled = np.asarray(im.resize((504, 378), Image.Resampling.BOX)).astype(int)
    assert np.abs(np.asarray(got).astype(int) - resampled).max() <= 1
    assert box_reduced(im, im.size) is im
    odd = box_reduced(im, (500, 375))  # no whole factor gives this size: resampled
    assert odd.tobytes() == im.resize((500, 375), Image.Resampling.BOX).tobytes()
