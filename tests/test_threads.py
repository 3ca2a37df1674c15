"""BLAS thread limits set when the package is imported (artpipe/threads.py), in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _limits_after_import(env: dict[str, str]) -> list[str]:
    code = "import artpipe, numpy, os; print(*(os.environ.get(n, '-') for n in artpipe.threads.LIMITS))"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.split()


def test_numpy_gets_one_blas_thread_unless_told_otherwise() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                             "MKL_NUM_THREADS")}
    assert _limits_after_import(env) == ["1", "1", "1"]
    assert _limits_after_import({**env, "OPENBLAS_NUM_THREADS": "4"}) == ["4", "1", "1"]  # a user's choice kept


def test_the_limit_is_set_before_numpy_is_loaded_by_a_worker() -> None:
    # OpenBLAS reads its limit once, when numpy loads it: a worker imports artpipe.run.tasks, then loads numpy
    # in its first image step; the limit must be in the environment by then.
    code = """
import importlib.abc, os, sys
class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "numpy" and not hasattr(sys, "_seen_numpy"):
            sys._seen_numpy = os.environ.get("OPENBLAS_NUM_THREADS", "-")
        return None
sys.meta_path.insert(0, Watch())
import artpipe.run.tasks
import numpy  # as a worker's first image step would (artpipe imports numpy only where it is used)
print(sys._seen_numpy)
"""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "1", out.stdout + out.stderr
