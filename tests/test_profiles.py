"""Bundled colour profiles (artpipe/imaging/profiles/__init__.py): the CMYK fallback and the rendering intent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import ImageCms

from artpipe.imaging import profiles


@pytest.fixture
def color(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """Settings whose ``color`` section a test fills in; the cached fallback profile is forgotten around it."""
    section = SimpleNamespace(cmyk_fallback="cmyk-fallback.icc", intent="perceptual")
    monkeypatch.setattr(profiles, "settings", lambda: SimpleNamespace(color=section))
    profiles.cmyk_fallback.cache_clear()
    yield section
    profiles.cmyk_fallback.cache_clear()


def test_the_bundled_fallback_is_the_fogra39_press_profile(color: SimpleNamespace) -> None:
    profile = profiles.cmyk_fallback()
    assert profile.profile.xcolor_space.strip() == "CMYK"
    assert "FOGRA39" in ImageCms.getProfileDescription(profile)
    assert profiles.cmyk_fallback() is profile  # loaded once per process


def test_a_fallback_named_by_path_is_read_from_that_path(color: SimpleNamespace, tmp_path: Path) -> None:
    own = tmp_path / "press.icc"
    own.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    color.cmyk_fallback = str(own)
    assert profiles.cmyk_fallback().profile.xcolor_space.strip() == "RGB"


@pytest.mark.parametrize(("name", "intent"), [
    ("perceptual", ImageCms.Intent.PERCEPTUAL),
    ("relative_colorimetric", ImageCms.Intent.RELATIVE_COLORIMETRIC),
    ("saturation", ImageCms.Intent.SATURATION),
    ("absolute_colorimetric", ImageCms.Intent.ABSOLUTE_COLORIMETRIC),
])
def test_the_intent_setting_names_a_littlecms_intent(color: SimpleNamespace, name: str,
                                                     intent: ImageCms.Intent) -> None:
    color.intent = name
    assert profiles.intent() is intent
