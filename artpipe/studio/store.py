"""The studio's records in the workspace's SQLite file (see ``db``): requests and their render queue, merchant
links, the merchant's decisions per image with their log, and the drafts of refused forms. Users, sessions and
sign-in attempts are in ``accounts``, on the same file."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from artpipe.studio.db import connect, exclusive, open_database, transaction

# interrupted: the studio stopped while rendering; reopened: a change was asked for after approval
STATES = ("queued", "running", "done", "failed", "approved", "interrupted", "reopened")
DECISIONS = ("approved", "changes")
UNFINISHED = ("queued", "running")


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
    owner: str = ""  # the studio process rendering it (queued or running), "" otherwise
    heartbeat: float = 0.0  # when that process last said it is alive


@dataclass(frozen=True)
class Decision:
    """A merchant's decision on one image (the latest one; every one is in the log)."""

    output: str
    state: str
    comment: str
    by_name: str
    at: float


@dataclass(frozen=True)
class Link:
    """A merchant link of a request."""

    token: str
    created_by: str
    created_at: float
    expires_at: float


class Database:
    """The SQLite file, opened (and migrated) once; a connection per call, so the web app's threads and the
    runner's share it safely."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.was = open_database(path, root)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        db = connect(self.path)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.read() as db, transaction(db):
            yield db


class Store(Database):
    """Requests, links, decisions and drafts. ``owner`` names this process in the render queue."""

    def __init__(self, path: Path, root: Path) -> None:
        super().__init__(path, root)
        self.owner = secrets.token_hex(8)
        self._deciding = threading.Lock()

    @contextmanager
    def deciding(self) -> Iterator[None]:
        """One decision at a time on this workspace, in this process and any other studio serving it: a decision
        reads every decision, then writes the approval file, and two at once could leave a set approved with a
        change asked for (``approve all`` beside ``ask for changes``)."""
        with self._deciding, exclusive(self.path.with_name(self.path.name + ".decisions")):
            yield

    def add(self, campaign: str, merchant: str, deadline: str, folder: str, by: str) -> str:
        rid = secrets.token_hex(6)
        with self.write() as db:
            db.execute("INSERT INTO requests (id, campaign, merchant, deadline, folder, state, created_by, created_at)"
                       " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)", (rid, campaign, merchant, deadline, folder, by,
                                                                    time.time()))
        return rid

    def get(self, rid: str) -> Record | None:
        with self.read() as db:
            row = db.execute("SELECT * FROM requests WHERE id = ?", (rid,)).fetchone()
        return Record(*row) if row else None

    def all(self) -> list[Record]:
        with self.read() as db:
            return [Record(*row) for row in db.execute("SELECT * FROM requests ORDER BY created_at DESC")]

    def update(self, rid: str, **values: object) -> None:
        keys = [k for k in values if k in Record.__dataclass_fields__ and k != "id"]  # never a name from outside
        with self.write() as db:
            db.execute(f"UPDATE requests SET {', '.join(f'{k} = ?' for k in keys)} WHERE id = ?",  # noqa: S608
                       (*[values[k] for k in keys], rid))

    def queue(self, rid: str, products: int) -> None:
        """Put ``rid`` in this process's queue, its last run's progress and outcome cleared."""
        self.update(rid, state="queued", done=0, total=products, message="", finished_at=None, seconds=None,
                    problems="", owner=self.owner, heartbeat=time.time())

    def beat(self) -> None:
        """Say this process is alive for every request it has queued or is rendering."""
        with self.write() as db:
            db.execute("UPDATE requests SET heartbeat = ? WHERE owner = ? AND state IN ('queued', 'running')",
                       (time.time(), self.owner))

    def interrupt_unfinished(self, stale_seconds: float) -> list[str]:
        """On start: requests left queued or running by a studio that stopped (kill -9, an out-of-memory kill)
        are interrupted, to be rendered again with one click; their folders (form, photos) are untouched. A
        request whose process said it was alive within ``stale_seconds`` belongs to another studio serving the
        same workspace, and is left alone."""
        with self.write() as db:
            ids = [r[0] for r in db.execute(
                "SELECT id FROM requests WHERE state IN ('queued', 'running') AND owner != ? AND heartbeat < ?",
                (self.owner, time.time() - stale_seconds))]
            db.executemany("UPDATE requests SET state = 'interrupted', owner = '', message = ? WHERE id = ?",
                           [("the studio stopped while it was rendering", rid) for rid in ids])
        return ids

    def link(self, rid: str, by: str, days: float) -> str:
        token = secrets.token_urlsafe(24)
        now = time.time()
        with self.write() as db:
            db.execute("INSERT INTO links (token, request, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       (token, rid, by, now, now + days * 86400))
        return token

    def request_of_link(self, token: str) -> str | None:
        """The request a merchant link shows, while it has neither expired nor been revoked."""
        with self.read() as db:
            row = db.execute("SELECT request FROM links WHERE token = ? AND expires_at > ? AND revoked_at IS NULL",
                             (token, time.time())).fetchone()
        return str(row[0]) if row else None

    def links(self, rid: str) -> list[Link]:
        """The request's links that still open (neither expired nor revoked), oldest first."""
        with self.read() as db:
            return [Link(*row) for row in db.execute(
                "SELECT token, created_by, created_at, expires_at FROM links WHERE request = ? AND expires_at > ? "
                "AND revoked_at IS NULL ORDER BY created_at", (rid, time.time()))]

    def revoke_link(self, rid: str, token: str, by: str = "") -> bool:
        """End a merchant link of request ``rid`` now (kept, marked revoked); False when it has no such link."""
        with self.write() as db:
            return db.execute("UPDATE links SET revoked_at = ?, revoked_by = ? WHERE token = ? AND request = ? "
                              "AND revoked_at IS NULL", (time.time(), by, token, rid)).rowcount > 0

    def decide(self, rid: str, outputs: list[str], state: str, comment: str, by: str, link: str = "") -> None:
        """Record one decision on ``outputs`` (all of them or none): the latest per image, and a line per image
        in the log (with the link it came through)."""
        now = time.time()
        with self.write() as db:
            db.executemany("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?)",
                           [(rid, output, state, comment, by, now) for output in outputs])
            db.executemany("INSERT INTO decision_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(rid, output, state, comment, by, now, link) for output in outputs])

    def decisions(self, rid: str) -> dict[str, Decision]:
        with self.read() as db:
            rows = db.execute("SELECT output, state, comment, by_name, at FROM decisions WHERE request = ?", (rid,))
            return {str(r[0]): Decision(*r) for r in rows}

    def decision_log(self, rid: str) -> list[Decision]:
        """Every decision ever taken on the request, oldest first (the audit trail)."""
        with self.read() as db:
            return [Decision(*r) for r in db.execute(
                "SELECT output, state, comment, by_name, at FROM decision_log WHERE request = ? ORDER BY at, rowid",
                (rid,))]

    def forget_decision(self, rid: str, output: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM decisions WHERE request = ? AND output = ?", (rid, output))

    def add_draft(self, folder: str, by: str) -> str:
        """A refused form's photos, kept in ``folder`` until the form is sent or abandoned."""
        did = secrets.token_urlsafe(12)
        with self.write() as db:
            db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?)", (did, folder, by, time.time()))
        return did

    def draft_folder(self, did: str, by: str) -> str | None:
        """The folder of draft ``did`` when it is ``by``'s (touched, so it is not cleaned while in use)."""
        with self.write() as db:
            row = db.execute("SELECT folder FROM drafts WHERE id = ? AND created_by = ?", (did, by)).fetchone()
            db.execute("UPDATE drafts SET touched_at = ? WHERE id = ?", (time.time(), did))
        return str(row[0]) if row else None

    def draft_folder_of(self, did: str) -> str | None:
        """The folder of draft ``did``, whoever's it is."""
        with self.read() as db:
            row = db.execute("SELECT folder FROM drafts WHERE id = ?", (did,)).fetchone()
        return str(row[0]) if row else None

    def drop_draft(self, did: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM drafts WHERE id = ?", (did,))

    def drafts_of(self, by: str) -> list[tuple[str, str]]:
        """(id, folder) of ``by``'s drafts, the most recently used first."""
        with self.read() as db:
            return [(str(i), str(f)) for i, f in db.execute(
                "SELECT id, folder FROM drafts WHERE created_by = ? ORDER BY touched_at DESC, rowid DESC", (by,))]

    def stale_drafts(self, older_than_s: float) -> list[tuple[str, str]]:
        """(id, folder) of drafts nobody touched for ``older_than_s`` (abandoned forms)."""
        with self.read() as db:
            return [(str(i), str(f)) for i, f in db.execute(
                "SELECT id, folder FROM drafts WHERE touched_at < ?", (time.time() - older_than_s,))]
