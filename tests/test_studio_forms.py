"""The studio's request form (studio/forms.py): read from the posted fields, saved as a request folder that
``artpipe request`` reads (or refused with each mistake beside its field, leaving nothing behind), and filled in
again from a request file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from artpipe.errors import ConfigError
from artpipe.studio.forms import (
    REQUEST_FILE,
    RequestForm,
    Upload,
    _field_of,
    form_of_request,
    form_of_yaml,
    is_renaming,
    read_form,
    renamed_note,
    save_request,
)


def _jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_posted_fields_are_read_into_a_form() -> None:
    form = read_form({"campaign": " double11 ", "platforms": "jd", "presets": ["tmall.white_bg", ""],
                      "rows-0-sku": "mug", "rows-0-photo": "mug.jpg", "rows-2-headline": " Hi ",
                      "tpl-0-slot": "jd.main", "tpl-0-template": "product-edge", "tpl-1-slot": "tmall.poster"},
                     [Upload("mug.jpg", b"x")], None)
    assert (form.campaign, form.platforms, form.presets) == ("double11", ["jd"], ["tmall.white_bg"])
    assert [{k: v for k, v in row.items() if v} for row in form.rows] == [{"sku": "mug", "photo": "mug.jpg"},
                                                                          {"headline": "Hi"}]  # empty rows go
    assert form.templates == {"jd.main": "product-edge"}  # a slot without a template is no choice


def test_a_form_is_saved_as_a_request_artpipe_reads(tmp_path: Path) -> None:
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "maison.yaml").write_text("accent: '#aa0000'\n", encoding="utf-8")
    folder = tmp_path / "studio" / "requests" / "r1"  # where the studio keeps it: the brand is three folders up
    form = RequestForm(campaign="双十一", brand="maison.yaml", platforms=["jd"], templates={"jd.main": "promo-banner"},
                       rows=[{"sku": "mug", "photo": "mug", "headline": "马克杯", "title": "not a jd field"}],
                       photos=[Upload("mug.jpg", _jpeg(10)), Upload("mug.jpg", _jpeg(90))])
    request = save_request(form, folder, tmp_path / "brands")
    assert form.errors == {}
    assert request is not None
    assert form.renamed == [("mug.jpg", "mug-2.jpg")]
    assert sorted(p.name for p in (folder / "photos").iterdir()) == ["mug-2.jpg", "mug.jpg"]
    assert (folder / "photos" / "mug.jpg").read_bytes() == _jpeg(10)
    doc = yaml.safe_load((folder / REQUEST_FILE).read_text(encoding="utf-8"))
    assert doc == {"campaign": "双十一", "merchant": "双十一", "platforms": ["jd"],
                   "products": [{"sku": "mug", "product": "photos/mug.jpg", "headline": "马克杯"}],  # its template's
                   "templates": {"jd.main": "promo-banner"}, "brand": "../../../brands/maison.yaml"}
    again = form_of_request(folder)
    assert (again.campaign, again.brand, again.platforms) == ("双十一", "maison.yaml", ["jd"])
    assert again.rows == [{"sku": "mug", "headline": "马克杯", "photo": "mug.jpg"}]


def test_a_refused_form_says_each_mistake_beside_its_field_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "requests" / "r1"
    form = RequestForm(brand="../artpipe.yaml", templates={"jd.main": "nope"},
                       rows=[{"sku": "a", "photo": "a.jpg"}],
                       photos=[Upload("a.jpg", b"<?php system($_GET['c']); ?>")])
    assert save_request(form, folder, tmp_path / "brands") is None
    assert form.errors["campaign"] == ["name the campaign, e.g. double11"]
    assert form.errors["brand"] == ["no brand kit '../artpipe.yaml' in the workspace's brands/ folder"]
    assert form.errors["templates"][0].startswith("jd.main: no template 'nope'; choose one of ")
    assert form.errors["platforms"] == ["choose at least one platform (or single slots)"]
    assert form.errors["photos"][0].startswith("a.jpg: ")
    assert form.errors["rows-0-photo"] == ["no uploaded photo 'a.jpg'; upload it with the photos"]
    assert not (tmp_path / "requests").exists() or not any((tmp_path / "requests").rglob("*"))


@pytest.mark.parametrize(("uploaded", "kept", "renaming"), [
    ("mug.jpg", "mug-2.jpg", True), ("mug.jpg", "mug-13.jpg", True), ("mug.jpg", "mug.jpg", False),
    ("mug.jpg", "call us now", False), ("mug.jpg", "mug-2.png", False), ("a/b:c.jpg", "b_c-2.jpg", True),
])
def test_only_a_real_renaming_is_shown(uploaded: str, kept: str, renaming: bool) -> None:
    assert is_renaming(uploaded, kept) is renaming


def test_a_renaming_is_said_with_both_names() -> None:
    assert renamed_note("mug.jpg", "mug-2.jpg") == ("Two photos were named mug.jpg: the second is kept as mug-2.jpg "
                                                    "(name it so in a row's photo)")


def test_a_request_file_fills_the_form_with_photo_and_brand_file_names() -> None:
    form = form_of_yaml("campaign: spring\nplatforms: tmall\npresets: [jd.main]\nbrand: ../../brands/maison.yaml\n"
                        "templates: {jd.main: product-edge}\n"
                        "products:\n  - {sku: mug, product: photos/mug.jpg, price: 29.9}\n  - not a product\n",
                        "spring.yaml")
    assert (form.campaign, form.platforms, form.presets, form.brand) == ("spring", ["tmall"], ["jd.main"],
                                                                         "maison.yaml")
    assert form.templates == {"jd.main": "product-edge"}
    assert form.rows == [{"sku": "mug", "price": "29.9", "photo": "mug.jpg"}]


def test_a_file_that_is_not_a_request_is_one_line() -> None:
    with pytest.raises(ConfigError) as refused:
        form_of_yaml("- a\n- b\n", "x.yaml")
    assert str(refused.value) == "x.yaml:1:1: a request must be a mapping of keys"


@pytest.mark.parametrize(("where", "field"), [
    ("products[2].headline", "rows-2-headline"), ("products[0].product", "rows-0-photo"),
    ("products[1].colour", "rows-1-sku"), ("products[3]", "rows-3-sku"), ("platforms[0]", "platforms"),
    ("brand", "brand"), ("campaign", "campaign"), ("locale", "products"), ("", "products"),
])
def test_a_request_problem_is_shown_beside_its_form_field(where: str, field: str) -> None:
    assert _field_of(where) == field
