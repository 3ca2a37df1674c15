"""Main-image mode: photos straight into marketplace main-image slots, checked on the written bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFilter

from artpipe.cli import main
from artpipe.imaging.checks import check_bytes
from artpipe.presets import load_presets


def white_mug_photo() -> Image.Image:
    """A white mug on an off-white sweep, as a phone shoots it: grain, a soft floor shadow, a shaded outline."""
    im = Image.new("RGB", (1600, 1200), (236, 234, 230))
    d = ImageDraw.Draw(im)
    d.ellipse((560, 1000, 1080, 1080), fill=(205, 203, 199))  # floor shadow
    im = im.filter(ImageFilter.GaussianBlur(12))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((560, 260, 1040, 1030), radius=50, fill=(250, 250, 250), outline=(168, 168, 170), width=8)
    d.arc((980, 420, 1200, 800), -90, 90, fill=(168, 168, 170), width=40)  # the handle
    grain = Image.effect_noise(im.size, 6).convert("RGB")
    return Image.blend(im, grain, 0.04)


def test_a_white_mug_on_off_white_becomes_compliant_main_images(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    white_mug_photo().save(photos / "mug.jpg", quality=92)
    shutil.copy(photos / "mug.jpg", photos / "zz-again.jpg")  # a duplicate: made once
    (photos / ".DS_Store").write_bytes(b"\0")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["main-image", str(photos), "-o", str(out), "-j", "1",
                                       "-p", "amazon.main", "-p", "tmall.white_bg", "-p", "jd", "-p", "lazada"])
    assert result.exit_code == 0, result.output
    assert "main images: 4 files from 1 of 3 photos, 0 failing a rule" in result.stdout
    known = load_presets()[0]
    for platform, preset in [("amazon", "amazon.main"), ("tmall", "tmall.white_bg"), ("jd", "jd.main"),
                             ("lazada", "lazada.main")]:
        path = out / platform / preset / "mug.jpg"
        results = check_bytes(path.read_bytes(), known[preset])
        assert all(r.ok for r in results), [str(r) for r in results]
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            w, h = rgb.size
            body = rgb.getpixel((w * 45 // 100, h // 2))
            assert isinstance(body, tuple)
            assert 244 <= min(body) <= 254  # the white mug keeps its own white: not eaten by the cleaning
            assert rgb.getpixel((3, 3)) == (255, 255, 255)
    assert 38_000 <= (out / "tmall" / "tmall.white_bg" / "mug.jpg").stat().st_size <= 300_000
    statuses = sorted(i["status"] for i in json.loads((out / "report.json").read_text())["items"])
    assert statuses == ["duplicate", "ignored", "ok"]


def test_a_grey_backdrop_fails_visibly(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parent.parent / "samples" / "photos"
    result = CliRunner().invoke(main, ["main-image", str(samples / "bottle-grey.jpg"), "-o", str(tmp_path / "o"),
                                       "-p", "amazon.main", "-j", "1"])
    assert result.exit_code == 1
    assert ("amazon.main: white_background: 0.00% of the border is pure white (limit >= 100%)"
            in result.stderr)


def test_slots_that_need_texts_are_refused_or_skipped(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    white_mug_photo().resize((800, 600)).save(photo)
    refused = CliRunner().invoke(main, ["main-image", str(photo), "-o", str(tmp_path / "a"), "-p", "tmall.poster"])
    assert refused.exit_code == 2
    assert "tmall.poster is not a main-image slot (its template promo-banner needs headline)" in refused.stderr
    platform = CliRunner().invoke(main, ["main-image", str(photo), "-o", str(tmp_path / "b"), "-p", "amazon",
                                         "-j", "1"])
    assert platform.exit_code == 0, platform.output  # the platform's banner slot is skipped, its main image made
    assert {p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*.jpg")} == \
        {"amazon/amazon.main/p.jpg"}
