"""The README's main command, end to end, on the bundled samples."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from artpipe.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent


def test_readme_main_command_renders_every_output(tmp_path: Path, monkeypatch: object) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^pip install [^\n]*&& (artpipe render [^\n]+)$", readme, re.M)
    assert command, "README must start with: pip install ... && artpipe render ..."
    args = shlex.split(command.group(1))[1:]
    out = tmp_path / "out"
    args[args.index("-o") + 1] = str(out)
    args = [str(ROOT / a) if a.endswith(".yaml") else a for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["ok"] == 6
    assert report["summary"]["outputs"] == 54
    sizes = {"product-main-square": (800, 800), "product-main-large": (2000, 2000),
             "promo-banner-wide": (1920, 600), "promo-banner-mobile": (750, 390), "promo-banner-square": (800, 800),
             "detail-header-taobao": (750, 560), "detail-header-tmall": (790, 560),
             "sale-badge-tile-square": (800, 800), "sale-badge-tile-small": (480, 480)}
    for item in report["items"]:
        assert len(item["outputs"]) == 9
        for output in item["outputs"]:
            with Image.open(output) as im:
                assert im.size == sizes[Path(output).stem]
                assert im.format == "JPEG"
                assert im.mode == "RGB"
    assert [Path(i["input"]).name for i in report["items"]] == [
        "mug-sideways.jpg", "sneaker-cmyk.jpg", "bottle-grey.jpg", "bag-cutout.png", "watch-small.jpg",
        "headphones-palette.png"]
    cmyk = next(i for i in report["items"] if "cmyk" in i["input"])
    assert "cmyk_converted" in cmyk["warnings"]
    small = next(i for i in report["items"] if "small" in i["input"])
    assert any(w.startswith("upscaled:product@large") for w in small["warnings"])


def test_the_licence_pyproject_names_is_in_the_repo() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_readme_request_and_approve_work_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    request = re.search(r"`(artpipe request [^`]+)`", readme)
    approve = re.search(r"`(artpipe approve [^`]+)`", readme)
    assert request
    assert approve
    (tmp_path / "samples").symlink_to(ROOT / "samples")  # run from a checkout's root, as the README does
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, shlex.split(request.group(1))[1:])
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, shlex.split(approve.group(1))[1:])
    assert second.exit_code == 0, second.output
    assert (tmp_path / "out" / "double11" / "approved.json").is_file()


def test_validate_reports_a_missing_file_and_checks_the_others(tmp_path: Path) -> None:
    missing = tmp_path / "my-banner.yaml"
    result = CliRunner().invoke(main, ["validate", str(missing), str(ROOT / "samples" / "jobs" / "spring-sale.yaml")])
    assert result.exit_code == 1
    assert f"{missing}: no such file" in result.output
    assert "ok: " in result.output
    assert "job spring-sale: 6 products, 54 outputs" in result.output
    as_json = CliRunner().invoke(main, ["validate", "--json", str(missing)])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)[0]["ok"] is False
