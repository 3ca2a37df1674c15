"""render(template, size, values, images) -> RGBA image: background, then each layer in order. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from PIL import Image

from artpipe.defaults import Settings, settings
from artpipe.errors import RenderError
from artpipe.imaging.normalize import Asset
from artpipe.imaging.place import fitted
from artpipe.layers import Placed, Scene
from artpipe.layers.base import gradient_fill, resolve_color
from artpipe.reasons import Note, WarningKind
from artpipe.run import painted
from artpipe.template.layout import resolve_box
from artpipe.template.model import Layer, Size, Template


@dataclass(frozen=True)
class Rendered:
    """A finished canvas (RGBA; RGB when rendered ``flat`` on an opaque background) and the warnings its layers
    raised."""

    image: Image.Image
    warnings: tuple[Note, ...] = ()
    upscale: float = 0.0  # the most a product photo was enlarged (0: none drawn)
    fonts: tuple[tuple[str, str], ...] = ()  # (text layer, face) for every face that drew text


def field_values(template: Template, supplied: Mapping[str, str]) -> dict[str, str]:
    """Text and colour values with the template's defaults filled in."""
    values = {name: f.default for name, f in template.fields.items() if f.default is not None and f.type != "image"}
    values.update({k: v for k, v in supplied.items() if v != ""})
    return values


def _background(scene: Scene, flat: bool) -> Image.Image:
    """The canvas: RGBA; with ``flat``, RGB when the background is opaque (nothing drawn on it can make it
    transparent again, and the file written from it then has no alpha to flatten)."""
    bg = scene.template.background
    w, h = scene.size.width, scene.size.height
    origin = str(scene.template.path)
    if bg.gradient is not None:
        canvas = gradient_fill(bg.gradient, w, h, scene, origin)
    elif bg.image is not None:
        asset = scene.images[f"file:{bg.image}"]
        canvas = fitted(asset.image, w, h, bg.fit, (0.5, 0.5))
    else:
        color = resolve_color(bg.color or "#ffffff", scene, origin)
        opaque = flat and color[3] == 255
        return Image.new("RGB" if opaque else "RGBA", (w, h), color[:3] if opaque else color)
    if not flat:
        return canvas.convert("RGBA")
    if canvas.mode == "RGBA" and canvas.getchannel("A").getextrema()[0] == 255:
        return canvas.convert("RGB")
    return canvas if canvas.mode in ("RGB", "RGBA") else canvas.convert("RGBA")


def slot_layers(template: Template, size_name: str, scene: Scene, drop_roles: tuple[str, ...] = (),
                refuse_roles: tuple[str, ...] = (), image_fields: Mapping[str, object] | None = None,
                ) -> Iterator[tuple[Layer, str]]:
    """The layers ``size_name`` shows on ``scene``'s canvas, in order, each with what the slot does with it:
    ``draw``, ``drop`` (a role the slot leaves out) or ``refuse`` (a role it will not have). Rendering and the
    test-fit before rendering both go through here."""
    for layer in template.layers[size_name]:
        if visible(layer, scene, image_fields):
            yield layer, "refuse" if layer.role in refuse_roles else "drop" if layer.role in drop_roles else "draw"


def refusal(layer: Layer, size: Size) -> str:
    """Why a slot refuses a layer, and what to do."""
    return (f"layer '{layer.name}' is a {layer.role} overlay, which {size.name} does not allow; use a template "
            "without it, or let the preset drop it (no_overlays: {action: drop})")


def visible(layer: Layer, scene: Scene, image_fields: Mapping[str, object] | None = None) -> bool:
    """Whether ``visible_if`` allows the layer here (``image_fields``: the images given, when not loaded)."""
    rule = layer.visible_if
    if rule is None:
        return True
    w, h = scene.size.width, scene.size.height
    if rule.sizes and scene.size.name not in rule.sizes:
        return False
    if w < rule.min_width or h < rule.min_height:
        return False
    if (rule.max_width is not None and w > rule.max_width) or (rule.max_height is not None and h > rule.max_height):
        return False
    images = scene.images if image_fields is None else image_fields
    return all(bool(scene.values.get(f, "").strip()) or f in images for f in rule.fields)


def composite(canvas: Image.Image, placed: Placed) -> None:
    """Alpha-composite a painted layer onto the canvas in place, clipping whatever falls off the edges. On an
    opaque (RGB) canvas that is the layer pasted through its own alpha: the same blend. A layer's card (an
    opaque colour) is filled in first: what compositing the card with the image on it would give."""
    if placed.card is not None:
        (left, top, right, bottom), color = placed.card.box, placed.card.color
        box = (max(0, left), max(0, top), min(canvas.width, right), min(canvas.height, bottom))
        if box[2] > box[0] and box[3] > box[1]:
            canvas.paste(color if canvas.mode == "RGB" else (*color, 255), box)
    x, y, im = placed.x, placed.y, placed.image
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(im.width, canvas.width - x), min(im.height, canvas.height - y)
    if right <= left or bottom <= top:
        return
    if canvas.mode == "RGBA":
        canvas.alpha_composite(im, (x + left, y + top), (left, top, right, bottom))
        return
    part = im if (left, top, right, bottom) == (0, 0, *im.size) else im.crop((left, top, right, bottom))
    canvas.paste(part, (x + left, y + top), part if part.mode in ("RGBA", "LA") else None)


def render(template: Template, size_name: str, values: Mapping[str, str], images: Mapping[str, Asset], *,
           canvas: Size | None = None, drop_roles: tuple[str, ...] = (),
           refuse_roles: tuple[str, ...] = (), min_subject_px: int = 0, cutout: str | None = None,
           shadow: str | None = None, lang: str | None = None, system_fonts: tuple[str, ...] = (), flat: bool = False,
           locale: str | None = None, currency: str | None = None, rules: Settings | None = None) -> Rendered:
    """Compose ``template`` at size ``size_name``; RenderError when a layer cannot be drawn.

    ``canvas``: draw the layers of ``size_name`` on a canvas of another size (a marketplace preset's); the
    boxes are resolved against it. ``drop_roles``: leave out layers of these roles (a slot that forbids
    promotional overlays); ``refuse_roles``: a RenderError when a visible layer has one of these roles.
    ``lang``: the text's language where a layer does not say; ``system_fonts``: font files tried last.
    ``locale``, ``currency``: the market a bare price is written for, over the price layers' own.
    ``shadow``: none or contact: the shadow of product pictures, over the layers' own (a marketplace slot's).
    ``flat``: the canvas is only written to a file: an opaque one is drawn in RGB (see ``_background``).
    ``rules``: the settings the layers paint with (text metrics, backdrop tolerance ...); the bundled ones when
    not given. The layers never read settings themselves, so a caller may pass others.
    """
    size = canvas or template.size(size_name)
    scene = Scene(template, size, field_values(template, values), dict(images), min_subject_px, cutout, shadow,
                  lang, system_fonts, locale, currency, settings=rules or settings())
    out: Image.Image | None = None  # made when the first layer is composited (see below)
    warnings: list[Note] = []
    used: list[tuple[str, str]] = []
    upscale = 0.0
    for layer, action in slot_layers(template, size_name, scene, drop_roles, refuse_roles):
        if action == "refuse":
            raise RenderError(layer.origin, refusal(layer, size))
        if action == "drop":
            warnings.append(Note(WarningKind.DROPPED, f"{layer.name}@{size.name}"))
            continue
        rect = resolve_box(layer.box, size.width, size.height)
        placed = painted.paint(layer, rect, scene)
        if placed is not None:
            # The canvas is made once the first layer is painted: a product photo's drawing (the photo's window
            # resized, its cut-out; 20 MB at 2000 px) then never coexists with it (16 MB at 2000 px).
            out = out if out is not None else _background(scene, flat)
            composite(out, placed)
            warnings.extend(placed.warnings)
            used.extend((layer.name, f) for f in placed.fonts)
            if layer.role == "product":
                upscale = max(upscale, placed.upscale)
    return Rendered(out if out is not None else _background(scene, flat), tuple(warnings), upscale, tuple(used))
