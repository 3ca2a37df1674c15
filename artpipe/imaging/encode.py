"""Encode a rendered RGBA canvas into output bytes: flatten where the format has no alpha, tag sRGB.

Outputs never carry the merchant's EXIF/GPS: the canvas is a new image, and only the sRGB profile is
attached.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.formats import WRITTEN_EXTENSIONS

EXTENSIONS = WRITTEN_EXTENSIONS  # the older name
SUBSAMPLING = ("4:2:0", "4:2:2", "4:4:4")


@dataclass(frozen=True)
class EncodeOptions:
    """How to write one output."""

    format: str = "JPEG"  # one of formats.WRITTEN
    quality: int = 90
    background: tuple[int, int, int] = (255, 255, 255)  # what transparency becomes in JPEG
    progressive: bool = False
    subsampling: str = "4:2:0"
    lossless: bool = False  # WebP only
    speed: int = 6  # AVIF only: encoder effort, 0 slowest and smallest ... 10 fastest
    min_bytes: int | None = None  # a byte budget (see budget.encode_within): a floor...
    max_bytes: int | None = None  # ...and a cap
    min_side: int = 0  # the budget may shrink the image, never below this long side


def flatten(im: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite an RGBA image over a solid colour (premultiplied edges, so no dark halo)."""
    if im.mode == "RGB":
        return im
    if im.mode != "RGBA":
        return im.convert("RGB")
    if im.getchannel("A").getextrema()[0] == 255:  # opaque already (most canvases): nothing to composite
        return im.convert("RGB")
    base = Image.new("RGBA", im.size, (*background, 255))
    return Image.alpha_composite(base, im).convert("RGB")


def encode(im: Image.Image, options: EncodeOptions) -> bytes:
    """Encode ``im`` (RGB or RGBA) to bytes in the requested format."""
    buf = io.BytesIO()
    icc = srgb_icc_bytes()
    if options.format == "JPEG":
        flatten(im, options.background).save(
            buf, "JPEG", quality=options.quality, optimize=True, progressive=options.progressive,
            subsampling=options.subsampling, icc_profile=icc)
    elif options.format == "PNG":
        out = im if im.mode in ("RGB", "RGBA") else im.convert("RGBA")
        if out.mode == "RGBA" and out.getchannel("A").getextrema()[0] == 255:
            out = out.convert("RGB")
        out.save(buf, "PNG", optimize=False, compress_level=6, icc_profile=icc)
    elif options.format == "WEBP":
        im.save(buf, "WEBP", quality=options.quality, lossless=options.lossless, method=4, icc_profile=icc)
    elif options.format == "AVIF":
        im.save(buf, "AVIF", quality=options.quality, speed=options.speed, subsampling=options.subsampling,
                icc_profile=icc)
    else:
        msg = f"unknown output format {options.format!r}"
        raise ValueError(msg)
    return buf.getvalue()
