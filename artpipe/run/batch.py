"""Running a loaded job or a request to the end: every product on the executor, the typed results in input
order, the JSON report; for a request also its proof page and what changed since approval. The API and the
watched inbox both run work through here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from artpipe.approval import STATES, Change, approved, compare
from artpipe.errors import ConfigError, Problem
from artpipe.files import writable_folder, write_png, write_text_atomic
from artpipe.report.outcome import Outcome, item, summarize, write_report
from artpipe.report.proof import proof_page, proof_sheet
from artpipe.report.proofview import RECORD, record_json
from artpipe.report.results import SETTLED, ItemResult, ProductResult
from artpipe.run.executors import Executor, LocalExecutor
from artpipe.run.incremental import Cache
from artpipe.run.jobs import Job, plan
from artpipe.run.requests import load_request
from artpipe.run.tasks import render_product
from artpipe.version import __version__

Progress = Callable[[ItemResult], None]  # told of each input as it is done


@dataclass
class RunResult:
    """What a finished run produced: one typed result per input, in input order."""

    results: list[ItemResult] = field(default_factory=list)
    seconds: float = 0.0
    report: Path | None = None

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.results)

    @property
    def ok(self) -> bool:
        return all(r.status in SETTLED for r in self.results)

    @property
    def outcomes(self) -> list[Outcome]:
        """The report's items (display strings), as earlier versions of the API returned them; artpipe itself
        reads ``results``."""
        return [item(r) for r in self.results]


def collect(known: Iterable[tuple[int, ItemResult]], stream: Iterable[tuple[int, ItemResult]],
            progress: Progress | None, report: Path, meta: dict[str, object]) -> RunResult:
    """Gather results (reporting each as it comes), order them by input, write the report.

    ``known`` holds results decided without running anything (ignored files, duplicates).
    """
    started = time.perf_counter()
    indexed: list[tuple[int, ItemResult]] = []
    for index, result in chain(known, stream):
        indexed.append((index, result))
        if progress is not None:
            progress(result)
    run = RunResult([r for _, r in sorted(indexed, key=lambda pair: pair[0])], report=report)
    run.seconds = time.perf_counter() - started
    try:
        write_report(report, run.results, {"artpipe": __version__, **meta, "seconds": round(run.seconds, 3)})
    except OSError as exc:
        raise ConfigError([Problem(str(report), 0, 0, "", f"cannot write the report ({exc.strerror or exc})",
                                   "free some space or fix the folder's permissions, then run again")]) from None
    return run


def check_writable(out_dir: Path) -> None:
    """A one-line error before any work when nothing can be written into ``out_dir``."""
    why = writable_folder(out_dir)
    if why is not None:
        raise ConfigError([Problem(str(out_dir), 0, 0, "", f"cannot write into the output folder ({why})",
                                   "check its space and permissions, or choose another folder with -o")])


def render_job(job: Job, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
               progress: Progress | None = None, timeout: float | None = None,
               cache: Path | None = None, force: bool = False, executor: Executor | None = None,
               keep_photos: bool = False) -> RunResult:
    """Render a loaded job into ``out_dir`` and write its JSON report (default ``out_dir/report.json``).

    ``timeout``: a product whose rendering takes longer (a hostile file hanging a decoder), or that kills its
    worker, fails alone (the watched inbox runs requests this way). ``cache``: render incrementally, keeping
    records there (see incremental.py); ``force`` renders everything again and renews the records.
    ``keep_photos``: also keep the normalized photos in ``cache/photos`` (see assetcache.py).
    ``executor``: where the tasks run (default: this machine's ``jobs`` processes; or a Dask cluster)."""
    tasks = plan(job, out_dir)
    check_writable(out_dir)
    records = Cache(cache) if cache is not None else None
    kept: list[tuple[int, ProductResult]] = []
    full = {task.index: task for task in tasks}
    if records is not None:
        tasks, kept, _ = records.split(tasks, force)
        if keep_photos and cache is not None:
            tasks = [replace(t, assets=cache / "photos") for t in tasks]
    runs = (executor or LocalExecutor(jobs, timeout)).map(tasks, render_product)
    stream = ((task.index, result if records is None else records.finish(full[task.index], task, result))
              for task, result in runs)
    result = collect(kept, stream, progress, report or out_dir / "report.json",
                     {"command": "render", "job": str(job.path), "output": str(out_dir), "cached": len(kept)})
    if records is not None:
        records.save()
    return result


@dataclass
class CampaignResult:
    """A rendered request: the run, its folder, and what changed since the campaign was approved."""

    run: RunResult
    root: Path
    changes: list[Change] | None  # None when the campaign was never approved
    approved_at: str = ""

    @property
    def products(self) -> list[ProductResult]:
        """The products' results, in the request's order."""
        return [r for r in self.run.results if isinstance(r, ProductResult)]


def run_request(path: Path, out_dir: Path, *, jobs: int | None = None, presets: Path | None = None,
                progress: Progress | None = None, timeout: float | None = None,
                licensed: frozenset[str] = frozenset(), executor: Executor | None = None) -> CampaignResult:
    """Render a request into ``out_dir/<campaign>/``: outputs, report.json, proof.html and proof.png; when the
    campaign was approved, what changed since (with a visual diff of each change in ``changes/``). ``presets``:
    an agency's presets file laid over the bundled ones; ``licensed``: see jobs.load_job; ``executor``: where
    the products render (default: this machine's ``jobs`` processes)."""
    request = load_request(path, presets, licensed)
    root = out_dir / request.campaign
    result = render_job(request.job, root, jobs=jobs, progress=progress, timeout=timeout, executor=executor)
    record = approved(root)
    changes = compare(root)
    meta: dict[str, object] = {"artpipe": __version__, "command": "request", "request": str(path),
                               "campaign": request.campaign, "output": str(root), "seconds": round(result.seconds, 3)}
    shown = changes if changes is not None and record is not None else None
    if shown is not None and record is not None:
        meta["approval"] = {"approved_at": record[0], **{state: [c.output for c in shown if c.state == state]
                                                          for state in STATES if state != "unchanged"},
                            "unchanged": sum(1 for c in shown if c.state == "unchanged")}
    approvals = {(root / c.output).resolve(): c for c in shown} if shown is not None else None
    write_report(root / "report.json", result.results, meta, approvals=approvals)
    campaign = CampaignResult(result, root, changes, record[0] if record else "")
    # The proof reads this record (real paths, relative to the folder) rather than the report's display strings.
    write_text_atomic(root / RECORD, record_json(root, campaign.products, shown))
    write_text_atomic(root / "proof.html", proof_page(root, request.campaign, request.merchant, request.deadline))
    write_png(root / "proof.png", proof_sheet(campaign.products))
    return campaign
