from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from artpipe.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class Images(HTMLParser):
    """Collects every <img src> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.srcs.append(dict(attrs)["src"] or "")


def test_a_request_end_to_end(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    request = tmp_path / "samples" / "requests" / "double11.yaml"
    result = CliRunner().invoke(main, ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"])
    root = tmp_path / "out" / "double11"
    assert result.exit_code == 1  # JD's 10 px edge rule fails for product-main's margin: reported, not hidden
    assert "12 files for 2 products, 2 failing a rule; proof:" in result.stdout
    expected = {f"{platform}/{preset}/{sku}.jpg" for sku in ("mug-01", "bag-04") for platform, preset in [
        ("tmall", "tmall.white_bg"), ("tmall", "tmall.detail"), ("tmall", "tmall.shop_sign"),
        ("tmall", "tmall.poster"), ("mobile", "mobile.banner"), ("jd", "jd.main")]}
    assert {p.relative_to(root).as_posix() for p in root.rglob("*.jpg")} == expected
    with Image.open(root / "tmall" / "tmall.white_bg" / "mug-01.jpg") as im:
        assert im.size == (800, 800)
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    checks = {(c["preset"], Path(c["output"]).stem): c["pass"] for i in report["items"] for c in i["checks"]}
    assert checks[("tmall.white_bg", "mug-01")] is True
    assert checks[("jd.main", "mug-01")] is False
    page = (root / "proof.html").read_text(encoding="utf-8")
    parser = Images()
    parser.feed(page)
    assert len(parser.srcs) == 12
    assert all((root / src).is_file() for src in parser.srcs)  # self-contained: relative links that resolve
    assert "http" not in page  # no network needed to read it
    assert page.count('class="fail">FAIL') == 2
    assert len(re.findall(r"edge_margin: \d+ px from the edge \(limit &lt;= 10 px\)", page)) == 2
    with Image.open(root / "proof.png") as sheet:
        assert sheet.width > 1000


def test_a_bad_request_is_reported(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("campaign: x\nplatforms: [tmal]\nproducts: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(tmp_path / "r.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "platforms: no platform or preset 'tmal' (did you mean tmall?)" in result.stderr
