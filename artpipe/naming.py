"""Output file names: safe on every filesystem, readable (spaces, umlauts and CJK kept), never colliding."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from artpipe.schema import Reader, suggest

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')
_PART_BYTES = 120
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE_PART = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")  # a value inside a name: separators go too


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


class _Parts(dict[str, str]):
    """Pattern values; a field this product leaves empty becomes "_" rather than a KeyError."""

    def __missing__(self, key: str) -> str:
        return "_"


def safe_part(value: str) -> str:
    """A field value made safe as part of a file name on every filesystem: NFC (macOS would otherwise store
    café twice), no separators or control characters, no leading dots, no trailing dots or spaces, not a
    Windows device name (CON, nul.txt...), and at most 120 bytes of UTF-8 (120 CJK characters are 360)."""
    cleaned = _UNSAFE_PART.sub("_", unicodedata.normalize("NFC", value)).strip().lstrip(".")
    cleaned = cleaned.encode("utf-8")[:_PART_BYTES].decode("utf-8", errors="ignore").rstrip(". ")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"{cleaned}_"
    return cleaned or "_"


def name_key(path: str) -> str:
    """How a file system that ignores case and Unicode form sees a name (macOS, Windows, SMB shares): two
    outputs with one key would overwrite each other there."""
    return unicodedata.normalize("NFC", path).casefold()


def output_name(pattern: str, parts: Mapping[str, str]) -> str:
    """The relative output path ``pattern`` makes from ``parts``, every value made safe as a file-name part (a
    template named "../../x" stays one name); a placeholder without a value becomes "_"."""
    return pattern.format_map(_Parts({k: safe_part(v) for k, v in parts.items()}))


def check_output_pattern(reader: Reader, pattern: str, known: set[str]) -> None:
    """An output pattern's problems: bad syntax, a placeholder not in ``known``, a way out of the output folder
    (absolute, ``..``), or a format spec (``{sku:>999999999}`` would build a gigabyte-long name)."""
    if "\x00" in pattern:
        reader.problem("output", "the pattern contains a NUL character", "write a plain file name pattern")
        return
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        reader.problem("output", f"bad pattern: {exc}", "use {sku}, {template}, {size}, {index} or a field")
        return
    for name in names:
        if name not in known:
            reader.problem("output", f"unknown placeholder {{{name}}}", suggest(name, known) or
                      f"use one of {', '.join(sorted(known))}")
    if any(spec or conv for _, f, spec, conv in string.Formatter().parse(pattern) if f is not None):
        reader.problem("output", "placeholders take no format spec or conversion", "write {sku}, not {sku:>10}")
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        reader.problem("output", "the pattern must stay inside the output folder", "no absolute paths or '..'")
