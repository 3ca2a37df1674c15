"""Outputs carry none of the merchant's metadata (README: "carry none of the merchant's EXIF/GPS data").

Each source photo carries a real EXIF block (artist, description, a GPS position in the GPS IFD, 0x8825) and an XMP
packet, each with a marker string, in every format artpipe reads it from: JPEG (APP1), PNG (eXIf and iTXt chunks),
WebP (EXIF and XMP chunks) and HEIC. Every output of ``normalize`` and ``render``, in every format written, is read
back with Pillow (no EXIF, no GPS, no XMP) and searched byte by byte for the marker.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pillow_heif
import pytest
from click.testing import CliRunner
from PIL import ExifTags, Image, PngImagePlugin

from artpipe.cli.commands import main
from artpipe.imaging.formats import WRITTEN

from conftest import product_photo

MARKER = "MERCHANT-SECRET-7f3a"  # would show in an output that copied any of the source's metadata
XMP = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       f'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       f'exif:GPSLatitude="31,14.4N" exif:GPSLongitude="121,28.2E" dc:creator="{MARKER}"/></rdf:RDF></x:xmpmeta>')


def merchant_exif() -> bytes:
    """An EXIF block as a phone writes it: who, what, and where (GPS IFD), the marker in two text tags."""
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = MARKER
    exif[ExifTags.Base.ImageDescription] = f"{MARKER} shot at the warehouse"
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (31.0, 14.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (121.0, 28.0, 12.0)}
    return exif.tobytes()


def save_with_metadata(im: Image.Image, path: Path) -> None:
    """Save ``im`` in the format its suffix names, carrying EXIF (with GPS) and XMP."""
    exif, xmp = merchant_exif(), XMP.encode()
    suffix = path.suffix.lower()
    if suffix == ".heic":
        pillow_heif.from_pillow(im).save(path, quality=90, exif=exif, xmp=xmp)
    elif suffix == ".png":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", XMP)  # where Photoshop and Lightroom put XMP in a PNG
        im.save(path, exif=exif, pnginfo=text)
    else:
        im.save(path, quality=92, exif=exif, xmp=xmp)


def assert_metadata_planted(path: Path) -> None:
    """The source really carries what the outputs must not (else the test proves nothing)."""
    assert MARKER.encode() in path.read_bytes(), path
    with Image.open(path) as im:
        exif = im.getexif()
        assert exif.get(ExifTags.Base.Artist) == MARKER, path
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (31.0, 14.0, 24.0), path


def assert_no_merchant_metadata(path: Path) -> None:
    """No EXIF (so no GPS), no XMP, and the marker nowhere in the bytes."""
    with Image.open(path) as im:
        im.load()
        exif = im.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), f"{path.name} carries a GPS position"
        assert dict(exif) == {}, f"{path.name} carries EXIF {dict(exif)}"
        assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(im.info), f"{path.name}: {sorted(im.info)}"
    assert MARKER.encode() not in path.read_bytes(), f"{path.name} carries the merchant's metadata"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("merchant")
    pillow_heif.register_heif_opener()
    for name in ("phone.jpg", "export.png", "shop.webp", "iphone.heic"):
        save_with_metadata(product_photo((900, 700)), folder / name)
        assert_metadata_planted(folder / name)
    return folder


@pytest.mark.parametrize("fmt", ["auto", "png", "jpeg", "webp"])
def test_normalize_outputs_carry_no_exif_gps_or_xmp(sources: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["normalize", str(sources), "-o", str(out), "--format", fmt, "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    written = sorted(p for p in out.iterdir() if p.name != "report.json")
    assert [p.stem for p in written] == ["export", "iphone", "phone", "shop"]
    for path in written:
        assert_no_merchant_metadata(path)


def test_render_outputs_carry_no_exif_gps_or_xmp(sources: Path, tmp_path: Path) -> None:
    formats = [f.lower() for f in ("JPEG", "PNG", "WEBP", "AVIF") if f in WRITTEN]
    products = "".join(f"  - {{sku: {p.stem}, product: {p}, headline: 春季大促}}\n" for p in sorted(sources.iterdir()))
    job = tmp_path / "job.yaml"
    job.write_text("templates:\n  - template: product-main\n    sizes: [square]\n  - template: promo-banner\n"
                   f"    sizes: [mobile]\nformat: [{', '.join(formats)}]\nproducts:\n{products}", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    outputs = [Path(o) for item in json.loads((out / "report.json").read_text())["items"] for o in item["outputs"]]
    assert len(outputs) == 4 * 2 * len(formats)
    assert {p.suffix for p in outputs} == {f".{f.replace('jpeg', 'jpg')}" for f in formats}
    for path in outputs:
        assert_no_merchant_metadata(path)


def test_encode_drops_the_metadata_a_decoded_photo_brings() -> None:
    """A decoded photo keeps its EXIF and XMP in ``info``, which some of Pillow's savers write out on their own;
    ``encode`` writes none of it, whatever image it is handed."""
    from artpipe.imaging.encode import EncodeOptions, encode

    buf = io.BytesIO()
    product_photo((200, 150)).save(buf, "JPEG", exif=merchant_exif(), xmp=XMP.encode())
    with Image.open(buf) as decoded:
        decoded.load()
        assert {"exif", "xmp"} <= set(decoded.info)
        for fmt in WRITTEN:
            data = encode(decoded, EncodeOptions(format=fmt))
            assert MARKER.encode() not in data, fmt
            with Image.open(io.BytesIO(data)) as out:
                assert dict(out.getexif()) == {}, fmt
