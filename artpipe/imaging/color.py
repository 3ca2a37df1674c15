"""Colour management: embedded ICC profiles (and untagged CMYK) to sRGB with LittleCMS."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageCms

# Perceptual intent keeps out-of-gamut colours (CMYK, wide-gamut camera files) smooth rather than clipped.
_INTENT = ImageCms.Intent.PERCEPTUAL


@cache
def srgb_profile() -> ImageCms.ImageCmsProfile:
    """LittleCMS's built-in sRGB profile."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc_bytes() -> bytes:
    """The sRGB profile as bytes, for tagging outputs; identical in every process and run.

    LittleCMS stamps the creation time into the header (bytes 24-35) and derives the profile ID
    (bytes 84-99) from it, so two workers would embed different bytes; both are zeroed (an all-zero
    ID means "not computed", which the ICC spec allows).
    """
    data = bytearray(srgb_profile().tobytes())
    data[24:36] = bytes(12)
    data[84:100] = bytes(16)
    return bytes(data)


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    desc = (ImageCms.getProfileDescription(profile) or "").lower()
    return "srgb" in desc and "linear" not in desc


def to_srgb_image(im: Image.Image, icc: bytes | None) -> tuple[Image.Image, str | None, tuple[str, ...]]:
    """Return (image, step name or None when nothing was done, warnings)."""
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        except (OSError, ImageCms.PyCMSError):
            src = None
        if src is not None and not (_is_srgb(src) and im.mode in ("RGB", "RGBA")):
            converted = _convert_with(im, src)
            if converted is not None:
                warns = ("cmyk_converted",) if im.mode == "CMYK" else ("profile_converted",)
                return converted, f"to_srgb:icc:{im.mode}", warns
    if im.mode == "CMYK":
        # No usable profile: Pillow's plain CMYK->RGB formula; colours may be off, so the designer is told.
        return im.convert("RGB"), "to_srgb:cmyk_untagged", ("cmyk_converted",)
    return im, None, ()


def _convert_with(im: Image.Image, src: ImageCms.ImageCmsProfile) -> Image.Image | None:
    alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
    base = im.convert("RGB" if im.mode == "RGBA" else "L") if alpha is not None else im
    try:
        out = ImageCms.profileToProfile(base, src, srgb_profile(), renderingIntent=_INTENT, outputMode="RGB")
    except (ImageCms.PyCMSError, ValueError, OSError):
        return None  # a profile that does not match the pixels (e.g. an RGB profile on CMYK data)
    assert out is not None
    if alpha is not None:
        out.putalpha(alpha)
    return out
