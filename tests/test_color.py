"""Colour management (artpipe/imaging/color.py): embedded profiles and untagged CMYK into sRGB.

How a whole photo goes through it (the ``to_srgb`` step, its warnings in the asset) is in test_imaging.py; these
call the functions themselves.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from artpipe.defaults import settings
from artpipe.imaging.color import profile_name, srgb_icc_bytes, srgb_profile, to_srgb_image
from artpipe.imaging.profiles import cmyk_fallback
from artpipe.reasons import Note, WarningKind

ADOBE = (Path(__file__).parent / "data" / "adobe-rgb-compatible.icc").read_bytes()


def test_the_srgb_tag_is_the_same_bytes_every_time_with_no_creation_time() -> None:
    data = srgb_icc_bytes()
    assert data[24:36] == bytes(12)  # the creation time LittleCMS stamps
    assert data[84:100] == bytes(16)  # the profile ID derived from it
    assert data == bytes(srgb_icc_bytes.__wrapped__())  # made again: the same bytes
    assert profile_name(data) == profile_name(srgb_profile().tobytes())


def test_profile_name_says_none_invalid_or_the_description() -> None:
    assert profile_name(None) is None
    assert profile_name(b"") is None
    assert profile_name(b"not a profile") == "invalid"
    assert "sRGB" in (profile_name(srgb_icc_bytes()) or "")


def test_an_srgb_or_untagged_rgb_picture_comes_back_untouched() -> None:
    im = Image.new("RGB", (4, 4), (10, 200, 30))
    for icc in (None, srgb_icc_bytes()):
        out, step, notes = to_srgb_image(im, icc, cmyk_fallback=cmyk_fallback(settings().color.cmyk_fallback))
        assert out is im
        assert step is None
        assert notes == ()


def test_a_wide_gamut_picture_is_converted_and_keeps_its_alpha() -> None:
    im = Image.new("RGBA", (2, 1), (60, 160, 60, 77))
    im.putpixel((1, 0), (128, 128, 128, 255))
    out, step, notes = to_srgb_image(im, ADOBE, cmyk_fallback=cmyk_fallback(settings().color.cmyk_fallback))
    assert step == "to_srgb:icc:RGBA"
    assert notes == (Note(WarningKind.PROFILE_CONVERTED),)
    assert out.mode == "RGBA"
    green, grey = out.getpixel((0, 0)), out.getpixel((1, 0))
    assert isinstance(green, tuple)
    assert isinstance(grey, tuple)
    assert green[3] == 77  # alpha passes through the conversion
    assert green[1] - green[0] > 100  # Adobe RGB's green is more saturated shown in sRGB
    assert max(grey[:3]) - min(grey[:3]) <= 2  # a grey stays neutral


def test_untagged_cmyk_goes_through_the_fallback_profile_not_the_naive_formula() -> None:
    cmyk = Image.new("CMYK", (2, 2), (0, 255, 255, 0))  # full magenta and yellow: a press red
    out, step, notes = to_srgb_image(cmyk, None, cmyk_fallback=cmyk_fallback(settings().color.cmyk_fallback))
    assert step == "to_srgb:cmyk_fallback"
    assert notes == (Note(WarningKind.CMYK_CONVERTED),)
    assert out.mode == "RGB"
    red = out.getpixel((0, 0))
    naive = cmyk.convert("RGB").getpixel((0, 0))
    assert naive == (255, 0, 0)
    assert isinstance(red, tuple)
    assert red[0] > 200
    assert red != naive  # a printed red is not screen red: the press profile was used


def test_a_garbage_profile_is_ignored_with_a_warning_and_an_rgb_profile_on_cmyk_falls_back() -> None:
    im = Image.new("RGB", (2, 2), (1, 2, 3))
    out, step, notes = to_srgb_image(im, b"junk", cmyk_fallback=cmyk_fallback(settings().color.cmyk_fallback))
    assert (out.getpixel((0, 0)), step, notes) == ((1, 2, 3), "to_srgb:profile_ignored",
                                                   (Note(WarningKind.PROFILE_INVALID),))
    cmyk = Image.new("CMYK", (2, 2), (0, 0, 0, 0))
    # RGB profile, CMYK pixels
    out, step, notes = to_srgb_image(cmyk, ADOBE, cmyk_fallback=cmyk_fallback(settings().color.cmyk_fallback))
    assert step == "to_srgb:cmyk_fallback"
    assert notes == (Note(WarningKind.PROFILE_INVALID), Note(WarningKind.CMYK_CONVERTED))
    assert out.mode == "RGB"

