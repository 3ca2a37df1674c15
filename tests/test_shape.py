"""Shape layers (artpipe/layers/shape.py): each shape's pixels, strokes, fills, labels and the loader's errors.
Templates are written here at tiny sizes and rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import ConfigError
from artpipe.layers.shape import burst_polygon
from artpipe.layers.template import load_template
from artpipe.reasons import WarningKind
from artpipe.run.render import render


def drawn(tmp_path: Path, layer: str, size: str = "100x100", fields: dict[str, str] | None = None) -> Image.Image:
    (tmp_path / "t.yaml").write_text(f"name: t\nsizes: {{s: {size}}}\nbackground: \"#00000000\"\nlayers:\n"
                                     f"  - {{name: s, type: shape, {layer}}}\n", encoding="utf-8")
    return render(load_template(tmp_path / "t.yaml"), "s", {}, fields or {}).image


def alpha(im: Image.Image, x: int, y: int) -> int:
    px = im.getpixel((x, y))
    assert isinstance(px, tuple)
    return int(px[3])


def test_burst_and_gradient_fill(tmp_path: Path) -> None:
    from artpipe.layers.template import load_template
    from artpipe.run.render import render
    pts = burst_polygon(200, 100, 12, 0.8)
    assert len(pts) == 24
    assert pts[0] == (100.0, 0.0)  # the first tip touches the top edge
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 200x200}
background: "#00000000"
layers:
  - {name: b, type: shape, shape: burst, fill: {gradient: {colors: ["#ff0000", "#0000ff"], angle: 90}}}
""", encoding="utf-8")
    out = render(load_template(tmp_path / "t.yaml"), "s", {}, {}).image
    top, bottom, corner = out.getpixel((100, 30)), out.getpixel((100, 170)), out.getpixel((5, 5))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert isinstance(corner, tuple)
    assert top[0] > top[2]  # red towards the top
    assert bottom[2] > bottom[0]  # blue towards the bottom
    assert corner[3] == 0  # outside the burst: nothing


@pytest.mark.parametrize(("shape", "inside", "outside"), [
    ("rect", [(0, 0), (99, 99), (50, 50)], []),
    ("ellipse", [(50, 50), (50, 2), (2, 50)], [(3, 3), (96, 96)]),
    ("rounded", [(50, 50), (20, 1), (1, 20)], [(1, 1), (98, 98)]),
    ("burst", [(50, 50), (50, 1)], [(10, 10), (90, 90)]),
    ("ribbon", [(50, 5), (90, 45)], [(50, 50), (95, 2), (5, 5)]),  # a band across the top-right corner
])
def test_each_shape_covers_its_own_pixels(tmp_path: Path, shape: str, inside: list[tuple[int, int]],
                                          outside: list[tuple[int, int]]) -> None:
    im = drawn(tmp_path, f"shape: {shape}, fill: '#0000ff'")
    for x, y in inside:
        assert im.getpixel((x, y)) == (0, 0, 255, 255), (shape, x, y)
    for x, y in outside:
        assert alpha(im, x, y) == 0, (shape, x, y)


def test_a_ribbon_mirrors_to_its_corner(tmp_path: Path) -> None:
    im = drawn(tmp_path, "shape: ribbon, corner: bottom-left, fill: '#0000ff'")
    assert im.getpixel((10, 55)) == (0, 0, 255, 255)  # (90, 45) of the top-right ribbon, mirrored on both axes
    assert alpha(im, 90, 45) == 0


def test_curves_are_anti_aliased_and_a_rect_is_not(tmp_path: Path) -> None:
    ellipse = drawn(tmp_path, "shape: ellipse, fill: '#0000ff'")
    assert sum(ellipse.getchannel("A").histogram()[1:255]) > 50  # a soft edge, from the 4x drawing shrunk
    rect = drawn(tmp_path, "shape: rect, fill: '#0000ff'")
    assert sum(rect.getchannel("A").histogram()[1:255]) == 0


def test_a_stroke_rings_the_shape_and_fill_null_leaves_it_hollow(tmp_path: Path) -> None:
    im = drawn(tmp_path, "shape: rect, fill: null, stroke: {color: '#ff0000', width: 6}")
    assert im.getpixel((2, 50)) == (255, 0, 0, 255)
    assert im.getpixel((97, 50)) == (255, 0, 0, 255)
    assert alpha(im, 50, 50) == 0
    filled = drawn(tmp_path, "shape: rect, fill: '#00ff00', stroke: {color: '#ff0000', width: 6}")
    assert filled.getpixel((50, 50)) == (0, 255, 0, 255)
    assert filled.getpixel((2, 50)) == (255, 0, 0, 255)


def test_a_translucent_fill_and_the_layers_opacity_multiply(tmp_path: Path) -> None:
    assert alpha(drawn(tmp_path, "shape: rect, fill: '#0000ff80'"), 50, 50) == 128
    assert alpha(drawn(tmp_path, "shape: rect, fill: '#0000ff', opacity: 0.5"), 50, 50) == 128
    assert alpha(drawn(tmp_path, "shape: rect, fill: '#0000ff80', opacity: 0.5"), 50, 50) == 64


def test_a_label_is_drawn_inside_in_its_colour_and_a_long_one_is_marked_truncated(tmp_path: Path) -> None:
    im = drawn(tmp_path, "shape: ellipse, fill: '#000000', text: 'SALE', text_color: '#ffffff'", "200x200")
    inner = im.crop((40, 40, 160, 160)).convert("RGB")
    assert (255, 255, 255) in {c for _, c in inner.getcolors(1 << 16) or []}  # white letters
    assert im.crop((0, 0, 20, 20)).getchannel("A").getextrema() == (0, 0)  # nothing outside the ellipse
    (tmp_path / "t.yaml").write_text(
        "name: t\nsizes: {s: 60x30}\nlayers:\n  - {name: tag, type: shape, text: 'Free shipping on every order "
        "placed this week only', font: {size: 20, min_size: 20}, overflow: ellipsis}\n", encoding="utf-8")
    result = render(load_template(tmp_path / "t.yaml"), "s", {}, {})
    assert [(n.kind, n.value) for n in result.warnings] == [(WarningKind.TEXT_TRUNCATED, "tag@s")]


@pytest.mark.parametrize(("keys", "says"), [
    ("shape: star", "shape: 'star' is not one of rect, rounded, ellipse, ribbon, burst"),
    ("shape: ribbon, corner: top", "corner: 'top' is not one of top-right, top-left, bottom-right, bottom-left"),
    ("shape: burst, points: 2", "points: "),
    ("stroke: {colour: red}", "stroke.colour: unknown key (did you mean color?)"),
    ("fill: {gradient: {colors: ['#ff0000']}}", "a gradient needs at least two colours"),
    ("text: $nope", "text: unknown field $nope"),
])
def test_a_mistake_in_a_shape_is_one_line_at_its_key(tmp_path: Path, keys: str, says: str) -> None:
    (tmp_path / "t.yaml").write_text(f"name: t\nsizes: {{s: 10x10}}\nlayers:\n  - {{name: b, type: shape, {keys}}}\n",
                                     encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "t.yaml", display="t.yaml")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith("t.yaml:4:")
    assert "layers[0] (b)." in problem
    assert says in problem


def test_a_label_whose_letters_reach_past_their_advance_is_fitted_by_its_ink() -> None:
    # An Arabic word opening on a kashida: its advance (69.7 px) fitted the badge's 70 px, its ink (72 px) did
    # not, and a letter was cut at the edge. The fit now makes room for what the letters reach.
    from artpipe.defaults import settings
    from artpipe.layers import KINDS, Scene
    from artpipe.reasons import tokens
    from artpipe.run.render import field_values
    from artpipe.template.find import bundled_templates
    from artpipe.template.layout import resolve_box

    template = load_template(bundled_templates()["promo-banner"])
    size = template.size("mobile")
    layer = next(layer for layer in template.layers["mobile"] if layer.name == "badge")
    rect = resolve_box(layer.box, size.width, size.height)
    scene = Scene(template, size, field_values(template, {"badge": "ـاااب"}), {}, settings=settings())
    placed = KINDS[layer.type].paint(layer, rect, scene)
    assert placed is not None
    assert not [w for w in tokens(placed.warnings) if w.startswith("text_clipped")]
    ink = placed.image.getchannel("A").getbbox()
    assert ink is not None
    assert rect.x - 1 <= placed.x + ink[0]
    assert placed.x + ink[2] <= rect.x + rect.w + 1
