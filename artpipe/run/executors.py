"""Where render tasks run: the local process pool (the default, nothing to start) or a Dask cluster.

An executor takes the tasks and the worker function and yields ``(task, result)`` as tasks finish; the
results, the report and the cache rules are the same whichever runs them.

With Dask (``pip install 'artpipe[dask]'``) the inputs and outputs either live on storage every worker sees
at the same absolute paths (the default), or travel with the tasks (``ship_bytes``): the client sends each
task's input files, the worker renders into a temporary folder and sends the encoded files back, and the
client writes them atomically where the job says.
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from artpipe.errors import ConfigError, Problem
from artpipe.files import write_atomic
from artpipe.report.results import ProductResult
from artpipe.run.jobs import Task
from artpipe.run.pool import default_jobs, run_guarded, run_tasks
from artpipe.run.tasks import lost_product, render_product

Worker = Callable[[Task], ProductResult]
IN_FLIGHT_PER_WORKER = 4  # tasks submitted ahead of the cluster, so memory stays flat for large batches


class Executor(Protocol):
    """Runs render tasks somewhere and reports each result as it arrives, its paths the client's."""

    def map(self, tasks: Sequence[Task], worker: Worker) -> Iterator[tuple[Task, ProductResult]]: ...


def render_all(tasks: Sequence[Task], executor: Executor) -> Iterator[tuple[Task, ProductResult]]:
    """Render every task on ``executor``, yielding each product's result as it finishes."""
    return executor.map(tasks, render_product)


def _not_a_scheduler(address: str, timeout: float) -> str | None:
    """Why a plain-TCP ``address`` is no Dask scheduler, or None when it may be one. A scheduler greets every new
    connection at once; something else on the port (an HTTP server) waits for us to speak, and distributed's
    own handshake would then wait for ever."""
    if not address.startswith("tcp://"):
        return None  # TLS: the client speaks first; the connect timeout covers it
    host, _, port = address[len("tcp://"):].rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as conn:
            conn.settimeout(timeout)
            if not conn.recv(1):
                return "the connection was closed at once"
    except TimeoutError:
        return f"something answers there but says nothing within {timeout:g} s: not a Dask scheduler"
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class LocalExecutor:
    """This machine's cores (``jobs``); with ``timeout``, a hung or crashing task fails alone."""

    jobs: int | None = None
    timeout: float | None = None

    def map(self, tasks: Sequence[Task], worker: Worker) -> Iterator[tuple[Task, ProductResult]]:
        if self.timeout is None:
            return run_tasks(tasks, worker, self.jobs, lost_product)  # a dead worker costs only its product
        return run_guarded(tasks, worker, self.jobs or default_jobs(), self.timeout, lost_product)


@dataclass(frozen=True)
class DaskExecutor:
    """A Dask distributed cluster at ``scheduler`` (``tcp://host:8786``). A task whose worker dies is run
    again on another one (``retries`` times, besides the scheduler's own rescheduling)."""

    scheduler: str
    ship_bytes: bool = False
    retries: int = 2
    connect_timeout: float = 30.0

    def check(self) -> None:
        """ConfigError unless a Dask scheduler answers at the address (before any file is touched)."""
        silent = _not_a_scheduler(self.scheduler, self.connect_timeout)
        if silent is not None:
            raise ConfigError([Problem("--scheduler", 0, 0, "", f"cannot reach a Dask scheduler at {self.scheduler} "
                                       f"({silent})", "start one with: dask scheduler, and workers with: dask "
                                       "worker ADDRESS")])

    def map(self, tasks: Sequence[Task], worker: Worker) -> Iterator[tuple[Task, ProductResult]]:
        try:
            import distributed  # noqa: PLC0415 - an optional dependency
            from dask import config as dask_settings  # noqa: PLC0415
        except ImportError:
            raise ConfigError([Problem("--executor", 0, 0, "", "the dask executor needs the distributed package",
                                       "pip install 'artpipe[dask]'")]) from None
        dask_config: Any = dask_settings  # untyped
        dask: Any = distributed
        self.check()
        try:
            # Every comm step gets the deadline too: a port that answers something else (an HTTP server)
            # accepts the connection and would leave the handshake waiting for ever.
            seconds = f"{self.connect_timeout:g}s"
            with dask_config.set({"distributed.comm.timeouts.connect": seconds,
                                  "distributed.comm.timeouts.tcp": seconds}):
                client = dask.Client(self.scheduler, timeout=self.connect_timeout)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError([Problem("--scheduler", 0, 0, "", f"cannot reach a Dask scheduler at {self.scheduler} "
                                       f"({type(exc).__name__}: {exc})", "start one with: dask scheduler, and "
                                       "workers with: dask worker ADDRESS")]) from None
        with client:
            width = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER
            queue = iter(tasks)
            pending: dict[Any, Task] = {}

            def submit(task: Task) -> Any:
                if self.ship_bytes:
                    future = client.submit(run_shipped, worker, *ship(task), pure=False, retries=self.retries)
                else:
                    future = client.submit(run_shared, worker, absolute(task), pure=False, retries=self.retries)
                pending[future] = task
                return future

            # islice takes exactly ``width`` tasks; zip(queue, range(width)) would pull one more and drop it
            running = dask.as_completed([submit(t) for t in islice(queue, width)])
            for future in running:
                task = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a cluster failure costs this product, not the batch
                    result = lost_product(task, f"the cluster could not render it ({type(exc).__name__}: {exc})")
                else:
                    result = as_named(task, unpack(result) if self.ship_bytes else result)
                nxt = next(queue, None)
                if nxt is not None:
                    running.add(submit(nxt))
                yield task, result


# shared storage ----------------------------------------------------------------------------------------------------

def absolute(task: Task) -> Task:
    """The task with every path absolute as the client sees it (resolved here, never on a worker, whose working
    folder is not the client's): images, font files named by fields, outputs."""
    product = task.product
    fonts = _font_fields(task)
    product = replace(product, images={k: p.resolve() for k, p in product.images.items()},
                      primary=product.primary.resolve() if product.primary else None,
                      values={k: str(Path(v).resolve()) if k in fonts and v else v for k, v in product.values.items()})
    return replace(task, product=product, renders=tuple(replace(s, output=s.output.resolve()) for s in task.renders))


def as_named(task: Task, result: ProductResult) -> ProductResult:
    """A result about ``absolute(task)`` with its paths named as ``task`` names them (as a local run has them)."""
    sent = absolute(task)
    where = {a.output: s.output for a, s in zip(sent.renders, task.renders, strict=True)}
    where.update({sent.product.images[k]: p for k, p in task.product.images.items()})
    return result.moved(where)


def run_shared(worker: Worker, task: Task) -> ProductResult:
    """On a worker: render a task whose files are on shared storage at the same absolute paths (see
    ``absolute``), so its result's paths are the client's too."""
    return worker(task)


# shipped bytes -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shipment:
    """A task's input files (by absolute path) going out; its encoded outputs (by absolute path) coming back."""

    files: dict[str, bytes]


def ship(task: Task) -> tuple[Task, Shipment]:
    """A task as it travels with its files: every path absolute (made so on the client), no photo cache (the
    client's is not the worker's: a shipped task decodes on the worker), and the bytes of every file it reads."""
    shipped = absolute(replace(task, assets=None))
    return shipped, pack(shipped)


def pack(task: Task) -> Shipment:
    """Every file an absolute task (see ``absolute``) reads: its images, font fields given as files, and its
    templates' own files, keyed by the path the task names them by."""
    paths = list(task.product.images.values())
    for template in task.templates:
        paths += [Path(a) for a in template.assets]
        fonts = [n for n, f in template.fields.items() if f.type == "font"]
        paths += [Path(task.product.values[n]) for n in fonts if task.product.values.get(n)]
    files = {}
    for path in paths:
        try:
            files[str(path)] = path.read_bytes()
        except OSError:
            pass  # missing or unreadable: the worker reports it like a local run does
    return Shipment(files)


def run_shipped(worker: Worker, task: Task, shipment: Shipment) -> tuple[ProductResult, dict[str, bytes]]:
    """On a worker: lay the shipped files out in a temporary folder, render there, send the outputs back.
    ``task``'s paths are the client's, absolute (see ``ship``): nothing is resolved against this machine. Files
    are read from their copies (``Task.files``) but named as the client names them; the outputs are written
    here and their result looked up back to the client's paths."""
    with tempfile.TemporaryDirectory(prefix="artpipe-") as tmp:
        root = Path(tmp).resolve()
        local: dict[str, str] = {}
        for i, (name, content) in enumerate(shipment.files.items()):
            path = root / "in" / str(i) / Path(name).name
            path.parent.mkdir(parents=True)
            path.write_bytes(content)
            local[name] = str(path)
        fonts = _font_fields(task)
        values = {k: local.get(v, v) if v and k in fonts else v for k, v in task.product.values.items()}
        back = {root / "out" / f"{i}{s.output.suffix}": s.output for i, s in enumerate(task.renders)}
        here = {v: k for k, v in back.items()}
        local_task = replace(task, product=replace(task.product, values=values), files=local,
                             renders=tuple(replace(s, output=here[s.output]) for s in task.renders))
        result = worker(local_task).moved(back)
        data = {str(o.path): here[o.path].read_bytes() for o in result.written if o.path in here}
        return result, data


def _font_fields(task: Task) -> set[str]:
    return {n for t in task.templates for n, f in t.fields.items() if f.type == "font"}


def unpack(shipped: tuple[ProductResult, dict[str, bytes]]) -> ProductResult:
    """On the client: write the outputs a worker sent back, atomically."""
    result, files = shipped
    for path, data in files.items():
        write_atomic(Path(path), data)
    return result
