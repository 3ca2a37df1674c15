"""How product photos are cut out, as a job, a workspace or a route says it: ``cutout: auto | model | never`` or
``cutout: {mode: ..., model: path/to/model.onnx}``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from artpipe.imaging.cutouts import MODES, Cutout
from artpipe.paths import UnsafePath, inside
from artpipe.schema import Reader

CUTOUT_MODES = MODES  # the older name


@dataclass(frozen=True)
class Isolate:
    """How product photos are cut out: ``mode`` auto (plain light backdrops by colour, others by the model),
    model (always the model) or never (the photo as it is); ``model``: an ONNX file instead of the bundled one."""

    mode: str = Cutout.AUTO
    model: str | None = None


def read_cutout(reader: Reader, base: Path, default: Isolate, relative_to: str) -> Isolate:
    """The ``cutout`` key of ``r`` (``default`` without one); a model file is resolved from ``base`` (the folder
    of the file being read, named ``relative_to`` in the message), must stay inside it (no absolute path, no
    ``..``, no link out) and must exist. A bundled model is named bare."""
    if not reader.has("cutout"):
        return default
    if isinstance(reader.raw("cutout"), str):
        return Isolate(reader.choice("cutout", MODES, Cutout.AUTO), default.model)
    c = reader.mapping("cutout")
    if c is None:
        return default
    c.check_keys(("mode", "model"))
    model = c.text("model", None)
    if model is not None and not _bundled(model):
        try:  # a model named in a file stays inside that file's folder, as every other file it names
            path = inside(base, model)
        except UnsafePath as exc:
            c.problem("model", str(exc), f"copy the model into the folder of {relative_to}")
            return default
        if not path.is_file():
            c.problem("model", f"no model file {model}", f"name an ONNX file, relative to {relative_to}")
        model = str(path)
    return Isolate(c.choice("mode", MODES, default.mode), model if model is not None else default.model)


def _bundled(name: str) -> bool:
    from artpipe.imaging.segment import BUNDLED, BUNDLED_FLOAT

    return name in (BUNDLED, BUNDLED_FLOAT)
