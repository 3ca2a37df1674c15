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
from artpipe.studio.web import StudioConfig, attachment, loopback_name, renames_query, secret, when  # noqa: E402


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


@pytest.mark.parametrize(("name", "header"), [
    ("proof.html", "attachment; filename=\"proof.html\"; filename*=UTF-8''proof.html"),
    ("Café crème.zip", "attachment; filename=\"Cafe creme.zip\"; filename*=UTF-8''Caf%C3%A9%20cr%C3%A8me.zip"),
    ('a"b/c\\d.zip', "attachment; filename=\"a_b_c_d.zip\"; filename*=UTF-8''a%22b%2Fc%5Cd.zip"),
    ("双十一", "attachment; filename=\"_\"; filename*=UTF-8''%E5%8F%8C%E5%8D%81%E4%B8%80"),
    ("...", "attachment; filename=\"download\"; filename*=UTF-8''..."),
])
def test_a_download_keeps_its_name_in_any_script_with_a_safe_ascii_fallback(name: str, header: str) -> None:
    assert attachment(name) == {"Content-Disposition": header}


def test_a_time_is_shown_in_utc_for_the_page_script_to_localise() -> None:
    stamp = '<time datetime="2026-11-05T10:20:00Z">2026-11-05 10:20 UTC</time>'
    assert str(when(1793874000.0)) == stamp
    assert str(when("2026-11-05T18:20:00+08:00")) == stamp
    assert str(when("2026-11-05T10:20:00")) == stamp  # no zone: UTC


def test_renamed_photos_travel_in_the_query() -> None:
    assert renames_query([("mug.jpg", "mug-2.jpg"), ("a b.jpg", "a b-2.jpg")]) == \
        "?renamed=mug.jpg&as=mug-2.jpg&renamed=a+b.jpg&as=a+b-2.jpg"
    assert renames_query([]) == ""


def test_the_cookie_key_is_made_once_private_and_kept(ws: Workspace) -> None:
    key = secret(ws)
    path = ws.state / "studio-secret"
    assert path.stat().st_mode & 0o077 == 0
    assert len(key) >= 64
    assert secret(ws) == key


def test_a_studio_needs_users_when_other_machines_reach_it(ws: Workspace) -> None:
    assert not StudioConfig(ws).needs_users
    assert StudioConfig(ws, public=True).needs_users
    assert StudioConfig(ws, public_url="https://studio.example.com").needs_users
    assert StudioConfig(ws, public_url="https://studio.example.com").origin == "https://studio.example.com"
    assert [loopback_name(h) for h in ("127.0.0.1", "::1", "localhost", "studio.example.com")] == [
        True, True, True, False]
