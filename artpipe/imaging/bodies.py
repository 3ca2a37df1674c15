"""How many products one piece of a cut-out shows, by the shape of its outline. Pure (numpy, scipy.ndimage).

Two products photographed overlapping (two bottles crossed at their caps, a product leaning on another) make one
piece of mask, so counting pieces sees one subject. Their outline still shows them: each product is a simple,
nearly convex shape; they meet through a neck narrower than either; and the piece they make together is far from
convex. One product rarely looks like that: a cap's crown and brim, a mug and its handle, a laptop's lid and
base meet along a side as wide as either (no neck), or make a nearly convex whole; a person's head and body, a
pair of sunglasses or jeans are not made of convex parts.

The measure: the inscribed-distance map of the piece (holes filled) at a small side; the cores where it is high,
each a body; two bodies are separate where the map between them falls below ``body_neck`` of the smaller one's
core, and parts of one product where it falls below ``body_bridge`` (a bar: a pair of glasses' bridge, a
dumbbell's handle). The piece is flooded from the cores down the map, band by band, each pixel to the nearest
body; it shows several products when at least two bodies are convex (``body_convex``: area over the convex
hull's) and sizeable (``body_share`` of the piece), and the whole is not (``body_whole``; its thin parts, a
bra's straps or a bag's cord, left out: they widen the hull without being another product), unless the piece is
symmetric about one of its axes with every body on it (``MIRROR``, ``ON_AXIS``): a dress's bodice and skirt, one
above the other. The measures are the review settings ``body_*`` (defaults.yaml).

What it cannot tell: two products whose union is nearly convex (two boxes stacked, two mugs one on the other) are
counted as one, and so are two products that touch at a point, and two of one product in a row along its own
axis of symmetry; one product made of two convex parts through a neck, not on a mirror axis, as two, and the
operator says ``subjects: set`` for it. Copies of one product side by side or fanned out are more often seen by
the words they print (copies.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from artpipe.imaging.morphology import holes_filled

if TYPE_CHECKING:
    import numpy as np

    from artpipe.defaults import ReviewSettings


def solidity(mask: np.ndarray) -> float:
    """``mask``'s area over its convex hull's (pixels as unit squares); 1.0 for an empty mask."""
    import numpy as np

    area = int(mask.sum())
    if area == 0:
        return 1.0
    # The hull of the pixels' corners is the hull of each row's first and last pixel: a pixel between them lies
    # inside it. Drawn here rather than by scipy.spatial (Qhull), which costs a worker ~12 MB resident.
    rows = np.flatnonzero(mask.any(axis=1))
    first = mask[rows].argmax(axis=1)
    last = mask.shape[1] - mask[rows, ::-1].argmax(axis=1)  # one past the last pixel: its right corners
    corners = [(int(x), int(y)) for top, a, b in zip(rows, first, last, strict=True)
               for x in (a, b) for y in (top, top + 1)]
    hull = _hull(sorted(set(corners)))
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(hull, hull[1:] + hull[:1], strict=True))
    return area / (abs(twice) / 2)


def _hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The convex hull of ``points`` (sorted, distinct, integer), counter-clockwise (Andrew's monotone chain)."""
    def half(ordered: list[tuple[int, int]]) -> list[tuple[int, int]]:
        chain: list[tuple[int, int]] = []
        for p in ordered:
            while len(chain) >= 2 and ((chain[-1][0] - chain[-2][0]) * (p[1] - chain[-2][1])
                                       - (chain[-1][1] - chain[-2][1]) * (p[0] - chain[-2][0])) <= 0:
                chain.pop()
            chain.append(p)
        return chain[:-1]

    return half(points) + half(points[::-1])


def _small(piece: np.ndarray, side: int) -> np.ndarray:
    """``piece`` (bool) cropped to its box and reduced so its long side is at most ``side`` (a pixel is in when at
    least half of what it covers is), with a one-pixel empty border."""
    import numpy as np
    from PIL import Image

    rows, cols = np.flatnonzero(piece.any(axis=1)), np.flatnonzero(piece.any(axis=0))
    crop = piece[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        im = Image.fromarray(crop.astype(np.uint8) * 255, "L")
        im = im.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
        crop = np.asarray(im) >= 128
    return np.pad(crop, 1)


def _flood(owner: np.ndarray, depth: np.ndarray, level: float, steps: int = 12) -> np.ndarray:
    """The cores labelled in ``owner`` grown down ``depth`` from ``level`` to the piece's edge, a band of depth
    at a time, each new pixel to the nearest labelled one: the bodies (0 outside the piece)."""
    import numpy as np
    from scipy import ndimage

    for below in [*np.linspace(level, 0.0, steps, endpoint=False)[1:], 0.0]:
        _, (iy, ix) = ndimage.distance_transform_edt(owner == 0, return_indices=True)
        owner = np.where(depth > below, owner[iy, ix], 0)
    return owner


THIN = 0.2  # parts thinner than this share of the piece's deepest point (straps, cables) left out of its whole


def _without_thin(piece: np.ndarray, deepest: float) -> np.ndarray:
    """``piece`` without its thin parts (a bra's straps, a bag's cord): they make a whole less convex without
    being another product."""
    import numpy as np
    from scipy import ndimage

    radius = max(1, round(THIN * deepest))
    ys, xs = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    opened: np.ndarray = ndimage.binary_opening(piece, structure=ys * ys + xs * xs <= radius * radius)
    return opened


MIRROR = 0.8  # a piece this much like its mirror image (intersection over union) is symmetric about that axis
ON_AXIS = 0.7  # ... and a body as much like its own mirror image lies on the axis


def _mirrored(mask: np.ndarray, cy: float, cx: float, dy: float, dx: float) -> np.ndarray:
    """``mask`` reflected about the line through (cy, cx) along (dy, dx) (a unit vector)."""
    import numpy as np

    ys, xs = np.mgrid[0:mask.shape[0], 0:mask.shape[1]].astype(np.float64)
    along = (ys - cy) * dy + (xs - cx) * dx
    ry = np.rint(2 * (cy + along * dy) - ys).astype(np.intp)
    rx = np.rint(2 * (cx + along * dx) - xs).astype(np.intp)
    inside = (ry >= 0) & (ry < mask.shape[0]) & (rx >= 0) & (rx < mask.shape[1])
    out = np.zeros_like(mask)
    out[inside] = mask[ry[inside], rx[inside]]
    return out


def _like(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum()) / max(1, int((a | b).sum()))


def _stacked_on_axis(piece: np.ndarray, found: list[np.ndarray]) -> bool:
    """Whether ``piece`` is symmetric about one of its principal axes with every body of ``found`` on that axis:
    the parts of one product stacked along it (a dress's bodice and skirt, a sand timer's bulbs). Two products
    leaning together as a mirror image swap places under the reflection: neither is its own mirror image."""
    import numpy as np

    ys, xs = np.nonzero(piece)
    cy, cx = float(ys.mean()), float(xs.mean())
    _, vectors = np.linalg.eigh(np.cov(np.stack([ys - cy, xs - cx])))
    for dy, dx in vectors.T:
        if _like(piece, _mirrored(piece, cy, cx, dy, dx)) >= MIRROR and \
                all(_like(body, _mirrored(body, cy, cx, dy, dx)) >= ON_AXIS for body in found):
            return True
    return False


def bodies(solid: np.ndarray, rules: ReviewSettings) -> int:
    """How many products the largest piece of ``solid`` (bool, the product) shows by its outline: 1, or the
    number of convex bodies it is made of when they meet through necks and together are not convex."""
    import numpy as np
    from scipy import ndimage

    if not solid.any():
        return 0
    small = _small(solid, rules.body_side)
    labels, _ = ndimage.label(small, structure=np.ones((3, 3), dtype=bool))
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    piece = holes_filled(labels == areas.argmax())
    depth = ndimage.distance_transform_edt(piece)
    deepest = float(depth.max())
    if deepest < 2:
        return 1
    for level in np.linspace(0.1 * deepest, deepest, rules.body_steps, endpoint=False):
        cores, k = ndimage.label(depth > level)
        if k < 2:
            continue
        peaks = np.zeros(k + 1)
        np.maximum.at(peaks, cores.ravel(), depth.ravel())
        # bodies: cores deep enough and rising well above the level (not a ripple along one body's ridge)
        kept = [i for i in range(1, k + 1) if peaks[i] >= rules.body_core * deepest and
                level <= rules.body_neck * peaks[i]]
        if len(kept) < 2:
            continue
        if level < rules.body_bridge * min(peaks[kept]):
            return 1  # parts of one product joined by a bar (a pair of glasses, a dumbbell)
        total = int(piece.sum())
        owner = _flood(np.where(np.isin(cores, kept), cores, 0), depth, level)
        found = [owner == label for label in kept if (owner == label).sum() >= rules.body_share * total
                 and solidity(owner == label) >= rules.body_convex]
        if len(found) < 2 or solidity(_without_thin(piece, deepest)) > rules.body_whole:
            return 1
        return 1 if _stacked_on_axis(piece, found) else len(found)
    return 1
