"""What the workbench fills a template with (artpipe/workbench/samples.py): a sample set of fields over the
template's examples, a sample product, and the images a render needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.layers.template import load_template
from artpipe.template.model import Field
from artpipe.workbench import samples
from artpipe.workbench.samples import FIELD_SETS, Sample, products, sample_for, sample_images

FIELDS = {"headline": Field("headline", "text", example="Hello"), "badge": Field("badge", "text"),
          "accent": Field("accent", "color", example="#ff0000"), "product": Field("product", "image", True),
          "logo": Field("logo", "image", example="logo.png")}


def test_a_field_set_goes_over_the_examples_and_only_for_the_templates_own_fields() -> None:
    sample = sample_for(FIELDS, "white", "long-chinese")
    assert sample.values == {"headline": FIELD_SETS["long-chinese"].values["headline"],
                             "badge": FIELD_SETS["long-chinese"].values["badge"], "accent": "#ff0000"}
    assert "price" not in sample.values  # a field the template does not have
    assert (sample.product, sample.fields, sample.lang) == ("white", "long-chinese", "zh-Hans")
    assert sample_for(FIELDS, "white", "long-chinese", "zh-Hant").lang == "zh-Hant"  # a page's language wins


def test_unknown_names_fall_back_to_the_examples() -> None:
    assert sample_for(FIELDS, "spaceship", "klingon") == Sample("example", "example",
                                                                {"headline": "Hello", "accent": "#ff0000"}, None)


def test_sample_products_are_the_built_in_ones_and_the_photos_this_installation_has(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert {"example", "white"} <= set(products())
    monkeypatch.setattr(samples, "PHOTOS", tmp_path)  # an installed package: no sample photos
    assert set(products()) == {"example", "white"}
    assert sample_for(FIELDS, "mug", "example").product == "example"


def test_a_render_gets_the_sample_product_the_fields_examples_and_stand_ins(tmp_path: Path) -> None:
    Image.new("RGBA", (20, 10), (0, 0, 255, 255)).save(tmp_path / "logo.png")
    (tmp_path / "t.yaml").write_text(
        "name: t\nsizes: {s: 100x100}\nfields:\n  product: {type: image, required: true}\n"
        "  logo: {type: image, example: logo.png}\n  extra: {type: image}\nlayers:\n"
        "  - {name: product, type: image, source: $product}\n", encoding="utf-8")
    template = load_template(tmp_path / "t.yaml")
    white = sample_images(template, Sample("white"))
    assert set(white) == {"product", "logo"}  # an optional field with no example gets nothing
    assert white["logo"].image.size == (20, 10)
    assert white["product"].source == "<white product>"
    assert sample_images(template, Sample("white"))["product"] is white["product"]  # drawn once per process
    assert sample_images(template, Sample("example"))["product"].source == "<product>"  # a stand-in
