"""Photos already in the workspace that a request may use (studio/service/photos.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from studiocase import new_workspace, opened

from artpipe.config import Workspace
from artpipe.studio.service.context import Studio
from artpipe.studio.service.photos import picked


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return new_workspace(tmp_path)


@pytest.fixture
def studio(ws: Workspace) -> Iterator[Studio]:
    with opened(ws) as studio:
        yield studio


def test_only_archive_and_inbox_photos_can_be_picked(studio: Studio) -> None:
    ws = studio.ws
    (ws.archive / "a.jpg").write_bytes(b"archived")
    (ws.root / "artpipe.yaml").read_bytes()
    got = picked(ws, ["archive/a.jpg", "artpipe.yaml", "../../etc/passwd", "archive/../artpipe.yaml", "inbox/none"])
    assert [(u.name, u.data) for u in got] == [("a.jpg", b"archived")]
