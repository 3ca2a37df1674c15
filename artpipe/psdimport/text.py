"""Photoshop text layers in artpipe's terms: font (matched to a bundled or template-folder font), size, colour,
tracking, leading, alignment and the paragraph box."""

from __future__ import annotations

import math
import re
from typing import Any

from psd_tools.api.layers import TypeLayer
from psd_tools.constants import Justification

from artpipe.psdimport.pieces import Rect, TextSpec
from artpipe.text.fonts import face, families, has_face

BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demibold", "extrabold", "ultrabold", "demi", "w6", "w7", "w8")
# Families that are the same design as a bundled one under another name (Adobe's release of Noto Sans CJK).
SAME_DESIGN = {"sourcehansans": "sans", "sourcehansanssc": "sans", "sourcehansanscn": "sans",
               "notosanssc": "sans", "notosanscjksc": "sans", "notosanscjk": "sans"}
ALIGN = {Justification.LEFT: "left", Justification.RIGHT: "right", Justification.CENTER: "center",
         Justification.JUSTIFY_LAST_LEFT: "left", Justification.JUSTIFY_LAST_RIGHT: "right",
         Justification.JUSTIFY_LAST_CENTER: "center", Justification.JUSTIFY_ALL: "left"}
AUTO_LEADING = 1.2  # Photoshop's default auto leading (the paragraph panel's 120 %)
SUBSTITUTE = "sans"  # Noto Sans CJK: draws Latin and Chinese, Japanese and Korean


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def match_font(postscript: str, folder_fonts: tuple[str, ...]) -> tuple[str, str, bool]:
    """(family, weight, substituted) for a PostScript font name such as ``NotoSans-Bold``: a font file in the
    template folder with that name, else the bundled family of that name, else the bundled CJK sans."""
    family_part, _, style = postscript.partition("-")
    weight = "bold" if any(w in _squash(style or family_part) for w in BOLD_WORDS) else "regular"
    wanted = _squash(family_part)
    for file in folder_fonts:
        stem = _squash(file.rsplit(".", 1)[0])
        if wanted and (stem == _squash(postscript) or stem.startswith(wanted)):
            return file, weight, False
    for name in families():
        if _squash(name) == wanted and has_face(name, weight):
            return face(name, weight).family, weight, False
    if wanted in SAME_DESIGN:
        return SAME_DESIGN[wanted], weight, False
    return SUBSTITUTE, weight, True


def _color(argb: tuple[float, ...] | None) -> str:
    if not argb or len(argb) != 4:
        return "#000000"
    a, r, g, b = (max(0, min(255, round(v * 255))) for v in argb)
    return f"#{r:02x}{g:02x}{b:02x}" + ("" if a == 255 else f"{a:02x}")


def _bounds(layer: TypeLayer) -> tuple[float, float, float, float] | None:
    """The paragraph box (left, top, right, bottom) relative to the text's origin, when the layer has one."""
    data: Any = layer._data.text_data.get(b"bounds")  # psd-tools exposes the box only in the raw descriptor
    if data is None:
        return None
    try:
        sides = [float(data[k]) for k in (b"Left", b"Top ", b"Rght", b"Btom")]
    except (KeyError, TypeError, ValueError):
        return None
    return (sides[0], sides[1], sides[2], sides[3]) if all(map(math.isfinite, sides)) else None


def read_text(layer: TypeLayer, origin: tuple[int, int], folder_fonts: tuple[str, ...]
              ) -> tuple[TextSpec, Rect, str | None]:
    """A text layer's spec, its box on the size's canvas, and the font it was matched to when substituted."""
    setting = layer.typesetting
    style = setting.paragraphs[0].runs[0].style if setting.paragraphs and setting.paragraphs[0].runs \
        else setting.default_style
    xx, _xy, _yx, yy, tx, ty = layer.transform
    scale = yy if yy > 0 else 1.0
    size = max(1.0, style.font_size * scale)
    family, weight, substituted = match_font(style.font_name or "", folder_fonts)
    if style.faux_bold:
        weight = "bold"
    text = layer.text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    leading = style.leading * scale if not style.auto_leading and style.leading > 0 else AUTO_LEADING * size
    line_height = round(leading / size, 3)
    paragraph = setting.paragraphs[0].style if setting.paragraphs else None
    align = ALIGN.get(paragraph.justification, "left") if paragraph else "left"
    lines = text.count("\n") + 1
    ox, oy = origin
    bounds = _bounds(layer)
    box: Rect
    if bounds is not None and layer.text_type is not None and layer.text_type.name == "PARAGRAPH":
        left, top, right, bottom = bounds
        box = (round(tx + left * xx) - ox, round(ty + top * scale) - oy,
               round(tx + right * xx) - ox, round(ty + bottom * scale) - oy)
        lines = max(lines, int((box[3] - box[1] - size) // leading) + 1)
    else:
        box = _point_box(layer, (tx - ox, ty - oy), size, leading, lines, align, origin)
    spec = TextSpec(text, family, weight, size, _color(style.fill_color), align, lines, line_height,
                    round(style.tracking / 10, 2), _other_runs(layer, style))
    return spec, box, (style.font_name or "(unnamed)") if substituted else None


def _other_runs(layer: TypeLayer, first: Any) -> int:
    """How many of the text's runs (with words in them) differ from the first run's colour, font or size: an
    artpipe text has one style, so they are drawn in the first's, and the report says so."""
    def look(style: Any) -> tuple[object, ...]:
        return style.font_name, round(style.font_size, 2), _color(style.fill_color), bool(style.faux_bold)

    runs = [run for paragraph in layer.typesetting.paragraphs for run in paragraph.runs if run.text.strip()]
    return sum(1 for run in runs if look(run.style) != look(first))


def _point_box(layer: TypeLayer, anchor: tuple[float, float], size: float, leading: float, lines: int,
               align: str, origin: tuple[int, int]) -> Rect:
    """Point text has no box: one is made around its ink, from the first baseline (Photoshop's origin of point
    text) down, with room for the lines and a little to spare along the side the text grows towards."""
    x, baseline = anchor
    ink_w = max(1, layer.width)
    slack = round(size / 2)
    top = round(baseline - 0.88 * size)  # artpipe sets the first baseline 0.88 em below a line's top
    height = round((lines - 1) * leading + size * 1.25)
    ink_left = layer.left - origin[0]
    if align == "center":
        left, right = ink_left - slack, ink_left + ink_w + slack
    elif align == "right":
        left, right = ink_left - slack, round(x)
    else:
        left, right = round(x), ink_left + ink_w + slack
    return left, top, right, top + height
