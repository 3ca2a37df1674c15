"""The report is the one edge where typed results become words: its JSON is a contract (pinned here, byte for
byte, for a mixed run), and every consumer before it reads real paths and ``Status`` members."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from artpipe.approval import Change
from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.outcome import item, problem_line, said, summarize, warnings_note, what_went_wrong, write_report
from artpipe.report.results import (
    Encoded,
    Failure,
    FileResult,
    InputResult,
    ItemResult,
    OutputCheck,
    OutputResult,
    ProductResult,
    Status,
)
from artpipe.run.batch import RunResult


def mixed_run(root: Path) -> list[ItemResult]:
    """One of each: a product made (with a failing rule, warnings, fonts), one whose photo was refused, one
    with two outputs that could not be made, a normalized file, an ignored file and a duplicate. Every folder
    name has a colon and a space in it."""
    out = root / "out: spring sale"
    rule = CheckResult("edge_margin", False, "0 px", ">= 8 px", "Tmall rules", "documented")
    good = CheckResult("min_side", True, "800", ">= 800", "Tmall rules", "documented")
    made = ProductResult(
        root / "photos: a/mug 1.jpg", "mug-01", Status.OK,
        outputs=(OutputResult(out / "tmall/white bg.jpg", warnings=(Note(WarningKind.TEXT_TRUNCATED, "headline@m"),),
                              encoded=Encoded(81234, 88, "4:2:0", (800, 800)),
                              check=OutputCheck("tmall.white_bg", "tmall", (good, rule)),
                              fonts=(("headline", "Noto Sans SC"),)),
                 OutputResult(out / "banner.png", warnings=(Note(WarningKind.TEXT_TRUNCATED, "headline@m"),))),
        warnings=(Note(WarningKind.LOW_RESOLUTION, "360x360<800"), Note(WarningKind.DARK, "mean_31<40").of("logo")),
        steps=("decode", "orient"), elapsed_ms=812.5, peak_rss_mb=120.0)
    refused = ProductResult(root / "photos: a/broken.jpg", "bag-04", Status.REJECTED,
                            Failure(Reason.TRUNCATED, "the file is cut short; send it again"))
    lost = ProductResult(root / "photos: a/shoe.jpg", "shoe-05", Status.FAILED, outputs=(
        OutputResult(out / "a.jpg", Failure(Reason.BUDGET, "over 2 MB at quality 40", out / "a.jpg")),
        OutputResult(out / "b.jpg", Failure(Reason.WRITE, "no space left", out / "b.jpg"))))
    normalized = FileResult(root / "photos: a/cup.png", Status.OK, output=root / "norm/cup.png",
                            warnings=(Note(WarningKind.ALPHA_FLATTENED),), format="PNG", size=(640, 480),
                            original_size=(1280, 960), subject=(1, 2, 3, 4), steps=("decode",), elapsed_ms=5.0)
    ignored = InputResult(root / "photos: a/.DS_Store", Status.IGNORED, note="a system file; not processed")
    duplicate = InputResult(root / "photos: a/mug copy.jpg", Status.DUPLICATE, same_as=root / "photos: a/mug 1.jpg")
    return [made, refused, lost, normalized, ignored, duplicate]


PINNED = r"""{
  "artpipe": "test",
  "summary": {
    "ok": 2,
    "rejected": 1,
    "ignored": 1,
    "duplicate": 1,
    "failed": 1,
    "outputs": 3
  },
  "items": [
    {
      "input": "photos: a/mug 1.jpg",
      "status": "ok",
      "reason": null,
      "message": "2 outputs",
      "outputs": [
        "out: spring sale/tmall/white bg.jpg",
        "out: spring sale/banner.png"
      ],
      "warnings": [
        "low_resolution:360x360<800",
        "logo:dark:mean_31<40",
        "text_truncated:headline@m",
        "check_failed:tmall.white_bg:edge_margin"
      ],
      "sku": "mug-01",
      "steps": [
        "decode",
        "orient"
      ],
      "elapsed_ms": 812.5,
      "peak_rss_mb": 120.0,
      "fonts": {
        "headline": [
          "Noto Sans SC"
        ]
      },
      "encoded": [
        {
          "output": "out: spring sale/tmall/white bg.jpg",
          "bytes": 81234,
          "quality": 88,
          "subsampling": "4:2:0",
          "size": [
            800,
            800
          ]
        }
      ],
      "checks": [
        {
          "output": "out: spring sale/tmall/white bg.jpg",
          "preset": "tmall.white_bg",
          "platform": "tmall",
          "pass": false,
          "rules": [
            {
              "rule": "min_side",
              "ok": true,
              "measured": "800",
              "limit": ">= 800",
              "source": "Tmall rules",
              "confidence": "documented"
            },
            {
              "rule": "edge_margin",
              "ok": false,
              "measured": "0 px",
              "limit": ">= 8 px",
              "source": "Tmall rules",
              "confidence": "documented"
            }
          ]
        }
      ]
    },
    {
      "input": "photos: a/broken.jpg",
      "status": "rejected",
      "reason": "truncated",
      "message": "the file is cut short; send it again",
      "outputs": [],
      "warnings": [],
      "sku": "bag-04"
    },
    {
      "input": "photos: a/shoe.jpg",
      "status": "failed",
      "reason": "budget",
      "message": "out: spring sale/a.jpg: over 2 MB at quality 40 (+1 more)",
      "outputs": [],
      "warnings": [],
      "sku": "shoe-05",
      "errors": [
        "out: spring sale/a.jpg: over 2 MB at quality 40",
        "out: spring sale/b.jpg: no space left"
      ]
    },
    {
      "input": "photos: a/cup.png",
      "status": "ok",
      "reason": null,
      "message": "640x480 PNG",
      "outputs": [
        "norm/cup.png"
      ],
      "warnings": [
        "alpha_flattened"
      ],
      "format": "PNG",
      "size": [
        640,
        480
      ],
      "original_size": [
        1280,
        960
      ],
      "subject": [
        1,
        2,
        3,
        4
      ],
      "steps": [
        "decode"
      ],
      "elapsed_ms": 5.0
    },
    {
      "input": "photos: a/.DS_Store",
      "status": "ignored",
      "reason": null,
      "message": "a system file; not processed",
      "outputs": [],
      "warnings": []
    },
    {
      "input": "photos: a/mug copy.jpg",
      "status": "duplicate",
      "reason": null,
      "message": "same bytes as photos: a/mug 1.jpg; processed once",
      "outputs": [],
      "warnings": []
    }
  ]
}
"""


def test_the_report_of_a_mixed_run_is_pinned_byte_for_byte(tmp_path: Path) -> None:
    # The JSON report is a contract read by merchants' scripts: any change here is a breaking change.
    write_report(tmp_path / "report.json", mixed_run(tmp_path), {"artpipe": "test"},
                 show=lambda p: p.relative_to(tmp_path).as_posix())
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == PINNED


def test_counts_and_words_come_from_the_typed_results(tmp_path: Path) -> None:
    results = mixed_run(tmp_path)
    assert summarize(results) == json.loads(PINNED)["summary"]
    assert warnings_note(results) == ", 5 warnings (see the report)"
    show = lambda p: p.relative_to(tmp_path).as_posix()  # noqa: E731
    assert problem_line(results[1], show) == "rejected: photos: a/broken.jpg: the file is cut short; send it again"
    assert what_went_wrong(results[2], show) == "photos: a/shoe.jpg: out: spring sale/a.jpg: over 2 MB at " \
        "quality 40 (+1 more)"
    assert said(results[0], show) == "2 outputs"


@pytest.mark.parametrize(("status", "ok"), [(Status.OK, True), (Status.IGNORED, True), (Status.DUPLICATE, True),
                                             (Status.REJECTED, False), (Status.FAILED, False)])
def test_a_run_is_ok_by_its_status_members(tmp_path: Path, status: Status, ok: bool) -> None:
    run = RunResult([InputResult(tmp_path / "a.jpg", Status.OK), InputResult(tmp_path / "b.jpg", status)])
    assert run.ok is ok


def test_approval_states_are_looked_up_by_real_path_not_by_display_string(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # The campaign is shown by a name alone, and the working folder is elsewhere: a display string turned back
    # into a path would point nowhere.
    root = tmp_path / "out: x y" / "double11"
    made = ProductResult(None, "mug-01", Status.OK, outputs=(OutputResult(root / "tmall/a b.jpg"),
                                                             OutputResult(root / "jd/c.jpg")))
    monkeypatch.chdir(tmp_path.parent)
    approvals = {(root / "tmall/a b.jpg").resolve(): Change("tmall/a b.jpg", "changed", "changes/tmall/a b.jpg.png")}
    view = item(made, lambda p: p.name, approvals)
    assert view.extra["approval"] == [{"output": "a b.jpg", "state": "changed", "diff": "changes/tmall/a b.jpg.png"}]
    assert item(InputResult(tmp_path / "i", Status.IGNORED), lambda p: p.name, approvals).extra["approval"] == []
