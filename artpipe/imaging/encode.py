"""Encode a rendered RGBA canvas into output bytes: flatten where the format has no alpha, tag sRGB.

Outputs never carry the merchant's EXIF/GPS: the canvas is a new image, and only the sRGB profile is
attached.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.formats import BY_NAME, WRITTEN_EXTENSIONS

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
    """Encode ``im`` (RGB or RGBA) to bytes in the requested format, as its entry in ``formats`` says."""
    fmt = BY_NAME.get(options.format)
    if fmt is None or fmt.save is None:
        msg = f"unknown output format {options.format!r}"
        raise ValueError(msg)
    if not fmt.alpha:
        out = flatten(im, options.background)
    else:
        out = im if im.mode in ("RGB", "RGBA") else im.convert("RGBA")
        if fmt.opaque_drops_alpha and out.mode == "RGBA" and out.getchannel("A").getextrema()[0] == 255:
            out = out.convert("RGB")
    buf = io.BytesIO()
    out.save(buf, fmt.name, **fmt.save(options), icc_profile=srgb_icc_bytes())
    return buf.getvalue()
