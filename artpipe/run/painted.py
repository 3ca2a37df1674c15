"""Layers that read nothing of a product (a fixed logo, a fixed line of text, a badge with the same words), painted
once per process and kept while they fit a pixel budget: a batch then draws only what changes per product.

A layer is known by everything its painting reads: the layer itself (its repr: text, font, colours, box), where
it lands, the canvas, the values of the fields it refers to, the brand's font files, the language and the
fallback fonts; an image layer also by the picture it draws, which must be one kept for every product (a
template's file, a brand's logo: ``assetcache.SHARED``). A product photo is never kept here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from artpipe.defaults import settings
from artpipe.layers import KINDS, Placed, Scene
from artpipe.layers.image import ImageLayer
from artpipe.run.assetcache import SHARED
from artpipe.template.fields import references
from artpipe.template.model import Layer, Rect

_KEPT: OrderedDict[Hashable, tuple[Placed | None, object]] = OrderedDict()


def _key(layer: Layer, rect: Rect, scene: Scene) -> Hashable | None:
    """What the layer's painting depends on, or None when it depends on the product (a photo)."""
    if layer.role == "product":
        return None
    spec = repr(layer)
    fields = scene.template.fields
    picture: object = None
    if layer.type == "image":
        picture = scene.images.get(_picture_key(layer))
        if picture is not None and not SHARED.holds(picture):
            return None
    named = tuple(sorted(set(references(spec))))
    fonts = tuple(scene.values.get(n, "") for n, f in fields.items() if f.type == "font")
    return (spec, rect, scene.size, tuple(scene.values.get(n, "") for n in named), fonts, scene.lang,
            scene.system_fonts, scene.locale, scene.currency, scene.cutout, scene.min_subject_px, id(picture))


def _picture_key(layer: Layer) -> str:
    """Which of the scene's pictures an image layer draws (its field, or its template file)."""
    return (layer.field_name or layer.source) if isinstance(layer, ImageLayer) else ""


def paint(layer: Layer, rect: Rect, scene: Scene) -> Placed | None:
    """``layer`` painted at ``rect`` on ``scene``: kept from an earlier product when it reads nothing of one."""
    key = _key(layer, rect, scene)
    draw: Callable[[Layer, Rect, Scene], Placed | None] = KINDS[layer.type].paint
    if key is None:
        return draw(layer, rect, scene)
    if key in _KEPT:
        _KEPT.move_to_end(key)
        return _KEPT[key][0]
    placed = draw(layer, rect, scene)
    budget = settings().memory.painted_pixels
    if _pixels(placed) > budget:  # too large to keep: it would push out everything else
        return placed
    # The picture is held with it, so its id (in the key) cannot be another picture's while it is kept.
    _KEPT[key] = (placed, scene.images.get(_picture_key(layer)))
    while sum(_pixels(p) for p, _ in _KEPT.values()) > budget:
        _KEPT.popitem(last=False)
    return placed


def _pixels(placed: Placed | None) -> int:
    return placed.image.width * placed.image.height if placed is not None else 0
