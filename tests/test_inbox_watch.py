from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from artpipe.cli.commands import main
from artpipe.config import Route, init_workspace, load_workspace
from artpipe.errors import ConfigError
from artpipe.files import TEMP_PREFIX, TEMP_SUFFIX
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.process import Fate
from artpipe.inbox.routes import route_for
from artpipe.inbox.watch import Watcher
from artpipe.paths import display
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.results import Failure, OutputResult, ProductResult, Status

from conftest import Proc, alive, descendants, end_processes, naming
from hostile import heic_claiming_1x1, jpeg_bytes, photo

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def workspace(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "studio"
    config = init_workspace(root)
    text = config.read_text().replace("settle_seconds: 1.5", "settle_seconds: 0.2") \
        .replace("sidecar_wait_seconds: 3", "sidecar_wait_seconds: 0")
    config.write_text(text + extra)
    return root


def everything(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and ".artpipe" not in p.parts and p.name != "watch.log"}


def run_once(root: Path, workers: int = 1) -> tuple[int, list[str]]:
    lines: list[str] = []
    watcher = Watcher(load_workspace(root), workers=workers, log=lines.append)
    return watcher.run(once=True), lines


@pytest.mark.parametrize(("rel", "expected"), [
    ("acme/banners/mug.jpg", "*/banners/**"), ("acme/banners/x/y.png", "*/banners/**"), ("acme/mug.jpg", "**"),
    ("mug.jpg", "**")])
def test_routes_first_match_wins(rel: str, expected: str) -> None:
    routes = (Route("*/banners/**", ("promo-banner",)), Route("**", ("product-main",)))
    route = route_for(PurePosixPath(rel), routes)
    assert route is not None
    assert route.match == expected


def test_every_file_is_accounted_for(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    inbox = root / "inbox" / "acme"
    (inbox / "banners").mkdir(parents=True)
    shutil.copy(SAMPLES / "photos" / "bag-cutout.png", inbox / "banners" / "bag.png")
    (inbox / "banners" / "bag.yaml").write_text("headline: 真皮托特包\nprice: ¥459\n", encoding="utf-8")
    shutil.copy(SAMPLES / "logo-maison.png", inbox / "logo.png")
    (inbox / "merchant.yaml").write_text("logo: logo.png\n", encoding="utf-8")
    (inbox / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    (inbox / "broken.jpg").write_bytes(b"<html>")
    (inbox / "half.jpg.crdownload").write_bytes(b"\xff\xd8partial")
    (inbox / ".DS_Store").write_bytes(b"\x00")
    failures, lines = run_once(root)
    assert failures == 1
    assert everything(root) == {
        "artpipe.yaml",
        "inbox/acme/merchant.yaml", "inbox/acme/logo.png",  # the merchant's kit stays
        "inbox/acme/half.jpg.crdownload", "inbox/acme/.DS_Store",  # ignored: untouched
        "archive/acme/banners/bag.png", "archive/acme/banners/bag.yaml", "archive/acme/mug.jpg",
        "failed/acme/broken.jpg", "failed/acme/broken.jpg.error.json",
        "outbox/acme/banners/bag/promo-banner-wide.jpg", "outbox/acme/banners/bag/promo-banner-mobile.jpg",
        "outbox/acme/banners/bag/promo-banner-square.jpg",
        "outbox/acme/mug/product-main-square.jpg", "outbox/acme/mug/product-main-large.jpg",
    }
    error = json.loads((root / "failed" / "acme" / "broken.jpg.error.json").read_text())
    assert (error["input"], error["reason"]) == ("acme/broken.jpg", "unsupported")
    assert error["message"].startswith("not an image artpipe reads")
    assert error["what_to_do"]
    assert any(line.startswith("rendered: acme/mug.jpg: 2 outputs in") for line in lines)
    ledger = Ledger(root / ".artpipe" / "ledger.db")
    assert ledger.counts() == {"seen": 0, "stable": 0, "processing": 0, "done": 2, "failed": 1, "duplicate": 0}
    ledger.close()


def test_a_redropped_identical_file_is_a_duplicate(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    data = jpeg_bytes(photo())
    (root / "inbox" / "mug.jpg").write_bytes(data)
    run_once(root)
    (root / "inbox" / "mug.jpg").write_bytes(data)
    failures, lines = run_once(root)
    assert failures == 0
    assert lines[-1] == "duplicate: mug.jpg (same bytes as an earlier input; archived)"
    assert {"archive/mug.jpg", "archive/mug-2.jpg"} <= everything(root)


def test_a_crash_mid_file_is_finished_once_on_restart(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    ledger = Ledger(root / ".artpipe" / "ledger.db")
    ledger.begin("mug.jpg", "abc")  # the crash happened while rendering
    ledger.close()
    (root / "outbox" / "mug").mkdir(parents=True)
    (root / "outbox" / "mug" / f"{TEMP_PREFIX}x{TEMP_SUFFIX}").write_bytes(b"half")  # a half-written output
    failures, lines = run_once(root)
    assert failures == 0
    assert lines[0] == f"removed an unfinished temp file: {root / 'outbox' / 'mug' / (TEMP_PREFIX + 'x' + TEMP_SUFFIX)}"
    assert lines[1] == "resuming: mug.jpg was interrupted; it is processed again"
    assert everything(root) == {"artpipe.yaml", "archive/mug.jpg", "outbox/mug/product-main-square.jpg",
                                "outbox/mug/product-main-large.jpg"}


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


def test_a_broken_config_is_reported(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "artpipe.yaml").write_text("folders: {inbox: ../elsewhere}\nroutes: []\n")
    with pytest.raises(ConfigError, match="'../elsewhere' leads outside the workspace"):
        load_workspace(root)


def watch_process(root: Path) -> subprocess.Popen[str]:
    # A log file, not a pipe: after a kill -9, orphaned render workers may keep a pipe open for a while.
    with (root / "watch.log").open("a") as log:  # the child keeps its own copy of the handle
        return subprocess.Popen([sys.executable, "-m", "artpipe", "watch", "--config", str(root), "--workers", "1"],
                                stdout=log, stderr=log, text=True)


def watches_inotify(pid: int) -> bool:
    """Whether process ``pid`` holds an inotify instance with a watch on something (Linux: /proc/PID/fdinfo)."""
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            info = Path(f"/proc/{pid}/fdinfo/{fd.name}")
            if os.readlink(fd) == "anon_inode:inotify" and "inotify wd:" in info.read_text():
                return True
    except OSError:
        pass  # it exited, or a file descriptor closed while we looked
    return False


def wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_a_slowly_written_file_is_processed_once_complete(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    proc = watch_process(root)
    try:
        data = jpeg_bytes(photo((1200, 900)))
        target = root / "inbox" / "slow.jpg"
        with target.open("wb") as fh:  # a slow copy: half, a pause longer than the settle window, the rest
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(0.8)
            assert not (root / "archive" / "slow.jpg").exists()  # never taken while incomplete
            fh.write(data[len(data) // 2:])
        assert wait_for(lambda: (root / "archive" / "slow.jpg").exists(), 30)
        # rsync-style: a hidden temp name, then a rename into place
        tmp = root / "inbox" / ".other.jpg.Xy12Ab"
        tmp.write_bytes(jpeg_bytes(photo((300, 200))))
        os.replace(tmp, root / "inbox" / "other.jpg")
        assert wait_for(lambda: (root / "archive" / "other.jpg").exists(), 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    err = (root / "watch.log").read_text()
    assert proc.returncode == 0, err
    assert err.count("rendered: slow.jpg") == 1
    assert err.count("rendered: other.jpg") == 1
    assert everything(root) >= {"archive/slow.jpg", "archive/other.jpg", "outbox/slow/product-main-square.jpg"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="close_write is an inotify event (Linux)")
def test_a_truncated_file_its_writer_closed_fails_at_once(tmp_path: Path) -> None:
    root = workspace(tmp_path)  # incomplete_seconds stays 300: only the close can make it fail sooner
    proc = watch_process(root)
    try:
        # Only a close the observer sees counts: wait for its inotify watch (a loaded machine takes seconds to
        # start the watcher; a file written before then is found by the scan, and waits out incomplete_seconds).
        assert wait_for(lambda: watches_inotify(proc.pid), 60)
        (root / "inbox" / "cut.jpg").write_bytes(jpeg_bytes(photo((1200, 900)))[:-4000])  # written, closed
        assert wait_for(lambda: (root / "failed" / "cut.jpg.error.json").exists(), 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    report = json.loads((root / "failed" / "cut.jpg.error.json").read_text())
    assert report["reason"] == "truncated"


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


def test_a_file_taken_up_again_after_a_crash_keeps_one_ledger_row(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    for i in range(3):  # a new version of the file each time, and a crash while it was being processed
        (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo((600 + i, 450))))
        ledger = Ledger(root / ".artpipe" / "ledger.db")
        ledger.begin("mug.jpg", "0" * 64)
        ledger.close()
        Watcher(load_workspace(root), workers=1, log=lambda _: None).run(once=True)
    ledger = Ledger(root / ".artpipe" / "ledger.db")
    rows = ledger.db.execute("SELECT rel, state FROM inputs ORDER BY id").fetchall()
    ledger.close()
    assert rows == [("mug.jpg", "done"), ("mug.jpg", "done"), ("mug.jpg", "done")]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_kill_9_mid_batch_then_restart_loses_nothing(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    root = workspace(tmp_path)
    names = [f"p{i:02d}.jpg" for i in range(8)]
    for i, name in enumerate(names):
        (root / "inbox" / name).write_bytes(jpeg_bytes(photo((1400 + i, 1000))))
    time.sleep(0.3)
    proc = watch_process(root)
    family: set[Proc] = set()  # every helper the watcher started (workers, forkserver, resource tracker)
    request.addfinalizer(lambda: end_processes(family | naming(str(root))))

    def started() -> bool:
        family.update(descendants(proc.pid))
        return any((root / "archive").iterdir())
    assert wait_for(started, 60)
    family.update(descendants(proc.pid))
    assert family, "the watcher started no worker"
    proc.kill()  # SIGKILL, somewhere in the middle of the batch
    proc.wait(timeout=30)

    def left() -> list[Proc]:  # its former children, and anything still working on its workspace
        return sorted(p for p in family | naming(str(root)) if alive(p))
    wait_for(lambda: not left(), 10)
    assert left() == [], "helpers of the killed watcher outlived it"
    failures, _ = run_once(root)
    assert failures == 0
    files = everything(root)
    for name in names:
        stem = name[:-4]
        assert f"archive/{name}" in files
        assert f"outbox/{stem}/product-main-square.jpg" in files
        assert f"outbox/{stem}/product-main-large.jpg" in files
    assert not any(n.startswith("inbox/") for n in files)
    assert not any(TEMP_PREFIX in n for n in files)


def test_a_file_any_decoder_chokes_on_fails_alone(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    inbox = root / "inbox" / "acme"
    inbox.mkdir(parents=True)
    (inbox / "a.jpg").write_bytes(jpeg_bytes(photo()))
    (inbox / "lying.heic").write_bytes(heic_claiming_1x1())  # libheif raises RuntimeError on it
    (inbox / "b.jpg").write_bytes(jpeg_bytes(photo((500, 400))))
    failures, lines = run_once(root)
    assert failures == 1
    files = everything(root)
    assert {"archive/acme/a.jpg", "archive/acme/b.jpg", "failed/acme/lying.heic"} <= files
    assert "outbox/acme/b/product-main-square.jpg" in files
    error = json.loads((root / "failed" / "acme" / "lying.heic.error.json").read_text(encoding="utf-8"))
    assert error["reason"] == "too_large"
    assert "Security limit exceeded" in error["message"]
    assert any(line.startswith("failed: acme/lying.heic: too_large: ") for line in lines)


def test_a_write_failure_pauses_instead_of_failing_the_file(tmp_path: Path) -> None:
    from artpipe.inbox.process import Processor
    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    ws = load_workspace(root)
    ledger = Ledger(ws.state / "ledger.db")
    item = Processor(ws, ledger).prepare(ws.inbox / "mug.jpg", time.time())
    output = ws.outbox / "mug" / "product-main-square.jpg"
    full = ProductResult(ws.inbox / "mug.jpg", "mug", Status.FAILED, outputs=(OutputResult(output, Failure(
        Reason.WRITE, "cannot write (No space left on device); check space and permissions of the output folder",
        output)),))
    settled = Processor(ws, ledger).settle(item, full)
    assert settled.fate is Fate.PAUSED
    assert str(settled).startswith(f"paused: {display(output)}: cannot write (No space left on device)")
    assert (root / "inbox" / "mug.jpg").is_file()  # not failed: tried again once there is room
    assert not (root / "failed").exists() or not any((root / "failed").iterdir())
    assert ledger.counts()["processing"] == 0
    ledger.close()


def test_a_rendered_file_is_settled_from_its_typed_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Outputs in a folder whose name has a colon and spaces, the watcher working in another folder: the files
    # are made durable and recorded by their real paths, never by a display string read back.
    from artpipe.inbox.process import Processor
    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    monkeypatch.chdir(tmp_path)
    ws = load_workspace(root)
    ledger = Ledger(ws.state / "ledger.db")
    item = Processor(ws, ledger).prepare(ws.inbox / "mug.jpg", time.time())
    folder = ws.outbox / "acme: spring sale" / "mug 1"
    folder.mkdir(parents=True)
    outputs = tuple(OutputResult(folder / name, warnings=(Note(WarningKind.TEXT_TRUNCATED, "headline@m"),))
                    for name in ("a b.jpg", "c: d.jpg"))
    for out in outputs:
        out.path.write_bytes(b"x")
    done = ProductResult(ws.inbox / "mug.jpg", "mug", Status.OK, outputs=outputs,
                         warnings=(Note(WarningKind.DARK, "mean_31<40"),), elapsed_ms=12.0)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settled = Processor(ws, ledger).settle(item, done)
    assert settled.fate is Fate.RENDERED
    assert str(settled).startswith("rendered: mug.jpg: 2 outputs in 12 ms, done ")
    assert (root / "archive" / "mug.jpg").is_file()
    recorded, message = ledger.db.execute("SELECT outputs, message FROM inputs WHERE state='done'").fetchone()
    assert json.loads(recorded) == [display(o.path) for o in outputs]
    assert message == "dark:mean_31<40, text_truncated:headline@m"
    ledger.close()


def test_unicode_spaces_and_long_names(tmp_path: Path) -> None:
    import unicodedata
    root = workspace(tmp_path)
    names = ["商品 主图.jpg", unicodedata.normalize("NFD", "Café crème.jpg"), "x" * 246 + ".jpg"]  # 250 bytes
    for i, name in enumerate(names):
        (root / "inbox" / name).write_bytes(jpeg_bytes(photo((300 + i, 200))))
    assert run_once(root)[0] == 0
    archived = {p.name for p in (root / "archive").iterdir()}
    assert archived == set(names)  # inputs keep their exact names
    outputs = [p for p in (root / "outbox").rglob("*.jpg")]
    assert len(outputs) == 6
    assert all(len(p.parent.name.encode()) <= 250 for p in outputs)


def test_real_copy_tools_each_produce_one_processing(tmp_path: Path) -> None:
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed (.ci/run installs it)")
    root = workspace(tmp_path)
    staging = tmp_path / "staging"  # same filesystem as the inbox, for mv
    staging.mkdir()
    for i, name in enumerate(("by-cp.jpg", "by-mv.jpg", "by-rsync.jpg")):
        (staging / name).write_bytes(jpeg_bytes(photo((900 + i, 700))))  # distinct bytes: no duplicates
    proc = watch_process(root)
    try:
        inbox = root / "inbox"
        subprocess.run(["cp", str(staging / "by-cp.jpg"), str(inbox)], check=True)
        subprocess.run(["mv", str(staging / "by-mv.jpg"), str(inbox)], check=True)
        subprocess.run(["rsync", str(staging / "by-rsync.jpg"), str(inbox)], check=True)  # temp name, then rename
        download = inbox / "by-browser.jpg.crdownload"  # a browser downloads under a temp name, then renames
        download.write_bytes(jpeg_bytes(photo((640, 480)))[:2000])
        time.sleep(0.5)
        download.write_bytes(jpeg_bytes(photo((640, 480))))
        os.replace(download, inbox / "by-browser.jpg")
        names = ["by-cp.jpg", "by-mv.jpg", "by-rsync.jpg", "by-browser.jpg"]
        assert wait_for(lambda: all((root / "archive" / n).exists() for n in names), 60)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    log = (root / "watch.log").read_text()
    for name in names:
        assert log.count(f"rendered: {name}:") == 1, log
    assert "crdownload" not in log


def test_polling_observer_sees_drops(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    with (root / "watch.log").open("a") as log:
        proc = subprocess.Popen([sys.executable, "-m", "artpipe", "watch", "--config", str(root), "--polling",
                                 "--workers", "1"], stdout=log, stderr=log)
    try:
        (root / "inbox" / "share.jpg").write_bytes(jpeg_bytes(photo()))
        assert wait_for(lambda: (root / "archive" / "share.jpg").exists(), 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0


def test_a_dead_observer_is_restarted(tmp_path: Path) -> None:
    import threading
    root = workspace(tmp_path)
    lines: list[str] = []
    watcher = Watcher(load_workspace(root), workers=1, log=lines.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: watcher.observer is not None and watcher.observer.is_alive(), 10)
        assert watcher.observer is not None
        watcher.observer.stop()  # as if a handler had raised and killed its thread
        assert wait_for(lambda: "the file-system observer stopped; restarting it" in lines, 10)
        (root / "inbox" / "after.jpg").write_bytes(jpeg_bytes(photo()))
        assert wait_for(lambda: (root / "archive" / "after.jpg").exists(), 30)
    finally:
        watcher.stop.set()
        thread.join(timeout=30)


@pytest.mark.slow
def test_a_burst_of_500_files_is_all_processed(tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    config = root / "artpipe.yaml"
    config.write_text(config.read_text().replace("templates: [product-main]",
                                                 "templates: [product-main]\n    sizes: [square]"))
    for i in range(500):
        (root / "inbox" / f"b{i:03d}.jpg").write_bytes(jpeg_bytes(photo((120 + i, 90))))  # 500 distinct photos
    for i in range(5):  # and five byte-identical re-drops, in the same burst
        shutil.copy(root / "inbox" / f"b{i:03d}.jpg", root / "inbox" / f"z-copy{i}.jpg")
    failures, lines = run_once(root, workers=2)
    assert failures == 0
    assert len(list((root / "archive").iterdir())) == 505
    assert len(list((root / "outbox").rglob("*.jpg"))) == 500  # every photo rendered once, no copy rendered
    assert sorted(line.split(" ")[1] for line in lines if line.startswith("duplicate:")) == \
        [f"z-copy{i}.jpg" for i in range(5)]
    assert not list((root / "inbox").iterdir())


def test_a_file_that_cannot_be_moved_is_retried_and_reported(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import artpipe.inbox.process as process
    root = workspace(tmp_path)
    (root / "inbox" / "locked.jpg").write_bytes(jpeg_bytes(photo()))
    real = process.move_into
    calls = {"n": 0}

    def flaky_move(src: Path, dest_root: Path, rel: Path) -> Path:
        calls["n"] += 1
        if calls["n"] == 1:
            raise PermissionError(13, "Permission denied")
        return real(src, dest_root, rel)
    monkeypatch.setattr(process, "move_into", flaky_move)
    failures, lines = run_once(root)
    assert failures == 0
    assert "received: locked.jpg" in lines
    assert "retrying: locked.jpg: cannot move it (Permission denied); it stays in the inbox for now" in lines
    assert any(line.startswith("rendered: locked.jpg") for line in lines)
    assert (root / "archive" / "locked.jpg").is_file()


def test_a_request_dropped_into_the_inbox_becomes_a_campaign(tmp_path: Path) -> None:
    root = workspace(tmp_path, "presets: agency.yaml\n")
    (root / "agency.yaml").write_text("presets:\n  acme.square:\n    title: ACME square\n    template: product-main\n"
                                      "    render: {width: 500, height: 500, format: JPEG}\n    rules:\n"
                                      "      square: {source: house style, confidence: official}\n", encoding="utf-8")
    requests = root / "inbox" / "requests"
    (requests / "photos").mkdir(parents=True)
    shutil.copy(SAMPLES / "photos" / "mug-sideways.jpg", requests / "photos" / "mug.jpg")
    (requests / "spring.yaml").write_text(
        "campaign: spring\npresets: [tmall.white_bg, acme.square]\n"
        "products: [{sku: mug-01, product: photos/mug.jpg}]\n", encoding="utf-8")
    (requests / "broken.yaml").write_text("campaign: broken\nplatforms: [tmal]\nproducts: []\n", encoding="utf-8")
    failures, lines = run_once(root)
    assert failures == 1
    assert everything(root) == {
        "artpipe.yaml", "agency.yaml",
        "inbox/requests/photos/mug.jpg",  # the request's own photo: material, not an input
        "archive/requests/spring.yaml",
        "failed/requests/broken.yaml", "failed/requests/broken.yaml.error.json",
        "outbox/requests/spring/tmall/tmall.white_bg/mug-01.jpg",
        "outbox/requests/spring/acme/acme.square/mug-01.jpg",  # the workspace's agency preset
        "outbox/requests/spring/report.json", "outbox/requests/spring/proof.html",
        "outbox/requests/spring/proof.png",
    }
    error = json.loads((root / "failed" / "requests" / "broken.yaml.error.json").read_text())
    assert error["reason"] == "config"
    assert "no platform or preset 'tmal' (did you mean tmall?)" in error["message"]
    assert any(line.startswith("request: requests/spring.yaml: 2 files for 1 product, 0 failed, "
                               "0 failing a rule; proof: ") for line in lines)
    # approved, then dropped again: the same request runs again (never a duplicate) and says what changed
    assert CliRunner().invoke(main, ["approve", str(root / "outbox" / "requests" / "spring")]).exit_code == 0
    shutil.copy(root / "archive" / "requests" / "spring.yaml", requests / "spring.yaml")
    failures, lines = run_once(root)
    assert failures == 0
    assert any("0 of 2 changed since approval" in line for line in lines)
    assert (root / "archive" / "requests" / "spring-2.yaml").is_file()


def test_a_request_with_nothing_to_render_fails_with_the_reason(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    requests = root / "inbox" / "requests"
    (requests / "photos").mkdir(parents=True)
    (requests / "photos" / "bad.jpg").write_bytes(b"<html>")
    (requests / "x.yaml").write_text("campaign: x\npresets: tmall.white_bg\n"
                                     "products: [{sku: a, product: photos/bad.jpg}]\n", encoding="utf-8")
    failures, _ = run_once(root)
    assert failures == 1
    error = json.loads((root / "failed" / "requests" / "x.yaml.error.json").read_text())
    assert error["reason"] == "unsupported"
    assert "bad.jpg: not an image artpipe reads" in error["message"]
    assert (root / "inbox" / "requests" / "photos" / "bad.jpg").is_file()  # the request's material stays


def test_a_request_failing_to_render_says_it_like_validate_without_the_photo_in_front(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    requests = root / "inbox" / "requests"
    (requests / "photos").mkdir(parents=True)
    shutil.copy(SAMPLES / "photos" / "mug-sideways.jpg", requests / "photos" / "mug.jpg")
    (requests / "y.yaml").write_text("campaign: y\npresets: mobile.banner\ntemplates: {mobile.banner: promo-banner}\n"
                                     "products:\n  - {sku: a, product: photos/mug.jpg, headline: Hi, price: call us}\n",
                                     encoding="utf-8")
    failures, lines = run_once(root)
    assert failures == 1
    error = json.loads((root / "failed" / "requests" / "y.yaml.error.json").read_text())
    assert error["reason"] == "render"
    # which file and line, what is wrong, what to do: the request's line, as validate names it, not the photo
    assert error["message"] == (f"{requests / 'y.yaml'}:5: a: promo-banner: layer price at size mobile.banner: "
                                "'call us' is not a price (write it like ¥39.90, 39.90 or 1.299,00 €)")
    assert error["what_to_do"] == f"fix the request or its photos, then: artpipe retry --config {root}"
    assert f"failed: requests/y.yaml: render: {error['message']}" in lines


def test_the_watcher_counts_what_became_of_each_input_not_its_log_line(tmp_path: Path) -> None:
    from artpipe.inbox.process import Fate, Settled

    lines: list[str] = []
    watcher = Watcher(load_workspace(workspace(tmp_path)), workers=1, log=lines.append)
    rel = PurePosixPath("acme/failed-order.jpg")
    watcher._report(Settled(Fate.RENDERED, rel, "failed-order.jpg rendered"))  # a line that reads like a failure
    watcher._report(Settled(Fate.FAILED, rel, "acme/failed-order.jpg: corrupt"))
    watcher._report(Settled(Fate.PAUSED, rel, "the outbox is full"))
    assert watcher.failures == 1
    assert watcher.paused
    assert lines == ["failed-order.jpg rendered", "acme/failed-order.jpg: corrupt", "the outbox is full"]


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


def test_watch_takes_jobs_like_render_and_stamps_its_lines(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    result = CliRunner().invoke(main, ["watch", "--config", str(root), "--once", "-j", "1"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if "rendered: mug.jpg" in x)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d rendered: mug.jpg: 2 outputs in \d+ ms", line), line


def test_the_rendered_line_says_the_render_time_apart_from_the_wait(tmp_path: Path) -> None:
    from artpipe.inbox.process import Pending, Processor

    root = workspace(tmp_path)
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    ws = load_workspace(root)
    ledger = Ledger(ws.root / ".artpipe" / "ledger.db")
    row = ledger.begin("mug.jpg", "0" * 64)
    # it settled a minute ago and waited behind other files; its own render took 12 ms
    item = Pending(root / "inbox" / "mug.jpg", PurePosixPath("mug.jpg"), row,
                   object(), None, time.time() - 60)  # type: ignore[arg-type]  # settle only asks if there was a task
    done = Processor(ws, ledger).settle(item, ProductResult(root / "inbox" / "mug.jpg", "mug", Status.OK,
                                                            elapsed_ms=12.4))
    ledger.close()
    said = re.fullmatch(r"rendered: mug\.jpg: 0 outputs in 12 ms, done (\d+) ms after it settled", done.line)
    assert said, done.line
    assert 60_000 <= int(said.group(1)) < 70_000


def test_a_failed_file_says_how_to_retry_it_in_this_workspace(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "broken.jpg").write_bytes(b"<html>")
    assert run_once(root)[0] == 1
    error = json.loads((root / "failed" / "broken.jpg.error.json").read_text())
    assert error["what_to_do"] == f"fix it, then: artpipe retry --config {root.resolve()}"


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
