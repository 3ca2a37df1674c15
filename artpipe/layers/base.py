"""What every layer kind shares: the render scene, the painted result, and parsers for common values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from PIL import Image, ImageFilter

from artpipe.colors import RGBA, is_color, parse_color
from artpipe.defaults import Settings, TextSettings
from artpipe.errors import RenderError
from artpipe.imaging.gradient import linear_gradient, radial_gradient
from artpipe.imaging.normalize import Asset
from artpipe.reasons import Note
from artpipe.schema import Reader, single, suggest
from artpipe.template.fields import references, single_reference
from artpipe.template.model import Box, Field, Gradient, Length, Shadow, Size, Template
from artpipe.text import fonts
from artpipe.yamlsrc import YList

BOX_KEYS = ("left", "right", "width", "top", "bottom", "height", "aspect", "min_width", "max_width", "min_height",
            "max_height")
_EDGE_KEYS = BOX_KEYS[:6]
_LIMIT_KEYS = BOX_KEYS[7:]
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%|px)?\s*$")


@dataclass(frozen=True)
class Scene:
    """Everything a layer may draw from at one size: field values, decoded images, and the settings painting
    follows (given by whoever renders: a layer never reads them itself)."""

    template: Template
    size: Size
    values: dict[str, str]  # text and colour fields, defaults applied
    images: dict[str, Asset]  # image fields by name, template files by "file:<absolute path>"
    min_subject_px: int = 0  # a marketplace's minimum product size: product pictures grow to it where room allows
    cutout: str | None = None  # a marketplace slot's cutout (auto, model, never), over the layers' own
    shadow: str | None = None  # a marketplace slot's shadow for product pictures (none, contact), over the layers'
    lang: str | None = None  # the job's language for text (its glyph forms), under a layer's own
    system_fonts: tuple[str, ...] = ()  # font files of the system a workspace allows as a last fallback
    locale: str | None = None  # the market prices are written for (a CLDR locale), under a layer's own
    currency: str | None = None  # the currency of a bare price (ISO code or sign), under a layer's own
    settings: Settings = field(kw_only=True)  # text metrics, backdrop tolerance, enlargement limit ...


@dataclass(frozen=True)
class Card:
    """An opaque colour filling a box under a painted layer's image: a picture's plain matte card, composited
    as the colour it is rather than drawn as an image of the box's size (16 MB at 2000 px)."""

    box: tuple[int, int, int, int]  # left, top, right, bottom on the canvas
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Placed:
    """A painted layer: an RGBA image to composite at (x, y), plus warnings for the report; on a ``card``
    (filled first) when the layer has one of a plain colour."""

    image: Image.Image
    x: int
    y: int
    warnings: tuple[Note, ...] = ()
    upscale: float = 0.0  # how much a product photo was enlarged (0: no product photo drawn)
    fonts: tuple[str, ...] = ()  # the faces that drew a text layer
    card: Card | None = None


@dataclass
class LoadContext:
    """What a layer parser needs to know about its template while loading."""

    root: Path
    fields: dict[str, Field]
    assets: list[str] = field(default_factory=list)  # every file the template uses (shipped, digested)
    fonts: list[str] = field(default_factory=list)  # those of them that are fonts (never decoded as images)
    licensed: frozenset[str] = frozenset()  # font file names a workspace says are licensed ("*": every one)
    text: TextSettings = field(kw_only=True)  # the defaults a text style starts from (line height)


def parse_length(value: Any) -> Length | None:
    """``120``, ``"120px"``, ``"12.5%"`` -> Length; None when it is not a length."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Length(float(value))
    if isinstance(value, str):
        m = _LENGTH.match(value)
        if m:
            return Length(float(m.group(1)), m.group(2) == "%")
    return None


def read_length(reader: Reader, key: str, default: Length | None = None) -> Length | None:
    """A length key, recording a problem when it is not one."""
    if not reader.has(key):
        return default
    length = parse_length(reader.raw(key))
    if length is None:
        reader.problem(key, f"'{reader.raw(key)}' is not a length", "use pixels like 120 or a percentage like \"25%\"")
        return default
    return length


def read_box(reader: Reader) -> Box:
    """The ``box`` mapping: at most two lengths per axis."""
    box = reader.mapping("box")
    if box is None:
        return Box()
    box.check_keys(BOX_KEYS)
    values = {k: read_length(box, k) for k in _EDGE_KEYS}
    for axis in (("left", "right", "width"), ("top", "bottom", "height")):
        if all(values[k] is not None for k in axis):
            box.problem(None, f"{', '.join(axis)} are all given; an axis takes at most two",
                        f"drop one of {', '.join(axis)}")
    aspect = box.number("aspect", None, minimum=0.01, maximum=100)
    if aspect is not None and all(values[k] is not None for k in ("width", "height")):
        box.problem("aspect", "aspect needs width or height left out", "drop width or height")
    limits = {k: read_length(box, k) for k in _LIMIT_KEYS}
    return Box(**values, aspect=aspect, **limits)


def read_color(reader: Reader, key: str, ctx: LoadContext, default: str | None = None) -> str | None:
    """A colour or a ``$field`` of type color/text (checked when rendering)."""
    value: str | None = reader.text(key, default)
    if value is None or not reader.has(key):
        return value
    ref = single_reference(value)
    if ref is not None:
        if ref not in ctx.fields:
            reader.problem(key, f"unknown field ${ref}", _field_hint(ref, ctx))
        return value
    if not is_color(value):
        reader.problem(key, f"'{value}' is not a colour", "use #rrggbb, #rrggbbaa or a CSS name like white")
        return default
    return value


GRADIENT_KINDS = ("linear", "radial")


def read_gradient(g: Reader, ctx: LoadContext) -> Gradient:
    """``{colors: [...], angle, type: linear|radial}``."""
    g.check_keys(("colors", "angle", "type"), ("colors",))
    colors = g.sequence("colors") or YList(g.file, g.mark())
    parsed = []
    for i, value in enumerate(colors):
        item = Reader(single(g.node, f"colors[{i}]", value, colors.item_marks[i]), g.where, g.problems)
        parsed.append(read_color(item, f"colors[{i}]", ctx, "#ffffff") or "#ffffff")
    if len(colors) < 2:
        g.problem("colors", "a gradient needs at least two colours")
    return Gradient(tuple(parsed), g.number("angle", 0.0), g.choice("type", GRADIENT_KINDS, "linear"))


def check_refs(reader: Reader, key: str, text: str, ctx: LoadContext) -> None:
    """Every ``$field`` in ``text`` must be a declared field."""
    for ref in references(text):
        if ref not in ctx.fields:
            reader.problem(key, f"unknown field ${ref}", _field_hint(ref, ctx))


def _field_hint(ref: str, ctx: LoadContext) -> str:
    return suggest(ref, ctx.fields) or (f"declare it under fields (known: {', '.join(ctx.fields)})"
                                        if ctx.fields else "declare it under fields")


def read_asset(reader: Reader, key: str, ctx: LoadContext, *, font: bool = False) -> str | None:
    """A file named relative to its template, which must stay inside that template's folder (no absolute
    path, no .., no link escaping it); returned as an absolute path. ``font``: it is a font, not an image."""
    value: str | None = reader.text(key, None)
    if value is None:
        return None
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (value[1:3] == ":/" or value[1:3] == ":\\"):
        reader.problem(key, f"'{value}' must be a path inside the template's folder",
                  "no absolute paths and no '..'; copy the file next to the template")
        return None
    # The folder of the file that wrote this value: a parent template's files live beside the parent.
    folder = (reader.node.value_folders.get(key) or reader.node.folder or ctx.root).resolve()
    path = (folder / pure).resolve()
    if not path.is_relative_to(folder):
        reader.problem(key, f"'{value}' leads outside the template's folder (a link?)", "copy the file instead")
        return None
    if not path.is_file():
        reader.problem(key, f"file '{value}' not found next to the template")
        return None
    if font and fonts.licence_of(path) is None and not ({path.name, "*"} & ctx.licensed):
        reader.problem(key, f"font '{value}' has no licence artpipe can find",
                       "put its licence file beside it (OFL.txt, LICENSE.txt), or, when the agency holds a licence, "
                       "list it under licensed_fonts in artpipe.yaml or the job")
        return None
    if str(path) not in ctx.assets:
        ctx.assets.append(str(path))
    if font and str(path) not in ctx.fonts:
        ctx.fonts.append(str(path))
    return str(path)


def read_shadow(reader: Reader, key: str, ctx: LoadContext, *, contact: bool = False) -> Shadow | None:
    """``shadow: true`` for the default soft shadow, a mapping of dx, dy, blur, color, or ``none``; with
    ``contact`` (pictures) also ``contact``: a contact shadow drawn from the picture's own outline."""
    raw = reader.raw(key)
    if raw is None or raw is False:
        return None
    if raw is True:
        return Shadow()
    if isinstance(raw, str):
        mode = reader.choice(key, ("none", "contact") if contact else ("none",), "none")
        return Shadow(kind="contact") if mode == "contact" else None
    s = reader.mapping(key)
    if s is None:
        return None
    s.check_keys(("dx", "dy", "blur", "color"))
    return Shadow(
        dx=s.number("dx", 0, integer=True), dy=s.number("dy", 8, integer=True),
        blur=s.number("blur", 16, minimum=0, maximum=200, integer=True),
        color=read_color(s, "color", ctx, "#00000055") or "#00000055")


def gradient_fill(gradient: Gradient, w: int, h: int, scene: Scene, origin: str) -> Image.Image:
    """The gradient drawn at w x h, its ``$field`` colours resolved."""
    colors = [resolve_color(c, scene, origin) for c in gradient.colors]
    if gradient.kind == "radial":
        return radial_gradient(w, h, colors)
    return linear_gradient(w, h, colors, gradient.angle)


def resolve_color(value: str, scene: Scene, origin: str) -> RGBA:
    """A colour value with ``$field`` references resolved; a bad field value is a render error."""
    ref = single_reference(value)
    text = scene.values.get(ref, "") if ref else value
    try:
        return parse_color(text)
    except ValueError as exc:
        raise RenderError(origin, f"field ${ref}: {exc}" if ref else str(exc)) from None


def with_opacity(im: Image.Image, opacity: float) -> Image.Image:
    """Scale an RGBA image's alpha by ``opacity`` (0-1)."""
    if opacity >= 1:
        return im
    alpha = im.getchannel("A").point(lambda a: round(a * opacity))
    out = im.copy()
    out.putalpha(alpha)
    return out


def drop_shadow(im: Image.Image, shadow: Shadow, color: RGBA) -> tuple[Image.Image, int, int]:
    """An RGBA image of ``im``'s shadow under ``im``; returns (image, dx, dy) of its top-left vs ``im``."""
    pad = shadow.blur * 2 + max(abs(shadow.dx), abs(shadow.dy))
    w, h = im.size
    canvas = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
    alpha = Image.new("L", canvas.size, 0)
    src_alpha = im.getchannel("A").point(lambda a: a * color[3] // 255)
    alpha.paste(src_alpha, (pad + shadow.dx, pad + shadow.dy))
    if shadow.blur:
        alpha = alpha.filter(ImageFilter.GaussianBlur(shadow.blur / 2))
    shade = Image.new("RGBA", canvas.size, (*color[:3], 0))
    shade.putalpha(alpha)
    canvas = Image.alpha_composite(canvas, shade)
    canvas.alpha_composite(im, (pad, pad))
    return canvas, -pad, -pad
