"""The Templates page in a real browser (Debian's Chromium driven by Playwright): a designer copies a bundled
template into the workspace, breaks a line and sees the problem beside it, fixes it and sees every size rendered
again, then drags a layer's box on one size and sees the YAML's override change, comments kept.
``ARTPIPE_SCREENSHOTS=DIR`` keeps a screenshot of each step there."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from artpipe.api import init_workspace, load_workspace  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402
from artpipe.template.find import bundled_templates  # noqa: E402

from conftest import free_port, screenshot, served  # noqa: E402

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

if BROWSER is None:
    if os.environ.get("ARTPIPE_REQUIRE_BROWSER"):
        pytest.fail("no headless browser (chromium) installed", pytrace=False)
    pytest.skip("no headless browser (chromium) installed", allow_module_level=True)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "studio"
    init_workspace(root)
    port = free_port()
    with served(studio_app(load_workspace(root), jobs=1), port):
        yield f"http://127.0.0.1:{port}", root


def shot(page: object, name: str) -> None:
    screenshot(page, name)


def rendered(page: object, after: str) -> None:
    """Wait until the page has rendered again since ``after`` (the stamp it keeps on #wb)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "a => (document.getElementById('wb').dataset.rendered || '') !== a", arg=after, timeout=60_000)


def stamp(page: object) -> str:
    return str(page.evaluate("document.getElementById('wb').dataset.rendered || ''"))  # type: ignore[attr-defined]


def test_edit_fix_and_drag_in_a_browser(studio: tuple[str, Path]) -> None:
    url, root = studio
    original = bundled_templates()["promo-banner"].read_text(encoding="utf-8")
    saved = root / "templates" / "spring" / "template.yaml"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(f"{url}/templates?t=bundled:promo-banner")
        page.wait_for_selector(".size[data-size=square] img", timeout=60_000)
        assert page.locator(".size").count() == 3  # wide, mobile, square side by side
        page.fill("#saveas", "spring")
        page.click("#save")
        page.wait_for_url("**/templates?t=ws%3Aspring", timeout=60_000)
        page.wait_for_selector(".size[data-size=square] img", timeout=60_000)
        assert saved.read_text(encoding="utf-8") == original

        broken = original.replace("    max_lines: 2\n", "    max_lines: two\n", 1)
        line = original[:original.index("    max_lines: 2\n")].count("\n") + 1
        before = stamp(page)
        page.fill("#text", broken)
        page.keyboard.press("Control+s")
        rendered(page, before)
        beside = page.locator(f".problem[data-line='{line}']")
        assert beside.is_visible()
        assert "layers[3] (headline).max_lines: must be a whole number, not text" in beside.inner_text()
        assert page.locator("#gutter .bad").inner_text().strip() == str(line)
        assert saved.read_text(encoding="utf-8") == original  # a text that does not load is not written
        shot(page, "workbench-problem")

        before = stamp(page)
        page.fill("#text", original)
        page.click("#save")
        rendered(page, before)
        assert page.locator(".problem").count() == 0
        assert "Rendered 3 sizes" in page.inner_text("#status")

        headline = page.locator(".size[data-size=mobile] .lbox[data-layer=headline]")
        headline.scroll_into_view_if_needed()
        box = headline.bounding_box()
        assert box is not None
        before = stamp(page)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 + 12, steps=5)
        page.mouse.up()
        rendered(page, before)
        text = page.input_value("#text")
        assert text == saved.read_text(encoding="utf-8")
        moved = yaml.safe_load(text)["overrides"]["mobile"]["headline"]["box"]
        assert moved["left"] != "6%"
        assert set(moved) == {"left", "top", "width", "height"}
        kept = [ln for ln in original.splitlines() if "#" in ln]
        assert kept
        assert all(ln in text.splitlines() for ln in kept)
        assert text.startswith(original.split("overrides:")[0])  # everything above the overrides byte for byte
        shot(page, "workbench-dragged")
        browser.close()
