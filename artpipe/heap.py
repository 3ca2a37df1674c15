"""The C heap of a worker: memory its phases freed, given back to the system before the next phase allocates.

A worker's photo goes through phases whose buffers are large and short-lived: the segmentation model's run, the
text detector's, the full-size decode, drawing each output, encoding it, checking the written file. glibc keeps
what a phase frees inside its heap, where the next phase reuses it only in pieces that fit: the rest stays
counted in the worker's memory, and the phases' high-water marks stack up. ``give_back`` returns the free
pages inside the heap (glibc's ``malloc_trim``; on another C library it does nothing). It costs well under a
millisecond; the pages given back are faulted in again only where the next phase writes.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any


def give_back() -> None:
    """Return the free memory inside this process's C heap to the system (nothing to do off glibc)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _glibc() -> Any:
    """glibc, when this process runs on it (its ``malloc_trim``); None elsewhere."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc
