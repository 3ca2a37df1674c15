"""Main-image mode: photos straight into marketplace main-image slots, checked on the written bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFilter

from artpipe.cli.commands import main
from artpipe.defaults import settings
from artpipe.imaging.checks import check_bytes
from artpipe.presets import load_presets

from conftest import grain


def white_mug_photo() -> Image.Image:
    """A white mug on an off-white sweep, as a phone shoots it: grain, a soft floor shadow, a shaded outline."""
    im = Image.new("RGB", (1600, 1200), (236, 234, 230))
    d = ImageDraw.Draw(im)
    d.ellipse((560, 1000, 1080, 1080), fill=(205, 203, 199))  # floor shadow
    im = im.filter(ImageFilter.GaussianBlur(12))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((560, 260, 1040, 1030), radius=50, fill=(250, 250, 250), outline=(168, 168, 170), width=8)
    d.arc((980, 420, 1200, 800), -90, 90, fill=(168, 168, 170), width=40)  # the handle
    return Image.blend(im, grain(im.size, 6).convert("RGB"), 0.04)


def test_a_white_mug_on_off_white_keeps_its_body_and_asks_for_a_retoucher(tmp_path: Path) -> None:
    """Its grey handle and shaded outline cannot be told by colour from a floor shadow, and the model's outline
    of a white mug on white is a guess: every file is made (the body kept, the border white) and fails only
    uncertain_cutout, which says why."""
    photos = tmp_path / "photos"
    photos.mkdir()
    white_mug_photo().save(photos / "mug.jpg", quality=92)
    shutil.copy(photos / "mug.jpg", photos / "zz-again.jpg")  # a duplicate: made once
    (photos / ".DS_Store").write_bytes(b"\0")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["main-image", str(photos), "-o", str(out), "-j", "1",
                                       "-p", "amazon.main", "-p", "tmall.white_bg", "-p", "jd", "-p", "lazada"])
    assert result.exit_code == 1, result.output
    assert "main images: 4 files from 1 of 3 photos, 4 failing a rule" in result.stdout
    item = next(i for i in json.loads((out / "report.json").read_text())["items"] if i.get("checks"))
    for check in item["checks"]:
        failing = {r["rule"]: r["measured"] for r in check["rules"] if not r["ok"]}
        assert list(failing) == ["uncertain_cutout"], failing
        assert "needs a retoucher: grey areas along the product's edge" in failing["uncertain_cutout"]
    known = load_presets()[0]
    for platform, preset in [("amazon", "amazon.main"), ("tmall", "tmall.white_bg"), ("jd", "jd.main"),
                             ("lazada", "lazada.main")]:
        path = out / platform / preset / "mug.jpg"
        results = check_bytes(path.read_bytes(), known[preset], rules=settings().analyze)
        assert all(r.ok for r in results), [str(r) for r in results]
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            w, h = rgb.size
            # The photo has grain: judge a patch of the body, not a pixel.
            patch = rgb.crop((w * 43 // 100, h * 48 // 100, w * 47 // 100, h * 52 // 100)).convert("L")
            body = sum(i * n for i, n in enumerate(patch.histogram())) / (patch.width * patch.height)
            assert 238 <= body <= 253  # the white mug keeps its own white: not eaten by the cleaning
            assert rgb.getpixel((3, 3)) == (255, 255, 255)
    assert 38_000 <= (out / "tmall" / "tmall.white_bg" / "mug.jpg").stat().st_size <= 300_000
    statuses = sorted(i["status"] for i in json.loads((out / "report.json").read_text())["items"])
    assert statuses == ["duplicate", "ignored", "ok"]


def test_a_grey_backdrop_is_cut_out_onto_white(tmp_path: Path) -> None:
    """The grey-sweep bottle (too dark for the colour path) is isolated by the model: on pure white, whole,
    without the photo's own floor shadow, and every Amazon rule passes on the written file."""
    samples = Path(__file__).resolve().parent.parent / "samples" / "photos"
    result = CliRunner().invoke(main, ["main-image", str(samples / "bottle-grey.jpg"), "-o", str(tmp_path / "o"),
                                       "-p", "amazon.main", "-j", "1"])
    assert result.exit_code == 0, result.output
    out = Image.open(tmp_path / "o" / "amazon" / "amazon.main" / "bottle-grey.jpg").convert("RGB")
    w, h = out.size
    assert out.getpixel((w // 2, h // 2))[1] > out.getpixel((w // 2, h // 2))[0] + 40  # the green bottle
    # no grey floor: below the bottle's box the canvas is white
    box = out.point(lambda v: 255 if v < 200 else 0).convert("L").getbbox()
    assert box is not None
    strip = out.crop((0, min(h - 1, box[3] + 4), w, h)).convert("L")
    assert strip.getextrema()[0] >= 245
    steps = json.loads((tmp_path / "o" / "report.json").read_text())["items"][0]["steps"]
    assert any(s.startswith("cutout:model:") for s in steps)


def test_slots_that_need_texts_are_refused_or_skipped(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    red = Image.new("RGB", (1600, 1200), (238, 238, 236))
    ImageDraw.Draw(red).rounded_rectangle((560, 260, 1040, 1030), radius=50, fill=(200, 40, 40))
    red.save(photo)
    refused = CliRunner().invoke(main, ["main-image", str(photo), "-o", str(tmp_path / "a"), "-p", "tmall.poster"])
    assert refused.exit_code == 2
    assert "tmall.poster is not a main-image slot (its template promo-banner needs headline)" in refused.stderr
    platform = CliRunner().invoke(main, ["main-image", str(photo), "-o", str(tmp_path / "b"), "-p", "amazon",
                                         "-j", "1"])
    assert platform.exit_code == 0, platform.output  # the platform's banner slot is skipped, its main image made
    assert {p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*.jpg")} == \
        {"amazon/amazon.main/p.jpg"}


def run_main(photo: Path, out: Path, *presets: str) -> tuple[int, dict[str, dict[str, object]], str]:
    """main-image on one photo: exit code, {preset: check entry}, the CLI's output."""
    args = ["main-image", str(photo), "-o", str(out), "-j", "1"]
    for p in presets:
        args += ["-p", p]
    result = CliRunner().invoke(main, args)
    item = json.loads((out / "report.json").read_text())["items"][0]
    return result.exit_code, {c["preset"]: c for c in item.get("checks", [])}, result.output


def test_a_product_on_a_busy_cloth_becomes_a_product_on_white(tmp_path: Path) -> None:
    from test_isolate import mug_on_teal

    photo = tmp_path / "mug.jpg"
    mug_on_teal((1800, 1400)).save(photo, quality=92)
    code, checks, output = run_main(photo, tmp_path / "o", "amazon.main", "tmall.white_bg", "jd")
    assert code == 0, output
    for preset, entry in checks.items():
        assert entry["pass"], (preset, entry)
        with Image.open(Path(str(entry["output"]))) as im:
            rgb = im.convert("RGB")
        px = np.asarray(rgb, dtype=np.int16)
        teal = int((px[..., 1] > px[..., 0] + 60).sum())  # none of the cloth, and no teal fringe on the edges
        assert teal < px.shape[0] * px.shape[1] * 0.00005, preset  # (before decontamination: 270 of 4 MP)


def test_a_small_photo_is_rendered_smaller_or_fails_low_resolution(tmp_path: Path) -> None:
    from conftest import product_photo

    small = tmp_path / "small.png"
    product_photo((1400, 1050), backdrop=(255, 255, 255)).save(small)  # the product 680 px tall: 2.5x at 2000
    code, checks, _ = run_main(small, tmp_path / "a", "amazon.main")
    entry = checks["amazon.main"]
    assert code == 0
    assert entry["pass"]
    with Image.open(Path(str(entry["output"]))) as im:
        assert 1000 <= im.width < 2000
        assert im.width == im.height
    tiny = tmp_path / "tiny.png"
    product_photo((240, 180), backdrop=(255, 255, 255)).save(tiny)
    code, checks, output = run_main(tiny, tmp_path / "b", "amazon.main", "tmall.white_bg")
    assert code == 1
    rules = {r["rule"]: r for r in checks["tmall.white_bg"]["rules"]}  # type: ignore[union-attr]
    assert rules["low_resolution"]["ok"] is False
    assert rules["low_resolution"]["measured"].endswith("send a larger photo of the product")
    assert "low_resolution: the product was enlarged" in output


def test_tmall_grows_a_tall_narrow_product_to_its_minimum(tmp_path: Path) -> None:
    im = Image.new("RGB", (1200, 1600), (255, 255, 255))
    # a tall product (2.5:1): fitted at 86 % its short side is 276 px, under Tmall's 300; it can grow to 309
    ImageDraw.Draw(im).rounded_rectangle((320, 100, 880, 1500), radius=40, fill=(40, 40, 50))
    im = Image.blend(im, grain(im.size, 40).convert("RGB"), 0.15)  # a real photo's grain: bytes
    photo = tmp_path / "phone.jpg"
    im.save(photo, quality=95)
    code, checks, output = run_main(photo, tmp_path / "o", "tmall.white_bg")
    rules = {r["rule"]: r for r in checks["tmall.white_bg"]["rules"]}  # type: ignore[union-attr]
    assert rules["subject"]["ok"], rules["subject"]
    assert code == 0, output


def test_jd_measures_the_product_as_its_check_does(tmp_path: Path) -> None:
    """A cut-out with a soft shadow: the layout ignores what a check cannot see, so the product lands 8 px
    from the edge, not 8 px plus the shadow."""
    cut = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    d = ImageDraw.Draw(cut)
    d.ellipse((300, 1000, 900, 1150), fill=(0, 0, 0, 30))  # a faint shadow
    d.rounded_rectangle((450, 150, 750, 1050), radius=60, fill=(30, 140, 60, 255))
    photo = tmp_path / "bottle.png"
    cut.save(photo)
    code, checks, output = run_main(photo, tmp_path / "o", "jd")
    rules = {r["rule"]: r for r in checks["jd.main"]["rules"]}  # type: ignore[union-attr]
    assert rules["edge_margin"]["ok"], rules["edge_margin"]
    assert code == 0, output


def test_heic_phone_photos_render_upright(tmp_path: Path) -> None:
    """An iPhone HEIC whose rotation is stored in the file (irot, EXIF 6) is read and turned exactly once."""
    import pillow_heif

    im = Image.new("RGB", (900, 600), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((100, 250, 800, 350), fill=(200, 30, 30))  # a wide bar: tall once turned
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = tmp_path / "IMG_0001.HEIC"
    pillow_heif.from_pillow(im).save(photo, exif=exif.tobytes(), quality=90)
    code, checks, output = run_main(photo, tmp_path / "o", "amazon.main")
    assert code == 0, output
    with Image.open(Path(str(checks["amazon.main"]["output"]))) as out:
        box = out.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox()
    assert box is not None
    assert (box[3] - box[1]) > 3 * (box[2] - box[0])


def test_other_formats_say_how_to_export_jpeg(tmp_path: Path) -> None:
    odd = tmp_path / "scan.xyz"
    odd.write_bytes(b"\x00\x01not an image at all" * 10)
    result = CliRunner().invoke(main, ["main-image", str(odd), "-o", str(tmp_path / "o"), "-p", "amazon.main"])
    assert result.exit_code == 1
    assert "HEIC/HEIF" in result.output + result.stderr
    assert "Most Compatible" in result.output + result.stderr


def test_a_product_cut_by_its_photo_is_not_a_whole_product(tmp_path: Path) -> None:
    cut = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    ImageDraw.Draw(cut).rounded_rectangle((400, 300, 800, 1199), radius=60, fill=(40, 90, 160, 255))  # runs out
    photo = tmp_path / "cut.png"
    cut.save(photo)
    code, checks, output = run_main(photo, tmp_path / "o", "amazon.main")
    rules = {r["rule"]: r for r in checks["amazon.main"]["rules"]}  # type: ignore[union-attr]
    assert code == 1
    assert rules["whole_product"]["ok"] is False
    assert "runs out of the photo at the bottom" in rules["whole_product"]["measured"]
    whole = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    ImageDraw.Draw(whole).rounded_rectangle((400, 300, 800, 1000), radius=60, fill=(40, 90, 160, 255))
    whole.save(photo)
    _, checks, _ = run_main(photo, tmp_path / "p", "amazon.main")
    assert {r["rule"]: r["ok"] for r in checks["amazon.main"]["rules"]}["whole_product"] is True  # type: ignore[union-attr]


def test_the_upscaled_warning_and_the_low_resolution_check_say_one_factor(tmp_path: Path) -> None:
    from conftest import product_photo

    small = tmp_path / "small.png"
    product_photo((1400, 1050), backdrop=(255, 255, 255)).save(small)  # rendered smaller than 2000 px
    _, checks, _ = run_main(small, tmp_path / "a", "amazon.main")
    item = json.loads((tmp_path / "a" / "report.json").read_text())["items"][0]
    rule = next(r for r in checks["amazon.main"]["rules"] if r["rule"] == "low_resolution")  # type: ignore[union-attr]
    checked = rule["measured"].split("enlarged ")[1].split("x")[0]
    said = [w.rsplit(":x", 1)[1] for w in item["warnings"] if w.startswith("upscaled:")]
    assert any(w.startswith("smaller:amazon.main:") for w in item["warnings"])
    assert said in ([], [checked])  # the warning, when there is one, is the check's number


def test_a_caption_in_the_photo_fails_no_text_and_a_printed_label_passes(tmp_path: Path) -> None:
    """The same labelled carton, once as it is and once with a promotional caption under it: the label printed
    on the product is the product's; the caption is not, and main images forbid it."""
    from test_textfind import carton, with_text

    photo, _ = carton((1600, 1600))
    plain, captioned = tmp_path / "carton.jpg", tmp_path / "captioned.jpg"
    photo.save(plain, quality=92)
    with_text(photo, "SALE 50% OFF", (720, 1490), fill=(200, 20, 20), px=90).save(captioned, quality=92)
    code, checks, output = run_main(plain, tmp_path / "a", "amazon.main", "tmall.white_bg")
    rules = {r["rule"]: r for r in checks["amazon.main"]["rules"]}  # type: ignore[union-attr]
    assert rules["no_text"]["ok"], rules["no_text"]
    code, checks, output = run_main(captioned, tmp_path / "b", "amazon.main", "tmall.white_bg")
    assert code == 1
    for preset in ("amazon.main", "tmall.white_bg"):
        rules = {r["rule"]: r for r in checks[preset]["rules"]}  # type: ignore[union-attr]
        assert rules["no_text"]["ok"] is False
        assert "SALE" in rules["no_text"]["measured"]


def test_a_photo_of_nothing_never_passes(tmp_path: Path) -> None:
    """A blank white photo (or one a decoder left empty): no product, so no main image slot passes."""
    photo = tmp_path / "blank.png"
    Image.new("RGB", (1200, 1200), (255, 255, 255)).save(photo)
    code, checks, output = run_main(photo, tmp_path / "o", "amazon.main", "tmall.white_bg", "jd")
    assert code == 1
    for preset in ("amazon.main", "tmall.white_bg", "jd.main"):
        rules = {r["rule"]: r for r in checks[preset]["rules"]}  # type: ignore[union-attr]
        assert rules["isolated_product"]["ok"] is False
        assert "no product" in rules["isolated_product"]["measured"]
