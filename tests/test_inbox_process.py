"""One inbox file from stable to accounted for (inbox/process.py): rendered and archived, failed with its error
report, paused, or tried again; requests rendered as campaigns."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner
from inboxcase import SAMPLES, everything, run_once, workspace

from artpipe.cli.commands import main
from artpipe.config import load_workspace
from artpipe.errors import ConfigError
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.process import Fate, is_request, is_request_material, merchant_values, sidecar_of
from artpipe.paths import display
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.results import Failure, OutputResult, ProductResult, Status

from hostile import jpeg_bytes, photo


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
    recorded, moved, message = ledger.db.execute(
        "SELECT outputs, moved_to, message FROM inputs WHERE state='done'").fetchone()
    # Stored as data, relative to the workspace, whatever folder the watcher works in.
    assert json.loads(recorded) == ["outbox/acme: spring sale/mug 1/a b.jpg", "outbox/acme: spring sale/mug 1/c: d.jpg"]
    assert moved == "archive/mug.jpg"
    assert message == "dark:mean_31<40, text_truncated:headline@m"
    (entry,) = ledger.entries()
    assert [root / p for p in entry.outputs] == [o.path for o in outputs]
    assert entry.moved_to == PurePosixPath("archive/mug.jpg")
    ledger.close()


@pytest.mark.parametrize(("files", "reason", "message"), [
    ({"acme/merchant.yaml": "product: x.jpg\n"}, Reason.CONFIG,
     "merchant.yaml:1:10: product: the product is the dropped photo, not a field (remove 'product' from this file)"),
    ({}, Reason.ROUTE, "no route in artpipe.yaml matches elsewhere/mug.jpg"),
])
def test_an_inbox_reason_is_a_reason_member_and_its_words_are_the_same(
        tmp_path: Path, files: dict[str, str], reason: Reason, message: str) -> None:
    from artpipe.inbox.process import Processor
    root = workspace(tmp_path)
    if reason is Reason.ROUTE:  # only acme's folder is routed
        config = root / "artpipe.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace('match: "**"', 'match: "acme/**"'),
                          encoding="utf-8")
    folder = "acme" if reason is Reason.CONFIG else "elsewhere"
    (root / "inbox" / folder).mkdir(parents=True)
    (root / "inbox" / folder / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    for rel, text in files.items():
        (root / "inbox" / rel).write_text(text, encoding="utf-8")
    ws = load_workspace(root)
    ledger = Ledger(ws.state / "ledger.db")
    processor = Processor(ws, ledger)
    item = processor.prepare(ws.inbox / folder / "mug.jpg", time.time())
    assert item.error is None or item.error[0] is reason  # typed until the edge
    settled = processor.settle(item, None)
    assert settled.fate is Fate.FAILED
    error_file = root / "failed" / folder / "mug.jpg.error.json"
    raw = error_file.read_text(encoding="utf-8")
    error = json.loads(raw)
    assert list(error) == ["input", "reason", "message", "what_to_do", "time"]
    assert f'"reason": "{reason.value}"' in raw  # the file's spelling, a contract
    assert error["input"] == f"{folder}/mug.jpg"
    assert error["message"].endswith(message)
    assert str(settled).startswith(f"failed: {folder}/mug.jpg: {reason.value}: ")
    assert ledger.db.execute("SELECT reason FROM inputs").fetchone() == (reason.value,)
    assert [e.reason for e in ledger.failed()] == [reason]
    ledger.close()
    from artpipe.inbox.status import inbox_status
    failed = json.loads(json.dumps(inbox_status(ws).as_dict()))["failed"]  # what ``artpipe status --json`` prints
    assert [(f["file"], f["reason"]) for f in failed] == [(f"{folder}/mug.jpg", reason.value)]


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


@pytest.mark.parametrize(("rel", "is_one", "material"), [
    ("requests/spring.yaml", True, False), ("requests/spring.YML", True, False),
    ("requests/photos/mug.jpg", False, True), ("requests/old/spring.yaml", False, True),
    ("acme/spring.yaml", False, False), ("requests.yaml", False, False),
])
def test_a_request_is_a_yaml_file_right_in_requests_and_the_rest_there_its_material(rel: str, is_one: bool,
                                                                                     material: bool) -> None:
    assert is_request(PurePosixPath(rel)) is is_one
    assert is_request_material(PurePosixPath(rel)) is material


def test_merchant_values_name_files_inside_the_merchants_folder(tmp_path: Path) -> None:
    acme = tmp_path / "acme"
    (acme / "kit").mkdir(parents=True)
    (acme / "kit" / "logo.png").write_bytes(b"png")
    (tmp_path / "secret.png").write_bytes(b"no")
    merchant = acme / "merchant.yaml"
    merchant.write_text("logo: kit/logo.png\nshop: ACME\nnote: ../secret.png\nprice: 29.9\n", encoding="utf-8")
    assert merchant_values(merchant, acme) == {"logo": str((acme / "kit" / "logo.png").resolve()), "shop": "ACME",
                                               "note": "../secret.png", "price": "29.9"}  # a way out stays text
    assert merchant_values(merchant, acme, {"logo"})["logo"] == str((acme / "kit" / "logo.png").resolve())
    with pytest.raises(ConfigError) as out:
        merchant_values(merchant, acme, {"logo", "note"})
    assert str(out.value) == (f"{merchant}:3:7: note: '../secret.png' climbs out of the folder with '..'; name a "
                              "file inside it (keep the merchant's files in the merchant's folder)")
    merchant.write_text("logo: kit/nope.png\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"merchant.yaml:1:7: logo: no file 'kit/nope.png' in the merchant's "
                                          r"folder \(put the file beside this one\)$"):
        merchant_values(merchant, acme, {"logo"})


def test_a_sidecar_is_the_yaml_beside_the_photo(tmp_path: Path) -> None:
    photo_path = tmp_path / "mug.jpg"
    assert sidecar_of(photo_path) is None
    (tmp_path / "mug.yml").write_text("headline: Hi\n", encoding="utf-8")
    assert sidecar_of(photo_path) == tmp_path / "mug.yml"
    (tmp_path / "mug.yaml").write_text("headline: Hi\n", encoding="utf-8")
    assert sidecar_of(photo_path) == tmp_path / "mug.yaml"  # .yaml first
