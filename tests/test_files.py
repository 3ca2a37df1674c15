from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner
from PIL import Image
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from artpipe.cli.commands import main
from artpipe.files import TEMP_PREFIX, TEMP_SUFFIX, clean_temp_files, write_atomic
from artpipe.report.outcome import product_item
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import render_product

from conftest import product_photo


def test_write_atomic_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.jpg"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.jpg"]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "b.jpg"
    target.write_bytes(b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.jpg"]


def test_encoding_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text("templates: [product-main]\nproducts:\n  - {sku: x, product: p.jpg}\n")
    tasks = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")

    def broken(*_: object) -> bytes:
        raise OSError(5, "encoder exploded")
    monkeypatch.setattr("artpipe.run.tasks.encode_within", broken)
    outcome = product_item(render_product(tasks[0]))
    assert (outcome.status, outcome.reason) == ("failed", "write")
    assert "cannot write (encoder exploded)" in outcome.message
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_clean_temp_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    stale = tmp_path / "d" / f"{TEMP_PREFIX}abc.tmp"
    stale.write_bytes(b"half")
    (tmp_path / "d" / "keep.jpg").write_bytes(b"x")
    assert clean_temp_files(tmp_path) == [stale]
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["keep.jpg"]


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    target = tmp_path / "shared.jpg"
    write_atomic(target, b"x")
    # what a plain open() would give; mkstemp alone leaves 0600, unreadable for colleagues on a share
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# --- The promise, end to end: what a reader of the output folder sees during a run, and after a crash. ---

class Spy(FileSystemEventHandler):
    """Every file event in one folder (inotify: it sees writes from any process), and a reader that polls the
    folder the whole run, reading each image again whenever its size, time or inode changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.events: list[tuple[str, str, str]] = []  # (type, name, name moved to)
        self.seen: dict[str, set[str]] = {}  # image name -> digests of every version the reader saw
        self.running = True

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.events.append((event.event_type, Path(str(event.src_path)).name,
                                Path(str(event.dest_path)).name if event.dest_path else ""))

    def moved(self) -> set[str]:
        """The names temp files were renamed to."""
        return {dest for kind, name, dest in self.events if kind == "moved" and name.startswith(TEMP_PREFIX)}

    def written(self) -> set[str]:
        """The files in the folder now."""
        return {p.name for p in self.folder.iterdir() if p.is_file()}

    def poll(self) -> None:
        stamps: dict[str, tuple[int, int, int]] = {}
        while self.running:
            for entry in os.scandir(self.folder):
                if entry.name.startswith(TEMP_PREFIX) or not entry.name.endswith(IMAGE_SUFFIXES):
                    continue
                try:
                    st = entry.stat()
                    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
                    if stamps.get(entry.name) != stamp:
                        data = Path(entry.path).read_bytes()
                        stamps[entry.name] = stamp
                        self.seen.setdefault(entry.name, set()).add(hashlib.sha256(data).hexdigest())
                except FileNotFoundError:
                    continue
            time.sleep(0.002)


IMAGE_SUFFIXES = (".jpg", ".png", ".webp")


def watched_run(folder: Path, args: list[str]) -> tuple[Spy, int]:
    """Run the command ``args`` with two worker processes while a Spy watches and reads ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    spy = Spy(folder)
    observer = Observer()
    observer.schedule(spy, str(folder), recursive=False)
    observer.start()
    reader = threading.Thread(target=spy.poll)
    reader.start()
    try:
        code = CliRunner().invoke(main, args).exit_code
        deadline = time.monotonic() + 10  # the observer's thread may lag behind the run
        while time.monotonic() < deadline and not spy.written() <= spy.moved():
            time.sleep(0.05)
    finally:
        spy.running = False
        reader.join()
        observer.stop()
        observer.join()
    return spy, code


def assert_never_seen_partial(spy: Spy) -> None:
    """Every version of an image the reader saw is the final one, whole; a final name is only ever the target
    of a rename (no file is created or written under it); no temp file is left."""
    images = sorted(p for p in spy.folder.iterdir() if p.name.endswith(IMAGE_SUFFIXES))
    assert images
    for path in images:
        with Image.open(path) as im:
            im.load()  # decodes to the end
        final = hashlib.sha256(path.read_bytes()).hexdigest()
        assert spy.seen.get(path.name, {final}) == {final}, f"a reader saw {path.name} before it was whole"
    written_in_place = [(kind, name) for kind, name, _ in spy.events
                        if kind in ("created", "modified", "closed") and not name.startswith(TEMP_PREFIX)]
    assert written_in_place == [], "outputs were written under their final names"
    assert {p.name for p in images} <= spy.moved()
    assert [p for p in spy.folder.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify reports every write (Linux)")
def test_normalize_outputs_appear_whole_or_not_at_all(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(6):
        product_photo((1600 + 40 * i, 1200)).save(photos / f"p{i}.jpg", quality=92)
    product_photo((1400, 1400)).convert("RGBA").save(photos / "cut.png")
    out = tmp_path / "out"
    spy, code = watched_run(out, ["normalize", str(photos), "-o", str(out), "-j", "2", "-q"])
    assert code == 0
    assert len([p for p in out.iterdir() if p.suffix in IMAGE_SUFFIXES]) == 7
    assert_never_seen_partial(spy)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify reports every write (Linux)")
def test_render_outputs_appear_whole_or_not_at_all(tmp_path: Path) -> None:
    for i in range(3):
        product_photo((1600 + 40 * i, 1200)).save(tmp_path / f"p{i}.jpg", quality=92)
    products = "".join(f"  - {{sku: p{i}, product: p{i}.jpg, headline: 春季大促}}\n" for i in range(3))
    (tmp_path / "job.yaml").write_text(
        'templates: [product-main, promo-banner]\noutput: "{sku}-{template}-{size}.jpg"\nformat: [jpeg, png]\n'
        f"products:\n{products}", encoding="utf-8")
    out = tmp_path / "out"
    spy, code = watched_run(out, ["render", str(tmp_path / "job.yaml"), "-o", str(out), "-j", "2", "-q"])
    assert code == 0
    assert len([p for p in out.iterdir() if p.suffix in IMAGE_SUFFIXES]) == 3 * 5 * 2
    assert_never_seen_partial(spy)


class FullDisk:
    """A file that takes half of an image's bytes, then reports a full disk (every other write goes through)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def write(self, data: bytes) -> int:
        head = bytes(data[:12])
        if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"RIFF")) or head[4:8] == b"ftyp":
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.fh.write(data)

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *_: object) -> None:
        self.fh.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.fh, name)


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every file opened for writing (``open``, ``Path.write_bytes``, ``os.fdopen``) is a FullDisk."""
    real = io.open

    def opened(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        fh = real(file, mode, *args, **kwargs)  # type: ignore[call-overload]
        return FullDisk(fh) if "w" in mode and "b" in mode else fh
    monkeypatch.setattr(io, "open", opened)
    monkeypatch.setattr(builtins, "open", opened)


def images_in(folder: Path) -> dict[str, str]:
    """Every image below ``folder`` by relative name, with the digest of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.suffix in IMAGE_SUFFIXES}


def test_a_normalize_that_dies_mid_write_leaves_the_old_file_or_none(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    photos, out = tmp_path / "photos", tmp_path / "out"
    photos.mkdir()
    for i in range(3):
        product_photo((900 + i, 700)).save(photos / f"p{i}.jpg", quality=92)
    assert CliRunner().invoke(main, ["normalize", str(photos), "-o", str(out), "-j", "1", "-q"]).exit_code == 0
    before = images_in(out)
    assert sorted(before) == ["p0.jpg", "p1.jpg", "p2.jpg"]
    for i in range(3):  # new versions of the photos, and one more: each would be written anew
        product_photo((900 + i, 700), backdrop=(200, 220, 240)).save(photos / f"p{i}.jpg", quality=92)
    product_photo((900, 700)).save(photos / "new.jpg", quality=92)
    fill_the_disk(monkeypatch)
    result = CliRunner().invoke(main, ["normalize", str(photos), "-o", str(out), "-j", "1", "-q"])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert images_in(out) == before  # the old files, byte for byte; nothing for new.jpg
    assert [p for p in out.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")] == []
    items = json.loads((out / "report.json").read_text(encoding="utf-8"))["items"]
    assert [(i["status"], i["reason"]) for i in items] == [("failed", "write")] * 4


def test_a_render_that_dies_mid_write_leaves_the_old_file_or_none(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    product_photo((900, 700)).save(tmp_path / "a.jpg", quality=92)
    job = tmp_path / "job.yaml"
    job.write_text("templates: [{template: product-main, sizes: [square]}]\nformat: [jpeg, png]\nproducts:\n"
                   "  - {sku: a, product: a.jpg}\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["render", str(job), "-o", str(out), "-j", "1", "-q"]).exit_code == 0
    before = images_in(out)
    assert len(before) == 2
    product_photo((900, 700), backdrop=(200, 220, 240)).save(tmp_path / "a.jpg", quality=92)
    product_photo((900, 700)).save(tmp_path / "b.jpg", quality=92)
    job.write_text(job.read_text(encoding="utf-8") + "  - {sku: b, product: b.jpg}\n", encoding="utf-8")
    fill_the_disk(monkeypatch)
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(out), "-j", "1", "-q"])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert images_in(out) == before  # a's old outputs, byte for byte; none of b's
    assert [p for p in out.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}")] == []
    items = json.loads((out / "report.json").read_text(encoding="utf-8"))["items"]
    assert [(i["status"], i["reason"]) for i in items] == [("failed", "write")] * 2
