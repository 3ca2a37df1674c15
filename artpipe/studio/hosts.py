"""Which ``Host`` a request may name: the names the studio is served as, nothing else (DNS rebinding).

A page on ``evil.example`` whose name is rebound to 127.0.0.1 reaches the studio from the operator's own browser,
but its requests still say ``Host: evil.example``: refusing every host the studio is not served as shuts it out.
An IP literal cannot be rebound, so on an all-addresses bind (``--host 0.0.0.0``) any address of this machine is
allowed; a name only when it is the configured public URL's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_ANY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 - the names of an all-addresses bind, compared, not bound


@dataclass(frozen=True)
class Hosts:
    """The Host values a request may carry: ``names`` with ``port`` (None: any port), ``exact`` as they are, and
    when ``ip_literals``, any IP address (with any port)."""

    names: tuple[str, ...]
    port: int | None
    exact: tuple[str, ...] = ()
    ip_literals: bool = False


def served_hosts(listen: str = "127.0.0.1", port: int | None = None, public_url: str = "") -> Hosts:
    """The hosts a studio listening on ``listen``:``port`` (None: any port, for an app mounted by hand) and reached
    at ``public_url`` (may be empty) is served as."""
    names = list(LOOPBACK_NAMES)
    if listen not in _ANY_ADDRESS:
        names.append(f"[{listen}]" if ":" in listen else listen.lower())
    exact = []
    if public_url:
        parts = urlsplit(public_url)
        default_port = 443 if parts.scheme == "https" else 80
        host = (parts.hostname or "").lower()
        host = f"[{host}]" if ":" in host else host
        exact.append(host if parts.port in (None, default_port) else f"{host}:{parts.port}")
        if parts.port in (None, default_port):
            exact.append(f"{host}:{default_port}")
    return Hosts(tuple(dict.fromkeys(names)), port, tuple(exact), listen in _ANY_ADDRESS)


def host_allowed(host: str, hosts: Hosts) -> bool:
    """Whether a request's ``Host`` header value names the studio."""
    host = host.strip().lower()
    if host in hosts.exact:
        return True
    name, port = _split(host)
    if name is None:
        return False
    if hosts.port is not None and port != hosts.port:
        return False
    if name in hosts.names:
        return True
    return hosts.ip_literals and _is_ip(name)


def _split(host: str) -> tuple[str | None, int | None]:
    """(name, port) of a Host value (``[::1]:8750`` -> ``[::1]``, 8750); (None, None) when it is malformed."""
    name, sep, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not sep:
        name, port = host, ""
    if port and not port.isdigit():
        return None, None
    if not name or any(c in name for c in "/@?#\\ "):
        return None, None
    return name, int(port) if port else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class HostCheck:
    """Answer 400 to a request whose Host is not one the studio is served as (before anything else runs)."""

    def __init__(self, app: ASGIApp, hosts: Hosts) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _header(scope.get("headers", ()), b"host")
            if host is None or not host_allowed(host, self.hosts):
                answer = PlainTextResponse("Unknown host: open the studio at the address it is served at.", 400)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    values = [v for k, v in headers if k.lower() == name]
    return values[0].decode("latin-1") if len(values) == 1 else None  # none or two: refused
