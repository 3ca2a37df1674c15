"""Requests rendered in the background, one at a time, on this machine's worker processes or a Dask cluster;
progress and the outcome go to the store as they happen, and a heartbeat says this studio is alive for the
requests it holds (so another studio on the same workspace never takes them for interrupted)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from artpipe.api import (
    CampaignResult,
    Executor,
    ItemResult,
    Status,
    Workspace,
    campaign_approved,
    count,
    name_of,
    run_request,
    said,
)
from artpipe.errors import ConfigError
from artpipe.studio.store import Store

STUDIO = "studio"  # the studio's folder in the workspace (requests) and in its outbox (campaigns)


def campaign_root(ws: Workspace, rid: str, campaign: str) -> Path:
    """Where a request's campaign is rendered: ``outbox/studio/<request>/<campaign>/``."""
    return ws.outbox / STUDIO / rid / campaign


class Runner:
    """Renders queued requests one after another in a background thread."""

    def __init__(self, ws: Workspace, store: Store, jobs: int | None = None, executor: Executor | None = None,
                 heartbeat_s: float = 10.0) -> None:
        self.ws, self.store, self.jobs, self.executor = ws, store, jobs, executor
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="artpipe-studio")
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._beating, args=(heartbeat_s,), daemon=True,
                                      name="artpipe-studio-heartbeat")
        self._beat.start()

    def submit(self, rid: str, products: int) -> Future[None]:
        self.store.queue(rid, products)
        return self.pool.submit(self._run, rid)

    def _beating(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.store.beat()

    def _run(self, rid: str) -> None:
        record = self.store.get(rid)
        if record is None:
            return
        started = time.monotonic()
        self.store.update(rid, state="running", heartbeat=time.time())
        problems: list[str] = []
        finished: list[ItemResult] = []

        def step(result: ItemResult) -> None:
            finished.append(result)
            if result.status is not Status.OK:
                problems.append(f"{name_of(result)}: {said(result)}")
            self.store.update(rid, done=len(finished), problems="\n".join(problems))

        try:
            result = run_request(self.ws.root / record.folder / "request.yaml", self.ws.outbox / STUDIO / rid,
                                 jobs=self.jobs, progress=step, timeout=self.ws.timeout_seconds,
                                 licensed=self.ws.licensed_fonts, executor=self.executor)
        except ConfigError as exc:
            self._finish(rid, started, "failed", "; ".join(p.what for p in exc.problems))
            return
        except Exception as exc:  # noqa: BLE001 - the studio keeps serving; the request says what happened
            self._finish(rid, started, "failed", f"{type(exc).__name__}: {exc}")
            return
        self._finish(rid, started, *self._outcome(rid, result))

    def _outcome(self, rid: str, result: CampaignResult) -> tuple[str, str]:
        """The state and message a finished render leaves; decisions on images that changed are forgotten."""
        for change in result.changes or []:  # what the merchant decided on is decided again where it changed
            if change.state in ("changed", "new"):
                self.store.forget_decision(rid, change.output)
        approved = result.changes is not None and all(c.state == "unchanged" for c in result.changes) \
            and campaign_approved(result.root)  # a set reopened by the merchant waits for their approval again
        failed = sum(1 for r in result.run.results if r.status is not Status.OK)
        message = f"{count(result.run.summary['outputs'], 'image')}" + \
            (f", {count(failed, 'product')} failed" if failed else "")
        return ("approved" if approved else "done"), message

    def _finish(self, rid: str, started: float, state: str, message: str) -> None:
        self.store.update(rid, state=state, message=message, owner="", finished_at=time.time(),
                          seconds=round(time.monotonic() - started, 1))

    def close(self) -> None:
        self._stop.set()
        self.pool.shutdown(wait=True)
