"""The studio's SQLite database (studio/db.py): migrated from the files an older studio kept, and refused, in one
line, when it cannot be read or a newer artpipe made it.

``fixtures/studio-main/`` is a workspace's state as the studio before the SQLite schema was versioned kept it
(made with that code: two users, a request approved and one running, a merchant link, two decisions, a session).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from artpipe.config import Workspace
from artpipe.errors import ConfigError
from artpipe.studio.accounts import Accounts
from artpipe.studio.db import DB_FILE
from artpipe.studio.store import Store
from artpipe.studio.users import verify_user

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "studio-main"


def test_a_workspace_kept_by_the_older_studio_is_brought_in_whole(ws: Workspace) -> None:
    ws.state.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE / "studio.db", ws.state / DB_FILE)
    shutil.copy(FIXTURE / "studio-users.yaml", ws.root / "studio-users.yaml")
    store = Store(ws.state / DB_FILE, ws.root)
    assert store.was == 0  # unversioned: made before schema_version
    records = {r.campaign: r for r in store.all()}
    assert records["双十一"].state == "approved"
    assert (records["双十一"].done, records["双十一"].message, records["双十一"].created_by) == (2, "6 images", "anna")
    assert records["spring"].state == "running"
    assert store.interrupt_unfinished(60) == [records["spring"].id]  # its studio is gone: no heartbeat ever
    rid = records["双十一"].id
    assert store.request_of_link("3nRLwj2xN0JuLgx013hh_lzD1-C4_7wq") == rid
    decided = store.decisions(rid)
    assert decided["jd/mug-01/main.jpg"].comment == "bigger logo"
    assert [(d.output, d.state, d.by_name) for d in store.decision_log(rid)] == [
        ("tmall/mug-01/main.jpg", "approved", "Li Wei"), ("jd/mug-01/main.jpg", "changes", "Li Wei")]
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    assert sorted(accounts.users()) == ["anna", "bob"]
    assert verify_user(accounts, "anna", "correct horse battery")
    assert accounts.session_user("C9x1caXdz6oKHGK_W8omxzXzOAaszC_f") == "anna"  # signed in before: still is
    assert not (ws.root / "studio-users.yaml").exists()
    assert (ws.state / "studio-users.yaml.imported").read_bytes() == (FIXTURE / "studio-users.yaml").read_bytes()
    assert {p.name: p.stat().st_mode & 0o777 for p in ws.state.glob("studio.db*")}["studio.db"] == 0o600
    assert all(p.stat().st_mode & 0o077 == 0 for p in ws.state.glob("studio.db*"))  # hashes: the owner's only
    with sqlite3.connect(ws.state / DB_FILE) as db:
        assert [r[0] for r in db.execute("SELECT version FROM schema_version")] == [1, 2]  # once, reopened or not
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_it_cannot_read_is_a_one_line_error(ws: Workspace) -> None:
    path = ws.state / DB_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ConfigError) as broken:
        Store(path, ws.root)
    assert str(broken.value).startswith(f"{path}: the studio's records cannot be read (file is not a database)")
    path.unlink()
    Store(path, ws.root)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (9, 0)")
    with pytest.raises(ConfigError, match=r"made by a newer artpipe \(schema 9, this one knows 2\); upgrade"):
        Store(path, ws.root)
