"""Line-break opportunities by the Unicode line breaking algorithm (UAX #14).

Chinese breaks between ideographs, Latin words stay whole, and CJK punctuation rules hold (no line
starts with `，。）` and none ends with `（「`). ``uniseg`` implements the algorithm; we only split
paragraphs on hard line breaks first.
"""

from __future__ import annotations

from uniseg.linebreak import line_break_units


def paragraphs(text: str) -> list[str]:
    """Split on hard line breaks (``\\n``, ``\\r\\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def break_units(paragraph: str) -> list[str]:
    """The unbreakable units of one paragraph; trailing spaces stay on the unit before them."""
    if not paragraph:
        return []
    return [str(u) for u in line_break_units(paragraph)]
