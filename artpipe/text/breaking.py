"""Line-break opportunities by the Unicode line breaking algorithm (UAX #14).

Chinese breaks between ideographs, Latin words stay whole, and CJK punctuation rules hold (no line
starts with `，。）` and none ends with `（「`). ``uniseg`` implements the algorithm; we only split
paragraphs on hard line breaks first.
"""

from __future__ import annotations

from functools import lru_cache

from uniseg.linebreak import line_break_units


def paragraphs(text: str) -> list[str]:
    """Split on hard line breaks (``\\n``, ``\\r\\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@lru_cache(maxsize=4096)
def break_units(paragraph: str) -> tuple[str, ...]:
    """The unbreakable units of one paragraph; trailing spaces stay on the unit before them.

    Cached: fitting wraps the same text at many sizes, and the algorithm is pure Python.
    """
    if not paragraph:
        return ()
    return tuple(str(u) for u in line_break_units(paragraph))
