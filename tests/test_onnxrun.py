"""One way to open an ONNX model (artpipe/imaging/onnxrun.py): on the CPU, one thread, no memory arena unless
asked for (then given back after every run)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from artpipe.imaging.onnxrun import given_back, session

MODELS = Path(__file__).resolve().parent.parent / "artpipe" / "models"


def test_a_bundled_model_opens_on_one_cpu_thread_without_an_arena() -> None:
    model = session(MODELS / "u2netp-int8.onnx")
    assert model.get_providers() == ["CPUExecutionProvider"]
    options = model.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    assert not options.enable_cpu_mem_arena
    assert not options.enable_mem_pattern
    assert options.log_severity_level == 3  # errors only
    [first] = model.get_inputs()[:1]
    side = 320
    out = model.run(None, {first.name: np.zeros((1, 3, side, side), dtype=np.float32)})
    assert out[0].shape[-2:] == (side, side)


def test_a_file_that_is_no_model_raises_what_onnxruntime_raises(tmp_path: Path) -> None:
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(Exception, match="(?i)protobuf|parse|invalid|load"):  # noqa: PT011 - onnxruntime's own type
        session(junk)


def test_an_arena_given_back_after_each_run_changes_no_result() -> None:
    detector = MODELS / "ch_PP-OCRv4_det_infer.onnx"
    plain, packed = session(detector), session(detector, arena=True)
    assert not plain.get_session_options().enable_cpu_mem_arena
    assert packed.get_session_options().enable_cpu_mem_arena
    assert not packed.get_session_options().enable_mem_pattern
    assert given_back().get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    name = plain.get_inputs()[0].name
    for shape in ((1, 3, 96, 128), (1, 3, 128, 96)):  # a new shape after a run whose arena was given back
        x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
        expected = plain.run(None, {name: x})[0]
        got = packed.run(None, {name: x}, given_back())[0]
        assert got.tobytes() == expected.tobytes()  # the same bytes: only where the buffers lie differs
