"""Incremental rendering: a re-run renders only what changed, and says why with --plan."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from artpipe.cli.commands import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
JOB = """\
templates:
  - product-main
  - template: banner.yaml
    sizes: [wide, mobile]
output: "{sku}/{template}-{size}.jpg"
products:
  - {sku: mug, product: mug.jpg, headline: 北欧陶瓷马克杯, price: ¥39}
  - {sku: bag, product: bag.png, headline: 真皮托特包, price: ¥459}
"""


def setup(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "photos" / "mug-sideways.jpg", tmp_path / "mug.jpg")
    shutil.copy(SAMPLES / "photos" / "bag-cutout.png", tmp_path / "bag.png")
    (tmp_path / "banner.yaml").write_text("extends: promo-banner\nname: banner\n", encoding="utf-8")
    (tmp_path / "job.yaml").write_text(JOB, encoding="utf-8")
    return tmp_path / "job.yaml"


def render(job: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["render", str(job), "-o", str(job.parent / "out"), "-j", "1", *args])


def stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.jpg")}


def plan(job: Path) -> dict[str, str]:
    result = render(job, "--plan")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if not line.startswith("plan:")]
    return {Path(line.split(": ")[0].split(" ", 1)[1].strip()).relative_to(job.parent / "out").as_posix():
            line.split(": ", 1)[1] for line in lines}


def test_a_rerun_with_nothing_changed_keeps_everything(tmp_path: Path) -> None:
    job = setup(tmp_path)
    first = render(job)
    assert first.exit_code == 0, first.output
    out = tmp_path / "out"
    before = stamps(out)
    assert len(before) == 8
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    again = render(job)
    assert "(2 up to date, kept)" in again.stdout
    assert stamps(out) == before  # not one file written again
    kept = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [i["outputs"] for i in kept["items"]] == [i["outputs"] for i in report["items"]]
    assert [i["warnings"] for i in kept["items"]] == [i["warnings"] for i in report["items"]]
    assert all(i["cached"] for i in kept["items"])
    assert set(plan(job).values()) == {"up to date"}


def test_only_what_changed_is_rendered_again(tmp_path: Path) -> None:
    job = setup(tmp_path)
    render(job)
    out = tmp_path / "out"
    full = {name: (out / name).read_bytes() for name in stamps(out)}
    before = stamps(out)
    # a template changes: only its outputs
    (tmp_path / "banner.yaml").write_text("extends: promo-banner\nname: banner\nfields:\n"
                                          "  accent: {type: color, default: \"#1f9d55\"}\n", encoding="utf-8")
    reasons = plan(job)
    assert reasons["mug/banner-wide.jpg"] == "template changed"
    assert reasons["mug/product-main-square.jpg"] == "up to date"
    assert render(job).exit_code == 0
    after = stamps(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"mug/banner-wide.jpg", "mug/banner-mobile.jpg", "bag/banner-wide.jpg",
                       "bag/banner-mobile.jpg"}
    item = json.loads((out / "report.json").read_text(encoding="utf-8"))["items"][0]
    assert len(item["outputs"]) == 4  # the kept outputs are still reported
    assert item["outputs"][0].endswith("mug/product-main-square.jpg")  # in the job's order
    # one product's fields change: only that product
    job.write_text(JOB.replace("真皮托特包", "真皮托特包 新款"), encoding="utf-8")
    assert set(plan(job).items()) >= {("bag/banner-wide.jpg", "fields changed"),
                                      ("bag/product-main-square.jpg", "up to date"),  # it shows no headline
                                      ("mug/banner-wide.jpg", "up to date")}
    # an input touched but not changed is not rendered again; one with new bytes is
    os.utime(tmp_path / "mug.jpg")
    assert plan(job)["mug/product-main-large.jpg"] == "up to date"
    (tmp_path / "mug.jpg").write_bytes((SAMPLES / "photos" / "watch-small.jpg").read_bytes())
    assert plan(job)["mug/product-main-large.jpg"] == "input changed"
    shutil.copy(SAMPLES / "photos" / "mug-sideways.jpg", tmp_path / "mug.jpg")
    # an output deleted or edited by hand is made again
    (out / "mug" / "product-main-square.jpg").unlink()
    (out / "mug" / "product-main-large.jpg").write_bytes(b"edited")
    reasons = plan(job)
    assert reasons["mug/product-main-square.jpg"] == "output missing"
    assert reasons["mug/product-main-large.jpg"] == "output changed on disk"
    job.write_text(JOB, encoding="utf-8")
    assert render(job).exit_code == 0
    # whatever was rendered again, partially or not, is byte for byte what a full render makes
    (tmp_path / "banner.yaml").write_text("extends: promo-banner\nname: banner\n", encoding="utf-8")
    render(job)
    assert {name: (out / name).read_bytes() for name in stamps(out)} == full


def test_force_renders_everything(tmp_path: Path) -> None:
    job = setup(tmp_path)
    render(job)
    before = stamps(tmp_path / "out")
    assert set(plan(job).values()) == {"up to date"}
    forced = render(job, "--force")
    assert "up to date" not in forced.stdout
    after = stamps(tmp_path / "out")
    assert all(after[name] != before[name] for name in before)


def test_a_product_that_failed_is_rendered_whole_next_time(tmp_path: Path) -> None:
    job = setup(tmp_path)
    job.write_text(JOB.replace("真皮托特包", "真皮托特包" * 40), encoding="utf-8")  # too long for the banner
    assert render(job).exit_code == 1
    assert (tmp_path / "out" / "bag" / "product-main-square.jpg").exists()  # what could be made was made
    assert plan(job)["bag/product-main-square.jpg"] == "product not recorded"
    job.write_text(JOB, encoding="utf-8")
    assert render(job).exit_code == 0
    items = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["items"]
    assert [len(i["outputs"]) for i in items] == [4, 4]


def test_kept_photos_are_not_decoded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = setup(tmp_path)
    assert render(job, "--keep-photos").exit_code == 0
    out = tmp_path / "out"
    photos = list((out / ".artpipe-cache" / "photos").glob("*.px"))
    assert len(photos) == 2
    (tmp_path / "banner.yaml").write_text("extends: promo-banner\nname: banner\nfields:\n"
                                          "  accent: {type: color, default: \"#1f9d55\"}\n", encoding="utf-8")

    def no_decoding(*_: object, **__: object) -> None:
        msg = "a kept photo was decoded again"
        raise AssertionError(msg)
    monkeypatch.setattr("artpipe.run.tasks.open_image", no_decoding)
    again = render(job, "--keep-photos")
    assert again.exit_code == 0, again.output
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    CliRunner().invoke(main, ["render", str(job), "-o", str(fresh), "-j", "1"])
    assert {n: (out / n).read_bytes() for n in stamps(out)} == {n: (fresh / n).read_bytes() for n in stamps(fresh)}
