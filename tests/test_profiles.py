"""Bundled colour profiles (artpipe/imaging/profiles/__init__.py): the CMYK fallback and the rendering intent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageCms

from artpipe.defaults import settings
from artpipe.imaging import profiles


def test_the_bundled_fallback_is_the_fogra39_press_profile() -> None:
    name = settings().color.cmyk_fallback
    profile = profiles.cmyk_fallback(name)
    assert profile.profile.xcolor_space.strip() == "CMYK"
    assert "FOGRA39" in ImageCms.getProfileDescription(profile)
    assert profiles.cmyk_fallback(name) is profile  # loaded once per process


def test_a_fallback_named_by_path_is_read_from_that_path(tmp_path: Path) -> None:
    # The name is an argument: no settings to patch, and no cached profile of another name in the way.
    own = tmp_path / "press.icc"
    own.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert profiles.cmyk_fallback(str(own)).profile.xcolor_space.strip() == "RGB"


@pytest.mark.parametrize(("name", "intent"), [
    ("perceptual", ImageCms.Intent.PERCEPTUAL),
    ("relative_colorimetric", ImageCms.Intent.RELATIVE_COLORIMETRIC),
    ("saturation", ImageCms.Intent.SATURATION),
    ("absolute_colorimetric", ImageCms.Intent.ABSOLUTE_COLORIMETRIC),
])
def test_the_intent_setting_names_a_littlecms_intent(name: str, intent: ImageCms.Intent) -> None:
    assert profiles.intent(name) is intent
