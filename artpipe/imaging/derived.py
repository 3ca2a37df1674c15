"""Things derived from an image (its analysis copy, smaller copies, a backdrop region), made once however many
steps and outputs use them and forgotten with the image. Images compare by value, so they cannot be dictionary
keys themselves: an entry is keyed by the image's identity and dropped when the image is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast
from weakref import finalize

from PIL import Image

T = TypeVar("T")
_DERIVED: dict[tuple[int, str], object] = {}


def derived(image: Image.Image, what: str, make: Callable[[], T]) -> T:
    """``make()``, once per ``image`` and ``what``."""
    key = (id(image), what)
    if key not in _DERIVED:
        _DERIVED[key] = make()
        finalize(image, _DERIVED.pop, key, None)
    return cast(T, _DERIVED[key])
