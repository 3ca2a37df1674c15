"""A product's cast shadow found at the photo's own size, along its outline. Pure (numpy, scipy.ndimage, Pillow).

Cleaning finds shadows at 512 px by their smoothness: a floor's shadow is the backdrop darkened, without the grain
of a product's surface. A drop shadow cast sideways by a flat-laid garment is a band a few pixels wide there (the
hoodie's beside its hood: 14 px at 1200 px, 6 px at 512), and it is as neutral as the grey fabric beside it, so
every 5 px window measured along it reaches the fabric's grain: no piece of it was smooth enough, and it stayed
as a grey band on white with a hard cut where its faint outer part was cleared.

Measured at the photo's own size (up to ``SIDE``, when that is at least ``FINER`` times the cleaning's) the band
is wider than the window, and its middle is as smooth as a floor's shadow. Only a band along the outline is
measured (a cast shadow lies against the product's edge), and a piece is taken only when it is what a cast shadow
is, not what a smooth grey surface of the product is:

- of the backdrop's chromaticity and darker, smooth, open to the outside, and large enough at that size;
- only where the photo still falls inwards, and no deeper than the piece's darkest line (``FALL``): smooth
  patches of a fleece's fine grain joined its shadow's ramp into one piece, taken whole, bites 15-25 px deep;
- darkening steadily inwards, from where it fades into the backdrop to where it meets the product that casts it
  (its brightness correlates with its depth at ``RAMP`` or more, negatively);
- faded nearly to the backdrop where it meets the outside (``FADED``): a product's edge meets the backdrop with a
  step, from its own shade;
- darkening by a good share of the backdrop's brightness (``SPAN``) from there;
- deeper than an anti-aliased edge (``DEEPER``): a dark letter's soft edge is a ramp too;
- beyond its darkest line, a product unlike it (``REBOUND``, ``GRAINY``): lighter, of a colour or grainy. A grey
  product out of focus falls from the backdrop to its own grey as a shadow does, then stays that grey, smooth.

A laptop's aluminium, an iMac's stand, a phone's silver back and the shaded folds of a white sleeve were taken
without the ramp, the fade and the span: they are as smooth and neutral, but flat or lit from their edge. And as
cleaning guards a grey product, nothing is taken when smooth shade is more than ``shadow_guard`` of the band.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from artpipe.defaults import CleanupSettings
from artpipe.imaging.backdrop_model import BackdropModel, shade_terms

if TYPE_CHECKING:
    import numpy as np

SIDE = 1280  # the shadow is measured at the photo's size up to this side
FINER = 1.5  # ... when that is at least this many times the cleaning's side
BAND = 0.03  # ... within this share of the long side of the product's outline


def cast_shadow(rgb: Image.Image, mask: Image.Image, model: BackdropModel, tolerance: float,
                rules: CleanupSettings) -> Image.Image:
    """The cast shadow along ``mask``'s outline (L, ``rgb``'s size: the product as found, its cleaning applied),
    as an L mask of ``rgb``'s size (255: shadow, to be whitened), from the photo's colours against the backdrop
    ``model`` (fitted in the frame's -1..1 coordinates, so at any size) with cleaning's shadow ``rules`` scaled
    from its side to this one. Beyond the mask, pixels further than ``tolerance`` from the backdrop (which
    whitening leaves as they are) count as what is seen: a shadow's faint outer fade there goes with it. Empty
    when there is none, or when it would be a grey product's own body."""
    import numpy as np

    if mask.size != rgb.size:
        msg = (f"cast_shadow: the mask is {mask.size[0]}x{mask.size[1]}, the photo {rgb.size[0]}x{rgb.size[1]}: "
               "pass the mask at the photo's size")
        raise ValueError(msg)
    scale = max(rgb.size) / rules.side
    found = mask.point(lambda v: 255 if v >= 128 else 0).getbbox()
    if scale < FINER or found is None:  # cleaning saw the photo at (nearly) this size already; or no product
        return Image.new("L", rgb.size, 0)
    reach = max(2, round(BAND * max(rgb.size)))
    # only the product's box, grown by more than any step below reaches (a product is often a small part of a
    # 12 MP frame): each pixel gets what the whole frame would give it
    margin = reach + 8
    box = (max(0, found[0] - margin), max(0, found[1] - margin), min(rgb.width, found[2] + margin),
           min(rgb.height, found[3] + margin))
    out = Image.new("L", rgb.size, 0)
    out.paste(_cast(rgb.crop(box), np.asarray(mask.crop(box)) >= 128, box[:2], rgb.size, model, tolerance,
                    rules, scale, reach), box[:2])
    return out


def _cast(rgb: Image.Image, solid: np.ndarray, at: tuple[int, int], size: tuple[int, int], model: BackdropModel,
          tolerance: float, rules: CleanupSettings, scale: float, reach: int) -> Image.Image:
    """cast_shadow on a part of the photo: ``rgb`` and the product (``solid``) cut at ``at`` from a frame of
    ``size``; ``scale``: the frame's size to the cleaning's, ``reach``: how deep the band is."""
    import numpy as np
    from scipy import ndimage

    from artpipe.imaging.cleanup import open_pieces


    def within_reach(select: np.ndarray, outside: float, far: int) -> np.ndarray:
        near: np.ndarray = ndimage.uniform_filter(select.astype(np.float32), 2 * far + 1, mode="constant",
                                                  cval=outside) > 1e-6
        return near

    # inside the product up to ``reach`` from the outside, and outside it a few pixels (where a shadow's faint
    # fade lies beyond the mask)
    band = within_reach(~solid, 1.0, reach) & within_reach(solid, 0.0, max(2, reach // 4))
    if not band.any():
        return _as_mask(np.zeros_like(solid))
    ys, xs = np.nonzero(band)
    f = np.asarray(rgb.convert("RGB"))[ys, xs].astype(np.float32)
    distance, chroma, ratio = shade_terms(f, model.at(ys + at[1], xs + at[0], size))
    del f  # what is held through the steps below is this function's peak (~45 MB for a product filling 1200 px)
    seen = solid.copy()
    seen[ys, xs] |= distance > tolerance
    del distance
    tone, rim_tone = np.zeros_like(solid), np.zeros_like(solid)
    tone[ys, xs] = (chroma <= rules.shadow_chroma) & (ratio >= rules.shadow_darkest) & (ratio < 1.0)
    rim_tone[ys, xs] = (chroma <= 2 * rules.shadow_chroma) & (ratio >= rules.shadow_darkest) & (ratio < 1.02)
    tone &= seen
    if not tone.any():  # no shade of the backdrop along the outline (a coloured product, no shadow)
        return _as_mask(tone)
    grey = np.asarray(rgb.convert("L"), dtype=np.float32)
    shade = tone & (_band_texture(grey, tone) <= rules.shadow_texture + model.spread)
    smooth = open_pieces(shade, seen, round(rules.min_piece * scale))
    del tone, shade
    if not smooth.any() or smooth.sum() > rules.shadow_guard * (band & seen).sum():
        return _as_mask(np.zeros_like(solid))
    del band
    light, shade_chroma = np.zeros(solid.shape, dtype=np.float32), np.zeros(solid.shape, dtype=np.float32)
    light[ys, xs], shade_chroma[ys, xs] = ratio, chroma
    del ys, xs, ratio, chroma
    out = _ramps(smooth, seen, grey, light, shade_chroma, reach + 2, model.spread, rules)
    # The shadow's own rim (its grainier soft edge against the backdrop, its darkest line against the product,
    # where the windows reached the product's grain and the chromaticity of dark pixels drifts) goes with it
    # where it is of its colour, as cleaning's rim does: as deep as a pixel at the cleaning side, never into the
    # product's grain.
    rim = ndimage.binary_dilation(out, iterations=max(1, round(scale))) & rim_tone & seen
    return _as_mask(out | rim)


RAMP = 0.6  # a cast shadow darkens inwards: its brightness against its depth correlates at least this negatively
FADED = 0.85  # ... and where it meets the outside, it is at least this light (of the backdrop's brightness)
SPAN = 0.15  # ... and from there it darkens by at least this share of the backdrop's brightness
DEEPER = 3.0  # ... and it reaches at least this far (pixels) from the outside
REBOUND = 0.05  # ... and the product beyond its darkest is this much lighter (of the backdrop's), or of a colour
BEYOND = 8  # ... measured up to this many pixels beyond it; or grainy there (local deviation at least this many
GRAINY = 3.0  # times a shadow's smoothness)
FALL = 1.0  # a shadow's pixel: the photo falls inwards there by at least this (levels per pixel, smoothed)


def _ramps(pieces: np.ndarray, seen: np.ndarray, grey: np.ndarray, light: np.ndarray, chroma: np.ndarray,
           reach: int, spread: float, rules: CleanupSettings) -> np.ndarray:
    """The ``pieces``, each cut at its darkest depth, that darken steadily inwards, from the outside (not
    ``seen``) towards the product, and meet a product unlike their darkest: a cast shadow is lightest where it
    fades into the backdrop and darkest against the product that casts it. A flat grey face (a laptop's
    aluminium, an iMac's stand, a phone's silver back, the shaded fold of a white sleeve) is as smooth and
    neutral, but its brightness does not fall with its depth; a grey product's out of focus edge falls to the
    product's own grey and stays there; smooth patches of a fabric's grain joined to its shadow lie past the
    shadow's darkest. ``light`` and ``chroma``: each pixel's brightness as a share of the backdrop's and its
    chromaticity's distance from it (see ``shade_terms``); ``spread``: the backdrop model's."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(pieces)
    if n == 0:
        return pieces
    rows, cols = np.nonzero(pieces.any(axis=1))[0], np.nonzero(pieces.any(axis=0))[0]
    # the pieces' box, grown so the outside nearest each of their pixels is in it
    y0, y1 = max(0, rows[0] - reach), min(seen.shape[0], rows[-1] + reach + 1)
    x0, x1 = max(0, cols[0] - reach), min(seen.shape[1], cols[-1] + reach + 1)
    box = (slice(y0, y1), slice(x0, x1))
    seen_b, light_b, grey_b = seen[box], light[box], grey[box]  # views: nothing below writes to them
    depth = ndimage.distance_transform_cdt(seen_b, metric="chessboard")
    # only where the photo still falls inwards: past its darkest line, a shadow's piece may go on through
    # smooth patches of the product's grain, flat or rising
    ramp = np.where(_falling(grey_b, depth), labels[box], 0)
    if not (ramp > 0).any():
        return np.zeros_like(pieces)
    darkest, low = _darkest(ramp, depth, light_b, n)
    ramp = np.where(depth <= darkest[ramp] + 1, ramp, 0)
    r, deep = _correlation(ramp, depth, grey_b, n)
    # where a piece meets the outside, it has faded nearly to the backdrop: a product's edge meets the backdrop
    # with a step, from its own shade
    rim = (ramp > 0) & ndimage.binary_dilation(~seen_b)
    faded = np.bincount(ramp[rim], light_b[rim] >= FADED, n + 1) / np.maximum(np.bincount(ramp[rim], None, n + 1),
                                                                               1)
    beyond = _beyond(ramp, labels[box] > 0, seen_b, depth, darkest)
    unlike = _unlike(beyond, light_b, chroma[box], grey_b, low, n, spread, rules)
    # deeper than an anti-aliased edge: a dark letter's or rim's soft edge is a ramp too
    keep = (r <= -RAMP) & (faded >= 0.5) & (_span(ramp, n, light_b) >= SPAN) & (deep >= DEEPER) & unlike
    keep[0] = False
    out = np.zeros_like(pieces)
    out[box] = keep[ramp]
    return out


def _falling(grey: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Where the photo ``grey`` falls inwards (along ``depth``, the distance from the outside), both smoothed:
    by at least ``FALL`` levels a pixel."""
    import numpy as np
    from scipy import ndimage

    g = ndimage.gaussian_filter(grey, 1.5)
    d = ndimage.gaussian_filter(depth.astype(np.float32), 1.5)
    # the gradients' dot product, worked in two arrays (each a frame's size: ~6 MB at 1200 px)
    along = np.gradient(g, axis=0)
    along *= np.gradient(d, axis=0)
    across = np.gradient(g, axis=1)
    del g
    across *= np.gradient(d, axis=1)
    along += across
    out: np.ndarray = along <= -FALL
    return out


def _darkest(labels: np.ndarray, depth: np.ndarray, light: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per label (0..n), the depth where its mean ``light`` is lowest (depths of under 3 pixels left out), and
    that mean."""
    import numpy as np

    inside = labels > 0
    top = int(depth[inside].max()) + 2
    at = labels[inside] * top + depth[inside]
    sums = np.bincount(at, light[inside], (n + 1) * top).reshape(n + 1, top)
    counts = np.bincount(at, None, (n + 1) * top).reshape(n + 1, top)
    means = np.where(counts >= 3, sums / np.maximum(counts, 1), np.inf)
    darkest = means.argmin(axis=1)
    return darkest, means[np.arange(n + 1), darkest]


def _correlation(labels: np.ndarray, depth: np.ndarray, grey: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per label (0..n), how its brightness (``grey``) correlates with its ``depth``, and its greatest depth."""
    import numpy as np

    inside = labels > 0
    lab, d, g = labels[inside], depth[inside].astype(np.float64), grey[inside].astype(np.float64)
    count = np.maximum(np.bincount(lab, minlength=n + 1), 1).astype(np.float64)
    sd, sg = np.bincount(lab, d, n + 1) / count, np.bincount(lab, g, n + 1) / count
    vd = np.bincount(lab, d * d, n + 1) / count - sd * sd
    vg = np.bincount(lab, g * g, n + 1) / count - sg * sg
    cov = np.bincount(lab, d * g, n + 1) / count - sd * sg
    deep = np.zeros(n + 1)
    np.maximum.at(deep, lab, d)
    return cov / np.sqrt(np.maximum(vd * vg, 1e-9)), deep


def _beyond(ramp: np.ndarray, pieces: np.ndarray, seen: np.ndarray, depth: np.ndarray, darkest: np.ndarray
            ) -> np.ndarray:
    """The product beyond each piece's darkest line, labelled with the piece: up to ``BEYOND`` pixels from it,
    and a few pixels in (the shadow's darkest line against the product, where the windows reached the product's
    grain, is in no piece)."""
    import numpy as np
    from scipy import ndimage

    end = (ramp > 0) & (depth >= darkest[ramp] - 1)
    near = ndimage.grey_dilation(np.where(end, ramp, 0), size=2 * BEYOND + 1)
    out: np.ndarray = np.where(seen & ~pieces & (near > 0) & (depth >= darkest[near] + BEYOND // 2), near, 0)
    return out


def _unlike(beyond: np.ndarray, light: np.ndarray, chroma: np.ndarray, grey: np.ndarray, low: np.ndarray, n: int,
            spread: float, rules: CleanupSettings) -> np.ndarray:
    """Per label (0..n), whether the product ``beyond`` its piece is unlike the piece's darkest (``low``):
    lighter by ``REBOUND``, of a colour, or grainy. A grey product's blurred edge, and a shadow as grey as the
    fabric it falls from, go on as they are."""
    import numpy as np
    from scipy import ndimage

    at = beyond > 0
    ring = beyond[at]
    count = np.bincount(ring, None, n + 1)
    share = np.maximum(count, 1)
    mean = ndimage.uniform_filter(grey, 5)
    grain = ndimage.uniform_filter(grey * grey, 5)  # the local deviation, worked in one array
    grain -= mean * mean
    np.sqrt(np.maximum(grain, 0.0, out=grain), out=grain)
    lighter = np.bincount(ring, light[at], n + 1) / share - low >= REBOUND
    coloured = np.bincount(ring, chroma[at], n + 1) / share > 2 * rules.shadow_chroma
    grainy = np.bincount(ring, grain[at], n + 1) / share >= GRAINY * (rules.shadow_texture + spread)
    out: np.ndarray = (count >= 3) & (lighter | coloured | grainy)
    return out


def _span(labels: np.ndarray, n: int, light: np.ndarray) -> np.ndarray:
    """Per label (0..n), how much darker its darker pixels are than its lighter ones: the 90th percentile of
    ``light`` less the 10th."""
    import numpy as np

    inside = labels.ravel() > 0
    lab, values = labels.ravel()[inside], light.ravel()[inside]
    order = np.lexsort((values, lab))
    lab, values = lab[order], values[order]
    start = np.searchsorted(lab, np.arange(n + 1))
    count = np.diff(np.append(start, lab.size))
    out = np.zeros(n + 1, dtype=np.float32)
    has = count > 0
    low = values[np.minimum(start + (0.1 * (count - 1)).astype(int), lab.size - 1)]
    high = values[np.minimum(start + (0.9 * (count - 1)).astype(int), lab.size - 1)]
    out[has] = (high - low)[has]
    return out


TILE = 128  # the texture is measured tile by tile, only where the band is


def _band_texture(grey: np.ndarray, within: np.ndarray) -> np.ndarray:
    """``cleanup.texture`` of ``grey`` over the ``within`` pixels, measured only on the tiles that hold some: a
    band along a product's outline covers a fraction of its box. Each tile is measured with a margin wider than
    the texture's window, so every pixel gets what the whole frame would give it."""
    import numpy as np

    from artpipe.imaging.cleanup import TEXTURE_REACH, texture

    out = np.zeros(grey.shape, dtype=np.float32)
    h, w = grey.shape
    for y in range(0, h, TILE):
        for x in range(0, w, TILE):
            y0, x0 = max(0, y - TEXTURE_REACH), max(0, x - TEXTURE_REACH)
            y1, x1 = min(h, y + TILE + TEXTURE_REACH), min(w, x + TILE + TEXTURE_REACH)
            if not within[y0:y1, x0:x1].any():  # nothing the tile's windows reach
                continue
            part = texture(grey[y0:y1, x0:x1], within[y0:y1, x0:x1])
            out[y:y + TILE, x:x + TILE] = part[y - y0:y - y0 + TILE, x - x0:x - x0 + TILE]
    return out


def _as_mask(select: np.ndarray) -> Image.Image:
    import numpy as np

    return Image.fromarray(select.astype(np.uint8) * 255, "L")
