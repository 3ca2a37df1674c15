"""How product photos are cut out as a job, a workspace or a route says it (cutout.py): ``cutout: MODE`` or
``cutout: {mode: ..., model: FILE}``, a model file kept inside the folder of the file that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.cutout import Isolate, read_cutout
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import parse_yaml

DEFAULT = Isolate("never", "/models/house.onnx")


def _read(folder: Path, yaml: str) -> tuple[Isolate, list[str]]:
    problems = Problems()
    found = read_cutout(Reader(parse_yaml(yaml, "job.yaml"), "", problems), folder, DEFAULT, "this job file")
    return found, [str(p) for p in problems.items]


def test_a_mode_alone_keeps_the_default_model_and_no_key_keeps_the_default(tmp_path: Path) -> None:
    assert _read(tmp_path, "sku: a\n") == (DEFAULT, [])
    assert _read(tmp_path, "cutout: model\n") == (Isolate("model", "/models/house.onnx"), [])
    assert _read(tmp_path, "cutout: {mode: auto}\n") == (Isolate("auto", "/models/house.onnx"), [])


def test_a_model_file_is_read_from_the_folder_of_the_file_naming_it(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "isnet.onnx").write_bytes(b"onnx")
    found, said = _read(tmp_path, "cutout: {model: models/isnet.onnx}\n")
    assert said == []
    assert found == Isolate("never", str((tmp_path / "models" / "isnet.onnx").resolve()))  # the default's mode


@pytest.mark.parametrize("bundled", ["u2netp.onnx", "u2netp-int8.onnx"])
def test_a_bundled_model_is_named_bare(tmp_path: Path, bundled: str) -> None:
    assert _read(tmp_path, f"cutout: {{mode: model, model: {bundled}}}\n") == (Isolate("model", bundled), [])


@pytest.mark.parametrize(("yaml", "said"), [
    ("cutout: {model: isnet.onnx}\n",
     "job.yaml:1:17: cutout.model: no model file isnet.onnx (name an ONNX file, relative to this job file)"),
    ("cutout: {model: ../isnet.onnx}\n",
     "job.yaml:1:17: cutout.model: '../isnet.onnx' climbs out of the folder with '..'; name a file inside it "
     "(copy the model into the folder of this job file)"),
    ("cutout: {model: /etc/isnet.onnx}\n",
     "job.yaml:1:17: cutout.model: '/etc/isnet.onnx' is an absolute path; name a file inside the folder "
     "(copy the model into the folder of this job file)"),
    ("cutout: {mode: modle}\n", "job.yaml:1:16: cutout.mode: 'modle' is not one of auto, model, never "
                                "(did you mean model?)"),
    ("cutout: {mdoe: model}\n", "job.yaml:1:10: cutout.mdoe: unknown key (did you mean mode?)"),
])
def test_a_wrong_cutout_is_one_line_at_its_place(tmp_path: Path, yaml: str, said: str) -> None:
    assert _read(tmp_path, yaml)[1] == [said]
