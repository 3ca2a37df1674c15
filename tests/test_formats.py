"""The format table (artpipe/imaging/formats.py) walked entry by entry: what it says about each format is what
the encoder writes, what safe open sniffs and what a page says the file is."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import InputError
from artpipe.imaging.encode import EncodeOptions, encode
from artpipe.imaging.formats import BY_NAME, REGISTRY, WRITTEN, default_quality, mime_of, sniff
from artpipe.imaging.open import UNSUPPORTED, open_image
from artpipe.report.proof import proof_page


def canvas() -> Image.Image:
    """A red square on a transparent field: shows whether a format kept alpha or flattened it."""
    im = Image.new("RGBA", (48, 32), (0, 0, 0, 0))
    im.paste((200, 20, 20, 255), (8, 8, 40, 24))
    return im


@pytest.mark.parametrize("name", WRITTEN)
def test_every_written_format_round_trips_encode_sniff_mime(name: str) -> None:
    fmt = BY_NAME[name]
    data = encode(canvas(), EncodeOptions(format=name, quality=default_quality(name), background=(0, 0, 255)))
    assert sniff(data[:16]) is fmt  # safe open recognises what the encoder wrote
    assert mime_of(f"out{fmt.suffix}") == fmt.mime
    assert all(mime_of(f"OUT{ext.upper()}") == fmt.mime for ext in fmt.extensions)
    with Image.open(io.BytesIO(data)) as im:
        assert im.format in fmt.readers
        corner = im.convert("RGBA").getpixel((1, 1))
        centre = im.convert("RGBA").getpixel((24, 16))
    assert isinstance(corner, tuple)
    assert isinstance(centre, tuple)
    if fmt.alpha:
        assert corner[3] == 0  # transparency kept
    else:
        assert corner[3] == 255
        assert corner[2] > 200
        assert corner[0] < 40
    assert centre[0] > 150
    assert centre[1] < 80


def test_every_format_says_how_it_starts_what_it_is_and_who_reads_it() -> None:
    seen: set[str] = set()
    for fmt in REGISTRY:
        assert fmt.magic, fmt.name
        assert fmt.readers, fmt.name
        assert fmt.title, fmt.name
        assert fmt.mime.startswith("image/"), fmt.name
        assert not seen & set(fmt.extensions), f"{fmt.name} shares an extension"
        seen |= set(fmt.extensions)
        low, high = fmt.quality_range
        assert 0 <= low <= default_quality(fmt.name) <= high <= 100
        assert fmt.title in UNSUPPORTED  # the message about a foreign file names every format read
        assert fmt.encodable == (fmt.name in WRITTEN)
    assert sniff(b"%PDF-1.7\n" + b"\x00" * 8) is None
    assert sniff(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 8) is None  # an MP4 video is not a HEIF


def test_the_proof_page_labels_each_embedded_image_with_its_own_type(tmp_path: Path) -> None:
    """An AVIF embedded in a proof page was labelled image/jpeg, which browsers refuse to show."""
    outputs = []
    for name in WRITTEN:
        path = tmp_path / f"shot{BY_NAME[name].suffix}"
        path.write_bytes(encode(canvas(), EncodeOptions(format=name)))
        outputs.append(str(path))
    report = {"items": [{"input": "a.jpg", "sku": "a", "status": "ok", "outputs": outputs, "warnings": []}]}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    page = proof_page(tmp_path, "spring", "Acme", "", embed=True)
    for name in WRITTEN:
        assert f'src="data:{BY_NAME[name].mime};base64,' in page, name
    if "AVIF" in WRITTEN:
        assert page.count("data:image/jpeg;base64,") == 1  # the JPEG only, not the AVIF too


@pytest.mark.parametrize("name", [f.name for f in REGISTRY if f.readers[0] in ("PNG", "GIF", "TIFF", "HEIF")])
def test_a_file_that_starts_like_a_format_but_is_damaged_is_named_by_it(tmp_path: Path, name: str) -> None:
    fmt = BY_NAME[name]
    head = bytearray(16)
    for at, part in fmt.magic[0]:
        head[at:at + len(part)] = part
    path = tmp_path / f"bad{fmt.suffix}"
    path.write_bytes(bytes(head) + b"\x13\x37" * 200)
    with pytest.raises(InputError) as info:
        open_image(path)
    assert info.value.reason == "corrupt"
    assert f"a {fmt.title} by its first bytes" in info.value.message
