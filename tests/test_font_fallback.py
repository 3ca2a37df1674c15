from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from artpipe.errors import ConfigError, RenderError
from artpipe.layers.template import load_template
from artpipe.run.render import render

BRAND = Path(__file__).parent / "data" / "brand-latin.ttf"


def template(tmp_path: Path, family: str) -> Path:
    shutil.copy(BRAND, tmp_path / "brand.ttf")
    (tmp_path / "t.yaml").write_text(f"""\
name: t
sizes: {{s: 800x200}}
fields: {{headline: {{type: text}}}}
background: "#ffffff"
layers:
  - {{name: h, type: text, text: $headline, font: {{family: {family}, size: 60, min_size: 20}}, color: "#000000",
     valign: middle, box: {{left: 20, right: 20, top: 20, bottom: 20}}}}
""", encoding="utf-8")
    return tmp_path / "t.yaml"


def test_brand_font_for_latin_bundled_font_for_chinese(tmp_path: Path) -> None:
    t = load_template(template(tmp_path, "brand.ttf"))
    layer = t.layers["s"][0]
    assert layer.style.font.family == (str((tmp_path / "brand.ttf").resolve()),)  # type: ignore[attr-defined]
    mixed = render(t, "s", {"headline": "Sale 大促"}, {}).image.convert("L")
    assert mixed.point(lambda v: 255 if v < 128 else 0).getbbox() is not None
    # The Latin part is drawn in the brand face: it differs from the same word in the bundled face.
    plain = render(load_template(template(tmp_path, "sans")), "s", {"headline": "Sale 大促"}, {}).image.convert("L")
    assert mixed.crop((20, 0, 200, 200)).tobytes() != plain.crop((20, 0, 200, 200)).tobytes()


def test_a_character_no_face_has_is_an_error(tmp_path: Path) -> None:
    t = load_template(template(tmp_path, "[brand.ttf, sans]"))
    with pytest.raises(RenderError, match=r"no font has a glyph for '\U0002a6d6' \(U\+2A6D6\)"):
        render(t, "s", {"headline": "Sale \U0002a6d6"}, {})


@pytest.mark.parametrize(("family", "message"), [
    ("../brand.ttf", "'../brand.ttf' must be a path inside the template's folder"),
    ("missing.ttf", "file 'missing.ttf' not found next to the template"),
    ("Helvetica", "no bundled font family 'Helvetica'"),
])
def test_bad_families_are_reported(tmp_path: Path, family: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_template(template(tmp_path, family))


def test_a_brand_font_field_from_a_job(tmp_path: Path) -> None:
    from artpipe.report.outcome import product_item
    from artpipe.run.jobs import load_job, plan
    from artpipe.run.tasks import render_product
    shutil.copy(BRAND, tmp_path / "maison.ttf")
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 600x200}
fields: {headline: {type: text}, brand_font: {type: font}}
background: "#ffffff"
layers:
  - {name: h, type: text, text: $headline, font: {family: [$brand_font, sans], size: 60, min_size: 20},
     color: "#000000", box: {left: 20, right: 20, top: 20, bottom: 20}}
  - {name: b, type: shape, text: $headline, font: {family: $brand_font, size: 30, min_size: 10},
     box: {left: 0, top: 0, width: 200, height: 40}}
""", encoding="utf-8")
    (tmp_path / "kit.yaml").write_text("brand_font: maison.ttf\n", encoding="utf-8")
    (tmp_path / "job.yaml").write_text("brand: kit.yaml\ntemplates: [t.yaml]\noutput: '{sku}.png'\n"
                                       "products: [{sku: a, headline: Sale 大促}]\n", encoding="utf-8")
    job = load_job(tmp_path / "job.yaml")
    assert job.products[0].values["brand_font"] == str((tmp_path / "maison.ttf").resolve())
    (task,) = plan(job, tmp_path / "out")
    outcome = product_item(render_product(task))
    assert outcome.status == "ok", outcome.message
    with_brand = (tmp_path / "out" / "a.png").read_bytes()
    (tmp_path / "kit.yaml").write_text("brand_font: ''\n", encoding="utf-8")  # no brand font: bundled only
    (task,) = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    assert product_item(render_product(task)).status == "ok"
    assert (tmp_path / "out" / "a.png").read_bytes() != with_brand


def test_a_family_field_must_be_a_font_field(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 600x200}
fields: {headline: {type: text}}
layers:
  - {name: h, type: text, text: $headline, font: {family: $headline}}
""", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"font.family: \$headline must be a field of type font"):
        load_template(tmp_path / "t.yaml")


def test_a_font_beside_the_template_is_shipped_not_decoded_as_an_image(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from artpipe.cli.commands import main
    from artpipe.run.tasks import template_assets

    path = template(tmp_path, "[brand.ttf, sans]")
    t = load_template(path)
    font = str((tmp_path / "brand.ttf").resolve())
    assert t.assets == (font,)  # shipped to cluster workers and digested by incremental runs
    assert t.fonts == (font,)
    assert t.images == ()
    assert template_assets(t) == {}
    out = tmp_path / "p.png"
    result = CliRunner().invoke(main, ["preview", str(path), "--set", "headline=Sale", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    job = tmp_path / "job.yaml"
    job.write_text(f"templates: [{path}]\noutput: '{{sku}}.png'\nproducts: [{{sku: a, headline: Sale}}]\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.png").is_file()
