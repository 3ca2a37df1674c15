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
