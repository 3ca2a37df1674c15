"""Photoshop vector shapes that artpipe draws itself: one closed rectangle or ellipse filled with one colour,
without stroke or effects. Anything else stays fixed art (the shape's pixels as Photoshop composites them)."""

from __future__ import annotations

from typing import Any

from psd_tools.api.layers import ShapeLayer
from psd_tools.constants import Tag
from psd_tools.psd.vector import Subpath

from artpipe.defaults import settings
from artpipe.psdimport.pieces import Rect, ShapeSpec


def _fill(layer: ShapeLayer) -> str | None:
    """The layer's solid fill colour as "#rrggbb", or None for a gradient, pattern or no fill."""
    data: Any = layer.tagged_blocks.get_data(Tag.SOLID_COLOR_SHEET_SETTING)
    color = data.get(b"Clr ") if data is not None else None
    if color is None or getattr(color, "classID", b"") != b"RGBC":
        return None  # a CMYK, Lab or greyscale swatch, or a fill artpipe has no word for
    try:
        r, g, b = (max(0, min(255, round(float(color[k])))) for k in (b"Rd  ", b"Grn ", b"Bl  "))
    except (KeyError, TypeError, ValueError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def _drawn(layer: ShapeLayer, fill: str, box: tuple[float, float, float, float]) -> str:
    """The colour Photoshop drew the shape in: its own pixels at the shape's centre when it saved them, else
    ``fill``. A document with a colour profile stores the fill swatch in other numbers than the pixels it drew
    and its merged image show (a real file's yellow: swatch #f9ed34, pixels #feee00). Photoshop flags a
    shape's pixels "irrelevant" even then, so the flag is not asked."""
    pixels = layer.topil()
    if pixels is None:
        return fill
    x = round((box[0] + box[2]) / 2) - layer.left
    y = round((box[1] + box[3]) / 2) - layer.top
    if not (0 <= x < pixels.width and 0 <= y < pixels.height):
        return fill
    value = pixels.convert("RGBA").getpixel((x, y))
    if not isinstance(value, tuple) or value[3] != 255:
        return fill
    return f"#{value[0]:02x}{value[1]:02x}{value[2]:02x}"


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= settings().psd.shape_tolerance_px


def read_shape(layer: ShapeLayer, size: tuple[int, int], origin: tuple[int, int]) -> tuple[ShapeSpec, Rect] | None:
    """A rectangle or ellipse with a plain fill, and its box on the size's canvas; None when it is anything else.
    ``size`` is the document's (knots are stored as fractions of it)."""
    mask = layer.vector_mask
    if mask is None or layer.has_effects() or (layer.stroke is not None and layer.stroke.enabled):
        return None
    paths = [p for p in mask.paths if isinstance(p, Subpath)]
    fill = _fill(layer)
    if fill is None or len(paths) != 1 or len(paths[0]) != 4 or not paths[0].is_closed():
        return None
    w, h = size
    knots = [((k.preceding[1] * w, k.preceding[0] * h), (k.anchor[1] * w, k.anchor[0] * h),
              (k.leaving[1] * w, k.leaving[0] * h)) for k in paths[0]]
    xs = [a[0] for _, a, _ in knots]
    ys = [a[1] for _, a, _ in knots]
    corners = all(_near(p[0], a[0]) and _near(p[1], a[1]) and _near(q[0], a[0]) and _near(q[1], a[1])
                  for p, a, q in knots)
    box = (min(xs), min(ys), max(xs), max(ys))
    if corners and all((_near(x, box[0]) or _near(x, box[2])) and (_near(y, box[1]) or _near(y, box[3]))
                       for x, y in zip(xs, ys, strict=True)):
        kind = "rect"
    elif not corners and sorted(round(x) for x in xs).count(round((box[0] + box[2]) / 2)) == 2 \
            and sorted(round(y) for y in ys).count(round((box[1] + box[3]) / 2)) == 2:
        # four smooth knots at the middles of the sides: an ellipse's box is the extent of its anchors
        kind = "ellipse"
    else:
        return None
    ox, oy = origin
    rect = (round(box[0]) - ox, round(box[1]) - oy, round(box[2]) - ox, round(box[3]) - oy)
    return ShapeSpec(kind, _drawn(layer, fill, box)), rect
