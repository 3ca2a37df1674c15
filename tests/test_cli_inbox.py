"""The watched-inbox commands (cli/inbox.py): init, watch, status, retry."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from inboxcase import run_once, workspace

from artpipe.cli.commands import main

from hostile import jpeg_bytes, photo


def test_retry_and_status(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "bad.jpg").write_bytes(b"")
    run_once(root)
    status = CliRunner().invoke(main, ["status", "--config", str(root)])
    assert "failed:      1" in status.stdout
    assert "failed: bad.jpg: empty: the file is empty (0 bytes); copy it again" in status.stdout
    (root / "failed" / "bad.jpg").write_bytes(jpeg_bytes(photo()))  # fixed by hand
    retried = CliRunner().invoke(main, ["retry", "--config", str(root)])
    assert retried.exit_code == 0
    assert "back in the inbox: bad.jpg" in retried.stdout
    assert not (root / "failed" / "bad.jpg.error.json").exists()
    assert run_once(root)[0] == 0
    assert (root / "archive" / "bad.jpg").is_file()


def test_watch_takes_jobs_like_render_and_stamps_its_lines(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    result = CliRunner().invoke(main, ["watch", "--config", str(root), "--once", "-j", "1"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if "rendered: mug.jpg" in x)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d rendered: mug.jpg: 2 outputs in \d+ ms", line), line
