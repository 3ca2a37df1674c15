"""Image formats in one place: what each is called, its file extensions and MIME type, whether it keeps alpha,
takes a quality, and whether artpipe writes it (AVIF when this Pillow has its encoder, as the official wheels
do). Every table of formats elsewhere is derived from this one."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import features


@dataclass(frozen=True)
class Format:
    """One image format as Pillow names it (``im.format``)."""

    name: str  # JPEG, PNG, WEBP ...
    extensions: tuple[str, ...]  # the first is the one artpipe writes
    mime: str
    alpha: bool  # keeps transparency
    lossy: bool  # takes a quality
    encodable: bool  # artpipe writes it (the others are read, or named by a marketplace's rules)

    @property
    def suffix(self) -> str:
        return self.extensions[0]


REGISTRY: tuple[Format, ...] = (
    Format("JPEG", (".jpg", ".jpeg"), "image/jpeg", alpha=False, lossy=True, encodable=True),
    Format("PNG", (".png",), "image/png", alpha=True, lossy=False, encodable=True),
    Format("WEBP", (".webp",), "image/webp", alpha=True, lossy=True, encodable=True),
    Format("GIF", (".gif",), "image/gif", alpha=True, lossy=False, encodable=False),
    Format("BMP", (".bmp",), "image/bmp", alpha=False, lossy=False, encodable=False),
    Format("TIFF", (".tif", ".tiff"), "image/tiff", alpha=True, lossy=False, encodable=False),
    Format("AVIF", (".avif",), "image/avif", alpha=True, lossy=True, encodable=bool(features.check("avif"))),
    Format("HEIF", (".heic", ".heif"), "image/heif", alpha=True, lossy=True, encodable=False),
)
BY_NAME = {f.name: f for f in REGISTRY}
NAMES = tuple(BY_NAME)  # every format a marketplace rule may name
WRITTEN = tuple(f.name for f in REGISTRY if f.encodable)  # every format artpipe writes
WRITTEN_EXTENSIONS = {ext: f.name for f in REGISTRY if f.encodable for ext in f.extensions}
IMAGE_EXTENSIONS = tuple(ext for f in REGISTRY for ext in f.extensions)
# How a job or a command may spell a format it wants written: jpeg, jpg, png, webp.
SPELLINGS = {**{f.name.lower(): f.name for f in REGISTRY if f.encodable},
             **{ext.lstrip("."): name for ext, name in WRITTEN_EXTENSIONS.items()}}


def written_by_extension(ext: str) -> str | None:
    """The format artpipe writes for a file extension (``.jpg`` -> JPEG), or None."""
    return WRITTEN_EXTENSIONS.get(ext.lower())


def suffix(name: str) -> str:
    """The extension artpipe gives a file in format ``name``."""
    return BY_NAME[name].suffix


def written_list() -> str:
    """For messages: "JPEG, PNG or WEBP"."""
    return ", ".join(WRITTEN[:-1]) + f" or {WRITTEN[-1]}"
