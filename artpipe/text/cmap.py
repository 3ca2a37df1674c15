"""Read which code points an OpenType/TrueType font maps, from its ``cmap`` table.

Pillow has no "does this font have a glyph for X" call, and the bundled CJK font's missing glyph is
blank, so an uncovered character would vanish silently; this reader lets us refuse it up front.
Supports plain fonts and collections (first face), cmap formats 4 and 12.
"""

from __future__ import annotations

import struct
from pathlib import Path


def _table(data: bytes, offset: int, tag: bytes) -> int | None:
    num_tables = struct.unpack_from(">H", data, offset + 4)[0]
    for i in range(num_tables):
        rec = offset + 12 + 16 * i
        if data[rec:rec + 4] == tag:
            return int(struct.unpack_from(">I", data, rec + 8)[0])
    return None


def _format4(data: bytes, sub: int) -> set[int]:
    seg_x2 = struct.unpack_from(">H", data, sub + 6)[0]
    ends = sub + 14
    starts = ends + seg_x2 + 2
    deltas = starts + seg_x2
    ranges = deltas + seg_x2
    out: set[int] = set()
    for i in range(0, seg_x2, 2):
        end, start = struct.unpack_from(">H", data, ends + i)[0], struct.unpack_from(">H", data, starts + i)[0]
        delta, range_off = struct.unpack_from(">h", data, deltas + i)[0], struct.unpack_from(">H", data, ranges + i)[0]
        for cp in range(start, min(end, 0xFFFE) + 1):
            if range_off == 0:
                glyph = (cp + delta) & 0xFFFF
            else:
                at = ranges + i + range_off + 2 * (cp - start)
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                out.add(cp)
    return out


def _format12(data: bytes, sub: int) -> set[int]:
    groups = struct.unpack_from(">I", data, sub + 12)[0]
    out: set[int] = set()
    for i in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * i)
        out.update(cp for cp in range(start, end + 1) if glyph + cp - start)
    return out


def read_cmap(path: Path) -> frozenset[int]:
    """The set of code points the font at ``path`` maps to a real glyph."""
    data = path.read_bytes()
    offset = 0
    if data[:4] == b"ttcf":
        offset = struct.unpack_from(">I", data, 12)[0]
    cmap = _table(data, offset, b"cmap")
    if cmap is None:
        return frozenset()
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    best: tuple[int, int] | None = None  # (priority, subtable offset)
    for i in range(count):
        platform, encoding, sub_off = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        fmt = struct.unpack_from(">H", data, cmap + sub_off)[0]
        # Prefer the full-repertoire table (format 12) over the BMP-only one (format 4).
        priority = {12: 2, 4: 1}.get(fmt, 0) if platform in (0, 3) and encoding in (1, 3, 4, 10) else 0
        if priority and (best is None or priority > best[0]):
            best = (priority, cmap + sub_off)
    if best is None:
        return frozenset()
    reader = _format12 if best[0] == 2 else _format4
    return frozenset(reader(data, best[1]))
