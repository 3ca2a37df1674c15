"""The studio in a real browser (Debian's Chromium driven by Playwright), served at a public address as behind a
proxy (``http://studio.test:PORT``, which the browser resolves to this machine): an operator signs in, requests a
双十一 set from the form with uploaded photos, gets a mistake back with the photos kept, fixes it without uploading
again, downloads the proof as one file and as a zip, shares it; the merchant opens the link at the public address,
approves one image, then all of one platform, then the rest, and downloads the approved set; the operator changes a
headline and sees what changed. ``ARTPIPE_SCREENSHOTS=DIR`` keeps a screenshot of each page there."""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from artpipe.api import add_studio_user, init_workspace, load_workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402

from conftest import free_port, screenshot, served  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

if BROWSER is None:
    if os.environ.get("ARTPIPE_REQUIRE_BROWSER"):
        pytest.fail("no headless browser (chromium) installed", pytrace=False)
    pytest.skip("no headless browser (chromium) installed", allow_module_level=True)


PUBLIC = "studio.test"  # the studio's public name; the browser maps it to 127.0.0.1 (--host-resolver-rules)
CAMPAIGN = "双十一"


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[str]:
    """The studio's public address (served on 127.0.0.1, links built from the public URL, users needed)."""
    root = tmp_path / "studio"
    init_workspace(root)
    (root / "brands").mkdir()
    shutil.copy(SAMPLES / "brands" / "maison.yaml", root / "brands" / "maison.yaml")
    shutil.copy(SAMPLES / "logo-maison.png", root / "logo-maison.png")
    ws = load_workspace(root)
    add_studio_user(ws, "anna", "correct horse battery")
    port = free_port()
    public = f"http://{PUBLIC}:{port}"
    with served(studio_app(ws, jobs=1, public_url=public, port=port), port):
        yield public


def shot(page: object, name: str) -> None:
    screenshot(page, name, whole=True)


def test_an_operator_and_a_merchant_in_a_browser(studio: str, tmp_path: Path) -> None:
    photos = tmp_path / "upload"
    photos.mkdir()
    for name in ("mug-sideways.jpg", "bag-cutout.png"):
        shutil.copy(SAMPLES / "photos" / name, photos / name)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=BROWSER, args=[
            "--no-sandbox", f"--host-resolver-rules=MAP {PUBLIC} 127.0.0.1"])
        operator = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                       timezone_id="Asia/Shanghai", locale="en-US").new_page()
        started = time.monotonic()
        request_with_a_mistake(operator, studio, photos)
        operator.wait_for_selector("text=Passes every Tmall rule.", timeout=180_000)
        took = time.monotonic() - started
        shot(operator, "3-proof")
        assert operator.locator(".shot").count() >= 7
        # Every image loads (lazy images start after the first layout, which waits a moment for the page's fonts)
        operator.wait_for_function("[...document.querySelectorAll('.shot img')]"
                                   ".every(i => i.complete && i.naturalWidth > 0)", timeout=30_000)
        proof_downloads(operator)
        operator.click("text=Make a merchant link")
        link = operator.locator("a[href^='/s/']").first.inner_text()
        assert link.startswith(f"{studio}/s/")  # the public address, not the one the operator typed
        expiry = operator.locator("text=valid until").locator("time").last
        assert expiry.get_attribute("title").endswith(" UTC")  # type: ignore[union-attr]  # as the server wrote it
        assert expiry.inner_text().endswith("GMT+8")  # shown in the operator's own time zone

        merchant = browser.new_context(accept_downloads=True).new_page()
        merchant_approves(merchant, link)
        with merchant.expect_download() as download:
            merchant.click("text=Download the approved images")
        assert download.value.suggested_filename == f"{CAMPAIGN}-approved.zip"
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert f"{CAMPAIGN}/tmall/tmall.white_bg/mug-01.jpg" in archive.namelist()

        operator.goto(f"{studio}/requests")
        assert operator.locator("td .state.approved").count() == 1  # the request's own state, not the page's CSS
        operator.click(f"text={CAMPAIGN}")
        operator.click("text=Change the request")
        operator.fill("input[name=rows-0-headline]", "双11 限时 北欧马克杯")
        operator.click("text=Render the set")
        operator.wait_for_selector("text=changed since approval", timeout=180_000)
        shot(operator, "6-changed")
        operator.goto(f"{studio}/inbox")
        shot(operator, "7-inbox")
        browser.close()
    assert took < 120


def request_with_a_mistake(operator: Any, studio: str, photos: Path) -> None:
    """Sign in, fill the form with a photo misnamed in a row: the form comes back keeping the photos; the row
    fixed, it is sent without uploading them again."""
    operator.goto(f"{studio}/requests/new")
    operator.fill("#name", "anna")
    operator.fill("#password", "correct horse battery")
    operator.click("button:text('Sign in')")
    operator.click("text=New request")  # the navigation on every page
    operator.fill("#campaign", CAMPAIGN)
    operator.fill("#merchant", "MAISON")
    operator.fill("#deadline", "11-05 18:00")
    operator.select_option("#brand", "maison.yaml")
    operator.check("input[value=tmall]")
    operator.check("input[value=jd]")
    operator.set_input_files("#photos", [str(photos / "mug-sideways.jpg"), str(photos / "bag-cutout.png")])
    for i, (sku, photo, headline, price, title) in enumerate([
            ("mug-01", "mug-sideways.jpg", "双11 北欧陶瓷马克杯", "¥29.90", "北欧简约陶瓷马克杯"),
            ("bag-04", "bag.png", "双11 真皮托特包", "¥399", "真皮托特包 通勤百搭")]):
        for column, value in (("sku", sku), ("photo", photo), ("headline", headline), ("price", price),
                              ("title", title)):
            operator.fill(f"input[name=rows-{i}-{column}]", value)
    shot(operator, "1-new-request")
    operator.click("text=Render the set")
    operator.wait_for_selector("text=no uploaded photo 'bag.png'")
    assert "mug-sideways.jpg, bag-cutout.png" in operator.locator("#kept").inner_text()
    assert operator.eval_on_selector("#photos", "e => e.files.length") == 0  # nothing to upload again
    shot(operator, "2-kept-photos")
    operator.fill("input[name=rows-1-photo]", "bag-cutout.png")
    operator.click("text=Render the set")


def proof_downloads(operator: Any) -> None:
    """The proof as one file and as a zip, both under the campaign's Chinese name."""
    with operator.expect_download() as one_file:
        operator.click("text=as one file")
    assert one_file.value.suggested_filename == f"{CAMPAIGN}-proof.html"
    page = Path(one_file.value.path()).read_text(encoding="utf-8")
    assert f"<h1>{CAMPAIGN}</h1>" in page
    assert page.count("data:image/") >= 7
    with operator.expect_download() as bundle:
        operator.click("text=as a zip")
    assert bundle.value.suggested_filename == f"{CAMPAIGN}-proof.zip"
    names = zipfile.ZipFile(io.BytesIO(Path(bundle.value.path()).read_bytes())).namelist()
    assert f"{CAMPAIGN}/index.html" in names
    assert f"{CAMPAIGN}/tmall/tmall.white_bg/mug-01.jpg" in names


def merchant_approves(merchant: Any, link: str) -> None:
    """The merchant opens the link at the public address, approves one image, then every JD image, then the
    rest, each with one click."""
    merchant.goto(link)
    shot(merchant, "4-merchant")
    merchant.locator(".shot a.zoom").first.click()
    assert merchant.locator("dialog[open] img").is_visible()  # full size on a click
    merchant.locator("dialog").click()
    images = merchant.locator(".shot form").count()
    first = merchant.locator(".shot form").first
    first.locator("input[name=name]").fill("Li Wei")
    first.locator("button[value=approved]").click()
    merchant.wait_for_load_state()
    assert merchant.locator("#approve-all button[type=submit]").first.inner_text() == f"Approve all {images - 1}"
    merchant.click("#approve-all button:text('Approve all JD')")  # the name is remembered from the first decision
    merchant.wait_for_load_state()
    waiting = merchant.locator("#approve-all p").inner_text()
    assert waiting.endswith("for your approval.")
    merchant.click("#approve-all button:text('Approve all')")
    merchant.wait_for_load_state()
    assert merchant.locator("#approve-all p").inner_text() == "Every image is approved."
    assert merchant.locator(".shot .state.approved").count() == images
    shot(merchant, "5-approved")
