"""Input quality warnings (artpipe/imaging/quality.py): too small, blurry, too dark."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFilter

from artpipe.imaging.quality import assess, edge_strength
from artpipe.reasons import Note, WarningKind

LIMITS = {"min_side": 800, "blur_edge": 14, "dark_mean": 45}


def white_mug_on_off_white() -> Image.Image:
    """A white product on an off-white backdrop with a shaded outline: sharp, light, 400 x 300."""
    im = Image.new("RGB", (400, 300), (236, 234, 230))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((120, 60, 280, 250), radius=20, fill=(250, 250, 250), outline=(170, 170, 172), width=4)
    d.ellipse((130, 255, 270, 275), fill=(200, 198, 194))
    return im


def test_quality_warnings() -> None:
    sharp = white_mug_on_off_white()
    assert assess(sharp, size=(4000, 3000), min_side=800, blur_edge=14, dark_mean=45) == ()
    assert assess(sharp, size=(400, 300), min_side=800, blur_edge=14, dark_mean=45) == \
        (Note(WarningKind.LOW_RESOLUTION, "400x300<800"),)
    soft = sharp.filter(ImageFilter.GaussianBlur(4))
    assert edge_strength(soft) < 14 <= edge_strength(sharp)
    assert any(w.kind == WarningKind.BLURRY for w in assess(soft, size=(4000, 3000), min_side=800, blur_edge=14,
                                                        dark_mean=45))
    dark = Image.eval(sharp, lambda v: v // 8)
    assert any(w.kind == WarningKind.DARK for w in assess(dark, size=(4000, 3000), min_side=800, blur_edge=14,
                                                      dark_mean=45))


@pytest.mark.parametrize("colour", [(0, 0, 0), (128, 128, 128), (255, 255, 255)])
def test_flat_images_are_not_blurry(colour: tuple[int, int, int]) -> None:
    flat = Image.new("RGB", (300, 300), colour)
    assert not any(w.kind == WarningKind.BLURRY for w in assess(flat, size=(3000, 3000), min_side=800, blur_edge=14,
                                                            dark_mean=45))


def test_low_resolution_is_judged_on_the_files_real_size_not_the_decoded_copy() -> None:
    small_copy = white_mug_on_off_white().resize((100, 75))
    assert Note(WarningKind.LOW_RESOLUTION, "400x300<800") in assess(small_copy, size=(400, 300), **LIMITS)
    assert not any(w.kind == WarningKind.LOW_RESOLUTION for w in assess(small_copy, size=(800, 600), **LIMITS))


def test_a_dark_product_is_dark_and_its_transparent_surroundings_do_not_count() -> None:
    cut = Image.new("RGBA", (200, 200), (0, 0, 0, 0))  # black under the transparency
    ImageDraw.Draw(cut).rectangle((50, 50, 150, 150), fill=(230, 230, 230, 255), outline=(90, 90, 90, 255))
    assert assess(cut, size=(2000, 2000), **LIMITS) == ()  # a light product: neither dark nor blurry
    night = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(night).rectangle((50, 50, 150, 150), fill=(20, 20, 20, 255), outline=(200, 200, 200, 255))
    dark = [w for w in assess(night, size=(2000, 2000), **LIMITS) if w.kind == WarningKind.DARK]
    assert len(dark) == 1
    assert dark[0].value.startswith("mean_")
    assert dark[0].value.endswith("<45")


def test_a_wholly_transparent_picture_is_not_dark() -> None:
    empty = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    assert not any(w.kind == WarningKind.DARK for w in assess(empty, size=(2000, 2000), **LIMITS))


def test_edge_strength_of_a_hard_black_white_edge_is_high_and_of_a_too_small_image_is_sharp() -> None:
    half = Image.new("L", (64, 64), 0)
    half.paste(255, (32, 0, 64, 64))
    assert edge_strength(half) == 128  # |Laplacian| is clipped at 128 by the kernel's offset
    assert edge_strength(Image.new("L", (2, 2), 0)) == 255  # nothing to measure: never called blurry
