"""One way to open an ONNX model (artpipe/imaging/onnxrun.py): on the CPU, one thread, no memory arena."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from artpipe.imaging.onnxrun import session

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
