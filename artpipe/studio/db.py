"""The studio's SQLite file (``.artpipe/studio.db``): opened in WAL mode, its schema versioned and migrated on
start, a workspace kept in files by an older studio brought in on its first start without losing anything.

WAL lets the pages read while a render writes its progress; ``busy_timeout`` makes a writer wait for another
(a second ``serve`` on the same workspace, the runner's thread) instead of failing at once; every change of
several rows is one ``BEGIN IMMEDIATE`` transaction, so two processes never interleave half of one. WAL needs
the file on a local disk (it keeps its index in shared memory): a network share falls back to a rollback
journal, slower but as safe.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from artpipe.errors import ConfigError, Problem
from artpipe.files import make_private, move_into

try:
    import fcntl
except ImportError:  # Windows: no file locks
    fcntl = None  # type: ignore[assignment]

DB_FILE = "studio.db"  # in the workspace's state folder
BUSY_MS = 30_000  # a writer waits this long for another before giving up
USERS_FILE = "studio-users.yaml"  # where an older studio kept its users (imported once, then moved aside)
IMPORTED = "studio-users.yaml.imported"

# The tables an unversioned studio.db (before schema_version) already had: version 1 adopts them as they are.
_V1 = """
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
# Users and sign-in attempts move in; every decision is kept in a log (who, what, when, through which link);
# a request names the process rendering it and when that process last said it was alive; a refused form's
# photos are kept as a draft until it is sent or abandoned; a revoked link is kept, marked.
_V2 = """
CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, added_at REAL NOT NULL);
CREATE TABLE attempts (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX attempts_by_key ON attempts (key, at);
CREATE TABLE decision_log (
    request TEXT NOT NULL, output TEXT NOT NULL, state TEXT NOT NULL, comment TEXT NOT NULL, by_name TEXT NOT NULL,
    at REAL NOT NULL, link TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_log_by_request ON decision_log (request, at);
INSERT INTO decision_log (request, output, state, comment, by_name, at)
    SELECT request, output, state, comment, by_name, at FROM decisions;
ALTER TABLE requests ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN heartbeat REAL NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN revoked_at REAL;
ALTER TABLE links ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
CREATE TABLE drafts (
    id TEXT PRIMARY KEY, folder TEXT NOT NULL, created_by TEXT NOT NULL, touched_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it does, and the SQL (and work in Python) that does it."""

    version: int
    says: str
    sql: str
    then: Callable[[sqlite3.Connection, Path], None] | None = None


def _import_users(db: sqlite3.Connection, root: Path) -> None:
    """Bring the users an older studio kept in ``studio-users.yaml`` into the users table (hashes as they are)."""
    path = root / USERS_FILE
    if not path.is_file():
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    users = data.get("users", {}) if isinstance(data, dict) else {}
    for name, stored in (users.items() if isinstance(users, dict) else []):
        db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, strftime('%s', 'now'))", (str(name), str(stored)))


MIGRATIONS = (
    Migration(1, "requests, links, sessions and decisions", _V1),
    Migration(2, "users, sign-in attempts, the decision log, render owners, drafts", _V2, _import_users),
)
VERSION = MIGRATIONS[-1].version


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), waiting for other writers."""
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` (the write lock taken at once, so a read-then-write cannot be raced), then commit,
    or roll back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold the lock file ``lock`` (made on first use, owner-only) against every other process; where there are
    no file locks (Windows), this process's own lock is all there is."""
    if not lock.exists():
        make_private(lock)
    with lock.open("rb") as held:
        if fcntl is not None:
            fcntl.flock(held, fcntl.LOCK_EX)
        yield  # closing the file lets the lock go


def open_database(path: Path, root: Path) -> int:
    """Make ``path`` ready: WAL mode, every migration not yet applied (in one transaction, so two studios starting
    together migrate once); ``root`` is the workspace whose older files are brought in. Returns the version it
    was at. ConfigError when the file is not a database or was made by a newer artpipe."""
    make_private(path)  # users' password hashes and sessions: the owner's only, as the users file was
    try:
        db = connect(path)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            with transaction(db):
                was = _migrate(db, root)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise ConfigError([Problem(str(path), 0, 0, "", f"the studio's records cannot be read ({exc})",
                                   "move the file aside and start the studio again; it starts empty")]) from None
    if was < 2 <= VERSION and (root / USERS_FILE).is_file():
        move_into(root / USERS_FILE, path.parent, Path(IMPORTED))  # kept, no longer read
    return was


def _migrate(db: sqlite3.Connection, root: Path) -> int:
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at REAL NOT NULL)")
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    was = int(row[0] or 0)
    if was > VERSION:
        msg = f"made by a newer artpipe (schema {was}, this one knows {VERSION}); upgrade artpipe"
        raise sqlite3.DatabaseError(msg)
    for step in MIGRATIONS:
        if step.version <= was:
            continue
        for statement in step.sql.split(";"):
            if statement.strip():
                db.execute(statement)
        if step.then is not None:
            step.then(db, root)
        db.execute("INSERT INTO schema_version VALUES (?, strftime('%s', 'now'))", (step.version,))
    return was
