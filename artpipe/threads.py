"""One thread per process for numpy's BLAS, as for onnxruntime (imaging/onnxrun.py): a worker pool uses every core
already, and the threads a matrix product starts spin on for a while on cores other workers are using (+130 ms
of CPU time on a 12 MP photo's colour path, measured before its backdrop model stopped using one).

Imported by the package before anything that imports numpy (workers import the package first); a limit already
in the environment is kept."""

from __future__ import annotations

import os

LIMITS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_thread_each() -> None:
    """Set each BLAS thread limit to 1 unless the environment sets it already."""
    for name in LIMITS:
        os.environ.setdefault(name, "1")


one_thread_each()
