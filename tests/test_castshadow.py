"""A cast shadow found at the photo's size along the product's outline (imaging/castshadow.py), alone and as the
colour path uses it: pixels of the shadow and of the product counted, on photos made in code."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from artpipe.defaults import settings
from artpipe.imaging.backdrop_model import fit_backdrop
from artpipe.imaging.castshadow import cast_shadow
from artpipe.imaging.isolate import isolate

from conftest import grain

WHITE = 254
LEFT, TOP, RIGHT, BOTTOM = 300, 300, 900, 900  # the product's box in a 1200 px photo


def garment(*, smooth: bool = False, shadow: bool = True) -> tuple[Image.Image, np.ndarray]:
    """A grey garment laid flat on white, 1200 px, and where it is: grey 170 with a fabric's grain (or
    ``smooth``: a grey plastic part with none), its left edge wavy, and (``shadow``) its drop shadow, lit from
    the upper right: its silhouette 8 px to the left and 6 px down, blurred, darkening the white by up to 150, as
    the hoodie's beside its hood (a band about 14 px wide beside the edge at 1200 px, 6 px at the cleaning's
    512)."""
    ys, xs = np.mgrid[0:1200, 0:1200]
    edge = LEFT + 4 * np.sin(ys / 9.0)
    where = (xs >= edge) & (xs < RIGHT) & (ys >= TOP) & (ys < BOTTOM)
    silhouette = Image.fromarray(where.astype(np.uint8) * 255, "L")
    cast = silhouette.transform(silhouette.size, Image.Transform.AFFINE, (1, 0, 8, 0, 1, -6))
    a = WHITE - 150 * np.asarray(cast.filter(ImageFilter.GaussianBlur(4)), dtype=float) / 255 if shadow else \
        np.full((1200, 1200), float(WHITE))
    fabric = np.asarray(grain((1200, 1200), 0 if smooth else 18, seed=3), dtype=float) - 128 + 170
    a = np.where(where, fabric, a) + np.asarray(grain((1200, 1200), 1.0, seed=4), dtype=float) - 128  # noise
    grey = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return Image.merge("RGB", [grey] * 3), where


def _model(photo: Image.Image):  # type: ignore[no-untyped-def]
    outside = np.ones((photo.height, photo.width), dtype=bool)
    outside[TOP - 60:BOTTOM + 60, LEFT - 60:RIGHT + 60] = False
    model = fit_backdrop(np.asarray(photo), outside)
    assert model is not None
    return model


def _product_mask(photo: Image.Image) -> Image.Image:
    """The product as the colour path finds it: everything off the backdrop, shadow included."""
    return Image.fromarray(((np.asarray(photo.convert("L")) < WHITE - 28) * 255).astype(np.uint8), "L")


def _shadow_pixels(photo: Image.Image, where: np.ndarray) -> np.ndarray:
    """The shadow's pixels a reviewer sees: off the garment and darker than 230."""
    dark: np.ndarray = ~where & (np.asarray(photo.convert("L")) < 230)
    return dark


def _fabric(where: np.ndarray) -> np.ndarray:
    """The garment but its outermost 3 px (a pixel at the cleaning's size, where the shadow's rim may reach)."""
    from scipy import ndimage

    inner: np.ndarray = ndimage.binary_erosion(where, iterations=3)
    return inner


def test_a_drop_shadow_beside_a_grey_garment_is_found_and_the_fabric_kept() -> None:
    photo, where = garment()
    cast = np.asarray(cast_shadow(photo, _product_mask(photo), _model(photo), 28, settings().cleanup)) > 0
    dark = _shadow_pixels(photo, where)
    assert dark.sum() > 10000
    assert cast[dark].mean() >= 0.9, cast[dark].mean()
    assert not cast[_fabric(where)].any(), int(cast[_fabric(where)].sum())


def test_a_smooth_grey_product_is_not_taken_for_its_own_shadow() -> None:
    # A grey product without grain is as smooth and as neutral as a shadow: its outline must stay whole.
    for shadow in (False, True):
        photo, where = garment(smooth=True, shadow=shadow)
        cast = np.asarray(cast_shadow(photo, _product_mask(photo), _model(photo), 28, settings().cleanup)) > 0
        assert not cast[where].any(), (shadow, int(cast[where].sum()))


def test_a_garment_without_a_shadow_loses_nothing() -> None:
    photo, where = garment(shadow=False)
    cast = np.asarray(cast_shadow(photo, _product_mask(photo), _model(photo), 28, settings().cleanup)) > 0
    assert cast.sum() <= 20, int(cast.sum())


def test_the_colour_path_whitens_a_shadow_too_thin_to_measure_at_the_cleaning_size() -> None:
    # At 512 px the shadow is 6 px wide beside the fabric's grain: cleaning kept 3065 of its 13374 dark pixels,
    # a grey band on white. The colour path's clearing now holds nearly all of it.
    photo, where = garment()
    rules = settings()
    found = isolate(photo, (WHITE, WHITE, WHITE), "auto", light_min=rules.analyze.whiten_min,
                    tolerance=rules.analyze.backdrop_tolerance, model=lambda im: (im.convert("L"), 0.0, "none"),
                    rules=rules)
    assert found.how == "color"
    assert found.clear is not None
    clear = np.asarray(found.clear.resize(photo.size, Image.Resampling.BILINEAR)) >= 128
    dark = _shadow_pixels(photo, where)
    assert (dark & ~clear).sum() <= 0.03 * dark.sum(), int((dark & ~clear).sum())


def test_the_texture_measured_tile_by_tile_is_the_whole_frames() -> None:
    from artpipe.imaging.castshadow import TILE, _band_texture
    from artpipe.imaging.cleanup import texture

    grey = np.asarray(grain((3 * TILE + 17, 2 * TILE + 5), 20, seed=5), dtype=np.float32)
    within = np.zeros(grey.shape, dtype=bool)
    within[:, TILE - 2:TILE + 3] = True  # a band across a tile's edge
    within[TILE + 1, :] = True  # one row just inside the next tile
    within[-3:, -4:] = True  # the frame's corner
    whole = texture(grey, within)
    assert (whole > 0).sum() > 1000
    np.testing.assert_array_equal(_band_texture(grey, within), whole)


@pytest.mark.parametrize("outer", [160, 205])
def test_a_smooth_grey_part_along_a_products_edge_is_not_a_shadow(outer: int) -> None:
    # A laptop's aluminium rim, a phone's silver bevel: a band of smooth neutral grey along a coloured product's
    # edge, flat (160) or lighter towards its edge (205 down to 140 inwards, as a lit bevel). Both were taken
    # for shadow before a shadow had to fade into the backdrop where it meets it.
    a = np.full((1200, 1200, 3), float(WHITE))
    a[TOP:BOTTOM, LEFT:RIGHT] = (200, 40, 40)
    a[TOP:BOTTOM, LEFT:LEFT + 14] = np.linspace(outer, 140 if outer > 160 else 160, 14)[None, :, None]
    a += np.asarray(grain((1200, 1200), 1.0, seed=4), dtype=float)[..., None] - 128
    photo = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    where = np.zeros((1200, 1200), dtype=bool)
    where[TOP:BOTTOM, LEFT:RIGHT] = True
    cast = np.asarray(cast_shadow(photo, _product_mask(photo), _model(photo), 28, settings().cleanup)) > 0
    assert not cast[where].any(), int(cast[where].sum())


def _soft_grey(*, tone: float, backdrop: int, blur: float, shadow: bool) -> tuple[Image.Image, np.ndarray]:
    """A grey fleece laid on a light backdrop, 1100 x 1500: a body and a sleeve, grey ``tone`` with a fine grain
    (noise blurred at 0.7 px: smooth patches a few pixels wide), its edge out of focus by ``blur`` px, and
    (``shadow``) a broad soft drop shadow cast down and right."""
    from scipy import ndimage

    rng = np.random.default_rng(7)
    ys, xs = np.mgrid[0:1100, 0:1500]
    where = (((ys - 550) / 330.0) ** 2 + ((xs - 700) / 480.0) ** 2 <= 1) | \
        ((ys >= 300) & (ys < 500) & (xs >= 1100) & (xs < 1350))
    a = np.full((1100, 1500), float(backdrop))
    if shadow:
        cast = ndimage.gaussian_filter(ndimage.shift(where.astype(np.float32), (18, 22), order=0), 8) * 0.35
        a *= 1 - cast
    body = tone + ndimage.gaussian_filter(rng.normal(0, 14, (1100, 1500)), 0.7)
    share = ndimage.gaussian_filter(where.astype(np.float32), blur)
    a = a * (1 - share) + body * share + rng.normal(0, 1.5, (1100, 1500))
    grey = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return Image.merge("RGB", [grey] * 3), where


@pytest.mark.parametrize(("tone", "backdrop", "blur", "shadow"), [(150, 250, 1.5, True), (160, 242, 2.0, False)])
def test_a_grainy_or_blurred_grey_product_keeps_its_edge(tone: int, backdrop: int, blur: float, shadow: bool) -> None:
    # Smooth patches of a fleece's fine grain joined the shadow's ramp into one piece, which was judged by its
    # ramp and taken whole, bites 15-25 px into the fabric (16,000 pixels); a grey product out of focus falls
    # from the backdrop to its own grey as a shadow does, and lost a band 38 px deep (33,000 pixels). Only
    # pixels still falling inwards, up to the shadow's darkest line, with an unlike product beyond it, go.
    from scipy import ndimage

    photo, where = _soft_grey(tone=tone, backdrop=backdrop, blur=blur, shadow=shadow)
    mask = Image.fromarray(((np.asarray(photo.convert("L")) < backdrop - 28) * 255).astype(np.uint8), "L")
    outside = np.ones(where.shape, dtype=bool)
    outside[150:1000, 150:1450] = False
    model = fit_backdrop(np.asarray(photo), outside)
    assert model is not None
    cast = np.asarray(cast_shadow(photo, mask, model, 28, settings().cleanup)) > 0
    inner = ndimage.binary_erosion(where, iterations=3)
    assert cast[inner].sum() <= 50, int(cast[inner].sum())


def test_a_mask_of_another_size_is_refused_with_what_to_do() -> None:
    photo, _ = garment(shadow=False)
    with pytest.raises(ValueError, match="the mask is 600x600, the photo 1200x1200: pass the mask at the photo's"):
        cast_shadow(photo, Image.new("L", (600, 600), 255), _model(photo), 28, settings().cleanup)


@pytest.mark.parametrize("shift", [0, 300])
def test_the_shadow_found_on_the_products_box_is_the_whole_frames(shift: int) -> None:
    # Only the product's box (grown by more than any step reaches) is measured; a product in the middle and one
    # touching the frame's edge get what the whole frame would give them.
    from artpipe.imaging.castshadow import BAND, _cast

    photo, _ = garment()
    photo = photo.transform(photo.size, Image.Transform.AFFINE, (1, 0, -shift, 0, 1, 0), fillcolor=(WHITE,) * 3)
    # the product as the colour path passes it once cleaning took the shadow's faint outer part: that part lies
    # outside the mask, where the band reaches a few pixels
    grey = np.asarray(photo.convert("L"))
    mask = Image.fromarray(((grey < 200) * 255).astype(np.uint8), "L")
    rules = settings().cleanup
    boxed = np.asarray(cast_shadow(photo, mask, _model(photo), 28, rules)) > 0
    whole = np.asarray(_cast(photo, np.asarray(mask) >= 128, (0, 0), photo.size, _model(photo), 28, rules,
                             max(photo.size) / rules.side, max(2, round(BAND * max(photo.size))))) > 0
    assert whole.sum() > 1000
    np.testing.assert_array_equal(boxed, whole)


def test_the_shadows_search_holds_few_frames_at_once() -> None:
    """The search holds only what its next step reads: a frame-sized array it is done with is let go, and the
    gradients and the local deviation are worked in place (a product filling a 1200 px photo raised a worker's
    peak by ~70 MB here, over the 250 MiB budget). On the garment: 44 MB of arrays at most, 52 before."""
    import tracemalloc

    photo, _ = garment()
    mask, model = _product_mask(photo), _model(photo)
    tracemalloc.start()
    try:
        cast = cast_shadow(photo, mask, model, 28, settings().cleanup)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert (np.asarray(cast) > 0).sum() > 10000  # the shadow is still found
    assert peak < 47, f"{peak:.1f} MB"
