"""The studio's users, sessions and sign-in attempts (studio/accounts.py), shared by two studios on one workspace."""

from __future__ import annotations

import sqlite3

from artpipe.config import Workspace
from artpipe.studio.accounts import Accounts
from artpipe.studio.db import DB_FILE


def test_sign_in_attempts_are_counted_across_studios(ws: Workspace) -> None:
    one, other = Accounts(ws.state / DB_FILE, ws.root), Accounts(ws.state / DB_FILE, ws.root)
    assert [one.take_attempt("name:anna", 5, 900) for _ in range(5)] == [0.0] * 5
    assert 899 < other.take_attempt("name:anna", 5, 900) <= 900  # the sixth, at the other studio: refused
    assert other.take_attempt("name:bob", 5, 900) == 0.0
    one.forgive("name:anna")
    assert other.take_attempt("name:anna", 5, 900) == 0.0


def test_an_address_over_its_limit_adds_no_names(ws: Workspace) -> None:
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    assert [accounts.take_sign_in("10.0.0.9", f"guess{i}", 3, 5, 900) for i in range(3)] == [0.0] * 3
    assert all(accounts.take_sign_in("10.0.0.9", f"made-up-{i}", 3, 5, 900) > 0 for i in range(50))
    with sqlite3.connect(ws.state / DB_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 6  # 3 for the address, 3 names


def test_a_removed_user_and_a_new_password_end_their_sessions(ws: Workspace) -> None:
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    accounts.set_user("anna", "scrypt$x")
    sid = accounts.open_session("anna", 60)
    assert accounts.session_user(sid) == "anna"
    accounts.set_user("anna", "scrypt$y")
    assert accounts.session_user(sid) is None
    sid = accounts.open_session("anna", 60)
    assert accounts.remove_user("anna")
    assert accounts.session_user(sid) is None
    assert not accounts.remove_user("anna")
