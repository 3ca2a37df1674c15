"""Open an untrusted PSD or PSB: refuse what is too big before decoding, and classify every failure.

The header (26 bytes) is read first, so a file claiming a huge canvas is refused without parsing its layers;
psd-tools then parses with its own structural limits (``ParseLimits``) and an allocation ceiling
(``max_alloc_bytes``) that its decoders check before they allocate, which is what stops zip bombs.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

from psd_tools import ParseLimitError, ParseLimits, PSDImage

from artpipe.defaults import PsdSettings, settings
from artpipe.errors import InputError

T = TypeVar("T")
HEADER = struct.Struct(">4sH6xHIIHH")  # signature, version, (reserved), channels, height, width, depth, colour mode
VERSIONS = {1: "PSD", 2: "PSB"}
# psd-tools logs what it skips in a damaged file (engine data, a tagged block); with no handler configured those
# lines would reach the terminal through logging's last resort. The import reports in its own words instead.
logging.getLogger("psd_tools").addHandler(logging.NullHandler())


def check_header(path: Path, data: bytes, limits: PsdSettings) -> tuple[int, int]:
    """The canvas (width, height) the header declares, or a classified reject for a file not to parse."""
    where = str(path)
    if not data:
        raise InputError(where, "empty", "the file is empty (export the PSD again)")
    if len(data) < HEADER.size:
        raise InputError(where, "truncated", "the file ends inside its header (copy it again)")
    signature, version, channels, height, width, depth, _mode = HEADER.unpack(data[:HEADER.size])
    if signature != b"8BPS" or version not in VERSIONS:
        raise InputError(where, "unsupported", "not a Photoshop file (give a .psd or .psb saved by Photoshop)")
    if not (1 <= channels <= 56 and depth in (1, 8, 16, 32) and width > 0 and height > 0):
        raise InputError(where, "corrupt", "the header is damaged (save the file again from Photoshop)")
    if max(width, height) > limits.max_side or width * height > limits.max_pixels:
        raise InputError(where, "too_large", f"the canvas is {width}x{height}, over the limit of "
                         f"{limits.max_pixels:,} pixels or {limits.max_side} px a side (crop or scale it down)")
    return width, height


def check_sections(path: Path, fh: BinaryIO, size: int) -> None:
    """Refuse a file cut short: its sections (colour mode data, image resources, layers) declare their lengths,
    and psd-tools reads a short layer section as empty layers rather than failing."""
    fh.seek(4)
    version = struct.unpack(">H", fh.read(2))[0]
    pos = HEADER.size
    for wide in (False, False, version == 2):  # the layer section's length is 8 bytes in a PSB
        fh.seek(pos)
        raw = fh.read(8 if wide else 4)
        if len(raw) < (8 if wide else 4):
            break
        pos += len(raw) + struct.unpack(">Q" if wide else ">I", raw)[0]
    else:
        if pos + 2 <= size:  # then the merged image: at least its compression method
            return
    raise InputError(str(path), "truncated", f"the file is cut short ({size:,} bytes, its sections need more); "
                     "copy it again")


def open_psd(path: Path, limits: PsdSettings | None = None) -> PSDImage:
    """Open ``path`` as a layered Photoshop document within ``limits`` (default: defaults.yaml ``psd``)."""
    limits = limits or settings().psd
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(where, "missing", f"cannot read it ({exc.strerror})") from None
    if size > limits.max_file_bytes:
        raise InputError(where, "too_large", f"the file is {size:,} bytes, over the limit of "
                         f"{limits.max_file_bytes:,} (flatten hidden layers or save without the preview)")
    with path.open("rb") as fh:
        check_header(path, fh.read(HEADER.size), limits)
        check_sections(path, fh, size)
    parse = ParseLimits(max_read_bytes=limits.max_decoded_bytes, max_total_bytes=limits.max_decoded_bytes,
                        max_objects=limits.max_layers * 500)
    psd = guarded(path, lambda: PSDImage.open(path, max_alloc_bytes=limits.max_decoded_bytes,
                                              parse_limits=parse))
    count = sum(1 for _ in psd.descendants())
    if count > limits.max_layers:
        raise InputError(where, "too_large", f"the file has {count} layers, over the limit of "
                         f"{limits.max_layers} (merge the fixed art first)")
    return psd


def guarded(path: Path, work: Callable[[], T]) -> T:
    """Run ``work`` (parsing or decoding the file) with its failures turned into one-line classified rejects."""
    with classified(path):
        return work()
    raise AssertionError  # pragma: no cover  (classified re-raises; mypy cannot see that)


@contextmanager
def classified(path: Path) -> Iterator[None]:
    """Turn what psd-tools raises on a hostile or broken file into an ``InputError`` with a reason."""
    where = str(path)
    try:
        yield
    except InputError:
        raise
    except ParseLimitError as exc:
        raise InputError(where, "bomb", f"the file asks for more than allowed to read it ({exc})") from None
    except MemoryError:
        raise InputError(where, "bomb", "decoding the file needs more memory than allowed") from None
    except (EOFError, struct.error) as exc:
        raise InputError(where, "truncated", f"the file is cut short ({exc or 'unexpected end'}); copy it again"
                         ) from None
    except ImportError as exc:
        # psd-tools draws some layers (stroked vector shapes) with an optional library; say which, not a traceback
        first = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(where, "unsupported", f"drawing its layers needs a library that is not installed "
                         f"({first}; pip install 'psd-tools[composite]')") from None
    except zlib.error as exc:
        raise InputError(where, "corrupt", f"compressed layer data is damaged ({exc})") from None
    except (ValueError, TypeError, KeyError, IndexError, OSError, AssertionError, OverflowError,
            NotImplementedError, UnicodeDecodeError, AttributeError) as exc:
        # psd-tools reports a damaged structure, an allocation over max_alloc_bytes or an unsupported feature
        # with these built-in types; the allocation refusal says so in its message.
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        bomb = "alloc" in text.lower() or "exceed" in text.lower()
        raise InputError(where, "bomb" if bomb else "corrupt",
                         f"{'decoding would need too much memory' if bomb else 'the file is damaged'} ({text})"
                         ) from None
