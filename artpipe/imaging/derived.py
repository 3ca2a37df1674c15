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
    """``make()``, once per ``image`` and ``what``. What is kept must not hold ``image`` itself, or the image
    would never be let go: ``make()`` returning the image (a copy that was not needed) is not kept."""
    key = (id(image), what)
    if key in _DERIVED:
        return cast(T, _DERIVED[key])
    value = make()
    if value is not image:
        _DERIVED[key] = value
        finalize(image, _DERIVED.pop, key, None)
    return value
