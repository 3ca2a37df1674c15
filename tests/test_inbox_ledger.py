"""The inbox ledger (inbox/ledger.py): every input by path and content hash through its states, in SQLite; paths
stored as data, relative to the workspace, and rows an earlier version wrote still read."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path, PurePosixPath

from inboxcase import workspace

from artpipe.config import load_workspace
from artpipe.inbox.ledger import Entry, Ledger, workspace_path
from artpipe.inbox.watch import Watcher
from artpipe.reasons import Reason

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
    ledger = Ledger(tmp_path / "state" / "ledger.db")  # the workspace is tmp_path, the folder holding state/
    mug = ledger.begin("acme/mug.jpg", "a" * 64)
    bad = ledger.begin("acme/bad.jpg", "b" * 64)
    copy = ledger.begin("acme/mug-copy.jpg", "a" * 64)
    assert [e.rel for e in ledger.unfinished()] == [PurePosixPath("acme/mug.jpg"), PurePosixPath("acme/bad.jpg"),
                                                    PurePosixPath("acme/mug-copy.jpg")]
    assert ledger.done_with("a" * 64) is None  # not rendered yet
    ledger.finish(mug, "done", outputs=[tmp_path / "outbox/acme/mug/a.jpg"], moved_to=tmp_path / "archive/acme/mug.jpg",
                  latency_ms=120.0)
    ledger.finish(bad, "failed", reason=Reason.TRUNCATED, message="the file is cut short",
                  moved_to=tmp_path / "failed/acme/bad.jpg")
    ledger.finish(copy, "duplicate", moved_to=tmp_path / "archive/acme/mug-copy.jpg")
    assert ledger.unfinished() == []
    assert ledger.done_with("a" * 64) == Entry(mug, PurePosixPath("acme/mug.jpg"), "a" * 64, "done", None, "",
                                               PurePosixPath("archive/acme/mug.jpg"),
                                               (PurePosixPath("outbox/acme/mug/a.jpg"),))
    assert ledger.failed() == [Entry(bad, PurePosixPath("acme/bad.jpg"), "b" * 64, "failed", Reason.TRUNCATED,
                                     "the file is cut short", PurePosixPath("failed/acme/bad.jpg"))]
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


# The table as versions before paths were data created it, and a row as they wrote it.
OLD_SCHEMA = """
CREATE TABLE inputs (
    id INTEGER PRIMARY KEY, rel TEXT NOT NULL, sha256 TEXT, state TEXT NOT NULL, reason TEXT, message TEXT,
    outputs TEXT, moved_to TEXT, received REAL NOT NULL, stable REAL, finished REAL, latency_ms REAL);
"""


def old_ledger(root: Path) -> Path:
    """A ledger as an earlier version left it: a rendered photo, a failed one, one a newer version failed."""
    path = root / ".artpipe" / "ledger.db"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    rows = [
        ("acme/mug.jpg", "a" * 64, "done", None, "", json.dumps(["studio/outbox/acme/mug/product-main-square.jpg",
                                                                 f"{root}/outbox/acme/mug/product-main-wide.jpg"]),
         f"{root}/archive/acme/mug.jpg"),
        ("acme/broken.jpg", "b" * 64, "failed", "config", "merchant.yaml:1:1: bad", "[]",
         f"{root}/failed/acme/broken.jpg"),
        ("acme/odd.jpg", "c" * 64, "failed", "some_newer_reason", "?", None, "/elsewhere/failed/acme/odd.jpg"),
    ]
    db.executemany("INSERT INTO inputs (rel, sha256, state, reason, message, outputs, moved_to, received) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, 0)", rows)
    db.commit()
    db.close()
    return path


def test_paths_are_stored_relative_to_the_workspace(tmp_path: Path) -> None:
    root = tmp_path / "my studio"
    ledger = Ledger(root / ".artpipe" / "ledger.db")
    row = ledger.begin("acme/mug.jpg", "a" * 64)
    ledger.finish(row, "done", outputs=[root / "outbox" / "acme" / "mug" / "a b.jpg", tmp_path / "other" / "x.jpg"],
                  moved_to=root / "archive" / "acme" / "mug.jpg")
    failed = ledger.begin("acme/bad.jpg", "b" * 64)
    ledger.finish(failed, "failed", reason=Reason.ROUTE, message="no route", moved_to=root / "failed" / "bad.jpg")
    stored = ledger.db.execute("SELECT rel, outputs, moved_to, reason FROM inputs ORDER BY id").fetchall()
    assert stored == [
        ("acme/mug.jpg", json.dumps(["outbox/acme/mug/a b.jpg", (tmp_path / "other" / "x.jpg").as_posix()]),
         "archive/acme/mug.jpg", None),
        ("acme/bad.jpg", "[]", "failed/bad.jpg", "route"),
    ]
    done, bad = ledger.entries()
    assert done.rel == PurePosixPath("acme/mug.jpg")
    assert done.outputs == (PurePosixPath("outbox/acme/mug/a b.jpg"), PurePosixPath(tmp_path / "other" / "x.jpg"))
    assert done.moved_to == PurePosixPath("archive/acme/mug.jpg")
    assert bad.reason is Reason.ROUTE
    assert ledger.failed() == [bad]
    ledger.close()


def test_a_ledger_an_earlier_version_wrote_still_reads(tmp_path: Path) -> None:
    root = tmp_path / "studio"
    ledger = Ledger(old_ledger(root))
    done, broken, odd = ledger.entries()
    # Absolute paths inside the workspace read as the relative ones this version stores; the rest as written.
    assert done.moved_to == PurePosixPath("archive/acme/mug.jpg")
    assert done.outputs == (PurePosixPath("studio/outbox/acme/mug/product-main-square.jpg"),
                            PurePosixPath("outbox/acme/mug/product-main-wide.jpg"))
    assert (broken.reason, broken.moved_to, broken.outputs) == (Reason.CONFIG, PurePosixPath("failed/acme/broken.jpg"),
                                                                 ())
    assert (odd.reason, odd.moved_to) == (None, PurePosixPath("/elsewhere/failed/acme/odd.jpg"))
    assert ledger.done_with("a" * 64) == done
    assert ledger.counts()["failed"] == 2
    # New rows go into the same table beside the old ones.
    row = ledger.begin("acme/cup.jpg", "d" * 64)
    ledger.finish(row, "done", outputs=[root / "outbox" / "acme" / "cup" / "x.jpg"], moved_to=root / "cup.jpg")
    assert ledger.entries()[-1].outputs == (PurePosixPath("outbox/acme/cup/x.jpg"),)
    ledger.close()


def test_workspace_path_folds_dots_but_keeps_what_is_outside(tmp_path: Path) -> None:
    root = tmp_path / "studio"
    assert workspace_path(root, root / "outbox" / ".." / "archive" / "a.jpg") == PurePosixPath("archive/a.jpg")
    assert workspace_path(root, tmp_path / "outside.jpg") == PurePosixPath((tmp_path / "outside.jpg").as_posix())
