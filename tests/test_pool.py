"""run_guarded: a task that hangs or kills its worker costs only its own outcome."""

from __future__ import annotations

import os
import time

from artpipe.report.outcome import Outcome
from artpipe.run.pool import run_guarded


def flaky(task: str) -> Outcome:
    """Workers run this: "hang" sleeps past any timeout, "crash" kills its process, others succeed."""
    if task == "hang":
        time.sleep(60)
    if task == "crash":
        os._exit(3)
    return Outcome(task, "ok")


def lost(task: str, why: str) -> Outcome:
    return Outcome(task, "failed", "isolated", why)


def test_hangs_and_crashes_are_isolated() -> None:
    tasks = ["a", "crash", "b", "hang", "c", "d"]
    started = time.monotonic()
    pairs = list(run_guarded(tasks, flaky, jobs=2, timeout=2.0, lost=lost))
    assert sorted(t for t, _ in pairs) == sorted(tasks)  # every task accounted for, exactly once
    results = dict(pairs)
    assert all(results[t].status == "ok" for t in "abcd")
    assert results["crash"].status == "failed"
    assert "stopped the worker process" in results["crash"].message
    assert results["hang"].status == "failed"
    assert "took longer than 2 s" in results["hang"].message
    assert time.monotonic() - started < 30
