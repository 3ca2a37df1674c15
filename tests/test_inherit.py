from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import ConfigError
from artpipe.layers.image import ImageLayer
from artpipe.layers.template import load_template
from artpipe.layers.text import TextLayer
from artpipe.run.render import render
from artpipe.run.tasks import template_assets
from artpipe.template.model import Length

PARENT = """\
name: brand-frame
sizes: {wide: 1200x400, square: 600x600}
fields:
  headline: {type: text, default: Hello}
background: "#f4f1ea"
layers:
  - {name: logo, type: image, role: logo, source: logo.png, box: {left: 20, top: 20, width: 80, height: 40}}
  - {name: headline, type: text, text: $headline, font: {size: 40, weight: bold}, color: "#111111",
     box: {left: 5%, width: 60%, top: 30%, height: 40%}}
overrides:
  square:
    headline: {box: {left: 5%, right: 5%, top: 30%, height: 30%}}
"""

CHILD = """\
extends: brand-frame
description: the spring variant
fields:
  accent: {type: color, default: "#e4393c"}
layers:
  - {name: headline, font: {size: 56}}
  - {name: badge, type: shape, shape: ellipse, fill: $accent, box: {right: 20, top: 20, width: 60, height: 60}}
"""


@pytest.fixture
def family(tmp_path: Path) -> Path:
    (tmp_path / "brand-frame").mkdir()
    (tmp_path / "brand-frame" / "template.yaml").write_text(PARENT, encoding="utf-8")
    Image.new("RGBA", (80, 40), (0, 0, 255, 255)).save(tmp_path / "brand-frame" / "logo.png")
    (tmp_path / "spring").mkdir()
    (tmp_path / "spring" / "template.yaml").write_text(CHILD, encoding="utf-8")
    return tmp_path


def test_child_merges_into_parent_by_name(family: Path) -> None:
    t = load_template(family / "spring")
    assert t.name == "spring"  # its own name, not the parent's
    assert t.description == "the spring variant"
    assert [s.name for s in t.sizes] == ["wide", "square"]
    assert set(t.fields) == {"headline", "accent"}
    wide = {layer.name: layer for layer in t.layers["wide"]}
    assert list(wide) == ["logo", "headline", "badge"]  # new layers on top
    head = wide["headline"]
    assert isinstance(head, TextLayer)
    assert head.style.size == Length(56)  # changed by the child
    assert head.style.font.weight == "bold"  # kept from the parent
    assert head.origin.endswith("spring/template.yaml:6")
    square_head = {layer.name: layer for layer in t.layers["square"]}["headline"]
    assert square_head.box.right == Length(5, percent=True)  # the parent's override still applies


def test_parent_files_resolve_in_the_parents_folder(family: Path) -> None:
    t = load_template(family / "spring")
    logo = t.layers["wide"][0]
    assert isinstance(logo, ImageLayer)
    assert logo.source == f"file:{(family / 'brand-frame' / 'logo.png').resolve()}"
    out = render(t, "wide", {}, template_assets(t)).image
    assert out.getpixel((60, 40)) == (0, 0, 255, 255)  # the parent's logo
    assert out.getpixel((1150, 50))[:3] == (228, 57, 60)  # the child's badge


def test_problems_point_at_the_file_they_are_in(family: Path) -> None:
    (family / "brand-frame" / "template.yaml").write_text(PARENT.replace("weight: bold", "weight: heavy"))
    (family / "spring" / "template.yaml").write_text(CHILD.replace("fill: $accent", "fill: $acent"))
    with pytest.raises(ConfigError) as info:
        load_template(family / "spring")
    found = [str(p) for p in info.value.problems]
    assert any(p.startswith(f"{(family / 'brand-frame' / 'template.yaml').resolve()}:8:") and
               "font.weight: 'heavy' is not one of regular, bold" in p for p in found), found
    assert any(p.startswith(f"{family / 'spring' / 'template.yaml'}:7:") and "unknown field $acent" in p
               for p in found), found


def test_loops_and_missing_parents_are_errors(family: Path) -> None:
    (family / "brand-frame" / "template.yaml").write_text("extends: spring\n" + PARENT)
    with pytest.raises(ConfigError, match=r"brand-frame/template.yaml:1:10: extends: 'spring' extends this "
                                          r"template again \(a loop\)"):
        load_template(family / "spring")
    (family / "spring" / "template.yaml").write_text(CHILD.replace("extends: brand-frame", "extends: promo-baner"))
    with pytest.raises(ConfigError, match=r"no template 'promo-baner' \(did you mean promo-banner\?\)"):
        load_template(family / "spring")


def test_a_bundled_template_can_be_extended(tmp_path: Path) -> None:
    (tmp_path / "green.yaml").write_text(
        "extends: promo-banner\nname: green-banner\nfields: {accent: {type: color, default: '#1f9d55'}}\n")
    t = load_template(tmp_path / "green.yaml")
    assert t.name == "green-banner"
    assert t.fields["accent"].default == "#1f9d55"
    assert [s.name for s in t.sizes] == ["wide", "mobile", "square"]


def test_a_child_without_a_name_is_named_by_its_file_or_folder(family: Path) -> None:
    assert load_template(family / "spring").name == "spring"  # a folder's template.yaml: the folder
    (family / "autumn.yaml").write_text(CHILD.replace("extends: brand-frame", "extends: brand-frame/template.yaml"),
                                        encoding="utf-8")
    assert load_template(family / "autumn.yaml").name == "autumn"


def test_extends_must_name_something_and_may_not_go_deeper_than_the_limit(tmp_path: Path) -> None:
    from artpipe.template.inherit import MAX_EXTENDS
    (tmp_path / "t.yaml").write_text("extends: [a, b]\n" + PARENT, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "t.yaml", display="t.yaml")
    assert str(info.value.problems[0]) == "t.yaml:1:10: extends: must be a template name or path"
    Image.new("RGBA", (8, 4)).save(tmp_path / "logo.png")
    (tmp_path / "t0.yaml").write_text(PARENT, encoding="utf-8")
    for i in range(1, MAX_EXTENDS + 2):
        (tmp_path / f"t{i}.yaml").write_text(f"extends: t{i - 1}.yaml\n", encoding="utf-8")
    assert load_template(tmp_path / f"t{MAX_EXTENDS}.yaml").name == f"t{MAX_EXTENDS}"
    with pytest.raises(ConfigError, match=f"extends: more than {MAX_EXTENDS} levels of extends"):
        load_template(tmp_path / f"t{MAX_EXTENDS + 1}.yaml")


def test_overrides_merge_by_size_and_layer_and_new_layers_go_on_top(family: Path) -> None:
    child = CHILD + "overrides:\n  square:\n    headline: {font: {size: 30}}\n    badge: {opacity: 0.5}\n"
    (family / "spring" / "template.yaml").write_text(child, encoding="utf-8")
    t = load_template(family / "spring")
    square = {layer.name: layer for layer in t.layers["square"]}
    assert [layer.name for layer in t.layers["square"]] == ["logo", "headline", "badge"]
    assert isinstance(square["headline"], TextLayer)
    assert square["headline"].style.size == Length(30)  # the child's override of the size, key by key...
    assert square["headline"].box.right == Length(5, percent=True)  # ...over the parent's box for the size
    assert square["badge"].opacity == 0.5
