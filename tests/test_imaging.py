from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageCms

from artpipe.defaults import settings
from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.encode import flatten
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
    full = steps_for(NormalizeOptions(trim=True, max_size=100, white_backdrop=True), rules=settings().normalize)
    names = [getattr(s, "func", s).__name__ for s in full]
    assert names == ["orient", "to_8bit", "unpalette", "to_srgb", "to_rgb", "analyze", "assess", "whiten_backdrop",
                     "trim", "limit_size"]
    assert steps_for(NormalizeOptions(), rules=settings().normalize) == NORMALIZE
    assert {trim, limit_size, whiten_backdrop}.isdisjoint(steps_for(NormalizeOptions(), rules=settings().normalize))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_makes_the_picture_upright(tmp_path: Path, orientation: int) -> None:
    upright = quadrants()
    op = STORED[orientation]
    stored = upright.transpose(op) if op is not None else upright  # FLIP_LEFT_RIGHT is 0
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"o{orientation}.jpg"
    stored.save(path, quality=95, exif=exif.tobytes())
    asset = normalize(open_image(path), rules=settings())
    assert asset.image.size == (80, 40)
    for name, (x, y) in {"tl": (10, 10), "tr": (70, 10), "bl": (10, 30), "br": (70, 30)}.items():
        assert close(asset.image.getpixel((x, y)), QUADS[name]), (orientation, name)
    assert (f"orient:{orientation}" in asset.steps) == (orientation != 1)


def test_invalid_orientation_is_upright_with_a_warning(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 42
    path = tmp_path / "bad.jpg"
    quadrants().save(path, exif=exif.tobytes())
    asset = normalize(open_image(path), rules=settings())
    assert "exif_invalid" in tokens(asset.warnings)
    assert close(asset.image.getpixel((10, 10)), QUADS["tl"])


def test_cmyk_becomes_rgb_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "c.jpg"
    Image.new("CMYK", (20, 20), (255, 0, 0, 0)).save(path)  # pure cyan ink
    asset = normalize(open_image(path), rules=settings())
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
    asset = normalize(open_image(path), rules=settings())
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
    asset = normalize(open_image(path), rules=settings())
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
    assert normalize(open_image(path), rules=settings()).image.mode == expected_mode


def test_srgb_tagged_image_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.jpg"
    quadrants().save(path, icc_profile=srgb_icc_bytes())
    asset = normalize(open_image(path), rules=settings())
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
    asset = normalize(open_image(path), rules=settings())
    assert "profile_converted" in tokens(asset.warnings)
    grey, green, white = (asset.image.getpixel((x, 0)) for x in range(3))
    assert max(grey) - min(grey) <= 2  # stays neutral
    assert green[1] - green[0] > 100  # the same green shown in sRGB is more saturated...
    assert green[0] < 60  # ...so its red drops
    assert white == (255, 255, 255)


def test_garbage_profile_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "junk.png"
    quadrants().save(path, icc_profile=b"not a profile at all")
    asset = normalize(open_image(path), rules=settings())
    assert "profile_invalid" in tokens(asset.warnings)
    assert close(asset.image.getpixel((10, 10)), QUADS["tl"], tol=0)


def test_unusable_profile_does_not_crash(tmp_path: Path) -> None:
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    path = tmp_path / "lab.png"
    quadrants().save(path, icc_profile=lab)
    assert normalize(open_image(path), rules=settings()).image.mode == "RGB"


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "q.jpg"
    quadrants().save(path)
    before = path.read_bytes()
    normalize(open_image(path), rules=settings())
    assert path.read_bytes() == before
