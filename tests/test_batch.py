"""A job run to its end (artpipe/run/batch.py): results in input order whatever order they finish in, the report
written once, a folder that cannot be written refused before any work, and a render's report on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_executors import small_job

from artpipe.errors import ConfigError
from artpipe.report.results import InputResult, ItemResult, ProductResult, Status
from artpipe.run.batch import check_writable, collect, render_job
from artpipe.run.jobs import load_job


def test_results_are_kept_in_input_order_and_each_is_told_as_it_comes(tmp_path: Path) -> None:
    ignored = InputResult(tmp_path / "notes.txt", Status.IGNORED, note="not an image")
    made = [ProductResult(tmp_path / f"{i}.jpg", f"s{i}", Status.OK) for i in range(3)]
    told: list[ItemResult] = []
    run = collect([(1, ignored)], [(3, made[2]), (0, made[0]), (2, made[1])], told.append,
                  tmp_path / "report.json", {"command": "render"})
    assert run.results == [made[0], ignored, made[1], made[2]]
    assert told == [ignored, made[2], made[0], made[1]]  # as they arrived
    assert run.ok
    assert run.summary["ok"] == 3
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["command"] == "render"
    assert [i["status"] for i in report["items"]] == ["ok", "ignored", "ok", "ok"]


def test_a_report_that_cannot_be_written_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        collect([], [], None, tmp_path / "out" / "report.json", {})
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{tmp_path / 'out' / 'report.json'}: cannot write the report (")
    assert problem.endswith("(free some space or fix the folder's permissions, then run again)")


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a read-only folder (chmod does not stop root, who runs CI, so the refusal comes from the probe file itself)
    import tempfile

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(ConfigError) as info:
        check_writable(tmp_path / "locked" / "out")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{tmp_path / 'locked' / 'out'}: cannot write into the output folder (Permission denied")
    assert not list((tmp_path / "locked" / "out").iterdir())  # nothing was left behind


def test_an_output_path_that_is_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        check_writable(tmp_path / "out")
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{tmp_path / 'out'}: cannot write into the output folder (")
    assert problem.endswith("(check its space and permissions, or choose another folder with -o)")


def test_a_job_renders_inline_into_its_folder_with_its_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_job(tmp_path)
    monkeypatch.chdir(tmp_path)
    run = render_job(load_job(Path("job.yaml")), Path("out"), jobs=1)
    assert [r.status for r in run.results] == [Status.OK, Status.OK]
    assert run.report == Path("out/report.json")
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.*")) == ["report.json", "tpl-s.jpg", "tpl-s.jpg"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert (report["command"], report["job"], report["output"], report["cached"]) == ("render", "job.yaml", "out", 0)
    assert [o.status for o in run.outcomes] == ["ok", "ok"]


def test_a_job_into_a_folder_that_is_a_file_fails_before_rendering(tmp_path: Path) -> None:
    job = load_job(small_job(tmp_path))
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot write into the output folder"):
        render_job(job, tmp_path / "out", jobs=1)
