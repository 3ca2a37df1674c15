"""The studio's records of requests (studio/store.py), shared by two studios on one workspace."""

from __future__ import annotations

import time

from artpipe.config import Workspace
from artpipe.studio.db import DB_FILE
from artpipe.studio.store import Store


def test_two_studios_on_one_workspace_leave_each_others_renders_alone(ws: Workspace) -> None:
    first, second = Store(ws.state / DB_FILE, ws.root), Store(ws.state / DB_FILE, ws.root)
    rid = first.add("double11", "MAISON", "", "studio/requests/x", "anna")
    first.queue(rid, 2)
    first.update(rid, state="running")
    assert second.interrupt_unfinished(60) == []  # the first studio is alive: its render is its own
    assert second.get(rid).state == "running"  # type: ignore[union-attr]
    first.update(rid, heartbeat=time.time() - 61)  # then it was killed: no heartbeat for a minute
    assert second.interrupt_unfinished(60) == [rid]
    assert second.get(rid).state == "interrupted"  # type: ignore[union-attr]
