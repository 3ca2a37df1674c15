"""How many products one piece of a cut-out shows by its outline (imaging/bodies.py), on drawn silhouettes."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.bodies import bodies, solidity

Draw = Callable[[ImageDraw.ImageDraw], None]


def _bar(cx: float, cy: float, length: float, width: float, degrees: float) -> list[tuple[float, float]]:
    """The corners of a ``length`` x ``width`` bar centred on (cx, cy), its length turned ``degrees`` from
    upright."""
    a = math.radians(degrees)
    ux, uy = math.sin(a), -math.cos(a)  # along the length
    vx, vy = -uy, ux  # across it
    h, w = length / 2, width / 2
    return [(cx + sx * h * ux + sy * w * vx, cy + sx * h * uy + sy * w * vy)
            for sx, sy in ((1, 1), (1, -1), (-1, -1), (-1, 1))]


def _silhouette(draw: Draw, size: tuple[int, int] = (600, 600)) -> np.ndarray:
    im = Image.new("L", size, 0)
    draw(ImageDraw.Draw(im))
    return np.asarray(im) >= 128


def _two_bottles(d: ImageDraw.ImageDraw) -> None:
    # the shared photo's pair: a narrow bottle leaning right and a wide one leaning left, touching only where
    # the wide one's cap is in front of the narrow one's
    d.polygon(_bar(160, 275, 260, 90, 30), fill=255)
    d.polygon(_bar(250, 118, 100, 55, 30), fill=255)  # its cap, narrower than the bottle
    d.polygon(_bar(380, 250, 280, 120, -25), fill=255)
    d.polygon(_bar(305, 96, 70, 80, -25), fill=255)  # its cap, over the other's


def _one_bottle(d: ImageDraw.ImageDraw) -> None:
    d.rounded_rectangle((200, 60, 320, 380), 20, fill=255)
    d.rectangle((235, 30, 285, 60), fill=255)  # its cap


def _mug(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((150, 100, 330, 340), fill=255)
    d.ellipse((300, 150, 400, 290), fill=255)
    d.ellipse((325, 180, 375, 260), fill=0)  # the handle's hole


def _glasses(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((60, 140, 230, 280), fill=255)
    d.ellipse((290, 140, 460, 280), fill=255)
    d.rectangle((225, 175, 295, 187), fill=255)  # the bridge


def _dumbbell(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((40, 110, 200, 310), fill=255)
    d.ellipse((320, 110, 480, 310), fill=255)
    d.rectangle((190, 195, 330, 225), fill=255)  # the handle


def _laptop(d: ImageDraw.ImageDraw) -> None:
    d.polygon([(140, 40), (380, 40), (400, 230), (120, 230)], fill=255)  # the lid
    d.polygon([(120, 230), (400, 230), (480, 360), (40, 360)], fill=255)  # the base, along the hinge


def _bracket(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((100, 60, 180, 380), fill=255)
    d.rectangle((100, 300, 440, 380), fill=255)


def _bra(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((90, 180, 300, 400), fill=255)  # the cups, meeting at the middle
    d.ellipse((300, 180, 510, 400), fill=255)
    d.rectangle((100, 330, 500, 400), fill=255)  # the band
    d.line([(150, 200), (180, 60)], fill=255, width=10)  # the straps: thin, they make no product less convex
    d.line([(450, 200), (420, 60)], fill=255, width=10)


def _dress(d: ImageDraw.ImageDraw) -> None:
    d.polygon([(230, 60), (370, 60), (390, 240), (330, 290), (270, 290), (210, 240)], fill=255)  # the bodice
    d.polygon([(270, 280), (330, 280), (500, 560), (100, 560)], fill=255)  # a narrow waist, a wide skirt


def _gown(d: ImageDraw.ImageDraw) -> None:
    # a bodice, a waist at 0.6 of its width and a skirt flaring out to the hem: on its mirror axis
    d.polygon([(232, 60), (368, 60), (368, 140), (340, 287), (495, 560), (105, 560), (260, 287), (232, 140)], fill=255)


def _cap(d: ImageDraw.ImageDraw) -> None:
    d.pieslice((120, 60, 400, 340), 180, 360, fill=255)  # the crown
    d.ellipse((300, 170, 500, 230), fill=255)  # the brim, as wide where it meets the crown


@pytest.mark.parametrize(("draw", "count"), [
    (_two_bottles, 2),
    (_one_bottle, 1),
    (_mug, 1),
    (_glasses, 1),
    (_dumbbell, 1),
    (_laptop, 1),
    (_bracket, 1),
    (_cap, 1),
    (_bra, 1),
    (_dress, 1),  # two simple parts through a neck, but stacked on the piece's mirror axis
])
def test_products_crossing_in_one_piece_are_counted_by_their_outline(draw: Draw, count: int) -> None:
    solid = _silhouette(draw)
    rules = settings().review
    assert bodies(solid, rules) == count
    turned = Image.fromarray(solid.astype(np.uint8) * 255).rotate(35, expand=True, resample=Image.Resampling.BILINEAR)
    for seen in (solid[::-1], solid[:, ::-1], solid.T, np.asarray(turned) >= 128):  # upside down, mirrored, turned
        assert bodies(seen, rules) == count


@pytest.mark.parametrize("draw", [_bra, _dress, _gown])
def test_one_product_of_two_simple_parts_stays_one_at_every_turn(draw: Draw) -> None:
    # Two cups on a band with straps, a bodice and a skirt through a narrower waist: two convex bodies through a
    # neck, whose whole is far from convex (the straps widen its hull; the waist pinches it). Counted as two
    # products before; the straps are now left out of the whole (the bra), and parts stacked on the piece's own
    # mirror axis are one product (the gown).
    rules = settings().review
    picture = Image.fromarray(_silhouette(draw).astype(np.uint8) * 255)
    for degrees in range(0, 360, 15):
        turned = np.asarray(picture.rotate(degrees, expand=True, resample=Image.Resampling.BILINEAR)) >= 128
        assert bodies(turned, rules) == 1, degrees


def test_two_products_crossing_are_counted_at_any_size_and_beside_crumbs() -> None:
    rules = settings().review
    big = _silhouette(_two_bottles, (520, 420))
    assert bodies(np.kron(big, np.ones((3, 3), dtype=bool)), rules) == 2  # 1560 px: judged at body_side
    crumbs = big.copy()
    crumbs[5:9, 5:9] = True  # a speck apart: the largest piece is judged
    assert bodies(crumbs, rules) == 2
    assert bodies(np.zeros((50, 50), dtype=bool), rules) == 0


def test_solidity_is_area_over_the_convex_hull() -> None:
    square = np.zeros((40, 40), dtype=bool)
    square[10:30, 10:30] = True
    assert solidity(square) == pytest.approx(1.0)
    ell = square.copy()
    ell[10:20, 20:30] = False  # a quarter cut away: 300 of the hull's 350
    assert solidity(ell) == pytest.approx(300 / 350)
    assert solidity(np.zeros((5, 5), dtype=bool)) == 1.0


def test_solidity_of_a_staircase_is_its_pixels_over_the_hull_of_their_corners() -> None:
    n = 30
    stairs = np.eye(n, dtype=bool)  # the hull of its corners: the n x n square less two right triangles of side n-1
    assert solidity(stairs) == pytest.approx(n / (2 * n - 1), rel=1e-12)
    stairs[:, 0] = True  # a wall on the left: the hull becomes the square less one triangle
    assert solidity(stairs) == pytest.approx((2 * n - 1) / (n * n - (n - 1) ** 2 / 2), rel=1e-12)


def test_solidity_does_not_load_qhull() -> None:
    # scipy.spatial costs a worker ~12 MB resident, held for every later photo
    probe = ("import sys, numpy as np; from artpipe.imaging.bodies import solidity; "
             "solidity(np.eye(9, dtype=bool)); print('scipy.spatial' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
