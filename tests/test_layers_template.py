from __future__ import annotations

import os
from pathlib import Path

import pytest

from artpipe.errors import ConfigError
from artpipe.layers.image import ImageLayer
from artpipe.layers.template import load_template
from artpipe.layers.text import TextLayer
from artpipe.template.find import bundled_templates
from artpipe.template.model import Length

GOOD = """\
name: t
sizes:
  wide: {width: 1200, height: 400}
  square: 600x600
fields:
  product: {type: image, required: true}
  headline: {type: text, default: Hello}
layers:
  - name: product
    type: image
    source: $product
    box: {right: 0, width: 50%}
  - name: headline
    type: text
    text: $headline
    font: {size: 40, min_size: 20}
    box: {left: 5%, width: 40%, top: 10%, height: 30%}
overrides:
  square:
    headline: {box: {left: 5%, right: 5%, top: 5%, height: 20%}, font: {size: 60}}
"""


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_template(path, display="t.yaml")
    return [str(p) for p in info.value.problems]


def test_good_template_loads_with_overrides(tmp_path: Path) -> None:
    t = load_template(write(tmp_path, GOOD))
    assert [(s.name, s.width, s.height) for s in t.sizes] == [("wide", 1200, 400), ("square", 600, 600)]
    assert t.fields["headline"].default == "Hello"
    wide, square = t.layers["wide"], t.layers["square"]
    assert isinstance(wide[0], ImageLayer)
    assert wide[0].source == "$product"
    head_wide, head_square = wide[1], square[1]
    assert isinstance(head_wide, TextLayer)
    assert isinstance(head_square, TextLayer)
    assert head_wide.style.size == Length(40)
    assert head_square.style.size == Length(60)
    # font is merged key by key, box replaced whole
    assert head_square.style.min_size == Length(20)
    assert head_square.box.right == Length(5, percent=True)
    assert head_square.box.width is None
    assert head_wide.origin.endswith("t.yaml:13")


@pytest.mark.parametrize(("mutation", "expected"), [
    (("fit: contain", "fit: cover-all"),
     "t.yaml:12:10: layers[0] (product).fit: 'cover-all' is not one of contain, cover, fill (did you mean cover?)"),
    (("    source: $product", "    source: $product\n    fitt: cover"),
     "t.yaml:12:5: layers[0] (product).fitt: unknown key (did you mean fit?)"),
    (("text: $headline", "text: $headlin"),
     "t.yaml:15:11: layers[1] (headline).text: unknown field $headlin (did you mean headline?)"),
    (("box: {right: 0, width: 50%}", "box: {left: 1, right: 0, width: 50%}"),
     "t.yaml:12:10: layers[0] (product).box: left, right, width are all given; an axis takes at most two "
     "(drop one of left, right, width)"),
    (("width: 50%}", "width: wide}"),
     "t.yaml:12:28: layers[0] (product).box.width: 'wide' is not a length (use pixels like 120 or a "
     "percentage like \"25%\")"),
    (("    type: text", "    type: txt"),
     "t.yaml:14:11: layers[1] (headline).type: 'txt' is not one of image, text, shape, price (did you mean text?)"),
    (("  square:\n    headline", "  sqare:\n    headline"),
     "t.yaml:19:3: overrides.sqare: no size 'sqare' (did you mean square?)"),
    (("square: 600x600", "square: huge"),
     "t.yaml:4:11: sizes.square: must be {width, height} or \"WIDTHxHEIGHT\""),
    (("  - name: headline", "  - name: product"),
     "t.yaml:13:11: layers[1] (product).name: duplicate layer name 'product' (first at line 9) "
     "(names must be unique)"),
])
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, mutation: tuple[str, str], expected: str) -> None:
    text = GOOD.replace("    fit: contain\n", "") if "fit: contain" not in mutation[0] else GOOD
    if mutation[0] == "fit: contain":
        text = GOOD.replace("    source: $product\n", "    source: $product\n    fit: contain\n")
    assert mutation[0] in text
    assert expected in problems(tmp_path, text.replace(mutation[0], mutation[1], 1))


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("text: $headline", "text: $nope").replace("type: image, required", "type: picture, required")
    found = problems(tmp_path, text)
    assert len(found) == 2, found
    assert "fields.product.type: 'picture' is not one of image, text, color" in found[0]
    assert "unknown field $nope" in found[1]


def test_color_and_field_type_checks(tmp_path: Path) -> None:
    text = GOOD.replace("overrides:", "  - name: dot\n    type: shape\n    fill: '#12345'\noverrides_:")
    found = problems(tmp_path, text)
    assert any("overrides_: unknown key (did you mean overrides?)" in p for p in found)
    assert any("fill: '#12345' is not a colour" in p for p in found)


@pytest.mark.parametrize("source", ["/etc/passwd", "../secret.png", "C:/logo.png"])
def test_asset_paths_must_stay_inside(tmp_path: Path, source: str) -> None:
    text = GOOD.replace("source: $product", f"source: {source}")
    (msg,) = problems(tmp_path, text)
    assert f"layers[0] (product).source: '{source}' must be a path inside the template's folder" in msg


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"x")
    folder = tmp_path / "tpl"
    folder.mkdir()
    os.symlink(outside, folder / "logo.png")
    (folder / "template.yaml").write_text(GOOD.replace("source: $product", "source: logo.png"))
    with pytest.raises(ConfigError, match="'logo.png' leads outside the template's folder"):
        load_template(folder)


def test_missing_required_keys(tmp_path: Path) -> None:
    assert problems(tmp_path, "name: x\n") == [
        "t.yaml:1:1: missing required key 'sizes'", "t.yaml:1:1: missing required key 'layers'"]


def test_every_bundled_template_loads() -> None:
    names = bundled_templates()
    assert {"product-main", "promo-banner", "detail-header", "sale-badge-tile"} <= set(names)
    for path in names.values():
        template = load_template(path)
        assert template.sizes
        assert all(template.layers[s.name] for s in template.sizes)


def test_visible_if_names_only_known_fields(tmp_path: Path) -> None:
    text = GOOD.replace("    source: $product\n", "    source: $product\n    visible_if: [product, hedline]\n", 1)
    (msg,) = problems(tmp_path, text)
    assert msg.startswith("t.yaml:")
    assert "layers[0] (product).visible_if: unknown field 'hedline'" in msg
