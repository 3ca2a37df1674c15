"""Execute tasks: decode and normalize each input once, render every template x size, encode, write.

Tasks run on a process pool (``jobs`` workers) or inline for ``jobs=1``; either way the same
``process_task`` runs, so outputs are identical. Outcomes stream back as they finish.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import lru_cache
from pathlib import Path

from artpipe.errors import InputError, RenderError
from artpipe.files import write_atomic
from artpipe.imaging.encode import encode
from artpipe.imaging.normalize import Asset, normalize
from artpipe.imaging.open import open_image
from artpipe.jobs import Task
from artpipe.render import render
from artpipe.report import Outcome
from artpipe.template.model import Template


def load_asset(path: Path) -> Asset:
    """Safe-open and normalize one file (InputError when it is rejected)."""
    return normalize(open_image(path))


@lru_cache(maxsize=64)
def _template_file(path: str, mtime_ns: int) -> Asset:
    return load_asset(Path(path))


def template_assets(template: Template) -> dict[str, Asset]:
    """The template's own files (logo, background), decoded once per process."""
    out = {}
    for rel in template.assets:
        path = template.root / rel
        out[f"file:{rel}"] = _template_file(str(path), path.stat().st_mtime_ns)
    return out


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def process_task(task: Task) -> Outcome:
    """Render one product into all its outputs; never raises for an expected failure."""
    started = time.perf_counter()
    product = task.product
    name = _display(product.primary) if product.primary else product.sku
    extra: dict[str, object] = {"sku": product.sku}
    images: dict[str, Asset] = {}
    warnings: list[str] = []
    try:
        for field, path in product.images.items():
            asset = load_asset(path)
            images[field] = asset
            warnings.extend(w for w in asset.warnings if w not in warnings)
    except InputError as exc:
        return Outcome(_display(Path(exc.path)), "rejected", exc.reason, exc.message, extra=extra)
    outputs: list[str] = []
    errors: list[str] = []
    for spec in task.renders:
        template = task.templates[spec.template]
        try:
            rendered = render(template, spec.size, product.values, {**template_assets(template), **images})
        except RenderError as exc:
            errors.append(str(exc))
            continue
        except InputError as exc:
            errors.append(f"{template.path}: template file {exc.path}: {exc.message}")
            continue
        try:
            write_atomic(spec.output, encode(rendered.image, task.encode))
        except OSError as exc:
            errors.append(f"{_display(spec.output)}: cannot write ({exc.strerror or exc}); check space and "
                          "permissions of the output folder")
            continue
        outputs.append(_display(spec.output))
        warnings.extend(w for w in rendered.warnings if w not in warnings)
    extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return Outcome(name, "failed", "render", errors[0] + more, tuple(outputs), tuple(warnings),
                       {**extra, "errors": errors})
    return Outcome(name, "ok", None, f"{len(outputs)} outputs", tuple(outputs), tuple(warnings), extra)


def default_jobs() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_tasks(tasks: list[Task], jobs: int | None = None) -> Iterator[tuple[Task, Outcome]]:
    """Yield (task, outcome) as tasks finish; ``jobs`` processes (default: all cores), inline for 1."""
    jobs = max(1, min(jobs or default_jobs(), len(tasks) or 1))
    if jobs == 1:
        for task in tasks:
            yield task, process_task(task)
        return
    # forkserver: workers start clean (no inherited threads or locks) but cheaper than spawn.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        # Keep a bounded window of tasks in flight so memory stays flat for very large batches.
        pending: dict[Future[Outcome], Task] = {}
        queue = iter(tasks)
        for task in queue:
            pending[pool.submit(process_task, task)] = task
            if len(pending) >= jobs * 4:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                yield task, future.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(process_task, nxt)] = nxt
