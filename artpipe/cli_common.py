"""What every command shares: exit codes and how configuration problems are printed."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from artpipe.errors import ConfigError
from artpipe.executors import DaskExecutor

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

def executor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--executor local|dask``, ``--scheduler ADDRESS`` and ``--ship-bytes``; read with ``executor_from``."""
    command = click.option("--ship-bytes", is_flag=True, help="Send input files to the Dask workers and "
                           "outputs back (no shared storage needed).")(command)
    command = click.option("--scheduler", default=None, metavar="ADDRESS",
                           help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask).")(command)
    return click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                        help="Where to render: this machine's cores, or a Dask distributed cluster.")(command)


def executor_from(executor: str, scheduler: str | None, ship_bytes: bool) -> DaskExecutor | None:
    """The Dask executor the options ask for (None: this machine), or a usage error."""
    if executor == "dask" and not scheduler:
        msg = "--executor dask needs --scheduler ADDRESS (tcp://host:8786)"
        raise click.UsageError(msg)
    if executor == "local" and (scheduler or ship_bytes):
        msg = "--scheduler and --ship-bytes go with --executor dask"
        raise click.UsageError(msg)
    if scheduler and not SCHEDULER_ADDRESS.fullmatch(scheduler):
        msg = f"'{scheduler}' is not a scheduler address; write tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)"
        raise click.UsageError(msg)
    return DaskExecutor(scheduler, ship_bytes) if scheduler else None


# tcp:// or tls:// to a host name, an IPv4 address or a bracketed IPv6 address, with a port
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}")


PRESETS_OPTION = click.option("--presets", "extra", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                              default=None, help="An agency's presets file laid over the bundled ones.")


def fail_config(exc: ConfigError, nothing: str = "nothing was rendered") -> NoReturn:
    """Print every problem (file:line:col) and exit 2; ``nothing`` says what was not done."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    n = len(exc.problems)
    click.echo(f"error: {n} problem{'s' if n != 1 else ''}; {nothing}", err=True)
    sys.exit(EXIT_CONFIG)
