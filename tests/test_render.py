from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops

from artpipe.defaults import settings
from artpipe.errors import RenderError
from artpipe.imaging.analyze import find_subject
from artpipe.imaging.normalize import Asset, Work, to_rgb
from artpipe.layers.template import load_template
from artpipe.layers.text import TextLayer
from artpipe.reasons import Note, WarningKind
from artpipe.run.render import render
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template

from conftest import assert_matches_golden, product_photo


def asset_of(im: Image.Image) -> Asset:
    im = to_rgb(Work(im, rules=settings())).image
    subject, backdrop = find_subject(im, rules=settings().analyze)
    return Asset(im, "test", "PNG", im.size, subject, backdrop)


def example_values(t: Template) -> dict[str, str]:
    return {n: f.example for n, f in t.fields.items() if f.example and f.type != "image"}


def images_for(t: Template, asset: Asset) -> dict[str, Asset]:
    return {n: asset for n, f in t.fields.items() if f.type == "image" and f.required}


CASES = [(name, size.name) for name, path in bundled_templates().items() for size in load_template(path).sizes]


@pytest.mark.parametrize(("name", "size"), CASES)
def test_shipped_templates_match_goldens(name: str, size: str, update_goldens: bool) -> None:
    t = load_template(bundled_templates()[name])
    out = render(t, size, example_values(t), images_for(t, asset_of(product_photo()))).image
    assert out.size == (t.size(size).width, t.size(size).height)
    assert_matches_golden(out, f"{name}-{size}", update_goldens)


def text_template(tmp_path: Path, text: str, overflow: str = "shrink") -> Template:
    (tmp_path / "t.yaml").write_text(f"""\
name: t
sizes: {{wide: 1200x300, square: 400x400, sign: 990x120}}
fields: {{headline: {{type: text}}}}
background: "#00000000"
layers:
  - name: headline
    type: text
    text: $headline
    font: {{weight: bold, size: 30%, min_size: 5%}}
    color: "#000000"
    max_lines: 2
    overflow: {overflow}
    box: {{left: 10%, right: 20%, top: 15%, bottom: 15%}}
""", encoding="utf-8")
    return load_template(tmp_path / "t.yaml")


@pytest.mark.parametrize("text", [
    "春季焕新大促全场五折起，领券再减五十元，限时三天先到先得",
    "Spring refresh sale — everything up to fifty percent off, three days only",
    "W" * 60, "限时¥39.90 Free shipping 包邮 " * 4,
])
def test_text_ink_stays_inside_its_box_at_every_size(tmp_path: Path, text: str) -> None:
    t = text_template(tmp_path, text, overflow="ellipsis")
    for size in t.sizes:
        out = render(t, size.name, {"headline": text}, {}).image
        layer = t.layers[size.name][0]
        assert isinstance(layer, TextLayer)
        box = resolve_box(layer.box, size.width, size.height)
        ink = out.getchannel("A").getbbox()
        assert ink is not None, size.name
        left, top, right, bottom = ink
        assert box.x <= left, (size.name, ink, box)
        assert right <= box.x + box.w, (size.name, ink, box)
        assert box.y <= top, (size.name, ink, box)
        assert bottom <= box.y + box.h, (size.name, ink, box)


def test_the_layers_paint_with_the_settings_they_are_given(tmp_path: Path) -> None:
    # No global to patch: other text rules are an argument of render, and only they change what is drawn.
    t = text_template(tmp_path, "x", overflow="ellipsis")
    text = {"headline": "Spring refresh sale, everything up to fifty percent off, three days only " * 30}
    bundled = settings()
    plain = render(t, "wide", text, {}).image
    assert render(t, "wide", text, {}, rules=bundled).image.tobytes() == plain.tobytes()
    other = replace(bundled, text=replace(bundled.text, ellipsis="~~~~~~"))
    drawn = render(t, "wide", text, {}, rules=other)
    assert ImageChops.difference(drawn.image, plain).getbbox() is not None  # not the layer painted for ``plain``
    assert drawn.warnings == (Note(WarningKind.TEXT_TRUNCATED, "headline@wide"),)
    assert settings() is bundled  # nothing was changed behind the caller's back


def test_text_that_cannot_fit_is_a_render_error_naming_layer_and_size(tmp_path: Path) -> None:
    t = text_template(tmp_path, "x", overflow="shrink")
    with pytest.raises(RenderError) as info:
        render(t, "sign", {"headline": "一二三四五六七八九十" * 30}, {})
    msg = str(info.value)
    assert msg.startswith(f"{tmp_path / 't.yaml'}:6: layer headline at size sign: text does not fit the 693x84 px")
    assert "(shorten the text, lower font.min_size or use overflow: ellipsis)" in msg


def test_uncovered_character_is_an_error_not_a_blank(tmp_path: Path) -> None:
    t = text_template(tmp_path, "x")
    # U+2A6D6 is a rare ideograph of CJK Extension B that no bundled font draws
    with pytest.raises(RenderError, match=r"no font has a glyph for '\U0002a6d6' \(U\+2A6D6\)"):
        render(t, "wide", {"headline": "\U0002a6d6大促"}, {})


def test_visible_if_hides_layers_with_empty_fields(tmp_path: Path) -> None:
    t = text_template(tmp_path, "x")
    out = render(t, "wide", {"headline": ""}, {}).image
    assert out.getchannel("A").getbbox() is None


def test_product_main_centres_the_trimmed_product() -> None:
    t = load_template(bundled_templates()["product-main"])
    photo = product_photo((900, 600), backdrop=(255, 255, 255))
    out = render(t, "square", {}, {"product": asset_of(photo)}).image.convert("RGB")
    # the product (blue body) is found, trimmed and centred: its box is symmetric within 2 px
    blue = out.point(lambda v: 255 if v < 200 else 0).convert("L").getbbox()
    assert blue is not None
    left, top, right, bottom = blue
    assert abs(left - (800 - right)) <= 2
    assert abs(top - (800 - bottom)) <= 2
    # inset 5.5 % each side and 1.5 % padding around the product's exact box: (800 - 88) / 1.03 = 691 px
    assert max(right - left, bottom - top) == pytest.approx(691, abs=6)
    assert out.getpixel((2, 2)) == (255, 255, 255)


def test_visible_if_can_test_the_canvas(tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text("""\
name: v
sizes: {big: 400x400, sign: 400x120}
fields: {sub: {type: text}}
background: "#ffffff"
layers:
  - {name: bar, type: shape, fill: "#ff0000", visible_if: {field: sub, min_height: 200}, box: {}}
  - {name: only-big, type: shape, fill: "#0000ff", visible_if: {sizes: [big]},
     box: {left: 0, top: 0, width: 10, height: 10}}
""", encoding="utf-8")
    t = load_template(tmp_path / "v.yaml")
    assert render(t, "big", {"sub": "x"}, {}).image.getpixel((200, 60))[:3] == (255, 0, 0)
    assert render(t, "big", {}, {}).image.getpixel((200, 60))[:3] == (255, 255, 255)  # field empty
    assert render(t, "sign", {"sub": "x"}, {}).image.getpixel((200, 60))[:3] == (255, 255, 255)  # too low
    assert render(t, "big", {}, {}).image.getpixel((5, 5))[:3] == (0, 0, 255)
    assert render(t, "sign", {}, {}).image.getpixel((5, 5))[:3] == (255, 255, 255)


def test_circle_mask_cuts_the_picture(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("""\
name: m
sizes: {s: 200x200}
fields: {product: {type: image, required: true}}
background: "#ffffff"
layers:
  - {name: p, type: image, source: $product, fit: fill, mask: circle, box: {}}
""", encoding="utf-8")
    red = asset_of(Image.new("RGB", (50, 50), (255, 0, 0)))
    out = render(load_template(tmp_path / "m.yaml"), "s", {}, {"product": red}).image
    assert out.getpixel((100, 100))[:3] == (255, 0, 0)
    assert out.getpixel((3, 3))[:3] == (255, 255, 255)  # a corner: outside the circle


def test_circular_card_keeps_the_product_inside_the_circle(tmp_path: Path) -> None:
    from artpipe.imaging.place import ellipse_mask
    (tmp_path / "c.yaml").write_text("""\
name: c
sizes: {s: 300x300}
fields: {product: {type: image, required: true}}
background: "#ffffff"
layers:
  - {name: p, type: image, source: $product, trim: true, matte: auto, mask: circle, box: {}}
""", encoding="utf-8")
    photo = Image.new("RGB", (400, 400), (236, 236, 236))
    photo.paste((220, 0, 0), (80, 80, 320, 320))  # a square product: its corners are what a circle cuts
    out = render(load_template(tmp_path / "c.yaml"), "s", {}, {"product": asset_of(photo)}).image.convert("RGB")
    red = out.split()[1].point(lambda g: 255 if g < 60 else 0)
    assert red.getbbox() is not None
    outside = ImageChops.subtract(red, ellipse_mask(300, 300).point(lambda a: 255 if a > 0 else 0))
    assert outside.getbbox() is None


@pytest.mark.parametrize("name", sorted(bundled_templates()))
def test_a_flat_canvas_draws_what_flattening_the_transparent_one_does(name: str) -> None:
    """Outputs are drawn on an RGB canvas when the background is opaque: pixel for pixel what the RGBA canvas
    gives once flattened for a JPEG."""
    from artpipe.imaging.encode import flatten
    from artpipe.run.tasks import template_assets

    t = load_template(bundled_templates()[name])
    photo = asset_of(product_photo((900, 700)))
    values = {"headline": "春季焕新 全场五折起", "price": "¥39.90", "badge": "限时", "shop": "MAISON 家居"}
    for size in t.size_names:
        images = {**template_assets(t), "product": photo, "logo": photo}
        layered = render(t, size, values, images).image
        flat = render(t, size, values, images, flat=True).image
        assert (layered.mode, flat.mode) == ("RGBA", "RGB")
        assert ImageChops.difference(flatten(layered, (255, 255, 255)), flat).getbbox() is None, size


def test_a_transparent_background_stays_transparent_when_flat(tmp_path: Path) -> None:
    t = text_template(tmp_path, "x")
    out = render(t, "wide", {"headline": "限时"}, {}, flat=True).image
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("size", ["wide", "mobile", "square"])
def test_promo_banner_draws_no_badge_unless_the_product_has_one(size: str) -> None:
    t = load_template(bundled_templates()["promo-banner"])
    values = {"headline": "Spring sale", "accent": "#00ff00"}
    badge = next(layer for layer in t.layers[size] if layer.name == "badge")
    r = resolve_box(badge.box, t.size(size).width, t.size(size).height)

    def green_in_badge(out: Image.Image) -> int:
        part = np.asarray(out.convert("RGB").crop((r.x, r.y, r.x + r.w, r.y + r.h)))
        return int((part == (0, 255, 0)).all(axis=-1).sum())

    assert green_in_badge(render(t, size, values, images_for(t, asset_of(product_photo()))).image) == 0
    with_badge = render(t, size, {**values, "badge": "-50%"}, images_for(t, asset_of(product_photo()))).image
    assert green_in_badge(with_badge) > 0.3 * r.w * r.h


def test_no_bundled_template_writes_words_the_job_did_not_ask_for() -> None:
    # a default word is in one language and is promotion (NEW, SALE, 立即领取, 关注店铺): on a Korean or Arabic
    # banner it is a stray word; a product that wants a badge or a button says its words
    worded = {(name, field.name, field.default) for name, path in bundled_templates().items()
              for field in load_template(path).fields.values() if field.type == "text" and field.default}
    assert worded == set()


@pytest.mark.parametrize("size", ["mobile", "pc"])
def test_coupon_strip_draws_no_claim_buttons_without_their_words(size: str) -> None:
    t = load_template(bundled_templates()["coupon-strip"])
    values = {"c1": "¥10", "c2": "¥30", "c3": "¥50", "accent": "#00ff00"}
    claims = [layer for layer in t.layers[size] if layer.name.startswith("claim")]

    def green_in_claims(out: Image.Image) -> list[int]:
        rects = [resolve_box(c.box, t.size(size).width, t.size(size).height) for c in claims]
        rgb = np.asarray(out.convert("RGB"))
        return [int(np.all(rgb[r.y:r.y + r.h, r.x:r.x + r.w] == (0, 255, 0), axis=-1).sum()) for r in rects]

    assert green_in_claims(render(t, size, values, {}).image) == [0, 0, 0]
    worded = green_in_claims(render(t, size, {**values, "claim": "Claim"}, {}).image)
    assert len(worded) == 3
    assert all(n > 0 for n in worded)
    only_one = green_in_claims(render(t, size, {"c1": "¥10", "claim": "Claim", "accent": "#00ff00"}, {}).image)
    assert only_one[0] > 0
    assert only_one[1:] == [0, 0]


def test_visible_if_a_list_wants_every_field(tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text("""\
name: v
sizes: {s: 40x40}
fields: {a: {type: text}, b: {type: text}}
background: "#ffffff"
layers:
  - {name: both, type: shape, fill: "#ff0000", visible_if: [a, b], box: {}}
""", encoding="utf-8")
    t = load_template(tmp_path / "v.yaml")
    assert render(t, "s", {"a": "x", "b": "y"}, {}).image.getpixel((20, 20))[:3] == (255, 0, 0)
    assert render(t, "s", {"a": "x"}, {}).image.getpixel((20, 20))[:3] == (255, 255, 255)
    assert render(t, "s", {"b": "y"}, {}).image.getpixel((20, 20))[:3] == (255, 255, 255)


def _soft_picture(size: tuple[int, int]) -> Image.Image:
    """An RGBA picture with every alpha level along a soft edge, as a cut-out has."""
    from PIL import ImageDraw, ImageFilter

    alpha = Image.new("L", size, 0)
    ImageDraw.Draw(alpha).ellipse((8, 8, size[0] - 8, size[1] - 8), fill=255)
    pic = Image.linear_gradient("L").resize(size).convert("RGB")
    pic = Image.merge("RGB", (pic.getchannel(0), pic.rotate(90).getchannel(0), Image.new("L", size, 90)))
    pic.putalpha(alpha.filter(ImageFilter.GaussianBlur(6)))
    return pic


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
@pytest.mark.parametrize("box", [(40, 30, 260, 230), (-20, -10, 180, 150), (200, 150, 360, 320)])
def test_a_plain_card_composites_as_the_card_drawn_as_an_image_would(mode: str, box: tuple[int, int, int, int]
                                                                     ) -> None:
    """A layer's plain matte card is filled in as its colour, then the picture on it: pixel for pixel what
    compositing the card drawn as an image with the picture on it gives, on an opaque or a transparent canvas,
    in or partly off the canvas."""
    from artpipe.layers.base import Card, Placed
    from artpipe.run.render import composite

    canvas = Image.linear_gradient("L").resize((320, 240)).convert(mode)
    if mode == "RGBA":
        canvas.putalpha(Image.linear_gradient("L").rotate(90).resize((320, 240)))
    pic = _soft_picture((120, 100))
    at = (box[0] + 30, box[1] + 20)
    filled = canvas.copy()
    composite(filled, Placed(pic, *at, card=Card(box, (250, 240, 10))))
    card = Image.new("RGBA", (box[2] - box[0], box[3] - box[1]), (250, 240, 10, 255))
    card.alpha_composite(pic, (30, 20))
    drawn = canvas.copy()
    composite(drawn, Placed(card, box[0], box[1]))
    assert filled.tobytes() == drawn.tobytes()
    corner = (max(box[0], 0) + 3, max(box[1], 0) + 3)  # in the card, outside the picture
    assert filled.getpixel(corner)[:3] == (250, 240, 10)


def test_a_product_on_a_plain_card_is_painted_without_an_image_of_the_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """A product layer on a plain white card hands the renderer the picture and the card's colour: no image
    the size of the box is made (16 MB at 2000 px), and the canvas is made once the picture is painted, so a
    photo's drawing never meets it."""
    import artpipe.run.render as render_module
    from artpipe.run import painted

    t = load_template(bundled_templates()["product-main"])
    photo = asset_of(product_photo((900, 600), backdrop=(255, 255, 255)))
    events: list[str] = []
    placed_seen = []
    real_paint, real_background = painted.paint, render_module._background

    def paint(layer: object, rect: object, scene: object) -> object:
        placed = real_paint(layer, rect, scene)  # type: ignore[arg-type]
        events.append("paint")
        placed_seen.append((placed, rect))
        return placed

    def background(scene: object, flat: bool) -> Image.Image:
        events.append("canvas")
        return real_background(scene, flat)  # type: ignore[arg-type]

    monkeypatch.setattr(painted, "paint", paint)
    monkeypatch.setattr(render_module, "_background", background)
    out = render(t, "square", {}, {"product": photo}, flat=True).image
    assert events[:2] == ["paint", "canvas"]
    (placed, rect), *_ = placed_seen
    assert placed.card is not None
    assert placed.card.box == (rect.x, rect.y, rect.x + rect.w, rect.y + rect.h)
    assert placed.image.width < rect.w  # the picture alone, not the card
    assert placed.image.height < rect.h
    assert out.getpixel((2, 2)) == (255, 255, 255)
