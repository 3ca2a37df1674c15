"""Marketplace rules on encoded bytes (artpipe/imaging/checks.py), with rules written here as data: each kind of
rule, its measure and its limit in words. How the shipped presets' numbers judge real renders is in
test_presets.py."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.imaging.checks import CheckResult, Rule, check_bytes, num
from artpipe.imaging.color import srgb_icc_bytes

from conftest import grain


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]


def rules(*kinds: tuple[str, dict[str, Any]]) -> Rules:
    return Rules(tuple(Rule(kind, params, "the test", "documented") for kind, params in kinds))


def png(im: Image.Image, **save: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG", **save)
    return buf.getvalue()


def product_on_white(size: tuple[int, int] = (400, 400), box: tuple[int, int, int, int] = (40, 100, 360, 300),
                     ) -> Image.Image:
    im = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(im).ellipse(box, fill=(30, 60, 160))
    return im


def verdicts(data: bytes, *kinds: tuple[str, dict[str, Any]]) -> list[tuple[str, bool, str, str]]:
    return [(r.rule, r.ok, r.measured, r.limit) for r in check_bytes(data, rules(*kinds), rules=settings().analyze)]


def test_size_and_pixel_rules_say_what_was_measured_against_what() -> None:
    data = png(product_on_white((400, 300), (40, 60, 360, 240)))
    assert verdicts(data, ("size", {"width": 400, "height": 300}), ("size", {"width": 800, "height": 800}),
                    ("width", {"min": 500}), ("height", {"max": 300}), ("long_side", {"min": 100, "max": 400}),
                    ("pixels", {"min": 120000, "max": 120000}), ("square", {})) == [
        ("size", True, "400x300", "400x300"),
        ("size", False, "400x300", "800x800"),
        ("width", False, "400 px", ">= 500 px"),
        ("height", True, "300 px", "<= 300 px"),
        ("long_side", True, "400 px", "100-400 px"),
        ("pixels", True, "120000 px", "120000 px"),
        ("square", False, "400x300", "width = height"),
    ]


def test_file_rules_read_the_format_profile_and_byte_count() -> None:
    im = product_on_white()
    tagged, untagged = png(im, icc_profile=srgb_icc_bytes()), png(im)
    [fmt, srgb, size] = check_bytes(tagged, rules(("formats", {"allowed": ["JPEG"]}), ("srgb", {}),
                                                  ("bytes", {"max": 10})), rules=settings().analyze)
    assert (fmt.ok, fmt.measured, fmt.limit) == (False, "PNG", "JPEG")
    assert srgb.ok
    assert "sRGB" in srgb.measured
    assert (size.ok, size.measured, size.limit) == (False, f"{len(tagged)} bytes", "<= 10 bytes")
    assert verdicts(untagged, ("srgb", {})) == [("srgb", True, "untagged (read as sRGB)", "sRGB")]
    from PIL import ImageCms
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    [other] = check_bytes(png(im, icc_profile=lab), rules(("srgb", {})), rules=settings().analyze)
    assert not other.ok


def test_a_white_background_needs_a_pure_border_and_no_grey_box_around_the_product() -> None:
    rule = ("white_background", {"share": 0.99, "max_off_white": 0.2})
    [(_, ok, measured, limit)] = verdicts(png(product_on_white()), rule)
    assert ok
    assert measured == "100.00% of the border is pure white, 0% of the background off-white"
    assert limit == ">= 99% pure border, <= 20% off-white"
    boxed = product_on_white()
    ImageDraw.Draw(boxed).rectangle((20, 20, 380, 380), fill=(238, 238, 238))  # a light grey box left around it
    ImageDraw.Draw(boxed).ellipse((40, 100, 360, 300), fill=(30, 60, 160))
    [(_, ok, measured, _)] = verdicts(png(boxed), rule)
    assert not ok
    assert measured.endswith("(a grey box or floor around the product)")


def test_the_white_background_is_judged_on_one_reduced_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The background region and its off-white share are read on the same 512 px copy of a 2000 px image,
    made once."""
    made: list[tuple[int, int]] = []
    real = Image.Image.resize

    def resize(im: Image.Image, size: tuple[int, int], *args: object, **kwargs: object) -> Image.Image:
        if im.size == (2000, 2000):
            made.append(tuple(size))
        return real(im, size, *args, **kwargs)  # type: ignore[arg-type]
    big = product_on_white().resize((2000, 2000), Image.Resampling.NEAREST)
    monkeypatch.setattr(Image.Image, "resize", resize)
    [(_, ok, _, _)] = verdicts(png(big), ("white_background", {"share": 0.99, "max_off_white": 0.2}))
    assert ok
    assert made == [(512, 512)]


def test_product_rules_measure_the_product() -> None:
    data = png(product_on_white())  # 320 x 200 in 400 x 400: 80 % fill, 40 px from the nearest side
    assert verdicts(data, ("fill", {"min": 0.85}), ("edge_margin", {"max_px": 40}), ("subject", {"min_px": 320}),
                    ("isolated_product", {})) == [
        ("fill", False, "product fills 80%", ">= 85%"),
        ("edge_margin", True, "40 px from the edge", "<= 40 px"),
        ("subject", True, "product 321x201 px", "> 320 px on its long side"),
        ("isolated_product", True, "a product on white (0 square corner(s); sides covered 19%-24%)",
         "the product alone, not a framed photo"),
    ]


def test_a_blank_or_framed_image_fails_every_product_rule_saying_why() -> None:
    kinds = (("isolated_product", {}), ("fill", {"min": 0.5}), ("subject", {"min_px": 10}))
    blank = verdicts(png(Image.new("RGB", (200, 200), (255, 255, 255))), *kinds)
    assert blank == [("isolated_product", False, "no product: the image is white all over",
                      "the product alone, not a framed photo"),
                     ("fill", False, "no product in the image", ">= 50%"),
                     ("subject", False, "no product in the image", "> 10 px")]
    framed = Image.new("RGB", (200, 200), (255, 255, 255))
    framed.paste(grain((160, 160), 50).convert("RGB"), (20, 20))
    results = verdicts(png(framed), *kinds)
    assert [ok for _, ok, _, _ in results] == [False, False, False]
    assert results[0][2].startswith("the background was not removed")
    assert results[1][2] == "no product isolated (a framed photo)"


def test_render_time_rules_are_left_to_the_render_and_an_unknown_rule_is_a_bug() -> None:
    data = png(product_on_white())
    assert check_bytes(data, rules(("no_overlays", {}), ("low_resolution", {}), ("no_text", {})),
                       rules=settings().analyze) == []
    with pytest.raises(ValueError, match="unknown rule sparkle"):
        check_bytes(data, rules(("sparkle", {})), rules=settings().analyze)


@pytest.mark.parametrize(("data", "says"), [
    (b"", "cannot be read: unsupported: not an image artpipe reads"),
    (b"%PDF-1.4", "cannot be read: unsupported: PDF files are not accepted"),
    (png(product_on_white())[:300], "cannot be read: the image data is damaged"),
])
def test_bytes_that_are_no_image_fail_one_decode_check(data: bytes, says: str) -> None:
    [result] = check_bytes(data, rules(("size", {"width": 1, "height": 1})), rules=settings().analyze)
    assert (result.rule, result.ok, result.limit) == ("decode", False, "a readable image")
    assert result.measured.startswith(says)


def test_numbers_and_verdicts_read_as_people_write_them() -> None:
    assert [num(10_000_000), num(0.85), num(38000.0), num(2.5)] == ["10000000", "0.85", "38000", "2.5"]
    result = CheckResult("fill", False, "product fills 40%", ">= 60%", "Tmall rules", "documented")
    assert str(result) == "FAIL fill: product fills 40% (limit >= 60%; documented: Tmall rules)"
    assert str(CheckResult("square", True, "1x1", "width = height", "x", "y")).startswith("pass square:")
