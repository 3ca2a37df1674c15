"""The inbox ledger (inbox/ledger.py): every input by path and content hash through its states, in SQLite."""

from __future__ import annotations

from pathlib import Path

from inboxcase import workspace

from artpipe.config import load_workspace
from artpipe.inbox.ledger import Ledger
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
