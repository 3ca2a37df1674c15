from __future__ import annotations

import pytest

from artpipe.ignore import ignored


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


