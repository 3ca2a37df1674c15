"""Approving a campaign and seeing what changed since: hashes, copies, diffs, the proof page and the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from PIL import Image

from artpipe.approval import diff_image
from artpipe.cli.commands import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
REQUEST = """\
campaign: spring
brand: ../brands/maison.yaml
presets: [tmall.white_bg, mobile.banner]
products:
  - {{sku: mug-01, product: ../photos/mug-sideways.jpg, headline: {headline}, price: ¥29.90}}
"""


def run(tmp_path: Path, headline: str) -> Result:
    request = tmp_path / "samples" / "requests" / "spring.yaml"
    request.write_text(REQUEST.format(headline=headline), encoding="utf-8")
    return CliRunner().invoke(main, ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"])


def test_approve_then_rerun_shows_only_what_changed(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    root = tmp_path / "out" / "spring"
    assert run(tmp_path, "春季新品 马克杯").exit_code == 0
    approved = CliRunner().invoke(main, ["approve", str(root)])
    assert approved.exit_code == 0
    assert "approved 2 files" in approved.stdout
    record = json.loads((root / "approved.json").read_text(encoding="utf-8"))
    banner = root / "mobile" / "mobile.banner" / "mug-01.jpg"
    sha = hashlib.sha256(banner.read_bytes()).hexdigest()
    assert record["outputs"]["mobile/mobile.banner/mug-01.jpg"] == sha
    assert (root / "approved" / f"{sha}.jpg").read_bytes() == banner.read_bytes()

    same = run(tmp_path, "春季新品 马克杯")
    assert "since approval" in same.stdout
    assert "nothing changed" in same.stdout

    changed = run(tmp_path, "夏季清仓 马克杯")
    assert changed.exit_code == 0
    assert "1 of 2 changed" in changed.stdout
    assert "changed: mobile/mobile.banner/mug-01.jpg" in changed.stdout  # the white-bg image has no headline
    diff = root / "changes" / "mobile" / "mobile.banner" / "mug-01.jpg.png"
    with Image.open(diff) as im:
        assert im.width > 3 * 300  # approved | now | what changed
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert report["approval"]["changed"] == ["mobile/mobile.banner/mug-01.jpg"]
    assert report["approval"]["unchanged"] == 1
    states = {Path(a["output"]).parent.name: a["state"] for a in report["items"][0]["approval"]}
    assert states == {"mobile.banner": "changed", "tmall.white_bg": "unchanged"}
    page = (root / "proof.html").read_text(encoding="utf-8")
    assert page.count('class="changed">changed since approval') == 1
    assert 'href="changes/mobile/mobile.banner/mug-01.jpg.png"' in page

    back = run(tmp_path, "春季新品 马克杯")  # back to what was approved: the stale diff goes
    assert "nothing changed" in back.stdout
    assert not diff.exists()


def test_approve_needs_a_campaign_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["approve", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}: not a campaign folder (no report.json)" in result.stderr
    assert result.stderr.endswith("error: 1 problem; nothing was approved\n")  # as every configuration error


def test_the_diff_marks_changed_pixels_red() -> None:
    before = Image.new("RGB", (200, 100), (255, 255, 255))
    after = before.copy()
    after.paste((0, 0, 0), (50, 25, 100, 75))
    sheet = diff_image(before, after)
    # the third panel: the changed block is red, the rest faded
    third = sheet.crop((16 + 2 * (360 + 16), 44, sheet.width - 16, sheet.height - 16))
    colors = {c for _, c in third.getcolors(100000) or []}
    assert (228, 57, 60) in colors
    assert (0, 0, 0) not in colors


def test_a_reopened_approval_is_approved_no_more_until_approved_again(tmp_path: Path) -> None:
    from artpipe.approval import approve, approved, is_approved, reopen

    (tmp_path / "report.json").write_text("{}")
    Image.new("RGB", (8, 8), (200, 10, 10)).save(tmp_path / "a.png")
    assert not reopen(tmp_path, by="Li Wei")  # nothing approved: nothing to reopen
    hashes = approve(tmp_path, by="Li Wei")
    assert is_approved(tmp_path)
    assert reopen(tmp_path, by="Li Wei")
    assert not is_approved(tmp_path)
    assert not reopen(tmp_path, by="Li Wei")  # once
    kept = approved(tmp_path)
    assert kept is not None
    assert kept[1] == hashes  # re-runs still show what changed since the merchant approved
    record = json.loads((tmp_path / "approved.json").read_text(encoding="utf-8"))
    assert record["reopened_by"] == "Li Wei"
    approve(tmp_path, by="Li Wei")
    assert is_approved(tmp_path)
