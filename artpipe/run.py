"""Execute tasks on a process pool (``jobs`` workers) or inline for ``jobs=1``.

Either way the same worker function runs, so outputs are identical; outcomes stream back as tasks
finish, with a bounded number in flight so memory stays flat for large batches.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from artpipe.report import Outcome

T = TypeVar("T")


def default_jobs() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_tasks(tasks: Sequence[T], worker: Callable[[T], Outcome],
              jobs: int | None = None) -> Iterator[tuple[T, Outcome]]:
    """Yield (task, outcome) as tasks finish; ``jobs`` processes (default: all cores), inline for 1."""
    jobs = max(1, min(jobs or default_jobs(), len(tasks) or 1))
    if jobs == 1:
        for task in tasks:
            yield task, worker(task)
        return
    # forkserver: workers start clean (no inherited threads or locks) but cheaper than spawn.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        # Keep a bounded window of tasks in flight so memory stays flat for very large batches.
        pending: dict[Future[Outcome], T] = {}
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
