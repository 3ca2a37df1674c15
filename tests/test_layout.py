from __future__ import annotations

import pytest

from artpipe.template.layout import resolve_axis, resolve_box
from artpipe.template.model import Box, Length, Rect

PX, PCT = Length, lambda v: Length(v, percent=True)  # noqa: E731


@pytest.mark.parametrize(("start", "end", "extent", "total", "expected"), [
    (PX(10), None, PX(100), 1000, (10, 100)),
    (None, PX(10), PX(100), 1000, (890, 100)),
    (PX(10), PX(20), None, 1000, (10, 970)),
    (None, None, PX(100), 1000, (450, 100)),       # extent alone: centred
    (PX(30), None, None, 1000, (30, 970)),         # start alone: to the far edge
    (None, PX(30), None, 1000, (0, 970)),          # end alone: from 0
    (None, None, None, 1000, (0, 1000)),
    (PCT(5), None, PCT(40), 1920, (96, 768)),
    (None, PCT(5), PCT(40), 750, (750 - 38 - 300, 300)),  # 5 % of 750 = 37.5 rounds to 38
    (PCT(12.5), PCT(12.5), None, 800, (100, 600)),
])
def test_resolve_axis(start: Length | None, end: Length | None, extent: Length | None, total: int,
                      expected: tuple[int, int]) -> None:
    assert resolve_axis(start, end, extent, total) == expected


@pytest.mark.parametrize(("w", "h", "expected"), [
    (1920, 600, Rect(1642, 60, 240, 240)),
    (750, 390, Rect(579, 39, 156, 156)),
    (800, 800, Rect(688, 80, 96, 96)),
])
def test_edge_pinned_badge_with_aspect_adapts_to_every_size(w: int, h: int, expected: Rect) -> None:
    # pinned 2 % from the right, 10 % from the top, 40 %/12 % high, square
    box = Box(right=PCT(2), top=PCT(10), height=PCT(40 if h < 700 else 12), aspect=1.0)
    assert resolve_box(box, w, h) == expected


def test_aspect_derives_height_from_width() -> None:
    assert resolve_box(Box(left=PX(0), width=PX(300), aspect=1.5), 1000, 1000) == Rect(0, 400, 300, 200)


def test_negative_lengths_are_clamped() -> None:
    assert resolve_box(Box(left=PX(900), right=PX(200)), 1000, 100) == Rect(900, 0, 0, 100)


@pytest.mark.parametrize(("box", "expected"), [
    (Box(left=PX(10), width=PCT(90), max_width=PX(400)), Rect(10, 0, 400, 100)),      # pinned left: keeps left
    (Box(right=PX(10), width=PCT(90), max_width=PX(400)), Rect(590, 0, 400, 100)),    # pinned right: keeps right
    (Box(width=PCT(90), max_width=PX(400)), Rect(300, 0, 400, 100)),                  # centred: stays centred
    (Box(left=PX(0), width=PX(50), min_width=PCT(10)), Rect(0, 0, 100, 100)),         # grows to the minimum
    (Box(top=PX(0), height=PCT(100), max_height=PX(60)), Rect(0, 0, 1000, 60)),
])
def test_box_limits_keep_the_pinned_edge(box: Box, expected: Rect) -> None:
    assert resolve_box(box, 1000, 100) == expected
