"""The studio's records in the workspace's SQLite database: requests and their runs, merchant links, the
merchant's decisions per image, and operators' sessions (a cookie is only good while its session is here)."""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY, campaign TEXT NOT NULL, merchant TEXT NOT NULL, deadline TEXT NOT NULL,
    folder TEXT NOT NULL, state TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, created_at REAL NOT NULL, finished_at REAL,
    seconds REAL, problems TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS links (
    token TEXT PRIMARY KEY, request TEXT NOT NULL, created_by TEXT NOT NULL, created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    request TEXT NOT NULL, output TEXT NOT NULL, state TEXT NOT NULL, comment TEXT NOT NULL, by_name TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (request, output)
);
"""
# interrupted: the studio stopped while rendering; reopened: a change was asked for after approval
STATES = ("queued", "running", "done", "failed", "approved", "interrupted", "reopened")
DECISIONS = ("approved", "changes")


@dataclass(frozen=True)
class Record:
    """One request as the studio keeps it."""

    id: str
    campaign: str
    merchant: str
    deadline: str
    folder: str  # the request's own folder (request.yaml, photos/), relative to the workspace
    state: str
    done: int
    total: int
    message: str
    created_by: str
    created_at: float
    finished_at: float | None
    seconds: float | None
    problems: str = ""  # one line per product that failed: "sku: reason and what to do"


@dataclass(frozen=True)
class Decision:
    output: str
    state: str
    comment: str
    by_name: str
    at: float


class Store:
    """The studio's SQLite file (one connection per call: the web app and its runner threads share it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def add(self, campaign: str, merchant: str, deadline: str, folder: str, by: str) -> str:
        rid = secrets.token_hex(6)
        with self._db() as db:
            db.execute("INSERT INTO requests (id, campaign, merchant, deadline, folder, state, created_by, created_at)"
                       " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)", (rid, campaign, merchant, deadline, folder, by,
                                                                    time.time()))
        return rid

    def interrupt_unfinished(self) -> list[str]:
        """On start: requests a stopped studio left queued or running (a kill -9, an out-of-memory kill) are
        interrupted, to be rendered again with one click; their folders (form, photos) are untouched."""
        with self._db() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM requests WHERE state IN ('queued', 'running')")]
            db.executemany("UPDATE requests SET state = 'interrupted', message = ? WHERE id = ?",
                           [("the studio stopped while it was rendering", rid) for rid in ids])
        return ids

    def get(self, rid: str) -> Record | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM requests WHERE id = ?", (rid,)).fetchone()
        return Record(*row) if row else None

    def all(self) -> list[Record]:
        with self._db() as db:
            return [Record(*row) for row in db.execute("SELECT * FROM requests ORDER BY created_at DESC")]

    def update(self, rid: str, **values: object) -> None:
        keys = [k for k in values if k in Record.__dataclass_fields__ and k != "id"]
        with self._db() as db:
            db.execute(f"UPDATE requests SET {', '.join(f'{k} = ?' for k in keys)} WHERE id = ?",  # noqa: S608
                       (*[values[k] for k in keys], rid))

    def link(self, rid: str, by: str, days: float) -> str:
        token = secrets.token_urlsafe(24)
        now = time.time()
        with self._db() as db:
            db.execute("INSERT INTO links VALUES (?, ?, ?, ?, ?)", (token, rid, by, now, now + days * 86400))
        return token

    def request_of_link(self, token: str) -> str | None:
        """The request a merchant link shows, while it has not expired."""
        with self._db() as db:
            row = db.execute("SELECT request, expires_at FROM links WHERE token = ?", (token,)).fetchone()
        return str(row[0]) if row and row[1] > time.time() else None

    def links(self, rid: str) -> list[tuple[str, float]]:
        with self._db() as db:
            return [(str(t), float(e)) for t, e in db.execute(
                "SELECT token, expires_at FROM links WHERE request = ? ORDER BY created_at", (rid,))]

    def revoke_link(self, rid: str, token: str) -> bool:
        """End a merchant link of request ``rid`` now; False when it has no such link."""
        with self._db() as db:
            return db.execute("DELETE FROM links WHERE token = ? AND request = ?", (token, rid)).rowcount > 0

    def decide(self, rid: str, output: str, state: str, comment: str, by: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?)",
                       (rid, output, state, comment, by, time.time()))

    def decisions(self, rid: str) -> dict[str, Decision]:
        with self._db() as db:
            rows = db.execute("SELECT output, state, comment, by_name, at FROM decisions WHERE request = ?", (rid,))
            return {str(r[0]): Decision(*r) for r in rows}

    def forget_decision(self, rid: str, output: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM decisions WHERE request = ? AND output = ?", (rid, output))

    def open_session(self, user: str, seconds: float) -> str:
        """A new session for ``user``, good for ``seconds``; its id goes into the signed cookie."""
        sid = secrets.token_urlsafe(24)
        now = time.time()
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (sid, user, now, now + seconds))
        return sid

    def session_user(self, sid: str) -> str | None:
        """Whose session ``sid`` is, while it has not ended (signed out, expired, or ended for its user)."""
        with self._db() as db:
            row = db.execute("SELECT user, expires_at FROM sessions WHERE id = ?", (sid,)).fetchone()
        return str(row[0]) if row and row[1] > time.time() else None

    def end_session(self, sid: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (sid,))

    def end_sessions_of(self, user: str) -> None:
        """Sign ``user`` out everywhere (a removed user, a changed password)."""
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE user = ?", (user,))
