"""When an inbox file is completely written (inbox/settle.py): unchanged for the settle window and, where its
format says how, structurally whole."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from inboxcase import everything, workspace

from artpipe.cli.commands import main
from artpipe.inbox.settle import UNKNOWN_FACTOR, Settler, Settling, looks_complete

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


@pytest.mark.parametrize("fmt", ["WEBP", "BMP"])
def test_webp_and_bmp_wait_until_their_declared_length(tmp_path: Path, fmt: str) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buf, fmt)
    data = buf.getvalue()
    path = tmp_path / f"p.{fmt.lower()}"
    path.write_bytes(data[: len(data) - 10])
    assert looks_complete(path) is False
    path.write_bytes(data)
    assert looks_complete(path) is True
    (tmp_path / "p.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32)
    assert looks_complete(tmp_path / "p.heic") is None  # unknown: a longer quiet period decides


def test_a_multi_page_tiff_copied_half_way_is_not_complete(tmp_path: Path) -> None:
    import io

    from PIL import Image

    pages = [Image.new("RGB", (300, 200), (i * 40, 10, 10)) for i in range(4)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    data = buf.getvalue()
    path = tmp_path / "pages.tif"
    for cut in (len(data) * 3 // 4, len(data) // 2):
        path.write_bytes(data[:cut])
        assert looks_complete(path) is False
    path.write_bytes(data)
    assert looks_complete(path) is True


def _jpeg(path: Path, whole: bool = True) -> Path:
    data = jpeg_bytes(photo((64, 48)))
    path.write_bytes(data if whole else data[:-200])
    return path


def test_a_file_is_ready_once_unchanged_for_the_window_and_whole(tmp_path: Path) -> None:
    path = _jpeg(tmp_path / "mug.jpg")
    now = path.stat().st_mtime
    settler = Settler(window=2.0)
    assert not settler.observe(path, now + 0.5)  # just written
    assert settler.states[path] is Settling.CHANGING
    assert settler.observe(path, now + 2.5)
    with path.open("ab") as fh:
        fh.write(b"\x00")  # it changed again: quiet for the window again, from its new time
    changed = path.stat().st_mtime
    assert not settler.observe(path, changed + 1.0)
    assert not settler.observe(path, changed + 2.5)  # 1.5 s since the change was first seen
    assert settler.observe(path, changed + 3.0)
    settler.forget(path)
    assert path not in settler.states
    assert path not in settler.seen


def test_a_quiet_file_without_its_end_waits_until_its_writer_closes_it_or_give_up(tmp_path: Path) -> None:
    path = _jpeg(tmp_path / "cut.jpg", whole=False)
    now = path.stat().st_mtime
    settler = Settler(window=1.0, give_up=60.0)
    assert not settler.observe(path, now + 5)
    assert settler.states[path] is Settling.INCOMPLETE
    assert not settler.observe(path, now + 64)  # unchanged for 59 s since it was first seen
    assert settler.observe(path, now + 65)  # handed on: it then fails as truncated
    closed = Settler(window=1.0, give_up=60.0, closed={path: now + 1})
    assert closed.observe(path, now + 5)  # its writer closed it after its last change: as written as it gets


def test_a_format_without_a_readable_end_needs_a_longer_quiet(tmp_path: Path) -> None:
    path = tmp_path / "p.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32)
    now = path.stat().st_mtime
    settler = Settler(window=1.0)
    assert not settler.observe(path, now + 2)
    assert settler.states[path] is Settling.UNSURE
    assert not settler.observe(path, now + 2 + UNKNOWN_FACTOR * 1.0 - 0.1)
    assert settler.observe(path, now + 2 + UNKNOWN_FACTOR * 1.0)


def test_a_file_that_went_away_is_not_ready(tmp_path: Path) -> None:
    settler = Settler(window=0.0)
    assert not settler.observe(tmp_path / "gone.jpg", 0.0)
    assert settler.states[tmp_path / "gone.jpg"] is Settling.CHANGING
    assert looks_complete(tmp_path / "gone.jpg") is False
