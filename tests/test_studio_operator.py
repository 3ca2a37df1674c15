"""The operators' side of the studio through its own test client (studio/operator.py): a request from the form with
uploaded photos, the proof, a merchant link, approval per image and the approved set; and every way in that must
stay shut."""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from studioclient import SAMPLES, csrf, post_request, studio_workspace, wait

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from artpipe.api import add_studio_user, load_workspace, studio_users  # noqa: E402
from artpipe.cli.commands import main  # noqa: E402
from artpipe.config import Workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return studio_workspace(tmp_path)


@pytest.mark.slow
def test_an_operator_requests_a_set_and_the_merchant_approves_it(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client)
    assert status == 200, url
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    page = client.get(f"/requests/{rid}").text
    assert "Tmall white-background image (白底图), 800x800" in page
    assert "Passes every Tmall rule." in page
    assert page.count("Shop sign") == 1  # the shop sign once, not per product
    assert "tmall.white_bg" not in page.replace("tmall/tmall.white_bg", "")  # ids only inside file links
    request_yaml = client.get(f"/requests/{rid}/request.yaml").text
    assert "campaign: double11" in request_yaml
    assert "platforms:\n- tmall\n- jd" in request_yaml

    client.post(f"/requests/{rid}/share", data={"csrf": csrf(page)})
    shown = client.get(f"/requests/{rid}").text
    link = re.search(r'href="(/s/[^"]+)"', shown)
    assert link
    assert "This address opens only on this machine" in shown  # without a public URL, links are local
    merchant = TestClient(client.app, base_url="http://127.0.0.1")  # no operator session
    proof = merchant.get(link.group(1)).text
    shots = re.findall(r'name="output" value="([^"]+)"', proof)
    assert len(shots) >= 6
    token = csrf(proof)
    first = merchant.post(f"{link.group(1)}/decide", data={"csrf": token, "output": shots[0], "state": "changes",
                                                          "name": "Li Wei", "comment": "bigger price please"})
    assert first.status_code == 200
    assert "bigger price please" in client.get(f"/requests/{rid}").text
    for shot in shots:
        merchant.post(f"{link.group(1)}/decide", data={"csrf": token, "output": shot, "state": "approved",
                                                      "name": "Li Wei", "comment": ""})
    assert client.app.state.store.get(rid).state == "approved"  # type: ignore[attr-defined]
    root = ws.outbox / "studio" / rid / "double11"
    record = json.loads((root / "approved.json").read_text(encoding="utf-8"))
    assert record["approved_by"] == "Li Wei"
    archive = zipfile.ZipFile(io.BytesIO(merchant.get(f"{link.group(1)}/approved.zip").content))
    names = archive.namelist()
    assert "double11/tmall/tmall.white_bg/mug-01.jpg" in names
    assert "double11/jd/jd.main/bag-04.jpg" in names
    assert archive.read("double11/jd/jd.main/bag-04.jpg")[:3] == b"\xff\xd8\xff"

    # the operator changes a headline: the proof shows what changed since approval, to be approved again
    edit = client.get(f"/requests/{rid}/edit").text
    assert 'value="双11 北欧陶瓷马克杯"' in edit
    fields = dict(re.findall(r'name="(rows-\d-\w+)" value="([^"]*)"', edit))
    fields.update({"csrf": csrf(edit), "campaign": "double11", "merchant": "MAISON", "deadline": "11-05 18:00",
                   "brand": "maison.yaml", "rows-0-headline": "双11 限时 北欧马克杯"})
    changed = client.post(f"/requests/{rid}/edit", data={**fields, "platforms": ["tmall", "jd"]},
                          follow_redirects=True)
    assert changed.status_code == 200
    assert wait(client, rid) == "done"  # approved no more: something changed
    page = client.get(f"/requests/{rid}").text
    assert "changed since approval" in page
    diff = re.search(r'href="(/requests/[^"]+/files/changes/[^"]+\.png)"', page)
    assert diff
    assert client.get(diff.group(1)).content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "bag-04" in page
    only = client.get(f"/requests/{rid}?changed=1").text  # what to send again, and nothing else
    assert only.count('class="shot"') == 2
    assert "show every image" in only


@pytest.mark.slow
def test_changes_asked_after_approval_reopen_the_set_and_links_can_be_revoked(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client, platforms=["jd"])
    assert status == 200
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    store = client.app.state.store  # type: ignore[attr-defined]
    client.post(f"/requests/{rid}/share", data={"csrf": csrf(client.get(f"/requests/{rid}").text)})
    link = f"/s/{store.links(rid)[0].token}"
    merchant = TestClient(client.app, base_url="http://127.0.0.1")
    proof = merchant.get(link).text
    shots, token = re.findall(r'name="output" value="([^"]+)"', proof), csrf(proof)

    def decide(shot: str, state: str) -> None:
        done = merchant.post(f"{link}/decide", data={"csrf": token, "output": shot, "state": state,
                                                     "name": "Li Wei", "comment": "smaller logo"})
        assert done.status_code == 200

    for shot in shots:
        decide(shot, "approved")
    assert store.get(rid).state == "approved"
    assert merchant.get(f"{link}/approved.zip").status_code == 200

    decide(shots[0], "changes")  # after approval: the set is approved no more
    assert store.get(rid).state == "reopened"
    assert merchant.get(f"{link}/approved.zip").status_code == 404
    assert client.get(f"/requests/{rid}/approved.zip").status_code == 404
    page = client.get(f"/requests/{rid}").text
    assert "Changes were asked for after the set was approved: it is approved no more" in page
    assert "Download the approved set" not in page
    client.post(f"/requests/{rid}/rerun", data={"csrf": csrf(page)})
    assert wait(client, rid) == "done"  # nothing changed, yet not approved again behind the merchant's back

    decide(shots[0], "approved")  # approved again
    assert store.get(rid).state == "approved"
    assert merchant.get(f"{link}/approved.zip").status_code == 200

    page = client.get(f"/requests/{rid}").text
    revoke = re.search(r'action="(/requests/[^"]+/revoke)"', page)
    assert revoke
    assert client.post(revoke.group(1), data={"csrf": csrf(page)}).status_code == 200
    assert merchant.get(link).status_code == 404
    assert merchant.post(f"{link}/decide", data={"csrf": token, "output": shots[0], "state": "changes",
                                                 "name": "x"}).status_code == 404
    assert store.get(rid).state == "approved"


def test_mistakes_are_shown_beside_their_fields(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/requests/new").text)
    files = [("photos", ("evil.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"))]
    done = client.post("/requests", data={"csrf": token, "campaign": "", "rows-0-sku": "a", "rows-0-photo": "nope.jpg"},
                       files=files)
    assert done.status_code == 400
    page = done.text
    assert "name the campaign" in page
    assert "choose at least one platform" in page
    assert "evil.jpg: " in page
    assert "no uploaded photo &#39;nope.jpg&#39;" in page
    assert not list((ws.root / "studio" / "requests").rglob("evil.jpg"))  # a hostile upload is not kept
    forged = client.post("/requests", data={"csrf": token, "campaign": "x", "platforms": "jd",
                                            "brand": "../../../../etc/passwd", "tpl-0-slot": "jd.main",
                                            "tpl-0-template": "../../../artpipe.yaml"})
    assert forged.status_code == 400
    assert "no brand kit &#39;../../../../etc/passwd&#39;" in forged.text
    assert "jd.main: no template &#39;../../../artpipe.yaml&#39;" in forged.text
    assert client.app.state.store.all() == []  # type: ignore[attr-defined]


def test_a_photo_a_decoder_chokes_on_is_a_form_error(ws: Workspace) -> None:
    from hostile import heic_claiming_1x1

    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/requests/new").text)
    done = client.post("/requests", data={"csrf": token, "campaign": "x", "platforms": "jd", "rows-0-sku": "a",
                                          "rows-0-photo": "lying.heic"},
                       files=[("photos", ("lying.heic", heic_claiming_1x1(), "image/heic"))])
    assert done.status_code == 400
    assert "lying.heic: the decoder refused it as too large for its safety limits" in done.text
    assert client.app.state.store.all() == []  # type: ignore[attr-defined]


def test_two_photos_of_the_same_name_are_both_kept(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/requests/new").text)
    mug, bag = ((SAMPLES / "photos" / n).read_bytes() for n in ("mug-sideways.jpg", "bag-cutout.png"))
    files = [("photos", ("mug.jpg", mug, "image/jpeg")), ("photos", ("mug.jpg", bag, "image/png"))]
    done = client.post("/requests", data={"csrf": token, "campaign": "x", "presets": "jd.main",
                                          "rows-0-sku": "a", "rows-0-photo": "mug.jpg",
                                          "rows-1-sku": "b", "rows-1-photo": "mug-2.jpg"}, files=files)
    assert done.status_code == 200, done.text
    assert ("Two photos were named mug.jpg: the second is kept as mug-2.jpg (name it so in a row&#39;s photo)"
            in done.text)
    folder = next((ws.root / "studio" / "requests").iterdir()) / "photos"
    assert (folder / "mug.jpg").read_bytes() == mug
    assert (folder / "mug-2.jpg").read_bytes() == bag
    rid = str(done.url).split("?")[0].rsplit("/", 1)[1]
    assert "product: photos/mug-2.jpg" in client.get(f"/requests/{rid}/request.yaml").text
    wait(client, rid)
    forged = client.get(f"/requests/{rid}?renamed=mug.jpg&as=call+us+now").text
    assert "call us now" not in forged  # only a real renaming is shown


def test_a_refused_form_leaves_nothing_behind(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, _, page = post_request(client, **{"rows-1-photo": "missing.png"})  # both photos saved, then refused
    assert status == 400
    assert "no uploaded photo &#39;missing.png&#39;" in page
    requests = ws.root / "studio" / "requests"
    assert not requests.exists() or list(requests.iterdir()) == []
    assert client.app.state.store.all() == []  # type: ignore[attr-defined]


def test_a_refused_form_keeps_its_photos_until_it_is_sent(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, _, page = post_request(client, **{"rows-1-photo": "bag.png"})  # a typo in a row: refused
    assert status == 400
    assert "Kept from your last try, and sent with this form: mug-sideways.jpg, bag-cutout.png" in page
    draft = re.search(r'name="draft" value="([^"]+)"', page)
    assert draft
    kept = [p for p in (ws.root / "studio" / "drafts").rglob("*") if p.is_file()]
    assert sorted(p.name for p in kept) == ["bag-cutout.png", "mug-sideways.jpg"]
    fixed = {"csrf": csrf(page), "draft": draft.group(1), "campaign": "double11", "platforms": ["jd"],
             "rows-0-sku": "mug-01", "rows-0-photo": "mug-sideways.jpg", "rows-1-sku": "bag-04",
             "rows-1-photo": "bag-cutout.png"}
    sent = client.post("/requests", data=fixed, follow_redirects=True)  # no photo uploaded again
    assert sent.status_code == 200, sent.text
    folder = ws.root / client.app.state.store.all()[0].folder  # type: ignore[attr-defined]
    assert sorted(p.name for p in (folder / "photos").iterdir()) == ["bag-cutout.png", "mug-sideways.jpg"]
    assert (folder / "photos" / "bag-cutout.png").read_bytes() == (SAMPLES / "photos" / "bag-cutout.png").read_bytes()
    assert not any(p.is_file() for p in (ws.root / "studio" / "drafts").rglob("*"))  # sent: the draft is gone
    again = client.post("/requests", data={**fixed, "campaign": ""})  # the draft cannot be used twice
    assert "Kept from your last try" not in again.text


@pytest.mark.slow
def test_a_refused_edit_puts_the_request_back_as_it_was(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client)
    assert status == 200
    rid = url.rsplit("/", 1)[1]
    wait(client, rid)
    folder = next((ws.root / "studio" / "requests").iterdir())
    before = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    edit = client.get(f"/requests/{rid}/edit").text
    fields = dict(re.findall(r'name="(rows-\d-\w+)" value="([^"]*)"', edit))
    fields.update({"csrf": csrf(edit), "campaign": "double11", "rows-1-photo": "missing.png"})
    photos = [("photos", (n, (SAMPLES / "photos" / m).read_bytes(), "image/jpeg"))
              for n, m in (("mug-sideways.jpg", "bottle-grey.jpg"), ("new.jpg", "mug-sideways.jpg"))]
    refused = client.post(f"/requests/{rid}/edit", data={**fields, "platforms": ["tmall"]}, files=photos)
    assert refused.status_code == 400
    after = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before  # the replaced photo is back, the new one gone, request.yaml unchanged


def test_hostile_strings_reach_the_database_as_data(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    client = TestClient(studio_app(ws, public=True, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/login").text)
    for name in ("anna' --", "' OR '1'='1", "anna\x00", "anna'); DROP TABLE users; --"):
        assert client.post("/login", data={"csrf": token, "name": name, "password": "x' OR '1'='1"}).status_code == 401
    assert sorted(studio_users(ws)) == ["anna"]
    for path in ("/s/' OR 1=1 --", "/s/%27%20OR%20%271%27%3D%271", "/s/x' UNION SELECT id FROM requests --/files/a"):
        assert client.get(path).status_code == 404
    client.post("/login", data={"csrf": token, "name": "anna", "password": "correct horse battery"})
    page = client.post("/requests", data={"csrf": csrf(client.get("/requests/new").text), "campaign": "",
                                          "draft": "' OR 1=1 --"}).text
    assert "Kept from your last try" not in page  # a made-up draft opens nobody's photos
    assert client.get("/requests/' OR 1=1 --", follow_redirects=False).status_code == 404


def test_a_public_studio_needs_a_sign_in(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    client = TestClient(studio_app(ws, public=True, jobs=1), base_url="http://127.0.0.1")
    assert client.get("/requests", follow_redirects=False).headers["location"] == "/login"
    token = csrf(client.get("/login").text)
    wrong = client.post("/login", data={"csrf": token, "name": "anna", "password": "wrong"})
    assert wrong.status_code == 401
    assert "Wrong name or password" in wrong.text
    assert client.get("/requests", follow_redirects=False).status_code == 303
    right = client.post("/login", data={"csrf": token, "name": "anna", "password": "correct horse battery"})
    assert right.status_code == 200
    assert "anna" in client.get("/requests").text
    stored = b"".join(p.read_bytes() for p in ws.state.glob("studio.db*"))  # the database and its WAL
    assert b"correct horse" not in stored
    assert studio_users(ws)["anna"].startswith("scrypt$")


def test_merchant_links_use_the_public_url_and_it_needs_a_sign_in(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    app = studio_app(ws, jobs=1, public_url="https://studio.example.com", port=8750)
    client = TestClient(app, base_url="https://studio.example.com")
    assert client.get("http://127.0.0.1:8750/requests", follow_redirects=False).headers["location"] == "/login"
    assert client.get("https://elsewhere.example/login").status_code == 400
    token = csrf(client.get("/login").text)
    signed = client.post("/login", data={"csrf": token, "name": "anna", "password": "correct horse battery"},
                         follow_redirects=False)
    assert "secure" in signed.headers["set-cookie"].lower()  # the session cookie never travels in clear
    status, url, _ = post_request(client, platforms=[], presets=["jd.main"])
    assert status == 200, url
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    shared = client.post(f"/requests/{rid}/share", data={"csrf": csrf(client.get(f"/requests/{rid}").text)})
    assert shared.status_code == 200
    page = client.get(f"/requests/{rid}").text
    link = re.search(r'>(https://studio.example.com/s/[\w-]+)</a>', page)
    assert link, "no merchant link built from the public URL"
    assert "127.0.0.1" not in page
    assert "opens only on this machine" not in page
    assert client.get(link.group(1)).status_code == 200


def test_wrong_sign_ins_do_not_hold_up_the_studio(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    with TestClient(studio_app(ws, public=True, jobs=1), base_url="http://127.0.0.1") as client:  # one event loop
        held_up = timed_beside_wrong_sign_ins(client)
    assert held_up < 1.0  # answered beside them, not after them (8 x 0.5 s on the loop)


def timed_beside_wrong_sign_ins(client: TestClient) -> float:
    """How long a page takes while 8 wrong sign-ins are answered on the same event loop."""
    token = csrf(client.get("/login").text)
    guesses = [threading.Thread(target=client.post, args=("/login",),
                                kwargs={"data": {"csrf": token, "name": f"n{i}", "password": "wrong"}})
               for i in range(8)]
    for guess in guesses:
        guess.start()
    time.sleep(0.2)  # the guesses are being checked (each then waits half a second before its answer)
    started = time.monotonic()
    assert client.get("/login").status_code == 200
    took = time.monotonic() - started
    for guess in guesses:
        guess.join()
    return took


def test_sign_ins_are_limited_per_name_and_per_address(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    add_studio_user(ws, "bob", "another long password")
    with TestClient(studio_app(ws, public=True, jobs=1), base_url="http://127.0.0.1") as client:
        limited(client)


def limited(client: TestClient) -> None:
    """Ten guesses at once for anna, the right password, bob's sign-in, then guesses up to the address's limit."""
    token = csrf(client.get("/login").text)
    answers: list[int] = []

    def guess(name: str) -> None:
        answers.append(client.post("/login", data={"csrf": token, "name": name, "password": "wrong"}).status_code)

    guesses = [threading.Thread(target=guess, args=("anna",)) for _ in range(10)]  # at once: no race past the limit
    for thread in guesses:
        thread.start()
    for thread in guesses:
        thread.join()
    assert sorted(answers) == [401] * 5 + [429] * 5
    right = client.post("/login", data={"csrf": token, "name": "anna", "password": "correct horse battery"})
    assert right.status_code == 429  # the right password too, until the name's window has passed
    assert "Too many sign-in attempts; try again in 15 min." in right.text
    assert client.get("/requests", follow_redirects=False).status_code == 303
    signed = client.post("/login", data={"csrf": token, "name": "bob", "password": "another long password"},
                         follow_redirects=False)
    assert signed.status_code == 303  # another name from the same address still may (12 of 20 attempts)
    client.post("/logout", data={"csrf": csrf(client.get("/requests").text)})
    token = csrf(client.get("/login").text)
    answers.clear()
    for i in range(8):
        guess(f"name{i}")
    assert answers == [401] * 8  # attempts 13 to 20 from this address
    blocked = client.post("/login", data={"csrf": token, "name": "bob", "password": "another long password"})
    assert blocked.status_code == 429


def test_a_cookie_stops_working_when_its_session_ends_or_its_user_is_removed(ws: Workspace) -> None:
    add_studio_user(ws, "anna", "correct horse battery")
    add_studio_user(ws, "bob", "another long password")
    app = studio_app(ws, public=True, jobs=1)

    def signed_in(name: str, password: str) -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1")
        client.post("/login", data={"csrf": csrf(client.get("/login").text), "name": name, "password": password})
        assert client.get("/requests", follow_redirects=False).status_code == 200
        return client

    anna = signed_in("anna", "correct horse battery")
    kept = dict(anna.cookies)
    anna.post("/logout", data={"csrf": csrf(anna.get("/requests").text)})
    replay = TestClient(app, base_url="http://127.0.0.1", cookies=kept)  # the cookie as it was before sign-out
    assert replay.get("/requests", follow_redirects=False).headers["location"] == "/login"
    bob = signed_in("bob", "another long password")
    removed = CliRunner().invoke(main, ["users", "remove", "bob", "--config", str(ws.root)])
    assert removed.exit_code == 0, removed.output
    assert "bob" not in studio_users(ws)
    again = CliRunner().invoke(main, ["users", "remove", "bob", "--config", str(ws.root)])
    assert again.exit_code == 2
    assert f"error: {ws.root} has no studio user bob (see: artpipe users list)" in again.output
    assert CliRunner().invoke(main, ["users", "list", "--config", str(ws.root)]).output == "anna\n"
    assert bob.get("/requests", follow_redirects=False).headers["location"] == "/login"
    assert signed_in("anna", "correct horse battery").get("/requests").status_code == 200  # others carry on


def test_the_inbox_dashboard_lists_failures_and_retries_them(ws: Workspace) -> None:
    config = ws.root / "artpipe.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds: 1.5", "settle_seconds: 0.1")
                      .replace("incomplete_seconds: 300", "incomplete_seconds: 0.5")
                      .replace("sidecar_wait_seconds: 3", "sidecar_wait_seconds: 0"), encoding="utf-8")
    ws = load_workspace(ws.root)
    (ws.inbox / "acme").mkdir()
    (ws.inbox / "acme" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    (ws.inbox / "acme" / "new.jpg").write_bytes((SAMPLES / "photos" / "mug-sideways.jpg").read_bytes())
    from artpipe.api import Watcher
    Watcher(ws, log=lambda _: None).run(once=True)
    (ws.inbox / "acme" / "late.jpg").write_bytes(b"\xff\xd8")
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    page = client.get("/inbox").text
    assert "finished in the last hour: 2, in the last day: 2" in page
    assert "acme/broken.jpg" in page
    assert "acme/late.jpg" in page
    assert f"(start it with <code>artpipe watch --config {ws.root}</code>)" in page  # from any folder
    assert (ws.failed / "acme" / "broken.jpg").is_file()
    client.post("/inbox/retry", data={"csrf": csrf(page), "file": "acme/broken.jpg"})
    assert (ws.inbox / "acme" / "broken.jpg").is_file()
    assert not (ws.failed / "acme" / "broken.jpg").exists()


def test_products_can_come_from_a_spreadsheet(ws: Workspace) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "photo", "headline", "price", "title"])
    sheet.append(["mug-01", "mug-sideways.jpg", "双11 马克杯", "¥29.90", "北欧马克杯"])
    sheet.append(["mug-02", "mug-sideways", "双11 第二件半价", "¥19.90", "北欧马克杯"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/requests/new").text)
    done = client.post("/requests", data={"csrf": token, "campaign": "sheet", "platforms": ["jd"]},
                       files=[("photos", ("mug-sideways.jpg", (SAMPLES / "photos" / "mug-sideways.jpg").read_bytes(),
                                          "image/jpeg")),
                              ("sheet", ("products.xlsx", buffer.getvalue(), "application/octet-stream"))],
                       follow_redirects=True)
    assert done.status_code == 200, done.text
    rid = str(done.url).rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    request_yaml = client.get(f"/requests/{rid}/request.yaml").text
    assert "sku: mug-02" in request_yaml
    assert "product: photos/mug-sideways.jpg" in request_yaml
    assert (ws.outbox / "studio" / rid / "sheet" / "jd" / "jd.main" / "mug-02.jpg").is_file()


@pytest.mark.parametrize(("name", "kind"), [("products.xlsx", "not a zip"), ("products.xlsx", "a row numbered 1048576"),
                                          ("products.xlsx", "billion laughs"), ("products.csv", "a long field")])
def test_a_hostile_sheet_is_a_field_error(ws: Workspace, name: str, kind: str) -> None:
    from test_studio_sheets import HOSTILE

    if kind == "a long field":
        data, message = b"sku,headline\nmug," + b"x" * (2**17 + 1) + b"\n", "line 2 has a cell over 128 KB; shorten it"
    else:
        make, message = HOSTILE[kind]
        data = make()
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    token = csrf(client.get("/requests/new").text)
    done = client.post("/requests", data={"csrf": token, "campaign": "sheet", "platforms": ["jd"]},
                       files=[("sheet", (name, data, "application/octet-stream"))])
    assert done.status_code == 400
    assert f"{name}: {message}".replace("'", "&#39;") in done.text
    assert client.app.state.store.all() == []  # type: ignore[attr-defined]


def test_the_proof_goes_out_as_one_file_or_a_zip(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    _, url, _ = post_request(client)
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    single = client.get(f"/requests/{rid}/proof.html")
    assert single.status_code == 200
    assert "attachment" in single.headers["content-disposition"]
    sources = re.findall(r'<img src="([^"]+)"', single.text)
    assert len(sources) == 11
    assert all(src.startswith("data:image/jpeg;base64,") for src in sources)  # nothing to fetch: one file
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/requests/{rid}/proof.zip").content))
    index = bundle.read("double11/index.html").decode("utf-8")
    linked = re.findall(r'<img src="([^"]+)"', index)
    assert len(linked) == 11
    assert all(f"double11/{src}" in bundle.namelist() for src in linked)  # every link resolves inside the zip
    assert "Tmall white-background image (白底图), 800x800" in index


def test_a_request_file_fills_the_form_and_workspace_photos_can_be_picked(ws: Workspace) -> None:
    (ws.archive / "acme").mkdir(parents=True)
    shutil.copy(SAMPLES / "photos" / "mug-sideways.jpg", ws.archive / "acme" / "mug-sideways.jpg")
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    blank = client.get("/requests/new").text
    assert '<option value="archive/acme/mug-sideways.jpg">' in blank
    filled = client.post("/requests", data={"csrf": csrf(blank), "action": "load"},
                         files=[("request_yaml", ("double11.yaml",
                                                  (SAMPLES / "requests" / "double11.yaml").read_bytes(), "text/yaml"))])
    assert filled.status_code == 200
    assert 'value="double11"' in filled.text
    assert 'value="mug-sideways.jpg"' in filled.text  # photos by file name: upload or pick them
    assert 'value="tmall" checked' in filled.text
    tagged = client.post("/requests", data={"csrf": csrf(blank), "action": "load"},
                         files=[("request_yaml", ("x.yaml", b"campaign: !!python/object/apply:os.system [id]\n",
                                                  "text/yaml"))])
    assert tagged.status_code == 200  # a tag is only text here: nothing runs
    assert 'value="id"' not in tagged.text
    listed = client.post("/requests", data={"csrf": csrf(blank), "action": "load"},
                         files=[("request_yaml", ("x.yaml", b"- a\n- b\n", "text/yaml"))])
    assert listed.status_code == 400
    assert "a request must be a mapping of keys" in listed.text
    done = client.post("/requests", data={"csrf": csrf(blank), "campaign": "picked", "platforms": "jd",
                                          "workspace_photos": ["archive/acme/mug-sideways.jpg", "../../etc/passwd",
                                                               "artpipe.yaml"],
                                          "rows-0-sku": "mug", "rows-0-photo": "mug-sideways.jpg"},
                       follow_redirects=True)
    assert done.status_code == 200, done.text
    rid = str(done.url).rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    folder = ws.root / client.app.state.store.get(rid).folder  # type: ignore[attr-defined]
    assert sorted(p.name for p in (folder / "photos").iterdir()) == ["mug-sideways.jpg"]  # only the archive's
    assert (ws.archive / "acme" / "mug-sideways.jpg").is_file()  # picked, never moved


def test_slots_can_take_another_template_and_failed_products_say_why(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client, **{"platforms": ["jd"], "tpl-0-slot": "jd.main",
                                             "tpl-0-template": "product-edge",
                                             "rows-1-headline": "很长的标题" * 60})
    assert status == 200, url
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    assert "templates:\n  jd.main: product-edge" in client.get(f"/requests/{rid}/request.yaml").text
    page = client.get(f"/requests/{rid}").text
    assert "Passes every JD rule." in page  # product-edge fills JD's frame edge to edge
    assert client.get(f"/requests/{rid}/edit").text.count('<option value="product-edge" selected>') == 1


@pytest.mark.slow
def test_a_product_that_cannot_be_made_is_listed_with_what_to_do(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    _, url, _ = post_request(client, **{"platforms": ["tmall"], "rows-1-headline": "很长的标题" * 60})
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    page = client.get(f"/requests/{rid}").text
    assert "Products that could not be made" in page
    assert re.search(r"<li>bag-04: .*does not fit.*shorten the text", page)
    assert "1 product failed" in page


def test_single_slots_can_be_asked_for_instead_of_whole_platforms(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client, platforms=[], presets=["tmall.white_bg", "jd.main"])
    assert status == 200, url
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    request_yaml = client.get(f"/requests/{rid}/request.yaml").text
    assert "presets:\n- tmall.white_bg\n- jd.main" in request_yaml
    assert "platforms" not in request_yaml
    assert client.get(f"/requests/{rid}").text.count('class="shot"') == 4  # two slots, two products
