"""Failed inputs moved back into the inbox (inbox/retry.py), never their error reports."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from inboxcase import run_once, workspace

from artpipe.cli.commands import main
from artpipe.config import load_workspace
from artpipe.inbox.retry import Retried, retry_failed

from hostile import jpeg_bytes, photo


def test_retry_moves_only_inputs_never_their_error_reports(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    long_name = "长" * 80 + ".jpg"  # 240 bytes: its report's name is shortened and hashed
    (root / "inbox" / "bad.jpg").write_bytes(b"")
    (root / "inbox" / long_name).write_bytes(b"not an image")
    run_once(root)
    failed = root / "failed"
    assert len(list(failed.glob("*.error.json"))) == 2
    for name in ("bad.jpg", long_name):
        (failed / name).write_bytes(jpeg_bytes(photo()))  # fixed by hand
    named = [str(p) for p in sorted(failed.iterdir())]  # what a shell makes of failed/*
    retried = CliRunner().invoke(main, ["retry", "--config", str(root), *named])
    assert retried.exit_code == 0, retried.output
    assert sorted(retried.stdout.splitlines()) == sorted(f"back in the inbox: {n}" for n in ("bad.jpg", long_name))
    assert sorted(p.name for p in (root / "inbox").iterdir()) == sorted(["bad.jpg", long_name])
    assert list(failed.iterdir()) == []


def test_retry_of_an_error_report_alone_moves_nothing(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    report = root / "failed" / "gone.jpg.error.json"
    report.write_text("{}")
    retried = CliRunner().invoke(main, ["retry", "--config", str(root), str(report)])
    assert retried.exit_code == 1
    assert retried.stderr == (f"error: {report}: an error report whose input is no longer beside it; "
                              "nothing to retry\n")
    assert report.is_file()
    assert list((root / "inbox").iterdir()) == []


def test_retry_puts_files_back_where_they_came_from_and_refuses_what_is_not_in_failed(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    (ws.failed / "acme").mkdir(parents=True)
    (ws.failed / "acme" / "mug.jpg").write_bytes(b"mug")
    (ws.failed / "acme" / "mug.jpg.error.json").write_text("{}")
    (ws.failed / "bag.png").write_bytes(b"bag")
    outside = tmp_path / "elsewhere.jpg"
    outside.write_bytes(b"x")
    everything_failed = retry_failed(ws, [])
    assert everything_failed == [Retried(ws.failed / "acme" / "mug.jpg", ws.inbox / "acme" / "mug.jpg"),
                                 Retried(ws.failed / "bag.png", ws.inbox / "bag.png")]
    assert (ws.inbox / "acme" / "mug.jpg").read_bytes() == b"mug"
    assert list(ws.failed.rglob("*.*")) == []  # the error report went with its retry
    assert retry_failed(ws, [outside]) == [Retried(outside.resolve(), error=f"not a file in {ws.failed}")]
    assert outside.read_bytes() == b"x"  # never moved
