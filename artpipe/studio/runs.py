"""Requests rendered in the background, one at a time, on this machine's worker processes or a Dask cluster;
progress and the outcome go to the store as they happen."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from artpipe.approval import is_approved
from artpipe.batch import run_request
from artpipe.config import Workspace
from artpipe.errors import ConfigError
from artpipe.executors import Executor
from artpipe.report import Outcome, count
from artpipe.studio.store import Store

STUDIO = "studio"  # the studio's folder in the workspace (requests) and in its outbox (campaigns)


def campaign_root(ws: Workspace, rid: str, campaign: str) -> Path:
    """Where a request's campaign is rendered: ``outbox/studio/<request>/<campaign>/``."""
    return ws.outbox / STUDIO / rid / campaign


class Runner:
    """Renders queued requests one after another in a background thread."""

    def __init__(self, ws: Workspace, store: Store, jobs: int | None = None, executor: Executor | None = None) -> None:
        self.ws, self.store, self.jobs, self.executor = ws, store, jobs, executor
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="artpipe-studio")

    def submit(self, rid: str, products: int) -> Future[None]:
        self.store.update(rid, state="queued", done=0, total=products, message="", finished_at=None, seconds=None,
                          problems="")
        return self.pool.submit(self._run, rid)

    def _run(self, rid: str) -> None:
        record = self.store.get(rid)
        if record is None:
            return
        started = time.monotonic()
        self.store.update(rid, state="running")
        done = 0
        problems: list[str] = []

        def step(outcome: Outcome) -> None:
            nonlocal done
            done += 1
            if outcome.status != "ok":
                problems.append(f"{outcome.extra.get('sku', outcome.input)}: {outcome.message}")
            self.store.update(rid, done=done, problems="\n".join(problems))

        try:
            result = run_request(self.ws.root / record.folder / "request.yaml", self.ws.outbox / STUDIO / rid,
                                 jobs=self.jobs, progress=step, timeout=self.ws.timeout_seconds,
                                 licensed=self.ws.licensed_fonts, executor=self.executor)
        except ConfigError as exc:
            self.store.update(rid, state="failed", message="; ".join(p.what for p in exc.problems),
                              finished_at=time.time(), seconds=round(time.monotonic() - started, 1))
            return
        except Exception as exc:  # noqa: BLE001 - the studio keeps serving; the request says what happened
            self.store.update(rid, state="failed", message=f"{type(exc).__name__}: {exc}", finished_at=time.time(),
                              seconds=round(time.monotonic() - started, 1))
            return
        for change in result.changes or []:  # what the merchant decided on is decided again where it changed
            if change.state in ("changed", "new"):
                self.store.forget_decision(rid, change.output)
        approved = result.changes is not None and all(c.state == "unchanged" for c in result.changes) \
            and is_approved(result.root)  # a set reopened by the merchant waits for their approval again
        failed = sum(1 for o in result.run.outcomes if o.status != "ok")
        message = f"{count(result.run.summary['outputs'], 'image')}" + \
            (f", {count(failed, 'product')} failed" if failed else "")
        self.store.update(rid, state="approved" if approved else "done", message=message, finished_at=time.time(),
                          seconds=round(time.monotonic() - started, 1))

    def close(self) -> None:
        self.pool.shutdown(wait=True)
