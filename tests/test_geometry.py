"""Placement geometry (artpipe/imaging/geometry.py): pure integer arithmetic, tested with tables."""

from __future__ import annotations

import pytest

from artpipe.imaging.geometry import Fitted, anchor_offset, crop_window, fit_size, window_around


@pytest.mark.parametrize(("src", "box", "fit", "expected"), [
    ((1000, 500), (400, 400), "contain", (400, 200)),
    ((500, 1000), (400, 400), "contain", (200, 400)),
    ((1000, 500), (400, 400), "cover", (800, 400)),
    ((500, 1000), (400, 400), "cover", (400, 800)),
    ((1000, 500), (400, 400), "fill", (400, 400)),
    ((333, 333), (100, 50), "contain", (50, 50)),
])
def test_fit_size(src: tuple[int, int], box: tuple[int, int], fit: str, expected: tuple[int, int]) -> None:
    assert fit_size(*src, *box, fit) == expected


@pytest.mark.parametrize(("anchor", "expected"), [
    ("center", (50, 25)), ("top-left", (0, 0)), ("bottom-right", (100, 50)), ("top", (50, 0)), ("left", (0, 25)),
])
def test_anchor_offset(anchor: str, expected: tuple[int, int]) -> None:
    assert anchor_offset(100, 50, 200, 100, anchor) == expected


def test_crop_window_centres_on_focus_and_clamps() -> None:
    assert crop_window(1000, 500, 400, 500, (0.5, 0.5)) == (300, 0)
    assert crop_window(1000, 500, 400, 500, (0.95, 0.5)) == (600, 0)
    assert crop_window(1000, 500, 400, 500, (0.0, 0.5)) == (0, 0)


@pytest.mark.parametrize(("src", "win", "lo", "hi", "expected"), [
    (1000, 400, 450, 550, 300),   # centred on the subject
    (1000, 400, 800, 950, 600),   # clamped to the image's end, subject still inside
    (1000, 400, 0, 100, 0),
    (1000, 400, 300, 750, None),  # subject wider than the window
    (300, 400, 0, 100, None),     # window wider than the image
])
def test_window_around_keeps_the_subject_inside(src: int, win: int, lo: int, hi: int,
                                                 expected: int | None) -> None:
    x = window_around(src, win, lo, hi)
    assert x == expected
    if x is not None:
        assert x <= lo
        assert hi <= x + win


@pytest.mark.parametrize(("box", "picture", "expected"), [
    (Fitted(400, 400), (1000, 500), 0.4),                 # contain: the wider side decides
    (Fitted(400, 400, fit="cover"), (1000, 500), 0.8),    # cover: the narrower side decides
    (Fitted(400, 400, fit="fill"), (1000, 500), 0.8),     # fill scales by the looser side too
    (Fitted(300, 600), (100, 100), 3.0),                  # a small picture is scaled up
])
def test_fitted_scale_is_the_tighter_side_for_contain_and_the_looser_otherwise(
        box: Fitted, picture: tuple[int, int], expected: float) -> None:
    assert box.scale(*picture) == pytest.approx(expected)


def test_a_contained_picture_drawn_at_its_scale_fits_the_box_and_touches_it() -> None:
    box = Fitted(320, 200)
    scale = box.scale(1234, 567)
    assert (round(1234 * scale), round(567 * scale)) == fit_size(1234, 567, 320, 200, "contain")
