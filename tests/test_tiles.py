"""Work along a cut-out's outline gives what the same work over the whole picture gives.

Each reference below is the whole-picture computation the box-wise code replaced, written out here: a margin
too narrow, a cell judged wrongly or a box left out shows as pixels that differ."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from scipy import ndimage

from artpipe.defaults import settings
from artpipe.imaging.analyze import ink
from artpipe.imaging.backdrop import _distance, _faint_ramp, clear_faint_in_place, faint_cleared_alpha, grown
from artpipe.imaging.enlarge import enlarged_mask
from artpipe.imaging.matting import cut_out_at, edge_colours
from artpipe.imaging.review import _edge_agreement
from artpipe.imaging.tiles import boxes, cell_ranges, spread


def _scene(size: tuple[int, int] = (900, 700)) -> tuple[Image.Image, Image.Image]:
    """A noisy photo of a red mug with a handle on teal, and its soft mask (L): a product with a soft edge,
    a hole, a see-through grey smear beside it and a part touching the frame's bottom edge."""
    w, h = size
    photo = Image.merge("RGB", [Image.effect_noise(size, 30).point(lambda v, k=k: min(255, v // 3 + k))
                                for k in (20, 130, 120)])
    mask = Image.new("L", size, 0)
    draw, paint = ImageDraw.Draw(mask), ImageDraw.Draw(photo)
    for d, fill in ((draw, 255), (paint, (200, 40, 40))):
        d.rounded_rectangle((w * 0.3, h * 0.2, w * 0.6, h), radius=60, fill=fill)
        d.ellipse((w * 0.56, h * 0.35, w * 0.75, h * 0.62), outline=fill, width=28)
    draw.ellipse((w * 0.05, h * 0.7, w * 0.25, h * 0.85), fill=90)  # a faint smear the mask half keeps
    paint.ellipse((w * 0.05, h * 0.7, w * 0.25, h * 0.85), fill=(235, 240, 238))
    return photo, mask.filter(ImageFilter.GaussianBlur(2))


def _whole_cut_out_at(photo: Image.Image, mask: Image.Image, box: tuple[int, int, int, int],
                      size: tuple[int, int]) -> Image.Image:
    """cut_out_at as one pass over the whole picture (its edge found on the whole alpha, one resize of the
    colours over the edge's box). The alpha is the mask enlarged as cut_out_at enlarges it (along the outline
    on a large picture, within a level of one whole resize: test_enlarge.py), so the colours compare here."""
    out = photo.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    mx, my = mask.width / photo.width, mask.height / photo.height
    alpha = enlarged_mask(mask, size, (box[0] * mx, box[1] * my, box[2] * mx, box[3] * my))
    soft = grown(alpha.point(lambda a: 255 if a < 250 else 0), 3)
    edge = ImageChops.multiply(soft, alpha.point(lambda a: 255 if a > 0 else 0))
    where = edge.getbbox()
    assert where is not None
    guess = edge_colours(photo, mask)
    gx, gy = guess.width / photo.width, guess.height / photo.height
    kx, ky = (box[2] - box[0]) / size[0], (box[3] - box[1]) / size[1]
    x0, y0, x1, y1 = where
    part = guess.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR,
                        box=((box[0] + x0 * kx) * gx, (box[1] + y0 * ky) * gy,
                             (box[0] + x1 * kx) * gx, (box[1] + y1 * ky) * gy))
    out.paste(part, where[:2], edge.crop(where))
    out.putalpha(alpha)
    return out


def _faint_clear(part: Image.Image, see_through: Image.Image, opaque: Image.Image, tolerance: int,
                 reach: int) -> Image.Image:
    """How much of each pixel's alpha clear_faint takes away, over the whole picture with Pillow's operations
    (the box-wise numpy code replaced this): its see-through pixels and its body (255 there)."""
    flat = Image.new("RGB", part.size, (255, 255, 255))
    flat.paste(part.convert("RGB"), (0, 0), part.getchannel("A"))
    faint = _distance(flat, (255, 255, 255)).point(_faint_ramp(tolerance))
    beyond_edge = ImageChops.invert(grown(opaque, 5))
    beyond_body = ImageChops.invert(grown(opaque, 2 * reach + 1))
    away = ImageChops.multiply(see_through, beyond_body)
    return ImageChops.lighter(ImageChops.multiply(ImageChops.multiply(faint, see_through), beyond_edge), away)


def test_cells_hold_the_range_of_their_pixels_and_boxes_cover_every_needed_cell() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, (101, 77), dtype=np.uint8)
    lo, hi = cell_ranges(Image.fromarray(a), cell=16)
    assert lo.shape == hi.shape == (7, 5)
    for r in range(7):
        for c in range(5):
            block = a[r * 16:(r + 1) * 16, c * 16:(c + 1) * 16]
            assert (lo[r, c], hi[r, c]) == (block.min(), block.max())
    need = rng.random((7, 5)) < 0.3
    covered = np.zeros((101, 77), dtype=bool)
    for x0, y0, x1, y1 in boxes(need, (77, 101), cell=16, strip=2):
        covered[y0:y1, x0:x1] = True
    wanted = np.kron(need, np.ones((16, 16), dtype=bool))[:101, :77]
    assert not (wanted & ~covered).any()
    one = np.zeros((5, 6), dtype=bool)
    one[2, 2] = one[0, 5] = True
    grown_cells = spread(one)  # each True cell's eight neighbours, no further
    assert grown_cells[1:4, 1:4].all()
    assert grown_cells[0:2, 4:6].all()
    assert grown_cells.sum() == 9 + 4


@pytest.mark.parametrize("drawn", [(620, 640), (300, 310), (1300, 1341)])
def test_the_cut_out_made_along_its_outline_is_the_whole_picture_pass(drawn: tuple[int, int]) -> None:
    photo, mask = _scene()
    small = mask.resize((450, 350), Image.Resampling.BILINEAR)  # as the model's mask: another size than the photo
    box = (200, 100, 700, 700)
    got = np.asarray(cut_out_at(photo, small, box, drawn)).astype(int)
    want = np.asarray(_whole_cut_out_at(photo, small, box, drawn)).astype(int)
    assert np.abs(got - want).max() <= 1  # the colours of a sub-box's resize round apart by a level at most
    assert (got[..., 3] == want[..., 3]).all()


def test_a_hard_edge_on_the_lines_between_cells_and_boxes_is_repainted_too() -> None:
    # A noisy product with a hard edge, drawn at its own size: its outermost pixels take the product's smooth
    # colour. Its left side lies on a line between cells (x = 160) and its top on one between strips of
    # boxes (y = 128): a box judged without its neighbours, or worked on without a margin, misses them.
    photo = Image.effect_noise((900, 700), 40).convert("RGB")
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).rectangle((360, 228, 599, 699), fill=255)
    box, drawn = (200, 100, 700, 700), (500, 600)
    got = np.asarray(cut_out_at(photo, mask, box, drawn)).astype(int)
    want = np.asarray(_whole_cut_out_at(photo, mask, box, drawn)).astype(int)
    assert np.abs(got - want).max() <= 1
    assert np.abs(want[128:, 160, :3] - np.asarray(photo)[228:, 360].astype(int)).max() > 10  # repainted


@pytest.mark.parametrize("reach", [1, 2, 3])
def test_faint_pixels_cleared_along_the_outline_are_those_the_whole_picture_clears(reach: int) -> None:
    photo, mask = _scene()
    cut = photo.convert("RGBA")
    cut.putalpha(mask)
    see_through, opaque = mask.point(lambda a: 255 if a < 250 else 0), mask.point(lambda a: 255 if a >= 192 else 0)
    want = ImageChops.subtract(mask, _faint_clear(cut, see_through, opaque, 28, reach))
    got = faint_cleared_alpha(cut, 28, reach=reach)
    assert got is not None
    assert ImageChops.difference(got, want).getbbox() is None
    assert ImageChops.difference(got, mask).getbbox() is not None  # the smear was cleared: the test saw work


@pytest.mark.parametrize("reach", [1, 2, 3])
def test_faint_pixels_cleared_in_place_are_those_the_whole_picture_clears(reach: int) -> None:
    # Only the boxes along the outline whose alpha changed are put back into the cut-out: each must land where
    # it was taken from, worked out from the alpha as it was (the boxes' margins overlap), colours untouched.
    # The scene's product touches the frame's bottom edge; its smear lies inside the frame.
    photo, mask = _scene((900, 701))
    cut = photo.convert("RGBA")
    cut.putalpha(mask)
    see_through, opaque = mask.point(lambda a: 255 if a < 250 else 0), mask.point(lambda a: 255 if a >= 192 else 0)
    want = ImageChops.subtract(mask, _faint_clear(cut, see_through, opaque, 28, reach))
    got = cut.copy()
    assert clear_faint_in_place(got, 28, reach=reach)
    assert ImageChops.difference(got.getchannel("A"), want).getbbox() is None
    assert got.convert("RGB").tobytes() == photo.tobytes()
    assert ImageChops.difference(got.getchannel("A"), mask).getbbox() is not None  # the test saw work
    plain = photo.convert("RGBA")  # nothing see-through: nothing changes
    assert not clear_faint_in_place(plain, 28, reach=reach)
    assert plain.tobytes() == photo.convert("RGBA").tobytes()


@pytest.mark.parametrize("reach", [1, 2, 3, 4])
def test_faint_clear_of_a_piece_is_the_written_out_rule(reach: int) -> None:
    # The rule as first written, each band grown on its own: a see-through pixel beyond the body's reach goes;
    # a faint one (near white) beyond the anti-aliased outline (2 px) goes too. At a reach of 2 both bands are
    # one, grown once; at other reaches they differ.
    photo, mask = _scene((300, 240))
    cut = photo.convert("RGBA")
    cut.putalpha(mask)
    see_through, opaque = mask.point(lambda a: 255 if a < 250 else 0), mask.point(lambda a: 255 if a >= 192 else 0)
    flat = Image.new("RGB", cut.size, (255, 255, 255))
    flat.paste(photo, (0, 0), mask)
    far = np.asarray(ImageChops.difference(flat, Image.new("RGB", cut.size, (255, 255, 255)))).max(axis=2)
    faint = np.where(far <= 14, 255, np.maximum(0, 255 - (far.astype(int) - 14) * 255 // 14))
    body, edge = (np.asarray(opaque.filter(ImageFilter.MaxFilter(n))) > 0 for n in (2 * reach + 1, 5))
    st = np.asarray(see_through).astype(int)
    want = np.maximum(np.where(edge, 0, faint * st // 255), np.where(body, 0, st))
    assert np.abs(np.asarray(_faint_clear(cut, see_through, opaque, 28, reach)).astype(int) - want).max() <= 1
    cleared = faint_cleared_alpha(cut, 28, reach=reach)
    assert cleared is not None
    got = np.asarray(mask).astype(int) - np.asarray(cleared)
    assert np.abs(got - np.minimum(want, np.asarray(mask))).max() <= 1  # ImageChops.multiply rounds, // truncates
    assert (got[~edge & (st > 0)] > 0).any()  # the test saw work


def test_a_faint_rim_between_the_outline_and_the_reach_loses_as_much_as_it_is_faint() -> None:
    # A dark body, its anti-aliased outline (2 px, kept), a rim 3 px out whose colours run from white to grey
    # (at a reach of 3 it loses as much alpha as it is faint on white: all of it, part of it, none), and a
    # smear beyond (cleared whatever its colour).
    rgb = np.zeros((100, 140, 3), dtype=np.uint8)
    alpha = np.zeros((100, 140), dtype=np.uint8)
    alpha[30:70, 20:120], alpha[32:68, 22:118], alpha[33:67, 23:117] = 180, 150, 255
    rgb[30:70, 20:120] = np.linspace(255, 100, 100).astype(np.uint8)[np.newaxis, :, np.newaxis]
    rgb[32:68, 22:118] = 40
    cut = Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
    mask = cut.getchannel("A")
    see_through, opaque = mask.point(lambda a: 255 if a < 250 else 0), mask.point(lambda a: 255 if a >= 192 else 0)
    want = np.asarray(ImageChops.subtract(mask, _faint_clear(cut, see_through, opaque, 28, 3)))
    cleared = faint_cleared_alpha(cut, 28, reach=3)
    assert cleared is not None
    got = np.asarray(cleared)
    assert (got == want).all()
    rim = got[30, 21:119]
    assert (rim == 0).any()  # every case was seen: cleared, partly cleared, kept
    assert ((rim > 0) & (rim < 180)).any()
    assert (rim == 180).any()
    assert (got[30:32, 20] == 0).all()  # the corner is beyond the reach
    assert (got[32:68, 22:118] == alpha[32:68, 22:118]).all()  # the outline and the body are kept


@pytest.mark.parametrize("shape", [(101, 77), (96, 77), (101, 80), (96, 80), (5, 3)])
def test_cells_short_of_rows_or_columns_hold_the_range_of_what_they_hold(shape: tuple[int, int]) -> None:
    a = np.random.default_rng(5).integers(0, 256, shape, dtype=np.uint8)
    lo, hi = cell_ranges(Image.fromarray(a), cell=16)
    rows, cols = -(-shape[0] // 16), -(-shape[1] // 16)
    assert lo.shape == hi.shape == (rows, cols)
    for r in range(rows):
        for c in range(cols):
            block = a[r * 16:(r + 1) * 16, c * 16:(c + 1) * 16]
            assert (lo[r, c], hi[r, c]) == (block.min(), block.max())


def test_edge_colours_are_those_of_the_whole_frame() -> None:
    photo, mask = _scene((800, 600))
    solid = mask.point(lambda a: 255 if a >= 250 else 0)
    blur = ImageFilter.BoxBlur(max(2, round(800 * 0.006)))
    colour = np.asarray(Image.composite(photo, Image.new("RGB", photo.size), solid).filter(blur), np.float32)
    weight = np.asarray(solid.filter(blur), np.float32)[..., np.newaxis]
    want = np.where(weight > 8, colour * 255.0 / np.maximum(weight, 1.0), np.asarray(photo, np.float32))
    got = np.asarray(edge_colours(photo, mask))
    hard = np.isin(np.asarray(mask), (0, 255))  # soft pixels are then checked against the photo (test_isolate)
    assert (got[hard] == np.clip(want, 0, 255).astype(np.uint8)[hard]).all()


def test_edge_agreement_at_the_outline_is_the_whole_gradients() -> None:
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    rgb[40:90, 50:120] = (200, 40, 40)
    yy, xx = np.mgrid[:120, :160]
    for solid in ((yy - 60) ** 2 + (xx - 85) ** 2 < 35 ** 2, (yy > 30) & (xx < 100)):  # the second meets the frame
        f = rgb.astype(np.float32)
        grad = np.zeros(solid.shape, dtype=np.float32)
        for c in range(3):
            grad = np.maximum(grad, np.hypot(ndimage.sobel(f[..., c], axis=1), ndimage.sobel(f[..., c], axis=0)) / 8)
        outline = solid & ~ndimage.binary_erosion(solid, border_value=0)
        outline[0, :] = outline[-1, :] = outline[:, 0] = outline[:, -1] = False
        for spread_levels in (0.0, 30.0, 90.0):
            want = float((ndimage.maximum_filter(grad, size=3)[outline] > 6 + spread_levels).mean())
            assert _edge_agreement(rgb, solid, spread_levels, rules=settings().review) == want


def test_ink_channel_by_channel_is_the_difference_images() -> None:
    rng = np.random.default_rng(7)
    im = Image.fromarray(rng.integers(0, 256, (64, 80, 3), dtype=np.uint8), "RGB")
    for backdrop, tolerance in (((255, 255, 255), 28), ((128, 60, 200), 10), ((0, 0, 0), 0)):
        r, g, b = ImageChops.difference(im, Image.new("RGB", im.size, backdrop)).split()
        want = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v, t=tolerance: 255 if v > t else 0)
        assert ImageChops.difference(ink(im, backdrop, tolerance), want).getbbox() is None


@pytest.mark.parametrize(("drawn", "reach"), [((620, 640), 2), ((300, 310), 2), ((1300, 1341), 3)])
def test_a_cut_out_made_with_its_faint_pixels_cleared_is_the_cut_out_cleared_after(drawn: tuple[int, int],
                                                                                   reach: int) -> None:
    photo, mask = _scene()
    box = (200, 100, 700, 700)
    got = cut_out_at(photo, mask, box, drawn, faint=(28, reach))
    want = cut_out_at(photo, mask, box, drawn)
    plain = want.copy()
    assert clear_faint_in_place(want, 28, reach=reach)
    assert got.tobytes() == want.tobytes()
    assert got.tobytes() != plain.tobytes()  # the test saw work
