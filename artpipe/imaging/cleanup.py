"""A product mask refined against the backdrop model: backdrop seen through the product removed, parts the
segmentation dropped put back, the floor's shadow left out. Pure (numpy, scipy.ndimage, Pillow).

The segmentation model sees a photo at 320 px and knows objects, not backdrops: it fills a bag's handles with
the backdrop behind them, keeps a lit plinth or a floor shadow with a shoe, and drops a stool's thin rear leg.
Where the backdrop is plain, its model (backdrop_model.py) says which pixels are backdrop far more precisely:

- **enclosed backdrop**: pixels inside the mask that match the backdrop there (within a tolerance sized by how
  much the backdrop varies), in pieces either enclosed (a handle, a loop, the gap of a chair) or open to the
  outside (a fringe, a plinth edge), are removed;
- **shadows**: pixels inside the mask that are the backdrop darkened (its chromaticity, lower brightness, smooth),
  open to the outside, are removed: a shadow is drawn later from the mask when a slot allows one, never kept
  from the photo;
- **dropped parts**: pixels outside the mask that clearly differ from the backdrop and touch the product (not
  the frame) are put back.

A white product on a white backdrop matches the backdrop over much of its body: when the matching part is a
large share of the product, nothing is removed (the model's mask is trusted there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageChops

from artpipe.defaults import CleanupSettings
from artpipe.imaging.analyze import as_rgb, box_reduced, reduced, shrunk, whole_factor
from artpipe.imaging.backdrop_model import BackdropModel, channel_max, channel_sum, fit_backdrop, ring
from artpipe.imaging.derived import derived
from artpipe.imaging.holeedge import removal_at
from artpipe.imaging.morphology import dilated, eroded, holes_filled

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Cleaned:
    """A refined mask and what refining did: shares of the product's area removed as backdrop or shadow and
    put back, and the backdrop model (None when the backdrop could not be modelled)."""

    mask: Image.Image
    removed: float = 0.0
    shadow: float = 0.0
    recovered: float = 0.0
    backdrop: BackdropModel | None = None
    white_on_white: bool = False  # much of the product matches its backdrop: nothing was removed


def analysis_arrays(rgb: Image.Image, mask: Image.Image, side: int) -> tuple[np.ndarray, np.ndarray]:
    """``rgb`` and ``mask`` at the cleaning ``side`` (``cleanup.side``), as arrays (uint8 (h, w, 3), float32 0-1
    (h, w)). The colours are made once per ``rgb`` (the cleaning and the review read the same)."""
    import numpy as np

    colours = derived(rgb, f"analysis:{side}", lambda: np.asarray(_analysis_copy(rgb, side)))
    size = (colours.shape[1], colours.shape[0])
    m = box_reduced(mask, size)
    return colours, np.asarray(m, dtype=np.float32) / 255.0


def _analysis_copy(rgb: Image.Image, side: int) -> Image.Image:
    """``rgb`` (RGB) at up to ``side``: reduced by a whole factor that divides both its sides when that keeps
    most of ``side`` (``analyze.whole_factor``: a 1008 px work copy by 2), so what cleaning finds is enlarged
    back by a whole factor (``upscaled`` then works on the box of what it found only); box-resampled
    otherwise."""
    factor = whole_factor(rgb.size, side)
    if factor > 1 and rgb.width % factor == 0 and rgb.height % factor == 0:
        return as_rgb(reduced(as_rgb(rgb), factor))
    return shrunk(rgb.convert("RGB"), side)


def model_backdrop(rgb: np.ndarray, solid: np.ndarray, rules: CleanupSettings, part: Part | None = None,
                   ) -> BackdropModel | None:
    """The backdrop fitted on a ring around the product (the whole outside when the ring is thin). ``part``:
    the ring is found in that part of the frame only (it holds the product and the ring's width around it)."""
    around = ring(solid[part.slices] if part else solid, _ring_px(solid.shape, rules))
    if around.sum() < 200:
        return fit_backdrop(rgb, ~solid)
    if part is None:
        return fit_backdrop(rgb, around)
    return fit_backdrop(rgb[part.slices], around, (part.left, part.top, solid.shape[1], solid.shape[0]))


def _ring_px(shape: tuple[int, ...], rules: CleanupSettings) -> int:
    return max(2, round(max(shape) * rules.ring))


@dataclass(frozen=True)
class Part:
    """The part of the cleaning's frame its steps work on: the mask's box and a margin wider than any step looks
    (the backdrop's ring, the edge weighing's filters), so each pixel gets what the whole frame would give it
    (the frame's other pixels, backdrop all, change nothing). Where the frame is a coloured sweep with a small
    product, a third of the frame."""

    top: int
    bottom: int
    left: int
    right: int
    frame: tuple[int, int]  # (height, width)

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.top, self.bottom), slice(self.left, self.right)

    def sides(self) -> tuple[bool, bool, bool, bool]:
        """Whether its top, bottom, left and right sides are the frame's."""
        return self.top == 0, self.bottom == self.frame[0], self.left == 0, self.right == self.frame[1]

    def whole(self, a: np.ndarray, fill: float | bool) -> np.ndarray:
        """``a`` (the part's) put in a frame of ``fill``."""
        import numpy as np

        out = np.full(self.frame, fill, dtype=a.dtype)
        out[self.slices] = a
        return out


def _part(m: np.ndarray, rules: CleanupSettings) -> Part:
    """The part of the frame cleaning works on (see Part): ``m``'s box grown by every step's reach."""
    import numpy as np

    margin = max(_edge_margin(rules), _ring_px(m.shape, rules) + 1) + 2
    rows, cols = np.nonzero(m.any(axis=1))[0], np.nonzero(m.any(axis=0))[0]
    h, w = m.shape
    return Part(max(0, int(rows[0]) - margin), min(h, int(rows[-1]) + margin + 1), max(0, int(cols[0]) - margin),
                min(w, int(cols[-1]) + margin + 1), (h, w))


def _components(select: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Labels of ``select``'s 4-connected pieces, their count and areas (index 0 unused)."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(select)
    areas = np.bincount(labels.ravel(), minlength=n + 1)
    return labels, n, areas


def _open_to(labels: np.ndarray, n: int, region: np.ndarray) -> np.ndarray:
    """Which labels (bool per label) have a pixel next to ``region``."""
    import numpy as np

    near = dilated(region) & (labels > 0)
    hit = np.zeros(n + 1, dtype=bool)
    hit[np.unique(labels[near])] = True
    hit[0] = False
    return hit


@dataclass(frozen=True)
class _Frame:
    """What every refinement step reads of the photo against its backdrop model, computed once: the photo and the
    modelled backdrop (float, (h, w, 3)), each pixel's distance from it, its chromaticity's distance and its
    brightness as a share of the backdrop's, and (on a coloured backdrop) whether it has the backdrop's hue."""

    f: np.ndarray
    back: np.ndarray
    distance: np.ndarray
    chroma: np.ndarray
    ratio: np.ndarray
    hue: np.ndarray | None
    rules: CleanupSettings  # what the steps reading this frame measure against


def _frame(rgb: np.ndarray, model: BackdropModel, rules: CleanupSettings, part: Part | None = None) -> _Frame:
    """The frame's facts (``part``: of that part of it only)."""
    import numpy as np

    if part is not None:
        rgb = rgb[part.slices]
        back = model.predict(*part.frame, (part.left, part.top, part.right, part.bottom))
    else:
        back = model.predict(*rgb.shape[:2])
    f = rgb.astype(np.float32)
    back = np.clip(back, 1.0, 255.0)
    lum, lum_back = channel_sum(f) + 1.0, channel_sum(back)
    chroma = channel_max(np.abs(f / lum[..., None] - back / lum_back[..., None]))
    coloured = max(model.mean) - min(model.mean) >= rules.coloured
    return _Frame(f, back, channel_max(np.abs(f - back)), chroma, lum / lum_back,
                  _in_backdrop_hue(f, back, lum, lum_back, rules) if coloured else None, rules)


def _matching(frame: _Frame, solid: np.ndarray, model: BackdropModel) -> np.ndarray:
    """The product's pixels that match the backdrop there."""
    rules = frame.rules
    tolerance = min(rules.match_max, rules.match_base + rules.match_spread * model.spread)
    out: np.ndarray = (frame.distance <= tolerance) & solid
    return out


def _light_on_light(frame: _Frame, solid: np.ndarray, model: BackdropModel) -> bool:
    """A light backdrop and a product most of whose body is within ``light_gap`` of it (a white power bank on
    white): its highlights and faces match the backdrop, so removing "backdrop" would erase the product."""
    import numpy as np

    rules = frame.rules
    if min(model.mean) < rules.light_backdrop or not solid.any():
        return False
    return float(np.median(frame.distance[solid])) <= rules.light_gap


def _backdrop_like(like: np.ndarray, solid: np.ndarray, min_hole: float, frame_px: int) -> np.ndarray:
    """Pieces of the product matching the backdrop (``like``) that are the backdrop: open to the outside, or
    enclosed and large enough not to be a highlight (``min_hole`` of the frame, ``frame_px`` pixels)."""
    labels, n, areas = _components(like)
    keep = _open_to(labels, n, ~solid) | (areas >= min_hole * frame_px)
    keep[0] = False
    out: np.ndarray = keep[labels]
    return out


def _in_backdrop_hue(f: np.ndarray, back: np.ndarray, lum: np.ndarray, lum_back: np.ndarray,
                     rules: CleanupSettings) -> np.ndarray:
    """Pixels of a coloured backdrop's hue (within ``hue_degrees``, saturated enough to have one) and no brighter:
    the backdrop and its shadows, however dark (chromaticity shares drift in the dark; the hue angle holds)."""
    import numpy as np

    def opponent(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r, g, b = x[..., 0], x[..., 1], x[..., 2]
        return r - g, (r + g) / 2 - b

    pa, pb = opponent(f)
    ba, bb = opponent(back)
    sat_p, sat_b = np.hypot(pa, pb), np.hypot(ba, bb)
    cos = (pa * ba + pb * bb) / np.maximum(sat_p * sat_b, 1e-3)
    out: np.ndarray = (cos >= np.cos(np.radians(rules.hue_degrees))) & (sat_p >= rules.hue_saturation * sat_b) & \
        (lum <= 1.05 * lum_back)
    return out


def _shadow_like(frame: _Frame, solid: np.ndarray, model: BackdropModel) -> np.ndarray:
    """Pieces of the product that are the backdrop darkened (same chromaticity, lower brightness, smooth) and
    open to the outside: a cast or contact shadow, a darker floor."""
    import numpy as np

    rules = frame.rules
    chroma, ratio = frame.chroma, frame.ratio
    tone = solid & (chroma <= rules.shadow_chroma) & (ratio >= rules.shadow_darkest) & (ratio < 1.0)
    shade = tone & (texture(channel_sum(frame.f) / 3.0, tone) <= rules.shadow_texture + model.spread)
    out = open_pieces(shade, solid, rules.min_piece)
    if out.sum() > rules.shadow_guard * max(1, int(solid.sum())):
        return np.zeros_like(solid)
    # A shadow's rim is grainier than its middle (a floor's texture, JPEG noise at its soft edge): next to the
    # shadow, pixels of its colour are taken with it whatever their texture, or they stay as a speckled ring.
    rim: np.ndarray = dilated(out, iterations=rules.shadow_rim) & solid & ~out & \
        (chroma <= 2 * rules.shadow_chroma) & (ratio >= rules.shadow_darkest) & (ratio < 1.02)
    shadow: np.ndarray = out | rim
    return shadow


def open_pieces(select: np.ndarray, solid: np.ndarray, min_piece: int) -> np.ndarray:
    """The pieces of ``select`` (within the product, ``solid``) that are open to the outside and of at least
    ``min_piece`` pixels."""
    labels, n, areas = _components(select)
    keep = _open_to(labels, n, ~solid) & (areas >= min_piece)
    keep[0] = False
    out: np.ndarray = keep[labels]
    return out


def texture(grey: np.ndarray, within: np.ndarray) -> np.ndarray:
    """The grain of ``grey`` over the ``within`` pixels only: the root mean square of its departure from the plane
    that best fits it over each 5 px window, both taken inside ``within``. Measured inside the shadow, not across
    its edge with the product, and without its gradient: a contact shadow under a product's base is a narrow
    band that darkens steeply towards the base, and a window's deviation from its mean (tried first) took that
    ramp for texture, so the band was kept as a grey wedge under a mug. A floor's grain and a printed pattern
    depart from any plane; a ramp does not."""
    import numpy as np

    out = np.zeros(grey.shape, dtype=np.float32)
    rows, cols = np.nonzero(within.any(axis=1))[0], np.nonzero(within.any(axis=0))[0]
    if rows.size == 0:
        return out
    pad = _WINDOW // 2 + 1  # only the box around ``within`` (a shadow is a small part of the frame)
    y0, y1 = max(0, rows[0] - pad), min(grey.shape[0], rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(grey.shape[1], cols[-1] + pad + 1)
    out[y0:y1, x0:x1] = _plane_residual(grey[y0:y1, x0:x1].astype(np.float32), within[y0:y1, x0:x1])
    return out


_WINDOW = 5
TEXTURE_REACH = _WINDOW // 2  # how far from a pixel its texture looks


def _plane_residual(g: np.ndarray, within: np.ndarray) -> np.ndarray:
    """Per pixel, the root mean square residual of the weighted least-squares plane ``a + b dx + c dy`` fitted to
    ``g`` over the ``within`` pixels of its 5 x 5 window. The window's moments are sums against fixed kernels
    (1, dx, dy, dx^2, dx dy, dy^2: separable, so two 1-D passes each) and the 3 x 3 normal equations are solved in
    closed form, pixel by pixel, as arrays."""
    import numpy as np
    from scipy import ndimage

    d = np.arange(_WINDOW, dtype=np.float32) - _WINDOW // 2
    one, sq = np.ones(_WINDOW, dtype=np.float32), d * d

    def moment(a: np.ndarray, ky: np.ndarray, kx: np.ndarray) -> np.ndarray:
        out: np.ndarray = ndimage.correlate1d(ndimage.correlate1d(a, ky, axis=0, mode="constant"), kx, axis=1,
                                              mode="constant")
        return out

    w = within.astype(np.float32)
    wg = w * g
    m0, mx, my = moment(w, one, one), moment(w, one, d), moment(w, d, one)
    mxx, myy, mxy = moment(w, one, sq), moment(w, sq, one), moment(w, d, d)
    r0, r1, r2 = moment(wg, one, one), moment(wg, one, d), moment(wg, d, one)
    mgg = moment(wg * g, one, one)
    # The symmetric system [[m0 mx my] [mx mxx mxy] [my mxy myy]] beta = r, with a small ridge on the slopes (a
    # window whose pixels lie along one line, a band one pixel thin); the fit explains r . beta of the energy.
    ridge = 1e-3 * m0 + 1e-6
    a, b, c, dd, e, f = m0, mx, my, mxx + ridge, mxy, myy + ridge
    c00, c01, c02 = dd * f - e * e, c * e - b * f, b * e - c * dd
    c11, c12, c22 = a * f - c * c, b * c - a * e, a * dd - b * b
    det = a * c00 + b * c01 + c * c02
    quad = c00 * r0 * r0 + c11 * r1 * r1 + c22 * r2 * r2 + 2 * (c01 * r0 * r1 + c02 * r0 * r2 + c12 * r1 * r2)
    explained = np.where(det > 1e-6, quad / np.maximum(det, 1e-6), r0 * r0 / np.maximum(m0, 1e-6))
    out: np.ndarray = np.sqrt(np.maximum(mgg - explained, 0.0) / np.maximum(m0, 1e-6))
    return out


def _dropped(frame: _Frame, solid: np.ndarray, model: BackdropModel,
             sides: tuple[bool, bool, bool, bool] = (True, True, True, True)) -> np.ndarray | None:
    """Pieces outside the mask that clearly differ from the backdrop, touch the product and not the frame.
    ``sides``: which of the top, bottom, left and right sides of the arrays are the frame's (the others cut a
    part of it: None when a piece touching the product reaches one, as the part cannot tell where it ends)."""
    import numpy as np

    rules = frame.rules
    darker = (frame.chroma <= rules.recover_not_shade) & (frame.ratio < 1.0)  # the backdrop in shadow: no part
    if frame.hue is not None:
        darker |= frame.hue
    strong = (frame.distance > max(rules.recover_min, rules.recover_spread * model.spread)) & ~solid & ~darker
    labels, n, areas = _components(strong)
    edge, cut = np.zeros_like(solid), np.zeros_like(solid)
    top, bottom, left, right = ((edge if side else cut) for side in sides)
    top[0, :] = bottom[-1, :] = left[:, 0] = right[:, -1] = True
    touching = _open_to(labels, n, solid)
    if cut.any() and (touching & _open_to(labels, n, cut)).any():
        return None
    area = max(1, int(solid.sum()))
    keep = touching & ~_open_to(labels, n, edge) & (areas >= rules.min_piece) & \
        (areas <= rules.recover_most * area)
    keep[0] = False
    out: np.ndarray = keep[labels]
    return out


def _edge_alpha(frame: _Frame, m: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """How much of each pixel near the outline is product, from its colour: on the line from the backdrop
    there (the model) to the product's own colour nearby (its inner pixels, averaged), where the pixel lies.
    A pixel of the backdrop's colour, or darker than it in the backdrop's hue (a shadow line along a hem), is
    0; one of the product's colour is 1. The mask's value is kept where it is lower, and wherever product and
    backdrop are too alike in colour to tell (a white product on white). Returns the factor (0-1) to multiply
    the mask by."""
    import numpy as np

    factor = np.ones(m.shape, dtype=np.float32)
    # Every pixel it changes has some product (m > 0): only their box is worked on, with a margin wider than
    # any filter below reaches (inner pixels 4 px, their 15 px mean, the outline's 3 px blur at 4 sigma), so
    # each pixel gets what the whole frame would give it; the rest of the frame (the backdrop) is skipped.
    rules = frame.rules
    margin = _edge_margin(rules)
    rows, cols = np.nonzero((m > 0).any(axis=1))[0], np.nonzero((m > 0).any(axis=0))[0]
    if rows.size == 0:
        return factor
    y0, y1 = max(0, rows[0] - margin), min(m.shape[0], rows[-1] + margin + 1)
    x0, x1 = max(0, cols[0] - margin), min(m.shape[1], cols[-1] + margin + 1)
    part = (slice(y0, y1), slice(x0, x1))
    factor[part] = _edge_factor(frame.f[part], frame.back[part], frame.hue[part] if frame.hue is not None else None,
                                m[part], solid[part], rules)
    return factor


def _edge_margin(rules: CleanupSettings) -> int:
    """How far beyond the mask the edge weighing's filters reach (see _edge_alpha)."""
    return 4 * rules.edge_band + 3 + 4 * math.ceil(rules.edge_structure_smooth) + rules.edge_structure_reach + 8


def _edge_factor(f: np.ndarray, back: np.ndarray, hue: np.ndarray | None, m: np.ndarray,
                 solid: np.ndarray, rules: CleanupSettings) -> np.ndarray:
    """_edge_alpha's factor on a part of the frame: the photo, the backdrop model and the backdrop's hue
    (``_Frame``'s ``f``, ``back`` and ``hue``), the mask and its solid pixels, all cut to that part."""
    import numpy as np
    from scipy import ndimage

    band = (m > 0) & dilated(~solid, iterations=rules.edge_band)  # the soft edge too
    factor = np.ones(m.shape, dtype=np.float32)
    if not band.any():
        return factor
    inner = eroded(solid, iterations=rules.edge_band + 1)
    size = 4 * rules.edge_band + 3
    # The filters run over the part; what is made of them, pixel by pixel, only at the band's pixels (a thin
    # ring: a tenth of the part), gathered
    rows, cols = np.nonzero(band)
    at = (rows, cols)
    weight = ndimage.uniform_filter(inner.astype(np.float32), size)[at]
    product = np.stack([ndimage.uniform_filter(f[..., c] * inner, size)[at] for c in range(3)], axis=-1)
    product /= np.maximum(weight, 1e-3)[..., None]
    f_at, back_at = f[at], back[at]
    span = product - back_at
    length = channel_sum(span * span)
    alpha = channel_sum((f_at - back_at) * span) / np.maximum(length, 1.0)
    known = (weight > 0.05) & (length >= rules.edge_contrast ** 2)
    target = np.clip(alpha, 0.0, 1.0)
    if hue is not None:  # a coloured backdrop: its hue, darker, is its shadow
        near = (m > 0) & dilated(~solid, iterations=2 * rules.edge_band)
        factor[near & hue] = 0.0
    known &= ~_structure(f, m, at, rules)
    m_at = m[at]
    factor[at[0][known], at[1][known]] = np.minimum(1.0, target[known] / np.maximum(m_at[known], 1e-3))
    return factor


def _structure(f: np.ndarray, m: np.ndarray, at: tuple[np.ndarray, np.ndarray], rules: CleanupSettings
               ) -> np.ndarray:
    """Which pixels of the band (``at``: its rows and columns) lie on a part of the product's own rather than a
    blend (bool, one per pixel): where the photo changes sharply
    *along* the outline (``edge_structure``), and the pixels near them. A blend band changes only across the
    outline, from the backdrop to the product. A silver zip pull on a navy tote, 2-3 px at the cleaning side,
    lies by colour on the line between the navy and a light-grey backdrop, so its rims were made soft as blend
    pixels and the pull was mostly erased; its highlights and rims alternate along the outline."""
    import numpy as np
    from scipy import ndimage

    grey = ndimage.gaussian_filter(channel_sum(f) / 3.0, 0.8)
    gx, gy = _sobels_at(grey, at)
    gx, gy = gx / 8.0, gy / 8.0
    smooth = ndimage.gaussian_filter(m, rules.edge_structure_smooth)  # the outline's course, not its holes
    nx, ny = _sobels_at(smooth, at)
    along = np.abs(gx * ny - gy * nx) / (np.hypot(nx, ny) + 1e-6)  # the photo's change along the outline
    found: np.ndarray = along > rules.edge_structure
    if not found.any():
        return found
    seeds = np.zeros(m.shape, dtype=bool)
    seeds[at[0][found], at[1][found]] = True
    out: np.ndarray = dilated(seeds, iterations=rules.edge_structure_reach)[at]
    return out


def _sobels_at(a: np.ndarray, at: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``ndimage.sobel(a, axis=1)[at]`` and ``ndimage.sobel(a, axis=0)[at]`` (its "reflect" edges: a pixel
    beyond the edge is the one on it), worked out at the pixels ``at`` only from their eight neighbours (the
    band is a tenth of the part the filters ran on), to float32's last bits."""
    import numpy as np

    h, w = a.shape
    flat = a.ravel()
    ys, xs = at
    up, down = np.maximum(ys - 1, 0) * w, np.minimum(ys + 1, h - 1) * w
    here, left, right = ys * w, np.maximum(xs - 1, 0), np.minimum(xs + 1, w - 1)

    def take(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return flat.take(rows + cols)  # type: ignore[no-any-return]

    ul, uc, ur = take(up, left), take(up, xs), take(up, right)
    ml, mr = take(here, left), take(here, right)
    dl, dc, dr = take(down, left), take(down, xs), take(down, right)
    across = (ur - ul) + 2 * (mr - ml) + (dr - dl)
    downward = (dl - ul) + 2 * (dc - uc) + (dr - ur)
    return across, downward


def _specks(solid: np.ndarray, speck: float) -> np.ndarray:
    """Pieces of the product far smaller than its largest piece (``speck`` of its area) lying outside the larger
    pieces' silhouette: a grain of the floor or a crumb of a shadow's rim left on white, never a part a shopper
    would miss. A small piece inside the silhouette is print, not a crumb: the navy counter of a white "O" on a
    coffee bag, left as an island when the letter's white was taken for backdrop seen through the bag, was
    whitened with it and the letter became a white block."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(solid, structure=np.ones((3, 3), dtype=bool))
    if n < 2:
        return np.zeros_like(solid)
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    small = areas < speck * areas.max()
    small[0] = False
    large = ~small
    large[0] = False
    inside = holes_filled(large[labels])
    out: np.ndarray = small[labels] & ~inside
    return out


def _to_mask(select: np.ndarray, size: tuple[int, int]) -> Image.Image:
    import numpy as np

    return upscaled(Image.fromarray(select.astype(np.uint8) * 255, "L"), size, 0)


def upscaled(im: Image.Image, size: tuple[int, int], flat: int) -> Image.Image:
    """``im`` (L) resized to ``size`` (bilinear), where most of ``im`` is ``flat``: when ``size`` is a whole
    multiple of ``im``'s size, only the box of what differs from ``flat`` and a pixel around it (as far as a
    bilinear enlargement reads) is resized, and put on a flat picture: the same pixels as the whole resized
    (a few pieces of backdrop removed from a 1024 px mask: 0.3 ms instead of 3)."""
    if im.size == size:
        return im
    kx, ky = divmod(size[0], im.width), divmod(size[1], im.height)
    found = ImageChops.difference(im, Image.new("L", im.size, flat)).getbbox() if not kx[1] and not ky[1] else None
    if found is None:
        return im.resize(size, Image.Resampling.BILINEAR) if kx[1] or ky[1] else Image.new("L", size, flat)
    x0, y0 = max(0, found[0] - _REACH), max(0, found[1] - _REACH)
    x1, y1 = min(im.width, found[2] + _REACH), min(im.height, found[3] + _REACH)
    # The part is resized from a crop a pixel wider (what its edge pixels read), not from ``im`` with a box:
    # Pillow runs the vertical pass first when the input is much taller than the output, and ``im`` is, so the
    # rounding between the passes would differ from the whole enlargement's (by 1 level, tried).
    cx0, cy0 = max(0, x0 - _REACH), max(0, y0 - _REACH)
    crop = im.crop((cx0, cy0, min(im.width, x1 + _REACH), min(im.height, y1 + _REACH)))
    part = crop.resize(((x1 - x0) * kx[0], (y1 - y0) * ky[0]), Image.Resampling.BILINEAR,
                       box=(x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0))
    out = Image.new("L", size, flat)
    out.paste(part, (x0 * kx[0], y0 * ky[0]))
    return out


_REACH = 1  # source pixels a bilinear enlargement reads beyond each output pixel's own


def old_backdrop(rgb: np.ndarray, alpha: np.ndarray, rules: CleanupSettings) -> tuple[int, int, int] | None:
    """The colour of the backdrop a merchant's cut-out was cut from, when it still shows: the outermost opaque
    pixels (``rgb`` (h, w, 3) and ``alpha`` (h, w) uint8 at the cut-out's own size: a halo is a pixel or two
    wide) nearly all share one colour, far from the product's own. None when the outline's colours are the
    product's own, as in a clean cut-out."""
    import numpy as np
    from scipy import ndimage

    opaque = alpha >= 250
    band = opaque & ndimage.binary_dilation(alpha < 128)
    inner = ndimage.binary_erosion(opaque, iterations=2 * rules.halo_peel)
    if band.sum() < 50 or inner.sum() < 200:
        return None
    colours = rgb[band].astype(np.float32)
    median = np.median(colours, axis=0)
    near = channel_max(np.abs(colours - median)) <= rules.halo_match
    own = np.median(rgb[inner].astype(np.float32), axis=0)
    if near.mean() < rules.halo_share or float(np.abs(median - own).max()) < rules.halo_contrast:
        return None
    return int(median[0]), int(median[1]), int(median[2])


def peel_halo(rgb: np.ndarray, alpha: np.ndarray, colour: tuple[int, int, int], rules: CleanupSettings
              ) -> np.ndarray:
    """``alpha`` without the old backdrop ``colour``: its pixels within ``halo_peel`` of the cut-out's edge, and
    every piece of that colour they touch (a patch stuck to the product, the cloth inside a handle reached
    from the edge), made transparent."""
    import numpy as np
    from scipy import ndimage

    backdrop = channel_max(np.abs(rgb.astype(np.float32) - np.array(colour, np.float32))) <= rules.halo_match
    backdrop &= alpha > 0
    edge = ndimage.binary_dilation(alpha < 128, iterations=rules.halo_peel)
    labels, n = ndimage.label(backdrop)
    touched = np.zeros(n + 1, dtype=bool)
    touched[np.unique(labels[edge & backdrop])] = True
    touched[0] = False
    out: np.ndarray = np.where(touched[labels], 0, alpha).astype(np.uint8)
    return out


def match_tolerance(model: BackdropModel, rules: CleanupSettings) -> float:
    """How far (RGB distance) from the backdrop ``model`` a pixel may be and still be the backdrop (``rules``'
    match_base, match_spread and match_max)."""
    return float(min(rules.match_max, rules.match_base + rules.match_spread * model.spread))


def clean_mask(rgb: Image.Image, mask: Image.Image, *, rules: CleanupSettings, recover: bool = True,
               shadows: bool = True, edges: bool = True, backdrop: BackdropModel | None = None) -> Cleaned:
    """``mask`` (L, ``rgb``'s size) with enclosed backdrop and shadows removed, dropped parts put back and (with
    ``edges``) its outline's pixels weighed by their colour, where the backdrop is plain enough to be
    modelled; ``mask`` itself otherwise. The colour path leaves ``edges`` and ``recover`` off: it whitens
    edges by colour at the output's size, and finds the product by colour already. ``backdrop``: the backdrop's
    model when it is known rather than fitted around the product (a merchant's cut-out has none around it).
    ``rules``: the cleaning's thresholds (``cleanup:`` in defaults.yaml)."""
    import numpy as np

    arr, m = analysis_arrays(rgb, mask, rules.side)
    solid = m >= 0.5
    area = int(solid.sum())
    part = _part(m, rules) if area else None
    model = backdrop if backdrop is not None else model_backdrop(arr, solid, rules, part) if area else None
    if model is None or model.spread > rules.plain_max:
        return Cleaned(mask, backdrop=model)
    steps = (shadows, recover, edges)
    found = _refined(arr, m, solid, model, rules, steps, part)
    if found is None:  # a piece put back reaches beyond the part: the whole frame decides
        found = _refined(arr, m, solid, model, rules, steps, None)
    assert found is not None  # the whole frame always decides
    if isinstance(found, bool):
        # a white product on white: what matches the backdrop may be its body; the model's mask is all there is
        return Cleaned(mask, backdrop=model, white_on_white=True)
    remove, shadow, add, factor = found
    out = mask
    if (factor < 1.0).any():
        edge = Image.fromarray(np.round(factor * 255).astype(np.uint8), "L")
        out = ImageChops.multiply(out, upscaled(edge, mask.size, 255))
    gone = remove | shadow
    gone |= _specks(solid & ~gone | add, rules.speck)
    if gone.any():
        removal = _to_mask(gone, mask.size)
        if edges and rgb.size == mask.size:  # the removed pieces' rims follow the photo's edges, not the small grid
            removal = removal_at(rgb, removal, model, match_tolerance(model, rules), rules)
        out = ImageChops.subtract(out, removal)
    if add.any():
        out = ImageChops.lighter(out, _to_mask(add, mask.size))
    return Cleaned(out, float(remove.sum()) / max(1, area), float(shadow.sum()) / max(1, area),
                   float(add.sum()) / max(1, area), model)


Refined = tuple["np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray"]  # removed, shadow, put back, edge factor


def _refined(arr: np.ndarray, m: np.ndarray, solid: np.ndarray, model: BackdropModel, rules: CleanupSettings,
             steps: tuple[bool, bool, bool], part: Part | None) -> Refined | bool | None:
    """What cleaning finds in the frame (``arr``, ``m``, ``solid``: the whole frame's), worked out on ``part`` of
    it and returned for the whole frame: the backdrop and the shadows removed, the pieces put back and the edge
    factor, with ``steps`` (shadows, recover, edges) on; True for a white product on white; None when a piece
    put back reaches beyond ``part``."""
    import numpy as np

    shadows, recover, edges = steps
    where = part.slices if part is not None else (slice(None), slice(None))
    m_in, solid_in = m[where], solid[where]
    frame = _frame(arr, model, rules, part)
    like = _matching(frame, solid_in, model)
    if like.sum() > rules.white_guard * int(solid.sum()) or _light_on_light(frame, solid_in, model):
        return True
    remove = _backdrop_like(like, solid_in, rules.min_hole, solid.size)
    shadow = _shadow_like(frame, solid_in & ~remove, model) if shadows else np.zeros_like(solid_in)
    add = _dropped(frame, solid_in, model, part.sides() if part is not None else (True,) * 4) if recover \
        else np.zeros_like(solid_in)
    if add is None:
        return None
    factor = _edge_alpha(frame, m_in, solid_in & ~remove & ~shadow) if edges else np.ones(m_in.shape, np.float32)
    if part is None:
        return remove, shadow, add, factor
    return part.whole(remove, False), part.whole(shadow, False), part.whole(add, False), part.whole(factor, 1.0)
