"""Shape layers: rect, rounded rect, ellipse and corner ribbon, with an optional centred label (a badge)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from PIL import Image, ImageChops, ImageDraw

from artpipe.layers.base import (
    LoadContext,
    Placed,
    Scene,
    check_refs,
    gradient_fill,
    read_color,
    read_gradient,
    read_length,
    resolve_color,
)
from artpipe.layers.text import (
    STYLE_KEYS,
    TextStyle,
    draw_block,
    faces_used,
    layout_text,
    parse_style,
    resolved_style,
    setting_of,
)
from artpipe.reasons import Note, WarningKind
from artpipe.schema import Reader
from artpipe.template.fields import substitute
from artpipe.template.model import Gradient, Layer, Length, Rect

SHAPES = ("rect", "rounded", "ellipse", "ribbon", "burst")
CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
KEYS = ("shape", "fill", "stroke", "radius", "corner", "band", "points", "depth", "text", "padding",
        *(k for k in STYLE_KEYS if k != "color"), "text_color")
_SUPERSAMPLE = 4  # Pillow draws curves without anti-aliasing; draw big and shrink


@dataclass(frozen=True, kw_only=True)
class ShapeLayer(Layer):
    """A filled shape, optionally with a label fitted inside it."""

    shape: str = "rect"
    fill: str | None = "#ff3b30"
    fill_gradient: Gradient | None = None
    stroke: str | None = None
    stroke_width: int = 0
    radius: Length = Length(16)
    corner: str = "top-right"
    band: Length = Length(28, percent=True)
    points: int = 14  # a burst's number of points
    depth: float = 0.8  # a burst's inner radius as a fraction of its outer radius
    text: str = ""
    padding: Length = Length(10, percent=True)
    style: TextStyle = TextStyle()


def parse(reader: Reader, common: dict[str, object], ctx: LoadContext) -> ShapeLayer:
    """Read a shape layer's own keys."""
    stroke, stroke_width = None, 0
    s = reader.mapping("stroke")
    if s is not None:
        s.check_keys(("color", "width"))
        stroke = read_color(s, "color", ctx, "#000000")
        stroke_width = s.number("width", 2, minimum=0, maximum=200, integer=True)
    text = reader.text("text", "") or ""
    check_refs(reader, "text", text, ctx)
    fill, fill_gradient = _fill(reader, ctx)
    return ShapeLayer(
        **common,  # type: ignore[arg-type]
        shape=reader.choice("shape", SHAPES, "rect"), fill=fill, stroke=stroke, stroke_width=stroke_width,
        radius=read_length(reader, "radius", Length(16)) or Length(16),
        corner=reader.choice("corner", CORNERS, "top-right"),
        band=read_length(reader, "band", Length(28, percent=True)) or Length(28, percent=True),
        points=reader.number("points", 14, minimum=3, maximum=64, integer=True),
        depth=reader.number("depth", 0.8, minimum=0.2, maximum=0.98),
        fill_gradient=fill_gradient,
        text=text, padding=read_length(reader, "padding", Length(10, percent=True)) or Length(10, percent=True),
        style=parse_style(reader, ctx, color_key="text_color", align="center", valign="middle", effects=False),
    )


def _fill(reader: Reader, ctx: LoadContext) -> tuple[str | None, Gradient | None]:
    """``fill``: a colour, ``null`` for none, or ``{gradient: {...}}``."""
    raw = reader.raw("fill", "")
    if raw is None:
        return None, None
    if isinstance(raw, dict):
        f = reader.mapping("fill")
        if f is None:
            return None, None
        f.check_keys(("gradient",), ("gradient",))
        g = f.mapping("gradient")
        return None, read_gradient(g, ctx) if g is not None else None
    return read_color(reader, "fill", ctx, "#ff3b30"), None


def burst_polygon(w: int, h: int, points: int, depth: float) -> list[tuple[float, float]]:
    """A star-burst inscribed in a w x h box: ``points`` tips, valleys at ``depth`` of the radius."""
    cx, cy = w / 2, h / 2
    out = []
    for i in range(points * 2):
        angle = math.pi * i / points - math.pi / 2
        k = 1.0 if i % 2 == 0 else depth
        out.append((cx + cx * k * math.cos(angle), cy + cy * k * math.sin(angle)))
    return out


def _ribbon_band(side: int, band: int) -> tuple[int, int]:
    """Distances from the corner, along both edges, of the band's outer and inner edges."""
    middle = side * 0.55
    return round(middle - band / 2), round(middle + band / 2)


def _ribbon_polygon(w: int, h: int, s1: int, s2: int, corner: str) -> list[tuple[int, int]]:
    pts = [(w - s2, 0), (w - s1, 0), (w, s1), (w, s2)]  # top-right; others mirror it
    if "left" in corner:
        pts = [(w - x, y) for x, y in pts]
    if "bottom" in corner:
        pts = [(x, h - y) for x, y in pts]
    return pts


def _mask(shape: str, w: int, h: int, layer: ShapeLayer, *, outline: int = 0) -> Image.Image:
    """An anti-aliased L mask of the shape (or of its outline ring when ``outline`` > 0).

    Pillow draws curves without anti-aliasing, so curves are drawn at 4x on a one-byte mask and
    shrunk with ``reduce`` (a box filter): cheap, and much smaller than supersampling RGBA.
    """
    k = 1 if shape == "rect" else _SUPERSAMPLE
    mask = Image.new("L", (w * k, h * k), 0)
    draw = ImageDraw.Draw(mask)
    box = (0, 0, w * k - 1, h * k - 1)
    fill, ring = (None, 255) if outline else (255, None)
    width = outline * k
    if shape == "rect":
        draw.rectangle(box, fill=fill, outline=ring, width=width)
    elif shape == "rounded":
        radius = min(layer.radius.pixels(min(w, h)), min(w, h) // 2) * k
        draw.rounded_rectangle(box, radius=radius, fill=fill, outline=ring, width=width)
    elif shape == "ellipse":
        draw.ellipse(box, fill=fill, outline=ring, width=width)
    elif shape == "burst":
        draw.polygon(burst_polygon(w * k, h * k, layer.points, layer.depth), fill=fill, outline=ring, width=width)
    else:
        s1, s2 = _ribbon_band(min(w, h) * k, layer.band.pixels(min(w, h)) * k)
        draw.polygon(_ribbon_polygon(w * k, h * k, s1, s2, layer.corner), fill=fill, outline=ring, width=width)
    return mask if k == 1 else mask.reduce(k)


def _body(layer: ShapeLayer, w: int, h: int, scene: Scene) -> Image.Image:
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    if layer.fill_gradient is not None:
        paint = gradient_fill(layer.fill_gradient, w, h, scene, layer.origin)
        paint.putalpha(ImageChops.multiply(paint.getchannel("A"), _mask(layer.shape, w, h, layer)))
        im = paint
    elif layer.fill:
        color = resolve_color(layer.fill, scene, layer.origin)
        im = _paint_mask(im, _mask(layer.shape, w, h, layer), color)
    if layer.stroke and layer.stroke_width:
        color = resolve_color(layer.stroke, scene, layer.origin)
        im = _paint_mask(im, _mask(layer.shape, w, h, layer, outline=layer.stroke_width), color)
    return im


def _paint_mask(im: Image.Image, mask: Image.Image, color: tuple[int, int, int, int]) -> Image.Image:
    """``im`` with ``color`` laid over it through ``mask`` (the colour's own alpha respected)."""
    paint = Image.new("RGBA", im.size, (*color[:3], 0))
    paint.putalpha(mask if color[3] == 255 else mask.point(lambda a: a * color[3] // 255))
    if im.getchannel("A").getbbox() is None:
        return paint  # nothing painted yet: no need to composite
    return Image.alpha_composite(im, paint)


class Label(NamedTuple):
    """A shape's text, drawn: where it goes in the shape, the warnings it raised and the faces that drew it."""

    image: Image.Image
    x: int
    y: int
    notes: tuple[Note, ...]
    fonts: tuple[str, ...]


def _label(layer: ShapeLayer, w: int, h: int, scene: Scene) -> Label | None:
    text = substitute(layer.text, scene.values).strip()
    if not text:
        return None
    where = f"layer {layer.name} at size {scene.size.name}"
    style = resolved_style(layer.style, scene, layer.origin)
    color = resolve_color(style.color, scene, layer.origin)
    if layer.shape == "ribbon":
        side = min(w, h)
        s1, s2 = _ribbon_band(side, layer.band.pixels(side))
        tw, th = int(s1 * math.sqrt(2) * 0.92), int((s2 - s1) / math.sqrt(2) * 0.78)
        block = layout_text(text, style, tw, th, scene, layer.origin, where)
        setting = setting_of(style, scene, layer.origin, block.size)
        flat, _ = draw_block(block, style, tw, th, color, 1.0, setting)
        angle = -45 if layer.corner in ("top-right", "bottom-left") else 45
        turned = flat.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
        mid = (s1 + s2) / 4  # centre of the band's mid-line, measured from the corner along each edge
        cx = w - mid if "right" in layer.corner else mid
        cy = h - mid if "bottom" in layer.corner else mid
        return Label(turned, round(cx - turned.width / 2), round(cy - turned.height / 2), (),
                     faces_used(block, setting))
    pad = layer.padding.pixels(min(w, h))
    iw, ih = w - 2 * pad, h - 2 * pad
    if layer.shape in ("ellipse", "burst"):
        # The largest rectangle inside an ellipse of this aspect is 1/sqrt(2) of each axis; a burst's
        # valleys shrink that circle to its depth.
        k = 1 / math.sqrt(2) * (layer.depth if layer.shape == "burst" else 1)
        iw, ih = int(w * k) - pad, int(h * k) - pad
    if iw <= 0 or ih <= 0:
        return None
    block = layout_text(text, style, iw, ih, scene, layer.origin, where)
    where = f"{layer.name}@{scene.size.name}"
    notes: tuple[Note, ...] = (Note(WarningKind.TEXT_TRUNCATED, where),) if block.truncated else ()
    setting = setting_of(style, scene, layer.origin, block.size)
    label, cut = draw_block(block, style, iw, ih, color, 1.0, setting)
    notes += (Note(WarningKind.TEXT_CLIPPED, where),) if cut else ()
    return Label(label, (w - iw) // 2, (h - ih) // 2, notes, faces_used(block, setting))


def paint(layer: ShapeLayer, rect: Rect, scene: Scene) -> Placed | None:
    """Draw the shape in its box, then its label."""
    if rect.w <= 0 or rect.h <= 0:
        return None
    im = _body(layer, rect.w, rect.h, scene)
    label = _label(layer, rect.w, rect.h, scene)
    if label is not None:
        x, y = label.x, label.y
        im.alpha_composite(label.image, (max(x, 0), max(y, 0)), (max(-x, 0), max(-y, 0)))
    if layer.opacity < 1:
        im.putalpha(im.getchannel("A").point(lambda a: round(a * layer.opacity)))
    return Placed(im, rect.x, rect.y, label.notes if label else (), fonts=label.fonts if label else ())
