"""When an inbox file is completely written (inbox/settle.py): unchanged for the settle window and, where its
format says how, structurally whole."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from inboxcase import everything, workspace

from artpipe.cli.commands import main

from hostile import jpeg_bytes, photo


def test_once_leaves_files_still_being_written_for_the_next_run(tmp_path: Path) -> None:
    """``watch --once`` ends within seconds beside a file that keeps growing and a copy whose end is missing: both
    stay untouched in the inbox, named in the output; the whole photo beside them is rendered; exit 0."""
    root = workspace(tmp_path)  # settle_seconds 0.2, incomplete_seconds stays 300
    inbox = root / "inbox" / "acme"
    inbox.mkdir(parents=True)
    (inbox / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    stalled = jpeg_bytes(photo((640, 480)))[:-3000]  # a copy that stopped a while ago, half-way
    (inbox / "stalled.jpg").write_bytes(stalled)
    os.utime(inbox / "stalled.jpg", (time.time() - 20, time.time() - 20))
    growing, written, stop = inbox / "x.jpg", bytearray(), threading.Event()
    data = jpeg_bytes(photo((1200, 900)))

    def append() -> None:  # a slow upload: a few hundred bytes every 50 ms for up to 40 s, never the end
        with growing.open("wb") as fh:
            for i in range(800):
                if stop.is_set():
                    return
                chunk = data[i * 300:(i + 1) * 300] or b"\x01" * 300
                fh.write(chunk)
                fh.flush()
                written.extend(chunk)
                stop.wait(0.05)

    writer = threading.Thread(target=append)
    writer.start()
    try:
        start = time.monotonic()
        result = CliRunner().invoke(main, ["watch", "--config", str(root), "--once", "--jobs", "1"])
        took = time.monotonic() - start
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.stderr
    assert took < 15, f"--once took {took:.1f} s"
    lines = [line.split(" ", 2)[2] for line in result.stderr.splitlines()[1:]]  # without the date and time
    assert "left for the next run: inbox/acme/x.jpg (still being written)" in lines
    assert "left for the next run: inbox/acme/stalled.jpg (its end is missing: still being copied?)" in lines
    assert growing.read_bytes() == bytes(written)
    assert (inbox / "stalled.jpg").read_bytes() == stalled
    assert everything(root) - {"artpipe.yaml", "inbox/acme/x.jpg", "inbox/acme/stalled.jpg"} == {
        "archive/acme/mug.jpg", "outbox/acme/mug/product-main-square.jpg", "outbox/acme/mug/product-main-large.jpg"}
