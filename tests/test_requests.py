from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from artpipe.cli.commands import main
from artpipe.defaults import settings
from artpipe.imaging.checks import check_bytes
from artpipe.presets import load_presets
from artpipe.report.proofview import read_proof
from artpipe.report.results import Status
from artpipe.run.batch import run_request

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
    assert result.exit_code == 0, result.output
    assert "12 files for 2 products, 0 failing a rule, 2 warnings (see the report); proof:" in result.stdout
    expected = {f"{platform}/{preset}/{sku}.jpg" for sku in ("mug-01", "bag-04") for platform, preset in [
        ("tmall", "tmall.white_bg"), ("tmall", "tmall.detail"), ("tmall", "tmall.shop_sign"),
        ("tmall", "tmall.poster"), ("tmall", "mobile.banner"), ("jd", "jd.main")]}
    assert {p.relative_to(root).as_posix() for p in root.rglob("*.jpg")} == expected
    with Image.open(root / "tmall" / "tmall.white_bg" / "mug-01.jpg") as im:
        assert im.size == (800, 800)
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    checks = {(c["preset"], Path(c["output"]).stem): c for i in report["items"] for c in i["checks"]}
    assert all(c["pass"] for c in checks.values())
    known = load_presets()[0]
    for (preset, _), c in checks.items():  # "pass" is the verdict on the very bytes on disk
        results = check_bytes(Path(c["output"]).read_bytes(), known[preset], rules=settings().analyze)
        assert all(r.ok for r in results), [str(r) for r in results]
    jd = {r["rule"]: r for r in checks[("jd.main", "mug-01")]["rules"]}
    margin = int(jd["edge_margin"]["measured"].split()[0])  # product-edge: the long side reaches the edge
    assert 0 < margin <= 10
    assert jd["white_background"]["measured"].startswith("100.00%")
    page = (root / "proof.html").read_text(encoding="utf-8")
    parser = Images()
    parser.feed(page)
    assert len(parser.srcs) == 11  # 12 files: the shop sign, the same for both products, is shown once
    assert all((root / src).is_file() for src in parser.srcs)  # self-contained: relative links that resolve
    assert "http" not in page  # no network needed to read it
    assert page.count('class="pass">Passes every') == 11
    assert "tmall.white_bg" not in page.replace("tmall/tmall.white_bg/", "")  # slot ids only inside file links
    assert "Tmall white-background image (白底图), 800x800" in page
    with Image.open(root / "proof.png") as sheet:
        assert sheet.width > 1000


def test_failing_rules_are_shown_not_hidden(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    request = tmp_path / "samples" / "requests" / "jd.yaml"
    request.write_text("campaign: jd-test\nplatforms: jd\ntemplates: {jd.main: product-main}\n"
                       "products:\n  - {sku: mug-01, product: ../photos/mug-sideways.jpg}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1  # product-main keeps a margin for Amazon and Tmall: too wide for JD
    assert "1 file for 1 product, 1 failing a rule" in result.stdout
    page = (tmp_path / "out" / "jd-test" / "proof.html").read_text(encoding="utf-8")
    assert page.count('class="fail">Fails') == 1
    assert len(re.findall(r"the product touches the edge: \d+ px from the edge \(needs &lt;= 10 px\)", page)) == 1


def test_a_bad_request_is_reported(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("campaign: x\nplatforms: [tmal]\nproducts: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(tmp_path / "r.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "platforms: no platform or preset 'tmal' (did you mean tmall?)" in result.stderr


def test_request_file_names_are_configurable(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    request = tmp_path / "samples" / "requests" / "named.yaml"
    request.write_text("campaign: named\npresets: [tmall.white_bg, jd.main]\noutput: \"{sku}/{preset}.png\"\n"
                       "products:\n  - {sku: mug-01, product: ../photos/mug-sideways.jpg}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "out" / "named"
    # the pattern places the files; each preset's format still decides the type (both are JPEG slots)
    assert {p.relative_to(root).as_posix() for p in root.rglob("*.jpg")} == {"mug-01/tmall.white_bg.jpg",
                                                                              "mug-01/jd.main.jpg"}
    page = (root / "proof.html").read_text(encoding="utf-8")
    assert "Tmall white-background image (白底图), 800x800" in page
    assert "JD main image, 800x800" in page


def test_the_proof_is_read_from_real_paths_from_any_working_folder(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Rendered from one folder into an output folder whose name has a colon and a space, then read (as the
    # studio does) by a process working in another folder: the report's outputs are shown relative to the
    # first, so a proof that turned them back into paths would find no image at all.
    shutil.copytree(SAMPLES, tmp_path / "samples")
    request = tmp_path / "samples" / "requests" / "one.yaml"
    request.write_text("campaign: spring one\npresets: [tmall.white_bg, jd.main]\n"
                       "products:\n  - {sku: mug-01, product: ../photos/mug-sideways.jpg}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    campaign = run_request(Path("samples/requests/one.yaml"), Path("out: dir"), jobs=1)
    assert [o["outputs"] for o in json.loads((campaign.root / "report.json").read_text())["items"]] == [
        ["out: dir/spring one/tmall/tmall.white_bg/mug-01.jpg", "out: dir/spring one/jd/jd.main/mug-01.jpg"]]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    proof = read_proof(tmp_path / "out: dir" / "spring one")
    assert [s.rel for s in proof.shots] == ["tmall/tmall.white_bg/mug-01.jpg", "jd/jd.main/mug-01.jpg"]
    assert [(p.sku, p.status, p.made) for p in proof.products] == [("mug-01", Status.OK, True)]
    assert all(s.size.endswith(" KB") and s.passed is not None for s in proof.shots)
