"""The inbox ledger: every input by path and content hash through its states, in SQLite.

    seen -> stable -> processing -> done | failed | duplicate

WAL journaling with synchronous=FULL: a state written here survives a kill -9 or a power cut, which is
what lets a restart finish exactly the files that were not finished.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATES = ("seen", "stable", "processing", "done", "failed", "duplicate")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS inputs (
    id INTEGER PRIMARY KEY,
    rel TEXT NOT NULL,              -- path inside the inbox when it arrived
    sha256 TEXT,
    state TEXT NOT NULL,
    reason TEXT,
    message TEXT,
    outputs TEXT,                   -- JSON list
    moved_to TEXT,
    received REAL NOT NULL,
    stable REAL,
    finished REAL,
    latency_ms REAL                 -- stable to outputs written
);
CREATE INDEX IF NOT EXISTS inputs_rel ON inputs(rel, state);
CREATE INDEX IF NOT EXISTS inputs_sha ON inputs(sha256, state);
"""


@dataclass(frozen=True)
class Entry:
    """One ledger row."""

    id: int
    rel: str
    sha256: str | None
    state: str
    reason: str | None
    message: str | None
    moved_to: str | None


class Ledger:
    """A thin, synchronous wrapper around the SQLite file (one connection per process)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.recovered: Path | None = None  # where a damaged ledger was moved aside, when it was
        try:
            self.db = self._open(path)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            # Damaged (a disk error, a bad copy): keep it for inspection, start a new one. The folders still
            # say what is done (archive/), failed (failed/) and waiting (inbox/).
            self.recovered = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{path}{suffix}")
                if old.exists():
                    old.rename(Path(f"{self.recovered}{suffix}"))
            self.db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                msg = "the ledger fails SQLite's quick_check"
                raise sqlite3.DatabaseError(msg)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def begin(self, rel: str, sha256: str) -> int:
        """Record that ``rel`` (with these bytes) is being processed; returns its row id. A row a crash or a
        failed move left open for ``rel`` (see ``abandon``) is taken up again: a file tried many times has one row."""
        now = time.time()
        with self._tx() as db:
            found = db.execute("SELECT id FROM inputs WHERE rel=? AND state='seen' ORDER BY id DESC LIMIT 1",
                               (rel,)).fetchone()
            if found is not None:
                db.execute("UPDATE inputs SET sha256=?, state='processing', message=NULL, stable=? WHERE id=?",
                           (sha256, now, found[0]))
                return int(found[0])
            cur = db.execute("INSERT INTO inputs (rel, sha256, state, received, stable) VALUES (?, ?, ?, ?, ?)",
                             (rel, sha256, "processing", now, now))
            return int(cur.lastrowid or 0)

    def finish(self, row: int, state: str, *, reason: str | None = None, message: str = "",
               outputs: list[str] | None = None, moved_to: str | None = None, latency_ms: float | None = None) -> None:
        """Record the end state of a row."""
        with self._tx() as db:
            db.execute("UPDATE inputs SET state=?, reason=?, message=?, outputs=?, moved_to=?, finished=?, "
                       "latency_ms=? WHERE id=?",
                       (state, reason, message, json.dumps(outputs or []), moved_to, time.time(), latency_ms, row))

    def unfinished(self) -> list[Entry]:
        """Rows a crash left in ``processing``: their inputs are still in the inbox and are redone."""
        return [Entry(*r) for r in self.db.execute(
            "SELECT id, rel, sha256, state, reason, message, moved_to FROM inputs WHERE state='processing'")]

    def abandon(self, row: int) -> None:
        """Close a row a crash left open (the input is processed again under a new row)."""
        with self._tx() as db:
            db.execute("UPDATE inputs SET state='seen', message='interrupted; processed again' WHERE id=?", (row,))

    def done_with(self, sha256: str) -> Entry | None:
        """An earlier input with the same bytes that was rendered, if any."""
        row = self.db.execute("SELECT id, rel, sha256, state, reason, message, moved_to FROM inputs "
                              "WHERE sha256=? AND state='done' ORDER BY id LIMIT 1", (sha256,)).fetchone()
        return Entry(*row) if row else None

    def counts(self) -> dict[str, int]:
        """How many inputs are in each state."""
        rows = self.db.execute("SELECT state, COUNT(*) FROM inputs GROUP BY state").fetchall()
        found = dict(rows)
        return {s: int(found.get(s, 0)) for s in STATES}

    def failed(self) -> list[Entry]:
        """Inputs that ended in failed/, newest last."""
        return [Entry(*r) for r in self.db.execute(
            "SELECT id, rel, sha256, state, reason, message, moved_to FROM inputs WHERE state='failed' ORDER BY id")]

    def finished_since(self, since: float) -> int:
        """How many inputs were finished (rendered, failed or found duplicate) since ``since`` (epoch seconds)."""
        row = self.db.execute("SELECT COUNT(*) FROM inputs WHERE finished IS NOT NULL AND finished >= ?",
                              (since,)).fetchone()
        return int(row[0]) if row else 0

    def latency_ms(self) -> list[float]:
        """Stable-to-outputs latencies of rendered inputs."""
        return [float(r[0]) for r in self.db.execute(
            "SELECT latency_ms FROM inputs WHERE state='done' AND latency_ms IS NOT NULL")]
