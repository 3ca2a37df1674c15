"""Pure integer box geometry: edge-pinned boxes, fitting and anchoring. No images here."""

from __future__ import annotations

from artpipe.imaging.geometry import anchor_offset as anchor_offset
from artpipe.imaging.geometry import crop_window as crop_window
from artpipe.imaging.geometry import fit_size as fit_size
from artpipe.imaging.geometry import window_around as window_around
from artpipe.template.model import Box, Length, Rect


def resolve_axis(start: Length | None, end: Length | None, extent: Length | None, total: int) -> tuple[int, int]:
    """Return (position, length) along one axis of ``total`` pixels.

    Two of start/end/extent determine the span. With one: an extent alone is centred, a start alone runs
    to the far edge, an end alone starts at 0. With none the span is the whole axis.
    """
    s = start.pixels(total) if start else None
    e = end.pixels(total) if end else None
    n = extent.pixels(total) if extent else None
    if s is not None and n is not None:
        return s, n
    if e is not None and n is not None:
        return total - e - n, n
    if s is not None and e is not None:
        return s, total - s - e
    if n is not None:
        return (total - n) // 2, n
    if s is not None:
        return s, total - s
    if e is not None:
        return 0, total - e
    return 0, total


def _pinned(start: Length | None, end: Length | None, extent: Length | None) -> bool:
    """True when an axis's length is fixed by what is given (an extent, or both edges)."""
    return extent is not None or (start is not None and end is not None)


def limit_axis(pos: int, length: int, start: Length | None, end: Length | None, lo: Length | None,
               hi: Length | None, total: int) -> tuple[int, int]:
    """Clamp a span's length to [lo, hi] keeping the edge it is pinned to (the start, else the end, else its centre)."""
    limited = length
    if hi is not None:
        limited = min(limited, hi.pixels(total))
    if lo is not None:
        limited = max(limited, lo.pixels(total))
    if limited == length:
        return pos, length
    if start is not None:
        return pos, limited
    if end is not None:
        return pos + length - limited, limited
    return pos + (length - limited) // 2, limited


def resolve_box(box: Box, width: int, height: int) -> Rect:
    """Resolve a box on a canvas of ``width`` x ``height``; lengths never go below zero."""
    x, w = resolve_axis(box.left, box.right, box.width, width)
    y, h = resolve_axis(box.top, box.bottom, box.height, height)
    x, w = limit_axis(x, w, box.left, box.right, box.min_width, box.max_width, width)
    y, h = limit_axis(y, h, box.top, box.bottom, box.min_height, box.max_height, height)
    if box.aspect:
        h_pinned = _pinned(box.top, box.bottom, box.height)
        if not _pinned(box.left, box.right, box.width) and h_pinned:
            x, w = resolve_axis(box.left, box.right, Length(round(h * box.aspect)), width)
        elif not h_pinned:
            y, h = resolve_axis(box.top, box.bottom, Length(round(w / box.aspect)), height)
    return Rect(x, y, max(w, 0), max(h, 0))
