"""Reading a Photoshop file safely (artpipe/psdimport/read.py): every hostile or damaged file is one classified
line, never a traceback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from psd_tools import PSDImage
from psd_tools.constants import Compression
from test_psdimport_build import banner

from artpipe.api import import_psd
from artpipe.cli.commands import main
from artpipe.defaults import settings
from artpipe.errors import InputError
from artpipe.psdimport import build, read


def _limits(**changes: int) -> object:
    return dataclasses.replace(settings(), psd=dataclasses.replace(settings().psd, **changes))


def _too_many_layers(path: Path) -> None:
    psd = PSDImage.new("RGB", (50, 50))
    for i in range(5):
        psd.create_pixel_layer(Image.new("RGBA", (5, 5), (i, 0, 0, 255)), name=f"L{i}")
    psd.save(path)


def _zip_bomb(path: Path) -> None:
    # 2000x2000 of one colour, ZIP-compressed: a few kilobytes on disk, 16 MB once decoded.
    psd = PSDImage.new("RGB", (2000, 2000))
    psd.create_pixel_layer(Image.new("RGBA", (2000, 2000), (9, 9, 9, 255)), name="flat", compression=Compression.ZIP)
    psd.save(path)


def _cut_short(path: Path) -> None:
    banner(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 10])  # inside the layers' pixel data


def _huge_canvas(path: Path) -> None:
    header = read.HEADER.pack(b"8BPS", 1, 3, 30000, 30000, 8, 3)
    path.write_bytes(header + b"\0" * 64)


def _damaged(path: Path) -> None:
    banner(path)
    data = bytearray(path.read_bytes())
    data[300:330] = b"\xff" * 30  # inside the first layer record (its blend mode)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "limits", "reason", "words"), [
    (lambda p: p.write_bytes(b""), {}, "empty", "the file is empty"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40), {}, "unsupported", "not a Photoshop file"),
    (_cut_short, {}, "truncated", "cut short"),
    (_damaged, {}, "corrupt", "damaged"),
    (_huge_canvas, {}, "too_large", "the canvas is 30000x30000"),
    (_too_many_layers, {"max_layers": 3}, "too_large", "the file has 5 layers, over the limit of 3"),
    (_zip_bomb, {"max_decoded_bytes": 4_000_000}, "bomb", ""),
    (lambda p: p.write_bytes(b"8BPS" + b"\0" * 200), {"max_file_bytes": 100}, "too_large", "over the limit of 100"),
], ids=["empty", "png", "truncated", "damaged", "huge-canvas", "layers", "zip-bomb", "file-bytes"])
def test_a_hostile_file_gives_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: object,
                                             limits: dict[str, int], reason: str, words: str) -> None:
    path = tmp_path / "bad.psd"
    make(path)  # type: ignore[operator]
    monkeypatch.setattr(build, "settings", lambda: _limits(**limits))  # what the import reads, once
    with pytest.raises(InputError) as caught:
        import_psd(path, tmp_path / "out")
    assert caught.value.reason == reason
    assert words in caught.value.message
    result = CliRunner().invoke(main, ["templates", "import", str(path), str(tmp_path / "out2")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"error: {path}: {reason}: ")
    assert not (tmp_path / "out2").exists()


def test_cut_or_damaged_files_never_escape_as_a_traceback(tmp_path: Path) -> None:
    """Cut at 20 places and with bytes overwritten at 20 more: each import succeeds or is a classified reject."""
    data = banner(tmp_path / "banner.psd").read_bytes()
    rng = np.random.default_rng(7)
    blobs = [data[:cut] for cut in range(0, len(data), len(data) // 20)]
    for start in rng.integers(26, 120_000, 20):
        damaged = bytearray(data)
        damaged[start:start + 8] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
        blobs.append(bytes(damaged))
    for i, blob in enumerate(blobs):
        path = tmp_path / f"{i}.psd"
        path.write_bytes(blob)
        outcomes = []
        try:
            import_psd(path, tmp_path / f"out{i}")
        except InputError as exc:
            outcomes.append(exc)
        for exc in outcomes:
            assert exc.reason in ("empty", "truncated", "corrupt", "bomb", "too_large", "unsupported")
            assert "\n" not in str(exc)
