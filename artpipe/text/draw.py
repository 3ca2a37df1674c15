"""Measure and draw one line of text set in a chain of faces: shaped runs in visual order, emoji pictures scaled
to the em box, tracking where the script allows it. Pure: it draws on the image it is given."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from PIL import Image, ImageDraw

from artpipe.text.fonts import SHAPING, Face, Run, font_of, runs
from artpipe.text.scripts import clusters, is_rtl, needs_shaping, rtl_paragraph, text_lang


@dataclass(frozen=True)
class Setting:
    """How a line is set: its faces, size in pixels, language, tracking, and where the em box sits."""

    faces: tuple[Face, ...]
    size: int
    lang: str | None = None
    gap: float = 0.0  # letter spacing in pixels (not applied to scripts that join or reorder their letters)
    em_top: float = 0.88  # the baseline's depth in the em box, as a share of the size
    mono_emoji: bool = False  # emoji in grey instead of colour


def _shaping(run: Run, lang: str | None) -> dict[str, object]:
    """Raqm's arguments for a run: its direction and the language whose glyph forms it takes."""
    return _shaping_args(run.text, run.face.cjk, lang) if SHAPING else {}


@lru_cache(maxsize=16384)
def _shaping_args(text: str, cjk: bool, lang: str | None) -> dict[str, object]:
    args: dict[str, object] = {"direction": "rtl" if any(is_rtl(c) for c in text) else "ltr"}
    chosen = text_lang(text, lang) if cjk else lang
    if chosen:
        args["language"] = chosen
    return args


EMOJI_EM = 0.92  # an emoji picture's height, as a share of the em box it sits in (centred)


def _emoji_scale(run: Run, size: int) -> float:
    ascent, descent = font_of(run.face, size).getmetrics()
    return size * EMOJI_EM / (ascent + descent)


def run_width(run: Run, setting: Setting) -> float:
    """Advance width of one run."""
    font = font_of(run.face, setting.size)
    width = font.getlength(run.text, **_shaping(run, setting.lang))  # type: ignore[arg-type]
    return width * _emoji_scale(run, setting.size) if run.face.strike else width


def _tracked(line: str, setting: Setting) -> bool:
    return bool(setting.gap) and not needs_shaping(line)


def line_width(line: str, setting: Setting) -> float:
    """Advance width of a line as ``draw_line`` sets it."""
    if _tracked(line, setting):
        pieces = clusters(line)
        return sum(line_width(c, replace(setting, gap=0)) for c in pieces) + setting.gap * max(0, len(pieces) - 1)
    return sum(run_width(r, setting) for r in runs(line, setting.faces))


def ink(line: str, setting: Setting) -> tuple[int, int]:
    """How far a line's glyphs reach above and below its baseline, in pixels (emoji fill the em box)."""
    above = below = 0
    for run in runs(line, setting.faces):
        if run.face.strike:
            top, bottom = round(setting.size * setting.em_top), setting.size - round(setting.size * setting.em_top)
        else:
            box = font_of(run.face, setting.size).getbbox(run.text, anchor="ls", **_shaping(run, setting.lang))  # type: ignore[arg-type]
            top, bottom = -int(box[1]), int(box[3])
        above, below = max(above, top), max(below, bottom)
    return above, below


def ink_width(line: str, setting: Setting) -> float:
    """How wide a line's ink is as ``draw_line`` sets it: its advance, and what its first and last glyphs reach
    beyond it (a kashida, an Arabic letter's tail or an italic's overhang may reach past the advance the fit
    measures). Emoji fill their advance."""
    if _tracked(line, setting):
        pieces = clusters(line)
        plain = replace(setting, gap=0)
        first, last = ink_width(pieces[0], plain), ink_width(pieces[-1], plain)
        return line_width(line, setting) + max(0.0, first - line_width(pieces[0], plain)) + \
            max(0.0, last - line_width(pieces[-1], plain))
    x, left, right = 0.0, 0.0, 0.0
    for run in visual(runs(line, setting.faces), rtl_paragraph(line)):
        advance = run_width(run, setting)
        if not run.face.strike and run.text.strip():
            box = font_of(run.face, setting.size).getbbox(run.text, anchor="ls", **_shaping(run, setting.lang))  # type: ignore[arg-type]
            left, right = min(left, x + box[0]), max(right, x + box[2])
        x += advance
    return max(x, right) - min(0.0, left)


def overhang(lines: tuple[str, ...], setting: Setting, pitch: int) -> tuple[int, int]:
    """How far the ink of a block of lines reaches beyond its em boxes, above the first line and below the
    last (Arabic, Thai and Devanagari letters reach further than the ideographic box the fit measures)."""
    if not lines:
        return 0, 0
    em_above = round(setting.size * setting.em_top)
    top = ink(lines[0], setting)[0] - em_above
    bottom = ink(lines[-1], setting)[1] - (setting.size - em_above)
    return max(0, top), max(0, bottom)


def visual(pieces: tuple[Run, ...], rtl: bool) -> list[Run]:
    """Runs in the order they are drawn, left to right: reversed in a right-to-left paragraph. Spaces at the
    ends of a run set against the paragraph's direction become runs of their own, so they stay between the
    words they separate."""
    out: list[Run] = []
    for run in pieces:
        against = any(is_rtl(c) for c in run.text) != rtl
        body = run.text.strip(" ")
        if not against or not body or body == run.text:
            out.append(run)
            continue
        lead, tail = run.text[:len(run.text) - len(run.text.lstrip(" "))], run.text[len(run.text.rstrip(" ")):]
        out += [Run(run.face, t) for t in (lead, body, tail) if t]
    return out[::-1] if rtl else out


def draw_line(out: Image.Image, x: float, baseline: int, line: str, setting: Setting, fill: tuple[int, ...],
              stroke_width: int = 0, stroke_fill: tuple[int, ...] | None = None) -> float:
    """Draw ``line`` from ``x`` on ``baseline``; return where the next character would go."""
    draw = ImageDraw.Draw(out)
    if _tracked(line, setting):  # tracked: each character placed by hand (kerning gives way to the spacing)
        plain = replace(setting, gap=0)
        for piece in clusters(line):
            x = draw_line(out, x, baseline, piece, plain, fill, stroke_width, stroke_fill) + setting.gap
        return x - setting.gap
    for run in visual(runs(line, setting.faces), rtl_paragraph(line)):
        if run.face.strike:
            x += _draw_emoji(out, x, baseline, run, setting)
            continue
        font = font_of(run.face, setting.size)
        args = _shaping(run, setting.lang)
        draw.text((x, baseline), run.text, font=font, fill=fill, anchor="ls", stroke_width=stroke_width,
                  stroke_fill=stroke_fill, **args)  # type: ignore[arg-type]
        x += font.getlength(run.text, **args)  # type: ignore[arg-type]
    return x


def _draw_emoji(out: Image.Image, x: float, baseline: int, run: Run, setting: Setting) -> float:
    """Draw an emoji run as pictures centred in the em box (drawn at the font's one size, then scaled)."""
    font = font_of(run.face, setting.size)
    ascent, descent = font.getmetrics()
    args = _shaping(run, None)
    width = font.getlength(run.text, **args)  # type: ignore[arg-type]
    picture = Image.new("RGBA", (max(1, math.ceil(width)), ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(picture).text((0, ascent), run.text, font=font, anchor="ls", embedded_color=True,
                                 **args)  # type: ignore[arg-type]
    scale = _emoji_scale(run, setting.size)
    size = (max(1, round(picture.width * scale)), max(1, round((ascent + descent) * scale)))
    picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if setting.mono_emoji:
        grey = picture.convert("LA").convert("RGBA")
        grey.putalpha(picture.getchannel("A"))
        picture = grey
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    top = baseline - round(setting.size * setting.em_top) + (setting.size - picture.height) // 2
    layer.paste(picture, (round(x), top))  # clipped at the edges
    out.alpha_composite(layer)
    return width * scale
