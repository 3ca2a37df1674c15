"""Text layers: field-filled text wrapped by UAX #14 and fitted into its box with the bundled fonts."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image

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
from artpipe.reasons import Note, WarningKind
from artpipe.schema import Reader, single
from artpipe.template.fields import single_reference, substitute
from artpipe.template.model import FontSpec, Layer, Length, Rect, Shadow
from artpipe.text import fonts
from artpipe.text.draw import Setting, draw_line, ink_width, line_width, overhang
from artpipe.text.fit import OVERFLOWS, TextBlock, TextDoesNotFit, fit_text
from artpipe.text.scripts import LANG_TAG, needs_shaping, rtl_paragraph

ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
FONT_KEYS = ("family", "weight", "size", "min_size")
STYLE_KEYS = ("font", "color", "align", "valign", "max_lines", "overflow", "line_height", "balance",
              "letter_spacing", "lang", "emoji")
EMOJI = ("color", "mono")  # emoji as colour pictures, or in grey
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
    lang: str | None = None  # the text's language (zh-Hans, zh-Hant, ja, ko ...) or a $field holding it
    emoji: str = "color"


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
        line_height=reader.number("line_height", ctx.text.line_height, minimum=0.6, maximum=4),
        balance=reader.flag("balance", False),
        letter_spacing=read_length(reader, "letter_spacing", Length(0)) or Length(0),
        lang=_lang(reader, ctx),
        emoji=reader.choice("emoji", EMOJI, "color"),
        shadow=read_shadow(reader, "shadow", ctx) if effects else None,
        **(_stroke(reader, ctx) if effects else {}),
    )
    return style


def _lang(reader: Reader, ctx: LoadContext) -> str | None:
    """``lang``: a BCP 47 tag (zh-Hans, zh-Hant, zh-HK, ja, ko, ar ...) or a field holding one."""
    value = reader.text("lang", None)
    if not isinstance(value, str) or not value:
        return None
    ref = single_reference(value)
    if ref is not None:
        check_refs(reader, "lang", value, ctx)
        return value
    if not LANG_TAG.fullmatch(value):
        reader.problem("lang", f"'{value}' is not a language tag", "write it like zh-Hans, zh-Hant, ja or ko")
        return None
    return value


def _stroke(reader: Reader, ctx: LoadContext) -> dict[str, Any]:
    s = reader.mapping("stroke")
    if s is None:
        return {}
    s.check_keys(("color", "width"))
    return {"stroke": read_color(s, "color", ctx, "#ffffff"),
            "stroke_width": s.number("width", 2, minimum=0, maximum=50, integer=True)}


def read_families(f: Reader, ctx: LoadContext) -> tuple[str, ...]:
    """``family``: one name or a list, each a bundled family or a font file beside the template, in fallback
    order. The brand kit's fonts and the bundled families follow (see fonts.chain), so Chinese still renders
    behind a Latin brand font."""
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
    return tuple(dict.fromkeys(chain)) or ("sans",)


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
        name = single_reference(family)
        if name is None:
            chain.append(family)
            continue
        path = scene.values.get(name, "")
        if not path:
            continue
        if not fonts.is_font_file(path) or not Path(path).is_file():
            raise RenderError(origin, f"field {family}: '{path}' is not a .ttf/.otf font file that exists")
        chain.append(path)
    return tuple(chain)


def brand_fonts(scene: Scene) -> tuple[str, ...]:
    """The font files the product's font fields name (a brand kit's fonts): tried after the layer's own."""
    names = [scene.values.get(n, "") for n, f in scene.template.fields.items() if f.type == "font"]
    return tuple(n for n in names if n and fonts.is_font_file(n) and Path(n).is_file())


def resolved_style(style: TextStyle, scene: Scene, origin: str) -> TextStyle:
    """The style with its ``$field`` fonts replaced by the files they name here."""
    if not any(single_reference(f) for f in style.font.family):
        return style
    return replace(style, font=replace(style.font, family=font_chain(style, scene, origin)))


def setting_of(style: TextStyle, scene: Scene, origin: str, size: int) -> Setting:
    """How the style sets text at ``size`` px here: every face of the chain, the language, the tracking."""
    faces = fonts.chain(font_chain(style, scene, origin), style.font.weight,
                        extra=(*brand_fonts(scene), *scene.system_fonts))
    lang = substitute(style.lang, scene.values) if style.lang else scene.lang
    return Setting(faces, size, lang or None, spacing(style, size), scene.settings.text.baseline,
                   style.emoji == "mono")


def layout_text(text: str, style: TextStyle, w: int, h: int, scene: Scene, origin: str, where: str) -> TextBlock:
    """Check glyph coverage and fit ``text`` into w x h; problems become RenderErrors at ``origin``."""
    base = setting_of(style, scene, origin, 1)
    missing = fonts.missing_chars(text, base.faces)
    if missing:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
        msg = (f"{where}: no font has a glyph for {shown}; replace the character(s) "
               "or add a font that covers them (artpipe fonts lists what each font covers)")
        raise RenderError(origin, msg)
    if needs_shaping(text) and not fonts.SHAPING:
        raise RenderError(origin, f"{where}: this text needs shaping (Arabic, Hebrew, Indic or Thai letters) and "
                          "this Pillow has no Raqm; install Pillow's official wheels, which include it")
    size = _pixels(style.size, scene)
    min_size = _pixels(style.min_size, scene) if style.min_size else size

    def measure(s: str, px: int) -> float:
        return line_width(s, replace(base, size=px, gap=spacing(style, px)))

    # An outline grows every glyph by its width on each side: fit inside the box less the outline.
    w, h = w - 2 * style.stroke_width, h - 2 * style.stroke_width
    try:
        room, across = h, w
        for _ in range(4):  # glyphs reaching beyond the em boxes (Arabic, Thai) make room for themselves
            block = fit_text(text, across, room, size=size, min_size=min_size, max_lines=style.max_lines,
                             overflow=style.overflow, line_height=style.line_height, measure=measure,
                             ellipsis=scene.settings.text.ellipsis, balance=style.balance)
            sized = replace(base, size=block.size, gap=spacing(style, block.size))
            extra = sum(overhang(block.lines, sized, block.pitch))
            # ... and so do glyphs reaching past a line's advance (a kashida, a letter's tail)
            wide = max((ink_width(line, sized) for line in block.lines), default=0.0)
            if block.height + extra <= h and wide <= w:
                return block
            if block.height + extra > h:
                room = min(room - 1, h - extra)
            if wide > w:
                across = min(across - 1, math.floor(across - (wide - w)))
            if room <= 0 or across <= 0:
                break
        reach = block.height + extra
        msg = f"text does not fit the {w}x{h} px box even at {block.size} px: its letters reach {reach} px"
        raise TextDoesNotFit(msg)
    except TextDoesNotFit as exc:
        short = text if len(text) <= 40 else text[:39] + "…"
        raise RenderError(origin, f"{where}: {exc}: \"{short}\" "
                          "(shorten the text, lower font.min_size or use overflow: ellipsis)") from None


def spacing(style: TextStyle, px: int) -> float:
    """Letter spacing in pixels at font size ``px``."""
    ls = style.letter_spacing
    return px * ls.value / 100 if ls.percent else ls.value


def faces_used(block: TextBlock, setting: Setting) -> tuple[str, ...]:
    """The faces that draw a fitted block, as reports name them."""
    used = {r.face.label: None for line in block.lines for r in fonts.runs(line, setting.faces)}
    return tuple(used)


def draw_block(block: TextBlock, style: TextStyle, w: int, h: int, color: tuple[int, int, int, int],
               opacity: float, setting: Setting,
               stroke: tuple[int, int, int, int] | None = None) -> tuple[Image.Image, bool]:
    """Draw fitted lines on a transparent w x h image (with the style's outline when ``stroke`` is given), and
    whether a glyph reached past the box and was cut (drawn with a margin, so the cut is seen, not guessed).
    A right-to-left paragraph mirrors the alignment: a left-aligned headline in Arabic sets from the right."""
    m = block.size // 2 + 2
    out = Image.new("RGBA", (w + 2 * m, h + 2 * m), (*color[:3], 0))
    setting = replace(setting, size=block.size, gap=spacing(style, block.size))
    sw = style.stroke_width if stroke is not None else 0
    inner_w, inner_h = w - 2 * style.stroke_width, h - 2 * style.stroke_width
    above, below = overhang(block.lines, setting, block.pitch)
    tall = block.height + above + below
    top = style.stroke_width + above + {"top": 0, "middle": (inner_h - tall) // 2,
                                        "bottom": inner_h - tall}[style.valign]
    baseline = round(block.size * setting.em_top)
    for i, (line, width) in enumerate(zip(block.lines, block.widths, strict=True)):
        align = {"left": "right", "right": "left"}.get(style.align, style.align) if rtl_paragraph(line) \
            else style.align
        x = style.stroke_width + {"left": 0, "center": (inner_w - width) / 2, "right": inner_w - width}[align]
        draw_line(out, m + x, m + top + i * block.pitch + baseline, line, setting, (*color[:3], 255), sw, stroke)
    ink = out.getchannel("A").point(lambda a: 255 if a > 96 else 0).getbbox()
    dx = dy = 0
    if ink is not None:  # ink past an edge (a joining stroke, an accent) moves in when there is room
        dx = _nudge(ink[0], ink[2], m, w)
        dy = _nudge(ink[1], ink[3], m, h)
    inside = out.crop((m - dx, m - dy, m - dx + w, m - dy + h))
    cut = ink is not None and (ink[0] + dx < m or ink[1] + dy < m or ink[2] + dx > m + w or ink[3] + dy > m + h)
    alpha = color[3] / 255 * opacity
    if alpha < 1:
        inside.putalpha(inside.getchannel("A").point(lambda a: round(a * alpha)))
    return inside, cut


def _nudge(low: int, high: int, margin: int, length: int) -> int:
    """How far to move ink spanning [low, high) so it lies in [margin, margin + length), as far as it can."""
    if low < margin:
        return min(margin - low, max(0, margin + length - high))
    if high > margin + length:
        return -min(high - margin - length, max(0, low - margin))
    return 0


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
    setting = setting_of(style, scene, layer.origin, block.size)
    im, cut = draw_block(block, style, rect.w, rect.h, color, layer.opacity, setting, stroke)
    where = f"{layer.name}@{scene.size.name}"
    warnings = ((Note(WarningKind.TEXT_TRUNCATED, where),) if block.truncated else ()) + \
        ((Note(WarningKind.TEXT_CLIPPED, where),) if cut else ())
    x, y = rect.x, rect.y
    if style.shadow is not None:
        im, dx, dy = drop_shadow(im, style.shadow, resolve_color(style.shadow.color, scene, layer.origin))
        x, y = x + dx, y + dy
    return Placed(im, x, y, warnings, fonts=faces_used(block, setting))
