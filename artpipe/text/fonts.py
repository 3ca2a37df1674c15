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


def face_path(family: str, weight: str) -> Path:
    """The file of a bundled face; KeyError names what is unknown."""
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


def missing_chars(text: str, family: str, weight: str) -> list[str]:
    """Characters of ``text`` the face cannot draw (line breaks and tabs are layout, not glyphs)."""
    covered = coverage(family, weight)
    seen: list[str] = []
    for ch in text:
        if ch not in "\n\r\t" and ord(ch) not in covered and ch not in seen:
            seen.append(ch)
    return seen
