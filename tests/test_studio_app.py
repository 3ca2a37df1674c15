"""The studio's app as created (studio/app.py): its state opened, and requests a stopped studio left unfinished
offered again."""

from __future__ import annotations

from pathlib import Path

import pytest
from studioclient import csrf, post_request, studio_workspace, wait

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient  # noqa: E402

from artpipe.config import Workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return studio_workspace(tmp_path)


@pytest.mark.slow
def test_a_request_cut_short_by_a_crash_is_offered_again(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client)
    assert status == 200
    rid = url.rsplit("/", 1)[1]
    wait(client, rid)
    client.app.state.runner.close()  # type: ignore[attr-defined]  # then kill -9: no heartbeat from it again
    client.app.state.store.update(rid, state="running", done=1, heartbeat=0)  # type: ignore[attr-defined]
    queued = client.app.state.store.add("later", "MAISON", "", "studio/requests/none", "")  # type: ignore[attr-defined]

    restarted = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    page = restarted.get(f"/requests/{rid}").text
    assert ("Rendering was interrupted: the studio stopped while it was rendering (1 of 2 products were done). "
            "The request and its photos are kept: render it again.") in page
    assert 'http-equiv="refresh"' not in page  # no page waiting for ever
    assert restarted.app.state.store.get(queued).state == "interrupted"  # type: ignore[attr-defined]
    again = restarted.post(f"/requests/{rid}/rerun", data={"csrf": csrf(page)}, follow_redirects=True)
    assert again.status_code == 200
    assert wait(restarted, rid) == "done"


def test_the_service_refusals_are_the_studios_error_pages(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    missing = client.get("/requests/no-such-id")
    assert missing.status_code == 404  # the service's NotFound
    assert "No such request." in missing.text
    assert "<html" in missing.text.lower()  # the studio's page, not a bare text
    link = client.get("/s/no-such-token")
    assert link.status_code == 404
    assert "This link has expired or does not exist; ask for a new one." in link.text
    rid = client.app.state.store.add("spring", "MAISON", "", "studio/requests/x", "local")  # type: ignore[attr-defined]
    token = client.app.state.store.link(rid, "local", 1)  # type: ignore[attr-defined]
    token_of_the_session = csrf(client.get("/requests/new").text)
    refused = client.post(f"/s/{token}/decide", data={"csrf": token_of_the_session, "name": "Li Wei", "output": "x.jpg",
                                                      "state": "maybe"})
    assert refused.status_code == 400  # the service's Refused
    assert "Write your name and choose approve or ask for changes" in refused.text
    assert client.get("/nowhere").status_code == 404


def test_a_new_studio_cleans_up_drafts_abandoned_long_ago(ws: Workspace) -> None:
    folder = ws.root / "studio" / "drafts" / "old"
    folder.mkdir(parents=True)
    (folder / "mug.jpg").write_bytes(b"x")
    app = studio_app(ws, jobs=1)
    did = app.state.store.add_draft("studio/drafts/old", "anna")
    app.state.runner.close()
    with app.state.store.write() as db:
        db.execute("UPDATE drafts SET touched_at = touched_at - 100 * 86400")  # untouched for 100 days
    app = studio_app(ws, jobs=1)  # started again: what was abandoned long ago goes
    assert app.state.store.draft_folder(did, "anna") is None
    assert not folder.exists()
    app.state.runner.close()
