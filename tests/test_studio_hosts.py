"""Which Host a request may carry to reach the studio (studio/hosts.py): this machine's loopback names, the address
it listens on, its public URL, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from studioclient import studio_workspace

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient  # noqa: E402

from artpipe.api import add_studio_user  # noqa: E402
from artpipe.config import Workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402
from artpipe.studio.hosts import Hosts, host_allowed, served_hosts  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return studio_workspace(tmp_path)


@pytest.mark.parametrize(("port", "host", "status"), [
    (None, "127.0.0.1", 200), (None, "localhost:8750", 200), (None, "[::1]:1234", 200),
    (None, "evil.example", 400), (None, "evil.example:8750", 400), (None, "127.0.0.1.evil.example", 400),
    (None, "localhost.evil.example:8750", 400), (None, "10.0.0.5:8750", 400), (None, "", 400),
    (8750, "127.0.0.1:8750", 200), (8750, "LOCALHOST:8750", 200), (8750, "[::1]:8750", 200),
    (8750, "127.0.0.1:8751", 400), (8750, "127.0.0.1", 400), (8750, "evil.example:8750", 400)])
def test_a_page_rebound_to_this_machine_is_refused_by_its_host(ws: Workspace, port: int | None, host: str,
                                                                 status: int) -> None:
    client = TestClient(studio_app(ws, jobs=1, port=port), base_url="http://127.0.0.1")
    answer = client.get("/requests/new", headers={"Host": host})
    assert answer.status_code == status
    if status == 400:
        assert "csrf" not in answer.text  # nothing of the studio, not even a form token
        assert client.post("/requests", headers={"Host": host}, data={"campaign": "x"}).status_code == 400


def test_the_documented_proxies_reach_the_studio_at_its_public_url(ws: Workspace) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "studio.md").read_text(encoding="utf-8")
    caddy = re.search(r"```caddy\n(.*?)```", docs, re.S)
    nginx = re.search(r"```nginx\n(.*?)```", docs, re.S)
    serve = re.search(r"artpipe serve --config studio --public-url (\S+)", docs)
    assert caddy
    assert nginx
    assert serve
    public = serve.group(1)
    host = public.removeprefix("https://")
    assert caddy.group(1).startswith(f"{host} {{")
    assert "reverse_proxy 127.0.0.1:8750" in caddy.group(1)
    assert f"server_name {host};" in nginx.group(1)
    assert "proxy_pass http://127.0.0.1:8750;" in nginx.group(1)
    assert "proxy_set_header Host $host;" in nginx.group(1)  # the browser's Host, which the studio checks
    assert "client_max_body_size 400m;" in nginx.group(1)
    assert "max_size 400MB" in caddy.group(1)
    add_studio_user(ws, "anna", "correct horse battery")
    app = studio_app(ws, jobs=1, public_url=public, port=8750)
    proxied = TestClient(app, base_url="http://127.0.0.1:8750")  # what the proxy sends on: the browser's Host
    assert proxied.get("/login", headers={"Host": host, "X-Forwarded-Proto": "https"}).status_code == 200
    assert proxied.get("/login", headers={"Host": "127.0.0.1:8750"}).status_code == 200  # on the machine itself
    assert proxied.get("/login", headers={"Host": "127.0.0.1:8750.evil.example"}).status_code == 400


@pytest.mark.parametrize(("served", "host", "allowed"), [
    (served_hosts("127.0.0.1", 8750), "LocalHost:8750", True),
    (served_hosts("127.0.0.1", 8750), "localhost", False),  # the port is part of the name
    (served_hosts("10.0.0.5", 8750), "10.0.0.5:8750", True),
    (served_hosts("10.0.0.5", 8750), "10.0.0.6:8750", False),  # only the address it listens on
    (served_hosts("0.0.0.0", 8750), "10.0.0.6:8750", True),  # noqa: S104 - all addresses: any IP literal
    (served_hosts("0.0.0.0", 8750), "evil.example:8750", False),  # noqa: S104 - but no name
    (served_hosts("::1", None), "[::1]:99", True),
    (served_hosts(public_url="https://studio.example.com"), "studio.example.com", True),
    (served_hosts(public_url="https://studio.example.com"), "studio.example.com:443", True),
    (served_hosts(public_url="https://studio.example.com"), "studio.example.com:8443", False),
    (served_hosts(public_url="http://studio.example.com:8080"), "studio.example.com:8080", True),
    (served_hosts(public_url="http://studio.example.com:8080"), "studio.example.com", False),
    (served_hosts(), "127.0.0.1:abc", False), (served_hosts(), "user@127.0.0.1", False), (served_hosts(), "", False),
])
def test_a_host_names_the_studio_only_as_it_is_served(served: Hosts, host: str, allowed: bool) -> None:
    assert host_allowed(host, served) is allowed


def test_the_hosts_a_studio_is_served_as() -> None:
    assert served_hosts("Studio.Local", 8750, "https://Studio.Example.com") == Hosts(
        ("127.0.0.1", "localhost", "[::1]", "studio.local"), 8750, ("studio.example.com", "studio.example.com:443"))
