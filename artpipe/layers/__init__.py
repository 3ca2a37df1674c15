"""Layer kinds, registered in one place: each module has KEYS, parse() and paint()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from artpipe.layers import image, price, shape, text
from artpipe.layers.base import LoadContext, Placed, Scene
from artpipe.schema import Reader
from artpipe.template.model import Layer, Rect

COMMON_KEYS = ("name", "type", "box", "role", "visible_if", "visible", "opacity")


@dataclass(frozen=True)
class LayerKind:
    """How to read and draw one kind of layer."""

    keys: tuple[str, ...]
    parse: Callable[[Reader, dict[str, object], LoadContext], Layer]
    paint: Callable[[Any, Rect, Scene], Placed | None]


KINDS: dict[str, LayerKind] = {
    "image": LayerKind(image.KEYS, image.parse, image.paint),
    "text": LayerKind(text.KEYS, text.parse, text.paint),
    "shape": LayerKind(shape.KEYS, shape.parse, shape.paint),
    "price": LayerKind(price.KEYS, price.parse, price.paint),
}

__all__ = ["COMMON_KEYS", "KINDS", "LayerKind", "LoadContext", "Placed", "Scene"]
