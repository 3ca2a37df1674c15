"""Photos already in the workspace that a request may use (studio/service/photos.py)."""

from __future__ import annotations

from artpipe.studio.service.context import Studio
from artpipe.studio.service.photos import picked


def test_only_archive_and_inbox_photos_can_be_picked(studio: Studio) -> None:
    ws = studio.ws
    (ws.archive / "a.jpg").write_bytes(b"archived")
    (ws.root / "artpipe.yaml").read_bytes()
    got = picked(ws, ["archive/a.jpg", "artpipe.yaml", "../../etc/passwd", "archive/../artpipe.yaml", "inbox/none"])
    assert [(u.name, u.data) for u in got] == [("a.jpg", b"archived")]
