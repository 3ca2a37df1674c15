"""The C heap of a worker: memory its phases freed, given back to the system before the next phase allocates.

A worker's photo goes through phases whose buffers are large and short-lived: the segmentation model's run, the
text detector's, the full-size decode, drawing each output, encoding it, checking the written file. glibc keeps
what a phase frees inside its heap, where the next phase reuses it only in pieces that fit: the rest stays
counted in the worker's memory, and the phases' high-water marks stack up. ``give_back`` returns the free
pages inside the heap (glibc's ``malloc_trim``; on another C library it does nothing). It costs well under a
millisecond; the pages given back are faulted in again only where the next phase writes.

Where it is called (run/tasks.py, imaging/segment.py): before a model runs; after a large JPEG's text detector
ran on its reduced copy, before the full-size decode (the detector's arena comes back to the heap as its run
ends); before a product's first canvas (what loading, isolating and the text models freed); before an output
is encoded; and as a product ends when it left more than ``memory.heap_keep_bytes`` resident
(``given_back_past``: a large photo's freed blocks; a small photo leaves less, and the next product would only
fault the pages in again).

``use_heap`` sets, once per worker, when glibc hands back memory on its own (``memory.heap_trim_bytes``) and
from what size a block is mapped apart from the heap (``memory.heap_mmap_bytes``). By default glibc gives back
the heap's top whenever 128 KB or more of it is free (a threshold it raises as blocks are freed), at any free
in any phase, and the phase's next allocations took their pages afresh. With the top given back only where
``give_back`` is called, between phases, a phase reuses the pages the steps before it freed.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any


def give_back() -> None:
    """Return the free memory inside this process's C heap to the system (nothing to do off glibc)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@contextmanager
def given_back_past(keep_bytes: int) -> Iterator[None]:
    """Give the heap back as the block ends when the process then holds more than ``keep_bytes`` beyond what it
    held as it began (a large photo's freed blocks, kept resident by glibc for the next product to reuse in
    pieces); nothing when it does not (0: never), so a run of small photos pays no pages faulted in again."""
    start = resident_bytes()
    try:
        yield
    finally:
        if keep_bytes and start and resident_bytes() - start > keep_bytes:
            give_back()


def resident_bytes() -> int:
    """The memory this process holds now (its resident set; 0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


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
