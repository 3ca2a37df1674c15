"""The one API both shells are over (api.py), called as a script would: typed answers, and ConfigError with one
line per problem where the input is wrong."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from artpipe import api
from artpipe.errors import ConfigError
from artpipe.reasons import Reason
from artpipe.report.results import Status

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_inspect_says_what_artpipe_sees_in_a_file_or_why_it_refuses_it(tmp_path: Path) -> None:
    photo = tmp_path / "mug.png"
    Image.new("RGBA", (60, 40), (255, 255, 255, 255)).save(photo)
    seen = api.inspect_file(photo)
    assert (seen["status"], seen["format"], seen["size"], seen["mode"]) == (Status.OK, "PNG", [60, 40], "RGBA")
    (tmp_path / "page.jpg").write_bytes(b"<html>")
    refused = api.inspect_file(tmp_path / "page.jpg")
    assert (refused["status"], refused["reason"]) == (Status.REJECTED, Reason.UNSUPPORTED)
    assert str(refused["message"]).startswith("not an image artpipe reads")


def test_validate_answers_with_a_typed_verdict_for_templates_jobs_and_missing_files(tmp_path: Path) -> None:
    template = api.validate_file(SAMPLES.parent / "templates" / "product-main")
    assert (template.kind, template.ok, template.problems) == ("template", True, ())
    assert template.summary.startswith("template product-main: ")
    missing = api.validate_file(tmp_path / "nope.yaml")
    assert missing.as_dict() == {"file": str(tmp_path / "nope.yaml"), "kind": "", "ok": False, "summary": "",
                                 "problems": [f"{tmp_path / 'nope.yaml'}: no such file (give a template, job or "
                                              "request file)"], "cut": []}
    job = tmp_path / "job.yaml"
    job.write_text("templates: [product-main]\nproducts: [{sku: a, product: a.jpg}]\n", encoding="utf-8")
    found = api.validate_file(job)
    assert (found.kind, found.ok, found.summary) == ("job", False, "job job: 1 product, 2 outputs, every text fits")
    assert found.problems == (f"{job}:2:1: products[0].product: no file {tmp_path / 'a.jpg'}",)
    job.write_text("templates: [product-main]\nproducts: [{sku: a, produkt: a.jpg}]\n", encoding="utf-8")
    broken = api.validate_file(job)
    assert broken.kind == ""
    assert broken.problems == (
        f"{job}:2:12: products[0].produkt: not a field of any template (did you mean product?)",
        f"{job}:2:12: products[0]: missing 'product', required by template product-main")


def test_files_are_checked_against_every_preset_a_platform_stands_for(tmp_path: Path) -> None:
    shot = tmp_path / "main.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 800), (255, 255, 255)).save(buffer, "JPEG")
    shot.write_bytes(buffer.getvalue())
    checks = api.check_files([shot], ["jd"])
    assert [(c.preset, c.platform, c.output) for c in checks] == [("jd.main", "jd", str(shot))]
    assert checks[0].results
    with pytest.raises(ConfigError) as unknown:
        api.check_files([shot], ["jdd", "tmall"])
    assert [str(p) for p in unknown.value.problems] == ["--preset: no preset or platform 'jdd' (did you mean jd?)"]


def test_a_template_is_copied_to_edit_and_previewed_beside_itself(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert api.preview_file("product-main") == tmp_path / "product-main-preview.png"  # artpipe's own: here
    copied = api.copy_template("product-main", tmp_path / "mine")
    assert copied == tmp_path / "mine" / "product-main"
    assert (copied / "template.yaml").is_file()
    assert api.locate_template(copied) == copied / "template.yaml"
    assert api.preview_file(copied) == copied / "preview.png"
    with pytest.raises(ConfigError) as again:
        api.copy_template("product-main", tmp_path / "mine")
    assert str(again.value) == f"{copied}: already exists (choose another folder; a copy never overwrites)"
    with pytest.raises(ConfigError, match=r"^nope: no such template \(give a template file or folder, or one of: "):
        api.locate_template("nope")


def test_every_bundled_template_is_listed_with_its_sizes_and_fields() -> None:
    listed = {t.name: t for t in api.bundled_template_list()}
    assert set(listed) == {p.name for p in (SAMPLES.parent / "templates").iterdir() if p.is_dir()}
    assert all(t.error == "" for t in listed.values())
    main = listed["product-main"].as_dict()
    assert main["fields"]["product"] == "image*"  # type: ignore[index]  # required: starred
    assert all("x" in size for size in main["sizes"].values())  # type: ignore[attr-defined]
    assert api.TemplateInfo("broken", error="t.yaml:1:1: bad").as_dict() == {"name": "broken",
                                                                              "error": "t.yaml:1:1: bad"}


def test_studio_users_are_added_replaced_and_removed(tmp_path: Path) -> None:
    api.init_workspace(tmp_path)
    ws = api.load_workspace(tmp_path)
    api.add_studio_user(ws, "anna", "correct horse battery")
    first = api.studio_users(ws)["anna"]
    assert first.startswith("scrypt$")
    assert "correct horse" not in first
    api.add_studio_user(ws, "anna", "another long password")
    assert api.studio_users(ws)["anna"] != first
    assert api.remove_studio_user(ws, "anna")
    assert not api.remove_studio_user(ws, "anna")
    assert api.studio_users(ws) == {}


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="module 'artpipe.api' has no attribute 'studio_ap'"):
        api.studio_ap  # type: ignore[attr-defined]  # noqa: B018
