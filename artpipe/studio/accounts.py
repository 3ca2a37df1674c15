"""Who may sign in to the studio, and how often they may try, in the studio's SQLite file: users (name and
scrypt hash), server-side sessions (a cookie is only good while its session is here) and sign-in attempts
(a sliding window per name and per address, counted when an attempt starts, so guesses sent at once, or to two
studios on the same workspace, cannot all pass before the first one fails)."""

from __future__ import annotations

import secrets
import time

from artpipe.studio.store import Database


class Accounts(Database):
    """Users, sessions and sign-in attempts."""

    def users(self) -> dict[str, str]:
        """name -> password hash."""
        with self.read() as db:
            return {str(n): str(h) for n, h in db.execute("SELECT name, hash FROM users ORDER BY name")}

    def set_user(self, name: str, hashed: str) -> None:
        """Add ``name``, or give them a new password (their sessions end: a changed password signs out)."""
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?)", (name, hashed, time.time()))
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def remove_user(self, name: str) -> bool:
        """Remove ``name`` and end their sessions; False when there is no such user."""
        with self.write() as db:
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            return db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def open_session(self, user: str, seconds: float) -> str:
        """A new session for ``user``, good for ``seconds``; its id goes into the signed cookie."""
        sid = secrets.token_urlsafe(24)
        now = time.time()
        with self.write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (sid, user, now, now + seconds))
        return sid

    def session_user(self, sid: str) -> str | None:
        """Whose session ``sid`` is, while it has not ended (signed out, expired, its user removed)."""
        with self.read() as db:
            row = db.execute("SELECT s.user FROM sessions s JOIN users u ON u.name = s.user "
                             "WHERE s.id = ? AND s.expires_at > ?", (sid, time.time())).fetchone()
        return str(row[0]) if row else None

    def end_session(self, sid: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (sid,))

    def take_attempt(self, key: str, limit: int, window_s: float) -> float:
        """Count a sign-in attempt for ``key`` and return 0, or return the seconds until one is allowed (then
        it is not counted). Attempts older than the window are forgotten as it goes."""
        now = time.time()
        with self.write() as db:
            db.execute("DELETE FROM attempts WHERE at <= ?", (now - window_s,))
            rows = db.execute("SELECT at FROM attempts WHERE key = ? ORDER BY at", (key,)).fetchall()
            if len(rows) >= limit:
                return float(rows[len(rows) - limit][0]) + window_s - now
            db.execute("INSERT INTO attempts VALUES (?, ?)", (key, now))
        return 0.0

    def take_sign_in(self, address: str, name: str, per_address: int, per_name: int, window_s: float) -> float:
        """Count a sign-in attempt from ``address`` for ``name`` (0), or the seconds until one is allowed. An
        address over its limit counts no name, so it cannot fill the table with made-up names."""
        return self.take_attempt(f"addr:{address}", per_address, window_s) or \
            self.take_attempt(f"name:{name}", per_name, window_s)

    def forgive(self, key: str) -> None:
        """Forget ``key``'s attempts (it signed in)."""
        with self.write() as db:
            db.execute("DELETE FROM attempts WHERE key = ?", (key,))
