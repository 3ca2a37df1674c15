"""The inbox ledger: every input by path and content hash through its states, in SQLite.

    seen -> stable -> processing -> done | failed | duplicate

WAL journaling with synchronous=FULL: a state written here survives a kill -9 or a power cut, which is
what lets a restart finish exactly the files that were not finished.

Paths are stored as data: ``rel`` relative to the inbox, ``outputs`` and ``moved_to`` relative to the workspace
(the folder holding ``.artpipe/``), all POSIX, absolute only for a folder outside the workspace. Rows written by
earlier versions hold ``outputs`` as the watcher printed them and ``moved_to`` absolute; they read back the same
way (an absolute path inside the workspace becomes relative to it, see ``stored_path``). Words for people are made
from these values where they are printed, never stored.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from artpipe.reasons import Reason

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
    rel: PurePosixPath  # inside the inbox
    sha256: str | None
    state: str
    reason: Reason | None
    message: str | None
    moved_to: PurePosixPath | None  # inside the workspace (archive/..., failed/...)
    outputs: tuple[PurePosixPath, ...] = ()  # inside the workspace (outbox/...)


_COLUMNS = "id, rel, sha256, state, reason, message, moved_to, outputs"


def workspace_path(root: Path, path: Path) -> PurePosixPath:
    """``path`` as the ledger stores it: relative to the workspace ``root`` (POSIX), absolute when outside it."""
    absolute = Path(os.path.abspath(path))
    inside = absolute.is_relative_to(root)
    return PurePosixPath((absolute.relative_to(root) if inside else absolute).as_posix())


def stored_path(root: Path, value: str) -> PurePosixPath:
    """A stored path read back: written by this version it is already relative to the workspace; an earlier
    version's absolute one inside the workspace becomes relative to it; anything else is kept as it was written."""
    path = PurePosixPath(value)
    if path.is_absolute() and Path(value).is_relative_to(root):
        return PurePosixPath(Path(value).relative_to(root).as_posix())
    return path


def _reason(value: str | None) -> Reason | None:
    """A stored reason; one this version does not know (a newer version's) reads as none."""
    known = {r.value: r for r in Reason}
    return known.get(value) if value is not None else None


class Ledger:
    """A thin, synchronous wrapper around the SQLite file (one connection per process)."""

    def __init__(self, path: Path, root: Path | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # The workspace the stored paths are relative to: the folder holding .artpipe/ unless told.
        self.root = Path(os.path.abspath(root if root is not None else path.parent.parent))
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

    def finish(self, row: int, state: str, *, reason: Reason | None = None, message: str = "",
               outputs: Sequence[Path] = (), moved_to: Path | None = None, latency_ms: float | None = None) -> None:
        """Record the end state of a row; ``outputs`` and ``moved_to`` are stored relative to the workspace."""
        stored = json.dumps([workspace_path(self.root, p).as_posix() for p in outputs])
        moved = workspace_path(self.root, moved_to).as_posix() if moved_to is not None else None
        with self._tx() as db:
            db.execute("UPDATE inputs SET state=?, reason=?, message=?, outputs=?, moved_to=?, finished=?, "
                       "latency_ms=? WHERE id=?",
                       (state, reason.value if reason is not None else None, message, stored, moved, time.time(),
                        latency_ms, row))

    def _entries(self, where: str, *args: object) -> list[Entry]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM inputs WHERE {where}", args).fetchall()
        return [self._entry(r) for r in rows]

    def _entry(self, row: tuple[object, ...]) -> Entry:
        """A row read back into typed values, whichever version wrote it."""
        id_, rel, sha, state, reason, message, moved_to, outputs = row
        listed = json.loads(str(outputs)) if outputs else []
        return Entry(int(str(id_)), PurePosixPath(str(rel)), None if sha is None else str(sha), str(state),
                     _reason(None if reason is None else str(reason)), None if message is None else str(message),
                     stored_path(self.root, str(moved_to)) if moved_to else None,
                     tuple(stored_path(self.root, str(p)) for p in listed))

    def unfinished(self) -> list[Entry]:
        """Rows a crash left in ``processing``: their inputs are still in the inbox and are redone."""
        return self._entries("state='processing'")

    def abandon(self, row: int) -> None:
        """Close a row a crash left open (the input is processed again under a new row)."""
        with self._tx() as db:
            db.execute("UPDATE inputs SET state='seen', message='interrupted; processed again' WHERE id=?", (row,))

    def done_with(self, sha256: str) -> Entry | None:
        """An earlier input with the same bytes that was rendered, if any."""
        found = self._entries("sha256=? AND state='done' ORDER BY id LIMIT 1", sha256)
        return found[0] if found else None

    def counts(self) -> dict[str, int]:
        """How many inputs are in each state."""
        rows = self.db.execute("SELECT state, COUNT(*) FROM inputs GROUP BY state").fetchall()
        found = dict(rows)
        return {s: int(found.get(s, 0)) for s in STATES}

    def failed(self) -> list[Entry]:
        """Inputs that ended in failed/, newest last."""
        return self._entries("state='failed' ORDER BY id")

    def entries(self) -> list[Entry]:
        """Every row, oldest first."""
        return self._entries("1 ORDER BY id")

    def finished_since(self, since: float) -> int:
        """How many inputs were finished (rendered, failed or found duplicate) since ``since`` (epoch seconds)."""
        row = self.db.execute("SELECT COUNT(*) FROM inputs WHERE finished IS NOT NULL AND finished >= ?",
                              (since,)).fetchone()
        return int(row[0]) if row else 0

    def latency_ms(self) -> list[float]:
        """Stable-to-outputs latencies of rendered inputs."""
        return [float(r[0]) for r in self.db.execute(
            "SELECT latency_ms FROM inputs WHERE state='done' AND latency_ms IS NOT NULL")]
