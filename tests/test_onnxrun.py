"""One way to open an ONNX model (artpipe/imaging/onnxrun.py): on the CPU, one thread, no memory arena unless
asked for (then given back whole after every run, the output written into an array of ours)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artpipe.heap import _glibc
from artpipe.imaging import segment, textfind
from artpipe.imaging.onnxrun import given_back, run_into, session, static_shape

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


def test_the_output_written_into_our_array_is_the_models_own() -> None:
    """U²-Net's map and the text detector's map, run into an array of ours, are the run's own to the bit."""
    rng = np.random.default_rng(7)
    model = segment.load_segmenter()
    assert model.shape == (1, 1, 320, 320)
    x = rng.random((1, 3, 320, 320), dtype=np.float32)
    own = model.session.run(model.outputs, {model.input_name: x})[0]
    ours = run_into(model.session, {model.input_name: x}, model.outputs[0], model.shape, given_back())
    assert ours.dtype == np.float32
    assert np.array_equal(own, ours)

    detector = textfind._load(textfind.DETECTOR)
    y = rng.random((1, 3, 96, 160), dtype=np.float32)
    own = detector.session.run([detector.output_name], {detector.input_name: y})[0]
    ours = run_into(detector.session, {detector.input_name: y}, detector.output_name, (1, 1, 96, 160),
                    detector.run_options)
    assert np.array_equal(own, ours)


def test_a_shape_is_fixed_only_when_every_side_is_a_number_and_the_values_float() -> None:
    class Arg:
        def __init__(self, shape: list[object], kind: str = "tensor(float)") -> None:
            self.shape, self.type = shape, kind

    assert static_shape(Arg([1, 1, 320, 320])) == (1, 1, 320, 320)
    assert static_shape(Arg([1, 1, "h", "w"])) is None
    assert static_shape(Arg([1, 1, None, 320])) is None
    assert static_shape(Arg([1, 1, 320, 320], "tensor(uint8)")) is None


_HELD = r"""
from PIL import Image
from artpipe.heap import give_back, use_heap
use_heap(256 << 20, 32 << 20)  # as a worker sets its heap
from artpipe.imaging import segment, textfind
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
model = segment.load_segmenter()
textfind._load(textfind.DETECTOR)
photo = Image.linear_gradient("L").resize((1024, 768)).convert("RGB")
held = []
for _ in range(3):
    segment.saliency(photo, model)
    give_back()  # as a worker does between phases
    held.append(rss())
    textfind.probability(photo)
    give_back()
    held.append(rss())
print(*held)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or _glibc() is None, reason="glibc's heap, in /proc")
def test_a_model_holds_nothing_of_its_run_once_it_ends() -> None:
    """Once the heap is given back after a run, the text detector holds nothing of it: the arena region its map
    sat in was kept for good (an 8 MB region, 7-8 MB held from its first run on); nor does U²-Net, run after it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run([sys.executable, "-c", _HELD], capture_output=True, text=True, env=env, check=True)
    after_model, *rest = (float(v) for v in done.stdout.split())
    assert max(rest) - after_model < 3, f"the runs after the first model's left {max(rest) - after_model:.1f} MB"


def test_a_model_with_an_open_output_still_runs() -> None:
    """A named model whose map's sides are not fixed is run as before (its output from the arena)."""
    model = segment.load_segmenter()
    opened = segment.Segmenter(model.name, model.session, model.input_name, model.side, model.outputs, None)
    mask, _ = segment.saliency(Image.new("RGB", (64, 48), (200, 30, 30)), opened)
    fixed, _ = segment.saliency(Image.new("RGB", (64, 48), (200, 30, 30)), model)
    assert mask.size == (320, 320)
    assert mask.tobytes() == fixed.tobytes()
