"""Colour management: embedded ICC profiles (and untagged CMYK) to sRGB with LittleCMS."""

from __future__ import annotations

import io
from functools import cache, lru_cache

from PIL import Image, ImageCms

from artpipe.reasons import Note, WarningKind


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


def profile_name(icc: bytes | None) -> str | None:
    """The description of an embedded profile, "invalid" when unreadable, None when there is none."""
    if not icc:
        return None
    try:
        return (ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))) or "").strip() or "unnamed"
    except (OSError, ImageCms.PyCMSError):
        return "invalid"


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    desc = (ImageCms.getProfileDescription(profile) or "").lower()
    return "srgb" in desc and "linear" not in desc


def to_srgb_image(im: Image.Image, icc: bytes | None, *, cmyk_fallback: ImageCms.ImageCmsProfile,
                  intent: ImageCms.Intent = ImageCms.Intent.PERCEPTUAL,
                  ) -> tuple[Image.Image, str | None, tuple[Note, ...]]:
    """Return (image, step name or None when nothing was done, warnings).

    Never a bare ``convert("RGB")`` on tagged or CMYK pixels: an embedded profile is honoured, and CMYK
    without one is read through ``cmyk_fallback`` (a press profile) with a ``cmyk_converted`` warning.
    The perceptual intent keeps out-of-gamut colours (CMYK, wide-gamut camera files) smooth, not clipped.
    """
    warns: tuple[Note, ...] = ()
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        except (OSError, ImageCms.PyCMSError):
            src, warns = None, (Note(WarningKind.PROFILE_INVALID),)
        if src is not None and not (_is_srgb(src) and im.mode in ("RGB", "RGBA")):
            converted = _convert_with(im, src, intent)
            if converted is not None:
                kind = WarningKind.CMYK_CONVERTED if im.mode == "CMYK" else WarningKind.PROFILE_CONVERTED
                return converted, f"to_srgb:icc:{im.mode}", (Note(kind),)
            warns = (Note(WarningKind.PROFILE_INVALID),)
    if im.mode == "CMYK":
        converted = _convert_with(im, cmyk_fallback, intent)
        if converted is not None:
            return converted, "to_srgb:cmyk_fallback", (*warns, Note(WarningKind.CMYK_CONVERTED))
        return im.convert("RGB"), "to_srgb:cmyk_formula", (*warns, Note(WarningKind.CMYK_CONVERTED))
    return im, ("to_srgb:profile_ignored" if warns else None), warns


@lru_cache(maxsize=32)
def _transform(profile: bytes, mode: str, intent: ImageCms.Intent) -> ImageCms.ImageCmsTransform:
    """The LittleCMS transform from ``profile`` (its bytes) in ``mode`` to sRGB, built once per process: building
    one costs as much as applying it to a photo, and a batch's photos share a handful of profiles."""
    return ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(profile)), srgb_profile(), mode, "RGB",
                                   renderingIntent=intent)


def _convert_with(im: Image.Image, src: ImageCms.ImageCmsProfile, intent: ImageCms.Intent) -> Image.Image | None:
    alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
    base = im.convert("RGB" if im.mode == "RGBA" else "L") if alpha is not None else im
    try:
        out = ImageCms.applyTransform(base, _transform(src.tobytes(), base.mode, intent))
    except (ImageCms.PyCMSError, ValueError, OSError):
        return None  # a profile that does not match the pixels (e.g. an RGB profile on CMYK data)
    assert out is not None
    if alpha is not None:
        out.putalpha(alpha)
    return out
