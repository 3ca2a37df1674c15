"""Studio users' passwords (studio/users.py): scrypt hashes, and a name nobody has costs the same check as a real
one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from studioclient import csrf, studio_workspace

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient  # noqa: E402

from artpipe.api import add_studio_user  # noqa: E402
from artpipe.config import Workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402
from artpipe.studio.users import check_password, hash_password  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return studio_workspace(tmp_path)


def test_an_unknown_name_costs_a_password_check_as_a_known_one_does(ws: Workspace,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from artpipe.studio import users

    add_studio_user(ws, "anna", "correct horse battery")
    client = TestClient(studio_app(ws, public=True, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/login").text)
    client.post("/login", data={"csrf": token, "name": "nobody", "password": "x"})  # the dummy hash is made once
    checks: list[int] = []
    real = hashlib.scrypt

    def counted(*args: Any, **kwargs: Any) -> bytes:
        checks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(users.hashlib, "scrypt", counted)
    for name in ("anna", "nobody"):
        checks.clear()
        answer = client.post("/login", data={"csrf": token, "name": name, "password": "wrong password"})
        assert answer.status_code == 401
        assert "Wrong name or password." in answer.text
        assert checks == [1], name


def test_a_password_is_kept_as_a_salted_scrypt_hash() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.split("$")[:4] == ["scrypt", str(2**14), "8", "1"]
    assert first != second  # salted
    assert check_password("correct horse battery", first)
    assert check_password("correct horse battery", second)
    assert not check_password("correct horse batter", first)


@pytest.mark.parametrize("stored", ["", "plain-text", "bcrypt$1$2$3$x$y", "scrypt$16384$8$1$!!$??", "scrypt$x$8$1$a$b"])
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert not check_password("anything", stored)
