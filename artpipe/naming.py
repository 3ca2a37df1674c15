"""Output file names: safe on every filesystem, readable (spaces, umlauts and CJK kept), never colliding."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')


def safe_stem(stem: str, max_bytes: int) -> str:
    """NFC, no control or reserved characters, no leading dots, at most ``max_bytes`` of UTF-8."""
    clean = _UNSAFE.sub("_", unicodedata.normalize("NFC", stem)).strip().lstrip(".") or "_"
    data = clean.encode("utf-8")[:max_bytes]
    return data.decode("utf-8", errors="ignore").rstrip() or "_"


class Namer:
    """Hands out output paths below a folder; a second input wanting the same name gets ``-2``, ``-3``..."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used: set[str] = set()

    def name(self, rel: PurePosixPath, suffix: str) -> PurePosixPath:
        """A unique relative output path for the input at ``rel``."""
        parent = PurePosixPath(*(safe_stem(p, self.max_bytes) for p in rel.parent.parts))
        stem = safe_stem(rel.stem, self.max_bytes)
        candidate, n = parent / f"{stem}{suffix}", 1
        # Compare case-insensitively: macOS and Windows shares treat A.png and a.png as one file.
        while candidate.as_posix().lower() in self.used:
            n += 1
            candidate = parent / f"{stem}-{n}{suffix}"
        self.used.add(candidate.as_posix().lower())
        return candidate
