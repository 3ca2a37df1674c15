"""How far a cut-out can be trusted, judged from the mask and the photo alone. Pure (numpy, scipy.ndimage).

A main image is only as good as its weakest pixel, and a check of the finished file cannot see what was lost or
kept by mistake: a product cut by the photo's frame, fragments of a room smeared on white, a mask edge that runs
through the middle of a texture. So every cut-out is reviewed where the facts still are:

- **cut**: the sides of the photo the product runs into along more than a few pixels (a hand holding a
  notebook, a model cropped at the chin, a cable leaving the frame);
- **backdrop**: how plain the backdrop is around the product (the residual of its model): a product isolated
  out of a room or a street is a guess however clean its edge looks;
- **edge agreement**: the share of the mask's outline that lies on an edge of the photo (a real outline lies
  on one; a smeared guess crosses textures);
- **fragments**: the share of the product's area in crumbs apart from its main pieces;
- **pieces**: how many separate, sizeable objects there are (one subject, or several), and how many products
  the largest piece's outline shows (``bodies``: two products crossing or leaning on each other make one piece;
  bodies.py).
Below the line the cut-out is ``uncertain`` and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PIL import Image

from artpipe.defaults import ReviewSettings
from artpipe.imaging.backdrop_model import BackdropModel, channel_sum
from artpipe.imaging.bodies import bodies
from artpipe.imaging.morphology import dilated, eroded

if TYPE_CHECKING:
    import numpy as np


_INWARD = 4  # rows in from a straight end, a cut keeps its width where a rounded end widens
_FEATHER = 3  # rows in from a straight end where a feathered cut is opaque again


class Doubt(Enum):
    """Why a cut-out cannot be vouched for (a closed set; the words for each are in ``Review.doubts``)."""

    BUSY = "busy"  # cut out of a scene, or no backdrop around it to check against
    WHITE_ON_WHITE = "white_on_white"  # a light product on a light backdrop
    CLEANED = "cleaned"  # much of the model's mask was backdrop or shadow
    EDGES = "edges"  # the outline follows no edge of the photo
    SOFT = "soft"  # much of the mask is neither in nor out
    CRUMBS = "crumbs"  # the product in scattered fragments
    KEPT_SHADE = "kept_shade"  # a floor or shadow (or a swallowed grey part) at the product's edge
    LEFT_IN = "left_in"  # a merchant's cut-out holds a large piece of one colour at its edge: not the product
    ERASED = "erased"  # edges of the photo where it turns white: parts gone


@dataclass(frozen=True)
class Review:
    """What a reviewer would say of a cut-out: its confidence (0-1) and the reasons against it (``kinds``, and
    the same in words in ``doubts``), the sides where the photo's frame cuts the product, and how many separate
    objects it holds (``pieces``) and how many products the largest of them shows by its outline (``bodies``)."""

    confidence: float = 1.0
    doubts: tuple[str, ...] = ()
    cut: tuple[str, ...] = ()
    pieces: int = 1
    bodies: int = 1
    backdrop_spread: float | None = None
    edge_agreement: float | None = None
    fragments: float = 0.0
    kinds: tuple[Doubt, ...] = ()

    @property
    def uncertain(self) -> bool:
        """Whether the cut-out needs a retoucher's eye before it is used as a main image."""
        return bool(self.doubts)


def cut_sides(mask: Image.Image, *, rules: ReviewSettings, hard_edges: bool = False) -> tuple[str, ...]:
    """The sides (top, bottom, left, right) where ``mask`` (L, 255 = product) is cut by a frame:

    - it runs into the photo's edge along more than a few pixels (the larger of ``cut_px`` and ``cut_share``
      of the side);
    - or its extreme row or column lies within ``near_edge`` of the photo's edge and holds a run of product
      over ``near_run`` of that side (a photo cropped, then padded with a thin white margin);
    - with ``hard_edges`` (a merchant's own cut-out), or its extreme row or column is a straight, hard line
      (opaque on one side, transparent on the other) longer than ``straight_run`` of the product's extent but
      short of ``straight_most`` of it (a box's own side runs its whole width): the cut-out was made from a
      photo that had already cut the product (a wrist, a model's legs).

    The measures named are ``rules``' (``review:`` in defaults.yaml)."""
    w, h = mask.size
    solid = mask.point(lambda a: 255 if a >= 128 else 0)
    box = solid.getbbox()
    if box is None:
        return ()
    left, top, right, bottom = box
    near = max(2, round(rules.near_edge * max(w, h)))
    # (side, the photo's edge row, the mask's extreme row, the row just outside it, the side's length)
    lines = {"top": ((0, 0, w, 1), (0, top, w, top + 1), (0, top - 1, w, top), top, w, right - left),
             "bottom": ((0, h - 1, w, h), (0, bottom - 1, w, bottom), (0, bottom, w, bottom + 1), h - bottom, w,
                        right - left),
             "left": ((0, 0, 1, h), (left, 0, left + 1, h), (left - 1, 0, left, h), left, h, bottom - top),
             "right": ((w - 1, 0, w, h), (right - 1, 0, right, h), (right, 0, right + 1, h), w - right, h,
                       bottom - top)}
    out = []
    for side, (edge, extreme, beyond, gap, length, extent) in lines.items():
        touching = solid.crop(edge).histogram()[255]
        run = solid.crop(extreme).histogram()[255]
        if touching > max(rules.cut_px, rules.cut_share * length) or (gap <= near and run > rules.near_run * length):
            out.append(side)
        elif hard_edges and gap > 0 and rules.straight_run * extent < run < rules.straight_most * extent:
            inward = {"top": (0, 1), "bottom": (0, -1), "left": (1, 0), "right": (-1, 0)}[side]
            x0, y0, x1, y1 = extreme
            j = _FEATHER
            few_in = (x0 + inward[0] * j, y0 + inward[1] * j, x1 + inward[0] * j, y1 + inward[1] * j)
            opaque = sum(mask.crop(few_in).histogram()[240:])  # the last rows may be anti-aliased or feathered
            clear = mask.crop(beyond).histogram()[0]
            k = _INWARD
            deeper = (x0 + inward[0] * k, y0 + inward[1] * k, x1 + inward[0] * k, y1 + inward[1] * k)
            straight = solid.crop(deeper).histogram()[255] <= 1.1 * run  # a rounded end widens at once, a cut not
            if opaque >= 0.9 * run and clear >= 0.98 * length and straight:
                out.append(side)
    return tuple(out)


def _edge_agreement(rgb: np.ndarray, solid: np.ndarray, spread: float, rules: ReviewSettings) -> float:
    """The share of ``solid``'s outline lying on (within a pixel of) a clear edge of the photo."""
    import numpy as np

    outline = solid & ~eroded(solid)
    frame = np.zeros_like(solid)
    frame[0, :] = frame[-1, :] = frame[:, 0] = frame[:, -1] = True
    outline &= ~frame  # where the frame cuts the product there is no edge to agree with
    ys, xs = np.nonzero(outline)
    if len(ys) == 0:
        return 1.0
    # The gradient is wanted only within a pixel of the outline: measured there alone (the outline keeps off the
    # frame, so its 3 x 3 neighbourhood is inside the photo), the same sums the whole image's Sobel would give,
    # once per pixel of that band (not once per outline pixel and neighbour: nine times as many).
    f = np.pad(rgb, ((1, 1), (1, 1), (0, 0)), mode="symmetric").astype(np.float32)
    width = solid.shape[1]
    step = np.array([-1, 0, 1])
    around = ((ys[:, None, None] + step[:, None]) * width + (xs[:, None, None] + step)).reshape(len(ys), 9)
    band, where = np.unique(around, return_inverse=True)
    near = _gradient(f, band // width + 1, band % width + 1)[where.reshape(around.shape)].max(axis=1)
    return float((near > rules.edge_min + rules.edge_spread * spread).mean())


def _gradient(f: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The Sobel gradient's magnitude / 8 at the pixels (``y``, ``x``) of ``f`` (a photo (h, w, 3) as float32,
    padded by one mirrored pixel, as ``ndimage.sobel``'s reflecting border sees it), the largest of the three
    channels': the integer sums the whole image's Sobel gives there."""
    import numpy as np

    gx = (f[y - 1, x + 1] - f[y - 1, x - 1]) + 2 * (f[y, x + 1] - f[y, x - 1]) + (f[y + 1, x + 1] - f[y + 1, x - 1])
    gy = (f[y + 1, x - 1] - f[y - 1, x - 1]) + 2 * (f[y + 1, x] - f[y - 1, x]) + (f[y + 1, x + 1] - f[y - 1, x + 1])
    out: np.ndarray = (np.hypot(gx, gy) / 8.0).max(axis=-1)
    return out


def _kept_shade(rgb: np.ndarray, solid: np.ndarray, backdrop: BackdropModel, rules: ReviewSettings) -> float:
    """The share of the product that is the backdrop darkened (its chromaticity, a lower brightness) in pieces
    open to the outside, neither specks nor the product's whole body: a floor, a shadow band along a side,
    or a silver part half swallowed by a light backdrop. A clean packshot has next to none."""
    import numpy as np
    from scipy import ndimage

    from artpipe.imaging.backdrop_model import channel_max

    f = rgb.astype(np.float32)
    back = np.clip(backdrop.predict(*solid.shape), 1.0, 255.0)
    lum, lum_back = channel_sum(f) + 1.0, channel_sum(back)
    chroma = channel_max(np.abs(f / lum[..., None] - back / lum_back[..., None]))
    ratio = lum / lum_back
    shade = solid & (chroma <= 2 * rules.shade_chroma) & (ratio >= rules.kept_darkest) & (ratio < 0.97)
    labels, n = ndimage.label(shade)
    if n == 0:
        return 0.0
    areas = np.bincount(labels.ravel())
    areas[0] = 0
    near = dilated(~solid, 2) & shade
    open_to = np.zeros(n + 1, dtype=bool)
    open_to[np.unique(labels[near])] = True
    open_to[0] = False
    area = max(1, int(solid.sum()))
    # A shadow cast by a lamp can end as sharply as a grey part of the product: both count.
    kept = open_to & (areas >= rules.kept_piece * area) & (areas <= rules.kept_most * area)
    return float(areas[kept].sum()) / area


def _shown_on_white(rgb: np.ndarray, m: np.ndarray, tolerance: int) -> np.ndarray:
    """What of a model's cut-out a main image shows: its solid pixels, less the see-through ones that are nearly
    white (within ``tolerance``, the backdrop tolerance), which a white-background layer clears
    (backdrop.clear_faint): a white product's soft body is gone."""
    import numpy as np

    from artpipe.imaging.backdrop_model import channel_max

    near_white = channel_max(255.0 - rgb.astype(np.float32)) <= tolerance
    out: np.ndarray = (m >= 0.5) & ~((m < 0.98) & near_white)
    return out


def _erased_edges(rgb: np.ndarray, solid: np.ndarray, backdrop: BackdropModel | None, rules: ReviewSettings
                  ) -> float:
    """How much of the photo's structure is made white: pixels of clear edges (lines of ``erased_piece`` pixels
    or more) away from the product's own outline and from shadows, as a share of the product's area. A plain
    backdrop and a shadow (a sizeable region of the backdrop darkened, and its rim) have none; a white housing
    on white, the rim of a glass or a keyboard left out have them. A narrow shadow the colour path whitened
    beside a product does count: its steep ramp cannot be told from a polished steel rim whitened with it."""
    import numpy as np
    from scipy import ndimage

    f = rgb.astype(np.float32)
    grey = ndimage.gaussian_filter(channel_sum(f) / 3.0, 0.8)
    grad = np.hypot(ndimage.sobel(grey, axis=1), ndimage.sobel(grey, axis=0)) / 8.0
    away = ~dilated(solid, rules.erased_gap)
    away[:2, :] = away[-2:, :] = False  # the frame's own border is no structure
    away[:, :2] = away[:, -2:] = False
    edges = _long_lines(away & (grad > rules.erased_grad), rules.erased_piece)
    # Shadows only take pixels away from these lines, so lines too short already stay too short: a photo with
    # none (most) skips the shadows' search, and one whose lines are all sharp too.
    if backdrop is not None and (edges & (grad <= rules.shade_soft)).any():  # a cast shadow's edge is no product's
        back = np.clip(backdrop.predict(*solid.shape), 1.0, 255.0)
        lum, lum_back = channel_sum(f) + 1.0, channel_sum(back)
        chroma = np.abs(f / lum[..., None] - back / lum_back[..., None])
        ratio = lum / lum_back
        shade = (np.maximum(np.maximum(chroma[..., 0], chroma[..., 1]), chroma[..., 2]) <= rules.shade_chroma) & \
            (ratio < rules.shade_ratio) & (ratio > 0.3)
        labels, n = ndimage.label(shade)
        if n:
            sizes = np.bincount(labels.ravel())
            sizes[0] = 0
            broad = (sizes >= rules.shade_area)[labels]
            # a shadow's edges are soft; a sharp edge beside a "shadow" is a light product's outline
            edges = _long_lines(edges & ~(dilated(broad, rules.erased_gap) &
                                          (grad <= rules.shade_soft)), rules.erased_piece)
    return float(edges.sum()) / max(1, int(solid.sum()))


def _long_lines(edges: np.ndarray, least: int) -> np.ndarray:
    """The pixels of ``edges`` in 8-connected pieces of at least ``least`` pixels."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(edges, structure=np.ones((3, 3), dtype=bool))
    if n == 0:
        return edges
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    out: np.ndarray = (sizes >= least)[labels]
    return out


def _pieces(solid: np.ndarray, rules: ReviewSettings) -> tuple[int, float]:
    """(the number of sizeable separate pieces, the share of the area in crumbs beside them)."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(solid, structure=np.ones((3, 3), dtype=bool))
    if n == 0:
        return 0, 0.0
    areas = np.bincount(labels.ravel())[1:]
    largest = areas.max()
    big = areas >= rules.piece * largest
    crumbs = areas[areas < rules.crumb * largest].sum()
    return int(big.sum()), float(crumbs) / float(areas.sum())


def review(rgb: np.ndarray, m: np.ndarray, full_mask: Image.Image | None, how: str,
           backdrop: BackdropModel | None, *, rules: ReviewSettings, tolerance: int, white_on_white: bool = False,
           cleaned: float = 0.0, left_in: float = 0.0) -> Review:
    """Review a cut-out: ``rgb`` and ``m`` are the photo and the mask (0-1) at the analysis side, ``full_mask``
    the mask at the photo's size (for the frame's contact, judged in its own pixels), ``how`` the path (alpha,
    color, model), ``backdrop`` its model (None for a merchant's cut-out); ``white_on_white``: the product
    matched its backdrop too much to be cleaned; ``cleaned``: the share of the model's mask that cleaning
    changed (much of it: the model took a scene for the product); ``left_in``: the share of a merchant's cut-out
    in one colour spreading from its edge, too much to be a halo (a person's clothes, the cloth it lay on).
    ``rules``: the review's measures; ``tolerance``: the backdrop tolerance a white layer clears faint pixels by."""
    solid = m >= 0.5
    cut = cut_sides(full_mask, rules=rules, hard_edges=how == "alpha") if full_mask is not None else ()
    pieces, crumbs = _pieces(solid, rules)
    doubts: list[tuple[Doubt, str]] = []
    spread = backdrop.spread if backdrop is not None else None
    agreement = None
    if how == "model":
        if spread is None or spread > rules.busy:
            doubts.append((Doubt.BUSY, "the product was cut out of a busy scene" if spread is not None else
                           "no backdrop around the product to check the cut-out against"))
        if white_on_white:
            doubts.append((Doubt.WHITE_ON_WHITE, "a light product on a backdrop of its own colour: its outline is a "
                           "guess"))
        if cleaned > rules.max_cleaned:
            doubts.append((Doubt.CLEANED, f"{cleaned:.0%} of what the model took for the product was backdrop or "
                           "shadow"))
        agreement = _edge_agreement(rgb, solid, spread or 0.0, rules)
        if agreement < rules.min_edge_agreement:
            doubts.append((Doubt.EDGES, f"only {agreement:.0%} of the outline follows an edge in the photo"))
        soft = float(((m > 0.1) & (m < 0.9)).sum()) / max(1, int(solid.sum()))
        if soft > rules.max_soft:
            doubts.append((Doubt.SOFT, f"{soft:.0%} of the product's area is neither clearly in nor out"))
    if left_in:
        doubts.append((Doubt.LEFT_IN, f"{left_in:.0%} of the cut-out is one colour spreading from its edge: another "
                       "object or the backdrop was cut out with the product"))
    if crumbs > rules.max_crumbs:
        doubts.append((Doubt.CRUMBS, f"{crumbs:.1%} of the product is in scattered fragments"))
    if how == "color" and backdrop is not None:
        kept = _kept_shade(rgb, solid, backdrop, rules)
        if kept > rules.max_kept_shade:
            doubts.append((Doubt.KEPT_SHADE, f"grey areas along the product's edge ({kept:.1%} of it) look like a "
                           "floor or a shadow left in, or a light part of the product the backdrop swallowed"))
    if how in ("model", "color") and not any(kind is Doubt.BUSY for kind, _ in doubts):
        shown = solid if how == "color" else _shown_on_white(rgb, m, tolerance)
        erased = _erased_edges(rgb, shown, backdrop, rules)
        if erased > rules.max_erased:
            doubts.append((Doubt.ERASED, f"edges of the photo where it turns white ({erased:.1%} of the product's "
                           "area): parts of a light or clear product may be gone (a white housing, glass, a keyboard)"))
    confidence = max(0.0, 1.0 - 0.25 * len(doubts))
    return Review(confidence, tuple(words for _, words in doubts), cut, pieces, bodies(solid, rules), spread,
                  agreement, crumbs, tuple(kind for kind, _ in doubts))

