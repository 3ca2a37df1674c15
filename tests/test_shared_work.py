"""Work every product of a batch shares is done once per worker: a brand's logo is decoded once, a layer that
reads nothing of the product is painted once; what differs per product is always drawn again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from artpipe.imaging import decoding
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import render_product
from artpipe.workcache import worker_cache

from conftest import product_photo

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _job(tmp_path: Path, products: list[tuple[str, str]]) -> Path:
    (tmp_path / "photos").mkdir(exist_ok=True)
    shutil.copy(SAMPLES / "logo-maison.png", tmp_path / "logo.png")
    rows = ""
    for i, (sku, badge) in enumerate(products):
        product_photo((600 + 40 * i, 500)).save(tmp_path / "photos" / f"{sku}.jpg")
        rows += f"  - {{sku: {sku}, product: photos/{sku}.jpg, headline: 春季大促, badge: '{badge}'}}\n"
    path = tmp_path / "job.yaml"
    path.write_text("templates: [{template: promo-banner, sizes: [wide]}]\ndefaults: {logo: logo.png}\n"
                    f"products:\n{rows}", encoding="utf-8")
    return path


def _spy(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(target, name)

    def spied(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)
    monkeypatch.setattr(target, name, spied)
    return calls


def test_a_brand_logo_is_decoded_once_and_again_when_it_changes(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = plan(load_job(_job(tmp_path, [("a", "限时"), ("b", "限时"), ("c", "限时")])), tmp_path / "out")
    decoded = _spy(monkeypatch, decoding, "open_image")
    for task in tasks:
        assert render_product(task).failure is None
    logo = tmp_path / "logo.png"
    assert sum(1 for p in decoded if Path(str(p)) == logo) == 1
    assert sum(1 for p in decoded if "photos" in str(p)) == 3  # every product photo, every time
    Image.new("RGBA", (300, 100), (0, 128, 0, 255)).save(logo)
    os.utime(logo, ns=(logo.stat().st_atime_ns, logo.stat().st_mtime_ns + 10**9))
    assert render_product(tasks[0]).failure is None
    assert sum(1 for p in decoded if Path(str(p)) == logo) == 2  # an edited file is read again


def test_a_missing_brand_logo_is_still_reported_as_missing(tmp_path: Path) -> None:
    tasks = plan(load_job(_job(tmp_path, [("a", "限时")])), tmp_path / "out")
    (tmp_path / "logo.png").unlink()
    result = render_product(tasks[0])
    assert result.failure is not None
    assert result.failure.reason == "missing"
    assert result.input == tmp_path / "logo.png"


def test_rendering_many_products_keeps_nothing_of_them(tmp_path: Path) -> None:
    import gc

    memo = worker_cache().derived
    tasks = plan(load_job(_job(tmp_path, [(f"p{i}", "限时") for i in range(6)])), tmp_path / "out")
    for task in tasks[:3]:
        render_product(task)
    gc.collect()
    after_three = len(memo)
    for task in tasks[3:]:
        render_product(task)
    gc.collect()
    assert len(memo) == after_three  # the photos' copies went with the photos


def test_a_colour_path_photos_backdrop_is_found_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Isolating the product, its mask for the text check and each main image drawn whitened all read the
    photo's backdrop region: it is found once per photo, not once per step and preset."""
    from artpipe.imaging import backdrop
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    product_photo((1200, 900)).save(tmp_path / "bottle.jpg", quality=92)
    planned = plan_main_images([tmp_path / "bottle.jpg"], tmp_path / "out", ["amazon.main", "tmall.white_bg",
                                                                             "jd.main"], load_presets(None))
    found = _spy(monkeypatch, backdrop, "edge_connected")  # the fill at the heart of finding a region
    result = render_product(plan(planned.job, tmp_path / "out")[0])
    assert result.failure is None
    assert any("cutout:color" in step for step in result.steps)  # the colour path, as meant
    # the photo's region at 512 px (a main image's own, checked on its bytes, is square)
    assert sum(1 for im in found if isinstance(im, Image.Image) and im.size == (512, 384)) == 1


def _shadowed_photo(path: Path) -> None:
    """A product on a light backdrop with a soft floor shadow under it, which the colour path clears."""
    im = product_photo((1200, 900))
    shade = Image.new("L", im.size, 0)
    ImageDraw.Draw(shade).ellipse((330, 730, 870, 800), fill=120)
    im = Image.composite(Image.new("RGB", im.size, (150, 150, 150)), im, shade.filter(ImageFilter.GaussianBlur(12)))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((360, 180, 840, 765), radius=48, fill=(30, 80, 170))
    draw.rectangle((360, 405, 840, 495), fill=(220, 50, 40))
    im.save(path, quality=92)


def test_a_colour_path_clearing_is_scaled_once_for_every_main_image(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The clearing (the floor shadow whitened with the backdrop) is scaled to the backdrop region's size to
    measure the product and to whiten each picture: as often for three main images as for one."""
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    _shadowed_photo(tmp_path / "box.jpg")
    scaled: list[tuple[int, int]] = []
    real = Image.Image.resize

    def resize(im: Image.Image, size: tuple[int, int], *args: object, **kwargs: object) -> Image.Image:
        if im.mode == "L" and im.size == (1200, 900) and tuple(size) == (512, 384):
            scaled.append(im.size)
        return real(im, size, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Image.Image, "resize", resize)
    counts = []
    for presets in (["amazon.main"], ["amazon.main", "tmall.white_bg", "jd.main"]):
        out = tmp_path / f"out{len(presets)}"
        planned = plan_main_images([tmp_path / "box.jpg"], out, presets, load_presets(None))
        scaled.clear()
        result = render_product(plan(planned.job, out)[0])
        assert result.failure is None
        assert any("cutout:color" in step for step in result.steps)
        counts.append(len(scaled))
    assert counts[0] > 0  # the photo has a clearing, scaled
    assert counts[1] == counts[0]


def test_a_large_photo_is_reduced_by_a_whole_factor_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text check (1280 px) and the whitened product's box (1024 px) both start from a 3840 px photo
    reduced by 3: it is made once and shared."""
    from artpipe.imaging import analyze
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    product_photo((3840, 2880)).save(tmp_path / "box.jpg", quality=92)
    planned = plan_main_images([tmp_path / "box.jpg"], tmp_path / "out", ["amazon.main", "tmall.white_bg"],
                               load_presets(None))
    factors: list[int] = []
    real = analyze.reduced

    def reduced(im: Image.Image, factor: int) -> Image.Image:
        if im.size == (3840, 2880) and im.mode == "RGB":  # the photo (not its mask)
            factors.append(factor)
        return real(im, factor)
    monkeypatch.setattr(analyze, "reduced", reduced)
    result = render_product(plan(planned.job, tmp_path / "out")[0])
    assert result.failure is None
    assert any("cutout:color" in step for step in result.steps)
    assert factors.count(3) == 1


def test_a_cut_out_photos_reductions_are_let_go_before_the_first_canvas(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """On the model path the text check's reduction of a large photo (5 MB at 12 MP) and loading's preview are
    let go before any canvas is drawn: the cut-out's work copy is made from the reduction first, so nothing is
    reduced again while drawing."""
    import artpipe.run.tasks as tasks
    from artpipe.imaging import analyze
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    teal = Image.new("RGB", (3840, 2880), (20, 140, 130))
    ImageDraw.Draw(teal).rounded_rectangle((1300, 600, 2400, 2450), radius=120, fill=(200, 40, 40))
    teal.save(tmp_path / "mug.jpg", quality=90)
    planned = plan_main_images([tmp_path / "mug.jpg"], tmp_path / "out", ["amazon.main"], load_presets(None))
    held: list[list[str]] = []
    factors: list[int] = []
    drawing = [False]
    real_reduced, real_render = analyze.reduced, tasks.render_outputs

    def reduced(im: Image.Image, factor: int) -> Image.Image:
        if drawing[0] and im.size == (3840, 2880):
            factors.append(factor)
        return real_reduced(im, factor)

    def render_outputs(task: object, specs: object, images: dict[str, object], source: object) -> object:
        assert source is not None
        held.append(sorted(what for (key, what) in worker_cache().derived.entries
                           if key == id(source.image)))  # type: ignore[attr-defined]
        drawing[0] = True
        return real_render(task, specs, images, source)  # type: ignore[arg-type]

    monkeypatch.setattr(analyze, "reduced", reduced)
    monkeypatch.setattr(tasks, "render_outputs", render_outputs)
    result = render_product(plan(planned.job, tmp_path / "out")[0])
    assert result.failure is None
    assert any("cutout:model" in step for step in result.steps)
    assert len(held) == 1
    assert "work-copy" in held[0]
    assert "photo-text" in held[0]
    assert not [what for what in held[0] if what.startswith("reduced:") or what == "preview"]
    assert factors == []  # nothing reduced again while drawing
    with Image.open(tmp_path / "out" / "amazon" / "amazon.main" / "mug.jpg") as im:
        assert im.getpixel((1000, 1000))[0] > 150  # the red product drawn
        assert im.getpixel((5, 5)) == (255, 255, 255)


def test_a_large_jpegs_cut_out_takes_its_edge_colours_from_the_copy_its_mask_was_made_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model isolates a large JPEG on a reduced decode's analysis copy; that copy is the photo's work copy
    (the drawn cut-out's edge colours and visible box), not a second one reduced from the 12 MP photo."""
    import artpipe.run.tasks as tasks
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    teal = Image.new("RGB", (3840, 2880), (20, 140, 130))
    ImageDraw.Draw(teal).rounded_rectangle((1300, 600, 2400, 2450), radius=120, fill=(200, 40, 40))
    teal.save(tmp_path / "mug.jpg", quality=90)
    planned = plan_main_images([tmp_path / "mug.jpg"], tmp_path / "out", ["amazon.main"], load_presets(None))
    copies: list[Image.Image] = []
    work: list[object] = []
    real_isolate, real_render = tasks.isolate_copy, tasks.render_outputs

    def isolate_copy(small: Image.Image, *args: object, **kwargs: object) -> object:
        copies.append(small)
        return real_isolate(small, *args, **kwargs)  # type: ignore[arg-type]

    def render_outputs(task: object, specs: object, images: dict[str, object], source: object) -> object:
        work.append(worker_cache().derived.entries.get((id(source.image), "work-copy")))  # type: ignore[attr-defined]
        return real_render(task, specs, images, source)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "isolate_copy", isolate_copy)
    monkeypatch.setattr(tasks, "render_outputs", render_outputs)
    result = render_product(plan(planned.job, tmp_path / "out")[0])
    assert result.failure is None
    assert len(copies) == 1
    assert copies[0].size == (1024, 768)
    assert work == [copies[0]]  # the very copy the mask was made on
    with Image.open(tmp_path / "out" / "amazon" / "amazon.main" / "mug.jpg") as im:
        red = im.getpixel((1000, 1000))
        assert red[0] > 150  # the product drawn in its own colour
        assert red[1] < 80
        assert im.getpixel((5, 5)) == (255, 255, 255)


def test_a_large_jpegs_text_is_found_on_the_copy_the_model_ran_on_before_its_full_decode(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the model path, a large JPEG's text detector runs once, on the analysis copy the model ran on, before
    the photo is decoded in full (its working memory never meets the 12 MP photo, and the heap is given back
    between them); the text check takes that map, and a caption under the product fails no_text at its place
    in the photo."""
    import re

    from test_textfind import with_text

    import artpipe.run.tasks as tasks
    from artpipe.imaging import textfind
    from artpipe.presets import load_presets
    from artpipe.run.main_images import plan_main_images

    teal = Image.new("RGB", (3840, 2880), (20, 140, 130))
    ImageDraw.Draw(teal).rounded_rectangle((1300, 300, 2400, 2050), radius=120, fill=(200, 40, 40))
    with_text(teal, "SALE 50% OFF", (1850, 2550), px=200, fill=(250, 220, 40)).save(tmp_path / "mug.jpg", quality=90)
    planned = plan_main_images([tmp_path / "mug.jpg"], tmp_path / "out", ["amazon.main"], load_presets(None))
    events: list[tuple[str, tuple[int, int] | None]] = []
    real_probability, real_decode = textfind.probability, tasks.decode

    def probability(im: Image.Image, side: int = 640) -> object:
        events.append(("detect", im.size))
        return real_probability(im, side)

    def decode(path: Path, *args: object, **kwargs: object) -> object:
        events.append(("decode", None))
        return real_decode(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textfind, "probability", probability)
    monkeypatch.setattr(tasks, "decode", decode)
    monkeypatch.setattr(tasks, "give_back", lambda: events.append(("give back", None)))
    real_canvas = tasks.render_canvas
    monkeypatch.setattr(tasks, "render_canvas", lambda out: events.append(("canvas", None)) or real_canvas(out))
    result = render_product(plan(planned.job, tmp_path / "out")[0])
    assert result.failure is None
    assert any(step.startswith("cutout:") for step in result.steps)  # the model path (the caption unsettles it)
    seen = [e for e in events if e[0] != "give back"]
    assert seen == [("detect", (1024, 768)), ("decode", None), ("canvas", None)]  # once, on the copy, first
    kinds = [kind for kind, _ in events]
    detected, decoded, drawn = kinds.index("detect"), kinds.index("decode"), kinds.index("canvas")
    assert kinds[decoded - 1] == "give back"  # the detector's arena returned before the full decode
    assert "give back" in kinds[decoded + 1:drawn]  # what loading and the text freed, before the first canvas
    assert detected < decoded
    (output,) = result.outputs
    assert output.check is not None
    (rule,) = [r for r in output.check.results if r.rule == "no_text"]
    assert rule.ok is False
    assert "SALE" in rule.measured
    box = [int(v) for v in re.search(r"at \((\d+), (\d+), (\d+), (\d+)\)", rule.measured).groups()]  # type: ignore[union-attr]
    assert 2300 < (box[1] + box[3]) / 2 < 2700  # in the photo's own pixels, where the caption is
    assert 1400 < (box[0] + box[2]) / 2 < 2300


def test_the_product_mask_the_text_check_reads_is_never_larger_than_it_looks(tmp_path: Path) -> None:
    """The text check reads a product's mask at up to 1024 px: a colour-path photo's and a cut-out's are given
    at that side, not scaled to the photo's 12 MP and reduced again."""
    from artpipe.cutout import Isolate
    from artpipe.imaging.normalize import product_mask
    from artpipe.run.tasks import load_asset

    _shadowed_photo(tmp_path / "box.jpg")
    big = Image.open(tmp_path / "box.jpg").resize((2400, 1800))
    big.save(tmp_path / "big.jpg", quality=92)
    cut = big.convert("RGBA")
    cut.putalpha(Image.new("L", big.size, 0))
    cut.paste(big.crop((700, 400, 1700, 1500)), (700, 400))
    cut.save(tmp_path / "cut.png")
    for name, how in (("box.jpg", "color"), ("big.jpg", "color"), ("cut.png", "alpha")):
        asset = load_asset(tmp_path / name, (), isolation=Isolate("auto"))
        assert asset.isolation == how
        mask = product_mask(asset, 28)
        assert mask is not None
        assert mask.size == (1024, 768)
        assert mask.getpixel((512, 384)) == 255  # the product
        assert mask.getpixel((20, 20)) == 0  # the backdrop
