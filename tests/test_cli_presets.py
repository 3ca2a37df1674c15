"""The marketplace commands (cli/presets.py): presets, check, request, approve and main-image, their exit codes
and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_presets import on_white

from artpipe.cli.commands import main
from artpipe.presets import CONFIDENCE


def test_check_command_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.jpg"
    on_white((800, 800), (60, 60, 740, 740)).save(good, "JPEG", quality=100, subsampling=0)
    result = CliRunner().invoke(main, ["check", str(good), "--preset", "amazon.secondary"])
    assert result.exit_code == 1  # 800 px is under Amazon's 1000 px zoom minimum
    expected = "FAIL long_side: 800 px (limit 1000-10000 px; official: sellercentral help G9FUUH87RBNXGKB7)"
    assert expected in result.stdout
    ok = CliRunner().invoke(main, ["check", str(good), "--preset", "taobao.main"])
    assert ok.exit_code == 0, ok.stdout
    unknown = CliRunner().invoke(main, ["check", str(good), "--preset", "tmall.whitebg"])
    assert unknown.exit_code == 2
    assert "no preset or platform 'tmall.whitebg' (did you mean tmall.white_bg?)" in unknown.stderr
    both = CliRunner().invoke(main, ["check", str(good), "-p", "tmall", "-p", "taobao.main", "--json"])
    checked = [(row["preset"], row["pass"]) for row in json.loads(both.stdout)]
    assert [name for name, _ in checked][-1] == "taobao.main"
    assert {"tmall.white_bg", "taobao.main"} <= {name for name, _ in checked}  # a platform stands for its presets
    mixed = CliRunner().invoke(main, ["check", str(good), "--presets", "tmall.white_bg"])
    assert mixed.exit_code == 2
    assert "it looks like a preset or platform name: name those with -p/--preset" in mixed.output
    swapped = CliRunner().invoke(main, ["check", str(good), "-p", "agency-presets.yaml"])
    assert swapped.exit_code == 2
    assert "that looks like a presets file: pass it with --presets FILE" in swapped.stderr
    listing = CliRunner().invoke(main, ["presets"])
    assert "tmall.white_bg - Tmall white-background image (白底图): renders 800x800 JPEG" in listing.stdout


def test_presets_as_json_for_scripts() -> None:
    listed = CliRunner().invoke(main, ["presets", "--json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    white = data["presets"]["tmall.white_bg"]
    assert white["render"] == {"width": 800, "height": 800, "format": "JPEG", "formats": ["JPEG"]}
    assert all(rule["confidence"] in CONFIDENCE and rule["source"] for rule in white["rules"].values())
    assert "tmall.white_bg" in data["platforms"]["tmall"]


def test_a_broken_agency_presets_file_lists_its_problems_and_exits_2(tmp_path: Path) -> None:
    agency = tmp_path / "agency.yaml"
    agency.write_text("presets:\n  acme.square:\n    title: ACME\n", encoding="utf-8")
    listed = CliRunner().invoke(main, ["presets", "--presets", str(agency)])
    assert listed.exit_code == 2
    assert listed.stderr.splitlines()[:2] == [f"{agency}:3:5: presets.acme.square: missing required key 'render'",
                                              f"{agency}:3:5: presets.acme.square: missing required key 'rules'"]
    assert listed.stderr.splitlines()[2].startswith("error: 2 problems; ")


def test_request_refuses_a_file_that_is_not_a_request(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("campaign: x\nplatforms: [tmal]\nproducts: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["request", str(bad), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert "no platform or preset 'tmal' (did you mean tmall?)" in result.stderr
    assert not (tmp_path / "out").exists()  # nothing was rendered
