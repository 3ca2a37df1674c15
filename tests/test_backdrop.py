"""The edge-connected backdrop region: the scanline fill agrees with a pixel flood fill on any mask."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter

from artpipe.imaging.backdrop import edge_connected, grown


def flood_reference(near: Image.Image) -> Image.Image:
    """Pillow's pixel-by-pixel flood fill from a 255 frame around the mask (4-connected)."""
    framed = Image.new("L", (near.width + 2, near.height + 2), 255)
    framed.paste(near, (1, 1))
    ImageDraw.floodfill(framed, (0, 0), 128, thresh=0)
    return framed.crop((1, 1, near.width + 1, near.height + 1)).point(lambda v: 255 if v == 128 else 0)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.floats(0.05, 0.95), st.randoms(use_true_random=False))
def test_scanline_fill_matches_a_flood_fill(w: int, h: int, density: float, rnd: object) -> None:
    near = Image.new("L", (w, h))
    near.putdata([255 if rnd.random() < density else 0 for _ in range(w * h)])  # type: ignore[attr-defined]
    assert edge_connected(near).tobytes() == flood_reference(near).tobytes()


def test_a_cutouts_own_shadow_is_left_out_on_white() -> None:
    # A merchant's cut-out carries a soft grey ellipse under the product (see-through, away from its body):
    # on a white-background layer it goes entirely, not just its faintest part; the product's soft edge stays.
    from PIL import ImageDraw, ImageFilter

    from artpipe.imaging.backdrop import clear_faint

    im = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    shadow = Image.new("L", im.size, 0)
    ImageDraw.Draw(shadow).ellipse((90, 330, 310, 380), fill=140)
    im.paste(Image.new("RGBA", im.size, (60, 60, 60, 255)), (0, 0), shadow.filter(ImageFilter.GaussianBlur(4)))
    body = Image.new("L", (1600, 1600), 0)
    ImageDraw.Draw(body).rounded_rectangle((562, 200, 1040, 1360), 80, fill=255)
    body = body.resize((400, 400), Image.Resampling.BOX)  # an anti-aliased edge
    im.paste(Image.new("RGBA", im.size, (30, 140, 60, 255)), (0, 0), body)
    cleared = clear_faint(im, 28).getchannel("A")
    assert cleared.getpixel((110, 355)) == 0  # the shadow beside the base
    assert cleared.getpixel((200, 200)) == 255  # the body
    assert 0 < cleared.getpixel((140, 200)) < 255  # its anti-aliased edge stays soft
    assert im.getchannel("A").getpixel((110, 355)) > 60  # the cut-out did carry it


def test_a_cutouts_soft_outline_is_kept_whole_on_white() -> None:
    # A model's mask holds a product's outline at 94% for a few pixels before it drops (the guided filter's
    # ramp), and its outermost pixels are faint on white: all of it is the product's edge. Clearing it as a
    # "shadow away from the body" or as faint cut teeth into a dark bag's smooth side once it was enlarged.
    from artpipe.imaging.backdrop import clear_faint

    im = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    navy = Image.new("RGBA", im.size, (30, 40, 90, 255))
    for radius, alpha in ((150, 40), (149, 120), (148, 240), (144, 255)):  # outermost first
        disc = Image.new("L", im.size, 0)
        ImageDraw.Draw(disc).ellipse((200 - radius, 200 - radius, 200 + radius, 200 + radius), fill=alpha)
        im.paste(navy, (0, 0), disc)
    before = im.getchannel("A")
    assert [before.getpixel((x, 200)) for x in range(344, 352)] == [255, 248, 248, 248, 248, 141, 40, 0]
    cleared = clear_faint(im, 28).getchannel("A")
    assert [cleared.getpixel((x, 200)) for x in range(344, 352)] == [255, 248, 248, 248, 248, 141, 40, 0]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.sampled_from([3, 5, 7, 9, 15]), st.floats(0.0, 0.6),
       st.randoms(use_true_random=False))
def test_a_mask_grown_by_a_box_blur_is_the_max_filters(w: int, h: int, size: int, density: float,
                                                       rnd: object) -> None:
    im = Image.new("L", (w, h), 0)
    im.putdata([255 if rnd.random() < density else 0 for _ in range(w * h)])  # type: ignore[attr-defined]
    assert grown(im, size).tobytes() == im.filter(ImageFilter.MaxFilter(size)).tobytes()
