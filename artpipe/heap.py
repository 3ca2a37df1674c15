"""The C heap of a worker: memory its phases freed, given back to the system before the next phase allocates.

A worker's photo goes through phases whose buffers are large and short-lived: the segmentation model's run, the
text detector's, the full-size decode, drawing each output, encoding it, checking the written file. glibc keeps
what a phase frees inside its heap, where the next phase reuses it only in pieces that fit: the rest stays
counted in the worker's memory, and the phases' high-water marks stack up. ``give_back`` returns the free
pages inside the heap (glibc's ``malloc_trim``; on another C library it does nothing). It costs well under a
millisecond; the pages given back are faulted in again only where the next phase writes.

``use_heap`` sets, once per worker, when glibc hands back memory on its own (``memory.heap_trim_bytes``) and
from what size a block is mapped apart from the heap (``memory.heap_mmap_bytes``). By default glibc gives back
the heap's top whenever 128 KB or more of it is free (a threshold it raises as blocks are freed), and a model's
arena, given back after each run, then took its pages afresh on the next: the text detector ran 12 ms slower
after the segmentation model's arena had come and gone. With the top given back only where ``give_back`` is
called, between phases, a run finds the pages the last one freed.
"""

from __future__ import annotations

import ctypes
import os
from functools import cache
from typing import Any


def give_back() -> None:
    """Return the free memory inside this process's C heap to the system (nothing to do off glibc)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)


@cache
def use_heap(trim_bytes: int, mmap_bytes: int) -> None:
    """Have glibc give back the heap's top on its own only when ``trim_bytes`` of it are free, and map a block
    apart from the heap from ``mmap_bytes`` up (0 leaves either to glibc's own adjusting thresholds, and so does
    MALLOC_TRIM_THRESHOLD_ or MALLOC_MMAP_THRESHOLD_ in the environment, which glibc reads itself). Once per
    process; nothing off glibc."""
    libc = _glibc()
    if libc is None:
        return
    for param, value, env in ((_M_TRIM_THRESHOLD, trim_bytes, "MALLOC_TRIM_THRESHOLD_"),
                              (_M_MMAP_THRESHOLD, mmap_bytes, "MALLOC_MMAP_THRESHOLD_")):
        if value and env not in os.environ:
            libc.mallopt(param, value)


@cache
def _glibc() -> Any:
    """glibc, when this process runs on it (its ``malloc_trim``); None elsewhere."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc
