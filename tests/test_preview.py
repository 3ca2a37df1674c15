from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image, ImageChops

from artpipe.api import preview_template
from artpipe.cli.commands import main
from artpipe.layers.template import load_template
from artpipe.template.find import bundled_templates
from artpipe.template.layout import resolve_box

BANNER = bundled_templates()["promo-banner"]


def test_preview_one_size_writes_that_size(tmp_path: Path) -> None:
    out = tmp_path / "m.png"
    result = CliRunner().invoke(main, ["preview", str(BANNER), "--size", "mobile", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as im:
        assert im.size == (750, 390)


def test_preview_all_sizes_makes_a_sheet(tmp_path: Path) -> None:
    out = tmp_path / "all.png"
    result = CliRunner().invoke(main, ["preview", str(BANNER), "-o", str(out)])
    assert result.exit_code == 0
    assert "promo-banner / wide (1920x600), promo-banner / mobile (750x390), promo-banner / square (800x800)" \
        in result.stdout
    with Image.open(out) as im:
        assert im.width <= 1600
        assert im.height > 390 + 600 * (1600 - 48) / 1920  # three renders stacked


def test_boxes_outline_every_layer() -> None:
    ((_, plain),) = preview_template(BANNER, ["square"])
    ((_, boxed),) = preview_template(BANNER, ["square"], boxes=True)
    template = load_template(BANNER)
    for layer in template.layers["square"]:
        r = resolve_box(layer.box, 800, 800)
        x, y = max(r.x, 0), min(max(r.y + r.h // 2, 0), 799)  # the left edge, half way down
        if 0 <= r.x < 800:
            assert plain.convert("RGB").getpixel((x, y)) != boxed.convert("RGB").getpixel((x, y)), layer.name
    assert ImageChops.difference(plain.convert("RGB"), boxed.convert("RGB")).getbbox() is not None


def test_set_overrides_example_and_unknown_fields_fail(tmp_path: Path) -> None:
    ((_, a),) = preview_template(BANNER, ["mobile"])
    ((_, b),) = preview_template(BANNER, ["mobile"], {"headline": "新品上市"})
    assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is not None
    bad = CliRunner().invoke(main, ["preview", str(BANNER), "--set", "headlin=x", "-o", str(tmp_path / "x.png")])
    assert bad.exit_code == 2
    assert "--set headlin: no such field (did you mean headline?)" in bad.stderr
    size = CliRunner().invoke(main, ["preview", str(BANNER), "--size", "mobil", "-o", str(tmp_path / "x.png")])
    assert size.exit_code == 2
    assert "no size 'mobil' (did you mean mobile?)" in size.stderr
