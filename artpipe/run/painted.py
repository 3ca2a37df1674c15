"""Layers that read nothing of a product (a fixed logo, a fixed line of text, a badge with the same words), painted
once per process and kept while they fit a pixel budget: a batch then draws only what changes per product.

A layer is known by everything its painting reads: the layer itself (its repr: text, font, colours, box), where
it lands, the canvas, the values of the fields it refers to, the brand's font files, the language, the
fallback fonts and the settings it is painted with; an image layer also by the picture it draws, which must be
one kept for every product (a template's file, a brand's logo: the worker's ``shared`` pictures). A product
photo is never kept here. What is kept is the worker's ``painted`` cache (artpipe/workcache.py), within
``memory.painted_pixels``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from artpipe.layers import KINDS, Placed, Scene
from artpipe.layers.image import ImageLayer
from artpipe.template.fields import references
from artpipe.template.model import Layer, Rect
from artpipe.workcache import WorkerCache, pixels_of, worker_cache


def _key(layer: Layer, rect: Rect, scene: Scene, cache: WorkerCache) -> Hashable | None:
    """What the layer's painting depends on, or None when it depends on the product (a photo)."""
    if layer.role == "product":
        return None
    spec = repr(layer)
    fields = scene.template.fields
    picture: object = None
    if layer.type == "image":
        picture = scene.images.get(_picture_key(layer))
        if picture is not None and not cache.shared.holds(picture):
            return None
    named = tuple(sorted(set(references(spec))))
    fonts = tuple(scene.values.get(n, "") for n, f in fields.items() if f.type == "font")
    return (spec, rect, scene.size, tuple(scene.values.get(n, "") for n in named), fonts, scene.lang,
            scene.system_fonts, scene.locale, scene.currency, scene.cutout, scene.min_subject_px, scene.settings,
            id(picture))


def _picture_key(layer: Layer) -> str:
    """Which of the scene's pictures an image layer draws (its field, or its template file)."""
    return (layer.field_name or layer.source) if isinstance(layer, ImageLayer) else ""


def paint(layer: Layer, rect: Rect, scene: Scene, cache: WorkerCache | None = None) -> Placed | None:
    """``layer`` painted at ``rect`` on ``scene``: kept from an earlier product when it reads nothing of one.
    ``cache``: the worker's (this process's by default)."""
    cache = cache or worker_cache()
    key = _key(layer, rect, scene, cache)
    draw: Callable[[Layer, Rect, Scene], Placed | None] = KINDS[layer.type].paint
    if key is None:
        return draw(layer, rect, scene)
    # The picture is held with it, so its id (in the key) cannot be another picture's while it is kept.
    placed, _ = cache.painted.get(key, lambda: (draw(layer, rect, scene), scene.images.get(_picture_key(layer))),
                                  lambda kept: pixels_of(kept[0]))
    return placed
