from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from artpipe.errors import InputError
from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.encode import EncodeOptions, encode, flatten
from artpipe.imaging.normalize import (
    NORMALIZE,
    NormalizeOptions,
    analyze,
    assess,
    limit_size,
    normalize,
    orient,
    steps_for,
    to_8bit,
    to_rgb,
    to_srgb,
    trim,
    unpalette,
    whiten_backdrop,
)
from artpipe.imaging.open import open_image
from artpipe.reasons import tokens

from conftest import grain

QUADS = {"tl": (255, 0, 0), "tr": (0, 255, 0), "bl": (0, 0, 255), "br": (255, 255, 0)}
# The transpose that, applied to an upright picture, gives what a camera stores for each EXIF orientation.
STORED = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
          7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}


def quadrants(w: int = 80, h: int = 40) -> Image.Image:
    im = Image.new("RGB", (w, h))
    for name, box in {"tl": (0, 0, w // 2, h // 2), "tr": (w // 2, 0, w, h // 2),
                      "bl": (0, h // 2, w // 2, h), "br": (w // 2, h // 2, w, h)}.items():
        im.paste(QUADS[name], box)
    return im


def close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


def test_pipeline_order_is_pinned() -> None:
    assert NORMALIZE == (orient, to_8bit, unpalette, to_srgb, to_rgb, analyze, assess)
    full = steps_for(NormalizeOptions(trim=True, max_size=100, white_backdrop=True))
    names = [getattr(s, "func", s).__name__ for s in full]
    assert names == ["orient", "to_8bit", "unpalette", "to_srgb", "to_rgb", "analyze", "assess", "whiten_backdrop",
                     "trim", "limit_size"]
    assert steps_for(NormalizeOptions()) == NORMALIZE
    assert {trim, limit_size, whiten_backdrop}.isdisjoint(steps_for(NormalizeOptions()))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_makes_the_picture_upright(tmp_path: Path, orientation: int) -> None:
    upright = quadrants()
    op = STORED[orientation]
    stored = upright.transpose(op) if op is not None else upright  # FLIP_LEFT_RIGHT is 0
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"o{orientation}.jpg"
    stored.save(path, quality=95, exif=exif.tobytes())
    asset = normalize(open_image(path))
    assert asset.image.size == (80, 40)
    for name, (x, y) in {"tl": (10, 10), "tr": (70, 10), "bl": (10, 30), "br": (70, 30)}.items():
        assert close(asset.image.getpixel((x, y)), QUADS[name]), (orientation, name)
    assert (f"orient:{orientation}" in asset.steps) == (orientation != 1)


def test_invalid_orientation_is_upright_with_a_warning(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 42
    path = tmp_path / "bad.jpg"
    quadrants().save(path, exif=exif.tobytes())
    asset = normalize(open_image(path))
    assert "exif_invalid" in tokens(asset.warnings)
    assert close(asset.image.getpixel((10, 10)), QUADS["tl"])


def test_cmyk_becomes_rgb_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "c.jpg"
    Image.new("CMYK", (20, 20), (255, 0, 0, 0)).save(path)  # pure cyan ink
    asset = normalize(open_image(path))
    assert asset.image.mode == "RGB"
    assert "cmyk_converted" in tokens(asset.warnings)
    assert "to_srgb:cmyk_fallback" in asset.steps
    # Printed process cyan on coated paper is (0, 159, 228) in sRGB; Pillow's bare formula would say
    # (0, 255, 255), a colour no press can print.
    assert close(asset.image.getpixel((10, 10)), (0, 159, 228), tol=8)


def test_palette_transparency_never_leaks_its_colour(tmp_path: Path) -> None:
    im = Image.new("P", (20, 20), 0)
    im.putpalette([255, 0, 255] + [10, 20, 30] + [0] * 762)
    im.paste(1, (5, 5, 15, 15))
    path = tmp_path / "p.png"
    im.save(path, transparency=0)
    asset = normalize(open_image(path))
    assert asset.image.mode == "RGBA"
    assert asset.image.getpixel((0, 0))[3] == 0
    assert asset.image.getpixel((10, 10)) == (10, 20, 30, 255)
    flat = flatten(asset.image, (255, 255, 255))
    assert (255, 0, 255) not in {c for _, c in flat.getcolors(1000) or []}
    assert asset.subject == (5, 5, 15, 15)


def test_16_bit_grey_is_scaled_not_clamped(tmp_path: Path) -> None:
    im = Image.new("I;16", (4, 1))
    for x, v in enumerate((0, 257 * 64, 257 * 128, 65535)):
        im.putpixel((x, 0), v)
    path = tmp_path / "g16.png"
    im.save(path)
    asset = normalize(open_image(path))
    assert [asset.image.getpixel((x, 0)) for x in range(4)] == [(0, 0, 0), (64, 64, 64), (128, 128, 128),
                                                                (255, 255, 255)]


@pytest.mark.parametrize(("mode", "expected_mode"), [("1", "RGB"), ("L", "RGB"), ("LA", "RGBA"), ("RGBA", "RGB")])
def test_modes_standardize(tmp_path: Path, mode: str, expected_mode: str) -> None:
    path = tmp_path / "m.png"
    im = Image.new(mode, (8, 8))
    if mode == "LA":
        im.putpixel((0, 0), (0, 0))
    if mode == "RGBA":
        im = Image.new("RGBA", (8, 8), (1, 2, 3, 255))  # fully opaque alpha is dropped
    im.save(path)
    assert normalize(open_image(path)).image.mode == expected_mode


def test_srgb_tagged_image_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.jpg"
    quadrants().save(path, icc_profile=srgb_icc_bytes())
    asset = normalize(open_image(path))
    assert not any(s.startswith("to_srgb") for s in asset.steps)


DATA = Path(__file__).parent / "data"


def test_wide_gamut_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    icc = (DATA / "adobe-rgb-compatible.icc").read_bytes()
    im = Image.new("RGB", (3, 1))
    im.putpixel((0, 0), (128, 128, 128))  # neutral grey
    im.putpixel((1, 0), (60, 160, 60))    # a mid green: Adobe RGB green is more saturated than sRGB's
    im.putpixel((2, 0), (255, 255, 255))
    path = tmp_path / "adobe.png"
    im.save(path, icc_profile=icc)
    asset = normalize(open_image(path))
    assert "profile_converted" in tokens(asset.warnings)
    grey, green, white = (asset.image.getpixel((x, 0)) for x in range(3))
    assert max(grey) - min(grey) <= 2  # stays neutral
    assert green[1] - green[0] > 100  # the same green shown in sRGB is more saturated...
    assert green[0] < 60  # ...so its red drops
    assert white == (255, 255, 255)


def test_garbage_profile_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "junk.png"
    quadrants().save(path, icc_profile=b"not a profile at all")
    asset = normalize(open_image(path))
    assert "profile_invalid" in tokens(asset.warnings)
    assert close(asset.image.getpixel((10, 10)), QUADS["tl"], tol=0)


def test_unusable_profile_does_not_crash(tmp_path: Path) -> None:
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    path = tmp_path / "lab.png"
    quadrants().save(path, icc_profile=lab)
    assert normalize(open_image(path)).image.mode == "RGB"


def reject(path: Path, **kw: int) -> InputError:
    with pytest.raises(InputError) as info:
        open_image(path, **kw)
    return info.value


def test_rejects_are_classified(tmp_path: Path) -> None:
    good = io.BytesIO()
    quadrants(400, 300).save(good, "JPEG", quality=90)
    data = good.getvalue()
    cases = {
        "empty.jpg": (b"", "empty", "the file is empty (0 bytes); copy it again"),
        "cut.jpg": (data[: len(data) // 2], "truncated", "the file is cut short"),
        "page.jpg": (b"<html><body>not a photo</body></html>", "unsupported", "not an image artpipe reads"),
        "doc.jpg": (b"%PDF-1.7\n...", "unsupported", "PDF files are not accepted; export a JPEG or PNG"),
        "art.eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n", "unsupported", "PostScript files are not accepted"),
    }
    for name, (content, reason, text) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        err = reject(path)
        assert (err.reason, err.path) == (reason, str(path)), name
        assert text in err.message, (name, err.message)
    assert reject(tmp_path / "nope.jpg").reason == "missing"


def test_corrupt_png_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    quadrants().save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[60:70] = b"\xff" * 10  # inside IDAT: bad CRC / bad zlib stream
    path = tmp_path / "bad.png"
    path.write_bytes(bytes(data))
    assert reject(path).reason in ("corrupt", "truncated")


def test_bomb_and_too_large(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (400, 400)).save(blank)  # 160,000 pixels in a few hundred bytes
    err = reject(blank, max_pixels=1000)
    assert err.reason == "bomb"
    assert "decompression bomb" in err.message
    noisy = tmp_path / "noisy.png"
    grain((400, 400), 80).save(noisy)
    err = reject(noisy, max_pixels=1000)
    assert err.reason == "too_large"
    assert "400x400 is more than the 1000 pixels allowed" in err.message
    assert reject(noisy, max_file_bytes=100).reason == "too_large"


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "q.jpg"
    quadrants().save(path)
    before = path.read_bytes()
    normalize(open_image(path))
    assert path.read_bytes() == before


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


def _shot(path: Path, product: tuple[int, int, int, int]) -> None:
    im = Image.new("RGB", (4000, 3000), (236, 234, 230))
    im.paste((40, 90, 170), product)
    im.save(path, quality=90)


def test_a_large_jpeg_is_decoded_only_as_large_as_its_boxes_need(tmp_path: Path) -> None:
    """The smallest DCT scale at which the frame keeps twice the pixels of its largest fit (Pillow's reducing
    gap, so the final resize stays sharp) and a trimmed product is never enlarged."""
    from artpipe.imaging.geometry import Fitted
    from artpipe.run.tasks import load_asset
    _shot(tmp_path / "small.jpg", (1700, 1200, 2300, 1800))  # the product spans 600 of 4000 px
    _shot(tmp_path / "large.jpg", (400, 100, 3600, 2900))  # the product spans 3200 px
    cases = [("small.jpg", Fitted(100, 100, trim=True), (1000, 750)),  # 1/4: the product spans 150 >= 100
             ("small.jpg", Fitted(200, 200, trim=True), (2000, 1500)),  # 1/4 would give 150 < 200: 1/2
             ("small.jpg", Fitted(400, 400, trim=True), (4000, 3000)),  # at 1/2 only 300 < 400: in full
             ("large.jpg", Fitted(100, 100, trim=True), (500, 375)),  # 1/8: frame 500 >= 2 x 133, product 400
             ("large.jpg", Fitted(400, 300), (1000, 750)),  # the whole frame fitted into 400x300: 2 x 400 -> 1/4
             ("large.jpg", Fitted(1500, 1500, trim=True), (4000, 3000))]
    for name, box, size in cases:
        asset = load_asset(tmp_path / name, (box,))
        assert asset.image.size == size, (name, box)
        assert asset.original_size == (4000, 3000)  # quality judged on the file's real size
        if box.trim:
            span = max(asset.subject[2] - asset.subject[0], asset.subject[3] - asset.subject[1])
            assert span >= min(box.width, 3200) - 8  # never so small that the product must be enlarged
    two = load_asset(tmp_path / "large.jpg", (Fitted(100, 100, trim=True), Fitted(400, 300)))
    assert two.image.size == (1000, 750)  # the largest need of all its boxes
    png = tmp_path / "cut.png"
    Image.new("RGB", (4000, 3000), (236, 234, 230)).save(png)
    # No DCT scaling: decoded in full, then reduced by the largest whole factor the same rules allow.
    assert load_asset(png, (Fitted(100, 100),)).image.size == (200, 150)  # 2 x the 100 x 75 fit
    assert load_asset(png, (Fitted(1500, 1500),)).image.size == (4000, 3000)  # 3000 needed: not even 1/2
    cut = Image.new("RGBA", (4000, 3000), (0, 0, 0, 0))
    cut.paste((200, 40, 40, 255), (1700, 1200, 2300, 1800))  # the product spans 600 px
    cut.save(tmp_path / "cut-out.png")
    trimmed = load_asset(tmp_path / "cut-out.png", (Fitted(300, 300, trim=True),))
    assert trimmed.image.size == (2000, 1500)  # 1/2 keeps the product at 300 px, its box: never enlarged
    assert trimmed.subject[2] - trimmed.subject[0] >= 298


def test_a_heic_cut_short_is_truncated_and_one_that_lies_is_too_large(tmp_path: Path) -> None:
    from hostile import heic_claiming_1x1

    lying = tmp_path / "lying.heic"
    lying.write_bytes(heic_claiming_1x1())
    err = reject(lying)
    assert err.reason == "too_large"
    assert "Security limit exceeded" in err.message
    cut = tmp_path / "cut.heic"
    cut.write_bytes(heic_claiming_1x1()[:-200])  # libheif: "Unexpected end of file"
    assert reject(cut).reason == "truncated"
