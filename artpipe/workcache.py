"""What one worker keeps between the products it renders, in one object with its limits (``WorkerCache``):

    derived   things made from an image (its analysis copy, smaller copies, a backdrop region), once per image
              however many steps and outputs ask, and forgotten with the image
    shared    pictures many products draw (a template's own files, a brand's logo), decoded once, kept while
              they fit ``memory.shared_pixels``
    painted   layers that read nothing of a product (a fixed logo, a fixed line), painted once, kept while they
              fit ``memory.painted_pixels``

A process (a worker) has one, made on first use by ``worker_cache()`` with the limits in settings; ``clear()``
empties all three (the tests do between tests). This module sits below everything that uses it (it knows
images and pixel counts, not assets or layers), so the image code reaches its part without importing upward.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar, cast
from weakref import finalize

from PIL import Image, _imaging  # _imaging: Pillow's core, where its block allocator is set (Image.core)

from artpipe.defaults import MemorySettings, settings

T = TypeVar("T")


class Pictured(Protocol):
    """Anything kept for its picture (an Asset, a painted layer): counted by its pixels."""

    @property
    def image(self) -> Image.Image: ...


P = TypeVar("P", bound=Pictured)


def pixels_of(value: Pictured | None) -> int:
    """The pixels ``value``'s picture holds (none for nothing)."""
    return value.image.width * value.image.height if value is not None else 0


class Derived:
    """Things derived from images, keyed by the image's identity and what was made; an entry is dropped when
    its image is (images compare by value, so they cannot be dictionary keys themselves)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[int, str], object] = {}

    def get(self, image: Image.Image, what: str, make: Callable[[], T]) -> T:
        """``make()``, once per ``image`` and ``what``. What is kept must not hold ``image`` itself, or the image
        would never be let go: ``make()`` returning the image (a copy that was not needed) is not kept."""
        key = (id(image), what)
        if key in self.entries:
            return cast(T, self.entries[key])
        value = make()
        if value is not image:
            self.entries[key] = value
            finalize(image, self.entries.pop, key, None)
        return value

    def clear(self) -> None:
        """Forget everything made so far (the images' finalizers then find nothing to drop)."""
        self.entries.clear()

    def let_go(self, image: Image.Image, *whats: str) -> None:
        """Forget what was made from ``image`` under the names ``whats`` (a name ending in ":" stands for every
        name it begins: "reduced:" for each reduction), or everything made from it when no name is given; made
        again if asked for later."""
        for key in [k for k in self.entries if k[0] == id(image) and (not whats or any(
                k[1] == w or (w.endswith(":") and k[1].startswith(w)) for w in whats))]:
            del self.entries[key]

    def __len__(self) -> int:
        return len(self.entries)


class Kept:
    """Values kept while their pixels fit ``budget_px``, the least recently used let go first; a value larger
    than the whole budget is never kept (it would push out everything else)."""

    def __init__(self, budget_px: int) -> None:
        self.budget_px = budget_px
        self.entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T], pixels: Callable[[T], int]) -> T:
        """The value kept under ``key``, or ``make()``'s (kept when its ``pixels`` fit the budget)."""
        if key in self.entries:
            self.entries.move_to_end(key)
            return cast(T, self.entries[key][0])
        value = make()
        size = pixels(value)
        if size > self.budget_px:
            return value
        self.entries[key] = (value, size)
        while sum(n for _, n in self.entries.values()) > self.budget_px:
            self.entries.popitem(last=False)
        return value

    def values(self) -> list[object]:
        """What is kept, the least recently used first."""
        return [value for value, _ in self.entries.values()]

    def holds(self, value: object) -> bool:
        """Whether ``value`` itself (the same object) is kept."""
        return any(kept is value for kept, _ in self.entries.values())

    def clear(self) -> None:
        """Let everything go."""
        self.entries.clear()


class WorkerCache:
    """A worker's three caches and their limits (see the module's docstring)."""

    def __init__(self, memory: MemorySettings) -> None:
        self.derived = Derived()
        self.shared = Kept(memory.shared_pixels)
        self.painted = Kept(memory.painted_pixels)

    def picture(self, path: Path, boxes: str, make: Callable[[], P]) -> P:
        """The picture of ``path`` for ``boxes`` (their repr) from ``shared``, made by ``make`` when it is not
        kept. A picture is known by its path, size and modification time, so an edited file is read again."""
        try:
            info = path.stat()
        except OSError:
            return make()  # which says what is wrong with the file
        return self.shared.get((str(path), info.st_mtime_ns, info.st_size, boxes), make, pixels_of)

    def clear(self) -> None:
        """Empty all three caches."""
        self.derived.clear()
        self.shared.clear()
        self.painted.clear()


def use_image_blocks(memory: MemorySettings) -> None:
    """Have Pillow allocate each image of this process as a chain of blocks of at most
    ``memory.image_block_bytes`` (Pillow's block allocator; 0 leaves its default of 16 MiB, and so does
    PILLOW_BLOCK_SIZE in the environment, which Pillow reads itself). The pixels are the same; only where they
    lie changes. A worker's heap is shared by its images and the models' working memory (onnxruntime frees
    tensors of up to 25 MB a run): a 12 MP photo or a 2000 px canvas in one or three 16 MB pieces finds no hole
    left by the model that fits and grows the heap, while 1 MB pieces fill the holes. One worker rendering the
    57 photos of real-more into Amazon, Tmall and JD peaked at 410-426 MiB instead of 476-509 MiB (no slower)."""
    if memory.image_block_bytes and "PILLOW_BLOCK_SIZE" not in os.environ:
        _imaging.set_block_size(memory.image_block_bytes)


@cache
def worker_cache() -> WorkerCache:
    """This process's caches, made on first use with the limits in settings (``memory``)."""
    return WorkerCache(settings().memory)
