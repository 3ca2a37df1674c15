"""Safe open: sniff by content, refuse what Pillow must not decode, decode fully, classify failures.

This is the only imaging module that touches the disk. Every failure becomes an ``InputError`` with a
reason class from ``errors.REJECT_REASONS`` and a message that says what to do.
"""

from __future__ import annotations

import math
import stat
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from PIL import Image, UnidentifiedImageError

from artpipe.defaults import settings
from artpipe.errors import InputError
from artpipe.imaging.formats import READERS, read_list, sniff
from artpipe.reasons import Note, WarningKind

# Pillow would hand these to Ghostscript; never let it (CVE-prone, and not product photos anyway).
_REFUSED_MAGIC = {b"%!PS": "PostScript", b"\xc5\xd0\xd3\xc6": "EPS", b"%PDF": "PDF"}
EXIF_WARNING = "artpipe.exif_warning"  # set in a just-opened image's info when Pillow warned about its EXIF
_PADDING_SHARE = 0.25  # a JPEG whose tail is this much zeros is a damaged copy
# Pixels per byte of file above which a huge image is a decompression bomb rather than a big photo.
_BOMB_PIXELS_PER_BYTE = 100


@dataclass(frozen=True)
class Decoded:
    """A fully decoded first frame and what the file said about itself."""

    image: Image.Image
    path: str
    format: str
    file_bytes: int
    icc: bytes | None
    orientation: int = 1  # EXIF orientation 1-8 (1 = upright); applied by the normalize pipeline
    warnings: tuple[Note, ...] = ()
    original_size: tuple[int, int] = (0, 0)  # as stored in the file, before any draft scaling


UNSUPPORTED = (f"not an image artpipe reads ({read_list()}); export it as JPEG "
               "(on an iPhone: Settings > Camera > Formats > Most Compatible; in Photoshop: File > Export > JPEG)")


@cache
def register_plugins() -> None:
    """Register every Pillow plugin, once per process, so the allow-list can name formats like MPO and AVIF."""
    Image.init()


@cache
def register_heif() -> None:
    """Register pillow-heif's HEIF opener (iPhone photos) the first time a file is an ISO media file (libheif
    is loaded only then). libheif applies a HEIC's rotation (irot/imir) while decoding and pillow-heif then
    reports EXIF orientation 1, so the orientation step never turns it twice."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # a build without it reads everything else; HEIC files are then `unsupported`
        return
    register_heif_opener()


# What decoders say when a file asks for more memory than their safety limits allow (libheif's "Security limit
# exceeded", libavif's and Pillow's allocation failures): the file is too large for them, not merely damaged.
_TOO_LARGE_WORDS = ("security limit", "memory allocation", "cannot allocate", "out of memory", "too large")


def _classify_decode_error(exc: BaseException) -> tuple[str, str]:
    text = " ".join(str(exc).split())[:200]  # one line, whatever the decoder put in its message
    if isinstance(exc, MemoryError) or any(word in text.lower() for word in _TOO_LARGE_WORDS):
        why = text or "out of memory"
        return "too_large", (f"the decoder refused it as too large for its safety limits ({why}); export it "
                             "again as a JPEG of at most a few thousand pixels a side")
    if "truncated" in text or isinstance(exc, EOFError) or "broken data stream" in text or \
            "end of file" in text.lower():  # libheif: "Unexpected end of file"
        return "truncated", "the file is cut short (an unfinished copy or download?); send it again"
    return "corrupt", f"the image data is damaged ({text or type(exc).__name__}); re-export it from the source"


@contextmanager
def decoder_errors(name: str) -> Iterator[None]:
    """Whatever a decoder plugin raises while a file is opened or decoded becomes an InputError for that file
    only. Plugins raise what they like (pillow-heif a RuntimeError from libheif, others ValueError, TypeError,
    KeyError, MemoryError...), so this catches the class, every Exception, and classifies it."""
    try:
        yield
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(name, "bomb", "the image claims a huge pixel size for its file size "
                         "(decompression bomb); it was not decoded") from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure is this file's reject reason, classified
        reason, message = _classify_decode_error(exc)
        raise InputError(name, reason, message) from None


def open_image(path: Path, *, max_pixels: int | None = None, max_file_bytes: int | None = None,
               draft_side: int | None = None) -> Decoded:
    """Open and fully decode ``path``'s first frame, or raise InputError with a reason class.

    ``draft_side``: the result only needs to cover this many pixels on its longest side, so a JPEG is
    decoded at the smallest DCT scale (1/2, 1/4, 1/8) that still does: far less work than a full decode.
    """
    name = str(path)
    max_pixels = max_pixels or settings().image.max_pixels
    max_file_bytes = max_file_bytes or settings().image.max_file_bytes
    try:
        info = path.stat()
        size = info.st_size
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block open() until someone writes to it
            raise InputError(name, "unsupported", "not a regular file (a pipe, socket or device); "
                             "copy the image file itself")
    except FileNotFoundError:
        raise InputError(name, "missing", "no such file; check the path in the job") from None
    except OSError as exc:
        raise InputError(name, "missing", f"cannot read it ({exc.strerror}); check permissions") from None
    if size == 0:
        raise InputError(name, "empty", "the file is empty (0 bytes); copy it again")
    if size > max_file_bytes:
        raise InputError(name, "too_large", f"{size} bytes is more than the {max_file_bytes} allowed; "
                         "export a smaller file")
    short = _declared_length_missing(path, size)
    if short:
        raise InputError(name, "truncated", f"the file is {short} bytes shorter than its header says (an "
                         "unfinished copy or download?); send it again")
    with bomb_guard(), decoder_errors(name):
        im = open_untrusted(path, name)
        try:
            decoded = _decode(im, name, size, max_pixels, draft_side)
        except BaseException:
            im.close()
            raise
        if decoded.image is not im:  # the pixels were copied out: let the file go
            im.close()
    if decoded.format == "JPEG" and _zero_tail(path, size) >= _PADDING_SHARE * size:
        # A copy cut short and padded with zeros up to an end marker decodes "fine" to flat grey.
        raise InputError(name, "corrupt", "most of the file is zero padding (a damaged copy); send the original "
                         "again")
    return decoded


def _declared_length_missing(path: Path, size: int) -> int:
    """How many bytes a RIFF (WebP) or BMP file lacks of the length its header declares (0: none)."""
    with path.open("rb") as fh:
        head = fh.read(12)
    declared = 0
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        declared = struct.unpack("<I", head[4:8])[0] + 8
    elif head[:2] == b"BM" and len(head) >= 6:
        declared = struct.unpack("<I", head[2:6])[0]
    return max(0, declared - size)


def _zero_tail(path: Path, size: int) -> int:
    """How many zero bytes come right before a file's last two bytes (its end marker)."""
    zeros, end = 0, max(0, size - 2)
    with path.open("rb") as fh:
        while end > 0:
            start = max(0, end - (1 << 16))
            fh.seek(start)
            block = fh.read(end - start)
            kept = block.rstrip(b"\x00")
            zeros += len(block) - len(kept)
            if kept:
                break
            end = start
    return zeros


@contextmanager
def bomb_guard() -> Iterator[None]:
    """Pillow's DecompressionBombWarning raised as an error: a bomb-sized image slipped under its limit."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def open_untrusted(source: Path | IO[bytes], name: str) -> Image.Image:
    """Open (not yet decode) untrusted bytes, a file or an in-memory one, the only way artpipe opens them:
    PostScript, EPS and PDF refused by content (Pillow would run Ghostscript), only the allowed formats tried,
    every failure an InputError with a reason class. Use it inside ``bomb_guard``."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            head = fh.read(16)
    else:
        head = source.read(16)
        source.seek(0)
    for magic, kind in _REFUSED_MAGIC.items():
        if head.startswith(magic):
            raise InputError(name, "unsupported", f"{kind} files are not accepted; export a JPEG or PNG")
    register_plugins()
    if head[4:8] == b"ftyp":  # HEIC, HEIF, AVIF
        register_heif()
    # Pillow warns above its own default (89.5 MP) and refuses at twice that: follow the configured limit
    # instead, so a 95 MP photo under a 120 MP limit opens (our own check in _decode enforces the limit).
    Image.MAX_IMAGE_PIXELS = settings().image.max_pixels
    allowed = [f for f in READERS if f in Image.OPEN]
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Pillow warns (to stderr) about a damaged EXIF block while sniffing a JPEG for MPO: keep it as a
            # note for the report instead; bomb warnings stay errors.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.filterwarnings("always", category=UserWarning)
            im = Image.open(source, formats=allowed)
        if any("EXIF" in str(w.message) for w in caught):
            im.info[EXIF_WARNING] = True
        return im
    except UnidentifiedImageError:
        ours = sniff(head)
        if ours is not None:  # it is one of ours by its first bytes, yet no reader took it: damaged
            raise InputError(name, "corrupt", f"a {ours.title} by its first bytes, but its data is damaged (a bad "
                             "checksum or header); re-export it from the source") from None
        raise InputError(name, "unsupported", UNSUPPORTED) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(name, "bomb", "the image claims a huge pixel size for its file size "
                         "(decompression bomb); it was not decoded") from None
    except Exception as exc:  # noqa: BLE001 - any plugin's error while opening: this file's reject reason
        reason, message = _classify_decode_error(exc)
        raise InputError(name, reason, message) from None


def _decode(im: Image.Image, name: str, size: int, max_pixels: int, draft_side: int | None) -> Decoded:
    w, h = im.size
    if w * h > max_pixels:
        if w * h > size * _BOMB_PIXELS_PER_BYTE:
            raise InputError(name, "bomb", f"{w}x{h} pixels from a {size}-byte file is a decompression "
                             "bomb; it was not decoded")
        raise InputError(name, "too_large", f"{w}x{h} is more than the {max_pixels} pixels allowed; "
                         "downsize it first")
    notes: list[Note] = [Note(WarningKind.EXIF_INVALID)] if im.info.pop(EXIF_WARNING, False) else []
    if getattr(im, "n_frames", 1) > 1:
        notes.append(Note(WarningKind.MULTI_FRAME))
        im.seek(0)
    fmt = im.format or "unknown"
    icc = im.info.get("icc_profile")
    if draft_side and fmt == "JPEG" and max(w, h) > draft_side:
        # draft() keeps both axes at least as large as asked; ask for the aspect-true size whose longest
        # side is draft_side (EXIF rotation later swaps axes but not which one is longest).
        k = draft_side / max(w, h)
        im.draft(im.mode, (math.ceil(w * k), math.ceil(h * k)))
    im.load()  # a failure is classified by decoder_errors around the whole decode
    orientation = _orientation(im, notes)
    # Most formats close their file once decoded: the image is then used as it is. One that keeps its file
    # open (more frames, a memory map) is copied out, so the file can be let go.
    kept = getattr(im, "_fp", None)
    image = im if not getattr(im, "map", None) and (kept is None or getattr(kept, "closed", False)) else im.copy()
    image.info = {k: v for k, v in im.info.items() if k in ("transparency", "icc_profile")}
    return Decoded(image, name, fmt, size, icc if isinstance(icc, bytes) else None, orientation, tuple(notes),
                   (w, h))


def _orientation(im: Image.Image, notes: list[Note]) -> int:
    """EXIF orientation, or 1 with an ``exif_invalid`` note when the EXIF block is unreadable or out of range."""
    with warnings.catch_warnings(record=True) as caught:  # Pillow warns (to stderr) about some bad EXIF blocks
        warnings.simplefilter("always")
        try:
            value = im.getexif().get(0x0112, 1)
        except (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, TypeError, KeyError):
            notes.append(Note(WarningKind.EXIF_INVALID))
            return 1
    if caught and Note(WarningKind.EXIF_INVALID) not in notes:
        notes.append(Note(WarningKind.EXIF_INVALID))
    if not isinstance(value, int) or not 1 <= value <= 8:
        notes.append(Note(WarningKind.EXIF_INVALID))
        return 1
    return value
