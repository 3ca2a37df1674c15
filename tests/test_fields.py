"""``$field`` references (artpipe/template/fields.py) are read by one parser: an image layer's source is parsed
once, when the layer is made, and a font family naming a field is read the same way, braces and all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from artpipe.defaults import settings
from artpipe.fonts import __file__ as fonts_init
from artpipe.layers.base import Scene
from artpipe.layers.image import ImageLayer
from artpipe.layers.template import load_template
from artpipe.layers.text import TextStyle, font_chain, resolved_style
from artpipe.template.fields import references, single_reference, substitute
from artpipe.template.model import Box, FontSpec, Size

FONT = str(Path(fonts_init).parent / "NotoSans-Bold.ttf")


@pytest.mark.parametrize(("text", "field"), [("$logo", "logo"), ("${logo}", "logo"), (" $logo ", "logo"),
                                             ("$$logo", None), ("file:/t/logo.png", None), ("$logo.png", None),
                                             ("sans", None), ("$", None)])
def test_one_reference_is_told_apart_from_anything_else(text: str, field: str | None) -> None:
    assert single_reference(text) == field


def test_references_and_substitution_read_the_same_names() -> None:
    text = "$headline for ${price}, $$5 off"
    assert references(text) == ["headline", "price"]
    assert substitute(text, {"headline": "Mugs", "price": "¥39"}) == "Mugs for ¥39, $5 off"


def test_an_image_layer_knows_its_field_from_the_moment_it_is_made() -> None:
    layer = ImageLayer(name="product", type="image", box=Box(), source="$product")
    assert layer.field_name == "product"
    assert replace(layer, source="file:/t/badge.png").field_name is None  # a template file, not a field
    assert replace(layer, source="${logo}").field_name == "logo"
    assert "field_name" not in repr(layer)  # painted layers are kept by their repr: it must not change


def test_a_font_field_is_read_with_or_without_braces() -> None:
    template = load_template(Path(__file__).resolve().parent.parent / "templates" / "product-main" / "template.yaml")
    scene = Scene(template, Size("s", 100, 100), {"brand_font": FONT}, {}, settings=settings())
    for family in ("$brand_font", "${brand_font}"):
        style = TextStyle(font=FontSpec(family=(family, "sans")))
        assert font_chain(style, scene, "t.yaml:1:1") == (FONT, "sans")
        assert resolved_style(style, scene, "t.yaml:1:1").font.family == (FONT, "sans")
    empty = Scene(template, Size("s", 100, 100), {"brand_font": ""}, {}, settings=settings())
    assert font_chain(TextStyle(font=FontSpec(family=("${brand_font}", "sans"))), empty, "t") == ("sans",)
