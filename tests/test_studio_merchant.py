"""The merchant's side of the studio (studio/merchant.py): a proof link, approval per platform or for the whole set,
and a link that opens only its own request until it expires."""

from __future__ import annotations

import re
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


def test_the_merchant_approves_a_platform_then_the_whole_set_at_once(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client)
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    store = client.app.state.store  # type: ignore[attr-defined]
    client.post(f"/requests/{rid}/share", data={"csrf": csrf(client.get(f"/requests/{rid}").text)})
    operator_page = client.get(f"/requests/{rid}").text
    assert re.search(r'valid until <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">[^<]+ UTC</time>', operator_page)
    assert '<a href="/requests">Requests</a> › double11' in operator_page
    link = f"/s/{store.links(rid)[0].token}"
    merchant = TestClient(client.app, base_url="http://127.0.0.1")
    page = merchant.get(link).text
    shots = re.findall(r'name="output" value="([^"]+)"', page)
    jd = [s for s in shots if s.startswith("jd/")]
    assert f"Approve all {len(shots)}</button>" in page
    assert f'value="JD">Approve all JD ({len(jd)})</button>' in page
    assert '<a href="#product-1">mug-01</a><a href="#product-2">bag-04</a>' in page  # the merchant's navigation
    done = merchant.post(f"{link}/approve-all", data={"csrf": csrf(page), "name": "Li Wei", "platform": "JD"})
    assert done.status_code == 200
    assert sorted(store.decisions(rid)) == sorted(jd)
    assert store.get(rid).state == "done"
    assert merchant.post(f"{link}/approve-all", data={"csrf": csrf(page), "name": ""}).status_code == 400
    merchant.post(f"{link}/approve-all", data={"csrf": csrf(page), "name": "Li Wei"})
    assert store.get(rid).state == "approved"
    assert len(store.decision_log(rid)) == len(shots)  # each image decided once
    page = merchant.get(link).text
    assert "Every image is approved." in page
    assert "The set was approved <time datetime=" in page
    assert "by Li Wei." in page


def test_links_show_only_their_own_request_and_expire(ws: Workspace) -> None:
    app = studio_app(ws, jobs=1)
    client = TestClient(app, base_url="http://127.0.0.1")
    status, url, _ = post_request(client)
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    store = app.state.store
    other = store.add("other", "OTHER", "", "studio/requests/none", "local")
    token = store.link(other, "local", 1)
    outsider = TestClient(app, base_url="http://127.0.0.1")
    assert outsider.get(f"/s/{token}/files/tmall/tmall.white_bg/mug-01.jpg").status_code == 404
    assert outsider.get(f"/s/{token}/files/../../{rid}/double11/jd/jd.main/mug-01.jpg").status_code == 404
    assert outsider.get("/s/not-a-token").status_code == 404
    expired = store.link(rid, "local", -1)
    assert "expired" in outsider.get(f"/s/{expired}").text
    assert client.get(f"/requests/{rid}/files/../../../../artpipe.yaml").status_code == 404
