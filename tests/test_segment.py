"""Loading a segmentation model: its input shape is checked before any photo is run through it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from artpipe.defaults import settings
from artpipe.errors import InputError
from artpipe.imaging.segment import input_side, load_segmenter

# A few lines of protobuf stand in for the onnx package (not a dependency): the test writes an ONNX model
# of one Identity node whose input and output have the shape under test (field numbers from onnx.proto3).


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _value(name: str, shape: list[int | str]) -> bytes:
    """A ValueInfoProto: a float tensor named ``name`` (a str dim is symbolic)."""
    dims = b"".join(_bytes(1, _bytes(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor = _int(1, 1) + _bytes(2, dims)  # elem_type FLOAT, shape
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor))


def identity_model(shape: list[int | str]) -> bytes:
    """An ONNX model (IR 8, opset 13) passing a tensor of ``shape`` through unchanged."""
    node = _bytes(1, "x") + _bytes(2, "y") + _bytes(4, "Identity")
    graph = _bytes(1, node) + _bytes(2, "g") + _bytes(11, _value("x", shape)) + _bytes(12, _value("y", shape))
    return _int(1, 8) + _bytes(8, _bytes(1, "") + _int(2, 13)) + _bytes(7, graph)


@pytest.mark.parametrize(("shape", "message"), [
    ([1, 3, 100000, 100000], "its input is 1x3x100000x100000: a side of 100000 px is outside 64..2048"),
    ([1, 3, 16, 16], "its input is 1x3x16x16: a side of 16 px is outside 64..2048"),
    ([1, 3, 320, 640], "its input is 1x3x320x640, not square"),
    ([1, 1, 320, 320], "its input is 1x1x320x320, not a batch of RGB images (N x 3 x side x side)"),
    ([3, 320, 320], "its input is 3x320x320, not a batch of RGB images (N x 3 x side x side)"),
])
def test_a_model_with_an_unusable_input_is_refused_when_loaded(tmp_path: Path, shape: list[int | str],
                                                                 message: str) -> None:
    model = tmp_path / "huge.onnx"
    model.write_bytes(identity_model(shape))
    with pytest.raises(InputError) as caught:
        load_segmenter(str(model))
    assert caught.value.reason == "unsupported"
    assert str(caught.value) == (f"{model}: not a segmentation model artpipe can run: {message}; use a U²-Net-style "
                                 "model (one input of 1 x 3 x N x N) or leave cutout.model unset")


@pytest.mark.parametrize(("shape", "side"), [
    ([1, 3, 320, 320], 320),
    (["batch", 3, 1024, 1024], 1024),
    (["batch", 3, "height", "width"], 320),
])
def test_a_usable_model_loads_with_its_side(tmp_path: Path, shape: list[int | str], side: int) -> None:
    model = tmp_path / f"ok{side}.onnx"
    model.write_bytes(identity_model(shape))
    assert load_segmenter(str(model)).side == side


def test_the_bundled_models_pass_the_check() -> None:
    assert load_segmenter(None).side == 320
    assert input_side([1, 3, 320, 320], settings().isolate) == 320


def test_the_side_limits_are_the_ones_given() -> None:
    rules = settings().isolate
    assert input_side([1, 3, 320, 320], replace(rules, model_max_side=256)) == \
        f"its input is 1x3x320x320: a side of 320 px is outside {rules.model_min_side}..256"


_RUN_PEAK = r"""
import os, sys
from PIL import Image, ImageDraw
from artpipe.imaging.segment import load_segmenter, saliency
im = Image.new("RGB", (1024, 768), (30, 120, 140))
ImageDraw.Draw(im).ellipse((300, 150, 700, 650), fill=(200, 60, 40))
model = load_segmenter()
peaks = []
for _ in range(3):
    with open("/proc/self/statm") as f:
        start = int(f.read().split()[1]) * 4096
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the high-water mark from here
    saliency(im, model)
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    peaks.append((peak - start) / 2**20)
print(max(peaks[1:]))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="the high-water mark comes from /proc")
def test_the_models_run_holds_no_more_than_its_tensors_alive_at_once() -> None:
    """U²-Net's run at 320 px never has more than 57 MB of tensors alive at once, 86 MB with its arena's
    regions; with onnxruntime's buffer reuse a buffer lived on in the tensors that took it over (the first
    stage's 25 MB activations until the last stage), and a run held 113-126 MB. Measured in a process of its own
    whose large buffers come and go whole (a fixed mmap threshold: no heap holes to hide or add to the figure),
    after a first run."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}
    done = subprocess.run([sys.executable, "-c", _RUN_PEAK], capture_output=True, text=True, env=env, check=True)
    peak = float(done.stdout.split()[-1])
    assert peak < 100, f"the model's run held {peak:.0f} MB above its start"
