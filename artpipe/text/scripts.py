"""What the characters of a text are: grapheme clusters, emoji, CJK, right-to-left and scripts that need shaping.

Pure functions of the text; the font book (fonts.py) uses them to pick a face per cluster and to lay runs out.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from uniseg.graphemecluster import grapheme_clusters

ZWJ = "\u200d"
VS15, VS16 = "\ufe0e", "\ufe0f"  # text and emoji presentation selectors
KEYCAP = "\u20e3"
# Default-ignorable characters a font need not map: joiners, variation selectors, tags, bidi controls.
_IGNORABLE = frozenset([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10),
                        *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xE0020, 0xE0080),
                        *range(0xE0100, 0xE01F0)])
# Below U+1F000, the characters drawn as emoji by default (Unicode emoji-data, Emoji_Presentation=Yes); others
# (★ ✓ ❤ ☀) are text unless followed by VS16.
_EMOJI_BMP = frozenset([0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
                        *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5,
                        0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B,
                        0x2728, 0x274C, 0x274E, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27B0,
                        0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55])
# Scripts whose letters change shape or order with their neighbours: without a shaping engine they come out
# as isolated or misplaced letters, so they are refused rather than drawn wrong.
_SHAPED = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F),
           (0x1780, 0x17FF), (0x1800, 0x18AF), (0xA980, 0xA9DF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
LANG_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")  # a BCP 47 tag: zh-Hans, zh-Hant, ja, ko, ar
# Characters whose form differs between CJK and Latin typography: a CJK font sets them full-width and centred.
LATIN_FORMS = frozenset("…—‘’“”")


@lru_cache(maxsize=4096)
def clusters(text: str) -> tuple[str, ...]:
    """The user-perceived characters of ``text`` (an emoji with its modifiers, a letter with its marks)."""
    return tuple(grapheme_clusters(text))


def ignorable(code: int) -> bool:
    """A character no font needs to draw (a joiner, a variation selector)."""
    return code in _IGNORABLE


def is_emoji(cluster: str) -> bool:
    """Whether a cluster is drawn as an emoji picture: a pictograph with emoji presentation, one asked for by
    VS16, a keycap (1️⃣) or a flag (two regional indicators); VS15 asks for the text form."""
    if VS15 in cluster:
        return False
    if VS16 in cluster or KEYCAP in cluster:
        return True
    code = ord(cluster[0])
    return code >= 0x1F000 and code not in range(0x1F100, 0x1F1E6) or code in _EMOJI_BMP


def is_cjk(ch: str) -> bool:
    """Han, kana, Hangul, CJK punctuation and full-width forms."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFFEF or 0x1100 <= code <= 0x11FF
            or 0x20000 <= code <= 0x3FFFF)


def is_rtl(ch: str) -> bool:
    """A strong right-to-left letter (Hebrew, Arabic ...)."""
    return unicodedata.bidirectional(ch) in ("R", "AL")


def rtl_paragraph(text: str) -> bool:
    """Whether a paragraph runs right to left: its first strong letter does (Unicode's rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has letters that only a shaping engine draws right (Arabic, Hebrew, Indic, Thai ...)."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _SHAPED)


def text_lang(text: str, lang: str | None) -> str | None:
    """The language whose glyph forms a run takes: the one given, else Japanese for kana and Korean for Hangul
    (Han characters alone could be any of them, and keep the bundled font's Simplified Chinese forms)."""
    if lang:
        return lang
    for ch in text:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "ko"
    return None
