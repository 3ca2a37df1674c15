"""How far a cut-out is trusted (imaging/review.py) and what a main image's checks make of it (tasks.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from artpipe.defaults import settings
from artpipe.imaging.backdrop_model import BackdropModel, fit_backdrop
from artpipe.imaging.cleanup import analysis_arrays, clean_mask
from artpipe.imaging.isolate import isolate
from artpipe.imaging.review import _edge_agreement, _erased_edges, cut_sides, review
from artpipe.reasons import Note, WarningKind

from conftest import grain


def _mask(box: tuple[int, int, int, int], size: tuple[int, int] = (400, 300)) -> Image.Image:
    m = Image.new("L", size, 0)
    ImageDraw.Draw(m).ellipse(box, fill=255)
    return m


@pytest.mark.parametrize(("box", "sides"), [
    ((100, 50, 300, 250), ()),  # whole, in the middle
    ((250, 50, 450, 250), ("right",)),  # runs out at the right
    ((100, -80, 300, 350), ("top", "bottom")),  # cropped top and bottom (a model at the chin and thighs)
    ((-60, 50, 120, 250), ("left",)),
])
def test_a_product_leaving_the_frame_is_cut_on_that_side(box: tuple[int, int, int, int],
                                                          sides: tuple[str, ...]) -> None:
    assert cut_sides(_mask(box), rules=settings().review) == sides


def test_a_product_cropped_then_padded_with_a_thin_margin_is_cut() -> None:
    # A photo cropped through the product, then given a 3 px white margin: nothing touches the edge.
    m = Image.new("L", (400, 300), 0)
    ImageDraw.Draw(m).rectangle((100, 3, 300, 200), fill=255)
    assert cut_sides(m, rules=settings().review) == ("top",)


def test_a_merchant_cutout_cut_straight_at_the_wrist_is_cut() -> None:
    # A hand holding a notebook, cut out by the merchant from a photo that had cut the arm: the arm ends in a
    # hard, straight line well inside the canvas.
    def notebook() -> Image.Image:  # tilted, with the anti-aliased outline of a careful cut-out
        big = Image.new("L", (2400, 2400), 0)
        ImageDraw.Draw(big).polygon([(880, 200), (1720, 330), (1600, 1560), (760, 1430)], fill=255)
        return big.resize((600, 600), Image.Resampling.BOX)

    m = notebook()
    ImageDraw.Draw(m).rectangle((230, 300, 300, 500), fill=255)  # the forearm, cut straight at y=500
    assert cut_sides(m, hard_edges=True, rules=settings().review) == ("bottom",)
    # The same shape with a rounded end (the product's own outline) is whole.
    soft = notebook()
    ImageDraw.Draw(soft).ellipse((230, 300, 300, 500), fill=255)
    assert cut_sides(soft, hard_edges=True, rules=settings().review) == ()


def test_a_cutout_from_a_busy_scene_is_uncertain() -> None:
    # No product at all: a kitchen-like scene of random blocks; whatever a model marks is a guess.
    scene = Image.effect_noise((320, 320), 90).convert("RGB").resize((640, 640), Image.Resampling.NEAREST)
    guess = _mask((200, 200, 440, 440), scene.size)
    rgb, m = analysis_arrays(scene, guess, side=settings().cleanup.side)
    rules = settings()
    verdict = review(rgb, m, guess, "model", clean_mask(scene, guess, rules=rules.cleanup).backdrop,
                     rules=rules.review, tolerance=rules.analyze.backdrop_tolerance)
    assert verdict.uncertain
    assert "busy scene" in verdict.doubts[0]


def test_a_scene_with_no_product_is_not_cut_out() -> None:
    scene = Image.effect_noise((320, 320), 90).convert("RGB").resize((640, 640), Image.Resampling.NEAREST)
    found = isolate(scene, None, "auto", light_min=200, tolerance=28,
                    model=lambda im: (_mask((60, 60, 260, 260), im.size), 1.0, "stub"), rules=settings())
    assert found.how == "none"
    assert found.warnings == (Note(WarningKind.UNCERTAIN_CUTOUT),)
    assert found.review is not None
    assert found.review.uncertain


def test_a_clean_product_on_a_plain_backdrop_is_trusted() -> None:
    photo = Image.new("RGB", (640, 640), (30, 120, 200))
    ImageDraw.Draw(photo).ellipse((180, 160, 460, 480), fill=(250, 200, 30))
    found = isolate(photo, None, "auto", light_min=200, tolerance=28,
                    model=lambda im: (_mask((180, 160, 460, 480), im.size).resize(im.size), 1.0, "stub"),
                    rules=settings())
    assert found.how == "model"
    assert found.review is not None
    assert not found.review.uncertain, found.review


def test_no_isolation_fails_isolated_product() -> None:
    # A product on white in the file, but the photo's product was never isolated (the model found nothing
    # usable): the file would be the photo itself, so a main image must not pass on its looks.
    import io
    from types import SimpleNamespace

    from artpipe.imaging.normalize import Asset
    from artpipe.presets import load_presets
    from artpipe.run.tasks import check_output

    canvas = Image.new("RGB", (2000, 2000), (255, 255, 255))
    ImageDraw.Draw(canvas).ellipse((200, 150, 1800, 1850), fill=(30, 160, 60))
    data = io.BytesIO()
    canvas.save(data, "JPEG", quality=95)
    preset = load_presets(None)[0]["amazon.main"]
    photo = Image.new("RGB", (100, 100), (120, 90, 60))
    rendered = SimpleNamespace(upscale=0.0)

    def verdict(isolation: str, backdrop: tuple[int, int, int] | None) -> bool:
        source = Asset(photo, "p.jpg", "JPEG", (100, 100), (0, 0, 100, 100), backdrop, isolation=isolation)
        results = check_output(data.getvalue(), rendered, preset, source, "amazon")  # type: ignore[arg-type]
        return next(r.ok for r in results.results if r.rule == "isolated_product")

    assert verdict("model", None)  # the same file from an isolated product passes
    assert not verdict("none", (120, 90, 60))  # a photo that was never isolated does not
    assert verdict("none", (255, 255, 255))  # unless the photo already was a product on pure white


def test_several_products_fail_one_subject_unless_sold_as_a_set() -> None:
    # Tmall's white-background image shows one product; a set sold together is the operator's explicit choice.
    import io
    from types import SimpleNamespace

    from artpipe.imaging.normalize import Asset
    from artpipe.imaging.review import Review
    from artpipe.presets import load_presets
    from artpipe.run.tasks import check_output

    canvas = Image.new("RGB", (800, 800), (255, 255, 255))
    ImageDraw.Draw(canvas).ellipse((100, 200, 380, 600), fill=(30, 160, 60))
    ImageDraw.Draw(canvas).ellipse((420, 200, 700, 600), fill=(30, 160, 60))
    data = io.BytesIO()
    canvas.save(data, "JPEG", quality=95)
    preset = load_presets(None)[0]["tmall.white_bg"]
    photo = Image.new("RGB", (100, 100))
    source = Asset(photo, "p.jpg", "JPEG", (100, 100), (0, 0, 100, 100), None, isolation="model",
                   review=Review(pieces=2))

    def one_subject(sold_as_set: bool) -> tuple[bool, str]:
        results = check_output(data.getvalue(), SimpleNamespace(upscale=0.0), preset, source, "tmall",  # type: ignore[arg-type]
                               sold_as_set).results
        rule = next(r for r in results if r.rule == "one_subject")
        return rule.ok, rule.measured

    assert one_subject(False) == (False, "2 separate products")
    ok, measured = one_subject(True)
    assert ok
    assert "set sold together" in measured
    # two products crossing in one piece (bodies.py) count as two as well
    source = Asset(photo, "p.jpg", "JPEG", (100, 100), (0, 0, 100, 100), None, isolation="alpha",
                   review=Review(pieces=1, bodies=2))
    assert one_subject(False) == (False, "2 products: 2 of them in one piece, crossing or leaning on each other")
    assert one_subject(True)[0]
    source = Asset(photo, "p.jpg", "JPEG", (100, 100), (0, 0, 100, 100), None, isolation="alpha",
                   review=Review(pieces=2, bodies=2))
    assert one_subject(False) == (False, "3 products: 2 of them in one piece, crossing or leaning on each other")


def test_a_job_says_a_product_is_a_set(tmp_path: Path) -> None:
    from artpipe.run.jobs import load_job

    Image.new("RGB", (900, 900), (200, 30, 30)).save(tmp_path / "p.jpg")
    job = tmp_path / "job.yaml"
    job.write_text("templates: [product-main]\noutput: '{sku}.jpg'\nproducts:\n"
                   "  - {sku: a, product: p.jpg, subjects: set}\n  - {sku: b, product: p.jpg}\n", encoding="utf-8")
    products = load_job(job).products
    assert [p.subjects for p in products] == ["set", "one"]
    job.write_text("templates: [product-main]\noutput: '{sku}.jpg'\nproducts:\n"
                   "  - {sku: a, product: p.jpg, subjects: many}\n", encoding="utf-8")
    from artpipe.errors import ConfigError

    with pytest.raises(ConfigError, match="'many' is not one of one, set"):
        load_job(job)


# --- the measures, against their whole-image definitions ------------------------------------------------------------

def _photo_with_lines(seed: int = 0, *, plain: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A 200 x 160 light photo with a grainy grey product (a disc, its mask), a short scratch and, unless
    ``plain``, a sharp thin line away from it (an edge the backdrop turned white would leave) and a soft broad
    shadow beside it: uint8 rgb and the solid mask."""
    im = Image.new("RGB", (200, 160), (228, 226, 222))
    d = ImageDraw.Draw(im)
    d.ellipse((60, 40, 130, 110), fill=(150, 150, 160))
    d.line((150, 20, 151, 20), fill=(170, 170, 170), width=1)  # too short to count
    if not plain:
        d.line((20, 130, 180, 138), fill=(120, 120, 120), width=1)  # long and sharp: erased structure
        shadow = Image.new("L", im.size, 0)
        ImageDraw.Draw(shadow).ellipse((130, 60, 190, 110), fill=120)
        im.paste((150, 149, 146), (0, 0), shadow.filter(ImageFilter.GaussianBlur(6)))  # the backdrop darkened
    noisy = np.asarray(im, dtype=np.int16) + (np.asarray(grain(im.size, 3, seed), dtype=np.int16)[..., None] - 128)
    solid = np.zeros((160, 200), dtype=bool)
    yy, xx = np.mgrid[:160, :200]
    solid[((xx - 95) / 35) ** 2 + ((yy - 75) / 35) ** 2 <= 1] = True
    return np.clip(noisy, 0, 255).astype(np.uint8), solid


def _erased_reference(rgb: np.ndarray, solid: np.ndarray, backdrop: BackdropModel | None) -> float:
    """The erased-edge share as defined: every step on the whole image (a shadow's soft rim taken out first)."""
    from scipy import ndimage

    rules = settings().review
    f = rgb.astype(np.float32)
    grey = ndimage.gaussian_filter(f.sum(axis=-1) / 3.0, 0.8)
    grad = np.hypot(ndimage.sobel(grey, axis=1), ndimage.sobel(grey, axis=0)) / 8.0
    away = ~ndimage.binary_dilation(solid, iterations=rules.erased_gap)
    if backdrop is not None:
        back = np.clip(backdrop.predict(*solid.shape), 1.0, 255.0)
        lum, lum_back = f.sum(axis=-1) + 1.0, back.sum(axis=-1)
        chroma = np.abs(f / lum[..., None] - back / lum_back[..., None]).max(axis=-1)
        ratio = lum / lum_back
        labels, _ = ndimage.label((chroma <= rules.shade_chroma) & (ratio < rules.shade_ratio) & (ratio > 0.3))
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        broad = (sizes >= rules.shade_area)[labels]
        away &= ~(ndimage.binary_dilation(broad, iterations=rules.erased_gap) & (grad <= rules.shade_soft))
    away[:2, :] = away[-2:, :] = away[:, :2] = away[:, -2:] = False
    labels, n = ndimage.label(away & (grad > rules.erased_grad), structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel())[1:]
    return float(sizes[sizes >= rules.erased_piece].sum()) / int(solid.sum())


def test_erased_edges_are_the_long_sharp_lines_away_from_the_product_and_its_shadow() -> None:
    rgb, solid = _photo_with_lines()
    backdrop = fit_backdrop(rgb, ~solid)
    assert backdrop is not None
    found = _erased_edges(rgb, solid, backdrop, settings().review)
    assert found > 0  # the long line counts
    assert found == _erased_reference(rgb, solid, backdrop)
    assert _erased_edges(rgb, solid, None, settings().review) == _erased_reference(rgb, solid, None)


def test_a_photo_with_no_erased_line_never_models_its_shadows(monkeypatch: pytest.MonkeyPatch) -> None:
    # Shadows only take pixels out of the lines: with none long enough there is nothing for them to take.
    plain, solid = _photo_with_lines(plain=True)
    backdrop = fit_backdrop(plain, ~solid)
    assert backdrop is not None
    expected = _erased_reference(plain, solid, backdrop)

    def predict(self: BackdropModel, height: int, width: int) -> np.ndarray:
        message = "the backdrop was predicted over the whole photo"
        raise AssertionError(message)

    monkeypatch.setattr(BackdropModel, "predict", predict)
    assert _erased_edges(plain, solid, backdrop, settings().review) == expected == 0.0


def test_edge_agreement_reads_each_pixel_near_the_outline_once_and_agrees_with_the_whole_sobel(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy import ndimage

    from artpipe.imaging import review as module

    rgb, solid = _photo_with_lines()
    solid[70:80, 20:60] = True  # a bar into plain backdrop: an outline on no edge of the photo
    rules = settings().review
    read: list[tuple[int, int]] = []
    gradient = module._gradient

    def counted(f: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        read.extend(zip(y.tolist(), x.tolist(), strict=True))
        return gradient(f, y, x)

    monkeypatch.setattr(module, "_gradient", counted)
    agreement = _edge_agreement(rgb, solid, 1.0, rules)
    assert len(read) == len(set(read))  # once per pixel, not once per outline pixel and neighbour
    f = rgb.astype(np.float32)
    whole = np.max([np.hypot(ndimage.sobel(f[..., c], axis=1), ndimage.sobel(f[..., c], axis=0)) / 8.0
                    for c in range(3)], axis=0)
    near = ndimage.maximum_filter(whole, size=3)
    outline = solid & ~ndimage.binary_erosion(solid, border_value=0)
    expected = float((near[outline] > rules.edge_min + rules.edge_spread * 1.0).mean())
    assert 0 < agreement < 1
    assert agreement == expected


