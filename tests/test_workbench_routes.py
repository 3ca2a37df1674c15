"""The Templates page through the studio's own test client: the page, checks and saves as JSON, a PSD imported,
and the same doors as the rest of the studio (form tokens, Host, sign-in, upload and YAML limits)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from artpipe.api import add_studio_user, init_workspace, load_workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402
from artpipe.template.find import bundled_templates  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BANNER = bundled_templates()["promo-banner"].read_text(encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "studio"
    init_workspace(root)
    return root


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(studio_app(load_workspace(root)), base_url="http://127.0.0.1")


def token(client: TestClient, key: str = "bundled:promo-banner") -> str:
    page = client.get(f"/templates?t={key}")
    assert page.status_code == 200
    found = re.search(r'data-csrf="([^"]+)"', page.text) or re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def post(client: TestClient, url: str, csrf: str, **fields: str) -> Any:
    fields.setdefault("t", "bundled:promo-banner")
    return client.post(url, files={k: (None, v) for k, v in {"csrf": csrf, **fields}.items()})


def test_the_page_lists_templates_and_renders_every_size(client: TestClient) -> None:
    csrf = token(client)
    page = client.get("/templates?t=bundled:promo-banner").text
    assert '<a href="/templates">Templates</a>' in page
    assert "promo-banner (bundled)" in page
    assert "# a card in the photo" in page
    answer = post(client, "/templates/check", csrf, text=BANNER, product="tall", fields="arabic")
    assert answer.status_code == 200
    data = answer.json()
    assert data["problems"] == []
    assert [s["name"] for s in data["sizes"]] == ["wide", "mobile", "square"]
    assert data["sizes"][1]["png"].startswith("data:image/png;base64,")
    assert {lay["name"] for lay in data["sizes"][0]["layers"]} >= {"headline", "product", "price"}


def test_problems_come_back_with_their_lines(client: TestClient) -> None:
    csrf = token(client)
    data = post(client, "/templates/check", csrf, text=BANNER.replace("fit: contain", "fit: contian", 1)).json()
    assert [(p["line"], p["col"], p["where"]) for p in data["problems"]] == [(32, 10, "layers[1] (product).fit")]
    assert data["sizes"] == []


def test_save_copies_a_bundled_template_then_writes_the_copy(client: TestClient, root: Path) -> None:
    csrf = token(client)
    data = post(client, "/templates/save", csrf, text=BANNER, name="spring").json()
    assert data["saved"] == "ws:spring"
    assert data["message"] == "Saved templates/spring/template.yaml."
    saved = root / "templates" / "spring" / "template.yaml"
    assert saved.read_text(encoding="utf-8") == BANNER
    bad = post(client, "/templates/save", csrf, t="ws:spring", text=BANNER.replace("max_lines: 2", "max_lines: x"))
    assert bad.json()["saved"] == ""
    assert bad.json()["message"].startswith("Not saved: 2 problem(s)")
    assert saved.read_text(encoding="utf-8") == BANNER  # a text that does not load is not written
    moved = post(client, "/templates/box", csrf, t="ws:spring", text=BANNER, size="wide", layer="logo",
                 x="100", y="30", w="200", h="40").json()["text"]
    assert "    logo: {box: {left: 5.21%, top: 5%, width: 10.42%, height: 6.67%}}" in moved
    assert post(client, "/templates/save", csrf, t="ws:spring", text=moved).json()["saved"] == "ws:spring"
    assert saved.read_text(encoding="utf-8") == moved
    for name in ("../escape", "-x", "a/b"):
        refused = post(client, "/templates/save", csrf, text=BANNER, name=name).json()
        assert refused["saved"] == ""
        assert "Not saved" in refused["message"]
    assert sorted(p.name for p in (root / "templates").iterdir()) == ["spring"]
    assert bundled_templates()["promo-banner"].read_text(encoding="utf-8") == BANNER


def test_forms_need_the_token_and_a_known_template(client: TestClient) -> None:
    csrf = token(client)
    refused = post(client, "/templates/save", "forged", text=BANNER, name="x")
    assert refused.status_code == 403
    assert "expired or came from another site" in refused.json()["problems"][0]["what"]
    missing = post(client, "/templates/check", csrf, t="bundled:../../etc", text=BANNER)
    assert missing.status_code == 404
    assert client.get("/templates?t=ws:nope").status_code == 404


def test_hostile_yaml_is_refused_quickly(client: TestClient) -> None:
    csrf = token(client)
    started = time.monotonic()
    huge = post(client, "/templates/check", csrf, text="a: " + "x" * (50 * 2**20))
    assert huge.status_code == 413
    assert "larger than 1024 KB" in huge.json()["problems"][0]["what"]
    laughs = "a: &a [lol, lol]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    data = post(client, "/templates/check", csrf, text=laughs).json()
    assert data["problems"][0]["what"] == "YAML anchors and aliases (&name, *name) are not allowed"
    deep = post(client, "/templates/check", csrf, text="[" * 5000).json()
    assert "nesting is too deep" in deep["problems"][0]["what"]
    assert time.monotonic() - started < 20


def test_the_host_and_sign_in_are_checked(root: Path) -> None:
    foreign = TestClient(studio_app(load_workspace(root)), base_url="http://evil.example")
    assert foreign.get("/templates").status_code == 400
    add_studio_user(load_workspace(root), "anna", "a long enough password")
    client = TestClient(studio_app(load_workspace(root)), base_url="http://127.0.0.1")
    answer = client.get("/templates", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert client.post("/templates/check", files={"csrf": (None, "x")}, follow_redirects=False).status_code == 303


def test_a_psd_is_imported_from_the_page(client: TestClient, root: Path) -> None:
    csrf = token(client)
    psd = (SAMPLES / "psd" / "spring-banner.psd").read_bytes()
    answer = client.post("/templates/import", data={"csrf": csrf, "name": ""},
                         files={"psd": ("Spring Banner.psd", psd, "image/vnd.adobe.photoshop")})
    assert answer.status_code == 200
    assert str(answer.url).endswith("/templates?t=ws%3Aspring-banner")
    assert "Imported Spring Banner.psd as templates/spring-banner (" in answer.text
    imported = (root / "templates" / "spring-banner" / "template.yaml").read_text(encoding="utf-8")
    assert "\nname: spring-banner\n" in imported
    again = client.post("/templates/import", data={"csrf": csrf, "name": "spring-banner"},
                        files={"psd": ("x.psd", psd, "application/octet-stream")})
    assert "the workspace has a template &#39;spring-banner&#39; already" in again.text
    broken = client.post("/templates/import", data={"csrf": csrf, "name": "broken"},
                         files={"psd": ("broken.psd", psd[:5000], "application/octet-stream")})
    assert "broken.psd: truncated: the file is cut short" in broken.text
    assert not (root / "templates" / "broken").exists()
    escape = client.post("/templates/import", data={"csrf": csrf, "name": "../../x"},
                         files={"psd": ("x.psd", psd, "application/octet-stream")})
    assert "cannot name a template" in escape.text
    assert sorted(p.name for p in (root / "templates").iterdir()) == ["spring-banner"]
    assert not list((root / ".artpipe").rglob("*.psd")) if (root / ".artpipe").exists() else True


def test_a_template_is_tried_on_products_without_writing_yaml(client: TestClient, root: Path) -> None:
    csrf = token(client)
    photos = [("photos", (name, (SAMPLES / "photos" / name).read_bytes(), "image/jpeg"))
              for name in ("mug-sideways.jpg", "bottle-grey.jpg")]
    sheet = ("sku,photo,headline,price\nmug-1,mug-sideways.jpg,北欧陶瓷马克杯,¥39\n"
             "bottle-1,bottle-grey.jpg,Green tea,¥9\nmug-2,mug-sideways.jpg,第二个杯子,¥59\n")
    answer = client.post("/templates/try", data={"csrf": csrf, "t": "bundled:promo-banner"},
                         files=[*photos, ("sheet", ("products.csv", sheet.encode(), "text/csv"))])
    assert answer.status_code == 200
    assert "Rendered 9 images from 3 of 3 products in" in answer.text
    run = re.search(r"/templates/runs/([^/\"]+)/files/report.json", answer.text)
    assert run
    out = root / "studio" / "template-runs" / run.group(1) / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == [
        f"{sku}/{size}.jpg" for sku in ("bottle-1", "mug-1", "mug-2") for size in ("mobile", "square", "wide")]
    image = client.get(f"/templates/runs/{run.group(1)}/files/mug-2/wide.jpg")
    assert image.status_code == 200
    assert image.content[:3] == b"\xff\xd8\xff"
    assert client.get(f"/templates/runs/{run.group(1)}/files/../job.yaml").status_code == 404
    assert client.get("/templates/runs/..%2F..%2Fx").status_code == 404
    missing = client.post("/templates/try", data={"csrf": csrf, "t": "bundled:promo-banner"},
                          files=[photos[0], ("sheet", ("p.csv", b"sku,photo\na,nope.jpg\n", "text/csv"))])
    assert "Not rendered: p.csv row 2: no uploaded photo &#39;nope.jpg&#39;; upload it with the others" in missing.text
    fake = client.post("/templates/try", data={"csrf": csrf, "t": "bundled:promo-banner"},
                       files=[("photos", ("fake.jpg", b"not a photo", "image/jpeg"))])
    assert "Not rendered: fake.jpg:" in fake.text


def test_a_trial_renders_in_the_background_while_the_workbench_answers(root: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Served for real (uvicorn): the form is answered at once with the run's page saying it renders, the
    workbench checks meanwhile, and the page shows the numbers once the render has ended."""
    import threading

    from artpipe.workbench import trial

    from conftest import free_port, served

    release, started = threading.Event(), threading.Event()
    finish = trial.finish_trial

    def held(*args: Any) -> trial.TrialStatus:
        started.set()
        assert release.wait(60)
        return finish(*args)

    monkeypatch.setattr(trial, "finish_trial", held)
    requests = pytest.importorskip("requests")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with served(studio_app(load_workspace(root), jobs=1), port), requests.Session() as http:
        page = http.get(f"{base}/templates?t=bundled:promo-banner", timeout=30).text
        found = re.search(r'data-csrf="([^"]+)"', page)
        assert found
        csrf = found.group(1)
        photo = ("photos", ("mug.jpg", (SAMPLES / "photos" / "mug-sideways.jpg").read_bytes(), "image/jpeg"))
        answer = http.post(f"{base}/templates/try", data={"csrf": csrf, "t": "bundled:promo-banner"}, files=[photo],
                           allow_redirects=False, timeout=30)
        assert answer.status_code == 303  # answered before the render ran
        assert started.wait(30)
        run = base + answer.headers["location"]
        run_page = http.get(run, timeout=30).text
        assert "Rendering every size of every product" in run_page
        assert '<meta http-equiv="refresh" content="2">' in run_page
        check = http.post(f"{base}/templates/check", files={"csrf": (None, csrf), "t": (None, "bundled:promo-banner"),
                                                            "text": (None, BANNER)}, timeout=30)
        assert check.status_code == 200
        assert len(check.json()["sizes"]) == 3  # the workbench renders while the trial waits
        release.set()
        deadline = time.monotonic() + 120
        while "Rendering every size" in run_page and time.monotonic() < deadline:
            time.sleep(0.3)
            run_page = http.get(run, timeout=30).text
        assert "Rendered 3 images from 1 of 1 products in" in run_page, re.findall(r"<main>.*</main>", run_page, re.S)
        assert "refresh" not in run_page


def test_a_trial_left_rendering_by_a_stopped_studio_says_so(client: TestClient, root: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A studio stopped mid-render (a restart, a crash) leaves its trial without an end: the page says it was
    interrupted and what to do, instead of "rendering" and a refresh forever."""
    from artpipe.template.find import bundled_dir
    from artpipe.workbench import trial
    from artpipe.workbench.bench import TemplateRef

    ref = TemplateRef("promo-banner", bundled_dir() / "promo-banner" / "template.yaml", bundled=True)
    photo = trial.Upload("mug.jpg", (SAMPLES / "photos" / "mug-sideways.jpg").read_bytes())
    written = trial.write_trial(root, ref, [photo], None)
    assert trial.trial_status(written.folder).state == trial.TrialState.RENDERING  # this process renders it
    page = client.get(f"/templates/runs/{written.id}")
    assert "Rendering every size of every product" in page.text
    monkeypatch.setattr(trial, "_PROCESS", "a-later-studio")  # the studio restarted: another process reads it
    page = client.get(f"/templates/runs/{written.id}")
    assert page.status_code == 200
    assert ("Not rendered: the studio stopped while this trial rendered; try the template on the products again"
            in page.text)
    assert "refresh" not in page.text
    (written.folder / trial.STATUS).unlink()  # a trial written before trials named who renders them
    assert trial.trial_status(written.folder).state == trial.TrialState.FAILED
