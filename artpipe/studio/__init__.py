"""The operators' studio: a web app over the same API as the command line to request banner sets, follow them,
send a proof to the merchant and record the approval (``artpipe serve``).

Its parts: ``service/`` (what the studio does, no web code: requests, approval, downloads, photos, drafts),
``app`` (the route table), ``pages``/``operator``/``merchant`` (thin handlers), ``db``/``store``/``accounts``
(its state in SQLite), ``forms``/``sheets`` (the request form), ``hosts``/``users`` (who may reach it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from artpipe.errors import ConfigError, Problem

if TYPE_CHECKING:  # the API imports the studio's accounts, so this package's own import stays light
    from artpipe.api import Executor, Workspace


def studio_app(ws: Workspace, *, public: bool = False, jobs: int | None = None,
               executor: Executor | None = None, public_url: str = "", listen: str = "127.0.0.1",
               port: int | None = None) -> Any:
    """The operators' web app (an ASGI app) for a workspace; needs ``pip install 'artpipe[studio]'``.
    ``public``: it will be reachable from other machines, so users must sign in; ``executor``: a Dask cluster
    to render on (default: this machine's ``jobs`` processes); ``public_url``: the origin merchants reach it at
    (default: the workspace's ``public_url``), used for links, and the only name besides ``listen`` and this
    machine's loopback names a request's Host may carry (``port``: the port it listens on, None: any)."""
    try:
        from artpipe.studio.app import StudioConfig, create_app  # noqa: PLC0415 - an optional dependency
    except ImportError as exc:
        raise ConfigError([Problem("serve", 0, 0, "", f"the studio needs its web packages ({exc.name} is missing)",
                                   "pip install 'artpipe[studio]'")]) from None
    return create_app(StudioConfig(ws, public, jobs, executor, public_url, listen, port))
