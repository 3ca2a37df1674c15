from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.errors import ConfigError
from artpipe.naming import safe_part
from artpipe.run.jobs import load_job, missing_inputs, plan

from conftest import product_photo


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "photos").mkdir()
    product_photo().save(tmp_path / "photos" / "a.jpg")
    product_photo((300, 300)).save(tmp_path / "photos" / "b.png")
    return tmp_path


def job(workdir: Path, body: str) -> Path:
    path = workdir / "job.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_job(path)
    return [str(p) for p in info.value.problems]


GOOD = """\
templates:
  - product-main
  - template: promo-banner
    sizes: [wide, mobile]
output: "{sku}/{template}-{size}.jpg"
products:
  - sku: a
    product: photos/a.jpg
    headline: 春季大促
  - sku: b
    product: photos/b.png
    headline: Spring sale
"""


def test_good_job_plans_every_output(workdir: Path) -> None:
    loaded = load_job(job(workdir, GOOD))
    assert [jt.sizes for jt in loaded.templates] == [("square", "large"), ("wide", "mobile")]
    assert loaded.products[0].images["product"] == workdir / "photos" / "a.jpg"
    tasks = plan(loaded, workdir / "out")
    assert [str(r.output.relative_to(workdir / "out")) for r in tasks[1].renders] == [
        "b/product-main-square.jpg", "b/product-main-large.jpg", "b/promo-banner-wide.jpg",
        "b/promo-banner-mobile.jpg"]
    assert loaded.encode.format == "JPEG"
    assert loaded.encode.quality == 90


def test_job_mistakes_point_at_lines(workdir: Path) -> None:
    body = GOOD.replace("  - product-main", "  - product-mian").replace("[wide, mobile]", "[wide, mobil]")
    body = body.replace("headline: Spring sale", "headlin: Spring sale")
    body = body.replace('"{sku}/', '"{skuu}/')
    jobfile = str(workdir / "job.yaml")
    assert problems(job(workdir, body)) == [
        f"{jobfile}:2:5: templates[0]: no template 'product-mian' (did you mean product-main?)",
        f"{jobfile}:4:12: templates[1].sizes: template promo-banner has no size 'mobil' (did you mean mobile?)",
        f"{jobfile}:5:9: output: unknown placeholder {{skuu}} (did you mean sku?)",
    ]  # product fields are only checked once every template loads: a missing one may define them


def test_product_mistakes_point_at_lines(workdir: Path) -> None:
    body = GOOD.replace("headline: Spring sale", "headlin: Spring sale")
    jobfile = str(workdir / "job.yaml")
    assert problems(job(workdir, body)) == [
        f"{jobfile}:10:5: products[1].headlin: not a field of any template (did you mean headline?)",
        f"{jobfile}:10:5: products[1]: missing 'headline', required by template promo-banner",
    ]


def test_duplicate_sku_and_colliding_outputs(workdir: Path) -> None:
    body = GOOD.replace("sku: b", "sku: a")
    assert any("duplicate sku 'a'" in p for p in problems(job(workdir, body)))
    body = GOOD.replace('"{sku}/{template}-{size}.jpg"', '"{template}-{size}.jpg"')
    with pytest.raises(ConfigError, match=r"'product-main-square.jpg' is also written for a \(product-main, square\)"):
        plan(load_job(job(workdir, body)), workdir / "out")


def test_csv_rows_have_their_own_line_numbers(workdir: Path) -> None:
    (workdir / "p.csv").write_text("sku,product,headline,colour\nx,photos/a.jpg,Hi,red\ny,photos/b.png,,\n",
                                   encoding="utf-8")
    body = "templates: [promo-banner]\ncsv: p.csv\n"
    found = problems(job(workdir, body))
    csv = str(workdir / "p.csv")
    assert any(p.startswith(f"{csv}:2:1: products[0].colour: not a field of any template (fields: accent,")
               for p in found)
    assert f"{csv}:3:1: products[1]: missing 'headline', required by template promo-banner" in found


@pytest.mark.parametrize("text", ["", "sku,product,headline\n", "\ufeff\n"], ids=["empty", "header", "bom"])
def test_a_csv_without_products_is_named(workdir: Path, text: str) -> None:
    (workdir / "p.csv").write_text(text, encoding="utf-8")
    assert problems(job(workdir, "templates: [promo-banner]\ncsv: p.csv\n")) == [
        f"{workdir / 'p.csv'}: the CSV has no products (write a header line like sku,product,headline, then one line "
        "per product)"]


def test_csv_images_are_relative_to_the_csv(workdir: Path) -> None:
    (workdir / "data").mkdir()
    (workdir / "data" / "p.csv").write_text("sku,product\nx,../photos/a.jpg\n", encoding="utf-8")
    loaded = load_job(job(workdir, "templates: [product-main]\ncsv: data/p.csv\n"))
    assert loaded.products[0].images["product"].resolve() == (workdir / "photos" / "a.jpg").resolve()


def test_missing_images_are_listed_for_validate(workdir: Path) -> None:
    loaded = load_job(job(workdir, GOOD.replace("photos/b.png", "photos/nope.png")))
    (problem,) = missing_inputs(loaded)
    assert problem.where == "products[1].product"
    assert "nope.png" in problem.what


def test_format_follows_extension_unless_told(workdir: Path) -> None:
    assert load_job(job(workdir, GOOD.replace(".jpg\"", ".webp\""))).encode.format == "WEBP"
    body = GOOD.replace(".jpg\"", ".png\"") + "format: {type: jpeg, quality: 70, background: '#000000'}\n"
    enc = load_job(job(workdir, body)).encode
    assert (enc.format, enc.quality, enc.background) == ("JPEG", 70, (0, 0, 0))
    assert any("cannot tell the format from '.gif'" in p
               for p in problems(job(workdir, GOOD.replace(".jpg\"", ".gif\""))))


@pytest.mark.parametrize(("value", "expected"), [("a/b", "a_b"), ("..", "_"), ("春季 sale", "春季 sale"),
                                                 ("x:y*?", "x_y_")])
def test_values_in_file_names_are_made_safe(value: str, expected: str) -> None:
    assert safe_part(value) == expected


def test_brand_kit_values_layer_under_defaults_and_products(workdir: Path) -> None:
    (workdir / "brands").mkdir()
    (workdir / "brands" / "logo.png").write_bytes(b"png")
    (workdir / "brands" / "acme.yaml").write_text(
        "logo: logo.png\naccent: '#111111'\nbadge: 新品\nshop: ACME 旗舰店\n", encoding="utf-8")
    body = GOOD.replace("templates:", "brand: brands/acme.yaml\ndefaults: {badge: 限时}\ntemplates:")
    body = body.replace("    headline: Spring sale", "    headline: Spring sale\n    accent: '#222222'")
    loaded = load_job(job(workdir, body))
    first, second = loaded.products
    assert first.images["logo"] == workdir / "brands" / "logo.png"  # relative to the brand file
    assert first.values["accent"] == "#111111"  # from the kit
    assert second.values["accent"] == "#222222"  # the product wins
    assert first.values["badge"] == "限时"  # the job's defaults win over the kit
    assert "shop" not in first.values  # a kit may carry fields these templates do not use


def test_brand_kit_typos_are_caught(workdir: Path) -> None:
    (workdir / "kit.yaml").write_text("acent: '#111111'\n", encoding="utf-8")
    found = problems(job(workdir, "brand: kit.yaml\n" + GOOD))
    assert found == [f"{workdir / 'kit.yaml'}:1:1: acent: not a field of any template (did you mean accent?)"]
    assert problems(job(workdir, "brand: nope.yaml\n" + GOOD)) == [
        f"{workdir / 'job.yaml'}:1:8: brand: no brand file 'nope.yaml' (give a YAML file of field values, "
        "relative to the job)"]


def test_a_products_market_is_its_own_else_the_jobs(workdir: Path) -> None:
    body = GOOD.replace("output:", "locale: ar-SA\noutput:").replace("    headline: Spring sale",
                                                                        "    headline: Spring sale\n    currency: EUR")
    a, b = load_job(job(workdir, body)).products
    assert (a.locale, a.currency) == ("ar-SA", "")  # a locale alone: its country's currency, when drawn
    assert (b.locale, b.currency) == ("ar-SA", "EUR")


def test_an_unknown_locale_or_currency_is_a_problem_on_its_line(workdir: Path) -> None:
    body = GOOD.replace("output:", "locale: xx-QQQ\noutput:").replace("    headline: Spring sale",
                                                                         "    headline: Spring sale\n    currency: ZZZ")
    jobfile = str(workdir / "job.yaml")
    assert problems(job(workdir, body)) == [
        f"{jobfile}:5:9: locale: 'xx-QQQ' is not a locale CLDR knows (write it like zh-CN, pt-BR, de-CH or ar-SA)",
        f"{jobfile}:11:5: products[1].currency: 'ZZZ' is not a currency CLDR knows (write an ISO code like EUR "
        "or a sign like €)",
    ]
