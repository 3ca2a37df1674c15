"""What the inbox holds and what the ledger says, as data: the files waiting and why, counts, latency, failures.
``artpipe status`` prints it (``--json`` as is); a dashboard can show the same."""

from __future__ import annotations

import fcntl
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from artpipe.config import Workspace
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.process import is_request, sidecar_of
from artpipe.inbox.settle import looks_complete
from artpipe.inbox.watch import candidates
from artpipe.paths import command


@dataclass(frozen=True)
class Waiting:
    """A file in the inbox not processed yet."""

    file: str  # relative to the inbox
    age_seconds: float  # since it last changed
    why: str


@dataclass(frozen=True)
class Failure:
    """An input that ended in failed/, as the ledger recorded it."""

    file: str
    reason: str
    message: str


@dataclass(frozen=True)
class InboxStatus:
    """The whole picture of a workspace's inbox at one moment."""

    watcher_running: bool
    waiting: tuple[Waiting, ...]
    counts: dict[str, int]
    latency_ms: dict[str, float] = field(default_factory=dict)  # p50, p95 of stable-to-outputs
    failed: tuple[Failure, ...] = ()  # the newest last
    ledger_recovered: str | None = None  # the damaged ledger moved aside, if it was
    throughput: dict[str, int] = field(default_factory=dict)  # inputs finished in the last hour and day

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def watcher_running(ws: Workspace) -> bool:
    """Whether an ``artpipe watch`` holds this workspace's lock now."""
    lock = ws.state / "watch.lock"
    if not lock.is_file():
        return False
    with lock.open("a", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def why_waiting(ws: Workspace, path: Path, age: float, running: bool) -> str:
    """Why ``path`` has not been processed yet, as a designer would want to hear it."""
    if age < ws.settle_seconds:
        return f"still being written (changed {age:.0f} s ago)"
    if looks_complete(path) is False:
        return (f"incomplete (its end is missing): still being copied? after {ws.incomplete_seconds:g} s unchanged "
                "it fails as truncated")
    rel = PurePosixPath(path.relative_to(ws.inbox).as_posix())
    if not is_request(rel) and sidecar_of(path) is None and age < ws.settle_seconds + ws.sidecar_wait_seconds:
        return f"waiting up to {ws.sidecar_wait_seconds:g} s for its sidecar ({path.stem}.yaml)"
    if not running:
        return f"no watcher is running: start one with {command('artpipe', 'watch', '--config', ws.root)}"
    return "ready: the watcher takes it on its next pass"


def inbox_status(ws: Workspace, recent_failures: int = 10) -> InboxStatus:
    running = watcher_running(ws)
    now = time.time()
    files, _ = candidates(ws)
    waiting = []
    for path in sorted(files):
        try:
            age = max(0.0, now - path.stat().st_mtime)
        except OSError:  # gone since it was listed
            continue
        waiting.append(Waiting(path.relative_to(ws.inbox).as_posix(), round(age, 1),
                               why_waiting(ws, path, age, running)))
    ledger = Ledger(ws.state / "ledger.db")
    try:
        counts, latencies = ledger.counts(), sorted(ledger.latency_ms())
        throughput = {"last_hour": ledger.finished_since(now - 3600), "last_day": ledger.finished_since(now - 86400)}
        failed = ledger.failed()[-recent_failures:] if recent_failures else []
        recovered = str(ledger.recovered) if ledger.recovered is not None else None
    finally:
        ledger.close()
    latency = {}
    if latencies:
        latency = {"p50": latencies[len(latencies) // 2],
                   "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]}
    failures = tuple(Failure(e.rel.as_posix(), e.reason.value if e.reason else "", e.message or "") for e in failed)
    return InboxStatus(running, tuple(waiting), counts, latency, failures, recovered, throughput)
