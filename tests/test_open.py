"""Safe open (artpipe/imaging/open.py): bad inputs are refused with a classified reason and a message that says
what to do."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import InputError
from artpipe.imaging.open import open_image

from conftest import grain


def quadrants(w: int = 80, h: int = 40) -> Image.Image:
    im = Image.new("RGB", (w, h), (255, 0, 0))
    im.paste((0, 0, 255), (0, h // 2, w, h))
    return im


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


def test_a_decoded_file_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    quadrants(80, 40).save(path, quality=90, exif=exif.tobytes(), icc_profile=b"icc bytes as stored")
    decoded = open_image(path)
    assert (decoded.path, decoded.format, decoded.file_bytes) == (str(path), "JPEG", path.stat().st_size)
    assert decoded.orientation == 6  # read, not yet applied: the pixels are as stored
    assert decoded.image.size == decoded.original_size == (80, 40)
    assert decoded.icc == b"icc bytes as stored"
    assert decoded.warnings == ()
    assert set(decoded.image.info) <= {"transparency", "icc_profile"}  # no EXIF travels with the pixels


def test_a_jpeg_draft_is_decoded_smaller_but_knows_its_stored_size(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    quadrants(800, 400).save(path, quality=90)
    decoded = open_image(path, draft_side=200)
    assert decoded.original_size == (800, 400)
    assert decoded.image.size == (200, 100)  # DCT scale 1/4: still covers 200 px on the long side
    png = tmp_path / "big.png"
    quadrants(800, 400).save(png)
    assert open_image(png, draft_side=200).image.size == (800, 400)  # only JPEG has a draft mode


def test_a_webp_shorter_than_its_header_says_is_truncated(tmp_path: Path) -> None:
    buf = io.BytesIO()
    grain((64, 64), 60).save(buf, "WEBP", quality=80)
    data = buf.getvalue()
    path = tmp_path / "cut.webp"
    path.write_bytes(data[:-100])
    err = reject(path)
    assert err.reason == "truncated"
    assert err.message == ("the file is 100 bytes shorter than its header says (an unfinished copy or download?); "
                           "send it again")


def test_a_folder_is_not_a_regular_file_and_bytes_in_memory_are_sniffed_too(tmp_path: Path) -> None:
    folder = tmp_path / "photo.jpg"
    folder.mkdir()
    err = reject(folder)
    assert (err.reason, err.path) == ("unsupported", str(folder))
    assert err.message.startswith("not a regular file")
    from artpipe.imaging.open import open_untrusted
    with pytest.raises(InputError) as info:
        open_untrusted(io.BytesIO(b"%PDF-1.4 rest"), "upload.pdf")
    assert (info.value.reason, info.value.path) == ("unsupported", "upload.pdf")
    assert "PDF files are not accepted" in info.value.message
    good = io.BytesIO()
    quadrants().save(good, "PNG")
    good.seek(0)
    assert open_untrusted(good, "upload.png").size == (80, 40)
