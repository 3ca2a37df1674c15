"""Text layers: field-filled text wrapped by UAX #14 and fitted into its box with the bundled fonts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.errors import RenderError
from artpipe.layers.base import (
    LoadContext,
    Placed,
    Scene,
    check_refs,
    drop_shadow,
    read_asset,
    read_color,
    read_length,
    read_shadow,
    resolve_color,
)
from artpipe.schema import Reader, single
from artpipe.template.fields import single_reference, substitute
from artpipe.template.model import FontSpec, Layer, Length, Rect, Shadow
from artpipe.text import fonts
from artpipe.text.fit import OVERFLOWS, TextBlock, TextDoesNotFit, fit_text

ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
FONT_KEYS = ("family", "weight", "size", "min_size")
STYLE_KEYS = ("font", "color", "align", "valign", "max_lines", "overflow", "line_height", "balance",
              "letter_spacing")
EFFECT_KEYS = ("stroke", "shadow")  # text layers only: on a shape these words mean the shape's own
KEYS = ("text", *STYLE_KEYS, *EFFECT_KEYS)


@dataclass(frozen=True)
class TextStyle:
    """How text is set: font, colour, alignment and what to do when it does not fit."""

    font: FontSpec = FontSpec()
    size: Length = Length(32)
    min_size: Length | None = None
    color: str = "#222222"
    align: str = "left"
    valign: str = "top"
    max_lines: int | None = None
    overflow: str = "shrink"
    line_height: float = 1.25
    balance: bool = False  # even out line lengths (headlines)
    letter_spacing: Length = Length(0)  # extra space between characters; a percentage is of the font size
    stroke: str | None = None  # outline colour
    stroke_width: int = 0
    shadow: Shadow | None = None


@dataclass(frozen=True, kw_only=True)
class TextLayer(Layer):
    """Text in a box."""

    text: str
    style: TextStyle


def parse_style(reader: Reader, ctx: LoadContext, *, color_key: str = "color", align: str = "left",
                valign: str = "top", effects: bool = True) -> TextStyle:
    """Read the font and setting keys shared by text layers and shape labels."""
    chain: tuple[str, ...] = ("sans",)
    weight = "regular"
    size, min_size = Length(32), None
    f = reader.mapping("font")
    if f is not None:
        f.check_keys(FONT_KEYS)
        chain = read_families(f, ctx)
        weight = str(f.text("weight", "regular"))
        if weight.lower() not in fonts.WEIGHTS:
            f.problem("weight", f"'{weight}' is not one of regular, bold")
            weight = "regular"
        size = read_length(f, "size", Length(32)) or Length(32)
        min_size = read_length(f, "min_size")
    style = TextStyle(
        font=FontSpec(family=chain, weight=weight.lower()),
        size=size, min_size=min_size,
        color=read_color(reader, color_key, ctx, "#222222") or "#222222",
        align=reader.choice("align", ALIGNS, align),
        valign=reader.choice("valign", VALIGNS, valign),
        max_lines=reader.number("max_lines", None, minimum=1, maximum=50, integer=True),
        overflow=reader.choice("overflow", OVERFLOWS, "shrink"),
        line_height=reader.number("line_height", settings().text.line_height, minimum=0.6, maximum=4),
        balance=reader.flag("balance", False),
        letter_spacing=read_length(reader, "letter_spacing", Length(0)) or Length(0),
        shadow=read_shadow(reader, "shadow", ctx) if effects else None,
        **(_stroke(reader, ctx) if effects else {}),
    )
    return style


def _stroke(reader: Reader, ctx: LoadContext) -> dict[str, Any]:
    s = reader.mapping("stroke")
    if s is None:
        return {}
    s.check_keys(("color", "width"))
    return {"stroke": read_color(s, "color", ctx, "#ffffff"),
            "stroke_width": s.number("width", 2, minimum=0, maximum=50, integer=True)}


def read_families(f: Reader, ctx: LoadContext) -> tuple[str, ...]:
    """``family``: one name or a list, each a bundled family or a font file beside the template, in fallback
    order. The bundled face always ends the list, so Chinese still renders behind a Latin brand font."""
    names = f.names("family", "a font name, a font file or a list of them", "sans")
    if not names:
        return ("sans",)
    chain: list[str] = []
    for name in names:
        ref = single_reference(name)
        if ref is not None:
            if ref not in ctx.fields or ctx.fields[ref].type != "font":
                f.problem("family", f"${ref} must be a field of type font", "declare it: {type: font}")
            else:
                chain.append(f"${ref}")
        elif fonts.is_font_file(name):
            item = single(f.node, "family", name, f.mark("family"))
            item.value_folders["family"] = f.node.value_folders.get("family") or f.node.folder
            path = read_asset(Reader(item, f.where, f.problems), "family", ctx, font=True)
            if path is not None:
                chain.append(path)
        elif fonts.has_face(name, "regular"):
            chain.append(name)
        else:
            f.problem("family", f"no bundled font family '{name}'",
                      f"use one of {', '.join(fonts.families())}, or a .ttf/.otf file beside the template")
    return tuple(dict.fromkeys([*chain, "sans"]))


def parse(reader: Reader, common: dict[str, object], ctx: LoadContext) -> TextLayer:
    """Read a text layer's own keys."""
    text = reader.text("text")
    if isinstance(text, str):
        check_refs(reader, "text", text, ctx)
    return TextLayer(**common, text=text or "", style=parse_style(reader, ctx))  # type: ignore[arg-type]


def _pixels(length: Length, scene: Scene) -> int:
    # Percent font sizes are of the canvas height, so one design scales across a banner set.
    return max(1, length.pixels(scene.size.height))


def font_chain(style: TextStyle, scene: Scene, origin: str) -> tuple[str, ...]:
    """The family list with ``$field`` fonts resolved (an empty font field is skipped)."""
    chain = []
    for family in style.font.family:
        if not family.startswith("$"):
            chain.append(family)
            continue
        path = scene.values.get(family[1:], "")
        if not path:
            continue
        if not fonts.is_font_file(path) or not Path(path).is_file():
            raise RenderError(origin, f"field {family}: '{path}' is not a .ttf/.otf font file that exists")
        chain.append(path)
    return tuple(chain)


def resolved_style(style: TextStyle, scene: Scene, origin: str) -> TextStyle:
    """The style with its ``$field`` fonts replaced by the files they name here."""
    if not any(f.startswith("$") for f in style.font.family):
        return style
    return replace(style, font=replace(style.font, family=font_chain(style, scene, origin)))


def layout_text(text: str, style: TextStyle, w: int, h: int, scene: Scene, origin: str, where: str) -> TextBlock:
    """Check glyph coverage and fit ``text`` into w x h; problems become RenderErrors at ``origin``."""
    family, weight = font_chain(style, scene, origin), style.font.weight
    missing = fonts.missing_chars(text, family, weight)
    if missing:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
        msg = (f"{where}: the font has no glyph for {shown}; replace the character(s) "
               "or add a font that covers them")
        raise RenderError(origin, msg)
    size = _pixels(style.size, scene)
    min_size = _pixels(style.min_size, scene) if style.min_size else size

    def measure(s: str, px: int) -> float:
        return fonts.measure_runs(s, family, weight, px) + spacing(style, px) * max(0, len(s) - 1)

    # An outline grows every glyph by its width on each side: fit inside the box less the outline.
    w, h = w - 2 * style.stroke_width, h - 2 * style.stroke_width
    try:
        return fit_text(text, w, h, size=size, min_size=min_size, max_lines=style.max_lines,
                        overflow=style.overflow, line_height=style.line_height, measure=measure,
                        ellipsis=settings().text.ellipsis, balance=style.balance)
    except TextDoesNotFit as exc:
        short = text if len(text) <= 40 else text[:39] + "…"
        raise RenderError(origin, f"{where}: {exc}: \"{short}\" "
                          "(shorten the text, lower font.min_size or use overflow: ellipsis)") from None


def spacing(style: TextStyle, px: int) -> float:
    """Letter spacing in pixels at font size ``px``."""
    ls = style.letter_spacing
    return px * ls.value / 100 if ls.percent else ls.value


def draw_block(block: TextBlock, style: TextStyle, w: int, h: int, color: tuple[int, int, int, int],
               opacity: float, stroke: tuple[int, int, int, int] | None = None) -> Image.Image:
    """Draw fitted lines on a transparent w x h image (with the style's outline when ``stroke`` is given)."""
    out = Image.new("RGBA", (w, h), (*color[:3], 0))
    draw = ImageDraw.Draw(out)
    chain, weight = style.font.family, style.font.weight
    sw = style.stroke_width if stroke is not None else 0
    inner_w, inner_h = w - 2 * style.stroke_width, h - 2 * style.stroke_width
    top = style.stroke_width + {"top": 0, "middle": (inner_h - block.height) // 2,
                                "bottom": inner_h - block.height}[style.valign]
    baseline = round(block.size * settings().text.baseline)
    gap = spacing(style, block.size)

    def put(x: float, y: int, s: str) -> float:
        """Draw ``s`` from x on baseline y, each run in its face; return where the next character goes."""
        for family, piece in fonts.runs(s, chain, weight):
            font = fonts.get_font(family, weight, block.size)
            draw.text((x, y), piece, font=font, fill=(*color[:3], 255), anchor="ls", stroke_width=sw,
                      stroke_fill=stroke)
            x += font.getlength(piece)
        return x

    for i, (line, width) in enumerate(zip(block.lines, block.widths, strict=True)):
        x = style.stroke_width + {"left": 0, "center": (inner_w - width) / 2, "right": inner_w - width}[style.align]
        y = top + i * block.pitch + baseline
        if not gap:
            put(x, y, line)
            continue
        for ch in line:  # tracked text: each character placed by hand (kerning gives way to the spacing)
            x = put(x, y, ch) + gap
    alpha = color[3] / 255 * opacity
    if alpha < 1:
        out.putalpha(out.getchannel("A").point(lambda a: round(a * alpha)))
    return out


def paint(layer: TextLayer, rect: Rect, scene: Scene) -> Placed | None:
    """Fit and draw the layer's text in its box; empty text draws nothing."""
    text = substitute(layer.text, scene.values).strip()
    if not text or rect.w <= 0 or rect.h <= 0:
        return None
    where = f"layer {layer.name} at size {scene.size.name}"
    style = resolved_style(layer.style, scene, layer.origin)
    block = layout_text(text, style, rect.w, rect.h, scene, layer.origin, where)
    color = resolve_color(style.color, scene, layer.origin)
    stroke = resolve_color(style.stroke, scene, layer.origin) if style.stroke and style.stroke_width else None
    im = draw_block(block, style, rect.w, rect.h, color, layer.opacity, stroke)
    warnings = (f"text_truncated:{layer.name}@{scene.size.name}",) if block.truncated else ()
    x, y = rect.x, rect.y
    if style.shadow is not None:
        im, dx, dy = drop_shadow(im, style.shadow, resolve_color(style.shadow.color, scene, layer.origin))
        x, y = x + dx, y + dy
    return Placed(im, x, y, warnings)
