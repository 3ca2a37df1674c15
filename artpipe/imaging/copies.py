"""How many copies of one product a photo shows, by the labels printed on them. Pure (no pixels: the text found).

Colour variants fanned out, two bottles side by side, a pack in front of another: products that overlap make one
piece of mask, and most of them make an outline no different from one product's (bodies.py sees only those that
cross or lean). What they print does differ: each copy carries its own label, so its words stand again elsewhere,
moved together as the copy is moved. One product prints a word twice often enough (a keyboard's two SHIFT keys, a
T-shirt's print on the chest and a sleeve, a brand on each cup of a pair of headphones, a book's title on its cover
and spine), but rarely a whole label twice.

So a copy is seen when two different words each stand twice and the second reading of each lies where the first's
would go if the label were moved as a whole: from the first word to the second, the direction on one copy is the
direction on the other turned by the lines' own turn (within ``TURN`` degrees), at a scale between ``SCALE``.
A word counts when the recognizer read it as printed on the product (inside it or across its outline: a copy behind
another is partly hidden) with at least ``LETTERS`` letters or digits (a Chinese, Japanese or Korean character
counts two); two readings are the same word when one starts or ends the other (a copy partly hidden reads "COFF"
beside "COFFEE"), their lines' thicknesses are within ``SIZE`` of each other (a small pack beside a large one) and
their centres ``APART`` thicknesses apart or more (not one line read twice over itself).

What it cannot tell: copies with fewer than two words read (caps, mugs, garments; labels turned upside down or
read vertically, which the recognizer seldom reads), two different products, and one product printing two words
twice in one arrangement (a two-channel panel's GAIN and INST), which counts as two (``subjects: set`` passes it).
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
SIZE = 2.2  # two readings of one word on copies: thicknesses within this ratio
APART = 2.5  # ... and centres at least this many thicknesses apart
TURN = 12.0  # two words moved together: directions within this many degrees, once turned as their lines turn
SCALE = (0.4, 2.5)  # ... and distances in this ratio

_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")  # kana, CJK ideographs, hangul


@dataclass(frozen=True)
class Copies:
    """How many copies of the product its printed labels show (1: none repeats) and the words that repeat, as
    the recognizer read them (the longer reading of each)."""

    count: int = 1
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Word:
    """One printed word: as read, its letters and digits (what is compared), where it is and how large."""

    read: str
    letters: str
    centre: tuple[float, float]
    thickness: float
    angle: float


def _word(text: TextBox) -> _Word | None:
    """A printed word on the product, long enough to count, or None."""
    if text.kind is None or text.kind.value != "printed" or text.place.value not in ("inside", "crossing"):
        return None
    letters = "".join(ch for ch in text.words.upper() if ch.isascii() and ch.isalnum() or _WIDE.match(ch))
    if sum(2 if _WIDE.match(ch) else 1 for ch in letters) < LETTERS:
        return None
    thickness = text.band[1] if text.band is not None else \
        float(min(text.box[2] - text.box[0], text.box[3] - text.box[1]))
    centre = ((text.box[0] + text.box[2]) / 2, (text.box[1] + text.box[3]) / 2)
    return _Word(text.words.strip(), letters, centre, thickness, text.angle)


def _same(a: _Word, b: _Word) -> bool:
    """Two readings of one word on two copies: one reading starts or ends the other, at a like size, apart."""
    short, long = sorted((a.letters, b.letters), key=len)
    if not (long.startswith(short) or long.endswith(short)):
        return False
    if max(a.thickness, b.thickness) > SIZE * min(a.thickness, b.thickness):
        return False
    return math.dist(a.centre, b.centre) >= APART * max(a.thickness, b.thickness)


def _moved_together(a: _Word, b: _Word, c: _Word, d: _Word) -> bool:
    """Whether ``c``, ``d`` (another word on copies one and two) lie as ``a``, ``b`` (the first word on them) do:
    the direction from ``a`` to ``c`` turned by the lines' turn from ``a`` to ``b`` is the one from ``b`` to
    ``d``, at a scale within ``SCALE``."""
    u = (c.centre[0] - a.centre[0], c.centre[1] - a.centre[1])
    v = (d.centre[0] - b.centre[0], d.centre[1] - b.centre[1])
    nu, nv = math.hypot(*u), math.hypot(*v)
    if nu < 0.5 * a.thickness or nv < 0.5 * b.thickness or not SCALE[0] <= nv / nu <= SCALE[1]:
        return False
    direction = math.degrees(math.atan2(v[1], v[0]) - math.atan2(u[1], u[0]))
    turn = -(b.angle - a.angle)  # angles are counter-clockwise as seen; image rows run down
    return abs((direction - turn + 180) % 360 - 180) <= TURN


def printed_copies(texts: Sequence[TextBox]) -> Copies:
    """The copies of one product the printed labels in ``texts`` (found and judged, textfind.text_findings)
    show: 1 unless a label stands again elsewhere, moved as a whole."""
    words = [w for w in (_word(t) for t in texts) if w is not None]
    pairs = [(i, j) for i in range(len(words)) for j in range(i + 1, len(words)) if _same(words[i], words[j])]
    labelled: dict[str, set[int]] = {}  # by the longer reading's letters: the boxes that read it
    shown: dict[str, str] = {}  # ... and that reading as read
    for i, j in pairs:
        for k, m in pairs:
            if len({i, j, k, m}) < 4 or words[i].letters == words[k].letters:
                continue
            if _moved_together(words[i], words[j], words[k], words[m]) or \
                    _moved_together(words[i], words[j], words[m], words[k]):
                longer = max(words[i], words[j], key=lambda w: len(w.letters))
                labelled.setdefault(longer.letters, set()).update((i, j))
                shown[longer.letters] = longer.read
                break
    if not labelled:
        return Copies()
    return Copies(max(len(found) for found in labelled.values()), tuple(sorted(shown.values())))
