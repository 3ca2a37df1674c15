"""The studio in a real browser (Debian's Chromium driven by Playwright): an operator requests a Double 11 set
from the form with uploaded photos, shares the proof, the merchant approves every image, the operator changes a
headline and sees what changed, and the approved set downloads as a zip. ``ARTPIPE_SCREENSHOTS=DIR`` keeps a
screenshot of each page there."""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from artpipe.api import init_workspace, load_workspace, studio_app  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

if BROWSER is None:
    if os.environ.get("ARTPIPE_REQUIRE_BROWSER"):
        pytest.fail("no headless browser (chromium) installed", pytrace=False)
    pytest.skip("no headless browser (chromium) installed", allow_module_level=True)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "studio"
    init_workspace(root)
    (root / "brands").mkdir()
    shutil.copy(SAMPLES / "brands" / "maison.yaml", root / "brands" / "maison.yaml")
    shutil.copy(SAMPLES / "logo-maison.png", root / "logo-maison.png")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(studio_app(load_workspace(root), jobs=1), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def shot(page: object, name: str) -> None:
    folder = os.environ.get("ARTPIPE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        page.evaluate("document.fonts.ready")  # type: ignore[attr-defined]
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_an_operator_and_a_merchant_in_a_browser(studio: str, tmp_path: Path) -> None:
    photos = tmp_path / "upload"
    photos.mkdir()
    for name in ("mug-sideways.jpg", "bag-cutout.png"):
        shutil.copy(SAMPLES / "photos" / name, photos / name)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        operator = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.monotonic()
        operator.goto(f"{studio}/requests/new")
        operator.fill("#campaign", "double11")
        operator.fill("#merchant", "MAISON")
        operator.fill("#deadline", "11-05 18:00")
        operator.select_option("#brand", "maison.yaml")
        operator.check("input[value=tmall]")
        operator.check("input[value=jd]")
        operator.set_input_files("#photos", [str(photos / "mug-sideways.jpg"), str(photos / "bag-cutout.png")])
        for i, (sku, photo, headline, price, title) in enumerate([
                ("mug-01", "mug-sideways.jpg", "双11 北欧陶瓷马克杯", "¥29.90", "北欧简约陶瓷马克杯"),
                ("bag-04", "bag-cutout.png", "双11 真皮托特包", "¥399", "真皮托特包 通勤百搭")]):
            for column, value in (("sku", sku), ("photo", photo), ("headline", headline), ("price", price),
                                  ("title", title)):
                operator.fill(f"input[name=rows-{i}-{column}]", value)
        shot(operator, "1-new-request")
        operator.click("text=Render the set")
        operator.wait_for_selector("text=Passes every Tmall rule.", timeout=180_000)
        took = time.monotonic() - started
        shot(operator, "2-proof")
        assert operator.locator(".shot").count() >= 7
        for image in operator.locator(".shot img").all():  # every image loads
            assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        operator.click("text=Make a merchant link")
        link = operator.locator("a[href^='/s/']").first.get_attribute("href")
        assert link

        merchant = browser.new_context().new_page()
        merchant.goto(f"{studio}{link}")
        shot(merchant, "3-merchant")
        merchant.locator(".shot a.zoom").first.click()
        assert merchant.locator("dialog[open] img").is_visible()  # full size on a click
        merchant.locator("dialog").click()
        forms = merchant.locator(".shot form").count()
        for i in range(forms):
            form = merchant.locator(".shot form").nth(i)
            form.locator("input[name=name]").fill("Li Wei")
            form.locator("button[value=approved]").click()
            merchant.wait_for_load_state()
        shot(merchant, "4-approved")
        with merchant.expect_download() as download:
            merchant.click("text=Download the approved images")
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert "double11/tmall/tmall.white_bg/mug-01.jpg" in archive.namelist()

        operator.goto(f"{studio}/requests")
        assert "approved" in operator.content()
        operator.click("text=double11")
        operator.click("text=Change the request")
        operator.fill("input[name=rows-0-headline]", "双11 限时 北欧马克杯")
        operator.click("text=Render the set")
        operator.wait_for_selector("text=changed since approval", timeout=180_000)
        shot(operator, "5-changed")
        operator.goto(f"{studio}/inbox")
        shot(operator, "6-inbox")
        browser.close()
    assert took < 120
