"""The fonts of a page people read (the proof page, the studio's pages): the bundled faces cut down to the
characters on that page, as WOFF2.

Linking the bundled CJK faces whole made a phone download 22 MB to show one Chinese campaign; the few hundred
characters a page shows take tens of KB. Every character of the page goes to the first bundled face that has it
(the fallback chain of fonts.yaml, with the CJK face after the others so Latin text keeps Latin quotes and
dashes); colour emoji come from the system's emoji font where there is one, the bundled one after it (not every
browser draws colour bitmap fonts). Both weights are cut: some of the text is bold. Subsets are cached by (face,
characters), so a page whose text did not change is not cut again.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from artpipe.text import fonts
from artpipe.text.fonts import Face
from artpipe.text.scripts import KEYCAP, VS16, ZWJ, is_emoji

FAMILY = "artpipe"
EMOJI_FAMILY = "artpipe emoji"
# The system's emoji fonts before the bundled one: Safari draws no colour bitmap font (CBDT), every phone has
# its own emoji font, and only a machine with none needs ours.
STACK = (f'"{FAMILY}", system-ui, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", '
         f'"{EMOJI_FAMILY}"')
WEIGHTS = (("regular", 400), ("bold", 700))
_EMOJI_JOINERS = frozenset(ZWJ + VS16 + KEYCAP)  # parts of an emoji sequence, drawn by the emoji font's ligatures
_LINKED_MAX = 1024  # fonts of served pages remembered for the font route (a page served again links them again)
_SUBSETS_MAX = 64  # subsets kept in memory (a CJK one is 10-100 KB)


@dataclass(frozen=True)
class PageFont:
    """One face of a page, cut to the characters it draws there."""

    face: Face
    chars: str  # sorted, each once
    weight: int  # the CSS weight; 0: any (the emoji font, which has one)

    @property
    def family(self) -> str:
        return EMOJI_FAMILY if self.face.strike else FAMILY

    @property
    def name(self) -> str:
        """The subset's file name: a digest of the face (its file and version) and the characters."""
        digest = hashlib.sha256(f"{_identity(self.face.path)}\0{self.chars}".encode()).hexdigest()
        return f"{digest[:24]}.woff2"


@cache
def _identity(path: Path) -> str:
    st = path.stat()
    return f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}"


def page_chars(page: str) -> str:
    """Every character of an HTML page (text, attributes, style and script alike: a character drawn from CSS
    or script is on the page too), sorted, control characters left out."""
    found = set(html.unescape(page))
    return "".join(sorted(ch for ch in found if unicodedata.category(ch) != "Cc"))


@cache
def _text_faces(weight: str) -> tuple[Face, ...]:
    """The bundled fallback chain without the emoji font, the CJK face after the others."""
    return tuple(sorted((f for f in fonts.chain((), weight) if not f.strike), key=lambda f: f.cjk))


@cache
def _emoji_face() -> Face | None:
    return next((f for f in fonts.chain((), "regular") if f.strike), None)


def page_fonts(chars: str) -> tuple[PageFont, ...]:
    """The faces drawing ``chars``, each cut to its share: per weight, each character in the first text face
    that has it; emoji (and what no text face has but the emoji font does) in the emoji font."""
    out: list[PageFont] = []
    for weight, css in WEIGHTS:
        shares: dict[Face, list[str]] = {}
        for ch in chars:
            if is_emoji(ch):
                continue
            face = next((f for f in _text_faces(weight) if ord(ch) in fonts.coverage(f)), None)
            if face is not None:
                shares.setdefault(face, []).append(ch)
        out += [PageFont(face, "".join(share), css) for face, share in shares.items()]
    emoji = _emoji_face()
    if emoji is not None:
        covered = fonts.coverage(emoji)
        texts = {ch for font in out for ch in font.chars}
        pictures = [ch for ch in chars if ord(ch) in covered and (is_emoji(ch) or ch not in texts)
                    and ch not in _EMOJI_JOINERS]
        if pictures:
            joiners = [ch for ch in chars if ch in _EMOJI_JOINERS and ord(ch) in covered]
            if KEYCAP in chars:  # 1️⃣ is a ligature of the digit, VS16 and the keycap: it needs the digits too
                joiners += [ch for ch in chars if ch in "0123456789#*" and ord(ch) in covered]
            out.append(PageFont(emoji, "".join(sorted({*pictures, *joiners})), 0))
    return tuple(out)


@lru_cache(maxsize=_SUBSETS_MAX)
def _subset(path: Path, chars: str) -> bytes:
    from fontTools import subset  # only pages need it: workers never import it

    options = subset.Options()
    options.flavor = "woff2"  # needs the brotli module
    options.hinting = False  # browsers on phones and Macs ignore hints; they are a third of a small subset
    options.desubroutinize = True  # CFF without subroutines compresses smaller in WOFF2 (fontTools' docs)
    font = subset.load_font(str(path), options, lazy=True)
    try:
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=[ord(ch) for ch in chars])
        cutter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue()


def subset_bytes(font: PageFont) -> bytes:
    """The WOFF2 file of one page font (cut once per face and characters, then cached)."""
    return _subset(font.face.path, font.chars)


def _ranges(chars: str) -> str:
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}"
                     for a, b in fonts.coverage_ranges(frozenset(ord(ch) for ch in chars)))


def font_css(page: tuple[PageFont, ...], urls: dict[str, str]) -> str:
    """The ``@font-face`` rules of a page's fonts (``urls``: font name -> where it is), and its font stack."""
    rules = []
    for font in page:
        weight = f"{font.weight}" if font.weight else "100 900"
        rules.append(f'@font-face {{ font-family: "{font.family}"; font-weight: {weight}; font-display: swap; '
                     f'src: url("{urls[font.name]}") format("woff2"); unicode-range: {_ranges(font.chars)}; }}')
    return "\n".join([*rules, f"body {{ font-family: {STACK}; }}"])


_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def _with_style(page: str, css: str) -> str:
    """``page`` with ``css`` in a style element at the end of its head (so it comes after the page's own)."""
    style = f"<style>\n{css}\n</style>\n"
    found = _HEAD_END.search(page)
    return page[:found.start()] + style + page[found.start():] if found else style + page


def embed_fonts(page: str) -> str:
    """A page carrying its fonts inside (data URLs): one file to send. Cuts the subsets (tenths of a second
    for a CJK face the first time): call it off an event loop."""
    fonts_of_page = page_fonts(page_chars(page))
    urls = {f.name: "data:font/woff2;base64," + base64.b64encode(subset_bytes(f)).decode() for f in fonts_of_page}
    return _with_style(page, font_css(fonts_of_page, urls))


_linked: OrderedDict[str, PageFont] = OrderedDict()
_linked_lock = threading.Lock()


def link_fonts(page: str, prefix: str) -> str:
    """A page linking its fonts at ``prefix`` + name, remembered for ``linked_font``. Cuts nothing (quick
    enough for an event loop): the font route cuts on the first request."""
    fonts_of_page = page_fonts(page_chars(page))
    with _linked_lock:
        for font in fonts_of_page:
            _linked[font.name] = font
            _linked.move_to_end(font.name)
        while len(_linked) > _LINKED_MAX:
            _linked.popitem(last=False)
    return _with_style(page, font_css(fonts_of_page, {f.name: prefix + f.name for f in fonts_of_page}))


def linked_font(name: str) -> bytes | None:
    """The WOFF2 bytes of a font a linked page names (None for a name no page served lately): cuts it the
    first time, so call it off an event loop."""
    with _linked_lock:
        font = _linked.get(name)
    return None if font is None else subset_bytes(font)
