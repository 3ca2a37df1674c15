"""What a run produced, typed (artpipe/report/results.py): what a product's result says of itself, records with
relative paths read back, paths moved from a worker's copies, and the helpers every shell uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.results import (
    SETTLED,
    Encoded,
    Failure,
    FileResult,
    InputResult,
    OutputCheck,
    OutputResult,
    ProductResult,
    Status,
    notes_of,
    problem_of,
    written_of,
)

PASS = CheckResult("square", True, "800x800", "width = height", "Tmall", "documented")
FAIL = CheckResult("fill", False, "product fills 40%", ">= 85%", "Tmall", "documented")
DARK = Note(WarningKind.DARK, "mean_31<40")
CUT = Note(WarningKind.TEXT_TRUNCATED, "headline@wide")


def product(root: Path) -> ProductResult:
    """A product with a written output that fails one rule, a written one that passes, and one that failed."""
    return ProductResult(
        root / "photos/mug.jpg", "mug", Status.FAILED,
        outputs=(OutputResult(root / "out/main.jpg", warnings=(CUT, DARK),
                              encoded=Encoded(81234, 88, "4:2:0", (800, 800)),
                              check=OutputCheck("tmall.main", "tmall", (PASS, FAIL))),
                 OutputResult(root / "out/wide.png", warnings=(CUT,), check=OutputCheck("x.wide", "x", (PASS,))),
                 OutputResult(root / "out/tall.jpg", Failure(Reason.BUDGET, "over 500 KB at quality 40"))),
        warnings=(DARK,), steps=("orient", "analyze"), elapsed_ms=12.5)


def test_a_products_result_says_what_was_written_what_failed_and_every_warning_once(tmp_path: Path) -> None:
    result = product(tmp_path)
    assert [o.path.name for o in result.written] == ["main.jpg", "wide.png"]
    assert result.failures == (Failure(Reason.BUDGET, "over 500 KB at quality 40"),)
    assert result.problem == result.failures[0]  # no failure of its own: its first output's
    assert result.notes == (DARK, CUT, Note(WarningKind.CHECK_FAILED, "tmall.main:fill"))
    assert [c.preset for c in result.checks] == ["tmall.main", "x.wide"]
    assert (result.checks[0].passed, result.checks[0].failing, result.checks[1].passed) == (False, (FAIL,), True)
    rejected = ProductResult(None, "sku-9", Status.REJECTED, Failure(Reason.MISSING, "no photo"))
    assert rejected.problem == Failure(Reason.MISSING, "no photo")
    assert rejected.notes == ()


def test_a_record_relative_to_its_folder_reads_back_after_the_folder_moved(tmp_path: Path) -> None:
    result = product(tmp_path / "campaign")
    record = result.to_json(tmp_path / "campaign")
    assert record["input"] == "photos/mug.jpg"
    assert [o["path"] for o in record["outputs"]] == ["out/main.jpg", "out/wide.png", "out/tall.jpg"]
    assert record["outputs"][0]["encoded"] == {"output": "", "bytes": 81234, "quality": 88, "subsampling": "4:2:0",
                                               "size": [800, 800]}
    assert record["outputs"][0]["check"]["pass"] is False
    moved = tmp_path / "archive" / "campaign"
    back = ProductResult.from_json(record, moved)
    assert back.input == moved / "photos/mug.jpg"
    assert back.outputs[2].failure == Failure(Reason.BUDGET, "over 500 KB at quality 40")
    assert back.outputs[0].check == result.outputs[0].check
    assert back.outputs[0].encoded == result.outputs[0].encoded
    assert ProductResult.from_json(result.to_json(tmp_path / "campaign"), tmp_path / "campaign") == result
    assert result.to_json()["input"] == str((tmp_path / "campaign/photos/mug.jpg").absolute())  # no base: absolute


def test_a_record_of_another_shape_is_refused() -> None:
    with pytest.raises(KeyError):
        ProductResult.from_json({"status": "ok"})
    with pytest.raises(ValueError, match="'finished' is not a valid Status"):
        ProductResult.from_json({"sku": "a", "status": "finished", "outputs": []})


def test_paths_are_moved_from_a_workers_copies_to_the_clients_files(tmp_path: Path) -> None:
    copy, mine = tmp_path / "worker/mug.jpg", tmp_path / "photos/mug.jpg"
    out_copy, out_mine = tmp_path / "worker/out.jpg", tmp_path / "out/out.jpg"
    result = ProductResult(copy, "mug", Status.FAILED, Failure(Reason.RENDER, "no", copy),
                           (OutputResult(out_copy, Failure(Reason.WRITE, "disk full", out_copy)),))
    moved = result.moved({copy: mine, out_copy: out_mine})
    assert moved.input == mine
    assert moved.failure is not None
    assert moved.failure.path == mine
    assert moved.outputs[0].path == out_mine
    assert moved.outputs[0].failure == Failure(Reason.WRITE, "disk full", out_mine)
    assert result.input == copy  # the result itself is left as it was


def test_the_helpers_answer_for_every_kind_of_result(tmp_path: Path) -> None:
    made = product(tmp_path)
    normalized = FileResult(tmp_path / "a.jpg", Status.OK, output=tmp_path / "out/a.png", warnings=(DARK,))
    refused = FileResult(tmp_path / "b.jpg", Status.REJECTED, Failure(Reason.CORRUPT, "damaged"))
    twin = InputResult(tmp_path / "c.jpg", Status.DUPLICATE, same_as=tmp_path / "a.jpg")
    assert [problem_of(r) for r in (made, normalized, refused, twin)] == [
        made.failures[0], None, Failure(Reason.CORRUPT, "damaged"), None]
    assert [notes_of(r) for r in (made, normalized, twin)] == [made.notes, (DARK,), ()]
    assert [written_of(r) for r in (made, normalized, refused, twin)] == [
        (tmp_path / "out/main.jpg", tmp_path / "out/wide.png"), (tmp_path / "out/a.png",), (), ()]
    assert {s for s in Status if s in SETTLED} == {Status.OK, Status.IGNORED, Status.DUPLICATE}
    assert [str(s) for s in Status] == ["ok", "rejected", "ignored", "duplicate", "failed"]  # the report's words
