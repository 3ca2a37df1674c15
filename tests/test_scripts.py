"""Every character a merchant types: full CJK in four regions, emoji, Arabic and Thai, each drawn by a face of the
fallback chain, shaped where the script needs it, and named in the report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import ConfigError, RenderError
from artpipe.layers.template import load_template
from artpipe.reasons import tokens
from artpipe.run.render import render
from artpipe.template.find import bundled_templates
from artpipe.template.model import Template
from artpipe.text import fonts
from artpipe.text.draw import Setting, draw_line, line_width, visual

from conftest import assert_matches_golden, product_photo
from test_render import asset_of

# The headlines merchants typed that the GB 2312 fonts could not draw, and two that need shaping.
HEADLINES = {
    "names": ("张喆的陶瓷店 堃玥", None),
    "zh-hant": ("臺灣限定 陶瓷馬克杯", "zh-Hant"),
    "ja": ("マグカップ 新発売", None),
    "ko": ("머그컵 신상품", None),
    "emoji": ("🔥爆款 限时抢购", None),
    "arabic": ("تخفيضات الربيع على كل الأكواب", None),
    "thai": ("ลดราคาฤดูใบไม้ผลิ แก้วทุกใบ", None),
}


@pytest.fixture(scope="module")
def banner() -> Template:
    return load_template(bundled_templates()["promo-banner"])


def ink_box(im: Image.Image) -> tuple[int, int, int, int]:
    box = im.getchannel("A").getbbox()
    assert box is not None
    return box


@pytest.mark.parametrize("key", list(HEADLINES))
def test_every_headline_renders_in_every_size_of_promo_banner(banner: Template, key: str,
                                                              update_goldens: bool) -> None:
    headline, lang = HEADLINES[key]
    photo = asset_of(product_photo())
    for size in banner.size_names:
        done = render(banner, size, {"headline": headline, "price": "¥39.90"}, {"product": photo}, lang=lang)
        assert not [w for w in tokens(done.warnings) if w.startswith("text_truncated")], tokens(done.warnings)
        used = {face for layer, face in done.fonts if layer == "headline"}
        expected = {"emoji": {"Noto Color Emoji", "Noto Sans CJK Bold"}, "arabic": {"Noto Sans Arabic Bold"},
                    "thai": {"Noto Sans Thai Bold"}}.get(key, {"Noto Sans CJK Bold"})
        assert used == expected
        if size == "mobile":
            assert_matches_golden(done.image, f"script-{key}", update_goldens)


def test_every_region_is_covered() -> None:
    """GB 18030's two-byte hanzi (GBK), Big5, JIS X 0208/0213 kanji and kana, KS X 1001 Hangul and Hanja, and
    every modern Hangul syllable."""
    def two_bytes(codec: str, first: range, second: range) -> set[int]:
        out = set()
        for hi in first:
            for lo in second:
                try:
                    out.update(ord(c) for c in bytes([hi, lo]).decode(codec))
                except UnicodeDecodeError:
                    pass
        return out

    faces = fonts.chain("sans", "regular")
    have = set().union(*(fonts.coverage(f) for f in faces))
    han = {c for c in two_bytes("gbk", range(0x81, 0xFF), range(0x40, 0xFF)) if 0x4E00 <= c <= 0x9FFF}
    big5 = {c for c in two_bytes("big5", range(0xA1, 0xFA), range(0x40, 0xFF)) if 0x4E00 <= c <= 0x9FFF}
    jis = {c for c in two_bytes("euc_jis_2004", range(0xA1, 0xFF), range(0xA1, 0xFF)) if c > 0x3000}
    korean = {c for c in two_bytes("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF)) if c >= 0x3130} | set(
        range(0xAC00, 0xD7A4))  # KS X 1001's Hangul, jamo and Hanja, and every modern syllable
    for name, wanted in (("GBK hanzi", han), ("Big5", big5), ("JIS X 0213", jis), ("Korean", korean)):
        missing = sorted(wanted - have)
        assert not missing, f"{name}: {len(missing)} missing, e.g. {[chr(c) for c in missing[:5]]}"
    assert len(han) > 20000
    assert len(big5) > 13000
    assert len(korean) >= 11172


def test_lang_selects_the_regions_glyph_forms() -> None:
    """One font, four regions: the same code points take Traditional Chinese, Japanese or Korean forms."""
    def drawn(lang: str | None) -> bytes:
        setting = Setting(fonts.chain("sans", "regular"), 64, lang)
        im = Image.new("RGBA", (700, 100), (0, 0, 0, 0))
        draw_line(im, 0, 80, "直角骨遍", setting, (0, 0, 0, 255))
        return im.tobytes()

    forms = {lang: drawn(lang) for lang in (None, "zh-Hant", "ja", "ko")}
    assert len(set(forms.values())) == 4


def test_arabic_is_shaped_right_to_left_and_aligned_right(tmp_path: Path) -> None:
    word = "مرحبا"
    setting = Setting(fonts.chain("sans", "bold"), 60)
    joined = line_width(word, setting)
    isolated = sum(line_width(ch, setting) for ch in word)
    assert joined < isolated * 0.9  # joined letters are narrower than the same letters alone
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 800x120}
fields: {h: {type: text}}
background: "#00000000"
layers:
  - {name: h, type: text, text: $h, font: {size: 60}, align: left, box: {left: 0, top: 0, right: 0, bottom: 0}}
""", encoding="utf-8")
    t = load_template(tmp_path / "t.yaml")
    arabic = ink_box(render(t, "s", {"h": "خصم 50% على الكل"}, {}).image)
    latin = ink_box(render(t, "s", {"h": "Sale 50% off all"}, {}).image)
    assert arabic[2] >= 795  # a right-to-left paragraph sets from the right edge
    assert arabic[0] > 200
    assert latin[0] <= 5


def test_runs_against_the_paragraph_keep_their_spaces_between_words() -> None:
    faces = fonts.chain("sans", "regular")
    order = [r.text for r in visual(fonts.runs("خصم 50% على", faces), rtl=True)]
    assert order == ["على", " ", "50%", "خصم "]


def test_emoji_are_colour_pictures_on_the_baseline_or_grey_when_asked(tmp_path: Path) -> None:
    def emoji_layer(mode: str) -> Image.Image:
        (tmp_path / "t.yaml").write_text(f"""\
name: t
sizes: {{s: 400x100}}
fields: {{h: {{type: text}}}}
background: "#00000000"
layers:
  - {{name: h, type: text, text: $h, emoji: {mode}, font: {{size: 80}}, color: "#000000",
     box: {{left: 0, top: 0, width: 400, height: 100}}}}
""", encoding="utf-8")
        return render(load_template(tmp_path / "t.yaml"), "s", {"h": "🔥大"}, {}).image

    colour, grey = emoji_layer("color"), emoji_layer("mono")
    fire = colour.crop((0, 0, 85, 100))
    pixels = [p for p in fire.get_flattened_data() if p[3] > 200]
    assert any(r > 200 and g < 160 and b < 100 for r, g, b, _ in pixels)  # orange-red flame
    box = ink_box(fire)
    assert box[1] >= 0  # the em box's height, inside the layer
    assert box[3] <= 100
    assert box[3] - box[1] > 60
    grey_fire = grey.crop((0, 0, 85, 100)).get_flattened_data()
    assert all(abs(r - g) < 3 and abs(g - b) < 3 for r, g, b, a in grey_fire if a > 200)


def test_ellipsis_and_dashes_follow_the_script_they_end() -> None:
    faces = fonts.chain("sans", "bold")
    assert [(r.face.family, r.text) for r in fonts.runs("Sale—now…", faces)] == [
        ("sans", "Sale"), ("noto-sans", "—"), ("sans", "now"), ("noto-sans", "…")]
    assert [(r.face.family, r.text) for r in fonts.runs("大促……", faces)] == [("sans", "大促……")]


def test_without_shaping_scripts_that_need_it_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SHAPING", False)
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 800x120}
fields: {h: {type: text}}
layers:
  - {name: h, type: text, text: $h, box: {left: 0, top: 0, right: 0, bottom: 0}}
""", encoding="utf-8")
    t = load_template(tmp_path / "t.yaml")
    with pytest.raises(RenderError, match="needs shaping"):
        render(t, "s", {"h": "مرحبا"}, {})
    assert render(t, "s", {"h": "春季 Sale"}, {}).image.size == (800, 120)


def test_a_bad_language_tag_is_a_template_error(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 800x120}
fields: {h: {type: text}}
layers:
  - {name: h, type: text, text: $h, lang: "chinese please", box: {left: 0, top: 0, right: 0, bottom: 0}}
""", encoding="utf-8")
    with pytest.raises(ConfigError, match="'chinese please' is not a language tag"):
        load_template(tmp_path / "t.yaml")


def font_template(tmp_path: Path, *, licence: str | None = None, job_licensed: str = "") -> Path:
    """A template folder with an unlicensed copy of the test brand font (its name table's licence removed)."""
    from fontTools.ttLib import TTFont

    folder = tmp_path / "brand-t"
    folder.mkdir(exist_ok=True)
    font = TTFont(Path(__file__).parent / "data" / "brand-latin.ttf")
    font["name"].names = [n for n in font["name"].names if n.nameID not in (13, 14)]
    font.save(folder / "brand.ttf")
    if licence is not None:
        (folder / licence).write_text("the licence text", encoding="utf-8")
    (folder / "template.yaml").write_text("""\
name: brand-t
sizes: {s: 400x100}
fields: {h: {type: text}}
layers:
  - {name: h, type: text, text: $h, font: {family: brand.ttf}, box: {left: 0, top: 0, right: 0, bottom: 0}}
""", encoding="utf-8")
    (tmp_path / "job.yaml").write_text(f"templates: [brand-t]\n{job_licensed}products: [{{sku: a, h: Sale}}]\n",
                                       encoding="utf-8")
    return folder


def test_a_template_font_without_a_licence_is_refused_unless_someone_vouches(tmp_path: Path) -> None:
    from artpipe.run.jobs import load_job

    folder = font_template(tmp_path)
    with pytest.raises(ConfigError, match="font 'brand.ttf' has no licence artpipe can find"):
        load_template(folder)
    with pytest.raises(ConfigError, match="list it under licensed_fonts"):
        load_job(tmp_path / "job.yaml")
    assert load_template(folder, licensed=frozenset({"brand.ttf"})).fonts
    font_template(tmp_path, job_licensed="licensed_fonts: [brand.ttf]\n")
    assert load_job(tmp_path / "job.yaml").templates[0].template.fonts
    folder = font_template(tmp_path, licence="OFL.txt")
    assert fonts.licence_of(folder / "brand.ttf") == "see OFL.txt"
    assert load_template(folder).fonts
    assert fonts.licence_of(Path(__file__).parent / "data" / "brand-latin.ttf") == "Bitstream Vera"  # its name table


def test_a_job_language_and_system_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.report.outcome import product_item
    from artpipe.run.jobs import load_job, plan
    from artpipe.run.tasks import render_product

    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 600x120}
fields: {h: {type: text}}
layers:
  - {name: h, type: text, text: $h, font: {size: 60}, box: {left: 0, top: 0, right: 0, bottom: 0}}
""", encoding="utf-8")

    def run(extra: str, headline: str = "直角骨遍") -> tuple[str, bytes]:
        (tmp_path / "job.yaml").write_text(f"templates: [t.yaml]\noutput: '{{sku}}.png'\n{extra}"
                                           f"products: [{{sku: a, h: '{headline}'}}]\n", encoding="utf-8")
        (task,) = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
        item = product_item(render_product(task))
        return item.status, (tmp_path / "out" / "a.png").read_bytes() if item.status == "ok" else b""

    assert run("lang: ja\n") != run("")  # Japanese glyph forms
    assert run("lang: zh-Hant\n") != run("")
    # No bundled face has the trigrams; the machine's fonts draw them only where the job allows it
    monkeypatch.setattr("artpipe.run.tasks.system_fonts",
                        lambda: (str(Path(__file__).parent / "data" / "trigrams.ttf"),))
    assert run("", "☰ 乾")[0] == "failed"
    status, drawn = run("system_fonts: true\n", "☰ 乾")
    assert status == "ok"
    with Image.open(io.BytesIO(drawn)) as im:
        assert im.convert("L").crop((0, 0, 60, 120)).getextrema()[0] < 100  # the trigram is drawn, dark
    with pytest.raises(ConfigError, match="is not a language tag"):
        run("lang: 'no such'\n")


def test_validate_names_every_uncovered_character_before_rendering(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from artpipe.cli.commands import main

    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text(
        "templates: [promo-banner]\nproducts:\n"
        '  - {sku: a, product: p.jpg, headline: "张喆 \\U0002A6D6 大促"}\n'
        '  - {sku: b, product: p.jpg, headline: "🔥爆款 مرحبا 臺灣"}\n', encoding="utf-8")
    done = CliRunner().invoke(main, ["validate", str(tmp_path / "job.yaml")])
    assert done.exit_code == 1
    assert "a: promo-banner: layer headline at size wide: no font has a glyph for '\U0002a6d6' (U+2A6D6)" in done.output
    assert " b: " not in done.output
    assert not (tmp_path / "out").exists()


def test_japanese_lines_keep_kinsoku_as_chinese_ones_do() -> None:
    """No line starts with a small kana, a prolonged sound mark or closing punctuation; none ends with 「."""
    from artpipe.text.breaking import break_units

    units = break_units("ラーメンです。ちょっと「新発売」、ショッピング")
    assert all(u[0] not in "ーっゃゅょァィゥェォッャュョ。、」" for u in units), units
    assert all(not u.endswith("「") for u in units), units
    assert "ラー" in units
    assert "ちょっ" in units


def test_the_report_names_the_faces_of_every_text_layer(tmp_path: Path) -> None:
    from artpipe.api import render_job
    from artpipe.run.jobs import load_job

    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text(
        "templates: [promo-banner]\nsizes: [mobile]\nproducts:\n"
        '  - {sku: a, product: p.jpg, headline: "🔥爆款 Sale", price: "¥39.90", badge: "-50%"}\n', encoding="utf-8")
    result = render_job(load_job(tmp_path / "job.yaml"), tmp_path / "out", jobs=1)
    faces = result.outcomes[0].extra["fonts"]
    assert faces["headline"] == ["Noto Color Emoji", "Noto Sans CJK Bold"]
    assert faces["price"] == ["Noto Sans CJK Bold"]  # a price layer
    assert faces["badge"] == ["Noto Sans CJK Bold"]  # a shape's label
