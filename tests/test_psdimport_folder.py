"""A Photoshop file imported into a template folder (artpipe/psdimport/folder.py): the folder, its import report,
the command's words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_psdimport_build import banner

from artpipe.api import import_psd
from artpipe.cli.commands import main


def test_the_import_report_lists_what_was_mapped_substituted_and_flattened(tmp_path: Path) -> None:
    done = import_psd(banner(tmp_path / "banner.psd"), tmp_path / "banner")
    written = json.loads(done.report_file.read_text(encoding="utf-8"))
    assert written == done.report
    rows = {row["layer"]: (row["action"], row["detail"]) for row in written["layers"]}
    assert rows["{product}"] == ("mapped", "the product image slot")
    assert rows["{logo}"] == ("mapped", "image field logo")
    assert rows["Decor/Ribbon"] == ("mapped", "fixed art")
    assert rows["{headline}"] == ("mapped", "text field headline in sans bold, 40 px")
    assert rows["Stamp"][0] == "flattened"
    assert "multiply" in rows["Stamp"][1]
    assert rows["Slogan"] == ("mapped", "text in noto-sans bold, 18 px")
    assert written["counts"] == {"mapped": 7, "substituted": 0, "flattened": 1, "skipped": 0}


def test_the_command_prints_the_report_and_what_to_do_next(tmp_path: Path) -> None:
    psd = banner(tmp_path / "banner.psd")
    result = CliRunner().invoke(main, ["templates", "import", str(psd), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "  flattened   Stamp: blend mode multiply is not drawn by artpipe" in result.output
    assert f"next: artpipe validate {tmp_path / 'out'}" in result.output
    again = CliRunner().invoke(main, ["templates", "import", str(psd), str(tmp_path / "out")])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "Traceback" not in again.output


def test_an_import_never_overwrites_but_may_use_the_fonts_already_in_its_folder(tmp_path: Path) -> None:
    from artpipe.errors import ConfigError
    from artpipe.psdimport.folder import fonts_only
    psd = banner(tmp_path / "banner.psd")
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "Brand.OTF").write_bytes(b"font bytes")
    assert fonts_only(dest / "Brand.OTF")
    assert not fonts_only(dest)
    done = import_psd(psd, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["Brand.OTF", "art", "examples", "import-report.json",
                                                      "template.yaml"]
    assert done.template == dest / "template.yaml"
    with pytest.raises(ConfigError) as info:
        import_psd(psd, dest)
    assert str(info.value.problems[0]).startswith(f"{dest}: already exists (give a new folder")
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError):
        import_psd(psd, a_file)


def test_the_psd_reader_is_loaded_only_by_an_import() -> None:
    # psd_tools costs a worker ~6 MB resident; a process that imports the API to render never reads a PSD
    probe = ("import sys, artpipe.api, artpipe.psdimport.folder; before = 'psd_tools' in sys.modules; "
             "from artpipe.psdimport import build_template; print(before, 'psd_tools' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
