"""The Templates page in a real browser (Debian's Chromium driven by Playwright): a designer copies a bundled
template into the workspace, breaks a line and sees the problem beside it, fixes it and sees every size rendered
again, then drags a layer's box on one size and sees the YAML's override change, comments kept.
``ARTPIPE_SCREENSHOTS=DIR`` keeps a screenshot of each step there."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def copy_opened(url: str) -> Iterator[object]:
    """A browser page on the Templates page, the bundled promo-banner just saved into the workspace as
    ``spring`` and shown again, every size rendered."""
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
        yield page
        browser.close()


def test_edit_fix_and_drag_in_a_browser(studio: tuple[str, Path]) -> None:
    url, root = studio
    original = bundled_templates()["promo-banner"].read_text(encoding="utf-8")
    saved = root / "templates" / "spring" / "template.yaml"
    with copy_opened(url) as page:
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


def drag(page: object, locator: object, dx: float, dy: float) -> None:
    """Drag ``locator``'s middle by (dx, dy) screen pixels and wait for the page to render again."""
    locator.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    box = locator.bounding_box()  # type: ignore[attr-defined]
    assert box is not None
    before = stamp(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)  # type: ignore[attr-defined]
    page.mouse.down()  # type: ignore[attr-defined]
    page.mouse.move(x + dx, y + dy, steps=5)  # type: ignore[attr-defined]
    page.mouse.up()  # type: ignore[attr-defined]
    rendered(page, before)


def test_pinned_boxes_overlaps_and_undo_in_a_browser(studio: tuple[str, Path]) -> None:
    """A badge pinned to the right stays pinned after a drag; a headline dragged onto the product is marked as
    covering it; undo puts the text back as it was before the drag, and the mark goes."""
    url, root = studio
    original = bundled_templates()["promo-banner"].read_text(encoding="utf-8")
    saved = root / "templates" / "spring" / "template.yaml"
    with copy_opened(url) as page:
        assert page.is_disabled("#undo")

        drag(page, page.locator(".size[data-size=square] .lbox[data-layer=badge]"), -30, 20)
        badge = yaml.safe_load(page.input_value("#text"))["overrides"]["square"]["badge"]["box"]
        assert set(badge) == {"right", "top", "height", "aspect"}  # pinned right, as the template has it

        assert page.locator(".lbox.covering[data-layer=headline]").count() == 0
        wide = page.locator(".size[data-size=wide]")
        product = wide.locator(".lbox[data-layer=product]").bounding_box()
        headline = wide.locator(".lbox[data-layer=headline]").bounding_box()
        assert product is not None
        assert headline is not None
        before_drag = page.input_value("#text")
        drag(page, wide.locator(".lbox[data-layer=headline]"), product["x"] - headline["x"] + 10,
             product["y"] - headline["y"] + 10)
        assert page.locator(".size[data-size=wide] .lbox.covering[data-layer=headline]").count() == 1
        said = page.locator(".size[data-size=wide] .covers[data-layer=headline]").inner_text()
        assert "headline covers" in said
        assert "of the product slot 'product'" in said
        assert saved.read_text(encoding="utf-8") == page.input_value("#text") != before_drag
        shot(page, "workbench-covering")

        before = stamp(page)
        page.click("#undo")
        rendered(page, before)
        assert page.input_value("#text") == before_drag
        assert saved.read_text(encoding="utf-8") == before_drag  # the workspace copy is saved back too
        assert page.locator(".size[data-size=wide] .lbox.covering[data-layer=headline]").count() == 0

        before = stamp(page)
        page.keyboard.press("Control+z")  # the badge's drag, with the focus outside the editor
        rendered(page, before)
        assert page.input_value("#text") == original
        assert page.is_disabled("#undo")
        shot(page, "workbench-undone")
