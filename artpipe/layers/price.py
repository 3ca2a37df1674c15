"""Price layers: ``¥39.90`` set like a store sets it, with a small currency sign and decimals on the big
integer's baseline, an optional suffix (``起``) and an optional struck-through original price, fitted to the box."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.errors import RenderError
from artpipe.layers.base import LoadContext, Placed, Scene, check_refs, read_color, read_length, resolve_color
from artpipe.schema import Reader
from artpipe.template.fields import substitute
from artpipe.template.layout import anchor_offset
from artpipe.template.model import Layer, Length, Rect
from artpipe.text import fonts

KEYS = ("value", "was", "currency", "font", "color", "was_color", "anchor", "symbol_scale", "decimals_scale",
        "was_scale")
FONT_KEYS = ("family", "weight", "size", "min_size")
# sign (anything before the digits), integer with optional thousands commas, optional decimals, suffix
_PRICE = re.compile(r"^\s*(?P<sign>[^\d\s.,]*)\s*(?P<int>\d[\d,]*)(?:\.(?P<dec>\d+))?\s*(?P<suffix>.*?)\s*$")


@dataclass(frozen=True)
class PriceParts:
    """A price split for setting: sign, integer part, decimals (with their point) and a suffix."""

    sign: str
    integer: str
    decimals: str
    suffix: str


def parse_price(text: str, currency: str) -> PriceParts | None:
    """Split ``¥1,299.00起`` into its parts; None when ``text`` holds no price. ``currency`` fills a missing sign."""
    m = _PRICE.match(text)
    if m is None:
        return None
    dec = m.group("dec")
    return PriceParts(m.group("sign") or currency, m.group("int"), f".{dec}" if dec else "", m.group("suffix"))


@dataclass(frozen=True, kw_only=True)
class PriceLayer(Layer):
    """A price, optionally with the original price struck through after it."""

    value: str
    was: str = ""
    currency: str = "¥"
    family: str = "sans"
    weight: str = "bold"
    size: Length = Length(40, percent=True)
    min_size: Length | None = None
    color: str = "#e4393c"
    was_color: str = "#8a8a8f"
    anchor: str = "left"
    symbol_scale: float = 0.5
    decimals_scale: float = 0.55
    was_scale: float = 0.4


def parse(reader: Reader, common: dict[str, object], ctx: LoadContext) -> PriceLayer:
    """Read a price layer's own keys."""
    value = reader.text("value") or ""
    was = reader.text("was", "") or ""
    for key, text in (("value", value), ("was", was)):
        check_refs(reader, key, text, ctx)
    family, weight, size, min_size = "sans", "bold", Length(40, percent=True), None
    f = reader.mapping("font")
    if f is not None:
        f.check_keys(FONT_KEYS)
        family = f.text("family", "sans") or "sans"
        weight = str(f.text("weight", "bold")).lower()
        if not fonts.has_face(family, "regular"):
            f.problem("family", f"no bundled font family '{family}'", f"use one of {', '.join(fonts.families())}")
            family = "sans"
        elif weight not in fonts.WEIGHTS:
            f.problem("weight", f"'{weight}' is not one of regular, bold")
            weight = "bold"
        size = read_length(f, "size", size) or size
        min_size = read_length(f, "min_size")
    return PriceLayer(
        **common,  # type: ignore[arg-type]
        value=value, was=was, currency=reader.text("currency", "¥") or "", family=family, weight=weight,
        size=size, min_size=min_size,
        color=read_color(reader, "color", ctx, "#e4393c") or "#e4393c",
        was_color=read_color(reader, "was_color", ctx, "#8a8a8f") or "#8a8a8f",
        anchor=reader.choice("anchor", ("left", "center", "right", "top-left", "top", "top-right", "bottom-left",
                                   "bottom", "bottom-right"), "left"),
        symbol_scale=reader.number("symbol_scale", 0.5, minimum=0.2, maximum=1),
        decimals_scale=reader.number("decimals_scale", 0.55, minimum=0.2, maximum=1),
        was_scale=reader.number("was_scale", 0.4, minimum=0.2, maximum=1),
    )


def _runs(layer: PriceLayer, parts: PriceParts, was: str, big: int) -> list[tuple[str, int, bool]]:
    """(text, pixel size, struck) for each run, left to right, at integer size ``big``."""
    small, sign = max(1, round(big * layer.decimals_scale)), max(1, round(big * layer.symbol_scale))
    runs = [(parts.sign, sign, False), (parts.integer, big, False), (parts.decimals, small, False),
            (parts.suffix, small, False)]
    if was:
        runs.append(("  " + was, max(1, round(big * layer.was_scale)), True))
    return [run for run in runs if run[0]]


def _width(layer: PriceLayer, runs: list[tuple[str, int, bool]]) -> float:
    return sum(fonts.get_font(layer.family, layer.weight if not struck else "regular", px).getlength(text)
               for text, px, struck in runs)


def paint(layer: PriceLayer, rect: Rect, scene: Scene) -> Placed | None:
    """Set the price at the largest size that fits the box (between ``size`` and ``min_size``)."""
    text = substitute(layer.value, scene.values).strip()
    if not text or rect.w <= 0 or rect.h <= 0:
        return None
    where = f"layer {layer.name} at size {scene.size.name}"
    parts = parse_price(text, layer.currency)
    if parts is None:
        raise RenderError(layer.origin, f"{where}: '{text}' is not a price (write it like ¥39.90 or 39.90)")
    was = substitute(layer.was, scene.values).strip()
    missing = fonts.missing_chars(text + was, (fonts.face(layer.family, layer.weight),))
    if missing:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
        raise RenderError(layer.origin, f"{where}: the font has no glyph for {shown}")
    top_size = max(1, layer.size.pixels(scene.size.height))
    low = max(1, layer.min_size.pixels(scene.size.height)) if layer.min_size else top_size
    best = None
    lo, hi = min(low, top_size), top_size
    while lo <= hi:  # the largest integer size whose runs fit the box
        mid = (lo + hi) // 2
        if mid <= rect.h and _width(layer, _runs(layer, parts, was, mid)) <= rect.w:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    if best is None:
        raise RenderError(layer.origin, f"{where}: '{text}' does not fit the {rect.w}x{rect.h} px box even at "
                          f"{low} px (lower font.min_size or widen the box)")
    face = fonts.face(layer.family, layer.weight)
    return Placed(_draw(layer, _runs(layer, parts, was, best), best, rect, scene), rect.x, rect.y,
                  fonts=(face.label,))


def _draw(layer: PriceLayer, runs: list[tuple[str, int, bool]], big: int, rect: Rect, scene: Scene) -> Image.Image:
    out = Image.new("RGBA", (rect.w, rect.h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(out)
    width = round(_width(layer, runs))
    left, y = anchor_offset(width, big, rect.w, rect.h, layer.anchor)
    x = float(left)
    baseline = y + round(big * settings().text.baseline)
    color, was_color = (resolve_color(c, scene, layer.origin) for c in (layer.color, layer.was_color))
    for text, px, struck in runs:
        font = fonts.get_font(layer.family, layer.weight if not struck else "regular", px)
        fill = was_color if struck else color
        draw.text((x, baseline), text, font=font, fill=fill, anchor="ls")
        advance = font.getlength(text)
        if struck:
            # Strike through the middle of the digits (x-height), skipping the leading spaces.
            lead = font.getlength("  ")
            y_line = baseline - round(px * 0.36)
            draw.line((x + lead, y_line, x + advance, y_line), fill=fill, width=max(1, round(px / 12)))
        x += advance
    if layer.opacity < 1:
        out.putalpha(out.getchannel("A").point(lambda a: round(a * layer.opacity)))
    return out
