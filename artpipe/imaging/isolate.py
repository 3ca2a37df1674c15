"""Deciding how a photo's product is isolated: its own alpha, the fast colour path, or the segmentation model.

    auto:  a cut-out keeps its alpha; a plain light backdrop whose product stands out solidly takes the colour
           path (whitened at output size, no model); anything else (coloured, dark, gradient or busy backdrops,
           white products on white) goes to the model.
    model: the model for every photo without alpha.
    never: the photo as it is.

Pure: the model is handed in as a function from an image to its coarse mask.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

from artpipe.defaults import IsolateSettings, Settings
from artpipe.imaging.analyze import (
    as_rgb,
    border_strip,
    ink,
    off_backdrop_share,
    reduced,
    scale_box,
    shrunk,
    visible_box,
)
from artpipe.imaging.backdrop import backdrop_region, photo_region
from artpipe.imaging.castshadow import SIDE as SHADOW_SIDE
from artpipe.imaging.castshadow import cast_shadow
from artpipe.imaging.cleanup import Cleaned, analysis_arrays, clean_mask, match_tolerance, old_backdrop, peel_halo
from artpipe.imaging.cutouts import MODES as MODES
from artpipe.imaging.cutouts import Cutout
from artpipe.imaging.holeedge import removal_at
from artpipe.imaging.matting import mask_facts, refine, work_copy
from artpipe.imaging.review import Review, review
from artpipe.reasons import Note, WarningKind


@dataclass(frozen=True)
class Isolation:
    """What isolating the product found: a mask (None: none was made), how, and what to tell the designer."""

    how: str  # "alpha", "color", "model" or "none"
    mask: Image.Image | None = None  # a merchant's cleaned alpha at the photo's size; the model's at up to 1024 px
    warnings: tuple[Note, ...] = ()
    note: str = ""  # for the steps trail, e.g. "model:u2netp-int8.onnx:190ms"
    subject: tuple[int, int, int, int] | None = None  # what the mask leaves visible on white (photo pixels)
    review: Review | None = None  # how far the cut-out is trusted (None: nothing was cut out)
    clear: Image.Image | None = None  # colour path: what is whitened beyond the backdrop (shadows, enclosed
    # backdrop), 255 there, at the backdrop region's size


def color_path_holds(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int, rules: IsolateSettings
                     ) -> bool:
    """Whether cleaning the backdrop by colour keeps the product whole: the part not connected to the frame's
    edge must be a solid shape. A white product on white leaks into the backdrop through its faint edges and
    would keep only an outline, which erosion wipes out. The shares and sizes are ``rules``'."""
    im = shrunk(im, rules.decide_side).convert("RGB")  # once: every test below runs on this small copy
    region = backdrop_region(im, backdrop, tolerance, rules.decide_side)
    if _border_share(region, 255) < rules.clean_border:  # the scene runs out of the frame: not a clean backdrop
        return False
    if off_backdrop_share(im, region, backdrop, tolerance // 2) > rules.uneven:  # a sweep or a box, not one colour
        return False
    if min(backdrop) < rules.white_enough and _hole_share(im, region, backdrop, rules.hole_match) > rules.holes:
        return False  # backdrop seen through the product (inside a handle) would stay grey: the model tells
    product = region.point(lambda v: 0 if v else 255)
    area = product.histogram()[255]
    if area < rules.min_share * product.width * product.height:
        return False
    kept = product.filter(ImageFilter.MinFilter(rules.erode)).histogram()[255]
    return kept >= rules.solid * area


def _hole_share(im: Image.Image, region: Image.Image, backdrop: tuple[int, int, int], hole_match: int) -> float:
    """The share of the frame that has the backdrop's colour (within ``hole_match``) but is enclosed by the
    product (not in ``region``, the edge-connected backdrop): seen through a handle, or a product's own light
    part."""
    small = im.convert("RGB").resize(region.size, Image.Resampling.BOX) if im.size != region.size else im
    near = ink(small, backdrop, hole_match).point(lambda v: 0 if v else 255)
    holes = ImageChops.subtract(near, region).filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
    return holes.histogram()[255] / max(1, region.width * region.height)


def _border_share(mask: Image.Image, value: int) -> float:
    """The share of ``mask``'s one-pixel edge that has ``value``."""
    return border_strip(mask).histogram()[value] / max(1, 2 * (mask.width + mask.height))


def is_cutout(im: Image.Image, threshold: int, rules: IsolateSettings) -> bool:
    """Whether an RGBA image is a real cut-out (``rules.cutout_border`` of its edge at or below ``threshold``),
    not a photo with stray alpha."""
    alpha = im.getchannel("A").point(lambda a: 255 if a <= threshold else 0)
    return _border_share(alpha, 255) >= rules.cutout_border


def judge_mask(mask: Image.Image, rules: IsolateSettings) -> tuple[Note, ...]:
    """Warnings when a model's mask isolates nothing usable (empty, the whole scene, or unsure)."""
    share, sure = mask_facts(mask)
    if share < rules.min_share:
        return (Note(WarningKind.NO_SUBJECT),)
    if share > rules.max_share or sure < rules.min_sure:
        return (Note(WarningKind.SCENE_PHOTO),)
    return ()


def isolate(im: Image.Image, backdrop: tuple[int, int, int] | None, mode: str, *, light_min: int, tolerance: int,
            model: Callable[[Image.Image], tuple[Image.Image, float, str]], rules: Settings) -> Isolation:
    """How the product of ``im`` (RGB or RGBA, sRGB) is isolated under ``mode``. ``model`` returns the coarse
    mask, the milliseconds it took and the model's name. Every cut-out is refined against a model of its
    backdrop (cleanup.py) and reviewed (review.py); a model's cut-out the review doubts is not used (``none``,
    warned ``uncertain_cutout``): a main image then fails and a banner shows the photo. ``rules``: the
    settings the deciding, cleaning and reviewing use (``isolate``, ``cleanup``, ``review``)."""
    if mode == Cutout.NEVER:
        return Isolation("none")
    if im.mode == "RGBA":
        return _alpha(im, rules)
    light = backdrop is not None and min(backdrop) >= light_min
    if mode == Cutout.AUTO and light and backdrop is not None and \
            color_path_holds(im, backdrop, tolerance, rules.isolate):
        # A doubted colour-path cut-out keeps its doubt: on a light backdrop the model's outline of a white
        # sleeve or a silver deck is no surer (tried: it passed both with parts erased).
        return _color(im, backdrop, tolerance, rules)
    return _model_path(im, model, tolerance, rules)


def _model_path(im: Image.Image, model: Callable[[Image.Image], tuple[Image.Image, float, str]],
                tolerance: int, rules: Settings) -> Isolation:
    """The segmentation model's cut-out of ``im``, refined and reviewed; ``none`` when it is not usable."""
    small = work_copy(im)  # the model, the refinement and later the drawn cut-out all work on this copy
    coarse, ms, name = model(small)
    note = f"model:{name}:{ms:.0f}ms"
    refined = refine(small, coarse)
    bad = judge_mask(refined, rules.isolate)
    if bad:
        return Isolation("none", None, bad, note)
    cleaned = clean_mask(small, refined, rules=rules.cleanup)
    small_mask = cleaned.mask
    rgb, m = analysis_arrays(small, small_mask, rules.cleanup.side)
    verdict = review(rgb, m, small_mask, "model", cleaned.backdrop, rules=rules.review,
                     tolerance=rules.analyze.backdrop_tolerance, white_on_white=cleaned.white_on_white,
                     cleaned=cleaned.removed + cleaned.shadow + cleaned.recovered)
    if verdict.uncertain:
        return Isolation("none", None, (Note(WarningKind.UNCERTAIN_CUTOUT),), note, review=verdict)
    # The mask stays at the side it was made at: it is scaled where it is used, to the size a picture is drawn
    # (a full-size copy of it cost more than cleaning it and held 12 MB for a 12 MP photo).
    box = visible_box(small, small_mask, tolerance)
    subject = scale_box(box, im.width / small.width, im.height / small.height, *im.size) if box else None
    return Isolation("model", small_mask, (), note, subject, verdict)


def _alpha(im: Image.Image, rules: Settings) -> Isolation:
    """A merchant's cut-out: its alpha is the mask, cleaned of the backdrop it was cut from where that still
    shows (a halo, the cloth inside a handle); the mask is returned only when cleaning changed it."""
    import numpy as np

    alpha = im.getchannel("A")
    rgb_im = im.convert("RGB")
    full_rgb, full_alpha = np.asarray(rgb_im), np.asarray(alpha)
    old = old_backdrop(full_rgb, full_alpha, rules.cleanup)
    mask, left_in = None, 0.0
    if old is not None:
        peeled = peel_halo(full_rgb, full_alpha, old, rules.cleanup)
        share = float(((full_alpha > 0) & (peeled == 0)).sum()) / max(1, int((full_alpha >= 128).sum()))
        if share <= rules.cleanup.halo_most:
            mask = Image.fromarray(peeled, "L")
        else:  # more than a halo: another object (a person's clothes) or a large piece of the cloth
            left_in = share
    rgb, m = analysis_arrays(rgb_im, mask if mask is not None else alpha, rules.cleanup.side)
    verdict = review(rgb, m, mask if mask is not None else alpha, "alpha", None, rules=rules.review,
                     tolerance=rules.analyze.backdrop_tolerance, left_in=left_in)
    return Isolation("alpha", mask, (), "backdrop_removed" if mask is not None else "", review=verdict)


FAINT_SHADE = 0.8  # along the clearing's rim, a neutral grey this light (of the backdrop's brightness) goes whole
CLEAR_SIDE = 2048  # the colour path's clearing is drawn at the photo's size up to this side (4 MB at most)
# ... from the photo reduced by a whole factor when that keeps this share of CLEAR_SIDE: a box reduction by 2 of
# a 12 MP photo (4032 px to 2016) costs 14 ms, its box resampling to 2048 px 45 ms, and the clearing is used
# at the backdrop region's 512 px, so the 2 % it loses shows nowhere (every verdict the same on the real photos)
CLEAR_WHOLE = 15 / 16


def _color(im: Image.Image, backdrop: tuple[int, int, int], tolerance: int, rules: Settings) -> Isolation:
    """The colour path: the product is what is not edge-connected backdrop; its shadows and enclosed backdrop
    are found against the backdrop's model and whitened with it."""
    region = photo_region(im, backdrop, tolerance)
    product = region.point(lambda v: 255 - v)
    small = shrunk(im, max(region.size)).convert("RGB")
    cleaned = clean_mask(small, product, rules=rules.cleanup, recover=False, edges=False)
    clear = _clearing(im, product, cleaned, tolerance, rules)
    rgb, m = analysis_arrays(small, cleaned.mask, rules.cleanup.side)
    verdict = review(rgb, m, cleaned.mask, "color", cleaned.backdrop, rules=rules.review,
                     tolerance=rules.analyze.backdrop_tolerance)
    return Isolation("color", review=verdict, clear=clear)


def _clearing(im: Image.Image, product: Image.Image, cleaned: Cleaned, tolerance: int, rules: Settings
              ) -> Image.Image | None:
    """What the colour path whitens beyond the backdrop (None: nothing): what cleaning removed from the
    ``product`` found by colour at the analysis size, and the shadow cast beside it, too thin at that size to be
    measured, found at the photo's size along the outline. Its rim is drawn at up to CLEAR_SIDE from the photo's
    colours: what is clearly product is kept (a dark band under a cap's brim, half of it taken as shadow at
    512 px, was whitened as a block with square ends), a faint grey goes whole (a shadow's outer rim), a darker
    neutral grey is left as scaled (it may be a grey product's own edge)."""
    clear = ImageChops.subtract(product, cleaned.mask)
    model = cleaned.backdrop
    if model is None:
        return clear if clear.getbbox() else None
    # the photo at CLEAR_SIDE, when something is cleared already: the shadow's copy is made from it (on a 12 MP
    # photo, two reductions of the whole photo cost 75 ms; one and a small one, 45)
    fine = clearing_copy(im) if clear.getbbox() else None
    cast = None
    if model.spread <= rules.cleanup.plain_max and not cleaned.white_on_white:
        seen = shrunk(fine if fine is not None else im, SHADOW_SIDE).convert("RGB")
        kept = ImageChops.subtract(product, clear).resize(seen.size, Image.Resampling.BILINEAR)
        cast = cast_shadow(seen, kept, model, tolerance, rules.cleanup)
        cast = cast if cast.getbbox() else None
    if fine is None and cast is None:
        return None
    fine = fine if fine is not None else clearing_copy(im)
    scaled = fine.size != clear.size
    clear = clear.resize(fine.size, Image.Resampling.BILINEAR) if scaled else clear
    if cast is not None:
        clear = ImageChops.lighter(clear, cast.resize(fine.size, Image.Resampling.BILINEAR))
    if scaled:
        clear = removal_at(fine, clear, model, match_tolerance(model, rules.cleanup), rules.cleanup,
                           darkest_shade=FAINT_SHADE)
    return clear


def clearing_copy(im: Image.Image) -> Image.Image:
    """The photo (RGB) the colour path's clearing is drawn on: at up to CLEAR_SIDE px, reduced by a whole factor
    when that keeps CLEAR_WHOLE of it (see CLEAR_WHOLE), box-resampled to CLEAR_SIDE otherwise."""
    factor = math.ceil(max(im.size) / CLEAR_SIDE)
    if factor > 1 and max(im.size) / factor >= CLEAR_WHOLE * CLEAR_SIDE:
        return as_rgb(reduced(im, factor))
    return shrunk(im, CLEAR_SIDE).convert("RGB")
