"""Every template and job key a user can write is documented (a key added without docs fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artpipe.errors import REJECT_REASONS
from artpipe.layers import COMMON_KEYS, KINDS
from artpipe.layers.base import BOX_KEYS
from artpipe.layers.template import FIELD_KEYS, TOP_KEYS, VISIBILITY_KEYS
from artpipe.layers.text import FONT_KEYS
from artpipe.outformats import FORMAT_KEYS
from artpipe.report.outcome import STATUSES
from artpipe.run.jobs import ENTRY_KEYS, JOB_KEYS, PATTERN_KEYS
from artpipe.template.model import ANCHORS, FIELD_TYPES, FITS, ROLES

DOCS = Path(__file__).resolve().parent.parent / "docs"
TEMPLATES_MD = (DOCS / "templates.md").read_text(encoding="utf-8")
CLI_MD = (DOCS / "cli.md").read_text(encoding="utf-8")

TEMPLATE_WORDS = sorted({*TOP_KEYS, *FIELD_KEYS, *VISIBILITY_KEYS, *COMMON_KEYS, *BOX_KEYS, *FONT_KEYS, *KINDS,
                         *FIELD_TYPES, *FITS, *ROLES, *ANCHORS, *(k for kind in KINDS.values() for k in kind.keys)})
CLI_WORDS = sorted({*JOB_KEYS, *ENTRY_KEYS, *FORMAT_KEYS, *STATUSES, *REJECT_REASONS,
                    *(f"{{{k}}}" for k in PATTERN_KEYS)})


@pytest.mark.parametrize("word", TEMPLATE_WORDS)
def test_template_key_is_documented(word: str) -> None:
    assert f"`{word}`" in TEMPLATES_MD


@pytest.mark.parametrize("word", CLI_WORDS)
def test_job_and_report_word_is_documented(word: str) -> None:
    assert f"`{word}`" in CLI_MD


def test_every_picture_exists() -> None:
    for line in TEMPLATES_MD.splitlines():
        for part in line.split("](")[1:]:
            target = part.split(")")[0]
            if target.startswith("images/"):
                assert (DOCS / target).is_file(), target


def test_the_pictures_in_the_docs_are_what_the_code_draws() -> None:
    import importlib.util

    from PIL import ImageChops

    spec = importlib.util.spec_from_file_location("make_pictures", DOCS / "make_pictures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = dict(module.pictures())
    committed = {p.name for p in (DOCS / "images").glob("*.png")}
    assert set(drawn) <= committed
    for name, picture in drawn.items():
        with Image.open(DOCS / "images" / name) as im:
            assert im.size == picture.size, name
            r, g, b = ImageChops.difference(im.convert("RGB"), picture).split()
            off = ImageChops.lighter(ImageChops.lighter(r, g), b).histogram()[9:]  # more than 8 levels apart
            share = sum(off) / (picture.width * picture.height)
            assert share < 0.001, f"{name}: {share:.2%} of it differs; run python docs/make_pictures.py and look"


def test_the_check_example_in_presets_md_is_what_check_prints(tmp_path: Path) -> None:
    """Same rules in the same order with the same words; only the numbers a JPEG encoder may move are free."""
    import re

    from click.testing import CliRunner

    from artpipe.cli.commands import main

    samples = DOCS.parent / "samples"
    (tmp_path / "job.yaml").write_text(
        'templates: [product-main]\nsizes: [square]\noutput: "{sku}/{template}-{size}.jpg"\n'
        f"products: [{{sku: bag-04, product: {samples / 'photos' / 'bag-cutout.png'}}}]\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["render", str(tmp_path / "job.yaml"), "-o", str(tmp_path / "out"), "-q"]).exit_code == 0
    out = tmp_path / "out" / "bag-04" / "product-main-square.jpg"
    printed = runner.invoke(main, ["check", str(out), "--preset", "tmall.white_bg"]).stdout
    text = (DOCS / "presets.md").read_text(encoding="utf-8")
    shown = text.split("$ artpipe check out/bag-04/product-main-square.jpg --preset tmall.white_bg\n")[1]
    shown = shown.split("```")[0]

    def shape(lines: str) -> list[str]:
        return [re.sub(r"\d+(\.\d+)?", "#", line) for line in lines.replace(str(out), "FILE").splitlines()]

    assert shape(printed) == shape(shown.replace("out/bag-04/product-main-square.jpg", "FILE"))
