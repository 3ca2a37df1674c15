"""A page's fonts are the bundled faces cut to the characters on it: WOFF2, small, every character there (Chinese,
Arabic, Thai, emoji), cut once per (face, characters), cut again when a new character appears; the studio serves
them and the standalone proof carries them inside."""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools import subset
from fontTools.ttLib import TTFont

from artpipe.cli.commands import main
from artpipe.report.pagefonts import embed_fonts, link_fonts, linked_font
from artpipe.text.scripts import ignorable

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MAX_PAGE_FONT_BYTES = 300 * 1024  # every font of one page together: "a few hundred KB at most" on a phone
PAGE = ("<!doctype html><html><head><title>双十一大促 · proof</title><style>body { margin: 0 }</style></head><body>"
        "<h1>双十一大促 北欧陶瓷马克杯</h1><p>عرض خاص لفترة محدودة</p><p>ลดราคาพิเศษ</p><p>Passes 🎉👍🏽 ❤️ "
        "1️⃣ 👨‍👩‍👧 &lt;Tmall&gt; “quoted” — ¥29.90</p></body></html>")


def on_page(page: str) -> set[str]:
    """The characters a page shows (and may show: attributes, styles, scripts), that need a glyph; the data of
    its data URLs (embedded images and fonts) and the style naming its fonts are never shown."""
    text = re.sub(r"<style>\n@font-face.*?</style>", "", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"data:[^\"')\s]+", "", text))
    return {ch for ch in text if unicodedata.category(ch) != "Cc" and not ignorable(ord(ch))}


def fonts_in(page: str, fetch: Callable[[str], bytes]) -> list[tuple[str, bytes]]:
    """(family, bytes) of every font a page's style names."""
    found = re.findall(r'font-family: "([^"]+)";[^}]*src: url\("([^"]+)"\) format\("woff2"\)', page)
    assert found, "the page names no fonts"
    return [(family, fetch(url)) for family, url in found]


def data_url(url: str) -> bytes:
    assert url.startswith("data:font/woff2;base64,")
    return base64.b64decode(url.split(",", 1)[1])


def assert_fonts_cover(page: str, fonts: list[tuple[str, bytes]]) -> int:
    """Every font is WOFF2 and the fonts together map every character of the page; their total size."""
    drawn: set[int] = set()
    for _, data in fonts:
        assert data[:4] == b"wOF2"
        drawn |= set(TTFont(io.BytesIO(data)).getBestCmap())
    missing = sorted(ch for ch in on_page(page) if ord(ch) not in drawn)
    assert not missing, f"no glyph for {[f'U+{ord(ch):04X}' for ch in missing]}"
    total = sum(len(data) for _, data in fonts)
    assert total < MAX_PAGE_FONT_BYTES
    return total


def test_a_page_carries_its_fonts_cut_to_its_characters() -> None:
    page = embed_fonts(PAGE)
    fonts = fonts_in(page, data_url)
    assert_fonts_cover(PAGE, fonts)
    families = {family for family, _ in fonts}
    assert families == {"artpipe", "artpipe emoji"}
    names = {TTFont(io.BytesIO(data))["name"].getDebugName(4) for _, data in fonts}
    assert {"Noto Sans CJK SC", "Noto Sans CJK SC Bold", "Noto Sans Arabic Regular", "Noto Sans Thai Bold",
            "Noto Color Emoji"} <= names
    cjk = next(data for _, data in fonts if TTFont(io.BytesIO(data))["name"].getDebugName(4) == "Noto Sans CJK SC")
    assert set(TTFont(io.BytesIO(cjk)).getBestCmap()) == {ord(ch) for ch in "双十一大促北欧陶瓷马克杯¥"} - {ord("¥")}
    # Latin and its quotes come from Noto Sans (the CJK face's are full-width), emoji after the system's own
    assert 'body { font-family: "artpipe", system-ui, sans-serif, "Apple Color Emoji"' in page
    assert page.index("<style>\n@font-face") > page.index("<style>body { margin: 0 }</style>")  # after the page's


def test_a_new_character_gets_a_new_subset_and_the_same_page_none(monkeypatch: pytest.MonkeyPatch) -> None:
    cuts: list[str] = []
    cut = subset.Subsetter.subset

    def counted(self: subset.Subsetter, font: TTFont) -> None:
        cuts.append(font["name"].getDebugName(4))
        cut(self, font)

    monkeypatch.setattr(subset.Subsetter, "subset", counted)
    page = "<html><head></head><body><h1>春季上新 鹦鹉螺</h1></body></html>"  # characters no other test uses
    served = link_fonts(page, "/fonts/")
    urls = re.findall(r'url\("/fonts/([^"]+)"\)', served)
    assert len(urls) == 4  # Latin and CJK, regular and bold
    first = {name: linked_font(name) for name in urls}
    assert len(cuts) == 4
    assert link_fonts(page, "/fonts/") == served  # the same page: the same fonts, not cut again
    assert {name: linked_font(name) for name in urls} == first
    assert len(cuts) == 4

    again = link_fonts(page.replace("</h1>", "鲸</h1>"), "/fonts/")
    new = [name for name in re.findall(r'url\("/fonts/([^"]+)"\)', again) if name not in urls]
    assert len(new) == 2  # both weights of the CJK face; the Latin ones stay
    for name in new:
        data = linked_font(name)
        assert data is not None
        assert ord("鲸") in TTFont(io.BytesIO(data)).getBestCmap()
    assert cuts[4:] == ["Noto Sans CJK SC", "Noto Sans CJK SC Bold"]
    assert linked_font("0" * 24 + ".woff2") is None  # a name no page linked
    assert linked_font("../../fonts/NotoSansCJK-Regular.otf") is None


def test_the_standalone_proof_carries_small_fonts_for_its_characters(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    request = tmp_path / "samples" / "requests" / "small.yaml"
    request.write_text("campaign: 双十一 عرض ลดราคา 🎉\nmerchant: 北欧家居\nbrand: ../brands/maison.yaml\n"
                       "presets: [tmall.white_bg]\nproducts:\n"
                       "  - {sku: 马克杯-01, product: ../photos/mug-sideways.jpg}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    page = next((tmp_path / "out").glob("*/proof.html")).read_text(encoding="utf-8")
    assert "双十一 عرض ลดราคา 🎉" in page
    assert "/fonts/" not in page  # nothing to fetch: the fonts are inside
    assert_fonts_cover(page, fonts_in(page, data_url))


def test_the_studio_serves_each_page_its_own_small_fonts(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    pytest.importorskip("httpx2")
    from starlette.testclient import TestClient

    from artpipe.api import init_workspace, load_workspace
    from artpipe.studio import studio_app

    root = tmp_path / "studio"
    init_workspace(root)
    (root / "brands").mkdir()
    shutil.copy(SAMPLES / "brands" / "maison.yaml", root / "brands" / "maison.yaml")
    shutil.copy(SAMPLES / "logo-maison.png", root / "logo-maison.png")
    client = TestClient(studio_app(load_workspace(root), jobs=1), base_url="http://127.0.0.1")

    def fetch(url: str) -> bytes:
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "font/woff2"
        assert "immutable" in answer.headers["cache-control"]
        return answer.content

    new = client.get("/requests/new").text
    token = re.search(r'name="csrf" value="([^"]+)"', new)
    assert token
    data = {"csrf": token.group(1), "campaign": "双十一大促", "merchant": "北欧家居", "brand": "maison.yaml",
            "presets": ["tmall.white_bg", "jd.main"], "rows-0-sku": "mug-01", "rows-0-photo": "mug-sideways.jpg",
            "rows-0-headline": "双11 北欧陶瓷马克杯", "rows-1-sku": "bag-04", "rows-1-photo": "bag-cutout.png",
            "rows-1-headline": "双11 真皮托特包"}
    files = [("photos", (name, (SAMPLES / "photos" / name).read_bytes(), "image/jpeg"))
             for name in ("mug-sideways.jpg", "bag-cutout.png")]
    done = client.post("/requests", data=data, files=files, follow_redirects=True)
    assert done.status_code == 200
    rid = str(done.url).rsplit("/", 1)[1]
    store = client.app.state.store  # type: ignore[attr-defined]
    deadline = time.monotonic() + 300
    while store.get(rid).state in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.get(rid).state == "done"

    page = client.get(f"/requests/{rid}").text
    assert "双十一大促" in page
    assert "NotoSansCJK" not in page  # never the whole 11 MB faces
    before = {url for url in re.findall(r'url\("(/fonts/[^"]+)"\)', page)}
    assert_fonts_cover(page, fonts_in(page, fetch))

    # The merchant answers in other scripts: their page, and the operator's, get fonts for those characters too.
    client.post(f"/requests/{rid}/share", data={"csrf": token.group(1)})
    link = re.search(r'href="(/s/[^"]+)"', client.get(f"/requests/{rid}").text)
    assert link
    proof = client.get(link.group(1)).text
    assert_fonts_cover(proof, fonts_in(proof, fetch))
    shot = re.findall(r'name="output" value="([^"]+)"', proof)[0]
    client.post(f"{link.group(1)}/decide", data={"csrf": token.group(1), "output": shot, "state": "changes",
                                                 "name": "ليلى", "comment": "ممتاز، لكن الخلفية สีขาว 🙏 鲸"})
    for url in (link.group(1), f"/requests/{rid}"):
        answered = client.get(url).text
        assert "ممتاز، لكن الخلفية สีขาว 🙏 鲸" in answered
        assert set(re.findall(r'url\("(/fonts/[^"]+)"\)', answered)) - before  # new characters, new subsets
        assert_fonts_cover(answered, fonts_in(answered, fetch))

    single = client.get(f"/requests/{rid}/proof.html").text  # the one file to send: its fonts inside
    assert_fonts_cover(single, fonts_in(single, data_url))
    assert client.get("/fonts/NotoSansCJK-Regular.otf").status_code == 404
