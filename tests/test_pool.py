"""Tasks on a process pool (artpipe/run/pool.py): outcomes stream back, a task that hangs or kills its worker costs
only its own outcome, and no worker outlives the command that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from artpipe.report.outcome import Outcome
from artpipe.run.jobs import load_job, plan
from artpipe.run.pool import default_jobs, run_guarded, run_tasks
from artpipe.run.tasks import render_product

from conftest import Proc, alive, descendants, end_processes, product_photo

REPO = Path(__file__).resolve().parent.parent


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


def test_outcomes_stream_from_the_pool(tmp_path: Path) -> None:
    for i in range(3):
        product_photo().save(tmp_path / f"p{i}.jpg")
    rows = "".join(f"  - {{sku: s{i}, product: p{i}.jpg}}\n" for i in range(3))
    (tmp_path / "job.yaml").write_text(f"templates: [product-main]\nproducts:\n{rows}")
    tasks = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    results = list(run_tasks(tasks, render_product, jobs=2))
    assert sorted(t.index for t, _ in results) == [0, 1, 2]
    assert all(o.status == "ok" and len(o.outputs) == 2 for _, o in results)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_kill_9_of_render_leaves_no_process_behind(tmp_path: Path) -> None:
    # The sample sale (6 photos x 4 templates x every size) keeps two workers busy for several seconds.
    command = [sys.executable, "-m", "artpipe", "render", "samples/jobs/spring-sale.yaml", "-o", str(tmp_path),
               "-j", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    render = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left: set[Proc] = set()
    try:
        deadline = time.monotonic() + 60
        while len(left) < 4 and time.monotonic() < deadline:  # tracker, forkserver and two workers
            time.sleep(0.2)
            left = descendants(render.pid)
        assert render.poll() is None, "the render ended before its workers were seen"
        render.kill()
        render.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in left) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in left if alive(p)] == []
    finally:
        render.kill()
        end_processes(left)


def pid_of(task: int) -> tuple[int, int]:
    return task, os.getpid()


def crash_on_two(task: int) -> Outcome:
    if task == 2:
        os._exit(3)
    return Outcome(str(task), "ok")


def test_one_job_runs_inline_and_more_in_other_processes() -> None:
    inline = list(run_tasks([1, 2, 3], pid_of, jobs=1))
    assert inline == [(1, (1, os.getpid())), (2, (2, os.getpid())), (3, (3, os.getpid()))]  # in order, here
    pooled = dict(run_tasks(list(range(6)), pid_of, jobs=2))
    assert sorted(pooled) == list(range(6))
    assert os.getpid() not in {pid for _, pid in pooled.values()}
    assert list(run_tasks([], pid_of, jobs=4)) == []
    assert default_jobs() == len(os.sched_getaffinity(0))


def test_with_lost_a_dead_worker_fails_only_its_own_task() -> None:
    results = dict(run_tasks([1, 2, 3, 4], crash_on_two, jobs=2,
                             lost=lambda task, why: Outcome(str(task), "failed", "isolated", why)))
    assert sorted(results) == [1, 2, 3, 4]
    assert [results[t].status for t in (1, 3, 4)] == ["ok", "ok", "ok"]
    assert results[2].status == "failed"
    assert "stopped the worker process" in results[2].message
