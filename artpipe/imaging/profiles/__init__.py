"""Bundled colour profiles, loaded once per process (see README.md beside this file)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageCms

from artpipe.defaults import settings

INTENTS = {
    "perceptual": ImageCms.Intent.PERCEPTUAL,
    "relative_colorimetric": ImageCms.Intent.RELATIVE_COLORIMETRIC,
    "saturation": ImageCms.Intent.SATURATION,
    "absolute_colorimetric": ImageCms.Intent.ABSOLUTE_COLORIMETRIC,
}


@cache
def cmyk_fallback() -> ImageCms.ImageCmsProfile:
    """The profile assumed for CMYK images that carry none (``color.cmyk_fallback``)."""
    name = str(settings().color.cmyk_fallback)
    bundled = Path(str(files("artpipe.imaging").joinpath("profiles", name)))
    return ImageCms.ImageCmsProfile(str(bundled if bundled.is_file() else Path(name)))


def intent() -> ImageCms.Intent:
    """The rendering intent for conversions (``color.intent``)."""
    return INTENTS[str(settings().color.intent)]
