"""Photoshop text layers (artpipe/psdimport/text.py): fonts matched or substituted, paragraph boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from psd_tools import PSDImage
from test_psdimport_build import add_text, boxes

from artpipe.api import import_psd, validate_file
from artpipe.layers.template import load_template
from artpipe.psdimport.text import match_font
from artpipe.text.fonts import get_font


def test_an_unknown_font_is_substituted_and_named(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (300, 100))
    add_text(psd, "Title", "Hello", (10, 60), 30, (0, 0, 0), font="HelveticaNeue-Bold", canvas=(300, 100))
    psd.save(tmp_path / "t.psd")
    done = import_psd(tmp_path / "t.psd", tmp_path / "t")
    (row,) = done.report["layers"]
    assert row["action"] == "substituted"
    assert "font HelveticaNeue-Bold is not bundled or in the template folder: set in sans bold" in row["detail"]


def test_paragraph_text_keeps_its_box_and_the_lines_that_fit_it(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (400, 200))
    # A paragraph box 300x100 whose first baseline Photoshop puts at 50: room for 3 lines of 24 px at 1.2.
    add_text(psd, "{subline}", "Two cups for one", (30, 50), 24, (0, 0, 0), canvas=(400, 200), align="ms",
             paragraph=(0, -20, 300, 80))
    psd.save(tmp_path / "p.psd")
    done = import_psd(tmp_path / "p.psd", tmp_path / "p")
    assert boxes(done.folder, "design")["subline"] == (30, 30, 330, 130)
    (layer,) = load_template(done.template).layers["design"]
    assert (layer.style.max_lines, layer.style.align) == (3, "center")  # type: ignore[attr-defined]
    assert validate_file(done.folder).ok


def test_a_font_in_the_template_folder_is_used(tmp_path: Path) -> None:
    psd = PSDImage.new("RGB", (300, 100))
    add_text(psd, "Title", "Hello", (10, 60), 30, (0, 0, 0), font="Brand-Bold", canvas=(300, 100))
    psd.save(tmp_path / "t.psd")
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "Brand-Bold.ttf").write_bytes(Path(get_font("noto-sans", "bold", 10).path).read_bytes())
    done = import_psd(tmp_path / "t.psd", folder)
    assert "family: Brand-Bold.ttf" in done.template.read_text(encoding="utf-8")
    assert done.report["counts"]["substituted"] == 0
    assert validate_file(folder).ok


@pytest.mark.parametrize(("postscript", "folder", "matched"), [
    ("Brand-Bold", ("Brand-Bold.ttf",), ("Brand-Bold.ttf", "bold", False)),  # a font file beside the template
    ("brand-bold", ("Brand-Bold.otf",), ("Brand-Bold.otf", "bold", False)),
    ("NotoSans-Regular", (), ("noto-sans", "regular", False)),  # a bundled family of that name
    ("SourceHanSansCN-Bold", (), ("sans", "bold", False)),  # the same design under Adobe's name
    ("NotoSansCJKsc-Black", (), ("sans", "bold", False)),  # black is drawn bold
    ("HelveticaNeue-Bold", (), ("sans", "bold", True)),  # not bundled: substituted, and said so
    ("ArialMT", (), ("sans", "regular", True)),
])
def test_a_photoshop_font_name_is_matched_to_a_file_a_bundled_family_or_substituted(
        postscript: str, folder: tuple[str, ...], matched: tuple[str, str, bool]) -> None:
    assert match_font(postscript, folder) == matched
