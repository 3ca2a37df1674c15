"""``artpipe serve`` (the operators' studio) and ``artpipe users`` (who may sign in to it)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from artpipe.api import add_studio_user, command, load_workspace, public_origin, remove_studio_user, studio_users
from artpipe.cli.common import EXIT_CONFIG, JOBS_OPTION, executor_from, executor_options, fail_config
from artpipe.errors import ConfigError
from artpipe.studio import studio_app

CONFIG = click.option("--config", "config", type=click.Path(exists=True, path_type=Path), default=Path("."),
                      show_default=True, help="The workspace folder or its artpipe.yaml.")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command()
@CONFIG
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but this machine's needs users (artpipe users add).")
@click.option("--port", default=8750, show_default=True, type=click.IntRange(1, 65535))
@click.option("--public-url", default=None, metavar="URL",
              help="The address merchants reach the studio at, behind a TLS proxy (default: public_url in "
                   "artpipe.yaml); links use it, and it needs users.")
@JOBS_OPTION
@executor_options
def serve(config: Path, host: str, port: int, public_url: str | None, jobs: int | None, executor: str,
          scheduler: str | None, ship_bytes: bool) -> None:
    """Run the studio: a web app to request banner sets, send proofs to merchants and get them approved.

    \b
    Example:
      artpipe serve --config studio                 # http://127.0.0.1:8750, this machine only
      artpipe users add anna --config studio && artpipe serve --config studio --host 0.0.0.0
      artpipe serve --config studio --executor dask --scheduler tcp://10.0.0.5:8786
      artpipe serve --config studio --public-url https://studio.example.com   # behind Caddy or nginx
    """
    cluster = executor_from(executor, scheduler, ship_bytes)
    try:
        origin = public_origin(public_url) if public_url else ""
    except ValueError as exc:
        click.echo(f"error: --public-url: {exc}", err=True)
        raise SystemExit(EXIT_CONFIG) from None
    try:
        ws = load_workspace(config)
        origin = origin or ws.public_url
        public = not _loopback(host)
        if (public or origin) and not studio_users(ws):
            why = f"serving it at {origin}" if origin else f"listening on {host}"
            click.echo(f"error: {why} lets other machines in, so the studio needs users; add one "
                       f"with: {command('artpipe', 'users', 'add', 'NAME', '--config', config)}", err=True)
            raise SystemExit(EXIT_CONFIG)
        if cluster is not None:
            cluster.check()  # before anything is served: a scheduler that does not answer is a usage error
        app = studio_app(ws, public=public, jobs=jobs, executor=cluster, public_url=origin, listen=host, port=port)
    except ConfigError as exc:
        fail_config(exc, "the studio did not start")
    import uvicorn  # noqa: PLC0415 - installed with the studio

    reached = f"; merchants reach it at {origin}/" if origin else ""
    click.echo(f"studio for {ws.root} at http://{host}:{port}/{reached} (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@contextmanager
def _refused(nothing: str) -> Iterator[None]:
    """A workspace or studio database that cannot be read: its one-line error, exit 2, ``nothing`` done."""
    try:
        yield
    except ConfigError as exc:
        fail_config(exc, nothing)


@click.group()
def users() -> None:
    """Who may sign in to the studio.

    \b
    Example:
      artpipe users add anna --config studio
    """


@users.command("add")
@click.argument("name")
@CONFIG
@click.password_option(help="The password (asked twice when not given).")
def add(name: str, config: Path, password: str) -> None:
    """Add NAME (or give NAME a new password); the password is kept as an scrypt hash.

    \b
    Example:
      artpipe users add anna --config studio
    """
    if len(password) < 10:
        click.echo("error: use a password of at least 10 characters", err=True)
        raise SystemExit(EXIT_CONFIG)
    with _refused("no user was added"):
        ws = load_workspace(config)
        add_studio_user(ws, name, password)
    click.echo(f"user {name} can sign in to the studio of {ws.root}")


@users.command("remove")
@click.argument("name")
@CONFIG
def remove(name: str, config: Path) -> None:
    """Remove NAME: signed out at once, their sign-in refused from then on.

    \b
    Example:
      artpipe users remove anna --config studio
    """
    with _refused("no user was removed"):
        ws = load_workspace(config)
        removed = remove_studio_user(ws, name)
    if not removed:
        click.echo(f"error: {ws.root} has no studio user {name} (see: artpipe users list)", err=True)
        raise SystemExit(EXIT_CONFIG)
    click.echo(f"user {name} can no longer sign in to the studio of {ws.root}")


@users.command("list")
@CONFIG
def listed(config: Path) -> None:
    """The names that may sign in to the studio.

    \b
    Example:
      artpipe users list --config studio
    """
    with _refused("no users were listed"):
        names = studio_users(load_workspace(config))
    for name in names:
        click.echo(name)


COMMANDS = (serve, users)
