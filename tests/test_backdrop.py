"""The edge-connected backdrop region: the scanline fill agrees with a pixel flood fill on any mask."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from artpipe.imaging.backdrop import edge_connected


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
