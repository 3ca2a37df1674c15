"""What the benchmarks share: the best of a few timed runs (the least disturbed by a shared machine), and the
naive Pillow baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps


def best(fn: Callable[[], object], repeat: int) -> float:
    """The shortest wall time of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def best_cpu(fn: Callable[[], object], repeat: int) -> float:
    """The shortest CPU time of ``repeat`` calls of ``fn``, in seconds: on a shared, loaded machine a one-thread
    step's CPU time is what it costs, where its wall time also counts the turns other processes take."""
    times = []
    for _ in range(max(1, repeat)):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def naive(pairs: list[tuple[Path, tuple[int, int]]], out: Path) -> None:
    """What a script would do per output: open, full decode, exif_transpose, LANCZOS to fit, paste centred on
    white, save at quality 90."""
    for k, (src, size) in enumerate(pairs):
        with Image.open(src) as im:
            upright = ImageOps.exif_transpose(im).convert("RGB")
            picture = ImageOps.contain(upright, size, Image.Resampling.LANCZOS)
            canvas = Image.new("RGB", size, (255, 255, 255))
            canvas.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
            canvas.save(out / f"{k}.jpg", quality=90, optimize=True)
