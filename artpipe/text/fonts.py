"""The font book: bundled families, cached FreeType fonts and what each face covers."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from PIL import ImageFont

from artpipe.text.cmap import read_cmap

WEIGHTS = {"regular": "regular", "normal": "regular", "400": "regular", "bold": "bold", "700": "bold"}


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    """Family name or alias (lower case) -> {"regular": file, "bold": file}."""
    text = files("artpipe.fonts").joinpath("fonts.yaml").read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}
    for name, entry in yaml.safe_load(text)["families"].items():
        faces = {w: entry[w] for w in ("regular", "bold") if w in entry}
        for alias in [name, *entry.get("aliases", [])]:
            out[alias.lower()] = faces
    return out


def families() -> list[str]:
    """Every family name and alias a template may use."""
    return sorted(_catalogue())


FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def is_font_file(family: str) -> bool:
    """True when ``family`` names a font file (a template's own brand font) rather than a bundled family."""
    return family.lower().endswith(FONT_SUFFIXES)


def face_path(family: str, weight: str) -> Path:
    """The file of a face: a font file as given, or a bundled family's face; KeyError names what is unknown."""
    if is_font_file(family):
        return Path(family)  # a brand font file has one weight: it is used for every weight asked
    faces = _catalogue()[family.lower()]
    file = faces[WEIGHTS[str(weight).lower()]]
    return Path(str(files("artpipe.fonts").joinpath(file)))


def has_face(family: str, weight: str) -> bool:
    """True when the family and weight are bundled."""
    try:
        face_path(family, weight)
    except KeyError:
        return False
    return True


@cache
def get_font(family: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font, cached per process. BASIC layout so output does not depend on libraqm being present."""
    return ImageFont.truetype(str(face_path(family, weight)), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def coverage(family: str, weight: str) -> frozenset[int]:
    """Code points the face draws with a real glyph."""
    return read_cmap(face_path(family, weight))


def missing_chars(text: str, family: str | tuple[str, ...], weight: str) -> list[str]:
    """Characters of ``text`` that no face of the list can draw (line breaks and tabs are layout, not glyphs)."""
    chain = (family,) if isinstance(family, str) else family
    covered = [coverage(f, weight) for f in chain]
    seen: list[str] = []
    for ch in text:
        if ch not in "\n\r\t" and not any(ord(ch) in c for c in covered) and ch not in seen:
            seen.append(ch)
    return seen


def runs(text: str, chain: tuple[str, ...], weight: str) -> list[tuple[str, str]]:
    """``text`` split into (family, piece) runs: each character in the first face of ``chain`` that has it.

    Spaces and marks that every face has stay in the current run, so a Latin brand font keeps its own spaces.
    """
    covered = [coverage(f, weight) for f in chain]
    out: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        current = out[-1][0] if out else None
        if current is not None and code in covered[chain.index(current)] and (ch.isspace() or not ch.isalnum()):
            choice = current
        else:
            choice = next((f for f, c in zip(chain, covered, strict=True) if code in c), chain[-1])
        if out and out[-1][0] == choice:
            out[-1] = (choice, out[-1][1] + ch)
        else:
            out.append((choice, ch))
    return out


def measure_runs(text: str, chain: tuple[str, ...], weight: str, size: int) -> float:
    """Advance width of ``text`` set with font fallback."""
    if len(chain) == 1:
        return get_font(chain[0], weight, size).getlength(text)
    return sum(get_font(f, weight, size).getlength(piece) for f, piece in runs(text, chain, weight))
