"""What every command shares: exit codes and how configuration problems are printed."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from artpipe.errors import ConfigError
from artpipe.report.outcome import problem_line
from artpipe.report.results import ItemResult, Status
from artpipe.run.executors import DaskExecutor

T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

def executor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--executor local|dask``, ``--scheduler ADDRESS`` and ``--ship-bytes``; read with ``executor_from``."""
    command = click.option("--ship-bytes", is_flag=True, help="Send input files to the Dask workers and "
                           "outputs back (no shared storage needed).")(command)
    command = click.option("--scheduler", default=None, metavar="ADDRESS",
                           help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; "
                           "default: $ARTPIPE_SCHEDULER).")(command)
    return click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                        envvar="ARTPIPE_EXECUTOR",
                        help="Where to render: this machine's cores, or a Dask distributed cluster.")(command)


def executor_from(executor: str, scheduler: str | None, ship_bytes: bool) -> DaskExecutor | None:
    """The Dask executor the options ask for (None: this machine), or a usage error. ``$ARTPIPE_SCHEDULER`` is
    the scheduler when --executor dask names none (and is ignored for local runs)."""
    if executor == "dask" and not scheduler:
        scheduler = os.environ.get("ARTPIPE_SCHEDULER") or None
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


JOBS_OPTION = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, envvar="ARTPIPE_JOBS",
                           help="Worker processes.  [default: $ARTPIPE_JOBS, else all cores]")


def _presets_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``--presets FILE``; a preset's name given here instead of a file gets a hint, not just "no such file"."""
    if value is None or value.is_file():
        return value
    name = str(value)
    if not value.exists() and "/" not in name and value.suffix.lower() not in (".yaml", ".yml"):
        msg = (f"'{name}' is not a file; it looks like a preset or platform name: name those with -p/--preset "
               "(--presets takes an agency's presets FILE)")
    else:
        msg = f"no presets file '{name}'"
    raise click.BadParameter(msg, ctx=ctx, param=param)


PRESETS_OPTION = click.option("--presets", "extra", type=click.Path(dir_okay=False, path_type=Path), default=None,
                              callback=_presets_file, help="An agency's presets file laid over the bundled ones.")



class ConfigProblems(click.ClickException):
    """The one way a command stops for configuration problems: every problem on its own line (file:line:col),
    then what was not done, and exit 2."""

    exit_code = EXIT_CONFIG

    def __init__(self, exc: ConfigError, nothing: str = "nothing was rendered") -> None:
        n = len(exc.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''}; {nothing}")
        self.problems = exc.problems

    def show(self, file: Any = None) -> None:
        for problem in self.problems:
            click.echo(str(problem), err=True)
        click.echo(f"error: {self.message}", err=True)


def fail_config(exc: ConfigError, nothing: str = "nothing was rendered") -> NoReturn:
    """Stop the command for ``exc``'s problems (see ConfigProblems); ``nothing`` says what was not done."""
    raise ConfigProblems(exc, nothing)


PROGRESS_LINE_SECONDS = 10.0  # when stderr is not a terminal (CI logs): a plain line this often


def with_progress(total: int | None, label: str, quiet: bool,
                  run: Callable[[Callable[[ItemResult], None]], T]) -> T:
    """Run with a progress bar (rate and ETA) on a terminal, plain periodic lines elsewhere (CI logs), neither
    with ``quiet``; problems are printed as they happen, one line each. ``total`` None: not known beforehand
    (lines only, with the count so far)."""
    show = not quiet and sys.stderr.isatty() and total is not None
    lines = not quiet and not show
    started = last = time.monotonic()
    done = 0
    with click.progressbar(length=total or 1, label=label, file=sys.stderr, show_pos=True, show_eta=True,
                           hidden=not show) as bar:
        def step(result: ItemResult) -> None:
            nonlocal done, last
            bar.update(1)
            done += 1
            if result.status in (Status.REJECTED, Status.FAILED):
                click.echo(f"\n{problem_line(result)}" if show else problem_line(result), err=True)
            now = time.monotonic()
            if lines and (now - last >= PROGRESS_LINE_SECONDS or done == total):
                last = now
                click.echo(progress_line(label, done, total, now - started) if total is not None else
                           f"{label}: {done} done, {done / max(now - started, 1e-9):.1f}/s", err=True)
        try:
            return run(step)
        except ConfigError as exc:
            fail_config(exc)


def progress_line(label: str, done: int, total: int, seconds: float) -> str:
    """``rendering: 120/500 (24%), 3.1/s, ETA 2m03s``."""
    rate = done / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    eta = f"{int(left // 60)}m{int(left % 60):02d}s"
    return f"{label}: {done}/{total} ({done * 100 // max(total, 1)}%), {rate:.1f}/s, ETA {eta}"
