"""Things derived from an image (its analysis copy, smaller copies, a backdrop region), made once however many
steps and outputs use them and forgotten with the image: the worker's ``derived`` cache (artpipe/workcache.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PIL import Image

from artpipe.workcache import worker_cache

T = TypeVar("T")


def derived(image: Image.Image, what: str, make: Callable[[], T]) -> T:
    """``make()``, once per ``image`` and ``what`` (see ``Derived.get``)."""
    return worker_cache().derived.get(image, what, make)
