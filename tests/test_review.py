"""How far a cut-out is trusted (imaging/review.py) and what a main image's checks make of it (tasks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.cleanup import analysis_arrays, clean_mask
from artpipe.imaging.isolate import isolate
from artpipe.imaging.review import cut_sides, review
from artpipe.reasons import Note, WarningKind


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
