"""One way to open a bundled or named ONNX model for a worker: onnxruntime on the CPU, one thread, no memory
arena. Every model artpipe runs (segmentation, text detection and reading) is opened here."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def session(path: Path) -> Any:
    """An onnxruntime InferenceSession of ``path`` for one worker: one thread (the worker pool uses every core
    already), errors only in the log (unused side outputs are not worth a warning), and no memory arena or
    pattern planning: they keep the largest activations allocated after a run (U²-Net's are ~25 MB a tensor),
    which held a worker ~130 MB above its need after its first photo; inference is as fast without them at one
    image a run. Raises what onnxruntime raises for a file it cannot load."""
    import onnxruntime as ort  # imported here: loading it costs ~0.2 s, and most photos never need it

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
