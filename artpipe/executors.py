"""Moved to ``artpipe.run.executors`` (see docs/architecture.md); this path keeps old imports working."""

from artpipe.run.executors import (
    IN_FLIGHT_PER_WORKER,
    DaskExecutor,
    Executor,
    LocalExecutor,
    Shipment,
    Worker,
    absolute,
    as_named,
    pack,
    render_all,
    run_shared,
    run_shipped,
    ship,
    unpack,
)

# The names executors.py defined, kept for code written against it (nothing private)
__all__ = [
    "IN_FLIGHT_PER_WORKER", "DaskExecutor", "Executor", "LocalExecutor", "Shipment", "Worker", "absolute", "as_named",
    "pack", "render_all", "run_shared", "run_shipped", "ship", "unpack"
]
