"""A hostile input corpus, generated (not committed): every kind of file merchants and the internet send.

``build(folder)`` writes the files and returns {file name: expected (status, reason)}; a reason of
None means accepted. Each entry says how it was made.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.report.outcome import Outcome

Expected = tuple[str, str | None]


def photo(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A product on a light backdrop, as in a studio shot."""
    im = Image.new("RGB", size, (238, 238, 236))
    w, h = size
    ImageDraw.Draw(im).rounded_rectangle((w * 0.3, h * 0.2, w * 0.7, h * 0.85), radius=12, fill=(30, 80, 170))
    return im


def cutout() -> Image.Image:
    """A product on transparency with a soft edge."""
    im = Image.new("RGBA", (300, 300), (200, 10, 10, 0))
    ImageDraw.Draw(im).ellipse((60, 60, 240, 240), fill=(200, 10, 10, 255))
    return im


def jpeg_bytes(im: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def png_bytes(im: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG", **kw)
    return buf.getvalue()


def build(folder: Path) -> dict[str, Expected]:
    folder.mkdir(parents=True, exist_ok=True)
    good = jpeg_bytes(photo())
    exif = Image.Exif()
    exif[0x0112] = 6
    frames = [photo((200, 150)), Image.new("RGB", (200, 150), (255, 0, 0))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    files: dict[str, tuple[bytes, Expected]] = {
        "ok.jpg": (good, ("ok", None)),
        "camera.HEIC": (jpeg_bytes(photo((600, 450))), ("ok", None)),         # a JPEG behind the wrong name
        "scan.jfif": (jpeg_bytes(photo((500, 400))), ("ok", None)),
        "sideways.jpg": (jpeg_bytes(photo(), exif=exif.tobytes()), ("ok", None)),
        "print.jpg": (jpeg_bytes(photo().convert("CMYK")), ("ok", None)),    # CMYK, no profile
        "cutout.png": (png_bytes(cutout()), ("ok", None)),
        "grey16.png": (png_bytes(Image.new("I;16", (64, 64), 40000)), ("ok", None)),
        "palette.png": (png_bytes(photo().quantize(16), transparency=0), ("ok", None)),
        "bits.bmp": (_save(photo().convert("1"), "BMP"), ("ok", None)),
        "anim.gif": (gif.getvalue(), ("ok", None)),                           # multi-frame: first frame + warning
        "pages.tiff": (_save(photo(), "TIFF"), ("ok", None)),
        "empty.jpg": (b"", ("rejected", "empty")),
        "cut.jpg": (good[: len(good) // 3], ("rejected", "truncated")),
        "page.jpg": (b"<!doctype html><html><body>404</body></html>", ("rejected", "unsupported")),
        "flyer.jpg": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ("rejected", "unsupported")),
        "logo.eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", ("rejected", "unsupported")),
        "bomb.png": (png_bytes(Image.new("1", (12000, 12000))), ("rejected", "bomb")),
        "notes.txt": (b"call the merchant", ("rejected", "unsupported")),
        "photo.jpg.part": (good[:1000], ("ignored", None)),
        "photo.jpg.crdownload": (good[:1000], ("ignored", None)),
        ".photo.jpg.Ab12Cd": (good[:1000], ("ignored", None)),                  # rsync's temp name
        "~$brief.docx": (b"lock", ("ignored", None)),
        "._ok.jpg": (b"\x00\x05\x16\x07", ("ignored", None)),
        ".DS_Store": (b"\x00\x00\x00\x01Bud1", ("ignored", None)),
        "Thumbs.db": (b"\xd0\xcf\x11\xe0", ("ignored", None)),
        "scratch.tmp": (good, ("ignored", None)),
        "Ünïcödé 商品 photo.jpg": (jpeg_bytes(photo((320, 240))), ("ok", None)),
        ("x" * 240 + ".jpg"): (jpeg_bytes(photo((100, 80))), ("ok", None)),  # a 244-byte name
    }
    expected: dict[str, Expected] = {}
    for name, (data, verdict) in files.items():
        (folder / name).write_bytes(data)
        expected[name] = verdict
    (folder / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    (folder / "sub" / "deeper" / "ok.jpg").write_bytes(jpeg_bytes(photo((300, 200))))  # same name, other folder
    expected["sub/deeper/ok.jpg"] = ("ok", None)
    (folder / "again").mkdir(exist_ok=True)
    (folder / "again" / "ok.jpg").write_bytes(good)  # the same photo dropped twice: a byte-identical copy
    expected["again/ok.jpg"] = ("duplicate", None)
    (folder / "video.download").mkdir(exist_ok=True)
    (folder / "video.download" / "part.jpg").write_bytes(good)  # inside an ignored folder: never seen
    os.symlink(folder / "gone.jpg", folder / "dangling.jpg")
    expected["dangling.jpg"] = ("rejected", "missing")
    outside = folder.parent / "outside.jpg"
    outside.write_bytes(good)
    os.symlink(outside, folder / "escape.jpg")
    expected["escape.jpg"] = ("rejected", "unsupported")
    return expected


def heic_claiming_1x1() -> bytes:
    """A normal 640x480 HEIC (encoded with pillow-heif) whose ``ispe`` box is patched to say 1x1: libheif then
    refuses the real 640x480 picture with a RuntimeError ("Security limit exceeded") while decoding it."""
    import pillow_heif

    buf = io.BytesIO()
    pillow_heif.from_pillow(photo()).save(buf, quality=50)
    data = bytearray(buf.getvalue())
    at = data.find(b"ispe")  # box type; then version/flags (4 bytes), width and height (4 bytes each, big-endian)
    assert at > 0, "pillow-heif wrote no ispe box"
    data[at + 8:at + 16] = struct.pack(">II", 1, 1)
    return bytes(data)


def _save(im: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def dies_on_three(task: int) -> Outcome:
    """A worker that kills its own process on task 3, as the OOM killer would (module level: pool workers
    import it)."""
    if task == 3:
        os._exit(9)
    return Outcome(str(task), "ok")


def lost_number(task: int, why: str) -> Outcome:
    return Outcome(str(task), "failed", "corrupt", why)
