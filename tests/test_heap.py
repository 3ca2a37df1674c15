"""A worker's C heap gives back what its phases freed (artpipe/heap.py): glibc keeps freed memory inside its
heap, counted in the worker's memory, until it is returned."""

from __future__ import annotations

import ctypes
import sys

import pytest

from artpipe.heap import _glibc, give_back, given_back_past, resident_bytes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or _glibc() is None,
                                reason="glibc's heap, measured in /proc")


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _holes() -> tuple[list[int], float]:
    """Chunks freed between chunks still held (holes, as a model's run leaves them), resident: the chunks still
    held (to free afterwards) and the holes' size in MiB (52.5)."""
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
    return kept, size * (count - len(kept)) / 2**20


def _free(chunks: list[int]) -> None:
    for chunk in chunks:
        _glibc().free(chunk)
    give_back()


def test_freed_memory_inside_the_heap_is_given_back() -> None:
    """Holes stay resident until given back; then the process's resident memory falls by about their size."""
    kept, holes = _holes()
    before = _rss_mb()
    give_back()
    after = _rss_mb()
    _free(kept)
    assert before - after > holes * 0.6, (before, after)


def test_a_product_that_leaves_much_resident_gives_it_back_as_it_ends() -> None:
    """``given_back_past`` (how a worker ends a product) gives the heap back when the block leaves more than its
    allowance resident (a large photo's freed blocks), and leaves it alone when it does not (a small photo's
    next product would only fault the pages in again)."""
    with given_back_past(16 << 20):
        kept, holes = _holes()
        inside = _rss_mb()
    after = _rss_mb()
    _free(kept)
    assert inside - after > holes * 0.6, (inside, after)

    with given_back_past(256 << 20):
        kept, holes = _holes()
        inside = _rss_mb()
    after = _rss_mb()
    _free(kept)
    assert inside - after < holes * 0.2, (inside, after)

    assert resident_bytes() / 2**20 == pytest.approx(_rss_mb(), abs=8)


_KEPT = r"""
import ctypes
from artpipe.heap import _glibc, give_back, use_heap
use_heap(256 << 20, 32 << 20)
libc = _glibc()
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
chunks = [libc.malloc(1 << 20) for _ in range(48)]  # 48 MB at the heap's top (under the mmap threshold set)
for chunk in chunks:
    ctypes.memset(chunk, 1, 1 << 20)
for chunk in reversed(chunks):
    libc.free(chunk)
freed = rss()
give_back()
print(freed - rss())
"""


def test_a_worker_keeps_what_it_freed_until_it_gives_it_back() -> None:
    """With the worker's heap settings, 48 MB freed at the heap's top stay for the next phase to take (a model's
    next run finds its pages) until ``give_back`` returns them; glibc's own threshold gave them back at once."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run([sys.executable, "-c", _KEPT], capture_output=True, text=True, env=env, check=True)
    assert float(done.stdout.split()[-1]) > 40
