from __future__ import annotations

import pytest

from artpipe.imaging.gradient import linear_gradient

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


@pytest.mark.parametrize(("angle", "start", "end"), [
    (0, (0, 100), (399, 100)), (90, (200, 0), (200, 199)), (180, (399, 100), (0, 100)), (270, (200, 199), (200, 0)),
    (45, (0, 0), (399, 199)),
])
def test_gradient_runs_from_first_to_last_colour_along_its_angle(angle: float, start: tuple[int, int],
                                                                 end: tuple[int, int]) -> None:
    im = linear_gradient(400, 200, [RED, BLUE], angle)
    assert im.size == (400, 200)
    assert im.getpixel(start) == RED
    assert im.getpixel(end) == BLUE
    mid = im.getpixel((200, 100))
    assert isinstance(mid, tuple)
    assert abs(mid[0] - 128) <= 2
    assert abs(mid[2] - 128) <= 2


def test_three_stops() -> None:
    middle = linear_gradient(201, 10, [RED, (0, 255, 0, 255), BLUE], 0).getpixel((100, 5))
    assert isinstance(middle, tuple)
    assert middle[1] >= 250
    assert middle[0] <= 5


def test_radial_runs_from_centre_to_corners() -> None:
    from artpipe.imaging.gradient import radial_gradient
    im = radial_gradient(400, 200, [RED, BLUE])
    centre, corner = im.getpixel((200, 100)), im.getpixel((0, 0))
    assert isinstance(centre, tuple)
    assert isinstance(corner, tuple)
    assert centre[0] >= 250  # red in the middle
    assert corner[2] >= 235  # blue in the corners
    edge = im.getpixel((0, 100))
    assert isinstance(edge, tuple)
    assert 60 < edge[2] < 220  # the middle of an edge is on the way
