"""The font book: bundled families, the fallback chain, what each face covers, and cached FreeType fonts.

Every character is drawn by the first face of the chain that has it (the layer's fonts, then the bundled
fallback families, see fonts.yaml); coverage is read with fontTools. Text is shaped by Raqm (HarfBuzz and
FriBiDi) when Pillow has it, which also applies kerning and the language's glyph forms (``locl``).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from PIL import ImageFont, features

from artpipe.text.scripts import LATIN_FORMS, clusters, ignorable, is_cjk, is_emoji

WEIGHTS = {"regular": "regular", "normal": "regular", "400": "regular", "bold": "bold", "700": "bold"}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
SHAPING = features.check("raqm") is True  # Raqm: shaping, bidi, kerning, language forms
LAYOUT = ImageFont.Layout.RAQM if SHAPING else ImageFont.Layout.BASIC
_FONT_DIR = Path(str(files("artpipe.fonts")))


@dataclass(frozen=True)
class Face:
    """One font file at one weight: a bundled family's face, or a font file given by a template or brand kit."""

    family: str  # the family key, or the file's path
    weight: str
    path: Path
    name: str  # as reports show it
    licence: str = ""
    cjk: bool = False  # sets … — ‘’ “” full-width: Latin text takes them from a later face
    strike: int = 0  # a colour bitmap font: the one size it draws at (scaled to the text)

    @property
    def label(self) -> str:
        return self.name if self.strike or self.weight == "regular" else f"{self.name} {self.weight.capitalize()}"


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn in one face, in logical order."""

    face: Face
    text: str


@cache
def _book() -> tuple[dict[str, dict[str, Any]], dict[str, str], tuple[str, ...]]:
    """(family key -> entry, name or alias in lower case -> family key, fallback family keys)."""
    text = files("artpipe.fonts").joinpath("fonts.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    entries: dict[str, dict[str, Any]] = data["families"]
    names = {alias.lower(): key for key, entry in entries.items() for alias in [key, *entry.get("aliases", [])]}
    return entries, names, tuple(data["fallback"])


def families() -> list[str]:
    """Every family name and alias a template may use."""
    return sorted(_book()[1])


def bundled_faces() -> list[Face]:
    """Every bundled face, fallback order first."""
    entries, _, fallback = _book()
    keys = [*fallback, *(k for k in entries if k not in fallback)]
    return [face(k, w) for k in keys for w in ("regular", "bold") if w in entries[k]]


def is_font_file(family: str) -> bool:
    """True when ``family`` names a font file (a template's own brand font) rather than a bundled family."""
    return family.lower().endswith(FONT_SUFFIXES)


@cache
def face(family: str, weight: str) -> Face:
    """The face of a bundled family (a weight it lacks falls back to regular) or a font file as given (one
    weight, used for every weight asked); KeyError names what is unknown."""
    weight = WEIGHTS[str(weight).lower()]
    if is_font_file(family):
        return Face(family, weight, Path(family), Path(family).stem)
    entries, names, _ = _book()
    key = names[family.lower()]
    entry = entries[key]
    file = entry.get(weight) or entry["regular"]
    path = Path(str(files("artpipe.fonts").joinpath(file)))
    return Face(key, weight if weight in entry else "regular", path, str(entry.get("name", key)),
                str(entry.get("licence", "")), bool(entry.get("cjk")), int(entry.get("strike", 0)))


def face_path(family: str, weight: str) -> Path:
    """The file of a face (KeyError for an unknown family)."""
    return face(family, weight).path


def has_face(family: str, weight: str) -> bool:
    """True when the family is bundled (or a font file name)."""
    try:
        face(family, weight)
    except KeyError:
        return False
    return True


def chain(families: str | tuple[str, ...], weight: str, *, extra: tuple[str, ...] = ()) -> tuple[Face, ...]:
    """The faces tried for each character, in order: ``families`` (a layer's), ``extra`` (the brand kit's
    fonts, allowed system fonts), then every bundled fallback family; each face once."""
    asked = (families,) if isinstance(families, str) else families
    out: list[Face] = []
    for family in (*asked, *extra, *_book()[2]):
        found = face(family, weight)
        if found not in out:
            out.append(found)
    return tuple(out)


_KNOWN_LICENCES = (("open font license", "OFL-1.1"), ("scripts.sil.org/ofl", "OFL-1.1"), ("openfontlicense", "OFL-1.1"),
                   ("apache license", "Apache-2.0"), ("apache.org/licenses", "Apache-2.0"),
                   ("ubuntu font licen", "Ubuntu Font Licence"), ("bitstream vera", "Bitstream Vera"),
                   ("public domain", "public domain"), ("cc0", "CC0-1.0"))
LICENCE_FILES = ("OFL*", "LICENSE*", "LICENCE*", "COPYING*", "*.license", "*.licence")


def licence_of(path: Path) -> str | None:
    """The licence a font file carries: named in its own name table (IDs 13 and 14), or a licence file beside it
    (OFL.txt, LICENSE.txt, <font>.license ...); None when neither says."""
    from fontTools.ttLib import TTFont, TTLibError  # only for fonts found beside templates, rarely in a worker

    try:
        # The file is opened here: TTFont given a path leaves it open when the file is no font it can read.
        with path.open("rb") as fh, TTFont(fh, fontNumber=0, lazy=True) as tt:
            said = " ".join(str(tt["name"].getDebugName(i) or "") for i in (13, 14)).lower() if "name" in tt else ""
    except (OSError, TTLibError, AssertionError, KeyError, ValueError):
        said = ""
    for needle, name in _KNOWN_LICENCES:
        if needle in said:
            return name
    for pattern in LICENCE_FILES:
        found = sorted(p for p in path.parent.glob(pattern) if p.is_file() and p != path)
        if found:
            return f"see {found[0].name}"
    return None


@cache
def system_fonts() -> tuple[str, ...]:
    """This machine's scalable font files as fontconfig lists them, in a fixed order (by path); none without
    fontconfig. Only a workspace or job that allows it (``system_fonts: true``) draws with them."""
    try:
        done = subprocess.run(["fc-list", "--format", "%{file}\n", ":scalable=true"], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    found = {line.strip() for line in done.stdout.splitlines() if is_font_file(line.strip())}
    return tuple(sorted(found))


@cache
def _bundled_coverage() -> dict[str, tuple[tuple[int, int], ...]]:
    """The bundled fonts' coverage as ranges, kept in coverage.json (made by ``coverage_ranges``; a test keeps it
    true): reading a 11 MB font's cmap with fontTools costs tens of MB in every worker."""
    data = json.loads(files("artpipe.fonts").joinpath("coverage.json").read_text(encoding="utf-8"))
    return {name: tuple((int(a), int(b)) for a, b in ranges) for name, ranges in data.items()}


@cache
def _expand(ranges: tuple[tuple[int, int], ...]) -> frozenset[int]:
    return frozenset(c for a, b in ranges for c in range(a, b + 1))


def coverage_ranges(codes: frozenset[int]) -> list[tuple[int, int]]:
    """Code points as sorted inclusive ranges."""
    out: list[tuple[int, int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1] = (out[-1][0], code)
        else:
            out.append((code, code))
    return out


@cache
def coverage(font: Face) -> frozenset[int]:
    """Code points the face maps to a real glyph: a bundled face's from coverage.json, any other's from its
    cmap (fontTools' best cmap: Unicode full repertoire first, symbol fonts too; empty for a file fontTools
    cannot read)."""
    known = _bundled_coverage().get(font.path.name) if font.path.parent == _FONT_DIR else None
    if known is not None:
        return _expand(known)
    return read_coverage(font.path)


def read_coverage(path: Path) -> frozenset[int]:
    """A font file's coverage read from its cmap with fontTools."""
    from fontTools.ttLib import TTFont, TTLibError  # the bundled fonts' coverage is precomputed

    try:
        with path.open("rb") as fh, TTFont(fh, fontNumber=0, lazy=True) as tt:  # see licence_of
            cmap = tt.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError, KeyError, ValueError):
        return frozenset()
    return frozenset(code for code, glyph in cmap.items() if glyph != ".notdef")


def covers(font: Face, cluster: str) -> bool:
    """Whether the face draws every character of a cluster (joiners and selectors need no glyph)."""
    have = coverage(font)
    return all(ord(ch) in have or ignorable(ord(ch)) for ch in cluster)


def _pick(cluster: str, faces: tuple[Face, ...], before: str, current: Face | None) -> Face | None:
    """The face that draws one cluster: an emoji font for emoji, a Latin form after Latin text, the current
    run's face for spaces and punctuation it has, else the first face that has it."""
    if is_emoji(cluster):
        found = next((f for f in faces if f.strike and covers(f, cluster)), None)
        if found is not None:
            return found
    candidates = tuple(f for f in faces if not f.strike)
    if cluster in LATIN_FORMS and before and not is_cjk(before):
        latin = next((f for f in candidates if not f.cjk and covers(f, cluster)), None)
        if latin is not None:
            return latin
    if current is not None and not current.strike and not cluster[0].isalnum() and covers(current, cluster):
        return current
    return next((f for f in candidates if covers(f, cluster)), None)


@lru_cache(maxsize=16384)
def runs(text: str, faces: tuple[Face, ...]) -> tuple[Run, ...]:
    """``text`` split into runs, each cluster in the face that draws it (the first face when none does).
    Cached: fitting measures the same lines at many sizes."""
    out: list[Run] = []
    before = ""
    for cluster in clusters(text):
        current = out[-1].face if out else None
        chosen = _pick(cluster, faces, before, current) or faces[0]
        if out and out[-1].face == chosen:
            out[-1] = Run(chosen, out[-1].text + cluster)
        else:
            out.append(Run(chosen, cluster))
        if not cluster.isspace() and cluster not in LATIN_FORMS:
            before = cluster[-1]
    return tuple(out)


def missing_chars(text: str, faces: tuple[Face, ...]) -> list[str]:
    """Characters of ``text`` that no face of the chain draws (line breaks and tabs are layout, not glyphs)."""
    return list(_missing(text, faces))


@lru_cache(maxsize=4096)
def _missing(text: str, faces: tuple[Face, ...]) -> tuple[str, ...]:
    seen: list[str] = []
    for cluster in clusters(text):
        if cluster in ("\n", "\r", "\t", "\r\n") or any(covers(f, cluster) for f in faces):
            continue
        for ch in cluster:
            if not ignorable(ord(ch)) and not any(covers(f, ch) for f in faces) and ch not in seen:
                seen.append(ch)
    return tuple(seen)


@lru_cache(maxsize=48)  # each size of a CJK face holds ~2 MB in FreeType; opening one again takes under 1 ms
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=LAYOUT)


def font_of(font: Face, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font for a face, cached per process; a colour bitmap font at its one strike size."""
    return _font(str(font.path), font.strike or size)


def get_font(family: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font of a bundled family or font file (for labels and single-face text such as prices)."""
    return font_of(face(family, weight), size)


_SCRIPT_SAMPLES = {"Latin": "AZaz", "Greek": "Ωαβ", "Cyrillic": "Жжя", "Han": "中國发", "Kana": "あア",
                   "Hangul": "한글", "Arabic": "عرب", "Hebrew": "אב", "Thai": "กข", "Devanagari": "कख",
                   "Emoji": "🔥😀"}


@dataclass(frozen=True)
class FontInfo:
    """What ``artpipe fonts`` says about one face."""

    name: str
    weight: str
    file: str
    source: str  # "bundled", "template <name>", "system"
    licence: str
    code_points: int
    scripts: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "weight": self.weight, "file": self.file, "source": self.source,
                "licence": self.licence, "code_points": self.code_points, "scripts": list(self.scripts)}


def describe(font: Face, source: str) -> FontInfo:
    """A face's coverage (code points, and the scripts it draws) and licence."""
    have = coverage(font)
    scripts = tuple(name for name, sample in _SCRIPT_SAMPLES.items() if all(ord(c) in have for c in sample))
    licence = font.licence or licence_of(font.path) or "unknown"
    return FontInfo(font.label, font.weight, str(font.path), source, licence, len(have), scripts)
