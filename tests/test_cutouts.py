"""The cutout modes (artpipe/imaging/cutouts.py) are one list: every file that takes a ``cutout`` and the command
line accept each mode of it, and refuse anything else naming exactly that list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from artpipe.cli.commands import main
from artpipe.cutout import Isolate, read_cutout
from artpipe.errors import ConfigError
from artpipe.imaging.cutouts import MODES, Cutout
from artpipe.layers.template import load_template
from artpipe.presets import load_presets
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import load_mapping

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "product-main" / "template.yaml"
LISTED = ", ".join(MODES)


def test_the_modes_are_auto_model_never_in_that_order() -> None:
    assert MODES == ("auto", "model", "never")
    assert [str(m) for m in Cutout] == list(MODES)


def _job_cutout(tmp_path: Path, value: str) -> tuple[Isolate, list[str]]:
    path = tmp_path / "job.yaml"
    path.write_text(f"cutout: {value}\n", encoding="utf-8")
    problems = Problems()
    found = read_cutout(Reader(load_mapping(path, "a job"), "", problems), tmp_path, Isolate(), "the job")
    return found, [str(p) for p in problems.items]


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_reads_in_a_job_a_preset_and_a_layer(tmp_path: Path, mode: str) -> None:
    assert _job_cutout(tmp_path, mode) == (Isolate(mode), [])
    assert _job_cutout(tmp_path, f"{{mode: {mode}}}") == (Isolate(mode), [])
    extra = tmp_path / "agency.yaml"
    extra.write_text(f"presets:\n  jd.main:\n    render: {{cutout: {mode}}}\n", encoding="utf-8")
    assert load_presets(extra).presets["jd.main"].cutout == mode
    layer = tmp_path / "template.yaml"
    layer.write_text(TEMPLATE.read_text(encoding="utf-8").replace("    fit: contain\n",
                                                                     f"    fit: contain\n    cutout: {mode}\n", 1))
    assert next(x for x in load_template(layer).layers["square"] if x.name == "product").cutout == mode  # type: ignore[attr-defined]


def test_a_wrong_mode_is_refused_naming_the_list_everywhere(tmp_path: Path) -> None:
    _, said = _job_cutout(tmp_path, "modle")
    assert said == [f"{tmp_path / 'job.yaml'}:1:9: cutout: 'modle' is not one of {LISTED} (did you mean model?)"]
    extra = tmp_path / "agency.yaml"
    extra.write_text("presets:\n  jd.main:\n    render: {cutout: modle}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"render.cutout: 'modle' is not one of {LISTED}")):
        load_presets(extra)
    layer = tmp_path / "template.yaml"
    layer.write_text(TEMPLATE.read_text(encoding="utf-8").replace("    fit: contain\n",
                                                                     "    fit: contain\n    cutout: modle\n", 1))
    with pytest.raises(ConfigError, match=re.escape(f"(product).cutout: 'modle' is not one of {LISTED}")):
        load_template(layer)


def test_the_command_line_offers_the_same_modes() -> None:
    shown = CliRunner().invoke(main, ["normalize", "--help"], terminal_width=200).output
    assert f"--cutout [{'|'.join(MODES)}]" in shown
    refused = CliRunner().invoke(main, ["normalize", "x", "-o", "y", "--cutout", "modle"])
    assert refused.exit_code == 2
    assert f"'modle' is not one of {', '.join(repr(m) for m in MODES)}" in refused.output
