"""Make the bundled int8 segmentation model from u2netp.onnx, and measure what it costs and how far it agrees.

    pip install onnx sympy          # quantization tools, not artpipe dependencies
    python benchmarks/quantize_model.py [FOLDER] [--write]

Static int8 quantization (QDQ, per-channel weights, MinMax activation ranges) of the bundled float model, with
the nodes that lose the mask when quantized kept in float (found by quantizing one block of the graph at a time
and comparing the mask with the float model's):
  - the first convolution (it reads the normalized photo itself),
  - the last convolution and residual add of decoder stage 2d (the last stage before full resolution; quantizing it
    alone flips whole regions of the mask),
  - the side outputs, their upsampling, the fusing concat and convolution, and the sigmoids (logits, not
    features: their range is wide and every step of it matters).
Calibration: the even-numbered photos of FOLDER (../shared/photos/real by default) and the bundled sample
photos; agreement is then measured on the odd-numbered photos only, which calibration never saw.

Prints, per held-out photo set: milliseconds per inference on one thread (float and int8, best of 5, same run),
the mean absolute difference of the two masks, and the intersection over union of their halves (mask > 0.5).
--write replaces artpipe/models/u2netp-int8.onnx (update the sha256 in artpipe/models/README.md; a new run makes
an equivalent model, not a byte-identical one).
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from artpipe.imaging.segment import BUNDLED_FLOAT, load_segmenter, model_input, model_path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "photos" / "real"
SIDE = 320


def _photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))


def _batch(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im.draft("RGB", (2 * SIDE, 2 * SIDE))
        return model_input(im.convert("RGBA").convert("RGB"), SIDE)


def _kept_in_float(model: Any) -> list[str]:
    """The names of the nodes left unquantized (see the module docstring)."""
    nodes = list(model.graph.node)

    def side_conv(n: Any) -> bool:
        return bool(n.op_type == "Conv" and n.input[1].startswith("side"))

    add = [n for n in nodes if n.op_type == "Add"][-2]  # the residual add that ends decoder stage 2d
    made_by = {o: n for n in nodes for o in n.output}
    relu = next(made_by[i] for i in add.input if made_by[i].op_type == "Relu")
    keep = {nodes[0].name, add.name, relu.name, made_by[relu.input[0]].name}  # first conv; end of stage 2d
    side: set[str] = set()
    for n in nodes:  # the side outputs and everything made from them
        if side_conv(n) or any(i in side for i in n.input):
            side.update(n.output)
            keep.add(n.name)
        elif n.op_type == "Sigmoid":
            keep.add(n.name)
    return sorted(keep)


def quantize(calibration: list[Path], out: Path) -> None:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self, name: str) -> None:
            self.batches = iter([{name: _batch(p)} for p in calibration])

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.batches, None)

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(model_path(BUNDLED_FLOAT)), str(pre))
        model = version_converter.convert_version(onnx.load(pre), 13)  # per-channel QDQ needs opset 13
        onnx.save(model, pre)
        quantize_static(str(pre), str(out), Reader(model.graph.input[0].name), quant_format=QuantFormat.QDQ,
                        per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=_kept_in_float(model))


def _mask(session: Any, name: str, batch: np.ndarray) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    out = session.run([session.get_outputs()[0].name], {name: batch})[0][0, 0]
    ms = (time.perf_counter() - started) * 1000
    lo, hi = float(out.min()), float(out.max())
    return (out - lo) / max(hi - lo, 1e-6), ms


def compare(candidate: Path, photos: list[Path]) -> None:
    ref, new = load_segmenter(BUNDLED_FLOAT), load_segmenter(str(candidate))
    diffs, ious, t_ref, t_new = [], [], [], []
    for p in photos:
        batch = _batch(p)
        a = _mask(ref.session, ref.input_name, batch)
        b = _mask(new.session, new.input_name, batch)
        t_ref.append(min([a[1]] + [_mask(ref.session, ref.input_name, batch)[1] for _ in range(4)]))
        t_new.append(min([b[1]] + [_mask(new.session, new.input_name, batch)[1] for _ in range(4)]))
        diffs.append(float(np.abs(a[0] - b[0]).mean()))
        both, either = ((a[0] > 0.5) & (b[0] > 0.5)).sum(), ((a[0] > 0.5) | (b[0] > 0.5)).sum()
        ious.append(float(both / max(1, either)))
    print(f"{len(photos)} held-out photos: float {np.median(t_ref):.0f} ms, int8 {np.median(t_new):.0f} ms "
          f"per inference (x{np.median(t_ref) / np.median(t_new):.2f})")
    print(f"  mask difference: mean {np.mean(diffs):.4f}, worst {max(diffs):.4f}; IoU mean {np.mean(ious):.3f}, "
          f"worst {min(ious):.3f} ({photos[int(np.argmin(ious))].name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--write", action="store_true", help="replace the bundled int8 model")
    args = parser.parse_args()
    if not args.folder.is_dir():
        message = f"{args.folder}: no such folder of photos to calibrate on"
        raise SystemExit(message)
    photos = _photos(args.folder)
    calibration = photos[::2] + _photos(ROOT / "samples" / "photos")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "u2netp-int8.onnx"
        quantize(calibration, out)
        compare(out, photos[1::2])
        if args.write:
            target = ROOT / "artpipe" / "models" / out.name
            target.write_bytes(out.read_bytes())
            print(f"wrote {target} ({target.stat().st_size} bytes, sha256 "
                  f"{hashlib.sha256(target.read_bytes()).hexdigest()})")


if __name__ == "__main__":
    main()
