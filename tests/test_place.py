from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from artpipe.imaging.place import (
    crop_to_subject,
    extend_edges,
    fitted,
    matte_from_photo,
    rounded_mask,
    subject_window,
)


@pytest.mark.parametrize(("padding", "expected"), [(0.0, (100, 50)), (0.1, (120, 60)), (1.0, (200, 100))])
def test_crop_to_subject_keeps_padding_and_stays_in_frame(padding: float, expected: tuple[int, int]) -> None:
    im = Image.new("RGB", (200, 100))
    assert crop_to_subject(im, (50, 25, 150, 75), padding).size == expected


@pytest.mark.parametrize(("fit", "size"), [("contain", (100, 50)), ("cover", (100, 100)), ("fill", (100, 100))])
def test_fitted_sizes(fit: str, size: tuple[int, int]) -> None:
    assert fitted(Image.new("RGB", (400, 200)), 100, 100, fit, (0.5, 0.5)).size == size


def test_cover_crops_around_the_focus() -> None:
    im = Image.new("RGB", (400, 100), (255, 255, 255))
    im.paste((255, 0, 0), (300, 0, 400, 100))  # the product sits at the right end
    out = fitted(im, 100, 100, "cover", (0.875, 0.5))
    assert out.getpixel((50, 50)) == (255, 0, 0)
    assert fitted(im, 100, 100, "cover", (0.5, 0.5)).getpixel((50, 50)) == (255, 255, 255)


def test_extend_edges_continues_a_gradient_backdrop() -> None:
    pic = Image.linear_gradient("L").resize((60, 60)).convert("RGBA")  # a vertical sweep, black to white
    out = extend_edges(pic, 200, 100, 70, 20, (128, 128, 128), tolerance=255)
    # to the left and right, each row continues the sweep at that height
    for y in (25, 50, 75):
        assert abs(out.getpixel((5, y))[0] - pic.getpixel((0, y - 20))[0]) <= 12
        assert abs(out.getpixel((195, y))[0] - pic.getpixel((59, y - 20))[0]) <= 12


def test_extend_edges_never_smears_the_product() -> None:
    pic = Image.new("RGBA", (60, 60), (240, 240, 240, 255))
    ImageDraw.Draw(pic).rectangle((30, 10, 59, 50), fill=(200, 0, 0, 255))  # product touches the right edge
    out = extend_edges(pic, 200, 100, 70, 20, (240, 240, 240), tolerance=20)
    assert out.getpixel((190, 50)) == (240, 240, 240, 255)   # right: plain backdrop, not red streaks
    assert out.getpixel((10, 50))[:3] == (240, 240, 240)       # left: continued backdrop


def test_rounded_mask_is_anti_aliased() -> None:
    mask = rounded_mask(100, 60, 20)
    assert mask.getpixel((0, 0)) == 0
    assert mask.getpixel((50, 30)) == 255
    corner = mask.crop((0, 0, 20, 20)).getcolors(256) or []
    assert any(0 < value < 255 for _, value in corner)  # a soft, not jagged, edge


def test_cover_moves_the_window_to_hold_the_product() -> None:
    from artpipe.imaging.place import cover_subject
    im = Image.new("RGB", (800, 200), (240, 240, 240))
    ImageDraw.Draw(im).rectangle((600, 20, 790, 180), fill=(200, 0, 0))  # product near the right edge
    out = cover_subject(im, 200, 200, (600, 20, 791, 181), (240, 240, 240), 20)
    assert out.size == (200, 200)
    product = out.convert("RGB").split()[1].point(lambda g: 255 if g < 100 else 0)  # red: no green
    box = product.getbbox()
    assert box is not None
    assert box[0] > 0
    assert box[2] < 200  # the whole product is in view, not cut at either side


def test_cover_zooms_out_when_the_product_is_too_big() -> None:
    from artpipe.imaging.place import cover_subject
    im = Image.new("RGB", (800, 200), (240, 240, 240))
    ImageDraw.Draw(im).rectangle((100, 20, 700, 180), fill=(200, 0, 0))  # wider than any square window
    out = cover_subject(im, 200, 200, (100, 20, 701, 181), (240, 240, 240), 20).convert("RGB")
    assert out.getpixel((100, 100)) == (200, 0, 0)
    for xy in ((2, 100), (100, 10), (100, 190)):  # backdrop continued left, above and below, not product
        pixel = out.getpixel(xy)
        assert isinstance(pixel, tuple)
        assert max(abs(a - 240) for a in pixel) <= 15, xy


def test_cover_follows_a_focus_but_keeps_the_product() -> None:
    from artpipe.imaging.place import cover_subject
    im = Image.new("RGB", (800, 200), (240, 240, 240))
    ImageDraw.Draw(im).rectangle((350, 50, 450, 150), fill=(200, 0, 0))  # product in the middle
    ImageDraw.Draw(im).rectangle((0, 0, 20, 200), fill=(0, 0, 200))      # a blue post at the far left
    left = cover_subject(im, 200, 200, (350, 50, 451, 151), (240, 240, 240), 20, focus=(0.0, 0.5))
    # the window moves left as far as it can while still holding the whole product: x = 451 - 200 = 251
    assert left.getpixel((199, 100)) == (200, 0, 0)  # the product's right edge, at x 450, ends the window
    assert left.getpixel((98, 100)) == (240, 240, 240)  # its left edge, at x 350, is 99 px in
    assert left.getpixel((50, 100)) == (240, 240, 240)  # not at the post: that would cut the product


def gradient_photo() -> Image.Image:
    """A 400x600 studio shot: a backdrop sweeping from 185 (top) to 135 (bottom) grey, a product touching the
    sides of its own box."""
    im = Image.linear_gradient("L").resize((400, 600)).point(lambda v: 185 - v * 50 // 255).convert("RGB")
    im.paste((30, 140, 60), (150, 100, 250, 500))
    return im


def test_a_trimmed_photo_on_an_auto_matte_shows_its_own_surroundings() -> None:
    im = gradient_photo()
    window = subject_window(im.size, (150, 100, 250, 500), 0.0)
    pic = im.crop(window)  # 100 x 400, shown at scale 1 in the middle of a 500 x 500 card
    card = matte_from_photo(im, window, pic.size, 500, 500, 200, 50, (160, 160, 160), 28).convert("RGB")
    # card (x, y) shows photo (x - 50, y + 50): the real backdrop beside the product, not a flat colour
    for x, y in [(60, 300), (140, 300), (400, 120), (300, 480)]:
        expected = im.getpixel((x - 50, y + 50))[0]
        assert abs(card.getpixel((x, y))[0] - expected) <= 3
    # beyond the photo (its left 50 px of the card) its edge is continued: no band where the photo ends
    assert abs(card.getpixel((10, 300))[0] - card.getpixel((60, 300))[0]) <= 3
    assert card.getpixel((250, 250)) == (30, 140, 60)  # the product in place
    # what continuing the tight crop's edges alone gives: the product touches them, so flat backdrop bands
    flat = extend_edges(pic.convert("RGBA"), 500, 500, 200, 50, (160, 160, 160), 28).convert("RGB")
    assert abs(flat.getpixel((60, 480))[0] - im.getpixel((10, 530))[0]) > 12
