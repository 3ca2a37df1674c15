"""The formats an output is written in: a job's (or a template entry's, or a workspace's) ``format:`` read into
one ``EncodeOptions`` per format, and the file name each format gets.

``format`` is one format or a list of them, each a name (``webp``) or a mapping (``{type: webp, quality: 80,
max_bytes: 200000}``): every output is rendered once and encoded in each, with each format's own quality and
byte budget. A file's extension follows its format: the pattern's own when it is one of the format's (``.jpeg``
stays), the format's usual one otherwise.
"""

from __future__ import annotations

from pathlib import Path

from artpipe.colors import is_color, parse_color
from artpipe.defaults import settings
from artpipe.imaging.encode import SUBSAMPLING, EncodeOptions
from artpipe.imaging.formats import BY_NAME, SPELLINGS, default_quality, suffix, written_by_extension, written_list
from artpipe.schema import Reader, single

FORMAT_KEYS = ("type", "quality", "background", "progressive", "subsampling", "lossless", "speed", "min_bytes",
               "max_bytes", "min_side")


def for_format(options: EncodeOptions, fmt: str) -> EncodeOptions:
    """``options`` made to write ``fmt`` (a preset's format): the format's default quality unless it is the same."""
    if options.format == fmt:
        return options
    return EncodeOptions(format=fmt, quality=default_quality(fmt), background=options.background,
                         progressive=options.progressive, subsampling=options.subsampling,
                         min_bytes=options.min_bytes, max_bytes=options.max_bytes, min_side=options.min_side)


def pick(encodings: tuple[EncodeOptions, ...], fmt: str) -> EncodeOptions:
    """The options a list gives ``fmt``, or its first made to write ``fmt``."""
    return next((e for e in encodings if e.format == fmt), None) or for_format(encodings[0], fmt)


def named(name: str, fmt: str) -> str:
    """``name`` with the extension of ``fmt``: kept when it is one of the format's, replaced otherwise."""
    if Path(name).suffix.lower() in BY_NAME[fmt].extensions:
        return name
    return str(Path(name).with_suffix(suffix(fmt)))


def _one(reader: Reader, ext: str) -> EncodeOptions | None:
    """One format's mapping (``type`` defaults to the output's extension)."""
    reader.check_keys(FORMAT_KEYS)
    kind = reader.choice("type", tuple(SPELLINGS), None)
    fmt = SPELLINGS[kind] if kind else written_by_extension(ext)
    if fmt is None:
        reader.problem(None, f"cannot tell the format from '{ext or 'no extension'}'", "set type")
        return None
    background = reader.text("background", settings().encode.background)
    if not is_color(str(background)):
        reader.problem("background", f"'{background}' is not a colour")
        background = "#ffffff"
    bg = parse_color(str(background))
    lowest, highest = BY_NAME[fmt].quality_range
    return EncodeOptions(
        format=fmt, quality=reader.number("quality", default_quality(fmt), minimum=lowest, maximum=highest,
                                          integer=True),
        background=(bg[0], bg[1], bg[2]), progressive=reader.flag("progressive", False),
        subsampling=reader.choice("subsampling", SUBSAMPLING, "4:2:0"), lossless=reader.flag("lossless", False),
        speed=reader.number("speed", settings().encode.avif_speed, minimum=0, maximum=10, integer=True),
        min_bytes=reader.number("min_bytes", None, minimum=1, integer=True),
        max_bytes=reader.number("max_bytes", None, minimum=1, integer=True),
        min_side=reader.number("min_side", 0, minimum=0, integer=True))


def read_formats(reader: Reader, key: str, output: str) -> tuple[EncodeOptions, ...] | None:
    """``key`` of ``reader`` as the formats outputs are written in; None when absent (the output's extension
    decides). Problems are recorded on ``reader``; what is left is usable."""
    ext = Path(output).suffix.lower()
    raw = reader.raw(key)
    if raw is None:
        return None
    items: list[Reader] = []
    if isinstance(raw, str):
        items.append(Reader(single(reader.node, "type", raw, reader.mark(key)), reader.path(key), reader.problems))
    elif isinstance(raw, list):
        seq = reader.sequence(key)
        for i, item in enumerate(seq or []):
            where = f"{reader.path(key)}[{i}]"
            if isinstance(item, str) and seq is not None:
                items.append(Reader(single(reader.node, "type", item, seq.item_marks[i]), where, reader.problems))
            elif seq is not None:
                found = reader.item(seq, i, where)
                if found is not None:
                    items.append(found)
        if not items:
            reader.problem(key, f"must name at least one of {written_list()}")
    else:
        found = reader.mapping(key)
        if found is None:
            return None
        items.append(found)
    out: list[EncodeOptions] = []
    for item in items:
        options = _one(item, ext)
        if options is None:
            continue
        if any(o.format == options.format for o in out):
            item.problem(None, f"{options.format} is listed twice", "list each format once")
            continue
        out.append(options)
    return tuple(out) or None


def encodings(reader: Reader, key: str, output: str) -> tuple[EncodeOptions, ...]:
    """The formats of ``key``, or the one the output's extension names (a problem when it names none)."""
    found = read_formats(reader, key, output)
    if found:
        return found
    ext = Path(output).suffix.lower()
    fmt = written_by_extension(ext)
    if fmt is None and reader.raw(key) is None:
        reader.problem("output", f"cannot tell the format from '{ext or 'no extension'}'",
                       f"end the pattern in the extension of {written_list()}, or set {key}")
    fmt = fmt or "JPEG"
    return (EncodeOptions(format=fmt, quality=default_quality(fmt)),)

