"""Pure integer geometry for placing a picture: how big it is drawn in a box, where it sits, which window of
it is shown. Used by image placement and by template layout alike."""

from __future__ import annotations

from dataclasses import dataclass

# Anchor name -> (horizontal, vertical) position of the content in the free space, in halves (0, 1, 2).
ANCHOR_HALVES = {
    "center": (1, 1), "top": (1, 0), "bottom": (1, 2), "left": (0, 1), "right": (2, 1),
    "top-left": (0, 0), "top-right": (2, 0), "bottom-left": (0, 2), "bottom-right": (2, 2),
}


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


@dataclass(frozen=True)
class Fitted:
    """A box a picture is drawn into: its size, how the picture fits it (contain, cover, fill) and whether the
    picture is trimmed to its product first."""

    width: int
    height: int
    fit: str = "contain"
    trim: bool = False

    def scale(self, width: float, height: float) -> float:
        """The scale a picture of ``width`` x ``height`` is drawn at in this box: ``contain`` by the tighter
        side, ``cover`` and ``fill`` by the looser."""
        pick = min if self.fit == "contain" else max
        return pick(self.width / width, self.height / height)
