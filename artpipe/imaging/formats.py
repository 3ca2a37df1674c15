"""Image formats in one place: one entry per format says what it is called, its file extensions and MIME type,
the first bytes that identify it, which Pillow readers open it, whether it keeps alpha, its quality (default and
range) and, for the formats artpipe writes, how Pillow saves it. Every other table of formats is derived from this
one: to add a format, add its entry here.

AVIF is written when this Pillow has its encoder, as the official wheels do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import features


class SaveOptions(Protocol):
    """What the save keywords are made of (``encode.EncodeOptions`` has it all)."""

    @property
    def quality(self) -> int: ...
    @property
    def progressive(self) -> bool: ...
    @property
    def subsampling(self) -> str: ...
    @property
    def lossless(self) -> bool: ...
    @property
    def speed(self) -> int: ...


Signature = tuple[tuple[int, bytes], ...]  # (offset, bytes) pairs that must all match the file's first bytes
SaveArgs = Callable[[SaveOptions], dict[str, Any]]  # an output's options -> Pillow's save() keywords


def _jpeg(o: SaveOptions) -> dict[str, Any]:
    return {"quality": o.quality, "optimize": True, "progressive": o.progressive, "subsampling": o.subsampling}


def _png(o: SaveOptions) -> dict[str, Any]:
    # optimize=False: zlib's extra pass costs seconds on a 2000 px canvas for a few percent
    return {"optimize": False, "compress_level": 6}


def _webp(o: SaveOptions) -> dict[str, Any]:
    return {"quality": o.quality, "lossless": o.lossless, "method": 4}


def _avif(o: SaveOptions) -> dict[str, Any]:
    return {"quality": o.quality, "speed": o.speed, "subsampling": o.subsampling}


def _iso(*brands: bytes) -> tuple[Signature, ...]:
    """ISO media files (HEIF, AVIF) carry ``ftyp`` at byte 4 and their brand after it."""
    return tuple(((4, b"ftyp"), (8, brand)) for brand in brands)


@dataclass(frozen=True)
class Format:
    """One image format as Pillow names it (``im.format``)."""

    name: str  # JPEG, PNG, WEBP ...
    title: str  # as people spell it in messages: WebP, HEIC/HEIF
    extensions: tuple[str, ...]  # the first is the one artpipe writes
    mime: str
    alpha: bool  # keeps transparency (without it, a canvas is flattened over the output's background)
    lossy: bool  # takes a quality
    magic: tuple[Signature, ...]  # how a file in it starts (any one of these)
    readers: tuple[str, ...]  # the Pillow plugins safe open lets read it
    save: SaveArgs | None = None  # how artpipe writes it (None: read, or named by a marketplace's rules, only)
    default_quality: int | None = None  # what a job that names no quality gets
    quality_range: tuple[int, int] = (1, 100)  # what a job may ask
    opaque_drops_alpha: bool = False  # an opaque RGBA canvas is written as RGB (smaller, same pixels)

    @property
    def suffix(self) -> str:
        return self.extensions[0]

    @property
    def encodable(self) -> bool:
        """Whether artpipe writes it."""
        return self.save is not None

    def sniffs(self, head: bytes) -> bool:
        """Whether ``head`` (a file's first 16 bytes or more) starts like a file in this format."""
        return any(all(head[at:at + len(part)] == part for at, part in sig) for sig in self.magic)


_AVIF = bool(features.check("avif"))
# In the order messages list them ("not an image artpipe reads (JPEG, PNG, WebP, HEIC/HEIF, ...)").
REGISTRY: tuple[Format, ...] = (
    Format("JPEG", "JPEG", (".jpg", ".jpeg"), "image/jpeg", alpha=False, lossy=True,
           magic=(((0, b"\xff\xd8\xff"),),), readers=("JPEG", "MPO"), save=_jpeg, default_quality=90),
    Format("PNG", "PNG", (".png",), "image/png", alpha=True, lossy=False, magic=(((0, b"\x89PNG\r\n\x1a\n"),),),
           readers=("PNG",), save=_png, opaque_drops_alpha=True),
    Format("WEBP", "WebP", (".webp",), "image/webp", alpha=True, lossy=True,
           magic=(((0, b"RIFF"), (8, b"WEBP")),), readers=("WEBP",), save=_webp, default_quality=88),
    Format("HEIF", "HEIC/HEIF", (".heic", ".heif"), "image/heif", alpha=True, lossy=True,
           magic=_iso(b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"), readers=("HEIF",)),
    Format("AVIF", "AVIF", (".avif",), "image/avif", alpha=True, lossy=True, magic=_iso(b"avif", b"avis"),
           readers=("AVIF",), save=_avif if _AVIF else None, default_quality=70),
    Format("GIF", "GIF", (".gif",), "image/gif", alpha=True, lossy=False, magic=(((0, b"GIF8"),),), readers=("GIF",)),
    Format("TIFF", "TIFF", (".tif", ".tiff"), "image/tiff", alpha=True, lossy=False,
           magic=(((0, b"II*\x00"),), ((0, b"MM\x00*"),)), readers=("TIFF",)),
    Format("BMP", "BMP", (".bmp",), "image/bmp", alpha=False, lossy=False, magic=(((0, b"BM"),),), readers=("BMP",)),
)
BY_NAME = {f.name: f for f in REGISTRY}
NAMES = tuple(BY_NAME)  # every format a marketplace rule may name
WRITTEN = tuple(f.name for f in REGISTRY if f.encodable)  # every format artpipe writes
WRITTEN_EXTENSIONS = {ext: f.name for f in REGISTRY if f.encodable for ext in f.extensions}
IMAGE_EXTENSIONS = tuple(ext for f in REGISTRY for ext in f.extensions)
READERS = tuple(r for f in REGISTRY for r in f.readers)  # the Pillow plugins safe open lets read a file
# How a job or a command may spell a format it wants written: jpeg, jpg, png, webp.
SPELLINGS = {**{f.name.lower(): f.name for f in REGISTRY if f.encodable},
             **{ext.lstrip("."): name for ext, name in WRITTEN_EXTENSIONS.items()}}


def written_by_extension(ext: str) -> str | None:
    """The format artpipe writes for a file extension (``.jpg`` -> JPEG), or None."""
    return WRITTEN_EXTENSIONS.get(ext.lower())


def by_extension(ext: str) -> Format | None:
    """The format a file extension names (``.heic`` -> HEIF, read or written), or None."""
    return next((f for f in REGISTRY if ext.lower() in f.extensions), None)


def suffix(name: str) -> str:
    """The extension artpipe gives a file in format ``name``."""
    return BY_NAME[name].suffix


def sniff(head: bytes) -> Format | None:
    """The format a file's first bytes (16 are enough) say it is, or None."""
    return next((f for f in REGISTRY if f.sniffs(head)), None)


def mime_of(name: str) -> str:
    """The MIME type of a file named ``name`` by its extension (``application/octet-stream`` when unknown)."""
    ext = name[name.rfind("."):] if "." in name else ""
    found = by_extension(ext)
    return found.mime if found else "application/octet-stream"


def default_quality(name: str) -> int:
    """The quality format ``name`` is written at when a job does not say (a lossless one: the JPEG default, which
    it ignores)."""
    return BY_NAME[name].default_quality or BY_NAME["JPEG"].default_quality or 90


def written_list() -> str:
    """For messages: "JPEG, PNG or WEBP"."""
    return ", ".join(WRITTEN[:-1]) + f" or {WRITTEN[-1]}"


def read_list() -> str:
    """For messages: every format artpipe reads, as people spell them ("JPEG, PNG, WebP, HEIC/HEIF, ...")."""
    return ", ".join(f.title for f in REGISTRY)
