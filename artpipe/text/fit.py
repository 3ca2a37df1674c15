"""Fit text into a box: wrap by UAX #14, shrink from ``size`` to ``min_size``, then ellipsis or error.

Measurements use the real font, so "fits" is exact. The vertical model puts each line's em box on a
pitch of ``size * line_height``; a block of n lines is ``(n - 1) * pitch + size`` tall, so tightly set
headlines (line_height < 1) still keep their first and last lines inside the box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from artpipe.text.breaking import break_units, paragraphs

Measure = Callable[[str, int], float]  # (text, size) -> advance width in pixels

OVERFLOWS = ("shrink", "ellipsis", "error")


class TextDoesNotFit(Exception):
    """The text cannot fit its box under the layer's rules; the message says at what size."""


@dataclass(frozen=True)
class TextBlock:
    """Lines ready to draw: the chosen size, line pitch and each line's width."""

    lines: tuple[str, ...]
    size: int
    pitch: int
    widths: tuple[float, ...]
    truncated: bool = False

    @property
    def height(self) -> int:
        return block_height(len(self.lines), self.size, self.pitch)


def block_height(n_lines: int, size: int, pitch: int) -> int:
    """Height of ``n_lines`` em boxes set on ``pitch``."""
    return 0 if n_lines == 0 else (n_lines - 1) * pitch + size


def line_pitch(size: int, line_height: float) -> int:
    """Distance between baselines in pixels."""
    return max(1, round(size * line_height))


def phrase_units(paragraph: str) -> list[str]:
    """Units that break only at spaces: the author's phrase boundaries ("春季焕新 全场五折起")."""
    return [m + " " for m in paragraph.split(" ")[:-1] if m] + [paragraph.split(" ")[-1]] if paragraph else []


def wrap(text: str, width: int, size: int, measure: Measure, *, char_break: bool = False,
         phrases: bool = False) -> list[str] | None:
    """Greedy wrap at break opportunities; None when a unit is wider than ``width`` and char_break is off.

    With ``phrases`` only spaces are break opportunities, so CJK phrases separated by spaces stay whole.
    """
    lines: list[str] = []
    for para in paragraphs(text):
        units = phrase_units(para) if phrases else list(break_units(para))
        if not char_break and any(measure(u.rstrip(), size) > width for u in units):
            return None
        if char_break:
            units = [piece for u in units for piece in _split_wide(u, width, size, measure)]
        line = ""
        for unit in units:
            candidate = line + unit
            if line and measure(candidate.rstrip(), size) > width:
                lines.append(line.rstrip())
                line = unit
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _split_wide(unit: str, width: int, size: int, measure: Measure) -> list[str]:
    """Cut a unit wider than the box into pieces that fit (a last resort for long words and URLs)."""
    if measure(unit.rstrip(), size) <= width:
        return [unit]
    pieces, piece = [], ""
    for ch in unit:
        if piece and measure(piece + ch, size) > width:
            pieces.append(piece)
            piece = ""
        piece += ch
    return [*pieces, piece] if piece else pieces


def _layout(text: str, size: int, box_w: int, box_h: int, max_lines: int | None, line_height: float,
            measure: Measure, phrases: bool = False) -> TextBlock | None:
    lines = wrap(text, box_w, size, measure, phrases=phrases)
    if lines is None:
        return None
    pitch = line_pitch(size, line_height)
    if (max_lines and len(lines) > max_lines) or block_height(len(lines), size, pitch) > box_h:
        return None
    return TextBlock(tuple(lines), size, pitch, tuple(measure(line, size) for line in lines))


def _largest(text: str, low: int, size: int, box_w: int, box_h: int, max_lines: int | None,
             line_height: float, measure: Measure, phrases: bool) -> TextBlock | None:
    """The block at the largest size in [low, size] that fits (binary search: fitting is monotone in size)."""
    best = _layout(text, size, box_w, box_h, max_lines, line_height, measure, phrases)
    if best is not None:
        return best
    lo, hi = low, size - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        block = _layout(text, mid, box_w, box_h, max_lines, line_height, measure, phrases)
        if block is None:
            hi = mid - 1
        else:
            best, lo = block, mid + 1
    return best


def balanced(block: TextBlock, text: str, box_w: int, measure: Measure, phrases: bool) -> TextBlock:
    """Re-wrap to the narrowest width that keeps the same number of lines, so lines come out even."""
    n = len(block.lines)
    if n < 2:
        return block
    lo, hi = int(max(block.widths) / n), box_w
    best = block
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = wrap(text, mid, block.size, measure, phrases=phrases)
        if lines is not None and len(lines) <= n:
            best = TextBlock(tuple(lines), block.size, block.pitch, tuple(measure(x, block.size) for x in lines))
            hi = mid - 1
        else:
            lo = mid + 1
    return best


def _ellipsize(text: str, size: int, box_w: int, box_h: int, max_lines: int | None, line_height: float,
               measure: Measure, ellipsis: str) -> TextBlock:
    pitch = line_pitch(size, line_height)
    lines = wrap(text, box_w, size, measure, char_break=True) or [""]
    room = max(1, (box_h - size) // pitch + 1) if box_h >= size else 0
    keep = min(room, max_lines or room)
    if keep == 0:
        msg = f"the box is {box_h} px high, too low for even one line at {size} px"
        raise TextDoesNotFit(msg)
    kept = lines[:keep]
    if len(lines) > keep:
        last = kept[-1]
        while last and measure(last.rstrip() + ellipsis, size) > box_w:
            last = last[:-1]
        kept[-1] = last.rstrip(" ,.;:，。、；：") + ellipsis
    return TextBlock(tuple(kept), size, pitch, tuple(measure(x, size) for x in kept), len(lines) > keep)


def fit_text(text: str, box_w: int, box_h: int, *, size: int, min_size: int, max_lines: int | None,
             overflow: str, line_height: float, measure: Measure, ellipsis: str = "…",
             balance: bool = False, phrase_size_ratio: float = 0.85) -> TextBlock:
    """The largest size in [min_size, size] at which ``text`` fits, or the overflow policy's result.

    ``shrink``: shrink, then raise TextDoesNotFit. ``ellipsis``: shrink, then cut the text at
    ``min_size`` with an ellipsis (``truncated`` is set). ``error``: no shrinking at all.
    When the text has spaces, breaking only at them (whole phrases) is preferred as long as it keeps
    at least ``phrase_size_ratio`` of the size that breaking anywhere would allow.
    """
    low = size if overflow == "error" else min(min_size, size)
    best = _largest(text, low, size, box_w, box_h, max_lines, line_height, measure, phrases=False)
    phrases = False
    if " " in text.strip():
        by_phrase = _largest(text, low, size, box_w, box_h, max_lines, line_height, measure, phrases=True)
        if by_phrase is not None and (best is None or by_phrase.size >= best.size * phrase_size_ratio):
            best, phrases = by_phrase, True
    if best is not None:
        return balanced(best, text, box_w, measure, phrases) if balance else best
    if overflow == "ellipsis":
        return _ellipsize(text, low, box_w, box_h, max_lines, line_height, measure, ellipsis)
    limit = f" within {max_lines} line{'s' if max_lines != 1 else ''}" if max_lines else ""
    msg = f"text does not fit the {box_w}x{box_h} px box{limit} even at {low} px"
    raise TextDoesNotFit(msg)
