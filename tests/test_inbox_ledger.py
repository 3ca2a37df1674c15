"""The inbox ledger (inbox/ledger.py): every input by path and content hash through its states, in SQLite."""

from __future__ import annotations

import time
from pathlib import Path

from inboxcase import workspace

from artpipe.config import load_workspace
from artpipe.inbox.ledger import Entry, Ledger
from artpipe.inbox.watch import Watcher

from hostile import jpeg_bytes, photo


def test_a_file_taken_up_again_after_a_crash_keeps_one_ledger_row(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    for i in range(3):  # a new version of the file each time, and a crash while it was being processed
        (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo((600 + i, 450))))
        ledger = Ledger(root / ".artpipe" / "ledger.db")
        ledger.begin("mug.jpg", "0" * 64)
        ledger.close()
        Watcher(load_workspace(root), workers=1, log=lambda _: None).run(once=True)
    ledger = Ledger(root / ".artpipe" / "ledger.db")
    rows = ledger.db.execute("SELECT rel, state FROM inputs ORDER BY id").fetchall()
    ledger.close()
    assert rows == [("mug.jpg", "done"), ("mug.jpg", "done"), ("mug.jpg", "done")]


def test_an_input_goes_through_its_states_and_is_counted(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state" / "ledger.db")
    mug = ledger.begin("acme/mug.jpg", "a" * 64)
    bad = ledger.begin("acme/bad.jpg", "b" * 64)
    copy = ledger.begin("acme/mug-copy.jpg", "a" * 64)
    assert [e.rel for e in ledger.unfinished()] == ["acme/mug.jpg", "acme/bad.jpg", "acme/mug-copy.jpg"]
    assert ledger.done_with("a" * 64) is None  # not rendered yet
    ledger.finish(mug, "done", outputs=["outbox/acme/mug/a.jpg"], moved_to="archive/acme/mug.jpg", latency_ms=120.0)
    ledger.finish(bad, "failed", reason="truncated", message="the file is cut short", moved_to="failed/acme/bad.jpg")
    ledger.finish(copy, "duplicate", moved_to="archive/acme/mug-copy.jpg")
    assert ledger.unfinished() == []
    assert ledger.done_with("a" * 64) == Entry(mug, "acme/mug.jpg", "a" * 64, "done", None, "", "archive/acme/mug.jpg")
    assert ledger.failed() == [Entry(bad, "acme/bad.jpg", "b" * 64, "failed", "truncated", "the file is cut short",
                                     "failed/acme/bad.jpg")]
    assert ledger.counts() == {"seen": 0, "stable": 0, "processing": 0, "done": 1, "failed": 1, "duplicate": 1}
    assert ledger.latency_ms() == [120.0]
    assert ledger.finished_since(time.time() - 60) == 3
    assert ledger.finished_since(time.time() + 60) == 0
    ledger.close()


def test_a_row_a_crash_left_open_is_taken_up_again_not_duplicated(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    row = ledger.begin("mug.jpg", "a" * 64)
    ledger.abandon(row)
    assert ledger.counts()["seen"] == 1
    assert ledger.begin("mug.jpg", "c" * 64) == row  # the same file, new bytes: the same row
    assert ledger.begin("other.jpg", "d" * 64) != row
    assert [(e.id, e.sha256, e.state) for e in ledger.unfinished()] == [(row, "c" * 64, "processing"),
                                                                        (row + 1, "d" * 64, "processing")]
    ledger.close()


def test_a_damaged_ledger_is_kept_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not a database" * 200)
    ledger = Ledger(path)
    assert ledger.recovered is not None
    assert ledger.recovered.name.startswith("ledger.db.damaged-")
    assert ledger.recovered.read_bytes() == b"this is not a database" * 200
    assert ledger.counts()["done"] == 0
    assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    ledger.close()
    assert Ledger(path).recovered is None  # the new one opens as it is
