"""Faces and what they cover (artpipe/text/fonts.py): bundled coverage, glyphs, families, licences."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from artpipe.text import fonts

BRAND = Path(__file__).parent / "data" / "brand-latin.ttf"


def test_coverage_sees_what_the_font_draws() -> None:
    covered = fonts.coverage(fonts.face("sans", "regular"))
    for ch in "春季大促¥$€%×Aé喆堃玥臺灣発売머그컵":
        assert ord(ch) in covered, ch
    assert 0x1F525 not in covered  # 🔥: the emoji font's
    assert 0x1F525 in fonts.coverage(fonts.face("emoji", "regular"))


def test_coverage_of_a_file_that_is_no_font_is_empty(tmp_path: Path) -> None:
    fake = tmp_path / "x.ttf"
    fake.write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 8)
    assert fonts.coverage(fonts.face(str(fake), "regular")) == frozenset()


def glyph(ch: str) -> Image.Image:
    im = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(im).text((10, 5), ch, font=fonts.get_font("sans", "regular", 60), fill=255)
    return im


def test_chinese_glyphs_are_real_and_distinct() -> None:
    chars = "春季大促全场五折"
    bitmaps = [glyph(c) for c in chars]
    for i, a in enumerate(bitmaps):
        assert a.getbbox() is not None, chars[i]
        for b in bitmaps[i + 1:]:
            assert ImageChops.difference(a, b).getbbox() is not None
    # A code point the font lacks draws its blank .notdef: our glyphs must not look like it.
    notdef = glyph("\U00020000")
    assert all(ImageChops.difference(b, notdef).getbbox() for b in bitmaps)


def test_the_bundled_coverage_file_is_what_the_fonts_map() -> None:
    """coverage.json spares every worker reading the fonts' cmaps; it must say exactly what fontTools reads."""
    for face in fonts.bundled_faces():
        assert fonts.coverage(face) == fonts.read_coverage(face.path), face.path.name


def test_runs_pick_the_first_face_that_has_each_character() -> None:
    chain = fonts.chain((str(BRAND),), "bold")
    assert [f.family for f in chain] == [str(BRAND), "sans", "noto-sans", "noto-sans-arabic", "noto-sans-hebrew",
                                         "noto-sans-thai", "noto-sans-devanagari", "emoji"]
    # a space stays in the run it follows: every face has one
    assert [(r.face.family, r.text) for r in fonts.runs("Sale 大促 now🔥", chain)] == [
        (str(BRAND), "Sale "), ("sans", "大促 "), (str(BRAND), "now"), ("emoji", "🔥")]


def test_a_family_is_a_bundled_name_or_alias_or_a_font_file() -> None:
    thai = fonts.face("noto-sans-thai", "700")
    assert (thai.family, thai.weight, thai.path.name, thai.licence) == ("noto-sans-thai", "bold",
                                                                        "NotoSansThai-Bold.ttf", "OFL-1.1")
    emoji = fonts.face("emoji", "bold")  # a weight the family lacks falls back to regular
    assert (emoji.weight, emoji.path.name) == ("regular", "NotoColorEmoji.ttf")
    assert emoji.strike > 0  # a bitmap face: drawn at its strike size and scaled
    brand = fonts.face(str(BRAND), "bold")
    assert (brand.family, brand.path, brand.name) == (str(BRAND), BRAND, "brand-latin")
    assert fonts.is_font_file("Brand.OTF")
    assert not fonts.is_font_file("sans")
    assert not fonts.has_face("Helvetica", "regular")
    assert fonts.has_face("sans", "normal")
    with pytest.raises(KeyError):
        fonts.face("sans", "thin")  # a weight spelled no way artpipe knows


def test_a_chain_holds_each_face_once_in_order() -> None:
    chain = fonts.chain("sans", "regular", extra=(str(BRAND), "sans"))
    assert [f.family for f in chain][:3] == ["sans", str(BRAND), "noto-sans"]
    assert len(chain) == len(set(chain))


def test_a_fonts_licence_is_read_from_its_name_table_or_a_file_beside_it(tmp_path: Path) -> None:
    assert fonts.licence_of(BRAND) == "Bitstream Vera"  # its name table says so
    assert fonts.licence_of(fonts.face("sans", "bold").path) == "see OFL.txt"
    bare = tmp_path / "x.ttf"
    bare.write_bytes(b"not a font")
    assert fonts.licence_of(bare) is None
    (tmp_path / "x.ttf.license").write_text("the agency's licence", encoding="utf-8")
    assert fonts.licence_of(bare) == "see x.ttf.license"


def test_coverage_ranges_and_missing_characters() -> None:
    assert fonts.coverage_ranges(frozenset({1, 2, 3, 7, 9, 10})) == [(1, 3), (7, 7), (9, 10)]
    assert fonts.coverage_ranges(frozenset()) == []
    chain = fonts.chain("sans", "regular")
    assert fonts.missing_chars("a\U0002a6d6b\n\t\U0002a6d6", chain) == ["\U0002a6d6"]  # once, layout ignored
    assert fonts.missing_chars("Sale 大促 🔥", chain) == []
