"""What every layer kind shares (artpipe/layers/base.py): lengths, colours with ``$field`` values, opacity, drop
shadows, and the common readers' one-line errors (boxes, shadows, files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.defaults import settings
from artpipe.errors import ConfigError, RenderError
from artpipe.layers.base import Scene, drop_shadow, parse_length, resolve_color, with_opacity
from artpipe.layers.template import load_template
from artpipe.template.model import Length, Shadow


@pytest.mark.parametrize(("value", "length"), [
    (120, Length(120)), (12.5, Length(12.5)), ("120", Length(120)), ("120px", Length(120)),
    (" 25 % ", Length(25, percent=True)), ("-8", Length(-8)), ("12.5%", Length(12.5, percent=True)),
    ("wide", None), ("12em", None), ("", None), (True, None), (None, None), ([1], None),
])
def test_parse_length(value: object, length: Length | None) -> None:
    assert parse_length(value) == length


def scene(values: dict[str, str], tmp_path: Path) -> Scene:
    (tmp_path / "t.yaml").write_text("name: t\nsizes: {s: 10x10}\nlayers: []\n", encoding="utf-8")
    template = load_template(tmp_path / "t.yaml")
    return Scene(template, template.sizes[0], values, {}, settings=settings())


def test_a_colour_is_itself_or_its_fields_value_and_a_bad_value_names_the_field(tmp_path: Path) -> None:
    assert resolve_color("#ff000080", scene({}, tmp_path), "t.yaml:3") == (255, 0, 0, 128)
    assert resolve_color("$brand", scene({"brand": "white"}, tmp_path), "t.yaml:3") == (255, 255, 255, 255)
    with pytest.raises(RenderError) as info:
        resolve_color("$brand", scene({"brand": "sky"}, tmp_path), "t.yaml:3")
    assert str(info.value) == ("t.yaml:3: field $brand: 'sky' is not a colour (use #rrggbb, #rrggbbaa or a CSS name "
                               "like white)")


def test_opacity_scales_alpha_and_leaves_the_picture_alone() -> None:
    im = Image.new("RGBA", (2, 1), (10, 20, 30, 200))
    im.putpixel((1, 0), (10, 20, 30, 0))
    assert with_opacity(im, 1.0) is im
    half = with_opacity(im, 0.5)
    assert [half.getpixel((x, 0)) for x in range(2)] == [(10, 20, 30, 100), (10, 20, 30, 0)]
    assert im.getpixel((0, 0)) == (10, 20, 30, 200)


def test_a_drop_shadow_lies_under_the_picture_offset_by_dx_dy() -> None:
    square = Image.new("RGBA", (10, 10), (255, 0, 0, 255))
    shadow = Shadow(dx=4, dy=6, blur=0, color="#000000")
    out, x, y = drop_shadow(square, shadow, (0, 0, 0, 128))
    pad = 0 * 2 + 6
    assert (x, y) == (-pad, -pad)
    assert out.size == (10 + 2 * pad, 10 + 2 * pad)
    assert out.getpixel((pad + 5, pad + 5)) == (255, 0, 0, 255)  # the picture, on top
    assert out.getpixel((pad + 12, pad + 14)) == (0, 0, 0, 128)  # its shadow, 4 right and 6 down, at the colour's alpha
    assert out.getpixel((pad - 1, pad - 1))[3] == 0
    soft, _, _ = drop_shadow(square, Shadow(dx=0, dy=0, blur=8, color="#000000"), (0, 0, 0, 255))
    assert 0 < soft.getpixel((8 + 16 - 3, 8 + 16 + 5))[3] < 255  # blurred past the picture's edge


@pytest.mark.parametrize(("keys", "says"), [
    ("box: {left: 0, width: 10, aspect: 2, height: 5}", "box.aspect: aspect needs width or height left out "
                                                         "(drop width or height)"),
    ("box: {min_width: big}", "box.min_width: 'big' is not a length"),
    ("box: {wdth: 10}", "box.wdth: unknown key (did you mean width?)"),
    ("type: text, text: hi, shadow: {dx: 2, blurr: 4}", "shadow.blurr: unknown key (did you mean blur?)"),
    ("type: text, text: hi, shadow: contact", "shadow: 'contact' is not one of none"),  # for pictures only
    ("fill: '$colour'", "fill: unknown field $colour (did you mean color?)"),
])
def test_a_mistake_in_a_common_key_is_one_line_at_its_place(tmp_path: Path, keys: str, says: str) -> None:
    layer = keys if "type:" in keys else f"type: shape, {keys}"
    (tmp_path / "t.yaml").write_text("name: t\nsizes: {s: 10x10}\nfields: {color: {type: color}}\nlayers:\n"
                                     f"  - {{name: b, {layer}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "t.yaml", display="t.yaml")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith("t.yaml:5:")
    assert f"layers[0] (b).{says}" in problem


def test_a_file_must_exist_beside_the_template_and_is_recorded_once(tmp_path: Path) -> None:
    Image.new("RGBA", (4, 4), (0, 0, 255, 255)).save(tmp_path / "logo.png")
    text = ("name: t\nsizes: {s: 10x10}\nlayers:\n  - {name: a, type: image, source: logo.png}\n"
            "  - {name: b, type: image, source: ./logo.png}\n")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    template = load_template(tmp_path / "t.yaml")
    assert template.assets == (str((tmp_path / "logo.png").resolve()),)
    (tmp_path / "t.yaml").write_text(text.replace("./logo.png", "missing.png"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "t.yaml", display="t.yaml")
    assert [str(p) for p in info.value.problems] == [
        "t.yaml:5:36: layers[1] (b).source: file 'missing.png' not found next to the template"]
