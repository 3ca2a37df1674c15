"""What the studio hands out to download (studio/service/downloads.py): the proof page alone, or zipped with its
images."""

from __future__ import annotations

import io
import zipfile

from studiocase import SHOTS, campaign

from artpipe.studio.service import downloads
from artpipe.studio.service.context import Studio


def test_the_proof_downloads_under_its_chinese_name(studio: Studio) -> None:
    record = studio.record(campaign(studio))
    page = downloads.proof_file(studio, record)
    assert (page.filename, page.media_type) == ("双十一-proof.html", "text/html; charset=utf-8")
    assert page.body.count(b"data:image/png;base64,") == 3
    bundle = zipfile.ZipFile(io.BytesIO(downloads.proof_zip(studio, record).body))
    assert sorted(bundle.namelist()) == sorted(["双十一/index.html", *(f"双十一/{rel}" for rel in SHOTS)])
