"""What every studio page shares (studio/web.py): form tokens, the body limit, downloads named in any script."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

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


def test_forms_without_their_token_change_nothing(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    refused = client.post("/requests", data={"campaign": "x", "platforms": "tmall"})
    assert refused.status_code == 403
    assert "reload the page" in refused.text
    refused = client.post("/requests", data={"csrf": "forged", "campaign": "x"})
    assert refused.status_code == 403
    assert client.app.state.store.all() == []  # type: ignore[attr-defined]


def test_an_oversized_upload_is_refused_before_it_is_read(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    done = client.post("/requests", content=b"x", headers={"Content-Length": str(2**40),
                                                            "Content-Type": "multipart/form-data; boundary=b"})
    assert done.status_code == 413
    assert "larger than" in done.text


def test_a_campaign_named_in_chinese_downloads_under_its_name(ws: Workspace) -> None:
    client = TestClient(studio_app(ws, jobs=1), base_url="http://127.0.0.1")
    status, url, _ = post_request(client, campaign="双十一", platforms=[], presets=["jd.main"])
    assert status == 200, url
    rid = url.rsplit("/", 1)[1]
    assert wait(client, rid) == "done"
    utf8 = "%E5%8F%8C%E5%8D%81%E4%B8%80"  # 双十一, percent-encoded UTF-8

    def saved_as(answer: Any, suffix: str) -> None:
        assert answer.status_code == 200
        assert answer.headers["content-disposition"] == (
            f"attachment; filename=\"_-{suffix}\"; filename*=UTF-8''{utf8}-{suffix}")

    saved_as(single := client.get(f"/requests/{rid}/proof.html"), "proof.html")
    assert "双十一" in single.text
    saved_as(bundle := client.get(f"/requests/{rid}/proof.zip"), "proof.zip")
    assert "双十一/index.html" in zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    page = client.get(f"/requests/{rid}").text
    client.post(f"/requests/{rid}/share", data={"csrf": csrf(page)})
    link = re.search(r'href="(/s/[^"]+)"', client.get(f"/requests/{rid}").text)
    assert link
    merchant = TestClient(client.app, base_url="http://127.0.0.1")
    proof = merchant.get(link.group(1)).text
    for shot in re.findall(r'name="output" value="([^"]+)"', proof):
        merchant.post(f"{link.group(1)}/decide", data={"csrf": csrf(proof), "output": shot, "state": "approved",
                                                      "name": "李伟", "comment": ""})
    for answer in (client.get(f"/requests/{rid}/approved.zip"), merchant.get(f"{link.group(1)}/approved.zip")):
        saved_as(answer, "approved.zip")
        assert "双十一/jd/jd.main/mug-01.jpg" in zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
