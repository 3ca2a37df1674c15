"""A worker's C heap gives back what its phases freed (artpipe/heap.py): glibc keeps freed memory inside its
heap, counted in the worker's memory, until it is returned."""

from __future__ import annotations

import ctypes
import sys

import pytest

from artpipe.heap import _glibc, give_back

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or _glibc() is None,
                                reason="glibc's heap, measured in /proc")


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def test_freed_memory_inside_the_heap_is_given_back() -> None:
    """Chunks freed between chunks still held (holes, as a model's run leaves them) stay resident until given
    back; then the process's resident memory falls by about their size."""
    libc = _glibc()
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    size, count = 96 * 1024, 640  # under glibc's smallest mmap threshold: from the heap itself
    chunks = [libc.malloc(size) for _ in range(count)]
    assert all(chunks)
    for chunk in chunks:
        ctypes.memset(chunk, 1, size)  # resident
    kept = chunks[::8]  # every 8th stays: the freed ones are holes, not the heap's top
    for i, chunk in enumerate(chunks):
        if i % 8:
            libc.free(chunk)
    before = _rss_mb()
    give_back()
    after = _rss_mb()
    for chunk in kept:
        libc.free(chunk)
    holes = size * (count - len(kept)) / 2**20  # 52.5 MiB
    assert before - after > holes * 0.6, (before, after)
