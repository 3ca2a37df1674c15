"""A rendered campaign as people read it (artpipe/report/proofview.py): read from the campaign's typed record,
slot titles and failing rules in words, what changed since approval, the shop sign once, and a folder from
before the record read from its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from artpipe.approval import Change
from artpipe.imaging.checks import CheckResult
from artpipe.reasons import Note, WarningKind
from artpipe.report.proofview import RECORD, approval, read_proof, read_record, record_json
from artpipe.report.results import OutputCheck, OutputResult, ProductResult, Status

FILL = CheckResult("fill", False, "product fills 40%", ">= 85%", "Tmall", "documented")
OK = CheckResult("square", True, "800x800", "width = height", "Tmall", "documented")


def campaign(root: Path, changes: list[Change] | None = None) -> list[ProductResult]:
    """Two products of a campaign at ``root``, each with a Tmall white-background image and the same shop sign; the
    first fails a rule and is dark."""
    products = []
    for sku, rules in (("mug", (OK, FILL)), ("cup", (OK,))):
        main, sign = root / sku / "white.jpg", root / "shop-sign.jpg"
        for path in (main, sign):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x" * 3000)
        products.append(ProductResult(
            root / "photos" / f"{sku}.jpg", sku, Status.OK,
            outputs=(OutputResult(main, check=OutputCheck("tmall.white_bg", "tmall", rules)),
                     OutputResult(sign, check=OutputCheck("tmall.shop_sign", "tmall", (OK,)))),
            warnings=(Note(WarningKind.DARK, "mean_31<40"),) if sku == "mug" else ()))
    (root / RECORD).parent.mkdir(parents=True, exist_ok=True)
    (root / RECORD).write_text(record_json(root, products, changes), encoding="utf-8")
    return products


def test_the_record_is_written_relative_to_the_campaign_and_read_back_wherever_it_moved(tmp_path: Path) -> None:
    products = campaign(tmp_path / "spring", [Change("mug/white.jpg", "changed", ".artpipe/diff/mug.png")])
    doc = json.loads((tmp_path / "spring" / RECORD).read_text(encoding="utf-8"))
    assert doc["products"][0]["outputs"][0]["path"] == "mug/white.jpg"
    (tmp_path / "spring").rename(tmp_path / "autumn")
    record = read_record(tmp_path / "autumn")
    assert record is not None
    back, changes = record
    assert [p.sku for p in back] == ["mug", "cup"]
    assert back[0].outputs[0].path == tmp_path / "autumn" / "mug" / "white.jpg"
    assert back[0].outputs[0].check == products[0].outputs[0].check
    assert changes == {"mug/white.jpg": Change("mug/white.jpg", "changed", ".artpipe/diff/mug.png")}


def test_a_missing_or_unreadable_record_is_none(tmp_path: Path) -> None:
    assert read_record(tmp_path) is None
    (tmp_path / RECORD).parent.mkdir()
    (tmp_path / RECORD).write_text('{"products": [{"sku": "a"}]}', encoding="utf-8")
    assert read_record(tmp_path) is None


def test_the_proof_names_slots_and_failing_rules_in_words_and_shows_the_shop_sign_once(tmp_path: Path) -> None:
    campaign(tmp_path, [Change("mug/white.jpg", "changed", ".artpipe/diff/mug.png"), Change("cup/white.jpg", "new")])
    proof = read_proof(tmp_path, {"mug/white.jpg": "rejected"})
    [sign] = proof.shop_signs
    assert (sign.rel, sign.platform, sign.passed) == ("shop-sign.jpg", "Tmall", True)
    mug, cup = proof.products
    [shot] = mug.shots
    assert shot.title == "Tmall white-background image (白底图), 800x800"
    assert shot.failing == ["the product does not fill enough of the image: product fills 40% (needs >= 85%)"]
    assert (shot.passed, shot.decision, shot.change, shot.diff, shot.size) == (
        False, "rejected", "changed", ".artpipe/diff/mug.png", "2 KB")
    assert mug.warnings == ["the photo is very dark (mean_31<40)",
                            "the image fails a marketplace rule (see its checks)"]
    assert mug.made
    assert (cup.shots[0].passed, cup.shots[0].change, cup.shots[0].decision) == (True, "new", None)
    assert [s.rel for s in proof.shots] == ["shop-sign.jpg", "mug/white.jpg", "cup/white.jpg"]


def test_an_output_outside_the_campaign_is_not_shown(tmp_path: Path) -> None:
    root = tmp_path / "c"
    outside = tmp_path / "elsewhere.jpg"
    outside.write_bytes(b"x")
    product = ProductResult(None, "a", Status.OK, outputs=(OutputResult(outside),))
    (root / RECORD).parent.mkdir(parents=True)
    (root / RECORD).write_text(record_json(root, [product], None), encoding="utf-8")
    assert read_proof(root).products[0].shots == []


@pytest.mark.parametrize(("doc", "said"), [
    ({"approved_at": "2026-11-05T18:20:31Z", "approved_by": "Li Wei"}, "approved 2026-11-05 18:20 UTC by Li Wei"),
    ({"approved_at": "2026-11-05T18:20:31Z"}, "approved 2026-11-05 18:20 UTC"),
    ({"approved_at": "2026-11-05T18:20:31Z", "reopened_at": "2026-11-06T09:00:00Z"}, None),
])
def test_approval_says_when_and_by_whom_unless_reopened(tmp_path: Path, doc: dict[str, str], said: str | None) -> None:
    assert approval(tmp_path) is None
    (tmp_path / "approved.json").write_text(json.dumps(doc), encoding="utf-8")
    assert approval(tmp_path) == said


def test_a_folder_from_before_the_record_is_read_from_its_report(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the report showed outputs relative to the folder the render ran in
    (tmp_path / "c" / "mug").mkdir(parents=True)
    (tmp_path / "c" / "mug" / "white.jpg").write_bytes(b"x" * 2048)
    check = OutputCheck("tmall.white_bg", "tmall", (FILL,), "c/mug/white.jpg").to_json()
    report = {"items": [{"sku": "mug", "status": "ok", "message": "", "outputs": ["c/mug/white.jpg", "../outside.jpg"],
                         "warnings": ["dark:mean_31<40", "dark:mean_31<40"], "checks": [check],
                         "approval": [{"output": "c/mug/white.jpg", "state": "unchanged"}]}]}
    (tmp_path / "c" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    [mug] = read_proof(tmp_path / "c").products
    [shot] = mug.shots
    assert (shot.rel, shot.passed, shot.change, shot.size) == ("mug/white.jpg", False, "unchanged", "2 KB")
    assert mug.warnings == ["the photo is very dark (mean_31<40)"]  # each warning once, in words
