from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from artpipe.imaging.budget import Budget, BudgetError, encode_within
from artpipe.imaging.encode import EncodeOptions

from conftest import grain
from hostile import photo


def busy_photo(size: tuple[int, int] = (1200, 1200)) -> Image.Image:
    """A photo-like image with fine grain, which costs bytes to encode."""
    return Image.blend(photo(size), grain(size, 40).convert("RGB"), 0.25)


def flat_art() -> Image.Image:
    im = Image.new("RGB", (800, 800), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((200, 200, 600, 600), fill=(228, 57, 60))
    return im


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_lossy_lands_under_the_cap(fmt: str) -> None:
    landed = encode_within(busy_photo(), EncodeOptions(format=fmt, quality=95), Budget(max_bytes=150_000))
    assert len(landed.data) <= 150_000
    assert landed.quality < 95


def test_shrinks_when_quality_alone_is_not_enough_but_not_below_the_floor_side() -> None:
    landed = encode_within(busy_photo(), EncodeOptions(quality=90), Budget(max_bytes=40_000, min_side=500))
    assert len(landed.data) <= 40_000
    assert 500 <= max(landed.size) < 1200
    with pytest.raises(BudgetError, match="over the 2000 cap"):
        encode_within(busy_photo(), EncodeOptions(quality=90), Budget(max_bytes=2_000, min_side=1000))


def test_tmall_floor_raises_quality() -> None:
    im = Image.blend(photo((800, 800)), grain((800, 800), 20).convert("RGB"), 0.06)
    plain = encode_within(im, EncodeOptions(quality=60), Budget())
    assert len(plain.data) < 38_000  # too small for Tmall's white-background slot
    landed = encode_within(im, EncodeOptions(quality=60), Budget(min_bytes=38_000, max_bytes=300_000))
    assert 38_000 <= len(landed.data) <= 300_000
    assert landed.quality > 60
    # Flat art stays under the floor even at quality 100: a JPEG is padded with comments, its pixels untouched;
    # a WebP cannot be and says so.
    padded = encode_within(flat_art(), EncodeOptions(quality=60), Budget(min_bytes=38_000))
    assert len(padded.data) == 38_000
    assert padded.padded > 0
    finest = encode_within(flat_art(), EncodeOptions(quality=100, subsampling="4:4:4"), Budget())
    with Image.open(io.BytesIO(padded.data)) as a, Image.open(io.BytesIO(finest.data)) as b:
        assert a.format == "JPEG"
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None
    with pytest.raises(BudgetError, match="under the 38000 floor"):
        encode_within(flat_art(), EncodeOptions(format="WEBP", quality=60), Budget(min_bytes=38_000))


def test_png_is_quantized_to_fit() -> None:
    art = Image.blend(flat_art(), grain((800, 800), 10).convert("RGB"), 0.05)
    full = encode_within(art, EncodeOptions(format="PNG"), Budget())
    landed = encode_within(art, EncodeOptions(format="PNG"), Budget(max_bytes=len(full.data) // 2))
    assert len(landed.data) <= len(full.data) // 2
    assert landed.size == (800, 800)  # 256 colours were enough, no shrinking


def test_a_job_with_a_byte_budget(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from artpipe.cli.commands import main
    root = Path(str(tmp_path))
    busy_photo((1600, 1200)).save(root / "p.jpg", quality=95)
    (root / "job.yaml").write_text("templates: [product-main]\nformat: {quality: 95, max_bytes: 60000, "
                                   "min_side: 600}\nproducts: [{sku: a, product: p.jpg}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(root / "job.yaml"), "-o", str(root / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    item = json.loads((root / "out" / "report.json").read_text())["items"][0]
    assert {Path(e["output"]).name for e in item["encoded"]} == {"product-main-square.jpg", "product-main-large.jpg"}
    for entry in item["encoded"]:
        assert entry["bytes"] <= 60000
        assert (root / "out" / "a" / Path(entry["output"]).name).stat().st_size == entry["bytes"]
    (root / "job.yaml").write_text("templates: [product-main]\nformat: {max_bytes: 500, min_side: 2000}\n"
                                   "products: [{sku: a, product: p.jpg}]\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["render", str(root / "job.yaml"), "-o", str(root / "out2"), "-j", "1"])
    assert failed.exit_code == 1
    item = json.loads((root / "out2" / "report.json").read_text())["items"][0]
    assert (item["status"], item["reason"]) == ("failed", "budget")
    assert "over the 500 cap" in item["message"]


def near_the_edge(border: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """A saturated product 9 px from the edge of a white canvas: 4:2:0 chroma blocks reach into the border."""
    im = Image.new("RGB", (800, 800), border)
    ImageDraw.Draw(im).rectangle((9, 9, 790, 790), fill=(228, 57, 60))
    return im


def border_is_white(data: bytes) -> bool:
    from artpipe.imaging.analyze import border_white_share
    with Image.open(io.BytesIO(data)) as im:
        return border_white_share(im) == 1.0


def test_a_white_border_stays_exactly_white() -> None:
    options = EncodeOptions(quality=90, subsampling="4:2:0")
    plain = encode_within(near_the_edge(), options, Budget(max_bytes=300_000))
    assert not border_is_white(plain.data)  # chroma subsampling bleeds red into the white frame
    kept = encode_within(near_the_edge(), options, Budget(max_bytes=300_000, white_border=True))
    assert border_is_white(kept.data)
    assert kept.subsampling == "4:4:4"
    assert len(kept.data) <= 300_000
    # a canvas whose border was never white is left as the budget landed it
    grey = encode_within(near_the_edge((240, 240, 240)), options, Budget(max_bytes=300_000, white_border=True))
    assert grey.subsampling == "4:2:0"
