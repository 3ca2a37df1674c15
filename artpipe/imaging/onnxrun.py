"""One way to open a bundled or named ONNX model for a worker: onnxruntime on the CPU, one thread, no memory
arena unless asked for (then given back after every run). Every model artpipe runs (segmentation, text detection
and reading) is opened here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np


def session(path: Path, *, arena: bool = False, prepacked: bool = True, reuse: bool = True) -> Any:
    """An onnxruntime InferenceSession of ``path`` for one worker: one thread (the worker pool uses every core
    already), errors only in the log (unused side outputs are not worth a warning), and no memory arena or
    pattern planning unless asked: they keep the largest activations allocated after a run (U²-Net's are ~25 MB
    a tensor), which held a worker ~130 MB above its need after its first photo; inference is as fast without
    them at one image a run. Raises what onnxruntime raises for a file it cannot load.

    ``arena``: the session's buffers come from onnxruntime's own arena, whose regions a run with
    ``given_back()`` returns at its end, all but the one its output sits in: run it with ``run_into``, which has
    the output written into an array of ours. For the text detector: without an arena, its buffers (up to ~20
    MB, of growing and shrinking sizes) came one by one from glibc's heap, which the decoded photo had just
    filled, and the heap grew by 75-85 MB for a run whose buffers peak at 35 MB, the holes between them kept for
    good. The arena packs them into a few large regions and lets them go after the run, for 7-13 ms a photo
    (the pages are faulted in afresh each run). For U²-Net with ``reuse`` off as well.

    ``reuse``: onnxruntime's planner lets a tensor take over the buffer of one freed before it of the same size.
    A buffer so reused lives until the last tensor in its chain is freed: in U²-Net, the first stage's 25 MB
    activations were held until the decoder's last stage, and a run held 113-147 MB where the tensors alive at
    once never exceed 57 MB. Off for U²-Net, in its arena: 86 MB a run (the arena's regions), in the same time,
    the same mask to the bit.

    ``prepacked``: onnxruntime keeps a second copy of the weights laid out for its matrix kernels. Off for the
    text recognizer, whose matrix weights are most of its 10.8 MB: a worker then holds 3.6 MB less, for the
    same readings (all 174 boxes of the 92 shared real photos alike) in the same time."""
    import onnxruntime as ort  # imported here: loading it costs ~0.2 s, and most photos never need it

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = arena
    options.enable_mem_pattern = False
    options.enable_mem_reuse = reuse
    if not prepacked:
        options.add_session_config_entry("session.disable_prepacking", "1")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@cache
def given_back() -> Any:
    """Run options that shrink the CPU arena at the end of a run: its free regions go back to the allocator
    (onnxruntime's ``memory.enable_memory_arena_shrinkage``; only for a session opened with ``arena``)."""
    import onnxruntime as ort

    options = ort.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return options


def run_into(session: Any, feeds: Mapping[str, np.ndarray], output: str, shape: Sequence[int],
             options: Any = None) -> np.ndarray:
    """Run ``session`` on ``feeds`` and return its float output ``output`` of ``shape``, written by onnxruntime
    into an array of ours rather than into its arena. An arena gives back its free regions as a run with
    ``given_back()`` ends, while the outputs are still its own: the region an output sat in stayed until the
    next run (the text detector's map, 8 MB held from a worker's first photo on; U²-Net's falls in the arena's
    first region, which is never given back anyway)."""
    inputs = {name: np.ascontiguousarray(value) for name, value in feeds.items()}  # alive until the run ends
    out = np.empty(tuple(shape), np.float32)
    binding = session.io_binding()
    for name, value in inputs.items():
        binding.bind_cpu_input(name, value)
    binding.bind_output(output, "cpu", 0, np.float32, list(out.shape), out.ctypes.data)
    session.run_with_iobinding(binding, options)
    return out


def static_shape(arg: Any) -> tuple[int, ...] | None:
    """The fixed shape of a float input or output (``session.get_outputs()[i]``); None when a side is named
    rather than fixed or the values are not float."""
    dims = list(arg.shape)
    if arg.type != "tensor(float)" or not all(isinstance(d, int) and d > 0 for d in dims):
        return None
    return tuple(dims)
