"""Mask refinement and cut-outs (artpipe/imaging/matting.py): the guided filter, edge colours, cut-outs at full
and at drawn size."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from test_isolate import mug_on_teal

from artpipe.imaging.analyze import shrunk
from artpipe.imaging.matting import (
    WORK_SIDE,
    _box,
    cut_out,
    cut_out_at,
    decontaminate,
    guided_filter,
    mask_facts,
    refine,
    work_copy,
    work_size,
)


def test_guided_filter_snaps_a_blurry_mask_to_the_photo_edge() -> None:
    guide = np.zeros((64, 64), dtype=np.float32)
    guide[:, 32:] = 1.0  # a hard edge at x = 32
    coarse = np.clip((np.arange(64, dtype=np.float32) - 20) / 24, 0, 1)[np.newaxis].repeat(64, 0)  # a soft ramp
    out = guided_filter(guide, coarse, 4, 1e-4)
    assert out[:, 36:].mean() > 0.85
    assert out[:, :28].mean() < 0.15
    assert refine(Image.new("RGB", (40, 30)), Image.new("L", (10, 10), 255)).size == (40, 30)


@pytest.mark.parametrize(("shape", "radius"), [((17, 23), 3), ((5, 40), 6), ((30, 30), 1), ((8, 8), 10)])
def test_box_mean_matches_a_brute_force_window(shape: tuple[int, int], radius: int) -> None:
    a = np.random.default_rng(1).random(shape).astype(np.float32)
    expected = np.array([[a[max(0, i - radius):i + radius + 1, max(0, j - radius):j + radius + 1].mean()
                          for j in range(shape[1])] for i in range(shape[0])])
    assert np.abs(_box(a, radius) - expected).max() < 1e-5


def test_soft_edges_take_the_product_colour_not_the_backdrop() -> None:
    photo = Image.new("RGB", (200, 100), (0, 200, 200))  # teal
    ImageDraw.Draw(photo).rectangle((0, 0, 99, 99), fill=(200, 0, 0))  # red product, left half
    edge = photo.copy()
    ImageDraw.Draw(edge).rectangle((100, 0, 103, 99), fill=(100, 100, 100))  # a blended edge band
    mask = Image.new("L", (200, 100), 0)
    ImageDraw.Draw(mask).rectangle((0, 0, 99, 99), fill=255)
    ImageDraw.Draw(mask).rectangle((100, 0, 103, 99), fill=128)
    out = decontaminate(edge, mask)
    assert out.getpixel((101, 50)) == (200, 0, 0)  # the edge band is red again; alpha does the blending
    assert out.getpixel((50, 50)) == (200, 0, 0)
    assert out.getpixel((150, 50)) == (0, 200, 200)  # outside the product: untouched
    assert edge.getpixel((101, 50)) == (100, 100, 100)  # the photo itself is left alone
    cut = cut_out(edge, mask)  # the same colours, with the mask as alpha
    assert cut.mode == "RGBA"
    assert cut.getpixel((101, 50)) == (200, 0, 0, 128)
    assert cut.getpixel((150, 50)) == (0, 200, 200, 0)
    big_edge, big_mask = (im.resize((2400, 1200), Image.Resampling.NEAREST) for im in (edge, mask))  # made small
    assert big_edge.getpixel((1204, 600)) == (100, 100, 100)
    r, g, b = decontaminate(big_edge, big_mask).getpixel((1204, 600))
    assert r > 180
    assert max(g, b) < 30


def test_a_cut_out_made_at_its_drawn_size_looks_like_the_full_size_one_reduced() -> None:
    """cut_out_at resizes the photo and a small mask first: no teal of the backdrop may show at the red mug's
    edge (the resize of the photo alone blends it in), and the picture matches the full-size cut-out reduced."""
    photo = mug_on_teal((2400, 1800))
    mask = Image.new("L", (2400, 1800), 0)
    d = ImageDraw.Draw(mask)
    d.rounded_rectangle((2400 * 0.35, 1800 * 0.2, 2400 * 0.65, 1800 * 0.85), radius=40, fill=255)
    d.ellipse((2400 * 0.62, 1800 * 0.35, 2400 * 0.78, 1800 * 0.6), outline=255, width=22)
    mask = mask.filter(ImageFilter.GaussianBlur(3))
    small_mask = shrunk(mask, 1024)  # as the model's mask is kept
    box, size = (700, 300, 2000, 1600), (520, 520)
    drawn = cut_out_at(photo, small_mask, box, size)
    reduced = cut_out(photo, mask).resize(size, Image.Resampling.LANCZOS, box=box)

    def on_white(im: Image.Image) -> np.ndarray:
        white = Image.new("RGB", im.size, (255, 255, 255))
        white.paste(im, (0, 0), im.getchannel("A"))
        return np.asarray(white).astype(int)

    new, old = on_white(drawn), on_white(reduced)
    teal = (new[..., 1] - new[..., 0] > 30) & (new[..., 2] - new[..., 0] > 30)
    assert not teal.any()  # no fringe of the backdrop
    assert (np.abs(new - old).max(axis=-1) > 16).mean() < 0.01  # the same picture, but for its outline's pixels
    assert drawn.size == size


def test_a_thin_red_strand_beside_a_navy_body_keeps_its_red() -> None:
    """A thin part of another colour at soft alpha (a tote's red handle lining, 3 px wide at alpha 0.6, beside
    its navy strap) is repainted with the colour that explains the photo (I = a F + (1 - a) B), not the navy
    spread from the opaque body beside it."""
    grey, navy, red = np.array((242, 242, 242)), np.array((30, 35, 70)), np.array((210, 40, 40))
    rgb = np.zeros((120, 160, 3)) + grey
    alpha = np.zeros((120, 160))
    rgb[:, 40:80], alpha[:, 40:80] = navy, 1.0  # the strap
    rgb[:, 80:83], alpha[:, 80:83] = 0.6 * red + 0.4 * grey, 0.6  # its lining, blended with the backdrop
    photo = Image.fromarray(np.round(rgb).astype(np.uint8), "RGB")
    mask = Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L")
    for cut in (cut_out(photo, mask), cut_out_at(photo, mask, (0, 0, 160, 120), (320, 240))):
        k = cut.width // 160
        lining = np.asarray(cut)[10 * k:-10 * k, 80 * k + 1:83 * k - 1].reshape(-1, 4).astype(int)
        assert np.abs(lining[:, :3] - red).max() <= 12, cut.size  # red, as in the photo
        assert np.abs(np.asarray(cut)[60 * k, 60 * k, :3].astype(int) - navy).max() <= 2  # the strap is navy


def test_a_shadow_line_at_a_soft_edge_is_not_taken_for_the_products_colour() -> None:
    """A soft edge pixel darker than the blend of the product and the backdrop in every channel is the floor in
    the product's shadow (the dark line where a duck sits), not a part of another colour: it keeps the blue."""
    yellow, blue = np.array((240, 240, 120)), np.array((30, 80, 200))
    rgb = np.zeros((120, 160, 3)) + yellow
    alpha = np.zeros((120, 160))
    rgb[:60], alpha[:60] = blue, 1.0  # the product, over the floor
    rgb[60:62], alpha[60:62] = 0.5 * blue + 0.5 * np.array((20, 20, 10)), 0.5  # its edge on the shadow line
    photo = Image.fromarray(np.round(rgb).astype(np.uint8), "RGB")
    mask = Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L")
    edge = np.asarray(cut_out(photo, mask))[60:62, 10:-10, :3].reshape(-1, 3).astype(int)
    assert np.abs(edge - blue).max() <= 2  # blue, not the near-black the photo's blend solves to


def test_mask_facts_give_the_products_share_and_how_sure_the_mask_is() -> None:
    mask = Image.new("L", (400, 400), 0)
    mask.paste(255, (0, 0, 200, 400))  # the left half, hard-edged
    share, sure = mask_facts(mask)
    assert share == pytest.approx(0.5)
    assert sure == pytest.approx(1.0)
    assert mask_facts(Image.new("L", (100, 100), 128)) == (1.0, 0.0)  # just over half everywhere: never sure


def test_the_work_copy_is_rgb_at_most_work_side_long_and_made_once() -> None:
    small = Image.new("RGBA", (300, 200), (1, 2, 3, 255))
    assert (work_copy(small).mode, work_copy(small).size) == ("RGB", (300, 200))
    big = Image.new("RGB", (4032, 3024), (5, 6, 7))
    ImageDraw.Draw(big).rectangle((400, 300, 1199, 899), fill=(200, 40, 40))
    copy = work_copy(big)
    # a 12 MP photo reduced by 4, a whole factor that keeps 1008 of the 1024 px: no resampling after it
    assert copy.size == (1008, 756) == work_size(big.size)
    assert copy.tobytes() == big.reduce(4).tobytes()
    assert copy.getpixel((0, 0)) == (5, 6, 7)
    assert work_copy(big) is copy  # kept with the photo for the next step that asks
    # a reduction by a whole factor that keeps too little of the side (1500 px by 2: 750) is resampled instead
    mid = Image.new("RGB", (1500, 1000), (5, 6, 7))
    assert work_copy(mid).size == (WORK_SIDE, 683) == work_size(mid.size)
    wide = Image.new("RGB", (1920, 1080), (5, 6, 7))  # by 2: 960 px, 15/16 of the side, too little
    assert work_copy(wide).size == (WORK_SIDE, 576) == work_size(wide.size)


@pytest.mark.parametrize(("at", "size"), [((300, 200), (1024, 768)), ((0, 0), (1024, 768)),
                                          ((700, 500), (1024, 768)), ((300, 200), (1008, 756)),
                                          ((680, 490), (1008, 756))])
def test_the_mask_blended_on_the_products_box_is_the_whole_frames(at: tuple[int, int], size: tuple[int, int]
                                                                   ) -> None:
    # A 1024 x 768 guide, or a 1008 x 756 one (a 12 MP photo's work copy), coefficients fitted at exactly half
    # its size: the enlargement and the blend run on the box where the coefficients are not 0, for a product
    # anywhere (against the frame's corners too).
    from artpipe.imaging import matting

    photo = Image.effect_noise(size, 40).convert("RGB")
    ImageDraw.Draw(photo).ellipse((at[0], at[1], at[0] + 320, at[1] + 260), fill=(200, 40, 40))
    coarse = Image.new("L", (320, 320), 0)
    ImageDraw.Draw(coarse).ellipse((at[0] * 320 // 1024, at[1] * 320 // 768, (at[0] + 320) * 320 // 1024,
                                    (at[1] + 260) * 320 // 768), fill=255)
    coarse = coarse.filter(ImageFilter.GaussianBlur(3))
    guide = photo.convert("L")
    fit = (size[0] // 2, size[1] // 2)
    assert matting._fit_size(size) == fit
    a, b = matting.coefficients(matting._float(guide.reduce(2)),
                                matting._float(coarse.resize(fit, Image.Resampling.BILINEAR)), 3, matting._EPS)
    whole = matting._blended(matting._upsampled(a, photo.size), matting._upsampled(b, photo.size),
                             matting._float(guide))
    got = matting.refine(photo, coarse)
    assert got.tobytes() == whole.tobytes()
    assert 0.05 < np.asarray(got).astype(bool).mean() < 0.5  # the product was found, the box left much out


@pytest.mark.parametrize("seed", range(6))
def test_coefficients_blended_on_their_box_are_the_whole_enlargements(seed: int) -> None:
    # Coefficients that are not 0 in a block anywhere (against the frame's sides too), values that do not
    # clip: every pixel the box's enlargement gives, its edges included, is the whole enlargement's.
    from artpipe.imaging import matting

    rng = np.random.default_rng(seed)
    a, b = np.zeros((60, 80), dtype=np.float32), np.zeros((60, 80), dtype=np.float32)
    y, x = int(rng.integers(0, 50)), int(rng.integers(0, 70))
    h, w = int(rng.integers(1, 60 - y + 1)), int(rng.integers(1, 80 - x + 1))
    a[y:y + h, x:x + w] = rng.uniform(-0.3, 0.3, (h, w))
    b[y:y + h, x:x + w] = rng.uniform(0.4, 0.6, (h, w))
    guide = Image.fromarray(rng.integers(0, 256, (120, 160), dtype=np.uint8), "L")
    whole = matting._blended(matting._upsampled(a, guide.size), matting._upsampled(b, guide.size),
                             matting._float(guide))
    assert matting._blended_part(a, b, guide).tobytes() == whole.tobytes()


def _padded_box(a: np.ndarray, r: int) -> np.ndarray:
    """The box mean as first written: cumulative sums of a zero-padded copy, along each of the last two axes."""
    for axis in (a.ndim - 2, a.ndim - 1):
        n = a.shape[axis]
        pad = [(0, 0)] * a.ndim
        pad[axis] = (r + 1, r)
        c = np.cumsum(np.pad(a, pad), axis=axis, dtype=np.float32)
        hi, lo = [slice(None)] * a.ndim, [slice(None)] * a.ndim
        hi[axis], lo[axis] = slice(2 * r + 1, 2 * r + 1 + n), slice(0, n)
        count = (np.minimum(np.arange(n) + r + 1, n) - np.maximum(np.arange(n) - r, 0)).astype(np.float32)
        shape = [1] * a.ndim
        shape[axis] = n
        a = (c[tuple(hi)] - c[tuple(lo)]) / count.reshape(shape)
    return a


@pytest.mark.parametrize(("shape", "r"), [((2, 40, 50), 3), ((1, 7, 5), 3), ((3, 4, 4), 3), ((1, 5, 9), 4),
                                          ((2, 1, 1), 2)])
def test_box_means_without_a_padded_copy_are_the_padded_sums_bit_for_bit(shape: tuple[int, int, int],
                                                                          r: int) -> None:
    a = np.random.default_rng(r).uniform(-1, 1, shape).astype(np.float32)
    assert np.array_equal(_box(a, r), _padded_box(a, r))


@pytest.mark.parametrize("at", [(20, 30), (0, 0), (90, 130)])
def test_coefficients_worked_out_around_the_coarse_mask_are_the_whole_frames(at: tuple[int, int]) -> None:
    # A coarse mask that is 0 beyond a block anywhere (against the frame's corners too), on a noisy guide: the
    # coefficients fitted around the block are those the whole frame's sums give, to float32's last bits.
    from artpipe.imaging.matting import coefficients

    rng = np.random.default_rng(at[0])
    guide = rng.uniform(0, 1, (120, 160)).astype(np.float32)
    src = np.zeros((120, 160), dtype=np.float32)
    src[at[0]:at[0] + 30, at[1]:at[1] + 30] = rng.uniform(0, 1, (30, 30))
    mean_i, mean_p, mean_ii, mean_ip = _padded_box(np.stack([guide, src, guide * guide, guide * src]), 3)
    a = (mean_ip - mean_i * mean_p) / (mean_ii - mean_i * mean_i + 1e-3)
    b = mean_p - a * mean_i
    want_a, want_b = _padded_box(np.stack([a, b]), 3)
    got_a, got_b = coefficients(guide, src, 3, 1e-3)
    # the guide's means are summed from around the block rather than from the frame's edge: the last bits of
    # float32 sums differ (a is a ratio of small differences of means: ~1e-5 on a noisy guide at eps 1e-3)
    assert np.abs(got_a - want_a).max() < 1e-4
    assert np.abs(got_b - want_b).max() < 1e-4
    assert np.array_equal(got_a[want_a == 0], want_a[want_a == 0])  # beyond the block's reach: exactly 0
    assert np.array_equal(got_b[want_b == 0], want_b[want_b == 0])
    assert (want_a == 0).mean() > 0.3  # much of the frame is beyond the block's reach
