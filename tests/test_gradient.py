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
