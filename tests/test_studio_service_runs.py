"""Requests rendered in the background (studio/service/runs.py) and summed up from their typed results."""

from __future__ import annotations

from pathlib import Path

from studiocase import campaign

from artpipe.reasons import Reason
from artpipe.report.results import Failure, OutputResult, ProductResult, Status
from artpipe.run.batch import CampaignResult, RunResult
from artpipe.studio.service.context import Studio


def test_a_finished_render_is_summed_up_from_its_typed_results(studio: Studio, tmp_path: Path) -> None:
    rid = campaign(studio)
    out = tmp_path / "out: a b"
    made = ProductResult(None, "mug-01", Status.OK, outputs=(OutputResult(out / "x 1.jpg"),
                                                             OutputResult(out / "y.jpg")))
    lost = ProductResult(None, "bag-04", Status.FAILED, outputs=(OutputResult(out / "z.jpg", Failure(
        Reason.WRITE, "no space left", out / "z.jpg")),))
    refused = ProductResult(out / "c.jpg", "cup-05", Status.REJECTED, Failure(Reason.TRUNCATED, "cut short"))
    result = CampaignResult(RunResult([made, lost, refused]), out, None)
    assert studio.runner._outcome(rid, result) == ("done", "2 images, 2 products failed")
    assert studio.runner._outcome(rid, CampaignResult(RunResult([made]), out, None)) == ("done", "2 images")
