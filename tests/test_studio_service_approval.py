"""The studio's service without HTTP: its state in SQLite (migrated from the files an older studio kept, shared by
two studios on one workspace), the approval rules, downloads, workspace photos and a refused form's drafts.

The campaigns here are written by hand (a report.json, its typed record and a few PNGs), not rendered: the rules
read only those.
``fixtures/studio-main/`` is a workspace's state as the studio before the SQLite schema was versioned kept it
(made with that code: two users, a request approved and one running, a merchant link, two decisions, a session).
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment, PackageLoader
from PIL import Image

from artpipe.api import campaign_approved, init_workspace, load_workspace
from artpipe.config import Workspace
from artpipe.errors import ConfigError
from artpipe.reasons import Reason
from artpipe.report.proofview import RECORD, record_json
from artpipe.report.results import Failure, OutputCheck, OutputResult, ProductResult, Status
from artpipe.run.batch import CampaignResult, RunResult
from artpipe.studio.accounts import Accounts
from artpipe.studio.db import DB_FILE
from artpipe.studio.forms import RequestForm, Upload
from artpipe.studio.service import approval, downloads, drafts
from artpipe.studio.service.context import NotFound, Refused, Studio, open_studio
from artpipe.studio.service.photos import picked
from artpipe.studio.service.runs import campaign_root
from artpipe.studio.store import Store
from artpipe.studio.users import verify_user

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "studio-main"
SHOTS = {"tmall/mug-01/white_bg.png": ("tmall.white_bg", "tmall"), "tmall/mug-01/poster.png": ("tmall.poster", "tmall"),
         "jd/mug-01/main.png": ("jd.main", "jd")}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    init_workspace(tmp_path / "ws")
    return load_workspace(tmp_path / "ws")


@pytest.fixture
def studio(ws: Workspace) -> Iterator[Studio]:
    opened = open_studio(ws, Environment(loader=PackageLoader("artpipe", "pages"), autoescape=True), jobs=1)
    yield opened
    opened.runner.close()


def campaign(studio: Studio, name: str = "双十一") -> str:
    """A rendered request as the runner leaves it: three images (two Tmall, one JD) and their report."""
    rid = studio.store.add(name, "MAISON", "", "studio/requests/x", "anna")
    root = campaign_root(studio.ws, rid, name)
    items = {"sku": "mug-01", "status": "ok", "message": "", "warnings": [], "outputs": [], "checks": []}
    for i, (rel, (preset, platform)) in enumerate(SHOTS.items()):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 40), (255, 40 * i, 0)).save(root / rel)
        items["outputs"].append(str(root / rel))  # type: ignore[attr-defined]
        items["checks"].append({"output": str(root / rel), "preset": preset, "platform": platform,  # type: ignore[attr-defined]
                                "pass": True, "rules": []})
    (root / "report.json").write_text(json.dumps({"items": [items]}), encoding="utf-8")
    outputs = tuple(OutputResult(root / rel, check=OutputCheck(preset, platform, ())) for rel, (preset, platform)
                    in SHOTS.items())
    (root / RECORD).parent.mkdir(exist_ok=True)
    (root / RECORD).write_text(record_json(root, [ProductResult(None, "mug-01", Status.OK, outputs=outputs)], None),
                               encoding="utf-8")
    studio.store.update(rid, state="done")
    return rid


def test_a_workspace_kept_by_the_older_studio_is_brought_in_whole(ws: Workspace) -> None:
    ws.state.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE / "studio.db", ws.state / DB_FILE)
    shutil.copy(FIXTURE / "studio-users.yaml", ws.root / "studio-users.yaml")
    store = Store(ws.state / DB_FILE, ws.root)
    assert store.was == 0  # unversioned: made before schema_version
    records = {r.campaign: r for r in store.all()}
    assert records["双十一"].state == "approved"
    assert (records["双十一"].done, records["双十一"].message, records["双十一"].created_by) == (2, "6 images", "anna")
    assert records["spring"].state == "running"
    assert store.interrupt_unfinished(60) == [records["spring"].id]  # its studio is gone: no heartbeat ever
    rid = records["双十一"].id
    assert store.request_of_link("3nRLwj2xN0JuLgx013hh_lzD1-C4_7wq") == rid
    decided = store.decisions(rid)
    assert decided["jd/mug-01/main.jpg"].comment == "bigger logo"
    assert [(d.output, d.state, d.by_name) for d in store.decision_log(rid)] == [
        ("tmall/mug-01/main.jpg", "approved", "Li Wei"), ("jd/mug-01/main.jpg", "changes", "Li Wei")]
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    assert sorted(accounts.users()) == ["anna", "bob"]
    assert verify_user(accounts, "anna", "correct horse battery")
    assert accounts.session_user("C9x1caXdz6oKHGK_W8omxzXzOAaszC_f") == "anna"  # signed in before: still is
    assert not (ws.root / "studio-users.yaml").exists()
    assert (ws.state / "studio-users.yaml.imported").read_bytes() == (FIXTURE / "studio-users.yaml").read_bytes()
    assert {p.name: p.stat().st_mode & 0o777 for p in ws.state.glob("studio.db*")}["studio.db"] == 0o600
    assert all(p.stat().st_mode & 0o077 == 0 for p in ws.state.glob("studio.db*"))  # hashes: the owner's only
    with sqlite3.connect(ws.state / DB_FILE) as db:
        assert [r[0] for r in db.execute("SELECT version FROM schema_version")] == [1, 2]  # once, reopened or not
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_studios_on_one_workspace_leave_each_others_renders_alone(ws: Workspace) -> None:
    first, second = Store(ws.state / DB_FILE, ws.root), Store(ws.state / DB_FILE, ws.root)
    rid = first.add("double11", "MAISON", "", "studio/requests/x", "anna")
    first.queue(rid, 2)
    first.update(rid, state="running")
    assert second.interrupt_unfinished(60) == []  # the first studio is alive: its render is its own
    assert second.get(rid).state == "running"  # type: ignore[union-attr]
    first.update(rid, heartbeat=time.time() - 61)  # then it was killed: no heartbeat for a minute
    assert second.interrupt_unfinished(60) == [rid]
    assert second.get(rid).state == "interrupted"  # type: ignore[union-attr]


def test_a_database_it_cannot_read_is_a_one_line_error(ws: Workspace) -> None:
    path = ws.state / DB_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ConfigError) as broken:
        Store(path, ws.root)
    assert str(broken.value).startswith(f"{path}: the studio's records cannot be read (file is not a database)")
    path.unlink()
    Store(path, ws.root)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (9, 0)")
    with pytest.raises(ConfigError, match=r"made by a newer artpipe \(schema 9, this one knows 2\); upgrade"):
        Store(path, ws.root)


def test_sign_in_attempts_are_counted_across_studios(ws: Workspace) -> None:
    one, other = Accounts(ws.state / DB_FILE, ws.root), Accounts(ws.state / DB_FILE, ws.root)
    assert [one.take_attempt("name:anna", 5, 900) for _ in range(5)] == [0.0] * 5
    assert 899 < other.take_attempt("name:anna", 5, 900) <= 900  # the sixth, at the other studio: refused
    assert other.take_attempt("name:bob", 5, 900) == 0.0
    one.forgive("name:anna")
    assert other.take_attempt("name:anna", 5, 900) == 0.0


def test_an_address_over_its_limit_adds_no_names(ws: Workspace) -> None:
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    assert [accounts.take_sign_in("10.0.0.9", f"guess{i}", 3, 5, 900) for i in range(3)] == [0.0] * 3
    assert all(accounts.take_sign_in("10.0.0.9", f"made-up-{i}", 3, 5, 900) > 0 for i in range(50))
    with sqlite3.connect(ws.state / DB_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 6  # 3 for the address, 3 names


def test_a_removed_user_and_a_new_password_end_their_sessions(ws: Workspace) -> None:
    accounts = Accounts(ws.state / DB_FILE, ws.root)
    accounts.set_user("anna", "scrypt$x")
    sid = accounts.open_session("anna", 60)
    assert accounts.session_user(sid) == "anna"
    accounts.set_user("anna", "scrypt$y")
    assert accounts.session_user(sid) is None
    sid = accounts.open_session("anna", 60)
    assert accounts.remove_user("anna")
    assert accounts.session_user(sid) is None
    assert not accounts.remove_user("anna")


def test_every_image_approved_one_by_one_approves_the_set(studio: Studio) -> None:
    rid = campaign(studio)
    record = studio.record(rid)
    states = [approval.decide(studio, studio.record(rid), approval.one("Li Wei", "approved", rel, ""), "tok")
              for rel in SHOTS]
    assert states == ["done", "done", "approved"]
    assert json.loads((studio.root(record) / "approved.json").read_text(encoding="utf-8"))["approved_by"] == "Li Wei"
    assert approval.decide(studio, studio.record(rid), approval.one("Li Wei", "changes", "jd/mug-01/main.png",
                                                                    " bigger logo "), "tok") == "reopened"
    with pytest.raises(NotFound, match="Nothing is approved now"):
        downloads.approved_zip(studio, studio.record(rid))
    log = studio.store.decision_log(rid)
    assert [(d.output, d.state, d.comment) for d in log][-1] == ("jd/mug-01/main.png", "changes", "bigger logo")
    assert len(log) == 4


def test_approve_all_per_platform_then_for_the_whole_set(studio: Studio) -> None:
    rid = campaign(studio)
    assert approval.platforms(studio.proof(studio.record(rid))) == [("Tmall", 2), ("JD", 1)]
    tmall = approval.every(studio.proof(studio.record(rid)), "Li Wei", "Tmall")
    assert sorted(tmall.outputs) == sorted(r for r in SHOTS if r.startswith("tmall/"))
    assert approval.decide(studio, studio.record(rid), tmall) == "done"
    assert approval.platforms(studio.proof(studio.record(rid))) == [("Tmall", 0), ("JD", 1)]
    rest = approval.every(studio.proof(studio.record(rid)), "Li Wei")
    assert rest.outputs == ("jd/mug-01/main.png",)  # only what is not approved yet
    assert approval.decide(studio, studio.record(rid), rest) == "approved"
    archive = zipfile.ZipFile(io.BytesIO(downloads.approved_zip(studio, studio.record(rid)).body))
    assert sorted(archive.namelist()) == sorted(f"双十一/{rel}" for rel in SHOTS)
    assert downloads.approved_zip(studio, studio.record(rid)).filename == "双十一-approved.zip"


def test_a_change_asked_while_the_set_is_being_approved_is_not_lost(studio: Studio,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rid = campaign(studio)
    first = next(iter(SHOTS))
    approval.decide(studio, studio.record(rid), approval.one("Li Wei", "approved", first, ""))
    real = approval.approve_campaign

    def slow(folder: Path, by: str | None = None) -> dict[str, str]:
        time.sleep(0.3)  # copying a large set: the window a second decision falls into
        return real(folder, by=by)

    monkeypatch.setattr(approval, "approve_campaign", slow)
    everything = threading.Thread(target=approval.decide, args=(
        studio, studio.record(rid), approval.every(studio.proof(studio.record(rid)), "Li Wei")))
    everything.start()
    time.sleep(0.1)
    approval.decide(studio, studio.record(rid), approval.one("Wang Fang", "changes", first, "no"))
    everything.join()
    assert studio.store.decisions(rid)[first].state == "changes"
    assert studio.store.get(rid).state == "reopened"  # type: ignore[union-attr]
    assert not campaign_approved(studio.root(studio.record(rid)))  # the set is not served as approved


@pytest.mark.parametrize(("name", "state", "output"), [
    ("", "approved", "jd/mug-01/main.png"), ("Li Wei", "maybe", "jd/mug-01/main.png"),
    ("Li Wei", "approved", "../../studio.db"), ("Li Wei", "approved", "jd/mug-01/other.png"),
])
def test_a_decision_on_nothing_of_this_proof_is_refused(studio: Studio, name: str, state: str, output: str) -> None:
    rid = campaign(studio)
    with pytest.raises(Refused, match="Write your name and choose approve or ask for changes"):
        approval.decide(studio, studio.record(rid), approval.one(name, state, output, ""))
    assert studio.store.decision_log(rid) == []


def test_the_proof_downloads_under_its_chinese_name(studio: Studio) -> None:
    record = studio.record(campaign(studio))
    page = downloads.proof_file(studio, record)
    assert (page.filename, page.media_type) == ("双十一-proof.html", "text/html; charset=utf-8")
    assert page.body.count(b"data:image/png;base64,") == 3
    bundle = zipfile.ZipFile(io.BytesIO(downloads.proof_zip(studio, record).body))
    assert sorted(bundle.namelist()) == sorted(["双十一/index.html", *(f"双十一/{rel}" for rel in SHOTS)])


def test_a_campaign_rendered_before_the_record_reads_from_its_report(studio: Studio) -> None:
    record = studio.record(campaign(studio))
    typed = studio.proof(record)
    (studio.root(record) / RECORD).unlink()
    legacy = studio.proof(record)
    assert typed is not None
    assert legacy is not None
    assert [s.rel for s in legacy.shots] == [s.rel for s in typed.shots] == list(SHOTS)
    assert downloads.proof_file(studio, record).body.count(b"data:image/png;base64,") == 3


def test_only_archive_and_inbox_photos_can_be_picked(studio: Studio) -> None:
    ws = studio.ws
    (ws.archive / "a.jpg").write_bytes(b"archived")
    (ws.root / "artpipe.yaml").read_bytes()
    got = picked(ws, ["archive/a.jpg", "artpipe.yaml", "../../etc/passwd", "archive/../artpipe.yaml", "inbox/none"])
    assert [(u.name, u.data) for u in got] == [("a.jpg", b"archived")]


def test_a_refused_forms_photos_are_kept_until_it_is_sent_or_abandoned(studio: Studio) -> None:
    form = RequestForm(photos=[Upload("mug.jpg", b"mug"), Upload("mug.jpg", b"second mug"), Upload("bad.jpg", b"x")])
    form.error("photos", "bad.jpg: not an image")
    did = drafts.keep(studio, "anna", form)
    assert [(u.name, u.data) for u in drafts.photos(studio, "anna", did)] == [("mug.jpg", b"mug"),
                                                                               ("mug.jpg", b"second mug")]
    assert drafts.photos(studio, "bob", did) == []  # another operator's draft opens nothing
    again = drafts.with_draft(drafts.photos(studio, "anna", did), [Upload("bag.png", b"bag")])
    assert [u.name for u in again] == ["mug.jpg", "mug.jpg", "bag.png"]
    assert [u.data for u in drafts.with_draft(again, [Upload("mug.jpg", b"fixed")])] == [b"bag", b"fixed"]
    kept = [drafts.keep(studio, "anna", RequestForm(photos=[Upload(f"{i}.jpg", b"x")]), most=2) for i in range(4)]
    assert [d for d, _ in studio.store.drafts_of("anna")] == kept[:-3:-1]  # a loop of refused forms: 2 kept
    assert sum(1 for p in (studio.ws.root / "studio" / "drafts").rglob("*") if p.is_file()) == 2
    did = kept[-1]
    folder = studio.ws.root / studio.store.draft_folder(did, "anna")  # type: ignore[operator]
    assert drafts.clean(studio, 3600) == 0  # just used: kept
    assert drafts.clean(studio, -1) == 2  # abandoned
    assert not folder.exists()
    assert drafts.photos(studio, "anna", did) == []


def test_a_finished_render_is_summed_up_from_its_typed_results(studio: Studio, tmp_path: Path) -> None:
    rid = campaign(studio)
    out = tmp_path / "out: a b"
    made = ProductResult(None, "mug-01", Status.OK, outputs=(OutputResult(out / "x 1.jpg"),
                                                             OutputResult(out / "y.jpg")))
    lost = ProductResult(None, "bag-04", Status.FAILED, outputs=(OutputResult(out / "z.jpg", Failure(
        Reason.WRITE, "no space left", out / "z.jpg")),))
    refused = ProductResult(out / "c.jpg", "cup-05", Status.REJECTED, Failure(Reason.TRUNCATED, "cut short"))
    result = CampaignResult(RunResult([made, lost, refused]), out, None)
    assert studio.runner._outcome(rid, result) == ("done", "2 images, 2 products failed")
    assert studio.runner._outcome(rid, CampaignResult(RunResult([made]), out, None)) == ("done", "2 images")
