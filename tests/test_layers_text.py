"""Text layers (artpipe/layers/text.py): alignment in the box, colour from a field, lines and overflow, effects
(letter spacing, outline, shadow) and the loader's one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from artpipe.errors import ConfigError
from artpipe.layers.template import load_template
from artpipe.run.render import render


def one_text(tmp_path: Path, extra: str) -> Image.Image:
    (tmp_path / "t.yaml").write_text(f"""\
name: t
sizes: {{s: 600x200}}
background: "#00000000"
layers:
  - {{name: t, type: text, text: "SALE 大促", color: "#000000", font: {{weight: bold, size: 80, min_size: 20}},
     align: center, valign: middle, box: {{left: 50, right: 50, top: 40, bottom: 40}}{extra}}}
""", encoding="utf-8")
    return render(load_template(tmp_path / "t.yaml"), "s", {}, {}).image


def ink(im: Image.Image) -> tuple[int, int, int, int]:
    box = im.getchannel("A").point(lambda a: 255 if a > 32 else 0).getbbox()
    assert box is not None
    return box


def near(im: Image.Image, color: tuple[int, int, int]) -> Image.Image:
    diff = ImageChops.difference(im.convert("RGB"), Image.new("RGB", im.size, color))
    r, g, b = diff.split()
    opaque = im.getchannel("A").point(lambda a: 255 if a > 200 else 0)
    close = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v < 40 else 0)
    return ImageChops.multiply(close, opaque)


def test_letter_spacing_widens_the_line(tmp_path: Path) -> None:
    plain = ink(one_text(tmp_path, ""))
    tracked = ink(one_text(tmp_path, ", letter_spacing: 12"))
    assert (tracked[2] - tracked[0]) - (plain[2] - plain[0]) >= 12 * 5  # 7 characters, 6 gaps (one is a space)


def test_outline_surrounds_the_glyphs_inside_the_box(tmp_path: Path) -> None:
    out = one_text(tmp_path, ", stroke: {color: '#ff0000', width: 6}")
    assert near(out, (255, 0, 0)).getbbox() is not None
    left, top, right, bottom = ink(out)
    assert left >= 50
    assert right <= 550
    assert top >= 40
    assert bottom <= 160


def test_shadow_falls_below_right(tmp_path: Path) -> None:
    plain = ink(one_text(tmp_path, ""))
    shaded = one_text(tmp_path, ", shadow: {dx: 8, dy: 10, blur: 0, color: '#0000ffff'}")
    blue = near(shaded, (0, 0, 255)).getbbox()
    assert blue is not None
    assert blue[2] >= plain[2] + 6
    assert blue[3] >= plain[3] + 8


def text_in_box(tmp_path: Path, text: str, extra: str, fields: dict[str, str] | None = None) -> Image.Image:
    (tmp_path / "b.yaml").write_text(f"""\
name: b
sizes: {{s: 400x200}}
fields: {{ink: {{type: color, default: "#000000"}}}}
background: "#00000000"
layers:
  - {{name: t, type: text, text: "{text}", color: $ink, font: {{size: 40, min_size: 40}},
     box: {{left: 20, right: 20, top: 20, bottom: 20}}{extra}}}
""", encoding="utf-8")
    return render(load_template(tmp_path / "b.yaml"), "s", fields or {"ink": "#000000"}, {}).image


@pytest.mark.parametrize(("align", "valign", "left_edge", "top_edge"), [
    ("left", "top", True, True), ("right", "bottom", False, False),
])
def test_text_is_aligned_to_the_edges_of_its_box(tmp_path: Path, align: str, valign: str, left_edge: bool,
                                                 top_edge: bool) -> None:
    left, top, right, bottom = ink(text_in_box(tmp_path, "Sale", f", align: {align}, valign: {valign}"))
    if left_edge:
        assert 20 <= left <= 26
    else:
        assert 374 <= right <= 380
    if top_edge:
        assert 20 <= top <= 40
    else:
        assert 160 <= bottom <= 180


def test_centred_text_has_equal_room_on_both_sides(tmp_path: Path) -> None:
    left, _, right, _ = ink(text_in_box(tmp_path, "Sale", ", align: center"))
    assert abs((left - 20) - (380 - right)) <= 2


def test_the_colour_may_come_from_a_field(tmp_path: Path) -> None:
    red = text_in_box(tmp_path, "Sale", "", {"ink": "#ff0000"})
    assert near(red, (255, 0, 0)).getbbox() is not None
    assert near(red, (0, 0, 0)).getbbox() is None


def test_max_lines_with_an_ellipsis_cuts_and_warns(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("""\
name: m
sizes: {s: 400x200}
background: "#00000000"
layers:
  - {name: t, type: text, text: "one two three four five six seven eight nine ten eleven twelve",
     font: {size: 40, min_size: 40}, max_lines: 1, overflow: ellipsis,
     box: {left: 0, top: 0, width: 100%, height: 100%}}
""", encoding="utf-8")
    result = render(load_template(tmp_path / "m.yaml"), "s", {}, {})
    assert [(n.kind.value, n.value) for n in result.warnings] == [("text_truncated", "t@s")]
    _, top, _, bottom = ink(result.image)
    assert bottom - top < 70  # one line of 40 px


@pytest.mark.parametrize(("keys", "says"), [
    ("font: {weight: heavy}", "font.weight: 'heavy' is not one of regular, bold"),
    ("align: middle", "align: 'middle' is not one of"),
    ("overflow: hide", "overflow: 'hide' is not one of"),
    ("max_lines: 0", "max_lines: "),
    ("emoji: rainbow", "emoji: 'rainbow' is not one of color, mono"),
])
def test_a_mistake_in_a_text_layer_is_one_line_at_its_key(tmp_path: Path, keys: str, says: str) -> None:
    layer = f"  - {{name: t, type: text, text: x, {keys}}}\n"
    (tmp_path / "e.yaml").write_text(f"name: e\nsizes: {{s: 10x10}}\nlayers:\n{layer}", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "e.yaml", display="e.yaml")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith("e.yaml:4:")
    assert f"layers[0] (t).{says}" in problem
