"""The run: a job planned into tasks, each task worked on one input, the tasks run somewhere, the batch to its end.

Planning: ``jobs`` (job files and CSVs into a job and its tasks), ``requests`` (operators' requests as a job over
presets), ``main_images`` (photos straight into main-image slots), ``fitcheck`` (texts test-fitted before a run).
Working: ``tasks`` (one input decoded once, rendered into all its outputs), ``render`` (a template drawn into one
canvas), ``painted`` and ``assetcache`` (what is kept between products and between runs), ``incremental`` (what
need not be rendered again). Running: ``pool`` (a process pool or inline), ``executors`` (the pool or a Dask
cluster), ``batch`` (a job or request run to its end, with its report and proof page).

What ``artpipe/run.py`` exported (``run_tasks``, ...) still imports from here, loaded when first asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from artpipe.run.pool import default_jobs as default_jobs
    from artpipe.run.pool import die_with_starter as die_with_starter
    from artpipe.run.pool import run_guarded as run_guarded
    from artpipe.run.pool import run_tasks as run_tasks


# The names run.py defined, kept for code written against it; nothing private is reached through this path.
OLD_NAMES = frozenset({"PR_SET_PDEATHSIG", "default_jobs", "die_with_starter", "run_guarded", "run_tasks"})


def __getattr__(name: str) -> Any:
    if name not in OLD_NAMES:
        msg = f"module 'artpipe.run' has no attribute '{name}'"
        raise AttributeError(msg)
    return getattr(import_module("artpipe.run.pool"), name)
