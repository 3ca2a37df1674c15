"""Salient-object segmentation with an ONNX model (U²-Net family) on the CPU: a photo in, a soft mask out.

Two models are bundled in ``artpipe/models`` (see the README beside them): ``u2netp-int8.onnx``, the default, and
``u2netp.onnx``, the float model it was quantized from (slower, for comparison or when a mask needs it). A
larger ONNX model of the same kind (one RGB input of a fixed square size, a saliency map as its first output) can
be named by path instead. A loaded model is kept per process, so a worker pays for loading once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from artpipe.defaults import IsolateSettings, settings
from artpipe.errors import InputError
from artpipe.heap import give_back
from artpipe.imaging.analyze import shrunk
from artpipe.imaging.onnxrun import given_back, run_into, static_shape
from artpipe.imaging.onnxrun import session as onnx_session

BUNDLED = "u2netp-int8.onnx"  # ~2x faster than the float model on a CPU; masks agree (IoU 0.99)
BUNDLED_FLOAT = "u2netp.onnx"
# ImageNet statistics, which U²-Net, IS-Net and BiRefNet were trained with.
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


@dataclass(frozen=True)
class Segmenter:
    """A loaded model: its session, input name and the square size it takes."""

    name: str
    session: Any  # onnxruntime.InferenceSession
    input_name: str
    side: int
    outputs: list[str]  # only the saliency map is fetched
    shape: tuple[int, ...] | None = None  # the map's, when fixed: it is then written into an array of ours


def model_path(name: str | None) -> Path:
    """The ONNX file for ``name``: the default bundled model for None, a bundled model by its name, else a path."""
    if not name or name in (BUNDLED, BUNDLED_FLOAT):
        with as_file(files("artpipe.models").joinpath(name or BUNDLED)) as path:
            return Path(path)
    return Path(name)


@lru_cache(maxsize=4)
def load_segmenter(name: str | None = None) -> Segmenter:
    """Load a segmentation model once per process (one thread: the worker pool uses every core already)."""
    path = model_path(name)
    if not path.is_file():
        raise InputError(str(path), "missing", "no such segmentation model; name an ONNX file or leave "
                         "cutout.model unset for the bundled one")
    try:
        session = onnx_session(path, arena=True, reuse=False)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own untyped errors for a bad file
        raise InputError(str(path), "corrupt", f"not a usable ONNX model ({str(exc)[:120]})") from None
    first = session.get_inputs()[0]
    side = input_side(list(first.shape), settings().isolate)  # the model is loaded here: its limits read here
    if isinstance(side, str):
        raise InputError(str(path), "unsupported", f"not a segmentation model artpipe can run: {side}; use a "
                         "U²-Net-style model (one input of 1 x 3 x N x N) or leave cutout.model unset")
    out = session.get_outputs()[0]
    return Segmenter(path.name, session, first.name, side, [out.name], static_shape(out))


def input_side(shape: list[Any], rules: IsolateSettings) -> int | str:
    """The side of the square RGB image a model with input ``shape`` takes (320 when the model leaves it
    open), or what is wrong with the shape (a side outside ``rules.model_min_side..model_max_side``): checked
    when the model loads, since a model asking for a huge tensor would otherwise fail on every photo with
    onnxruntime's own allocation error."""
    dims = "x".join(str(d) for d in shape)
    channels_known = len(shape) == 4 and isinstance(shape[1], int)
    if len(shape) != 4 or (channels_known and shape[1] != 3):
        return f"its input is {dims}, not a batch of RGB images (N x 3 x side x side)"
    height, width = (d if isinstance(d, int) else None for d in shape[2:])
    if height is None and width is None:
        return 320  # the model takes any size: the one U²-Net was trained at
    if height != width or height is None:
        return f"its input is {dims}, not square"
    if not rules.model_min_side <= height <= rules.model_max_side:
        return (f"its input is {dims}: a side of {height} px is outside "
                f"{rules.model_min_side}..{rules.model_max_side}")
    return height


def model_input(im: Image.Image, side: int) -> np.ndarray:
    """``im`` as the model takes it: RGB at side x side, normalized, channels first, a batch of one."""
    small = shrunk(im, 2 * side).convert("RGB").resize((side, side), Image.Resampling.BILINEAR)
    x = (np.asarray(small, dtype=np.float32) / 255.0 - _MEAN) / _STD
    return x.transpose(2, 0, 1)[np.newaxis].astype(np.float32)


def saliency(im: Image.Image, model: Segmenter) -> tuple[Image.Image, float]:
    """The model's mask of ``im`` at the model's own size (L, 0-255, stretched to the full range), and the
    milliseconds inference took."""
    give_back()  # what isolating freed so far, so the model's buffers do not stack on top of it
    started = time.perf_counter()
    feeds = {model.input_name: model_input(im, model.side)}
    out = run_into(model.session, feeds, model.outputs[0], model.shape, given_back()) if model.shape is not None \
        else model.session.run(model.outputs, feeds, given_back())[0]
    pred = np.asarray(out, dtype=np.float32).reshape(out.shape[-2:])
    lo, hi = float(pred.min()), float(pred.max())
    scaled = (pred - lo) / (hi - lo) if hi > lo else np.zeros_like(pred)
    mask = Image.fromarray(np.round(scaled * 255).astype(np.uint8), "L")
    return mask, (time.perf_counter() - started) * 1000
