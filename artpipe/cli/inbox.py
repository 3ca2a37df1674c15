"""The watched-inbox commands: init, watch, status, retry."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import click

from artpipe.api import Watcher, Workspace, inbox_status, init_workspace, load_workspace, retry_failed
from artpipe.cli.common import EXIT_FAILED, EXIT_OK, executor_from, executor_options, fail_config
from artpipe.errors import ConfigError, WatcherRunning


def _workspace(config: Path) -> Workspace:
    try:
        return load_workspace(config)
    except ConfigError as exc:
        fail_config(exc)


CONFIG_OPTION = click.option("--config", "config", type=click.Path(exists=True, path_type=Path), default=Path("."),
                             show_default=True, help="The workspace folder or its artpipe.yaml.")


@click.command()
@click.argument("workspace", type=click.Path(file_okay=False, path_type=Path))
def init(workspace: Path) -> None:
    """Create a WORKSPACE: artpipe.yaml with example routes, and inbox/ outbox/ archive/ failed/.

    \b
    Example:
      artpipe init studio && artpipe watch --config studio
    An existing artpipe.yaml is kept as it is.
    """
    config = init_workspace(workspace)
    click.echo(f"workspace ready: {config} (drop photos into {workspace / 'inbox'}/<merchant>/)")


@click.command()
@CONFIG_OPTION
@click.option("--once", is_flag=True, help="Process what is in the inbox, then exit (cron, CI).")
@click.option("--polling", is_flag=True, help="Poll instead of OS events (network shares).")
@click.option("-j", "--jobs", "--workers", "workers", type=click.IntRange(min=1), default=None, envvar="ARTPIPE_JOBS",
              help="Render processes, as for render (--workers is the older spelling).  [default: $ARTPIPE_JOBS, else "
              "all cores]")
@executor_options
def watch(config: Path, once: bool, polling: bool, workers: int | None, executor: str, scheduler: str | None,
          ship_bytes: bool) -> None:
    """Watch the workspace's inbox: render each completely written file, then archive it (or fail it).

    \b
    Example:
      artpipe watch --config studio            # until Ctrl-C
      artpipe watch --config studio --once     # what is there now, then exit
    Exit codes: 0 all fine (or, with --once, another watcher has the inbox), 1 some files went to failed/,
    2 the workspace config is wrong, or another watcher runs on it.
    """
    runner = executor_from(executor, scheduler, ship_bytes)
    ws = _workspace(config)
    if runner is not None:
        try:
            runner.check()  # an unreachable cluster is a usage error before any file is touched
        except ConfigError as exc:
            fail_config(exc)
    watcher = Watcher(ws, workers=workers, log=_stamped, executor=runner)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: watcher.stop.set())
    click.echo(f"watching {ws.inbox}" + (" (once)" if once else "; Ctrl-C to stop"), err=True)
    try:
        failures = watcher.run(once=once, polling=polling)
    except WatcherRunning as exc:
        if not once:
            fail_config(exc)
        # cron runs --once beside a long-running watcher: that one processes the inbox, nothing is wrong
        click.echo(f"note: {exc.problems[0].what}; it processes the inbox, nothing to do here", err=True)
        sys.exit(EXIT_OK)
    except ConfigError as exc:
        fail_config(exc)
    sys.exit(EXIT_FAILED if failures else EXIT_OK)


def _stamped(line: str) -> None:
    """A watch log line with the local date and time it happened (a watcher runs for days)."""
    click.echo(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}", err=True)


@click.command()
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts: waiting files and why, counts, "
              "latency, recent failures.")
def status(config: Path, as_json: bool) -> None:
    """What the inbox holds and what the ledger says: each waiting file and why it waits, done, failed.

    \b
    Example:
      artpipe status --config studio
      artpipe status --config studio --json
    """
    state = inbox_status(_workspace(config))
    if as_json:
        click.echo(json.dumps(state.as_dict(), ensure_ascii=False, indent=2))
        return
    if state.ledger_recovered is not None:
        click.echo(f"the ledger was damaged: moved aside to {state.ledger_recovered} and started anew", err=True)
    click.echo(f"waiting in inbox: {len(state.waiting)}")
    for item in state.waiting:
        click.echo(f"  {item.file}: {item.why}")
    for name in ("processing", "done", "duplicate", "failed"):
        click.echo(f"{name + ':':12} {state.counts[name]}")
    if state.throughput:
        click.echo(f"finished: {state.throughput['last_hour']} in the last hour, {state.throughput['last_day']} in "
                   "the last day")
    if state.latency_ms:
        click.echo(f"latency (stable to outputs): p50 {state.latency_ms['p50']:.0f} ms, "
                   f"p95 {state.latency_ms['p95']:.0f} ms")
    for entry in state.failed:
        click.echo(f"  failed: {entry.file}: {entry.reason}: {entry.message}")


@click.command()
@CONFIG_OPTION
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def retry(config: Path, files: tuple[Path, ...]) -> None:
    """Move failed inputs back into the inbox for another try (all of failed/ when no FILES are named).

    \b
    Example:
      artpipe retry --config studio studio/failed/acme/mug.jpg
    """
    ws = _workspace(config)
    done = retry_failed(ws, list(files))
    for item in done:
        if item.dest is None:
            click.echo(f"error: {item.path}: {item.error}", err=True)
        else:
            click.echo(f"back in the inbox: {item.dest.relative_to(ws.inbox)}")
    sys.exit(EXIT_OK if all(item.dest is not None for item in done) else EXIT_FAILED)


COMMANDS = (init, watch, status, retry)
