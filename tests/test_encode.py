"""Encoding a canvas (artpipe/imaging/encode.py): flattening, the sRGB tag, every written format."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.encode import EncodeOptions, encode, flatten


def quadrants(w: int = 80, h: int = 40) -> Image.Image:
    im = Image.new("RGB", (w, h), (255, 0, 0))
    im.paste((0, 0, 255), (0, h // 2, w, h))
    return im


def test_jpeg_output_is_srgb_tagged_without_exif() -> None:
    # Sources that really carry EXIF, GPS and XMP, in every format, are in test_privacy.py.
    src = quadrants()
    data = encode(src, EncodeOptions(format="JPEG", quality=90))
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG"
    assert out.info.get("icc_profile") == srgb_icc_bytes()
    assert "exif" not in out.info
    assert not out.getexif()


def test_flatten_has_no_dark_halo() -> None:
    im = Image.new("RGBA", (10, 1), (255, 255, 255, 0))
    for x in range(10):
        im.putpixel((x, 0), (255, 255, 255, x * 28))  # a white edge fading out
    flat = flatten(im, (255, 255, 255))
    assert all(flat.getpixel((x, 0)) == (255, 255, 255) for x in range(10))


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("WEBP", "RGBA"), ("JPEG", "RGB")])
def test_encode_formats(fmt: str, mode: str) -> None:
    im = Image.new("RGBA", (16, 16), (200, 10, 10, 128))
    out = Image.open(io.BytesIO(encode(im, EncodeOptions(format=fmt))))
    assert out.format == fmt
    assert out.mode == mode
    assert out.size == (16, 16)
