"""The watch loop: rescan, settle, render on the worker pool, account for every file.

watchdog only wakes the loop early (its handler enqueues nothing but a wake-up; a "created" event never
means "complete"); every decision comes from a rescan of the inbox, so files that arrived while artpipe
was down, or whose events were dropped, are processed all the same.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from watchdog.events import FileClosedEvent, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from artpipe.config import Workspace
from artpipe.errors import ConfigError, Problem, WatcherRunning
from artpipe.files import clean_temp_files, move_into, write_error_report
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.process import (
    MERCHANT_FILE,
    SIDECAR_SUFFIXES,
    Fate,
    Pending,
    Processor,
    Settled,
    is_request,
    is_request_material,
    merchant_values,
    sidecar_of,
)
from artpipe.inbox.settle import UNKNOWN_FACTOR, Settler, Settling
from artpipe.reasons import Reason
from artpipe.report.results import ProductResult, Status
from artpipe.run.executors import Executor, LocalExecutor, render_all
from artpipe.run.pool import default_jobs
from artpipe.sources import walk_sources

RESCAN_SECONDS = 1.0
PAUSE_SECONDS = 5.0
ONCE_PAUSE_SECONDS = 1.0
ONCE_TRIES = 3  # with --once, a file that cannot be finished this many times fails the run
SUMMARY_SECONDS = 60.0
# Why a file is left for the next run, by what its last look found (READY: settled, but waiting for its sidecar).
LEFT_WORDS = {Settling.CHANGING: "still being written", Settling.INCOMPLETE: "its end is missing: still being copied?",
              Settling.UNSURE: "still settling", Settling.READY: "waiting for its sidecar"}


class _Wake(FileSystemEventHandler):
    """Any event in the inbox: look again soon; a file its writer closed: note when. Nothing else happens on
    the observer's thread."""

    def __init__(self, event: threading.Event, closed: dict[Path, float]) -> None:
        self.event = event
        self.closed = closed

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.event.set()

    def on_closed(self, event: FileClosedEvent) -> None:
        # inotify's IN_CLOSE_WRITE (Linux only): a writer closed the file. Our own reads close without writing
        # and come as FileClosedNoWriteEvent, never here.
        if not event.is_directory:
            self.closed[Path(os.fsdecode(event.src_path))] = time.time()
            self.event.set()


def kit_files(ws: Workspace) -> set[Path]:
    """Files a ``merchant.yaml`` names (its logo, its font): the merchant's kit, never inputs themselves."""
    found: set[Path] = set()
    for merchant in ws.inbox.glob(f"*/{MERCHANT_FILE}"):
        try:
            values = merchant_values(merchant, merchant.parent)
        except ConfigError:
            continue
        own = merchant.parent.resolve()
        found.update(Path(v) for v in values.values() if Path(v).is_absolute() and Path(v).is_relative_to(own))
    return found


def candidates(ws: Workspace) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Inputs in the inbox (ignored names, merchant/sidecar YAML and kit files left alone), links to refuse."""
    files, refused = [], []
    kit = kit_files(ws)
    for source in walk_sources([ws.inbox]):
        if source.status is Status.IGNORED or source.path.name == MERCHANT_FILE or source.path.resolve() in kit:
            continue
        rel = PurePosixPath(source.path.relative_to(ws.inbox).as_posix())
        if is_request_material(rel) or (source.path.suffix.lower() in SIDECAR_SUFFIXES and not is_request(rel)):
            continue
        if source.status is Status.REJECTED:
            refused.append((source.path, source.message))
        else:
            files.append(source.path)
    return files, refused


@contextmanager
def _only_watcher(ws: Workspace) -> Iterator[None]:
    """Hold the workspace's watch lock (an advisory lock the kernel drops when the process dies, so a crash
    leaves no stale lock): two watchers would render every file twice and fight over the moves."""
    ws.state.mkdir(parents=True, exist_ok=True)
    with (ws.state / "watch.lock").open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            raise WatcherRunning([Problem(str(ws.config), 0, 0, "", f"another artpipe watch is already running "
                                          f"on this workspace (pid {holder})", "stop it first; one watcher per "
                                          "workspace uses every core already")]) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Watcher:
    """Runs the inbox until stopped (or, with ``once``, until nothing is left to do)."""

    def __init__(self, ws: Workspace, *, workers: int | None = None, log: Callable[[str], None] = print,
                 executor: Executor | None = None) -> None:
        self.ws = ws
        self.workers = workers
        self.executor = executor  # None: this machine's worker processes, with timeouts
        self.log = log
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.settler = Settler(ws.settle_seconds, ws.incomplete_seconds)
        self.stable_since: dict[Path, float] = {}
        self.noticed: dict[Path, float] = {}  # when this run first saw each file
        self.waiting: list[Path] = []  # files the last pass found not ready
        self.failures = 0
        self.paused = False
        self.stuck: dict[PurePosixPath, int] = {}  # inputs whose outputs or move failed, and how often
        self.observer: BaseObserver | None = None

    def recover(self) -> None:
        """After a crash: drop half-written temp files, reopen inputs that were being processed."""
        for folder in (self.ws.outbox, self.ws.archive, self.ws.failed):
            for tmp in clean_temp_files(folder):
                self.log(f"removed an unfinished temp file: {tmp}")
        for entry in self.ledger.unfinished():
            self.ledger.abandon(entry.id)
            self.log(f"resuming: {entry.rel} was interrupted; it is processed again")

    def _ready(self, now: float) -> list[Path]:
        files, refused = candidates(self.ws)
        for path, message in refused:
            rel = path.relative_to(self.ws.inbox)
            dest = move_into(path, self.ws.failed, rel)
            error = {"input": rel.as_posix(), "reason": Reason.UNSUPPORTED.value, "message": message,
                     "what_to_do": "copy the file itself into the inbox"}
            write_error_report(dest, error)
            self.failures += 1
            self.log(f"failed: {rel}: {message}")
        ready = []
        for path in files:
            if path not in self.settler.seen:
                self.log(f"received: {path.relative_to(self.ws.inbox)}")
            self.noticed.setdefault(path, now)
            if not self.settler.observe(path, now):
                self.stable_since.pop(path, None)
                continue
            first = self.stable_since.setdefault(path, now)
            # Give a sidecar (mug.yaml) a moment to arrive after its image.
            request = is_request(PurePosixPath(path.relative_to(self.ws.inbox).as_posix()))
            if not request and sidecar_of(path) is None and now - first < self.ws.sidecar_wait_seconds:
                continue
            ready.append(path)
        self.waiting = sorted(set(files) - set(ready))
        self.pending = len(self.waiting)
        return ready

    def _only_unsettled_left(self, now: float) -> bool:
        """``--once``: whether every file still waiting has had as long as one that was whole when it came needs
        (the quiet window, the longer one of formats whose end cannot be read, the sidecar wait). The rest are
        still being written: the next run takes them, rather than this one waiting (up to ``incomplete_seconds``
        for a copy that stopped half-way, for ever for one that keeps growing)."""
        budget = self.ws.settle_seconds * UNKNOWN_FACTOR + self.ws.sidecar_wait_seconds + RESCAN_SECONDS
        return all(now - self.noticed.get(path, now) >= budget for path in self.waiting)

    def _leave(self) -> None:
        """``--once``: name each file left in the inbox for the next run, and why."""
        for path in self.waiting:
            shown = path.relative_to(self.ws.root) if path.is_relative_to(self.ws.root) else path
            why = LEFT_WORDS[self.settler.states.get(path, Settling.CHANGING)]
            self.log(f"left for the next run: {shown.as_posix()} ({why})")

    def step(self) -> int:
        """One pass: process every ready file; returns how many were handled."""
        ready = self._ready(time.time())
        if not ready:
            return 0
        self.processor.this_pass.clear()
        items = []
        for p in sorted(ready):
            try:
                items.append(self.processor.prepare(p, self.stable_since.get(p, time.time())))
            except FileNotFoundError:  # deleted or renamed after it settled: nothing to account for here
                self.log(f"gone: {p.relative_to(self.ws.inbox)} (moved or deleted before it was processed)")
        for p in ready:
            self.settler.forget(p)
            self.stable_since.pop(p, None)
            self.noticed.pop(p, None)
        by_row: dict[int, Pending] = {i.row: i for i in items}
        for item in (i for i in items if i.task is None and not i.request):
            self._report(self._settle(item, None))
        tasks = [i.task for i in items if i.task is not None]
        executor = self.executor or LocalExecutor(self.workers or default_jobs(), self.ws.timeout_seconds)
        for task, result in render_all(tasks, executor):
            self._report(self._settle(by_row[task.index], result))
        for item in (i for i in items if i.request):
            self._report(self._settle(item, None))
        return len(items)

    def _settle(self, item: Pending, result: ProductResult | None) -> Settled:
        """Account for an item; a move that fails (permissions, a locked file) is retried on a later pass."""
        problem = result.problem if result is not None else None
        if problem is not None and problem.reason is Reason.WRITE:  # the outbox cannot be written: paused
            self.stuck[item.rel] = self.stuck.get(item.rel, 0) + 1
        try:
            if item.request:
                return self.processor.render_request(item, self.workers or default_jobs())
            return self.processor.settle(item, result)
        except OSError as exc:
            self.ledger.abandon(item.row)
            self.stuck[item.rel] = self.stuck.get(item.rel, 0) + 1
            return Settled(Fate.RETRYING, item.rel, f"retrying: {item.rel}: cannot move it ({exc.strerror or exc}); it "
                           "stays in the inbox for now")

    def _give_up(self) -> bool:
        """``--once``: files that could not be finished ONCE_TRIES times are failures of this run (a read-only
        archive or outbox would otherwise keep it going for ever); True when some were given up."""
        hopeless = [rel for rel, tries in self.stuck.items() if tries >= ONCE_TRIES]
        for rel in hopeless:
            self.log(f"gave up: {rel}: could not be finished after {ONCE_TRIES} tries (see above); it stays in "
                     "the inbox")
        self.failures += len(hopeless)
        return bool(hopeless)

    def _report(self, settled: Settled) -> None:
        """Count an input by what became of it (never by its log line), then log it."""
        if settled.fate is Fate.FAILED:
            self.failures += 1
        if settled.fate is Fate.PAUSED:
            self.paused = True
        self.log(str(settled))

    def _observe(self, polling: bool) -> BaseObserver:
        observer = (PollingObserver if polling else Observer)()
        observer.schedule(_Wake(self.wake, self.settler.closed), str(self.ws.inbox), recursive=True)
        observer.start()
        return observer

    def run(self, *, once: bool = False, polling: bool = False) -> int:
        """Watch until stopped; ``once``: until the inbox holds nothing but files still being written (left, and
        named, for the next run).
        WatcherRunning when another watcher already runs on this workspace."""
        with _only_watcher(self.ws):
            return self._run(once=once, polling=polling)

    def _run(self, *, once: bool, polling: bool) -> int:
        # The ledger's connection belongs to the thread that runs the loop.
        self.ledger = Ledger(self.ws.state / "ledger.db")
        if self.ledger.recovered is not None:
            self.log(f"the ledger was damaged: moved aside to {self.ledger.recovered.name} and started anew; "
                     "files still in the inbox are processed again, archive/ and failed/ are as they were")
        self.processor = Processor(self.ws, self.ledger)
        self.recover()
        self.observer = None
        if not once:
            self.observer = self._observe(polling)
        self.pending = 0
        last_summary = time.monotonic()
        try:
            while not self.stop.is_set():
                self.paused = False
                try:
                    handled = self.step()
                except sqlite3.OperationalError as exc:  # "database or disk is full": pause, never die
                    self.log(f"paused: the ledger cannot be written ({exc}); free some space, nothing is lost")
                    self.paused, handled = True, 0
                    self.stuck[PurePosixPath(".artpipe/ledger.db")] = \
                        self.stuck.get(PurePosixPath(".artpipe/ledger.db"), 0) + 1
                if not once and time.monotonic() - last_summary >= SUMMARY_SECONDS:
                    counts = self.ledger.counts()
                    self.log(f"summary: {counts['done']} rendered, {counts['failed']} failed, "
                             f"{counts['duplicate']} duplicates, {self.pending} waiting")
                    last_summary = time.monotonic()
                if once and self._give_up():
                    break
                if self.paused:
                    # Outputs cannot be written (disk full, share gone): wait, then try the same files again.
                    self.stop.wait(ONCE_PAUSE_SECONDS if once else PAUSE_SECONDS)
                    continue
                if once and not handled and self._only_unsettled_left(time.time()):
                    self._leave()
                    break
                if self.observer is not None and not self.observer.is_alive():
                    # An exception in a handler thread kills the observer; rescans keep working, restart it.
                    self.log("the file-system observer stopped; restarting it")
                    self.observer = self._observe(polling)
                self.wake.wait(0.2 if once else RESCAN_SECONDS)
                self.wake.clear()
        finally:
            if self.observer is not None:
                self.observer.stop()
                self.observer.join(timeout=5)
            self.ledger.close()
        return self.failures
