"""The Python API the CLI is a thin layer over."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from artpipe.jobs import Job, load_job, plan
from artpipe.report import Outcome, summarize, write_report
from artpipe.run import run_tasks
from artpipe.tasks import render_product
from artpipe.version import __version__


@dataclass
class RunResult:
    """What a finished run produced."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    report: Path | None = None

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.outcomes)

    @property
    def ok(self) -> bool:
        return all(o.status in ("ok", "ignored", "duplicate") for o in self.outcomes)


def iter_job(job: Job, out_dir: Path, *, jobs: int | None = None) -> Iterator[Outcome]:
    """Render a loaded job, yielding each product's outcome as it finishes."""
    for _, outcome in run_tasks(plan(job, out_dir), render_product, jobs):
        yield outcome


def run_job(job_file: Path, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
            progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """Load, render and report a job file; the report lists items in job order."""
    return render_job(load_job(job_file), out_dir, report=report, jobs=jobs, progress=progress)


def render_job(job: Job, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
               progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """Render a loaded job into ``out_dir`` and write its JSON report (default ``out_dir/report.json``)."""
    started = time.perf_counter()
    job_file = job.path
    tasks = plan(job, out_dir)
    indexed: list[tuple[int, Outcome]] = []
    for task, outcome in run_tasks(tasks, render_product, jobs):
        indexed.append((task.index, outcome))
        if progress is not None:
            progress(outcome)
    result = RunResult([o for _, o in sorted(indexed, key=lambda pair: pair[0])])
    result.seconds = time.perf_counter() - started
    result.report = report or out_dir / "report.json"
    write_report(result.report, result.outcomes, {
        "artpipe": __version__, "command": "render", "job": str(job_file), "output": str(out_dir),
        "seconds": round(result.seconds, 3)})
    return result
