"""Clean a plain backdrop to pure white without touching the product. Pure.

Only backdrop pixels connected to the frame's edge are whitened, so light parts inside the product (a
white mug's body, a label) stay as they are even when their colour is close to the backdrop's; a soft
ramp over the tolerance keeps edges and floor shadows natural instead of cut out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageFilter

from artpipe.imaging.derived import derived
from artpipe.imaging.morphology import near
from artpipe.imaging.tiles import Box, boxes, cell_ranges, grown_box

if TYPE_CHECKING:
    import numpy as np

_ANALYSIS_SIDE = 512
_RUN = re.compile(rb"\xff+")
_OPAQUE = 250  # alpha from here up is the product itself, never cleared
_BODY = 192  # alpha from here up is mostly product: its body, whose soft edge is kept (a mask may hold 240 for
# several pixels inside a product's outline; a shadow a cut-out carries is far fainter)
_EDGE_REACH = 7  # MaxFilter size: a cut-out's soft edge reaches 3 px from its opaque body; beyond is a shadow
_EDGE_BAND = 3  # MaxFilter size: the pixel next to the product (at the picture's size) keeps the soft ramp


def grown(mask: Image.Image, size: int) -> Image.Image:
    """A two-valued ``mask`` (0 and 255) with its 255s grown by ``size // 2`` pixels each way: the pixels
    ``MaxFilter(size)`` gives (both continue the edge pixels past the border), by a box blur, whose cost does
    not grow with the size, where Pillow's rank filter sorts every window (500 ms on a 2.5 MP mask at size 7).
    Any 255 in a window leaves a mean of at least 255 / size^2, which rounds above 0 up to size 15."""
    blurred = mask.filter(ImageFilter.BoxBlur(size // 2))
    # Every value above 0 made 255: ImageChops.add divides 2v by the scale and clips at 255. Image.point would
    # do the same at a Python-side cost of ~50 us a call (it rounds its table each time), and grown runs on
    # every box along a cut-out's outline.
    return ImageChops.add(blurred, blurred, scale=1 / 256)


def _distance(im: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    """Per-pixel max-channel distance from ``color`` (an L image)."""
    diff = ImageChops.difference(im, Image.new("RGB", im.size, color))
    r, g, b = diff.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _runs(row: bytes) -> list[tuple[int, int]]:
    """The [start, end) spans of 255 in one mask row (found by the regex engine, not pixel by pixel)."""
    return [m.span() for m in _RUN.finditer(row)]


def edge_connected(near: Image.Image) -> Image.Image:
    """Of the 255 pixels in ``near``, those reachable from the frame's edge (4-connected), 255; others 0.

    A scanline fill over runs of 255: each row's runs are found at C speed, then runs overlapping a reached
    run in the row above or below are reached too, so the work grows with the number of runs, not pixels."""
    w, h = near.size
    data = near.tobytes()
    rows = [_runs(data[y * w:(y + 1) * w]) for y in range(h)]
    starts = [[s for s, _ in runs] for runs in rows]
    reached: list[set[int]] = [set() for _ in range(h)]
    todo: list[tuple[int, int]] = []
    for y, runs in enumerate(rows):
        for i, (s, e) in enumerate(runs):
            if y in (0, h - 1) or s == 0 or e == w:
                reached[y].add(i)
                todo.append((y, i))
    while todo:
        y, i = todo.pop()
        s, e = rows[y][i]
        for ny in (y - 1, y + 1):
            if not 0 <= ny < h:
                continue
            # runs of row ny overlapping [s, e): those starting before e, back to the first ending after s
            j = bisect_left(starts[ny], e) - 1
            while j >= 0 and rows[ny][j][1] > s:
                if j not in reached[ny]:
                    reached[ny].add(j)
                    todo.append((ny, j))
                j -= 1
    out = bytearray(w * h)
    for y, found in enumerate(reached):
        for i in found:
            s, e = rows[y][i]
            out[y * w + s:y * w + e] = b"\xff" * (e - s)
    return Image.frombytes("L", (w, h), bytes(out))


def backdrop_region(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int,
                    side: int = _ANALYSIS_SIDE) -> Image.Image:
    """Where ``im``'s backdrop is (255) at most ``side`` px on the long side: pixels near the backdrop colour
    that are connected to the frame's edge."""
    small = region_copy(im, side)
    return edge_connected(_distance(small, backdrop).point(lambda v: 255 if v <= tolerance else 0))


def region_copy(im: Image.Image, side: int = _ANALYSIS_SIDE) -> Image.Image:
    """``im`` box-reduced to at most ``side`` px on its long side, as ``backdrop_region`` looks at it (``im``
    itself when it is that small): a caller that reads the copy too makes the region from it."""
    scale = min(1.0, side / max(im.size))
    if scale >= 1:
        return im
    return im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.BOX)


def photo_region(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int) -> Image.Image:
    """``backdrop_region`` of a photo, made once per photo however many steps ask (the colour path's
    isolation, the product's mask, each picture drawn whitened): each made it from the whole photo, a box
    reduction of 12 MP to 512 px (30 ms) every time."""
    return derived(im, f"region:{backdrop}:{tolerance}", lambda: backdrop_region(im, backdrop, tolerance))


def apply_white(im: Image.Image, region: Image.Image, backdrop: tuple[int, int, int], tolerance: int,
                box: tuple[float, float, float, float] | None = None, clear: Image.Image | None = None,
                ) -> Image.Image:
    """``im`` (RGB) with the backdrop in ``region`` made pure white. ``box``: the part of ``region`` that
    ``im`` shows (in region pixels), when ``im`` is a crop or a scaled copy of the analysed picture. ``clear``:
    more to make white whatever its colour (a shadow, enclosed backdrop; 255 there), at ``region``'s size."""
    if clear is not None:  # what is cleared counts as backdrop: next to it is no product edge to keep soft
        if clear.size != region.size:
            clear = clear.resize(region.size, Image.Resampling.BILINEAR)
        region = ImageChops.lighter(region, clear)
        cleared = clear.resize(im.size, Image.Resampling.BILINEAR, box=box)
    mask = region.resize(im.size, Image.Resampling.BILINEAR, box=box)
    # Near the product: full strength up to half the tolerance, fading to nothing at the tolerance (soft edges).
    # Away from it the backdrop is backdrop whatever its shade: a fading ramp there would leave the floor's
    # grain and a shadow's smear as grey speckles on white.
    half = max(1, tolerance // 2)
    ramp = _distance(im, backdrop).point(lambda v: 255 if v <= half else max(0, 255 - (v - half) * 255 // half))
    # "near": within a pixel of the product at this picture's own size (the region's edge, upsampled, is soft)
    product = mask.point(lambda v: 255 if v < 128 else 0)
    away = ImageChops.invert(grown(product, _EDGE_BAND))
    alpha = ImageChops.multiply(mask, ImageChops.lighter(ramp, away))
    if clear is not None:
        alpha = ImageChops.lighter(alpha, cleared)  # a shadow against the product goes, whatever its shade
    return Image.composite(Image.new("RGB", im.size, (255, 255, 255)), im, alpha)


def whiten(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int,
           clear: Image.Image | None = None) -> Image.Image:
    """``im`` (RGB) with its edge-connected backdrop (and ``clear``, see apply_white) made pure white."""
    return apply_white(im, photo_region(im, backdrop, tolerance), backdrop, tolerance, clear=clear)


def clear_faint(im: Image.Image, tolerance: int) -> Image.Image:
    """A cut-out (RGBA) with its faint, see-through surroundings (a soft shadow, a grey floor, a fringe: partly
    transparent pixels that are nearly white on white) made transparent, fading in up to ``tolerance``, and
    every see-through pixel more than 3 px from its opaque body (a shadow it carries) too: on white it then
    shows only what a check counts as product. Opaque pixels stay, so a white product keeps its body."""
    alpha = faint_cleared_alpha(im, tolerance)
    if alpha is None:
        return im
    out = im.copy()
    out.putalpha(alpha)
    return out


def faint_cleared_alpha(im: Image.Image, tolerance: int, reach: int = _EDGE_REACH // 2) -> Image.Image | None:
    """The alpha channel ``clear_faint`` gives ``im``; None when it would not change. ``reach``: how far
    (pixels) a cut-out's soft edge reaches from its opaque body, for a cut-out drawn at another scale than the
    one the 3 px were meant for (its photo's)."""
    cleared = _faint_cleared(im, tolerance, reach)
    return Image.fromarray(cleared, "L") if cleared is not None else None


def clear_faint_in_place(im: Image.Image, tolerance: int, reach: int = _EDGE_REACH // 2) -> bool:
    """Clear ``im``'s faint pixels as ``clear_faint`` does, in ``im`` itself (a fresh cut-out its caller owns),
    without a copy of the picture. Whether any changed."""
    cleared = _faint_cleared(im, tolerance, reach)
    if cleared is None:
        return False
    im.putalpha(Image.fromarray(cleared, "L"))
    return True


def _faint_cleared(im: Image.Image, tolerance: int, reach: int) -> np.ndarray | None:
    """``im``'s alpha (RGBA) as ``clear_faint`` leaves it, an array; None when no pixel changes."""
    import numpy as np

    return faint_cleared_array(np.asarray(im.getchannel("A")), im, tolerance, reach)


_FAINT_STRIP = 8  # cell rows per box: each box costs ~0.1 ms of calls whatever its size (a 1720 px product's
# outline in 71 boxes of 4 cell rows took 7.3 ms, in 31 of 8 rows 5.3, in 18 of 12 rows 5.4)


def faint_cleared_array(before: np.ndarray, im: Image.Image, tolerance: int, reach: int,
                        cells: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray | None:
    """The alpha ``before`` (an array) of a cut-out whose colours are ``im`` (RGB or RGBA) as ``clear_faint``
    leaves it; None when no pixel changes. ``cells``: the alpha's ``tiles.cell_ranges`` when they are at hand
    (the cut-out was made along the same cells)."""
    import numpy as np

    # Only see-through pixels can change: the cells along the outline hold them. Each box is worked on with a
    # margin as wide as the farthest look around a pixel (its body within ``reach``, its edge within 2 px), so it
    # gets what the whole picture would, from the alpha as it was before any box changed it.
    lo, hi = cells if cells is not None else cell_ranges(Image.fromarray(before, "L"))
    found = boxes((hi > 0) & (lo < _OPAQUE), im.size, strip=_FAINT_STRIP)
    ramp = np.asarray(_faint_ramp(tolerance), dtype=np.int32)
    margin = max(reach, 2) + 1
    out = None
    for box in found:
        outer = grown_box(box, margin, im.size)
        inner = (slice(box[1] - outer[1], box[3] - outer[1]), slice(box[0] - outer[0], box[2] - outer[0]))
        piece = _faint_cleared_piece(im, box, before[outer[1]:outer[3], outer[0]:outer[2]], inner, ramp, reach)
        if piece is not None:
            out = before.copy() if out is None else out
            out[box[1]:box[3], box[0]:box[2]] = piece
    return out


def _faint_cleared_piece(im: Image.Image, box: Box, a: np.ndarray, inner: tuple[slice, slice], ramp: np.ndarray,
                         reach: int) -> np.ndarray | None:
    """The alpha of ``box`` of ``im`` cleared (None: unchanged), from ``a``, the alpha of the box and its margin
    (``inner``: the box in it). A see-through pixel with no body (alpha >= 192) within ``reach`` is no edge of
    the product (a shadow the cut-out carries, which a white-background image leaves out whatever its shade):
    it goes. Within two pixels of the body a see-through pixel is the product's anti-aliased outline (a dark
    bag's soft edge is faint on white too), kept: clearing those cut teeth into a smooth outline once the
    picture was enlarged. Between, it loses as much as it is faint on white (a grey floor, a soft shadow's rim):
    ``ramp`` of its distance from white once put on white (Pillow's paste: (c a + 255 (255 - a)) / 255, its
    rounding), 255 up to half the tolerance, fading to nothing at the tolerance."""
    import numpy as np

    body = a >= _BODY
    edge = near(body, 2)
    here = a[inner]
    see_through = (here > 0) & (here < _OPAQUE)
    beyond_edge = see_through & ~edge[inner]
    # beyond the body's reach: past the outline's band (grown from it) or, at a reach under 2, inside it too
    beyond_body = beyond_edge & ~near(edge, reach - 2)[inner] if reach >= 2 else see_through & ~near(body, reach)[inner]
    if not beyond_body.any() and not beyond_edge.any():
        return None
    out = here.copy()
    out[beyond_body] = 0
    ring = beyond_edge & ~beyond_body
    if ring.any():
        ys, xs = np.nonzero(ring)
        rgb = np.asarray(im.crop(box))[ys, xs, :3].astype(np.int32)
        kept = here[ys, xs].astype(np.int32)
        t = rgb * kept[:, np.newaxis] + 255 * (255 - kept[:, np.newaxis]) + 128
        far = 255 - (((t >> 8) + t) >> 8).min(axis=1)
        out[ys, xs] = np.maximum(kept - ramp[far], 0)
    return None if np.array_equal(out, here) else out


@lru_cache(maxsize=8)
def _faint_ramp(tolerance: int) -> tuple[int, ...]:
    """The lookup table from a pixel's distance from white to how faint it is: 255 up to half the tolerance,
    fading to 0 at the tolerance."""
    half = max(1, tolerance // 2)
    return tuple(255 if v <= half else max(0, 255 - (v - half) * 255 // half) for v in range(256))


