"""Execute tasks on a process pool (``jobs`` workers) or inline for ``jobs=1``.

Either way the same worker function runs, so outputs are identical; results stream back as tasks
finish, with a bounded number in flight so memory stays flat for large batches.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")  # what the worker returns for a task


def default_jobs() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_tasks(tasks: Sequence[T], worker: Callable[[T], R], jobs: int | None = None,
              lost: Callable[[T, str], R] | None = None) -> Iterator[tuple[T, R]]:
    """Yield (task, outcome) as tasks finish; ``jobs`` processes (default: all cores), inline for 1. With
    ``lost``, a worker process that dies (the OOM killer, a decoder crash) fails only its own task: the pool is
    replaced (see run_guarded) instead of the whole batch ending without a report."""
    jobs = max(1, min(jobs or default_jobs(), len(tasks) or 1))
    if jobs == 1:
        for task in tasks:
            yield task, worker(task)
        return
    if lost is not None:
        yield from run_guarded(tasks, worker, jobs, math.inf, lost)
        return
    pool = _pool(jobs)
    finished = False
    try:
        # Keep a bounded window of tasks in flight so memory stays flat for very large batches.
        pending: dict[Future[R], T] = {}
        queue = iter(tasks)
        for task in queue:
            pending[pool.submit(worker, task)] = task
            if len(pending) >= jobs * 4:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                yield task, future.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(worker, nxt)] = nxt
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # interrupted (Ctrl-C, SIGTERM) or abandoned: stop the workers now, leave none behind
            _kill(pool)


def _pool(width: int) -> ProcessPoolExecutor:
    """A pool of ``width`` workers that exit when this process dies, however it dies (kill -9 included)."""
    # forkserver: workers start clean (no inherited threads or locks) but cheaper than spawn.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=width, mp_context=multiprocessing.get_context(method),
                               initializer=die_with_starter, initargs=(os.getpid(),))


def die_with_starter(starter: int) -> None:
    """In a worker: exit as soon as the process that started the pool (``starter``) is gone.

    A worker's parent is the forkserver, not the starter, and it holds both ends of its task queue and the
    forkserver's liveness pipe: after a kill -9 of the starter nothing ever reads EOF, so the workers, the
    forkserver and the resource tracker would wait for ever. Once the workers exit, the forkserver and the
    tracker see their pipes close and exit by themselves."""
    _parent_death_signal()
    threading.Thread(target=_watch_starter, args=(starter,), name="artpipe-starter-watch", daemon=True).start()


def _parent_death_signal() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl(2) PR_SET_PDEATHSIG); elsewhere nothing. The
    parent is the forkserver (single-threaded), so the signal's tie to the thread that forked is harmless."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl here: the starter watch below still ends the worker


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _watch_starter(starter: int) -> None:
    """Block until ``starter`` exits, then end this worker at once (its task's result has nobody to go to)."""
    try:
        # A pidfd turns readable when the process exits (Linux 5.3+), even while it waits to be reaped.
        pidfd = os.pidfd_open(starter)
    except ProcessLookupError:
        os._exit(1)
    except (OSError, AttributeError):
        _poll_starter(starter)
    else:
        select.select([pidfd], [], [])
    os._exit(1)


def _poll_starter(starter: int) -> None:
    """Return when ``starter`` no longer exists, checking twice a second (where pidfds are missing)."""
    while True:
        try:
            os.kill(starter, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass  # it exists, owned by someone else
        time.sleep(0.5)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose worker hangs: kill its processes (a hung decoder ignores polite requests)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def run_guarded(tasks: Sequence[T], worker: Callable[[T], R], jobs: int, timeout: float,
                lost: Callable[[T, str], R]) -> Iterator[tuple[T, R]]:
    """Like run_tasks, but a task that hangs past ``timeout`` seconds or kills its worker process costs only
    its own outcome (``lost(task, why)``), and everything else still runs.

    When a worker dies the culprit is unknown, so the tasks that were running are each run again alone;
    the one that breaks its pool alone is the culprit.
    """
    queue: deque[T] = deque(tasks)
    solo: deque[T] = deque()
    while queue or solo:
        alone = bool(solo)
        source: deque[T] = deque([solo.popleft()]) if alone else queue
        width = 1 if alone else max(1, jobs)
        pool = _pool(width)
        running: dict[Future[R], tuple[T, float]] = {}
        try:
            broken = yield from _drain(pool, worker, source, running, width, timeout, alone, solo, lost)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM) or abandoned: stop the workers now
            _kill(pool)
            raise
        if broken:
            _kill(pool)
            solo.extend(task for task, _ in running.values())  # killed with the pool: run again, alone
        else:
            pool.shutdown(wait=True)


def _drain(pool: ProcessPoolExecutor, worker: Callable[[T], R], source: deque[T],
           running: dict[Future[R], tuple[T, float]], width: int, timeout: float, alone: bool,
           solo: deque[T], lost: Callable[[T, str], R]) -> Generator[tuple[T, R], None, bool]:
    """Run ``source`` on ``pool`` until it is empty or the pool breaks (a worker died or hung); returns
    whether it broke. Tasks a broken pool took with it go to ``solo``, to be run again alone."""
    broken = False
    while (source or running) and not broken:
        while source and len(running) < width:
            task = source.popleft()
            running[pool.submit(worker, task)] = (task, time.monotonic())
        done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
        for future in done:
            task, _started = running.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = True
                if alone:
                    yield task, lost(task, "it stopped the worker process (a decoder crash?)")
                else:
                    solo.append(task)
                continue
            yield task, outcome
        for future, (task, started) in list(running.items()):
            if time.monotonic() - started > timeout:
                del running[future]
                broken = True
                yield task, lost(task, f"it took longer than {timeout:g} s (a hung decoder?)")
    return broken
