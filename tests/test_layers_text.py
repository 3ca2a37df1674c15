from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops

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
