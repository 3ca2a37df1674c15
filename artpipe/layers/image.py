"""Image layers: a product photo (``$field``) or a template file, fitted into its box by the steps

    PAINT = (show_picture, frame_window, make_room, reduce_photo, clean_before_cover, fit_box, clean_fitted,
             measure_upscale, put_on_card, cut_shape, fade, cast_shadow)

each taking and returning a ``Drawing`` (and returning its input when it does not apply).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from PIL import Image, ImageChops

from artpipe.colors import RGBA
from artpipe.errors import RenderError
from artpipe.imaging.analyze import scale_box, visible_box
from artpipe.imaging.backdrop import apply_white, clear_faint, clear_faint_in_place, photo_region
from artpipe.imaging.cutouts import MODES, Cutout
from artpipe.imaging.derived import derived
from artpipe.imaging.matting import cut_out_at, edge_colours, work_copy
from artpipe.imaging.normalize import Asset
from artpipe.imaging.place import (
    cover_subject,
    ellipse_mask,
    extend_edges,
    fitted,
    matte_from_photo,
    rounded_mask,
    subject_window,
)
from artpipe.imaging.shadow import contact_shadow
from artpipe.imaging.tiles import grown_box
from artpipe.layers.base import (
    Card,
    LoadContext,
    Placed,
    Scene,
    drop_shadow,
    read_asset,
    read_color,
    read_length,
    read_shadow,
    resolve_color,
    with_opacity,
)
from artpipe.reasons import Note, WarningKind
from artpipe.schema import Reader
from artpipe.template.fields import single_reference
from artpipe.template.layout import anchor_offset, fit_size
from artpipe.template.model import ANCHORS, FITS, Layer, Length, Rect, Shadow

KEYS = ("source", "fit", "anchor", "shadow", "trim", "padding", "matte", "radius", "inset", "mask", "focus",
        "whiten", "cutout")
CUTOUTS = MODES  # use the product's cut-out when one was made / always make one / the photo (the older name)
MASKS = ("none", "rounded", "circle")


@dataclass(frozen=True, kw_only=True)
class ImageLayer(Layer):
    """A picture in a box."""

    source: str  # "$field" or "file:<absolute path of a template file>"
    fit: str = "contain"
    anchor: str = "center"
    shadow: Shadow | None = None
    trim: bool = False  # crop to the subject box found by normalization before fitting
    padding: float = 0.0  # fraction of the subject size kept around it when trimming
    matte: str | None = None  # "auto" (the photo's own backdrop, white for cut-outs) or a colour: a card
    radius: Length = Length(0)  # corner radius of the matte card
    inset: Length = Length(0)  # space between the matte card's edge and the picture
    mask: str = "none"  # cut the picture (or its card) to a rounded rectangle (radius) or an ellipse
    focus: str | None = None  # "$field" holding "x,y" (fractions or percentages): where cover centres
    whiten: bool = False  # clean a light plain backdrop to pure white (marketplace main images)
    cutout: str = Cutout.AUTO  # auto: the product alone where isolated; model: always isolate it; never: the photo
    field_name: str | None = field(init=False, repr=False, compare=False)  # the field ``source`` names, if any

    def __post_init__(self) -> None:
        # ``source`` is parsed here, once: everything that asks which picture a layer draws reads field_name
        object.__setattr__(self, "field_name", single_reference(self.source))


def parse(reader: Reader, common: dict[str, object], ctx: LoadContext) -> ImageLayer:
    """Read an image layer's own keys."""
    raw = reader.text("source")
    source = ""
    if isinstance(raw, str):
        ref = single_reference(raw)
        if ref is not None:
            if ref not in ctx.fields:
                reader.problem("source", f"unknown field ${ref}", "declare it under fields with type: image")
            elif ctx.fields[ref].type in ("text", "color"):
                reader.problem("source", f"field ${ref} is a {ctx.fields[ref].type} field, not an image")
            source = f"${ref}"
        else:
            asset = read_asset(reader, "source", ctx)
            source = f"file:{asset}" if asset else ""
    return ImageLayer(
        **common,  # type: ignore[arg-type]
        source=source,
        fit=reader.choice("fit", FITS, "contain"),
        anchor=reader.choice("anchor", ANCHORS, "center"),
        shadow=read_shadow(reader, "shadow", ctx, contact=True),
        trim=reader.flag("trim", False),
        padding=reader.number("padding", 0.0, minimum=0, maximum=1),
        matte=_matte(reader, ctx),
        radius=read_length(reader, "radius", Length(0)) or Length(0),
        inset=read_length(reader, "inset", Length(0)) or Length(0),
        mask=reader.choice("mask", MASKS, "none"),
        focus=_focus_field(reader, ctx),
        whiten=reader.flag("whiten", False),
        cutout=reader.choice("cutout", MODES, Cutout.AUTO),
    )


def _whitened(layer: ImageLayer, asset: Asset, whiten_min: int) -> bool:
    """Whether this layer cleans this photo's backdrop to white (only a light, plain one, at least
    ``whiten_min`` in every channel, can be)."""
    return (layer.whiten and asset.backdrop is not None and asset.image.mode == "RGB"
            and min(asset.backdrop) >= whiten_min)


def _focus_field(reader: Reader, ctx: LoadContext) -> str | None:
    raw = reader.text("focus", None)
    if raw is None:
        return None
    ref = single_reference(raw)
    if ref is None or ref not in ctx.fields or ctx.fields[ref].type != "text":
        reader.problem("focus", f"'{raw}' must be a $field of type text holding x,y", "e.g. focus: $focus with 0.5,0.3")
        return None
    return ref


def parse_focus(text: str) -> tuple[float, float] | None:
    """``"0.5,0.3"`` or ``"50%,30%"`` -> (0.5, 0.3); None when empty or not a point inside the picture."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        return None
    try:
        x, y = (float(p[:-1]) / 100 if p.endswith("%") else float(p) for p in parts)
    except ValueError:
        return None
    return (x, y) if 0 <= x <= 1 and 0 <= y <= 1 else None


def _matte(reader: Reader, ctx: LoadContext) -> str | None:
    if reader.raw("matte") == "auto":
        return "auto"
    return read_color(reader, "matte", ctx) if reader.has("matte") else None


def _asset(layer: ImageLayer, scene: Scene) -> Asset | None:
    asset = scene.images.get(layer.field_name or layer.source)
    if asset is None and layer.field_name is None:
        raise RenderError(layer.origin, f"template file {layer.source[5:]} was not loaded")
    return asset  # None: an optional image field left empty, nothing to draw


_MAX_LEVEL = 8


def _chained_fit(photo: Image.Image, window: tuple[int, int, int, int], im: Image.Image, w: int, h: int,
                 ) -> Image.Image:
    """``im`` (``window`` of ``photo``) fitted inside a ``w`` x ``h`` box, from the smallest earlier fit of the same
    window that is at least as large when there is one: a resize chain, the largest fit first, as the outputs of
    a product are drawn. Only reductions are kept as sources (a fit from an enlargement would be soft)."""
    size = fit_size(im.width, im.height, w, h, "contain")
    fits: dict[tuple[int, int], Image.Image] = derived(photo, f"fits:{window}:{im.mode}", dict)
    if size in fits:
        return fits[size]
    larger = [f for f in fits.values() if f.width >= size[0] and f.height >= size[1]]
    start = min(larger, key=lambda f: f.width * f.height) if larger else im
    pic = start if start.size == size else start.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if size[0] <= im.width and size[1] <= im.height:
        fits[size] = pic
    return pic


def _shown(layer: ImageLayer, asset: Asset, forced: str | None, tolerance: int) -> tuple[Asset, bool]:
    """The picture this layer draws: the product alone (an RGBA cut-out) when the photo's product was isolated
    by the model and the layer (or ``forced``, a marketplace slot's own cutout) does not ask for the photo; on a
    white-background layer a cut-out's faint pixels (its own grey floor, a soft shadow) are cleared, so what
    remains is what a check sees. With it, whether the cut-out is made at the size it is drawn (``_cutout_fit``):
    the asset returned is then still the photo, with its mask, and its subject is the cut-out's."""
    cut = asset.mask is not None and (forced or layer.cutout) != Cutout.NEVER and layer.field_name is not None
    if not cut and not (layer.whiten and asset.image.mode == "RGBA"):
        return asset, False
    if cut and layer.fit == "contain":  # every fit but contain (cover, fill) draws from a full-size cut-out
        subject = _cutout_subject(asset, tolerance) if layer.whiten else None
        return replace(asset, subject=subject or asset.subject, backdrop=None), True
    what = f"cutout{'-white' if layer.whiten else ''}{'' if cut else '-alpha'}"

    def make() -> Image.Image:
        if not layer.whiten:
            return derived(asset.image, "cutout", asset.cutout) if cut else asset.image
        if not cut:
            return clear_faint(asset.image, tolerance)
        fresh = asset.cutout()  # this picture's own: its faint pixels are cleared in place, not in a copy
        clear_faint_in_place(fresh, tolerance)
        return fresh

    image = derived(asset.image, what, make) if layer.whiten or not cut else \
        derived(asset.image, "cutout", asset.cutout)  # made once per photo, whatever the outputs
    # On white, a cut-out (the model's or a merchant's) is measured as it will show: clearing its faint and
    # see-through pixels (a shadow it carried) may have moved its edges from where the mask had them.
    subject = derived(image, "visible", lambda: visible_box(image, None, tolerance)) if layer.whiten else None
    return replace(asset, image=image, subject=subject or asset.subject, backdrop=None, mask=None), False


def _white_cutout(pic: Image.Image, scale: float, tolerance: int) -> Image.Image:
    """A fresh cut-out ``pic``, drawn at ``scale`` times its photo's size, with its faint pixels cleared in place
    (see _shown) as they would be at the photo's size: a reduced cut-out's soft edge reaches 3 photo pixels,
    not 3 of its own (an enlarged one keeps 3 of its own, closest to what the photo's size gave, by eye), and
    never less than its own anti-aliased outline (2 px, which clear_faint_in_place keeps). ``tolerance``: how near
    white a faint pixel is (the backdrop tolerance)."""
    clear_faint_in_place(pic, *_faint(scale, tolerance))
    return pic


def _faint(scale: float, tolerance: int) -> tuple[int, int]:
    """(tolerance, reach): how a cut-out drawn at ``scale`` times its photo's size has its faint pixels cleared
    (see _white_cutout)."""
    return tolerance, max(2, round(3 * min(1.0, scale)))


def _colours(asset: Asset) -> Image.Image:
    """The product's colours near its edges (matting.edge_colours), once per photo."""
    assert asset.mask is not None
    mask = asset.mask
    return derived(asset.image, "edge-colours", lambda: edge_colours(work_copy(asset.image), mask))


def _cutout_subject(asset: Asset, tolerance: int) -> tuple[int, int, int, int] | None:
    """The box of what a model's cut-out shows on white, its faint pixels cleared, measured on the analysis copy
    (as a check measures a finished file, at up to 1024 px) in the photo's pixels."""
    assert asset.mask is not None
    mask, photo = asset.mask, asset.image

    def measure() -> tuple[int, int, int, int] | None:
        small = work_copy(photo)
        part = _around_product(mask, small.size)
        if part is None:
            return None
        size = (part[2] - part[0], part[3] - part[1])
        pic = cut_out_at(small, mask, part, size, _colours(asset), faint=_faint(small.width / photo.width, tolerance))
        found = visible_box(pic, None, tolerance)
        if found is None:
            return None
        box = (found[0] + part[0], found[1] + part[1], found[2] + part[0], found[3] + part[1])
        return scale_box(box, photo.width / small.width, photo.height / small.height, *photo.size)

    return derived(photo, "cutout-visible", measure)


_AROUND_PX = 16  # further than the cut-out's edge repaint (3 px) and its faint clearing (7 px) look (the box found
# does not depend on it: a part cut at the mask's very box gave the same on the tests' masks; this is to spare)


def _around_product(mask: Image.Image, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The part of a picture of ``size`` a cut-out with ``mask`` must be made on to show all it shows: the
    mask's box and ``_AROUND_PX`` around it when the mask has the picture's size (beyond, the cut-out is clear
    and its steps see only clear pixels, so the part gives what the whole would, at scale 1 each pixel as it
    is), the whole picture otherwise; None when the mask hides everything."""
    if mask.size != size:
        return (0, 0, *size) if mask.getbbox() else None
    found = mask.getbbox()
    return grown_box(found, _AROUND_PX, size) if found else None


def _cutout_fit(asset: Asset, window: tuple[int, int, int, int], w: int, h: int, white: bool, tolerance: int
                ) -> Image.Image:
    """The model's cut-out of ``window`` of the photo fitted inside a ``w`` x ``h`` box, made at that size
    (matting.cut_out_at; on a white layer its faint pixels cleared): from the smallest earlier fit of the same
    window that is at least as large when there is one, as ``_chained_fit`` does."""
    assert asset.mask is not None
    size = fit_size(window[2] - window[0], window[3] - window[1], w, h, "contain")
    fits: dict[tuple[int, int], Image.Image] = derived(asset.image, f"cutout-fits:{window}:{white}", dict)
    if size in fits:
        return fits[size]
    larger = [f for f in fits.values() if f.width >= size[0] and f.height >= size[1]]
    if larger:
        start = min(larger, key=lambda f: f.width * f.height)
        pic = start if start.size == size else start.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    else:
        pic = cut_out_at(asset.image, asset.mask, window, size, _colours(asset),
                         faint=_faint(size[0] / (window[2] - window[0]), tolerance) if white else None)
    if size[0] <= window[2] - window[0] and size[1] <= window[3] - window[1]:
        fits[size] = pic
    return pic


def _region(asset: Asset, tolerance: int) -> Image.Image:
    """The photo's backdrop (connected to its edge), once per photo."""
    backdrop = asset.backdrop
    assert backdrop is not None
    return photo_region(asset.image, backdrop, tolerance)


def _reduced(image: Image.Image, window: tuple[int, int, int, int], w: int, h: int,
           ) -> tuple[Image.Image, tuple[int, int, int, int], int]:
    """A copy of ``image`` box-reduced by 2, 4 or 8 when ``window`` of it is shown at most half that size in a
    ``w`` x ``h`` box (so a large downscale starts from far fewer pixels, and still ends with a proper LANCZOS
    of at least 2x); with the window in that copy's pixels, and the factor."""
    k = min(w / max(1, window[2] - window[0]), h / max(1, window[3] - window[1]))
    f = 1
    while f < _MAX_LEVEL and k * f * 2 <= 0.5:
        f *= 2
    if f == 1:
        return image, window, 1
    base = derived(image, f"level{f}", lambda: image.reduce(f))
    scaled = (window[0] // f, window[1] // f, min(base.width, -(-window[2] // f)), min(base.height, -(-window[3] // f)))
    return base, scaled, f


def _white_fitted(pic: Image.Image, asset: Asset, window: tuple[int, int, int, int], tolerance: int) -> Image.Image:
    """``pic`` (``window`` of the photo, at any scale) with its backdrop made white, the region found on the
    whole photo (only backdrop connected to the photo's own edge)."""
    assert asset.backdrop is not None
    region = _region(asset, tolerance)
    kx, ky = region.width / asset.image.width, region.height / asset.image.height  # rounded apart: two factors
    box = (window[0] * kx, window[1] * ky, min(region.width, window[2] * kx), min(region.height, window[3] * ky))
    return apply_white(pic.convert("RGB"), region, asset.backdrop, tolerance, box, _clear_at(asset, region))


def _clear_at(asset: Asset, region: Image.Image) -> Image.Image | None:
    """The colour path's clearing at ``region``'s size (as apply_white scales it), once per photo rather than
    once per picture drawn (4 ms for a 2048 px clearing)."""
    clear = asset.clear
    if clear is None or clear.size == region.size:
        return clear
    return derived(asset.image, f"clear:{region.size}", lambda: clear.resize(region.size, Image.Resampling.BILINEAR))


_STRIP_PX = 128  # rows composited at once (see _composite_in_strips)


def _composite_in_strips(card: Image.Image, pic: Image.Image, at: tuple[int, int]) -> None:
    """``pic`` (RGBA) alpha-composited onto ``card`` at ``at``, in place, a strip of rows at a time. Each pixel
    is composited alone, so the result is the same; Pillow's alpha_composite copies the card's box out and
    makes the blend anew before pasting it back (two copies of the picture's size: 20 MB for a 1450 x 1720
    cut-out, which set a worker's high-water mark while it drew a 12 MP photo's Amazon image)."""
    for top in range(0, pic.height, _STRIP_PX):
        bottom = min(pic.height, top + _STRIP_PX)
        card.alpha_composite(pic, (at[0], at[1] + top), (0, top, pic.width, bottom))


def _photo_card(layer: ImageLayer, asset: Asset | None, white: bool) -> bool:
    """Whether the matte card comes from the photo itself (it then holds the picture too)."""
    return (layer.matte == "auto" and layer.trim and layer.fit != "cover" and asset is not None
            and asset.backdrop is not None and not white)


Photo = tuple[Image.Image, tuple[int, int, int, int]]  # a picture and the window of it a layer shows


def _card_at(layer: ImageLayer, size: tuple[int, int], rect: Rect, inset: int) -> tuple[int, int]:
    """Where a picture of ``size`` lies on its matte card: anchored inside the inset."""
    x, y = anchor_offset(size[0], size[1], rect.w - 2 * inset, rect.h - 2 * inset, layer.anchor)
    return max(x, 0) + inset, max(y, 0) + inset


def _card_color(layer: ImageLayer, scene: Scene) -> RGBA:
    """The colour of a matte card that is not the photo's backdrop continued (white for ``auto``)."""
    return resolve_color(layer.matte, scene, layer.origin) if layer.matte not in (None, "auto") \
        else (255, 255, 255, 255)


def _plain_card(d: Drawing, at: tuple[int, int]) -> tuple[int, int, int] | None:
    """The colour of the layer's matte card when nothing needs it drawn as an image (see ``base.Card``): an
    opaque colour with square corners, the picture inside it at ``at``, and no later step (a mask, an opacity,
    a shadow) working on the card's pixels. None: the card is drawn."""
    layer, pic = d.layer, d.pic
    if pic is None or layer.matte is None or layer.mask != "none" or layer.opacity < 1 or \
            _shadow(layer, d.scene) is not None or layer.radius.pixels(min(d.rect.w, d.rect.h)) > 0:
        return None
    asset = d.source if layer.field_name is not None else None
    if layer.matte == "auto" and asset is not None and asset.backdrop and not d.white:
        return None  # the photo's own backdrop continued
    color = _card_color(layer, d.scene)
    fits = at[0] + pic.width <= d.rect.w and at[1] + pic.height <= d.rect.h
    return color[:3] if color[3] == 255 and fits else None


def _on_matte(layer: ImageLayer, pic: Image.Image | Photo, size: tuple[int, int], rect: Rect,
              scene: Scene, asset: Asset | None, inset: int, tolerance: int, white: bool) -> Image.Image:
    """The picture (``size`` pixels) inside a card: its own backdrop continued, or a colour; corners rounded.
    ``pic`` is a (photo, window) pair when the card comes from the photo, which draws the picture as part of it;
    ``asset``: the product photo as shown (its cut-out when isolated), None for a template file; ``inset``: the
    room kept around the picture; ``tolerance``: how far from the backdrop a pixel is picture; ``white``: the
    photo's backdrop is cleaned to white (the card is then not its backdrop continued)."""
    x, y = _card_at(layer, size, rect, inset)
    if isinstance(pic, tuple):  # the photo has more backdrop than the trimmed picture shows: use it first
        assert asset is not None
        assert asset.backdrop is not None
        photo, window = pic
        card = matte_from_photo(photo, window, size, rect.w, rect.h, x, y, asset.backdrop, tolerance)
    elif layer.matte == "auto" and asset is not None and asset.backdrop and not white:
        card = extend_edges(pic.convert("RGBA"), rect.w, rect.h, x, y, asset.backdrop, tolerance)
    else:
        card = Image.new("RGBA", (rect.w, rect.h), _card_color(layer, scene))
        _composite_in_strips(card, pic if pic.mode == "RGBA" else pic.convert("RGBA"), (x, y))
    radius = layer.radius.pixels(min(rect.w, rect.h))
    if radius > 0:
        card.putalpha(ImageChops.multiply(card.getchannel("A"), rounded_mask(rect.w, rect.h, radius)))
    return card


Window = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class Drawing:
    """An image layer on its way through ``PAINT``: where it is drawn, the settings its steps use (taken from the
    scene once, in ``paint``), then what each step made. Never mutated: a step returns a new Drawing."""

    layer: ImageLayer
    rect: Rect
    scene: Scene
    source: Asset  # the picture as shown (its cut-out once ``show_picture`` has run)
    tolerance: int  # analyze.backdrop_tolerance
    whiten_min: int  # analyze.whiten_min
    upscale_warn: float  # image.upscale_warn
    drawn_cut: bool = False  # the model's cut-out is made at the size it is drawn (see _shown)
    white: bool = False  # the photo's light backdrop is cleaned to white
    window: Window = (0, 0, 0, 0)  # the photo's pixels the picture shows
    src_size: tuple[int, int] = (1, 1)  # the window's size before any reduction: what enlargement is measured on
    inset: int = 0  # room kept around the picture inside the box
    inner: tuple[int, int] = (1, 1)  # the box less its inset
    base: Image.Image | None = None  # the photo, or a box-reduced copy of it (reduce_photo)
    base_window: Window = (0, 0, 0, 0)  # the window in ``base``'s pixels
    im: Image.Image | None = None  # the window cut from ``base``
    pic: Image.Image | None = None  # the picture at its drawn size (None: a card from the photo draws it)
    size: tuple[int, int] = (0, 0)  # the picture's drawn size
    factor: float = 0.0  # how much the window was enlarged
    notes: tuple[Note, ...] = ()
    out: Image.Image | None = None  # what is composited, at (x, y) in the box
    x: int = 0
    y: int = 0
    card: tuple[int, int, int] | None = None  # a plain matte card filling the box under ``out`` (base.Card)

    @property
    def picture(self) -> Image.Image:
        """The window cut from the photo (reduce_photo has run)."""
        assert self.im is not None
        return self.im

    @property
    def drawn(self) -> Image.Image:
        """What is composited (put_on_card has run)."""
        assert self.out is not None
        return self.out


def show_picture(d: Drawing) -> Drawing:
    """The picture this layer draws (the product's cut-out where one is used) and whether it is whitened."""
    source, drawn_cut = _shown(d.layer, d.source, d.scene.cutout, d.tolerance)
    return replace(d, source=source, drawn_cut=drawn_cut, white=_whitened(d.layer, source, d.whiten_min))


def frame_window(d: Drawing) -> Drawing:
    """The part of the photo shown: the whole photo, or with ``trim`` its product and padding."""
    layer, source = d.layer, d.source
    subject = _white_subject(source, d.tolerance) if d.white and layer.trim else source.subject
    window = subject_window(source.image.size, subject, layer.padding) if layer.trim else \
        (0, 0, *source.image.size)
    return replace(d, window=window, src_size=(window[2] - window[0], window[3] - window[1]))


def make_room(d: Drawing) -> Drawing:
    """The inset around the picture (grown so a small product reaches a marketplace's minimum size)."""
    layer, rect, scene = d.layer, d.rect, d.scene
    inset = _grown_inset(layer, rect, d.src_size, scene.min_subject_px) if layer.role == "product" \
        and layer.trim and scene.min_subject_px else _inset(layer, rect)
    return replace(d, inset=inset, inner=(max(1, rect.w - 2 * inset), max(1, rect.h - 2 * inset)))


def reduce_photo(d: Drawing) -> Drawing:
    """The window cut from the photo, or from a box-reduced copy when it is drawn much smaller (see _reduced)."""
    layer, image = d.layer, d.source.image
    base, base_window, f = _reduced(image, d.window, *d.inner) \
        if layer.fit != "cover" and not d.drawn_cut else (image, d.window, 1)
    window = (base_window[0] * f, base_window[1] * f, min(image.width, base_window[2] * f),
              min(image.height, base_window[3] * f))  # the photo's pixels the picture shows
    im = base.crop(base_window) if base_window != (0, 0, *base.size) and not d.drawn_cut else base
    return replace(d, base=base, base_window=base_window, window=window, im=im)


def clean_before_cover(d: Drawing) -> Drawing:
    """A whitened picture that is cover-cropped is cleaned before, at its own size (cover crops inside it)."""
    if not (d.white and d.layer.fit == "cover"):
        return d
    return replace(d, im=_white_fitted(d.picture, d.source, d.window, d.tolerance))


def fit_box(d: Drawing) -> Drawing:
    """The picture at the size it is drawn: cover around the product (and its focus), a cut-out made at that
    size, a resize chain, or Pillow's fit; none when the card drawn from the photo holds it."""
    layer, source, im = d.layer, d.source, d.picture
    asset = source if layer.field_name is not None else None
    if layer.fit == "cover" and asset is not None and not layer.trim:
        pic: Image.Image | None = cover_subject(im, *d.inner, asset.subject, asset.backdrop, d.tolerance,
                                                _focus(layer, d.scene))
    elif _photo_card(layer, asset, d.white):
        pic = None  # the card drawn from the photo holds the picture: no separate resize
    else:
        pic = _cutout_fit(source, d.window, *d.inner, layer.whiten, d.tolerance) if d.drawn_cut else \
            _chained_fit(source.image, d.window, im, *d.inner) if layer.fit == "contain" else \
            fitted(im, *d.inner, layer.fit, (0.5, 0.5))
    return replace(d, pic=pic)


def clean_fitted(d: Drawing) -> Drawing:
    """A whitened picture not cover-cropped is cleaned at the output's size: far fewer pixels than the photo's."""
    if not (d.white and d.layer.fit != "cover" and d.pic is not None):
        return d
    return replace(d, pic=_white_fitted(d.pic, d.source, d.window, d.tolerance))


def measure_upscale(d: Drawing) -> Drawing:
    """The picture's drawn size and how much the photo was enlarged (a warning when noticeably)."""
    im = d.picture
    size = d.pic.size if d.pic is not None else fit_size(im.width, im.height, *d.inner, d.layer.fit)
    factor = max(size[0] / d.src_size[0], size[1] / d.src_size[1])
    return replace(d, size=size, factor=factor, notes=_upscale_note(d.layer, factor, d.scene, d.upscale_warn))


def put_on_card(d: Drawing) -> Drawing:
    """The picture on its matte card (which fills the box), or alone, anchored inside the inset."""
    layer, inset = d.layer, d.inset
    if layer.matte is not None and d.pic is not None:
        at = _card_at(layer, d.size, d.rect, inset)
        color = _plain_card(d, at)
        if color is not None:
            return replace(d, out=d.pic if d.pic.mode == "RGBA" else d.pic.convert("RGBA"), x=at[0], y=at[1],
                           card=color)
    if layer.matte is not None:
        assert d.base is not None
        asset = d.source if layer.field_name is not None else None
        pic = d.pic if d.pic is not None else (d.base, d.base_window)
        return replace(d, out=_on_matte(layer, pic, d.size, d.rect, d.scene, asset, inset, d.tolerance, d.white),
                       x=0, y=0)
    assert d.pic is not None  # a picture without a matte card is always drawn
    out = d.pic.convert("RGBA")
    x, y = anchor_offset(out.width, out.height, *d.inner, layer.anchor)
    return replace(d, out=out, x=x + inset, y=y + inset)


def cut_shape(d: Drawing) -> Drawing:
    """The picture (or its card) cut to a rounded rectangle or an ellipse (``mask``)."""
    if d.layer.mask == "none":
        return d
    out = d.drawn
    return replace(d, out=_masked(out, d.layer.mask, d.layer.radius.pixels(min(out.size))))


def fade(d: Drawing) -> Drawing:
    """The layer's opacity."""
    return replace(d, out=with_opacity(d.drawn, d.layer.opacity))


def cast_shadow(d: Drawing) -> Drawing:
    """A contact shadow under the product, or a drop shadow (which moves the picture by its offset)."""
    shadow = _shadow(d.layer, d.scene)
    if shadow is None:
        return d
    if shadow.kind == "contact":
        return replace(d, out=contact_shadow(d.drawn, d.scene.settings.shadow))
    out, dx, dy = drop_shadow(d.drawn, shadow, resolve_color(shadow.color, d.scene, d.layer.origin))
    return replace(d, out=out, x=d.x + dx, y=d.y + dy)


# The order of an image layer's painting; each step returns its input when it does not apply.
PAINT = (show_picture, frame_window, make_room, reduce_photo, clean_before_cover, fit_box, clean_fitted,
         measure_upscale, put_on_card, cut_shape, fade, cast_shadow)


def paint(layer: ImageLayer, rect: Rect, scene: Scene) -> Placed | None:
    """Fit the picture into ``rect`` and anchor it (on a matte card when one is set): the ``PAINT`` steps."""
    source = _asset(layer, scene)
    if source is None or rect.w <= 0 or rect.h <= 0:
        return None
    config = scene.settings
    d = Drawing(layer, rect, scene, source, config.analyze.backdrop_tolerance, config.analyze.whiten_min,
                config.image.upscale_warn)
    for step in PAINT:
        d = step(d)
    card = Card((rect.x, rect.y, rect.x + rect.w, rect.y + rect.h), d.card) if d.card is not None else None
    return Placed(d.drawn, rect.x + d.x, rect.y + d.y, d.notes, d.factor if layer.field_name is not None else 0.0,
                  card=card)


def _focus(layer: ImageLayer, scene: Scene) -> tuple[float, float] | None:
    """Where a cover-fitted picture centres, from the layer's ``focus`` field (None: around the product)."""
    if not layer.focus or not scene.values.get(layer.focus, "").strip():
        return None
    focus = parse_focus(scene.values[layer.focus])
    if focus is None:
        raise RenderError(layer.origin, f"field ${layer.focus}: '{scene.values[layer.focus]}' is not a "
                          "point (write x,y as fractions like 0.5,0.3 or percentages like 50%,30%)")
    return focus


def _shadow(layer: ImageLayer, scene: Scene) -> Shadow | None:
    """The layer's shadow; a marketplace slot decides it for product pictures (none, or a contact shadow)."""
    if layer.role != "product" or scene.shadow is None:
        return layer.shadow
    return Shadow(kind="contact") if scene.shadow == "contact" else None


def _white_subject(asset: Asset, tolerance: int) -> tuple[int, int, int, int]:
    """The box of what stays of a light backdrop's product once it is whitened (measured as a check measures a
    finished file: pixels further than the tolerance from the backdrop), at up to 1024 px."""
    assert asset.backdrop is not None
    backdrop = asset.backdrop
    # from the photo's reduction by a whole factor that its text check and analysis copy use too (10 ms at 12 MP)
    box = derived(asset.image, "white-subject", lambda: visible_box(asset.image, None, tolerance, backdrop=backdrop,
                                                                    keep=True))
    if asset.clear is None or box is None:
        return box or asset.subject
    # the same for every picture drawn of the photo: measured once (the clearing scaled took 8 ms each time)
    return derived(asset.image, f"white-subject-cleared:{tolerance}", lambda: _cleared_subject(asset, box, tolerance))


def _cleared_subject(asset: Asset, box: tuple[int, int, int, int], tolerance: int) -> tuple[int, int, int, int]:
    """``box`` (what differs from the backdrop) narrowed to what the colour path's clearing leaves of it."""
    assert asset.clear is not None
    # Shadows and enclosed backdrop are whitened too: the product is what neither the backdrop nor they cover.
    region = _region(asset, tolerance)
    kept = ImageChops.invert(ImageChops.lighter(region, asset.clear.resize(region.size)))
    found = kept.point(lambda v: 255 if v >= 128 else 0).getbbox()
    if found is None:
        return box
    k = asset.image.width / kept.width, asset.image.height / kept.height
    product = scale_box(found, k[0], k[1], *asset.image.size)
    left, top, right, bottom = max(box[0], product[0]), max(box[1], product[1]), min(box[2], product[2]), \
        min(box[3], product[3])
    return (left, top, right, bottom) if right > left and bottom > top else box


def _grown_inset(layer: ImageLayer, rect: Rect, src: tuple[int, int], min_px: int) -> int:
    """The inset that lets a product whose short side would stay under a marketplace's minimum (``min_px``,
    with 3 % to spare) grow to it, as far as a 1 % margin allows; the layer's own inset otherwise."""
    inset = _inset(layer, rect)
    inner = (max(1, rect.w - 2 * inset), max(1, rect.h - 2 * inset))
    tw, th = fit_size(src[0], src[1], inner[0], inner[1], "contain")
    short = min(tw, th) * (1 - 2 * layer.padding / (1 + 2 * layer.padding))  # the product inside its padding
    if short >= min_px * 1.03 or short <= 0:
        return inset
    margin = max(2, round(min(rect.w, rect.h) * 0.01))
    k = min(min_px * 1.03 / short, (rect.w - 2 * margin) / tw, (rect.h - 2 * margin) / th)
    if k <= 1:
        return inset
    return max(margin, round((min(rect.w, rect.h) - k * min(inner)) / 2))


def _inset(layer: ImageLayer, rect: Rect) -> int:
    """The room around the picture; on a circular card at least enough to keep a product's box inside the
    circle (the inscribed square leaves (1 - 1/sqrt 2) / 2 of the side on each edge)."""
    inset = layer.inset.pixels(min(rect.w, rect.h))
    if layer.mask == "circle" and layer.matte is not None:
        inset = max(inset, math.ceil(min(rect.w, rect.h) * (1 - 1 / math.sqrt(2)) / 2))
    return inset


def _masked(im: Image.Image, mask: str, radius: int) -> Image.Image:
    """``im`` cut to a circle (an ellipse in a non-square box) or a rounded rectangle."""
    w, h = im.size
    shape = ellipse_mask(w, h) if mask == "circle" else rounded_mask(w, h, max(radius, 1))
    out = im.convert("RGBA")
    out.putalpha(ImageChops.multiply(out.getchannel("A"), shape))
    return out


def _upscale_note(layer: ImageLayer, factor: float, scene: Scene, most: float) -> tuple[Note, ...]:
    """Warn when a picture is blown up more than ``most`` times (it will look soft)."""
    if layer.field_name is not None and factor > most:
        return (Note(WarningKind.UPSCALED, f"{layer.name}@{scene.size.name}:x{factor:.1f}"),)
    return ()
