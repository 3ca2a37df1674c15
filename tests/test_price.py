from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from artpipe.errors import RenderError
from artpipe.layers.price import PriceParts, parse_price
from artpipe.render import render
from artpipe.template.load import load_template


@pytest.mark.parametrize(("text", "parts"), [
    ("¥39.90", PriceParts("¥", "39", ".90", "")),
    ("39.90", PriceParts("¥", "39", ".90", "")),
    ("$1,299", PriceParts("$", "1,299", "", "")),
    ("¥12.80起", PriceParts("¥", "12", ".80", "起")),
    ("€ 5", PriceParts("€", "5", "", "")),
    ("HK$88.5 /件", PriceParts("HK$", "88", ".5", "/件")),
])
def test_parse_price(text: str, parts: PriceParts) -> None:
    assert parse_price(text, "¥") == parts


@pytest.mark.parametrize("text", ["free", "", "价格面议"])
def test_not_a_price(text: str) -> None:
    assert parse_price(text, "¥") is None


def price_template(tmp_path: Path, box: str = "{left: 0, top: 0, width: 600, height: 200}") -> Path:
    (tmp_path / "p.yaml").write_text(f"""\
name: p
sizes: {{s: 600x200}}
fields: {{price: {{type: text}}, was: {{type: text}}}}
background: "#ffffff"
layers:
  - {{name: price, type: price, value: $price, was: $was, color: "#000000", was_color: "#ff0000",
     font: {{size: 180, min_size: 20}}, box: {box}}}
""", encoding="utf-8")
    return tmp_path / "p.yaml"


def ink_box(im: Image.Image, color: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box of pixels close to ``color``."""
    diff = ImageChops.difference(im.convert("RGB"), Image.new("RGB", im.size, color))
    r, g, b = diff.split()
    box = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v < 60 else 0).getbbox()
    assert box is not None
    return box


def test_sign_and_decimals_are_small_on_the_integers_baseline(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    out = render(t, "s", {"price": "¥39.90"}, {}).image.convert("RGB")
    sign = out.crop((0, 0, 40, 200)).convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    digits = out.crop((60, 0, 300, 200)).convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert sign is not None
    assert digits is not None
    assert (sign[3] - sign[1]) < 0.7 * (digits[3] - digits[1])  # the sign is smaller...
    assert abs(sign[3] - digits[3]) <= 3  # ...and stands on the same baseline


def test_was_price_is_struck_through_and_everything_fits(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    out = render(t, "s", {"price": "¥299", "was": "¥599"}, {}).image
    left, top, right, bottom = ink_box(out, (255, 0, 0))
    assert right <= 600
    strike_row = [out.convert("RGB").getpixel((x, top + (bottom - top) // 2)) for x in range(left, right)]
    assert sum(1 for p in strike_row if p == (255, 0, 0)) > 0.6 * (right - left)  # a line across the was price


def test_not_a_price_is_a_render_error(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    with pytest.raises(RenderError, match=r"p.yaml:6: layer price at size s: 'call us' is not a price"):
        render(t, "s", {"price": "call us"}, {})


def test_too_long_for_the_box_is_a_render_error(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path, "{left: 0, top: 0, width: 60, height: 200}"))
    with pytest.raises(RenderError, match=r"'¥1,299,999.00' does not fit the 60x200 px box even at 20 px"):
        render(t, "s", {"price": "¥1,299,999.00"}, {})
