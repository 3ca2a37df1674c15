from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from artpipe.ignore import ignored
from artpipe.naming import Namer, safe_stem


@pytest.mark.parametrize(("name", "why"), [
    ("photo.jpg.part", "a partial download"), ("photo.jpg.crdownload", "a partial download"),
    (".mug.jpg.f3Xa9Q", "a hidden or temporary file (rsync writes .name.XXXXXX while copying)"),
    ("x.TMP", "a temporary file"), ("~$brief.docx", "an office lock file"), ("._mug.jpg", "macOS metadata"),
    (".DS_Store", "a system file"), ("Thumbs.db", "a system file"), ("desktop.ini", "a system file"),
])
def test_temporary_and_system_files_are_ignored(name: str, why: str) -> None:
    assert ignored(name) == why


@pytest.mark.parametrize("name", ["mug.jpg", "商品 主图.png", "part.jpg", "tmp.png", "download.jpg"])
def test_real_files_are_not_ignored(name: str) -> None:
    assert ignored(name) is None


def test_download_folders_are_ignored() -> None:
    assert ignored("video.download", folder=True) == "a partial download"
    assert ignored("photos", folder=True) is None


@pytest.mark.parametrize(("stem", "expected"), [
    ("mug", "mug"), ("Ünïcödé 商品", "Ünïcödé 商品"), ("a:b*c?", "a_b_c_"), (".hidden", "hidden"), ("", "_"),
    ("Cafe\u0301", "Café"),  # NFD from macOS becomes NFC
])
def test_safe_stem(stem: str, expected: str) -> None:
    assert safe_stem(stem, 200) == expected


def test_safe_stem_cuts_at_a_character_boundary() -> None:
    cut = safe_stem("商" * 100, 200)  # 3 bytes each
    assert cut == "商" * 66
    assert len(cut.encode()) <= 200


def test_namer_never_collides_even_across_case() -> None:
    namer = Namer(200)
    names = [namer.name(PurePosixPath(p), ".jpg").as_posix() for p in ["a.png", "a.jpg", "A.jpeg", "sub/a.png"]]
    assert names == ["a.jpg", "a-2.jpg", "A-3.jpg", "sub/a.jpg"]
