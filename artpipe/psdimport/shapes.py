"""Photoshop vector shapes that artpipe draws itself: one closed rectangle, rounded rectangle (one radius) or
ellipse, filled with one colour or not filled, with or without one plain solid stroke, and without effects.
Anything else stays fixed art (the shape's pixels as Photoshop composites them)."""

from __future__ import annotations

from typing import Any

from psd_tools.api.layers import ShapeLayer
from psd_tools.constants import Tag
from psd_tools.psd.vector import Subpath

from artpipe.psdimport.pieces import Rect, ShapeSpec

Bounds = tuple[float, float, float, float]  # left, top, right, bottom in document pixels
# Photoshop's live shape kinds (the vogk origination record's keyOriginType) that artpipe draws
ORIGIN_KINDS = {1: "rect", 2: "rounded", 5: "ellipse"}
# How far a stroke reaches outside the path, as a share of its width, by its alignment
STROKE_OUTSIDE = {"INNER": 0.0, "CENTER": 0.5, "OUTER": 1.0}


def _rgb(color: Any) -> str | None:
    """A colour descriptor as "#rrggbb"; None for a CMYK, Lab or greyscale swatch artpipe has no word for."""
    if color is None or getattr(color, "classID", b"") != b"RGBC":
        return None
    try:
        r, g, b = (max(0, min(255, round(float(color[k])))) for k in (b"Rd  ", b"Grn ", b"Bl  "))
    except (KeyError, TypeError, ValueError):
        return None
    return f"#{r:02x}{g:02x}{b:02x}"


def _fill(layer: ShapeLayer) -> str | None:
    """The layer's solid fill colour as "#rrggbb", or None for a gradient, pattern or no fill."""
    data: Any = layer.tagged_blocks.get_data(Tag.SOLID_COLOR_SHEET_SETTING)
    return _rgb(data.get(b"Clr ") if data is not None else None)


def _drawn(layer: ShapeLayer, fill: str, box: Bounds) -> str:
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


def _from_knots(paths: list[Subpath], size: tuple[int, int], tolerance_px: float) -> tuple[str, Bounds, float] | None:
    """A rectangle (four corner knots) or an ellipse (four smooth knots at the middles of its sides) read from
    the vector path itself; ``size`` is the document's (knots are stored as fractions of it), ``tolerance_px``
    how near a knot must be to a corner."""
    if len(paths) != 1 or len(paths[0]) != 4 or not paths[0].is_closed():
        return None

    def _near(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance_px

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
        return "rect", box, 0.0
    if not corners and sorted(round(x) for x in xs).count(round((box[0] + box[2]) / 2)) == 2 \
            and sorted(round(y) for y in ys).count(round((box[1] + box[3]) / 2)) == 2:
        return "ellipse", box, 0.0  # an ellipse's box is the extent of its anchors
    return None


def _from_origin(layer: ShapeLayer, paths: list[Subpath], size: tuple[int, int], tolerance_px: float
                 ) -> tuple[str, Bounds, float] | None:
    """The live shape Photoshop CC records beside the path (a rounded rectangle's radii are only there), when it
    is one rectangle, rounded rectangle with one radius, or ellipse, and still matches the path (a path edited
    after drawing invalidates the record)."""
    found = layer.origination
    if len(found) != 1 or found[0].invalidated or found[0].origin_type not in ORIGIN_KINDS:
        return None
    live = found[0]
    box = tuple(float(v) for v in live.bbox)
    w, h = size
    anchors = [(k.anchor[1] * w, k.anchor[0] * h) for path in paths for k in path]
    if len(paths) != 1 or not anchors or not all(abs(a - b) <= tolerance_px for a, b in zip(
            (min(x for x, _ in anchors), min(y for _, y in anchors), max(x for x, _ in anchors),
             max(y for _, y in anchors)), box, strict=True)):
        return None
    kind = ORIGIN_KINDS[live.origin_type]
    radius = 0.0
    if kind == "rounded":
        given: Any = getattr(live, "radii", None) or {}  # only a rounded rectangle's record has radii
        radii = {float(v) for k, v in given.items() if k != b"unitValueQuadVersion"}
        if len(radii) != 1:
            return None  # corners of different radii: artpipe draws one radius
        radius = radii.pop()
        kind = "rounded" if radius > 0 else "rect"
    return kind, (box[0], box[1], box[2], box[3]), radius


def _stroke(layer: ShapeLayer) -> tuple[str, float, float] | None | bool:
    """(colour, width, how far out of the path) of a plain solid stroke; None for no stroke; False for a stroke
    artpipe does not draw (dashed, a gradient, not opaque, a blend mode)."""
    stroke = layer.stroke
    if stroke is None or not stroke.enabled:
        return None
    content: Any = stroke.content
    color = _rgb(content.get(b"Clr ") if hasattr(content, "get") else None)
    outside = STROKE_OUTSIDE.get(getattr(stroke.line_alignment, "name", ""))
    width = float(stroke.line_width or 0)
    if color is None or outside is None or (stroke.opacity or 0) < 100 or list(stroke.line_dash_set or []) or \
            getattr(stroke.blend_mode, "name", "NORMAL") != "NORMAL" or width <= 0:
        return False
    return color, width, outside * width


def read_shape(layer: ShapeLayer, size: tuple[int, int], origin: tuple[int, int], tolerance_px: float
               ) -> tuple[ShapeSpec, Rect] | None:
    """A rectangle, rounded rectangle or ellipse with a plain fill or stroke, and its box on the size's canvas
    (the stroke's reach included: artpipe draws a stroke inside its box); None when it is anything else.
    ``size`` is the document's (knots are stored as fractions of it); ``tolerance_px`` how near a knot must
    be to a rectangle's or ellipse's (``psd.shape_tolerance_px``)."""
    mask = layer.vector_mask
    if mask is None or layer.has_effects():
        return None
    paths = [p for p in mask.paths if isinstance(p, Subpath)]
    stroke = _stroke(layer)
    if stroke is False:
        return None
    filled = not (stroke and layer.stroke is not None and not layer.stroke.fill_enabled)
    fill = _fill(layer) if filled else None
    if (filled and fill is None) or (not filled and not stroke):
        return None
    found = _from_origin(layer, paths, size, tolerance_px) or _from_knots(paths, size, tolerance_px)
    if found is None:
        return None
    kind, box, radius = found
    out = stroke[2] if isinstance(stroke, tuple) else 0.0
    ox, oy = origin
    rect = (round(box[0] - out) - ox, round(box[1] - out) - oy, round(box[2] + out) - ox, round(box[3] + out) - oy)
    spec = ShapeSpec(kind, _drawn(layer, fill, box) if fill else None, round(radius + out, 2) if radius else 0.0,
                     stroke[0] if isinstance(stroke, tuple) else None,
                     round(stroke[1]) if isinstance(stroke, tuple) else 0)
    return spec, rect
