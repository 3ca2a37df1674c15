"""Pure integer box geometry: edge-pinned boxes, fitting and anchoring. No images here."""

from __future__ import annotations

from artpipe.template.model import Box, Length, Rect

# Anchor name -> (horizontal, vertical) position of the content in the free space, in halves (0, 1, 2).
ANCHOR_HALVES = {
    "center": (1, 1), "top": (1, 0), "bottom": (1, 2), "left": (0, 1), "right": (2, 1),
    "top-left": (0, 0), "top-right": (2, 0), "bottom-left": (0, 2), "bottom-right": (2, 2),
}


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


def fit_size(src_w: int, src_h: int, box_w: int, box_h: int, fit: str) -> tuple[int, int]:
    """Size of the source scaled into the box: ``contain`` inside it, ``cover`` over it, ``fill`` exactly."""
    if fit == "fill" or src_w <= 0 or src_h <= 0:
        return box_w, box_h
    # Compare cross products instead of float ratios so results are exact.
    wider = src_w * box_h > box_w * src_h
    if (fit == "contain") == wider:
        return box_w, max(1, (src_h * box_w + src_w // 2) // src_w)
    return max(1, (src_w * box_h + src_h // 2) // src_h), box_h


def anchor_offset(content_w: int, content_h: int, box_w: int, box_h: int, anchor: str) -> tuple[int, int]:
    """Top-left position of content inside a box for an anchor (may be negative when content is larger)."""
    hx, hy = ANCHOR_HALVES[anchor]
    return (box_w - content_w) * hx // 2, (box_h - content_h) * hy // 2


def crop_window(src_w: int, src_h: int, win_w: int, win_h: int, focus: tuple[float, float]) -> tuple[int, int]:
    """Top-left of a ``win_w`` x ``win_h`` window in the source, centred on ``focus`` (0-1 fractions), clamped."""
    x = int(focus[0] * src_w - win_w / 2 + 0.5)
    y = int(focus[1] * src_h - win_h / 2 + 0.5)
    return min(max(x, 0), max(src_w - win_w, 0)), min(max(y, 0), max(src_h - win_h, 0))


def window_around(src: int, win: int, lo: int, hi: int, centre: float | None = None) -> int | None:
    """Start of a ``win``-long window in ``src`` that holds [lo, hi), centred as near as it can be on ``centre``
    (default: the middle of [lo, hi)); None when no window can hold it."""
    if hi - lo > win or win > src:
        return None
    ideal = (lo + hi - win) // 2 if centre is None else round(centre - win / 2)
    return min(max(ideal, hi - win, 0), lo, src - win)
