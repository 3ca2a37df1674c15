"""When a file is completely written: unchanged for a while and, where the format says how, structurally whole.

A watchdog "created" event only means a file has begun to exist; copies over Samba, slow ``cp`` and
browser downloads write for a long time after it. Pure bookkeeping plus two small reads of the file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO

_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"
UNKNOWN_FACTOR = 4  # formats without a readable end wait this many quiet windows


def looks_complete(path: Path) -> bool | None:
    """Whether the file is structurally whole: JPEG ends with its end-of-image marker, PNG with IEND, WebP
    (RIFF) and BMP are as long as their headers say, a TIFF's pages and strips all lie inside it. None for other
    formats (HEIC, AVIF...): only a longer quiet period tells."""
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
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff_complete(path, size)
    return None


_TIFF_DATA = {273: 279, 324: 325}  # StripOffsets -> StripByteCounts, TileOffsets -> TileByteCounts
_TIFF_TYPES = {3: ("H", 2), 4: ("I", 4)}  # SHORT, LONG: the types offsets and counts come in
_TIFF_MAX_PAGES = 1000


def _tiff_complete(path: Path, size: int) -> bool | None:
    """Walk a classic TIFF's pages: every page header and every strip or tile must lie inside the file
    (a multi-page TIFF copied half-way has its first pages whole and the rest beyond the end)."""
    try:
        with path.open("rb") as fh:
            order = "<" if fh.read(2) == b"II" else ">"
            fh.seek(4)
            offset = struct.unpack(order + "I", fh.read(4))[0]
            for _ in range(_TIFF_MAX_PAGES):
                if offset == 0:
                    return True
                if offset + 2 > size:
                    return False
                fh.seek(offset)
                count = struct.unpack(order + "H", fh.read(2))[0]
                if offset + 2 + 12 * count + 4 > size:
                    return False
                entries = {}
                for _ in range(count):
                    tag, kind, n, value = struct.unpack(order + "HHI4s", fh.read(12))
                    entries[tag] = (kind, n, value)
                nxt = struct.unpack(order + "I", fh.read(4))[0]
                for where_tag, length_tag in _TIFF_DATA.items():
                    if where_tag in entries and length_tag in entries:
                        ends = [a + b for a, b in zip(_tiff_values(fh, order, entries[where_tag], size),
                                                      _tiff_values(fh, order, entries[length_tag], size),
                                                      strict=False)]
                        if not ends or max(ends) > size:
                            return False
                offset = nxt
    except (OSError, struct.error):
        return False
    return None  # more pages than we walk: let the quiet period decide


def _tiff_values(fh: BinaryIO, order: str, entry: tuple[int, int, bytes], size: int) -> list[int]:
    """The numbers of a SHORT or LONG TIFF field, inline or at its offset ([] when they lie past ``size``)."""
    kind, n, raw = entry
    if kind not in _TIFF_TYPES:
        return []
    code, width = _TIFF_TYPES[kind]
    if n * width <= 4:
        return list(struct.unpack(order + code * n, raw[:n * width]))
    at = struct.unpack(order + "I", raw)[0]
    if at + n * width > size:
        return []
    fh.seek(at)
    return list(struct.unpack(order + code * n, fh.read(n * width)))


class Settling(Enum):
    """Where a file stands, as of its last look."""

    READY = "ready"
    CHANGING = "changing"  # changed within the quiet window: still being written
    INCOMPLETE = "incomplete"  # quiet, but its end is missing (a copy in progress, or one that stopped half-way)
    UNSURE = "unsure"  # quiet, of a format whose end cannot be read: it needs a longer quiet period


@dataclass
class Settler:
    """Tracks (size, mtime) per path; a path is stable once they stay the same for ``window`` seconds and it
    looks whole; a format whose completeness cannot be read needs ``UNKNOWN_FACTOR`` windows; a file that stays
    unchanged but incomplete for ``give_up`` seconds, or closed by its writer, is handed on anyway (it then fails as
    truncated)."""

    window: float
    give_up: float = 300.0
    seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)  # size, mtime_ns, since
    # When a writer last closed each path (inotify close_write, told by the watcher; epoch seconds). A file
    # closed after its last change is as written as it will get: incomplete, it fails at once, not after give_up.
    closed: dict[Path, float] = field(default_factory=dict)
    states: dict[Path, Settling] = field(default_factory=dict)  # what the last look at each path found

    def observe(self, path: Path, now: float) -> bool:
        """Note the file's current state; True when it is ready to be processed."""
        self.states[path] = self._look(path, now)
        return self.states[path] is Settling.READY

    def _look(self, path: Path, now: float) -> Settling:
        try:
            st = os.stat(path)
        except OSError:
            self.seen.pop(path, None)
            return Settling.CHANGING
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
            return Settling.CHANGING
        closed_at = self.closed.get(path)
        written = closed_at is not None and closed_at >= st.st_mtime_ns / 1e9
        whole = looks_complete(path)
        if whole is None:
            return Settling.READY if written or quiet >= self.window * UNKNOWN_FACTOR else Settling.UNSURE
        return Settling.READY if whole or written or quiet >= self.give_up else Settling.INCOMPLETE

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)
        self.closed.pop(path, None)
        self.states.pop(path, None)
