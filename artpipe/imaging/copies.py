"""How many copies of one product a photo shows, by the words printed on it. Pure (no pixels: the text found).

Colour variants fanned out, two bottles side by side, a pack in front of another: products that overlap make one
piece of mask, and most of them make an outline no different from one product's (bodies.py sees only those that
cross or lean). What they print does differ: each copy carries its own label, so the same word stands twice on the
product, at the same size, apart. One product rarely prints a word twice at one size (its brand is large on the
front and small on the side).

A word counts when the recognizer read it as printed on the product (inside it or across its outline, as a copy
behind another is partly hidden) with at least ``LETTERS`` letters or digits; two boxes are the same word when one
reading starts or ends the other (a copy partly hidden reads "COFF" beside "COFFEE"), their lines' thicknesses are
within ``SIZE`` of each other and their centres ``APART`` thicknesses apart or more (not one line read in two
pieces). What it cannot tell: copies without words (caps, mugs, garments), copies whose words the recognizer does
not read, and one product printed with the same word twice at one size, which counts as two (``subjects: set``
passes it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the text finder (numpy, onnxruntime's loader) is imported only where text is looked for
    from artpipe.imaging.textfind import TextBox

LETTERS = 4  # a word of at least this many letters or digits (shorter ones, "100%" or "ml", repeat on one label)
SIZE = 1.35  # two readings of one word on copies: thicknesses within this ratio
APART = 2.5  # ... and centres at least this many thicknesses apart


@dataclass(frozen=True)
class Copies:
    """How many copies of the product its printed words show (1: no word repeats) and the words that repeat."""

    count: int = 1
    words: tuple[str, ...] = ()


def _letters(words: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", words.upper())


def _thickness(text: TextBox) -> float:
    """The line's thickness in the image's pixels: its own band's when found, else its box's shorter side."""
    if text.band is not None:
        return text.band[1]
    return float(min(text.box[2] - text.box[0], text.box[3] - text.box[1]))


def printed_copies(texts: Sequence[TextBox]) -> Copies:
    """The copies of one product the printed words in ``texts`` (found and judged, textfind.text_findings) show."""
    printed = [(_letters(t.words), t) for t in texts
               if t.kind is not None and t.kind.value == "printed" and t.place.value in ("inside", "crossing")]
    printed = [(word, t) for word, t in printed if len(word) >= LETTERS]
    seen: dict[str, set[int]] = {}
    for i, (a, ta) in enumerate(printed):
        for j in range(i + 1, len(printed)):
            b, tb = printed[j]
            short, long = sorted((a, b), key=len)
            if not (long.startswith(short) or long.endswith(short)):
                continue
            thick_a, thick_b = _thickness(ta), _thickness(tb)
            if max(thick_a, thick_b) > SIZE * min(thick_a, thick_b):
                continue
            (ax, ay), (bx, by) = _centre(ta), _centre(tb)
            if math.hypot(ax - bx, ay - by) < APART * max(thick_a, thick_b):
                continue
            seen.setdefault(long, set()).update((i, j))
    if not seen:
        return Copies()
    return Copies(max(len(boxes) for boxes in seen.values()), tuple(sorted(seen)))


def _centre(text: TextBox) -> tuple[float, float]:
    return (text.box[0] + text.box[2]) / 2, (text.box[1] + text.box[3]) / 2
