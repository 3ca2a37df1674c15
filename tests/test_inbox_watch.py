"""The watch loop (inbox/watch.py): every file in the inbox accounted for, whatever wrote it and however the
watcher was stopped; the observer only wakes the loop, and a dead one is restarted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path, PurePosixPath

import pytest
from inboxcase import SAMPLES, everything, run_once, wait_for, watch_process, watches_inotify, workspace

from artpipe.config import load_workspace
from artpipe.files import TEMP_PREFIX, TEMP_SUFFIX
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.process import Fate
from artpipe.inbox.watch import Watcher, candidates, kit_files

from conftest import Proc, alive, descendants, end_processes, naming
from hostile import heic_claiming_1x1, jpeg_bytes, photo


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


def test_the_watcher_counts_what_became_of_each_input_not_its_log_line(tmp_path: Path) -> None:
    from artpipe.inbox.process import Settled

    lines: list[str] = []
    watcher = Watcher(load_workspace(workspace(tmp_path)), workers=1, log=lines.append)
    rel = PurePosixPath("acme/failed-order.jpg")
    watcher._report(Settled(Fate.RENDERED, rel, "failed-order.jpg rendered"))  # a line that reads like a failure
    watcher._report(Settled(Fate.FAILED, rel, "acme/failed-order.jpg: corrupt"))
    watcher._report(Settled(Fate.PAUSED, rel, "the outbox is full"))
    assert watcher.failures == 1
    assert watcher.paused
    assert lines == ["failed-order.jpg rendered", "acme/failed-order.jpg: corrupt", "the outbox is full"]




def test_only_inputs_are_candidates_never_a_merchants_kit_sidecars_or_request_material(tmp_path: Path) -> None:
    ws = load_workspace(workspace(tmp_path))
    acme, requests = ws.inbox / "acme", ws.inbox / "requests"
    (acme / "kit").mkdir(parents=True)
    (requests / "photos").mkdir(parents=True)
    for name in ("acme/mug.jpg", "acme/mug.yaml", "acme/kit/logo.png", "acme/merchant.yaml", "acme/.DS_Store",
                 "requests/spring.yaml", "requests/photos/cup.jpg", "loose.png"):
        (ws.inbox / name).write_bytes(b"x")
    (acme / "merchant.yaml").write_text("logo: kit/logo.png\nshop: ACME\n", encoding="utf-8")
    (acme / "gone.jpg").symlink_to(acme / "nothing.jpg")
    assert kit_files(ws) == {(acme / "kit" / "logo.png").resolve()}
    files, refused = candidates(ws)
    assert sorted(p.relative_to(ws.inbox).as_posix() for p in files) == ["acme/mug.jpg", "loose.png",
                                                                         "requests/spring.yaml"]
    assert refused == [(acme / "gone.jpg", "a link to a file that does not exist; copy the file itself")]
