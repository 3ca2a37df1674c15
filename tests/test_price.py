from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from test_prices import MARKETS, UNCOVERED

from artpipe.errors import RenderError
from artpipe.layers.price import PriceLayer
from artpipe.layers.template import load_template
from artpipe.run.render import render
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.text.prices import (
    currency_of,
    format_price,
)

from conftest import assert_matches_golden

# Every tenth market in CLDR's order (74 of them, the same on every run): each bare price is drawn by the price
# layer, which refuses a character no face in its chain has (a tofu box is never drawn).
DRAWN_MARKETS = MARKETS[::10]


def test_a_sample_of_every_locales_prices_draws_without_a_missing_glyph(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    drawn = refused = 0
    for locale in DRAWN_MARKETS:
        tag = locale.replace("_", "-")
        code = currency_of(tag) or "EUR"
        if set(format_price(Decimal("1234.50"), code, tag)) & UNCOVERED:  # a sign no bundled font has
            with pytest.raises(RenderError, match="no font has a glyph for"):
                render(t, "s", {"price": "123450"}, {}, locale=tag, currency=code)
            refused += 1
            continue
        out = render(t, "s", {"price": "123450"}, {}, locale=tag, currency=code)
        assert out.fonts, tag  # the faces that drew it are reported...
        assert ink_box(out.image, (0, 0, 0)), tag  # ...and it is drawn
        drawn += 1
    assert drawn >= 70
    assert refused <= 2


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


def same(a: Image.Image, b: Image.Image) -> bool:
    """Pixel for pixel the same colours (compared as RGB: an RGBA difference's bounding box looks at alpha
    only, and two opaque canvases always have the same alpha)."""
    return ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


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


def banner_values(price: str, was: str = "") -> dict[str, str]:
    return {"headline": "Spring sale", "price": price, "was": was}


@pytest.mark.parametrize("price", ["45 ر.س", "฿390", "₪49", "₹499", "990 ₽", "99.000₫", "1 299,00 zł"])
def test_prices_in_every_script_render_in_promo_banner_at_every_size(price: str) -> None:
    from test_render import asset_of, product_photo

    t = load_template(bundled_templates()["promo-banner"])
    for size in t.size_names:
        out = render(t, size, banner_values(price), {"product": asset_of(product_photo())})
        faces = {face for layer, face in out.fonts if layer == "price"}
        assert faces, size  # the price layer says which faces drew it, as text layers do


def test_a_price_the_sans_face_lacks_is_drawn_by_a_fallback_face(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    out = render(t, "s", {"price": "45 ر.س"}, {})
    assert len({face for _, face in out.fonts}) == 2  # digits in one face, the Arabic sign in another


def test_a_bare_price_takes_the_markets_currency_and_way_of_writing(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    bare = render(t, "s", {"price": "45"}, {}, locale="ar-SA").image
    written = render(t, "s", {"price": "\u200f45\u00a0ر.س.\u200f"}, {}).image
    assert same(bare, written)  # not ¥45
    euros = render(t, "s", {"price": "45"}, {}, locale="ar-SA", currency="EUR").image
    assert same(euros, render(t, "s", {"price": "\u200f45\u00a0€"}, {}).image)  # ar-SA writes it right to left


def test_a_layers_locale_alone_brings_its_currency_and_a_layers_currency_stays(tmp_path: Path) -> None:
    path = price_template(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: $price,", "value: $price, locale: ar-SA,"), encoding="utf-8")
    riyals = render(load_template(path), "s", {"price": "45"}, {}).image
    written = render(load_template(path), "s", {"price": "\u200f45\u00a0ر.س.\u200f"}, {}).image
    assert same(riyals, written)  # not 45 ¥ (the template default)
    path.write_text(text.replace("value: $price,", "value: $price, locale: ar-SA, currency: EUR,"), encoding="utf-8")
    euros = render(load_template(path), "s", {"price": "45"}, {}).image
    assert same(euros, render(load_template(path), "s", {"price": "\u200f45\u00a0€"}, {}).image)


def test_a_bare_was_price_is_in_the_prices_currency(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    bare = render(t, "s", {"price": "1.299,00 €", "was": "1599"}, {}, locale="de-DE").image
    written = render(t, "s", {"price": "1.299,00 €", "was": "1.599 €"}, {}, locale="de-DE").image
    assert same(bare, written)


def test_a_discount_is_drawn_after_the_was_price_in_the_prices_colour(tmp_path: Path) -> None:
    path = price_template(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("value: $price,", "value: $price, discount: true,"),
                    encoding="utf-8")
    t = load_template(path)
    out = render(t, "s", {"price": "¥80", "was": "¥100"}, {}).image
    was_right = ink_box(out, (255, 0, 0))[2]
    assert ink_box(out, (0, 0, 0))[2] > was_right + 20  # "-20%" in black, right of the red struck ¥100


MARKET_PRICES = [("ar-SA", "45", "60"), ("th-TH", "390", "590"), ("he-IL", "49", ""), ("hi-IN", "129999", ""),
                 ("vi-VN", "99000", "129000"), ("ru-RU", "990", ""), ("pl-PL", "1299,00", "1599,00"),
                 ("pt-BR", "1299,90", ""), ("de-CH", "1299.00", ""), ("ja-JP", "1300", "1800"),
                 ("ko-KR", "12900", ""), ("zh-Hant-TW", "1299", "")]


@pytest.mark.parametrize("size", ["wide", "mobile", "square"])
def test_promo_banner_prices_in_every_market_match_golden(size: str, update_goldens: bool) -> None:
    """Each market's bare price (and original price) in promo-banner's price box, stacked: a golden per size."""
    from test_render import asset_of, product_photo

    t = load_template(bundled_templates()["promo-banner"])
    layer = next(layer for layer in t.layers[size] if layer.name == "price")
    r = resolve_box(layer.box, t.size(size).width, t.size(size).height)
    sheet = Image.new("RGB", (r.w, r.h * len(MARKET_PRICES)), "white")
    asset = {"product": asset_of(product_photo())}
    for i, (locale, price, was) in enumerate(MARKET_PRICES):
        out = render(t, size, banner_values(price, was), asset, locale=locale).image.convert("RGB")
        sheet.paste(out.crop((r.x, r.y, r.x + r.w, r.y + r.h)), (0, i * r.h))
    assert_matches_golden(sheet, f"promo-banner-prices-{size}", update_goldens)


def test_an_original_price_in_words_is_struck_through_as_written(tmp_path: Path) -> None:
    t = load_template(price_template(tmp_path))
    out = render(t, "s", {"price": "¥299", "was": "原价"}, {}).image
    assert ink_box(out, (255, 0, 0))[2] <= 600


def test_a_sign_reaching_below_the_baseline_is_not_clipped_by_its_box(tmp_path: Path) -> None:
    """The Arabic sign's tail reaches below the digits' em box: the fit keeps room for it in the box."""
    path = price_template(tmp_path, "{left: 0, top: 0, width: 600, height: 100}")
    at_bottom = "value: $price, anchor: bottom-left, symbol_scale: 1,"  # the sign as big as the digits
    path.write_text(path.read_text(encoding="utf-8").replace("value: $price,", at_bottom), encoding="utf-8")
    out = render(load_template(path), "s", {"price": "45 ر.س"}, {}).image.convert("L")
    assert out.crop((0, 0, 600, 100)).point(lambda v: 255 if v < 128 else 0).getbbox() is not None
    # At most the tail's anti-aliased edge in the box's last row: a tail cut at the edge leaves solid ink there.
    assert out.crop((0, 99, 600, 100)).point(lambda v: 255 if v < 128 else 0).getbbox() is None


def test_a_right_to_left_price_has_its_original_price_and_discount_on_its_left(tmp_path: Path) -> None:
    path = price_template(tmp_path)
    t = load_template(path)
    out = render(t, "s", {"price": "45", "was": "60"}, {}, locale="ar-SA").image
    assert ink_box(out, (255, 0, 0))[2] < ink_box(out, (0, 0, 0))[0]  # read first, the price is on the right
    ltr = render(t, "s", {"price": "¥45", "was": "¥60"}, {}).image
    assert ink_box(ltr, (0, 0, 0))[2] < ink_box(ltr, (255, 0, 0))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("value: $price,", "value: $price, discount: true,"),
                    encoding="utf-8")
    out = render(load_template(path), "s", {"price": "45", "was": "60"}, {}, locale="ar-SA").image
    assert ink_box(out, (0, 0, 0))[0] < ink_box(out, (255, 0, 0))[0] - 20  # "-25%" read last, on the far left


def test_every_bundled_template_writes_a_bare_price_the_markets_way() -> None:
    """Each bundled template's prices (sale-badge-tile's tag and original price too) are price layers: a bare
    number in ar-SA gets the riyal sign, which only the Arabic face draws."""
    from test_render import asset_of, product_photo

    asset = asset_of(product_photo())
    checked = 0
    for name, path in bundled_templates().items():
        t = load_template(path)
        for size in t.size_names:
            priced = [layer for layer in t.layers[size] if layer.role == "price" and layer.type != "shape"]
            if not priced:
                continue
            assert all(isinstance(layer, PriceLayer) for layer in priced), f"{name}@{size}"
            values = {n: f.example for n, f in t.fields.items() if f.example and f.type != "image"}
            values.update({layer.value.lstrip("$"): "45" for layer in priced if isinstance(layer, PriceLayer)})
            out = render(t, size, values, {n: asset for n, f in t.fields.items() if f.type == "image"},
                         locale="ar-SA")
            faces = {face for layer, face in out.fonts if layer in {p.name for p in priced}}
            assert any("Arabic" in face for face in faces), f"{name}@{size}: {faces}"
            checked += 1
    assert checked >= 9  # coupon-strip, price-tag-card, promo-banner, sale-badge-tile at every size


# A subset of the markets for the other templates with price layers: right to left with an original price, Thai,
# Indian grouping, Swiss "no cents", Japanese with a word after the number, Traditional Chinese.
FEW_MARKETS = [("ar-SA", "45", "60"), ("th-TH", "฿390", "590"), ("hi-IN", "129999", ""),
               ("de-CH", "CHF 1'299.–", ""), ("ja-JP", "¥1,299起", "1800"), ("zh-Hant-TW", "1299", "")]


@pytest.mark.parametrize(("name", "size"), [("coupon-strip", "mobile"), ("coupon-strip", "pc"),
                                            ("price-tag-card", "square"), ("price-tag-card", "tall"),
                                            ("sale-badge-tile", "square"), ("sale-badge-tile", "small")])
def test_price_layers_of_other_templates_in_a_few_markets_match_golden(name: str, size: str,
                                                                       update_goldens: bool) -> None:
    """The price boxes of a template at one size (all its price layers, framed together), one market a row."""
    from test_render import asset_of, product_photo

    t = load_template(bundled_templates()[name])
    canvas = t.size(size)
    priced = [layer for layer in t.layers[size] if isinstance(layer, PriceLayer)]
    fields = {layer.value.lstrip("$") for layer in priced} & {"price", "c1", "was"}
    boxes = [resolve_box(layer.box, canvas.width, canvas.height) for layer in priced
             if layer.value.lstrip("$") in fields]
    left, top = min(b.x for b in boxes), min(b.y for b in boxes)
    right, bottom = max(b.x + b.w for b in boxes), max(b.y + b.h for b in boxes)
    images = {n: asset_of(product_photo()) for n, f in t.fields.items() if f.type == "image"}
    sheet = Image.new("RGB", (right - left, (bottom - top) * len(FEW_MARKETS)), "white")
    for i, (locale, price, was) in enumerate(FEW_MARKETS):
        values = {"name": "Mug", "price": price, "c1": price, "was": was}
        out = render(t, size, {k: v for k, v in values.items() if k in t.fields}, images, locale=locale)
        sheet.paste(out.image.convert("RGB").crop((left, top, right, bottom)), (0, i * (bottom - top)))
    assert_matches_golden(sheet, f"{name}-prices-{size}", update_goldens)
