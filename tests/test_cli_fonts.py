"""``artpipe fonts`` (cli/fonts.py): the faces text may be drawn with, what each covers, under which licence."""

from __future__ import annotations

from pathlib import Path

from test_scripts import font_template


def test_the_fonts_command_lists_coverage_and_licences(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from artpipe.cli.commands import main

    listed = CliRunner().invoke(main, ["fonts", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert rows[0]["name"] == "Noto Sans CJK"
    assert {"Han", "Kana", "Hangul", "Latin"} <= set(rows[0]["scripts"])
    assert rows[0]["code_points"] > 35000
    assert all(r["licence"] != "unknown" for r in rows)
    assert {"Arabic", "Thai", "Emoji"} <= {s for r in rows for s in r["scripts"]}
    folder = font_template(tmp_path, licence="LICENSE.txt")
    text = CliRunner().invoke(main, ["fonts", str(folder)])
    assert text.exit_code == 0, text.output
    assert "[template brand-t]" in text.stdout
    assert "licence: see LICENSE.txt" in text.stdout
    (tmp_path / "unlicensed").mkdir()
    refused = CliRunner().invoke(main, ["fonts", str(font_template(tmp_path / "unlicensed"))])
    assert refused.exit_code == 2
    assert "has no licence artpipe can find" in refused.output
