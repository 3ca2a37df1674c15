"""The studio's passwords: scrypt hashes (``artpipe users add NAME``), checked in constant time; the users
themselves are kept in the studio's SQLite file (``accounts``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

from artpipe.studio.accounts import Accounts

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~50 ms and 16 MiB per check


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by ``hash_password`` (a malformed hash matches nothing)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=32)
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for names that are not users, so that the answer takes as long."""
    return hash_password(secrets.token_urlsafe(32))


def verify_user(accounts: Accounts, name: str, password: str) -> bool:
    """Whether ``name`` is a user and ``password`` is theirs. An unknown name costs one hash as a known one does
    (the time of the answer does not say which names exist). Slow (scrypt): call it in a thread."""
    stored = accounts.users().get(name)
    matches = check_password(password, stored if stored is not None else _dummy_hash())
    return matches and stored is not None
