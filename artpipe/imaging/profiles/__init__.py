"""Bundled colour profiles, loaded once per process (see README.md beside this file)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageCms

INTENTS = {
    "perceptual": ImageCms.Intent.PERCEPTUAL,
    "relative_colorimetric": ImageCms.Intent.RELATIVE_COLORIMETRIC,
    "saturation": ImageCms.Intent.SATURATION,
    "absolute_colorimetric": ImageCms.Intent.ABSOLUTE_COLORIMETRIC,
}


@cache
def cmyk_fallback(name: str) -> ImageCms.ImageCmsProfile:
    """The profile assumed for CMYK images that carry none: ``name`` (``color.cmyk_fallback``), a bundled
    profile or a path (loaded once per process)."""
    bundled = Path(str(files("artpipe.imaging").joinpath("profiles", name)))
    return ImageCms.ImageCmsProfile(str(bundled if bundled.is_file() else Path(name)))


def intent(name: str) -> ImageCms.Intent:
    """The rendering intent ``name`` (``color.intent``) as Pillow's constant."""
    return INTENTS[name]
