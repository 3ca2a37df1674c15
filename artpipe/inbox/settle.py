"""When a file is completely written: unchanged for a while and, for JPEG and PNG, structurally whole.

A watchdog "created" event only means a file has begun to exist; copies over Samba, slow ``cp`` and
browser downloads write for a long time after it. Pure bookkeeping plus two small reads of the file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"
UNKNOWN_FACTOR = 4  # formats without a readable end wait this many quiet windows


def looks_complete(path: Path) -> bool | None:
    """Whether the file is structurally whole: JPEG ends with its end-of-image marker, PNG with IEND, WebP
    (RIFF) and BMP are as long as their headers say. None for other formats (TIFF, HEIC...): only a longer quiet
    period tells."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
            fh.seek(max(0, size - 16))
            tail = fh.read()
    except OSError:
        return False
    if head.startswith(b"\xff\xd8"):
        return _JPEG_END in tail[-4:] or tail.rstrip(b"\x00").endswith(_JPEG_END)
    if head.startswith(b"\x89PNG"):
        return tail.endswith(_PNG_END)
    if head[:4] == b"RIFF" and len(head) >= 12:
        riff: int = struct.unpack("<I", head[4:8])[0]
        return size >= riff + 8
    if head[:2] == b"BM" and len(head) >= 6:
        declared: int = struct.unpack("<I", head[2:6])[0]
        return size >= declared if declared else None
    return None


@dataclass
class Settler:
    """Tracks (size, mtime) per path; a path is stable once they stay the same for ``window`` seconds and it
    looks whole; a format whose completeness cannot be read needs ``UNKNOWN_FACTOR`` windows; a file that stays
    unchanged but incomplete for ``give_up`` seconds is handed on anyway (it then fails as truncated)."""

    window: float
    give_up: float = 300.0
    seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)  # size, mtime_ns, since

    def observe(self, path: Path, now: float) -> bool:
        """Note the file's current state; True when it is ready to be processed."""
        try:
            st = os.stat(path)
        except OSError:
            self.seen.pop(path, None)
            return False
        key = (st.st_size, st.st_mtime_ns)
        before = self.seen.get(path)
        if before is None or before[:2] != key:
            self.seen[path] = (*key, now)
            # A file already older than the window when first seen (e.g. dropped while we were down) only
            # needs its mtime to be old enough.
            quiet = now - st.st_mtime_ns / 1e9
        else:
            quiet = now - before[2]
        if quiet < self.window:
            return False
        whole = looks_complete(path)
        if whole is None:
            return quiet >= self.window * UNKNOWN_FACTOR
        return whole or quiet >= self.give_up

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)
