"""When a file is completely written: unchanged for a while and, for JPEG and PNG, structurally whole.

A watchdog "created" event only means a file has begun to exist; copies over Samba, slow ``cp`` and
browser downloads write for a long time after it. Pure bookkeeping plus two small reads of the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"


def looks_complete(path: Path) -> bool:
    """JPEG must end with its end-of-image marker and PNG with IEND; other formats are judged by stability."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            fh.seek(max(0, path.stat().st_size - 16))
            tail = fh.read()
    except OSError:
        return False
    if head.startswith(b"\xff\xd8"):
        return _JPEG_END in tail[-4:] or tail.rstrip(b"\x00").endswith(_JPEG_END)
    if head.startswith(b"\x89PNG"):
        return tail.endswith(_PNG_END)
    return True


@dataclass
class Settler:
    """Tracks (size, mtime) per path; a path is stable once they stay the same for ``window`` seconds."""

    window: float
    seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)  # size, mtime_ns, since

    def observe(self, path: Path, now: float) -> bool:
        """Note the file's current state; True when it has been unchanged for the window (and looks whole)."""
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
            return st.st_mtime_ns / 1e9 <= now - self.window and looks_complete(path)
        return now - before[2] >= self.window and looks_complete(path)

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)
