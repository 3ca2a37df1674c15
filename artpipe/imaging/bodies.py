"""How many products one piece of a cut-out shows, by the shape of its outline. Pure (numpy, scipy).

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
hull's) and sizeable (``body_share`` of the piece), and the whole is not (``body_whole``). The measures are the
review settings ``body_*`` (defaults.yaml).

What it cannot tell: two products whose union is nearly convex (two boxes stacked, two mugs one on the other) are
counted as one, and so are two products that touch at a point; one product made of two convex parts through a
neck (an hourglass) as two, and the operator says ``subjects: set`` for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from artpipe.defaults import ReviewSettings


def solidity(mask: np.ndarray) -> float:
    """``mask``'s area over its convex hull's (pixels as unit squares); 1.0 for an empty or one-line mask."""
    import numpy as np
    from scipy import ndimage
    from scipy.spatial import ConvexHull, QhullError

    area = int(mask.sum())
    if area == 0:
        return 1.0
    ys, xs = np.nonzero(mask & ~ndimage.binary_erosion(mask))  # the hull of the outline is the hull of all
    corners = np.concatenate([np.column_stack([xs + dx, ys + dy]) for dx in (0, 1) for dy in (0, 1)]).astype(float)
    try:
        hull = ConvexHull(corners)
    except QhullError:  # all on one line
        return 1.0
    return area / float(hull.volume)


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
    piece = ndimage.binary_fill_holes(labels == areas.argmax())
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
        found = sum(1 for label in kept if (owner == label).sum() >= rules.body_share * total
                    and solidity(owner == label) >= rules.body_convex)
        return found if found >= 2 and solidity(piece) <= rules.body_whole else 1
    return 1
