"""The contact sheet for chat apps is drawn from the products' typed results: it opens the real files, wherever the
process works from and whatever their folders are called."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Reason
from artpipe.report.proof import proof_sheet
from artpipe.report.results import Failure, OutputCheck, OutputResult, ProductResult, Status

THUMB = 100


def test_the_sheet_shows_every_written_output_from_its_real_path(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out: spring sale" / "tmall white"
    folder.mkdir(parents=True)
    colours = [(200, 30, 30), (30, 200, 30)]
    paths = [folder / "mug 1.png", folder / "mug: 2.png"]
    for path, colour in zip(paths, colours, strict=True):
        Image.new("RGB", (400, 400), colour).save(path)
    failing = OutputCheck("tmall.white_bg", "tmall", (CheckResult("fill", False, "40%", ">= 60%", "Tmall", "doc"),))
    made = ProductResult(None, "mug-01", Status.OK, outputs=(OutputResult(paths[0], check=failing),
                                                             OutputResult(paths[1])))
    lost = ProductResult(None, "bag-04", Status.FAILED, outputs=(
        OutputResult(folder / "never.png", Failure(Reason.WRITE, "no space left")),))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    sheet = proof_sheet([made, lost], thumb=THUMB)
    cell_w, cell_h = THUMB + 16, THUMB + 40
    assert sheet.size == (2 * cell_w + 16, cell_h + 16)  # two written outputs; the one never made is left out
    for i, colour in enumerate(colours):
        assert sheet.getpixel((16 + i * cell_w + THUMB // 2, 16 + THUMB // 2)) == colour
    label = sheet.crop((16, 16 + THUMB + 6, 16 + cell_w - 16, 16 + THUMB + 26)).getcolors(1 << 16) or []
    assert any(c[1] == (228, 57, 60) for c in label)  # the failing output's caption is red (FAIL)


def test_the_page_engine_is_loaded_only_to_write_a_page() -> None:
    # a worker rendering outputs imports this module with the API; Jinja2 would cost it ~2 MB resident
    probe = ("import sys, artpipe.api; before = 'jinja2' in sys.modules; from artpipe.report.proof import _pages; "
             "_pages(); print(before, 'jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
