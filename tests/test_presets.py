from __future__ import annotations

import io
import json
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from artpipe.cli.commands import main
from artpipe.defaults import settings
from artpipe.errors import ConfigError
from artpipe.imaging.checks import check_bytes
from artpipe.presets import CONFIDENCE, Platform, load_platforms, load_presets
from artpipe.yamlsrc import load_mapping

from conftest import grain

DATA = Path(__file__).parent / "data"
NAMES = {"amazon.main", "amazon.secondary", "shopify.product", "ebay.photo", "gmc.image", "taobao.main",
         "tmall.white_bg", "taobao.main_3x4", "taobao.detail", "tmall.detail", "taobao.shop_sign",
         "tmall.shop_sign", "tmall.poster", "mobile.banner", "jd.main", "lazada.main", "etsy.listing"}


def test_every_preset_is_data_with_sources() -> None:
    presets, platforms = load_presets()
    assert set(presets) == NAMES
    for p in presets.values():
        assert p.rules, p.name
        for rule in p.rules:
            assert rule.source, (p.name, rule.kind)
            assert rule.confidence in CONFIDENCE
    assert all(n in presets for names in platforms.values() for n in names)
    assert presets["tmall.white_bg"].rule("bytes").params == {"min": 38000, "max": 300000}  # type: ignore[union-attr]


def test_an_agency_file_overrides_and_adds(tmp_path: Path) -> None:
    extra = tmp_path / "agency.yaml"
    extra.write_text("""\
presets:
  tmall.white_bg:
    rules:
      bytes: {min: 50000, max: 250000, source: "our Tmall account manager", confidence: secondary}
  acme.square:
    title: ACME shop square
    render: {width: 1000, height: 1000, format: JPEG}
    rules:
      square: {source: house style, confidence: official}
platforms:
  acme: [acme.square, tmall.white_bg]
""", encoding="utf-8")
    presets, platforms = load_presets(extra)
    white = presets["tmall.white_bg"]
    assert white.rule("bytes").params == {"min": 50000, "max": 250000}  # type: ignore[union-attr]
    assert white.rule("white_background") is not None  # the other rules stay
    assert platforms["acme"] == ("acme.square", "tmall.white_bg")
    extra.write_text("presets:\n  tmall.white_bg:\n    rules:\n      byts: {max: 1, source: x, confidence: official}\n")
    message = r"agency.yaml:4:7: presets.tmall.white_bg.rules.byts: unknown key \(did you mean bytes\?\)"
    with pytest.raises(ConfigError, match=message):
        load_presets(extra)


def test_a_preset_renders_only_formats_artpipe_writes(tmp_path: Path) -> None:
    extra = tmp_path / "agency.yaml"
    extra.write_text("presets:\n  acme.gif:\n    title: Animated slot\n"
                     "    render: {width: 400, height: 400, format: GIF}\n    rules:\n"
                     "      formats: {allowed: [GIF, JPEG], source: house, confidence: official}\n",
                     encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_presets(extra)
    problem = str(caught.value.problems[0])
    assert "agency.yaml" in problem
    assert "render.format: artpipe does not write GIF" in problem
    assert "render this preset as JPEG, PNG, WEBP or AVIF" in problem
    extra.write_text(extra.read_text(encoding="utf-8").replace("format: GIF", "format: JPEG"), encoding="utf-8")
    preset = load_presets(extra)[0]["acme.gif"]  # a formats rule may still allow GIF
    assert preset.format == "JPEG"
    assert preset.rule("formats").params["allowed"] == ("GIF", "JPEG")  # type: ignore[union-attr]


def test_one_format_registry_names_every_table() -> None:
    from artpipe.imaging import formats
    from artpipe.imaging.encode import EXTENSIONS, EncodeOptions, encode

    assert formats.WRITTEN == ("JPEG", "PNG", "WEBP", "AVIF")  # AVIF: this Pillow has its encoder
    assert EXTENSIONS == {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".avif": "AVIF"}
    assert formats.SPELLINGS == {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF", "jpg": "JPEG"}
    assert formats.suffix("TIFF") == ".tif"
    assert ".heic" in formats.IMAGE_EXTENSIONS
    for name in formats.WRITTEN:  # every format artpipe writes encodes, and reads back as itself
        data = encode(Image.new("RGBA", (8, 8), (10, 20, 30, 128)), EncodeOptions(format=name))
        with Image.open(io.BytesIO(data)) as back:
            assert back.format == name
            assert (back.mode in ("RGBA", "RGBa")) == formats.BY_NAME[name].alpha


def encoded(im: Image.Image, fmt: str = "PNG", **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def on_white(size: tuple[int, int], box: tuple[int, int, int, int],
             border: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """A product-like shape (an ellipse: a product's silhouette leaves its box's corners white) on white."""
    im = Image.new("RGB", size, border)
    ImageDraw.Draw(im).ellipse(box, fill=(30, 80, 170))
    return im


def verdicts(data: bytes, preset: str) -> dict[str, bool]:
    return {r.rule: r.ok for r in check_bytes(data, load_presets()[0][preset], rules=settings().analyze)}


def test_white_background_is_judged_on_exact_255() -> None:
    good = encoded(on_white((800, 800), (100, 100, 700, 700)))
    off = encoded(on_white((800, 800), (100, 100, 700, 700), border=(254, 255, 255)))
    assert verdicts(good, "tmall.white_bg")["white_background"] is True
    assert verdicts(off, "tmall.white_bg")["white_background"] is False


def test_fill_ratio_amazon_and_lazada() -> None:
    big = encoded(on_white((1000, 1000), (40, 40, 960, 960)))  # 92 %
    small = encoded(on_white((1000, 1000), (200, 200, 800, 800)))  # 60 %
    assert verdicts(big, "amazon.main")["fill"] is True
    assert verdicts(small, "amazon.main")["fill"] is False
    assert verdicts(encoded(on_white((1000, 1000), (90, 300, 910, 700))), "lazada.main")["fill"] is True  # 82 %


def test_jd_edge_margin() -> None:
    near = encoded(on_white((800, 800), (5, 200, 795, 600)))
    far = encoded(on_white((800, 800), (100, 200, 700, 600)))
    assert verdicts(near, "jd.main")["edge_margin"] is True
    assert verdicts(far, "jd.main")["edge_margin"] is False


def test_tmall_subject_size_and_byte_floor() -> None:
    tiny = encoded(on_white((800, 800), (350, 350, 450, 450)), "JPEG", quality=90)
    result = {r.rule: r for r in check_bytes(tiny, load_presets()[0]["tmall.white_bg"], rules=settings().analyze)}
    assert result["subject"].ok is False
    assert result["subject"].measured.startswith("product ")
    assert result["bytes"].ok is False  # a flat JPEG is far under the 38 KB floor
    assert result["bytes"].limit == "38000-300000 bytes"
    assert str(result["bytes"]).startswith("FAIL bytes: ")


def test_size_format_and_srgb() -> None:
    icc = (DATA / "adobe-rgb-compatible.icc").read_bytes()
    wrong = encoded(on_white((640, 480), (10, 10, 600, 400)), "PNG", icc_profile=icc)
    v = verdicts(wrong, "tmall.white_bg")
    assert v["size"] is False
    assert v["formats"] is False
    assert verdicts(wrong, "amazon.secondary")["srgb"] is False


def test_product_main_on_a_light_backdrop_passes_the_white_background_rules(tmp_path: Path) -> None:
    from artpipe.report.outcome import product_item
    from artpipe.run.jobs import load_job, plan
    from artpipe.run.tasks import render_product
    photo = Image.new("RGB", (1200, 1000), (236, 234, 230))  # an off-white studio backdrop
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((350, 150, 850, 900), radius=40, fill=255)
    noise = grain(photo.size, 60).convert("RGB")
    texture = Image.blend(Image.new("RGB", photo.size, (30, 80, 170)), noise, 0.3)  # surface detail, as photos have
    photo.paste(texture, (0, 0), mask)
    photo.save(tmp_path / "p.jpg", quality=92)
    (tmp_path / "job.yaml").write_text("templates: [product-main]\nformat: {quality: 92, min_bytes: 38000, "
                                       "max_bytes: 300000}\nproducts: [{sku: a, product: p.jpg}]\n")
    (task,) = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    assert product_item(render_product(task)).status == "ok"
    data = (tmp_path / "out" / "a" / "product-main-square.jpg").read_bytes()
    results = {r.rule: r for r in check_bytes(data, load_presets()[0]["tmall.white_bg"], rules=settings().analyze)}
    assert all(r.ok for r in results.values()), [str(r) for r in results.values()]
    amazon = {r.rule: r for r in check_bytes(data, load_presets()[0]["amazon.main"], rules=settings().analyze)}
    assert amazon["white_background"].ok
    assert amazon["fill"].ok, str(amazon["fill"])


def test_a_job_renders_into_presets_and_checks_them(tmp_path: Path) -> None:
    photo = Image.new("RGB", (1200, 1000), (236, 234, 230))
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((350, 150, 850, 900), radius=40, fill=255)
    photo.paste(Image.blend(Image.new("RGB", photo.size, (30, 80, 170)),
                            grain(photo.size, 60).convert("RGB"), 0.3), (0, 0), mask)
    photo.save(tmp_path / "p.jpg", quality=92)
    (tmp_path / "job.yaml").write_text("""\
templates:
  - template: product-main
    presets: [tmall.white_bg]
  - template: promo-banner
    presets: [jd]
products: [{sku: a, product: p.jpg, headline: 春季大促, price: ¥39}]
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "job.yaml"), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "out" / "a" / "product-main-tmall.white_bg.jpg") as im:
        assert im.size == (800, 800)
    with Image.open(tmp_path / "out" / "a" / "promo-banner-jd.main.jpg") as im:
        assert im.size == (800, 800)  # the platform name stood for its preset
    item = json.loads((tmp_path / "out" / "report.json").read_text())["items"][0]
    checks = {c["preset"]: c for c in item["checks"]}
    assert checks["tmall.white_bg"]["pass"] is True
    assert 38000 <= (tmp_path / "out" / "a" / "product-main-tmall.white_bg.jpg").stat().st_size <= 300000
    assert "dropped:headline@jd.main" in item["warnings"]  # no promotional overlays in JD's main image
    assert "dropped:price@jd.main" in item["warnings"]
    assert checks["jd.main"]["pass"] is False  # a banner's gradient is not a white background: reported
    assert "check_failed:jd.main:white_background" in item["warnings"]


def test_unknown_presets_in_a_job(tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text("templates:\n  - template: product-main\n    presets: [tmall.whitebg]\n"
                                       "products: [{sku: a, product: p.jpg}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "job.yaml")])
    assert result.exit_code == 1
    assert "presets: no preset or platform 'tmall.whitebg' (did you mean tmall.white_bg?)" in result.stderr


AGENCY = """\
presets:
  tmall.white_bg:
    rules:
      no_overlays: {roles: [promo, price], action: refuse, source: "our Tmall account manager", confidence: secondary}
  acme.square:
    title: ACME shop square
    template: product-main
    render: {width: 600, height: 600, format: JPEG}
    rules:
      square: {source: house style, confidence: official}
platforms:
  acme: [acme.square]
"""


def test_an_agency_file_is_used_by_render_validate_and_request(tmp_path: Path) -> None:
    (tmp_path / "agency.yaml").write_text(AGENCY, encoding="utf-8")
    Image.new("RGB", (900, 700), (200, 60, 40)).save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text("templates:\n  - template: promo-banner\n    presets: [tmall.white_bg]\n"
                                       "  - template: product-main\n    presets: [acme]\n"
                                       "products: [{sku: a, product: p.jpg, headline: 春季大促, price: ¥39}]\n",
                                       encoding="utf-8")
    agency = ["--presets", str(tmp_path / "agency.yaml")]
    plain = CliRunner().invoke(main, ["validate", str(tmp_path / "job.yaml")])
    assert "no preset or platform 'acme'" in plain.stderr  # only the agency's file knows it
    checked = CliRunner().invoke(main, ["validate", str(tmp_path / "job.yaml"), *agency])
    assert checked.exit_code == 1
    assert "layer 'headline' is a promo overlay, which tmall.white_bg does not allow" in checked.stderr
    rendered = CliRunner().invoke(main, ["render", str(tmp_path / "job.yaml"), "-o", str(tmp_path / "out"),
                                         "-j", "1", *agency])
    assert rendered.exit_code == 1  # refused, not silently dropped
    item = json.loads((tmp_path / "out" / "report.json").read_text())["items"][0]
    assert item["status"] == "failed"
    assert item["reason"] == "render"
    assert "is a promo overlay, which tmall.white_bg does not allow" in item["message"]
    with Image.open(tmp_path / "out" / "a" / "product-main-acme.square.jpg") as im:
        assert im.size == (600, 600)  # the agency's own preset rendered
    assert not (tmp_path / "out" / "a" / "promo-banner-tmall.white_bg.jpg").exists()
    (tmp_path / "r.yaml").write_text("campaign: c\nplatforms: acme\nproducts: [{sku: a, product: p.jpg}]\n",
                                     encoding="utf-8")
    request = CliRunner().invoke(main, ["request", str(tmp_path / "r.yaml"), "-o", str(tmp_path / "req"), *agency])
    assert request.exit_code == 0, request.output
    assert (tmp_path / "req" / "c" / "acme" / "acme.square" / "a.jpg").is_file()


def test_overlay_roles_must_be_layer_roles(tmp_path: Path) -> None:
    (tmp_path / "agency.yaml").write_text(
        "presets:\n  jd.main:\n    rules:\n      no_overlays: {roles: [promos], action: hide, source: x, "
        "confidence: official}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_presets(tmp_path / "agency.yaml")
    text = str(caught.value)
    assert "'promos' is not a layer role" in text
    assert "did you mean promo?" in text
    assert "'hide' is not one of drop, refuse" in text


def test_validate_test_fits_texts_into_preset_sizes(tmp_path: Path) -> None:
    (tmp_path / "p.jpg").write_bytes(b"")
    (tmp_path / "job.yaml").write_text(
        "templates:\n  - template: promo-banner\n    presets: [tmall.poster]\n"
        "products: [{sku: a, product: p.jpg, headline: " + "很长的标题" * 30 + "}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "job.yaml")])
    assert result.exit_code == 1
    assert "a: promo-banner: layer headline at size tmall.poster" in result.stderr  # the preset's own canvas


def framed(size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    """A photo (a product on a busy, dark-to-light scene) shrunk into a white frame, as a main image whose
    backdrop was never removed looks."""
    im = Image.new("RGB", size, (255, 255, 255))
    w, h = box[2] - box[0], box[3] - box[1]
    scene = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    ImageDraw.Draw(scene).ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.8), fill=(200, 40, 40))
    im.paste(scene, box[:2])
    return im


def test_a_photo_in_a_white_frame_is_no_product_on_white() -> None:
    data = encoded(framed((1000, 1000), (60, 60, 940, 940)))
    results = {r.rule: r for r in check_bytes(data, load_presets()[0]["amazon.main"], rules=settings().analyze)}
    assert results["white_background"].measured.startswith("100.00% of the border is pure white")  # the border...
    assert results["isolated_product"].ok is False  # ...but the file shows a photo in a frame
    assert results["isolated_product"].measured.startswith("the background was not removed")
    assert "use a cut-out or re-shoot on white" in results["isolated_product"].measured
    assert results["fill"].ok is False
    assert results["fill"].measured == "no product isolated (a framed photo)"
    jd = {r.rule: r.ok for r in check_bytes(data, load_presets()[0]["jd.main"], rules=settings().analyze)}
    assert jd["isolated_product"] is False
    assert jd["edge_margin"] is False
    product = {r.rule: r.ok for r in check_bytes(encoded(on_white((1000, 1000), (60, 60, 940, 940))),
                                                   load_presets()[0]["amazon.main"], rules=settings().analyze)}
    assert product["isolated_product"] is True
    assert product["fill"] is True


def test_a_framed_photo_with_light_parts_whitened_is_still_framed() -> None:
    """Light parts of a scene merge into the white frame, yet the photo's dark corners stay square."""
    im = framed((1000, 1000), (60, 60, 940, 940))
    ImageDraw.Draw(im).rectangle((500, 60, 940, 500), fill=(255, 255, 255))  # one corner whitened away
    results = {r.rule: r.ok for r in check_bytes(encoded(im), load_presets()[0]["tmall.white_bg"],
                                                 rules=settings().analyze)}
    assert results["isolated_product"] is False


def test_a_grey_box_around_the_product_is_not_a_white_background() -> None:
    im = Image.new("RGB", (800, 800), (255, 255, 255))
    ImageDraw.Draw(im).rounded_rectangle((40, 40, 760, 760), radius=200, fill=(238, 238, 238))  # within 28 of white
    ImageDraw.Draw(im).ellipse((250, 150, 550, 650), fill=(30, 80, 170))
    result = {r.rule: r for r in check_bytes(encoded(im), load_presets()[0]["tmall.white_bg"],
                                             rules=settings().analyze)}
    assert result["white_background"].ok is False
    assert "off-white (a grey box or floor around the product)" in result["white_background"].measured
    white_shirt = on_white((800, 800), (100, 100, 700, 700))
    ImageDraw.Draw(white_shirt).ellipse((200, 200, 600, 600), fill=(246, 246, 246))  # a white product's body
    assert verdicts(encoded(white_shirt), "tmall.white_bg")["white_background"] is True


def test_every_platform_has_its_name_for_people_in_presets_yaml() -> None:
    """presets.yaml is the one list of platforms: the studio's choices and the proof page's names come from it."""
    from artpipe.report import proofview
    from artpipe.studio.operator import PLATFORMS

    raw = load_mapping(Path(str(files("artpipe.presets").joinpath("presets.yaml"))), "presets")
    platforms = load_platforms()
    presets, sets = load_presets()
    assert list(platforms) == list(raw["platforms"]) == list(sets) == list(PLATFORMS)
    for name, platform in platforms.items():
        assert raw["platforms"][name]["title"] == platform.title, name  # written out, not the name as a fallback
        assert platform.presets == sets[name]
        assert all(p in presets for p in platform.presets)
    assert proofview.PLATFORM_NAMES == {n: p.title for n, p in platforms.items()}  # the older name still answers
    assert platforms["ebay"].title == "eBay"


def test_an_agency_platform_takes_a_title_or_keeps_the_old_list_shape(tmp_path: Path) -> None:
    extra = tmp_path / "agency.yaml"
    extra.write_text("platforms:\n  acme: {title: ACME Store, presets: [jd.main]}\n  jd: [jd.main]\n",
                     encoding="utf-8")
    platforms = load_platforms(extra)
    assert platforms["acme"] == Platform("acme", "ACME Store", ("jd.main",))
    assert platforms["jd"].title == "JD"  # a bare list keeps the shipped title
    assert load_presets(extra).platforms["acme"] == ("jd.main",)
    extra.write_text("platforms:\n  acme: {titel: ACME, presets: [jd.mian]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_platforms(extra)
    said = [str(p) for p in info.value.problems]
    assert any("platforms.acme.titel: unknown key (did you mean title?)" in p for p in said), said
    assert any("platforms.acme.presets: no preset 'jd.mian' (did you mean jd.main?)" in p for p in said), said
