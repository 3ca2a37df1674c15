"""A job's product rows (products.py): inline or from a CSV, laid over the brand kit and the job's defaults,
checked against the templates' fields, image paths resolved against the file that names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.layers.template import load_template
from artpipe.products import Product, market_problem, read_products
from artpipe.schema import Problems, Reader
from artpipe.template.find import bundled_templates
from artpipe.template.model import Template
from artpipe.yamlsrc import load_mapping


@pytest.fixture(scope="module")
def banner() -> Template:
    return load_template(bundled_templates()["promo-banner"])  # product (image, required), headline (required)...


def _read(folder: Path, job: str, templates: list[Template]) -> tuple[list[Product], list[str]]:
    path = folder / "job.yaml"
    path.write_text(job, encoding="utf-8")
    problems = Problems()
    products = read_products(Reader(load_mapping(path, "a job"), "", problems), folder, templates, problems)
    return products, [str(p).removeprefix(f"{folder}/") for p in problems.items]


def test_a_row_is_laid_over_the_brand_kit_and_the_job_defaults(tmp_path: Path, banner: Template) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "maison.yaml").write_text("logo: logo.png\naccent: '#aa0000'\nink: '#111111'\n"
                                                   "slogan: ours\n", encoding="utf-8")  # a kit key no template uses
    products, said = _read(tmp_path, """\
brand: kits/maison.yaml
defaults: {accent: '#00aa00', headline: Sale}
products:
  - {sku: mug-01, product: photos/mug.jpg, ink: '#222222', price: 29.0}
  - {product: /abs/bag.png, badge: true}
""", [banner])
    assert said == []
    mug, bag = products
    assert mug.values == {"accent": "#00aa00", "ink": "#222222", "headline": "Sale", "price": "29"}
    assert mug.images == {"logo": tmp_path / "kits" / "logo.png", "product": tmp_path / "photos" / "mug.jpg"}
    assert (mug.sku, mug.primary, mug.origin) == ("mug-01", tmp_path / "photos" / "mug.jpg", f"{tmp_path}/job.yaml:4")
    assert (bag.sku, bag.primary, bag.values["badge"]) == ("0002", Path("/abs/bag.png"), "true")


def test_a_market_is_the_jobs_unless_a_row_names_its_own(tmp_path: Path, banner: Template) -> None:
    products, said = _read(tmp_path, """\
locale: de-CH
currency: CHF
products:
  - {sku: a, product: a.jpg, headline: A}
  - {sku: b, product: b.jpg, headline: B, locale: pt-BR, currency: BRL, subjects: set}
""", [banner])
    assert said == []
    assert [(p.locale, p.currency, p.subjects) for p in products] == [("de-CH", "CHF", "one"), ("pt-BR", "BRL", "set")]


def test_every_mistake_in_a_row_is_one_line_at_the_row(tmp_path: Path, banner: Template) -> None:
    products, said = _read(tmp_path, """\
products:
  - {sku: a, product: a.jpg, headlin: Hi, currency: dollars}
  - {sku: a, headline: Hi, subjects: many, locale: xx-QQQ}
""", [banner])
    assert said == [
        "job.yaml:2:5: products[0].headlin: not a field of any template (did you mean headline?)",
        "job.yaml:2:5: products[0].currency: 'dollars' is not a currency CLDR knows "
        "(write an ISO code like EUR or a sign like €)",
        "job.yaml:2:5: products[0]: missing 'headline', required by template promo-banner",
        "job.yaml:3:5: products[1].subjects: 'many' is not one of one, set (write set for several pieces sold "
        "together)",
        "job.yaml:3:5: products[1].locale: 'xx-QQQ' is not a locale CLDR knows (write it like zh-CN, pt-BR, de-CH "
        "or ar-SA)",
        "job.yaml:3:5: products[1]: missing 'product', required by template promo-banner",
        f"job.yaml:3:1: products[1].sku: duplicate sku 'a' (first at {tmp_path}/job.yaml:2) (skus must be unique)",
    ]
    assert [(p.locale, p.currency, p.subjects) for p in products] == [("", "", "one"), ("", "", "one")]


def test_a_near_miss_in_a_shared_brand_kit_is_flagged_at_its_key(tmp_path: Path, banner: Template) -> None:
    _, said = _read(tmp_path, "brand: {acent: '#aa0000', slogan: ours}\n"
                              "products: [{sku: a, product: a.jpg, headline: A}]\n", [banner])
    assert said == ["job.yaml:1:9: brand.acent: not a field of any template (did you mean accent?)"]


def test_rows_from_a_csv_resolve_their_paths_from_the_csv_and_name_its_lines(tmp_path: Path,
                                                                              banner: Template) -> None:
    (tmp_path / "rows").mkdir()
    (tmp_path / "rows" / "p.csv").write_bytes("\ufeffsku, product ,headline\nmug,mug.jpg, 马克杯 \n"
                                              "bag,bag.png,Bag,extra\ncup,,Cup\n".encode())
    products, said = _read(tmp_path, "csv: rows/p.csv\n", [banner])
    assert [(p.sku, p.images, p.values, p.origin) for p in products] == [
        ("mug", {"product": tmp_path / "rows" / "mug.jpg"}, {"headline": "马克杯"}, f"{tmp_path}/rows/p.csv:2"),
        ("cup", {}, {"headline": "Cup"}, f"{tmp_path}/rows/p.csv:4")]
    assert said == ["rows/p.csv:3:1: more cells than header columns",
                    "rows/p.csv:4:1: products[1]: missing 'product', required by template promo-banner"]


@pytest.mark.parametrize(("job", "said"), [
    ("products: []\ncsv: p.csv\n", ["job.yaml:1:1: give products (a list) or csv (a file), exactly one"]),
    ("sku: x\n", ["job.yaml:1:1: give products (a list) or csv (a file), exactly one"]),
    ("products: []\n", ["job.yaml:1:1: the job has no products"]),
    ("csv: none.csv\n", ["none.csv: cannot read: No such file or directory"]),
])
def test_a_job_without_usable_products_says_so(tmp_path: Path, banner: Template, job: str, said: list[str]) -> None:
    assert _read(tmp_path, job, [banner]) == ([], said)


def test_a_csv_that_is_not_utf8_says_how_to_save_it(tmp_path: Path, banner: Template) -> None:
    (tmp_path / "p.csv").write_bytes("sku,headline\na,Café\n".encode("cp1252"))
    assert _read(tmp_path, "csv: p.csv\n", [banner]) == ([], ["p.csv: not UTF-8 text (save the CSV as UTF-8)"])


@pytest.mark.parametrize(("key", "value", "wrong"), [
    ("locale", "zh-CN", None), ("currency", "€", None), ("currency", "EUR", None),
    ("locale", "klingon", ("'klingon' is not a locale CLDR knows", "write it like zh-CN, pt-BR, de-CH or ar-SA")),
])
def test_a_market_value_is_checked_against_cldr(key: str, value: str, wrong: tuple[str, str] | None) -> None:
    assert market_problem(key, value) == wrong
