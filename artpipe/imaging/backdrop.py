"""Clean a plain backdrop to pure white without touching the product. Pure.

Only backdrop pixels connected to the frame's edge are whitened, so light parts inside the product (a
white mug's body, a label) stay as they are even when their colour is close to the backdrop's; a soft
ramp over the tolerance keeps edges and floor shadows natural instead of cut out.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw

_ANALYSIS_SIDE = 512
_CONNECTED = 128


def _distance(im: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    """Per-pixel max-channel distance from ``color`` (an L image)."""
    diff = ImageChops.difference(im, Image.new("RGB", im.size, color))
    r, g, b = diff.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def edge_connected(near: Image.Image) -> Image.Image:
    """Of the 255 pixels in ``near``, those reachable from the frame's edge (255), others 0."""
    framed = Image.new("L", (near.width + 2, near.height + 2), 255)
    framed.paste(near, (1, 1))
    ImageDraw.floodfill(framed, (0, 0), _CONNECTED, thresh=0)
    inner = framed.crop((1, 1, near.width + 1, near.height + 1))
    return inner.point(lambda v: 255 if v == _CONNECTED else 0)


def whiten(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int) -> Image.Image:
    """``im`` (RGB) with its edge-connected backdrop made pure white."""
    scale = min(1.0, _ANALYSIS_SIDE / max(im.size))
    small = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.BOX)
    near = _distance(small, backdrop).point(lambda v: 255 if v <= tolerance else 0)
    region = edge_connected(near).resize(im.size, Image.Resampling.BILINEAR)
    # Full strength up to half the tolerance, fading to nothing at the tolerance: soft edges, kept shadows.
    half = max(1, tolerance // 2)
    ramp = _distance(im, backdrop).point(lambda v: 255 if v <= half else max(0, 255 - (v - half) * 255 // half))
    alpha = ImageChops.multiply(region, ramp)
    return Image.composite(Image.new("RGB", im.size, (255, 255, 255)), im, alpha)
