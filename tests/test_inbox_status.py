"""What the inbox holds and why each file waits (inbox/status.py)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from click.testing import CliRunner
from inboxcase import run_once, workspace

from artpipe.cli.commands import main
from artpipe.config import load_workspace
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.status import Failure, inbox_status
from artpipe.reasons import Reason

from hostile import jpeg_bytes, photo


def test_status_names_each_waiting_file_and_why(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = root / "artpipe.yaml"
    config.write_text(config.read_text().replace("settle_seconds: 0.2", "settle_seconds: 30")
                      .replace("sidecar_wait_seconds: 0", "sidecar_wait_seconds: 600"))
    inbox = root / "inbox" / "acme"
    inbox.mkdir(parents=True)
    (inbox / "fresh.jpg").write_bytes(jpeg_bytes(photo()))
    (inbox / "cut.jpg").write_bytes(jpeg_bytes(photo())[:-200])  # no end marker
    (inbox / "lonely.jpg").write_bytes(jpeg_bytes(photo()))
    (inbox / "paired.jpg").write_bytes(jpeg_bytes(photo()))
    (inbox / "paired.yaml").write_text("headline: x\n", encoding="utf-8")
    old = time.time() - 60
    for name in ("cut.jpg", "lonely.jpg", "paired.jpg", "paired.yaml"):
        os.utime(inbox / name, (old, old))
    result = CliRunner().invoke(main, ["status", "--config", str(root), "--json"])
    assert result.exit_code == 0, result.output
    state = json.loads(result.stdout)
    why = {w["file"]: w["why"] for w in state["waiting"]}
    assert why["acme/fresh.jpg"].startswith("still being written")
    assert why["acme/cut.jpg"].startswith("incomplete (its end is missing)")
    assert why["acme/lonely.jpg"] == "waiting up to 600 s for its sidecar (lonely.yaml)"
    assert why["acme/paired.jpg"].startswith("no watcher is running: start one with artpipe watch --config")
    assert state["watcher_running"] is False
    assert state["counts"]["failed"] == 0
    text = CliRunner().invoke(main, ["status", "--config", str(root)])
    assert "waiting in inbox: 4" in text.stdout
    assert "  acme/lonely.jpg: waiting up to 600 s for its sidecar (lonely.yaml)" in text.stdout


def test_hints_quote_a_workspace_path_with_spaces_so_the_command_pastes_whole(tmp_path: Path) -> None:
    import shlex

    from artpipe.inbox.status import why_waiting

    root = workspace(tmp_path / "Anna's drive" / "Spring shoot")
    ws = load_workspace(root)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    hint = why_waiting(ws, root / "inbox" / "mug.jpg", 600.0, running=False)
    prefix = "no watcher is running: start one with "
    assert hint.startswith(prefix)
    assert shlex.split(hint.removeprefix(prefix)) == ["artpipe", "watch", "--config", str(ws.root)]
    (root / "inbox" / "broken.jpg").write_bytes(b"<html>")
    run_once(root)
    error = json.loads((root / "failed" / "broken.jpg.error.json").read_text())
    todo = error["what_to_do"].removeprefix("fix it, then: ")
    assert shlex.split(todo) == ["artpipe", "retry", "--config", str(ws.root)]


def test_the_status_is_typed_data_with_counts_latency_and_recent_failures(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    ledger = Ledger(ws.state / "ledger.db")
    for i, latency in enumerate((100.0, 300.0, 200.0)):
        ledger.finish(ledger.begin(f"p{i}.jpg", str(i) * 64), "done", latency_ms=latency)
    ledger.finish(ledger.begin("bad.jpg", "f" * 64), "failed", reason=Reason.EMPTY, message="the file is empty")
    ledger.close()
    status = inbox_status(ws, recent_failures=1)
    assert (status.watcher_running, status.waiting) == (False, ())
    assert status.counts["done"] == 3
    assert status.latency_ms == {"p50": 200.0, "p95": 300.0}
    assert status.failed == (Failure("bad.jpg", "empty", "the file is empty"),)
    assert status.throughput == {"last_hour": 4, "last_day": 4}
    assert status.as_dict()["failed"] == ({"file": "bad.jpg", "reason": "empty", "message": "the file is empty"},)
