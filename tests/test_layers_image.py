"""The image layer's painting as a visible list of steps (``PAINT`` in artpipe/layers/image.py): the order is
pinned, a step that does not apply returns its input, the steps use the settings handed to them, and running
them one by one is what ``paint`` draws."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from artpipe.defaults import settings
from artpipe.errors import ConfigError
from artpipe.imaging.analyze import find_subject
from artpipe.imaging.normalize import Asset
from artpipe.layers import Scene
from artpipe.layers import image as image_layer
from artpipe.layers.image import (
    PAINT,
    Drawing,
    ImageLayer,
    cast_shadow,
    clean_before_cover,
    clean_fitted,
    cut_shape,
    fade,
    fit_box,
    frame_window,
    make_room,
    measure_upscale,
    paint,
    parse_focus,
    put_on_card,
    reduce_photo,
    show_picture,
)
from artpipe.layers.template import load_template
from artpipe.reasons import WarningKind
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template


def _template(tmp_path: Path, layer: str) -> Template:
    (tmp_path / "t.yaml").write_text(f"""\
name: t
sizes: {{s: 300x200}}
fields: {{product: {{type: image, required: true}}}}
background: "#ffffff"
layers:
  - {{name: p, type: image, source: $product, role: product, {layer},
     box: {{left: 20, top: 10, width: 260, height: 180}}}}
""", encoding="utf-8")
    return load_template(tmp_path / "t.yaml")


def _photo() -> Asset:
    """A red block on a light grey backdrop, 120 x 80."""
    im = Image.new("RGB", (120, 80), (240, 240, 240))
    im.paste((200, 30, 30), (40, 20, 80, 60))
    subject, backdrop = find_subject(im, rules=settings().analyze)
    return Asset(im, "photo", "PNG", im.size, subject, backdrop)


def _drawing(t: Template, upscale_warn: float | None = None) -> Drawing:
    layer = t.layers["s"][0]
    assert isinstance(layer, ImageLayer)
    size = t.size("s")
    scene = Scene(t, size, {}, {"product": _photo()}, settings=settings())
    config = settings()
    return Drawing(layer, resolve_box(layer.box, size.width, size.height), scene, _photo(),
                   config.analyze.backdrop_tolerance, config.analyze.whiten_min,
                   config.image.upscale_warn if upscale_warn is None else upscale_warn)


def test_the_order_of_an_image_layers_steps_is_pinned() -> None:
    assert PAINT == (show_picture, frame_window, make_room, reduce_photo, clean_before_cover, fit_box, clean_fitted,
                     measure_upscale, put_on_card, cut_shape, fade, cast_shadow)


def test_steps_that_do_not_apply_return_their_input(tmp_path: Path) -> None:
    d = _drawing(_template(tmp_path, "fit: contain"))
    for step in PAINT[:4]:
        d = step(d)
    assert clean_before_cover(d) is d  # not whitened, not cover
    d = fit_box(d)
    assert clean_fitted(d) is d
    d = put_on_card(measure_upscale(d))
    assert cut_shape(d) is d  # no mask
    assert cast_shadow(d) is d  # no shadow


def test_the_steps_one_by_one_draw_what_paint_draws(tmp_path: Path) -> None:
    t = _template(tmp_path, "fit: contain, trim: true, padding: 0.1, matte: '#203040', mask: circle, "
                            "shadow: {blur: 4, dx: 3, dy: 5}")
    d = _drawing(t)
    for step in PAINT:
        d = step(d)
    layer = t.layers["s"][0]
    placed = paint(layer, d.rect, d.scene)  # type: ignore[arg-type]
    assert placed is not None
    assert (placed.x, placed.y) == (d.rect.x + d.x, d.rect.y + d.y)
    assert ImageChops.difference(placed.image, d.drawn).getbbox() is None
    assert d.window == (36, 16, 84, 64)  # the red block and 10 % of padding, in the photo's pixels
    assert d.out is not None
    assert d.out.getpixel((d.rect.w // 2 + 3 - d.x, d.rect.h // 2 + 5 - d.y))[:3] == (200, 30, 30)


def test_the_enlargement_warning_uses_the_limit_it_is_given(tmp_path: Path) -> None:
    t = _template(tmp_path, "fit: contain, trim: true")
    lenient, strict = _drawing(t, upscale_warn=10.0), _drawing(t, upscale_warn=1.5)
    for step in PAINT:
        lenient, strict = step(lenient), step(strict)
    assert round(lenient.factor, 2) == round(strict.factor, 2) == 4.5  # a 40 px block drawn 180 px high
    assert lenient.notes == ()
    assert [n.kind for n in strict.notes] == [WarningKind.UPSCALED]
    assert replace(strict, notes=()).drawn is strict.drawn


@pytest.mark.parametrize(("text", "point"), [("0.5,0.3", (0.5, 0.3)), ("50%, 30%", (0.5, 0.3)), ("2,0", None),
                                             ("x", None), ("", None)])
def test_parse_focus(text: str, point: tuple[float, float] | None) -> None:
    assert parse_focus(text) == point


@pytest.mark.parametrize(("keys", "says"), [
    ("source: $headline", "source: field $headline is a text field, not an image"),
    ("source: $photo", "source: unknown field $photo (declare it under fields with type: image)"),
    ("source: $product, mask: star", "mask: 'star' is not one of none, rounded, circle"),
    ("source: $product, focus: '0.5,0.3'", "focus: '0.5,0.3' must be a $field of type text holding x,y"),
    ("source: $product, cutout: always", "cutout: 'always' is not one of"),
    ("source: $product, padding: 2", "padding: "),
    ("source: $product, matte: sky", "matte: 'sky' is not a colour"),
])
def test_a_mistake_in_an_image_layer_is_one_line_at_its_key(tmp_path: Path, keys: str, says: str) -> None:
    (tmp_path / "e.yaml").write_text("name: e\nsizes: {s: 10x10}\nfields: {product: {type: image}, headline: "
                                     f"{{type: text}}}}\nlayers:\n  - {{name: p, type: image, {keys}}}\n",
                                     encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_template(tmp_path / "e.yaml", display="e.yaml")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith("e.yaml:5:")
    assert f"layers[0] (p).{says}" in problem


def test_matte_auto_and_a_focus_field_are_read(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("name: f\nsizes: {s: 10x10}\nfields: {product: {type: image}, focus: {type: text}}\n"
                    "layers:\n  - {name: p, type: image, source: $product, matte: auto, focus: $focus}\n",
                    encoding="utf-8")
    [layer] = load_template(path).layers["s"]
    assert isinstance(layer, ImageLayer)
    assert (layer.matte, layer.focus, layer.source) == ("auto", "focus", "$product")


@pytest.mark.parametrize("at", [(0, 0), (37, 211), (300, 500)])
def test_a_picture_composited_in_strips_is_what_one_composite_gives(at: tuple[int, int]) -> None:
    """A cut-out goes onto its card a strip of rows at a time (less memory at once): every pixel must be what
    Pillow's one alpha_composite gives, wherever the picture sits, running off the card included."""
    pic = Image.merge("RGBA", [Image.effect_noise((300, 700), 90).point(lambda v, k=k: (v * k) % 256)
                               for k in (1, 3, 5, 7)])
    card = Image.new("RGBA", (400, 900), (250, 248, 240, 255))
    whole, strips = card.copy(), card.copy()
    whole.alpha_composite(pic, at)
    image_layer._composite_in_strips(strips, pic, at)
    assert strips.tobytes() == whole.tobytes()
    assert strips.tobytes() != card.tobytes()  # something was drawn


def _visible_on_the_whole_analysis_copy(asset: Asset, tolerance: int) -> tuple[int, int, int, int] | None:
    """What _cutout_subject measures, made on the whole analysis copy rather than the mask's part of it."""
    from artpipe.imaging.analyze import scale_box, visible_box
    from artpipe.imaging.matting import cut_out_at, edge_colours, work_copy

    assert asset.mask is not None
    small = work_copy(asset.image)
    cut = cut_out_at(small, asset.mask, (0, 0, *small.size), small.size, edge_colours(small, asset.mask))
    box = visible_box(image_layer._white_cutout(cut, small.width / asset.image.width, tolerance), None, tolerance)
    w, h = asset.image.size
    return scale_box(box, w / small.width, h / small.height, w, h) if box else None


@pytest.mark.parametrize("seed", range(6))
def test_a_cutouts_visible_box_made_on_the_masks_part_is_the_whole_copys(seed: int) -> None:
    """The cut-out measured on the mask's box and a margin (its edge repainted, its faint pixels cleared) shows
    what the whole analysis copy shows: a hard- or soft-edged product with a faint shadow beside it, anywhere in
    the frame, against its edge too."""
    import numpy as np
    from PIL import ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    photo = Image.fromarray(rng.integers(0, 256, (600, 800, 3), dtype=np.uint8)).filter(ImageFilter.BoxBlur(2))
    mask = Image.new("L", (800, 600), 0)
    draw = ImageDraw.Draw(mask)
    x0, y0 = int(rng.integers(-60, 600)), int(rng.integers(-60, 400))
    draw.ellipse((x0, y0, x0 + int(rng.integers(40, 300)), y0 + int(rng.integers(40, 300))), fill=255)
    draw.rectangle((x0 - 30, y0 + 10, x0, y0 + 40), fill=40)  # a faint shadow, cleared on white
    if seed % 2:  # a soft edge; a hard one (a merchant-like mask) is repainted right up to its box
        mask = mask.filter(ImageFilter.GaussianBlur(2))
    asset = Asset(photo, "photo", "JPEG", photo.size, (0, 0, 800, 600), None, mask=mask, isolation="model")
    expected = _visible_on_the_whole_analysis_copy(asset, 28)
    assert expected is not None
    assert image_layer._cutout_subject(asset, 28) == expected
