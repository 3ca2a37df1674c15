"""Several formats per output in one job: each output rendered once, encoded in every format with its own
quality and byte budget; a file's extension follows its format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from artpipe.api import render_job
from artpipe.config import init_workspace, load_workspace
from artpipe.errors import ConfigError
from artpipe.imaging.encode import EncodeOptions
from artpipe.imaging.formats import WRITTEN, default_quality, written_list
from artpipe.inbox.watch import Watcher
from artpipe.outformats import encodings, for_format, named, pick
from artpipe.presets import load_presets
from artpipe.run import tasks as tasks_module
from artpipe.run.jobs import load_job, plan
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import parse_yaml

from conftest import product_photo

JOB = """\
templates:
  - template: promo-banner
    sizes: [wide, mobile]
output: "{sku}/{template}-{size}.jpg"
format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]
products:
  - sku: a
    product: photos/a.jpg
    headline: 春季大促
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "photos").mkdir()
    product_photo().save(tmp_path / "photos" / "a.jpg")
    return tmp_path


def job(workdir: Path, body: str) -> Path:
    path = workdir / "job.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def problems(path: Path, presets: Path | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_job(path, presets=load_presets(presets) if presets else None)
    return [str(p) for p in info.value.problems]


def relative(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]


def test_a_list_of_formats_plans_one_file_per_format(workdir: Path) -> None:
    loaded = load_job(job(workdir, JOB))
    assert [(e.format, e.quality, e.max_bytes) for e in loaded.formats] == [("JPEG", 90, None), ("WEBP", 75, 40000)]
    (task,) = plan(loaded, workdir / "out")
    assert relative([r.output for r in task.renders], workdir / "out") == [
        "a/promo-banner-wide.jpg", "a/promo-banner-wide.webp", "a/promo-banner-mobile.jpg",
        "a/promo-banner-mobile.webp"]
    assert [task.encoding(r).format for r in task.renders] == ["JPEG", "WEBP", "JPEG", "WEBP"]


def test_extension_follows_the_format_and_keeps_its_own_spelling(workdir: Path) -> None:
    body = JOB.replace(".jpg\"", ".jpeg\"").replace("format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]",
                                                    "format: [jpeg, png]")
    (task,) = plan(load_job(job(workdir, body)), workdir / "out")
    assert {r.output.suffix for r in task.renders} == {".jpeg", ".png"}
    # One format that is not the pattern's extension: the file is named for what it holds.
    (task,) = plan(load_job(job(workdir, JOB.replace("format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]",
                                                     "format: {type: png}"))), workdir / "out")
    assert {r.output.suffix for r in task.renders} == {".png"}


def test_a_template_entry_has_its_own_formats(workdir: Path) -> None:
    body = JOB.replace("    sizes: [wide, mobile]\n", "    sizes: [wide]\n    format: webp\n  - product-main\n")
    (task,) = plan(load_job(job(workdir, body)), workdir / "out")
    assert relative([r.output for r in task.renders], workdir / "out") == [
        "a/promo-banner-wide.webp", "a/product-main-square.jpg", "a/product-main-square.webp",
        "a/product-main-large.jpg", "a/product-main-large.webp"]
    wide = task.renders[0]
    assert task.encoding(wide).quality == 88  # the entry's webp: its own default quality, not the job's budget
    assert task.encoding(wide).max_bytes is None


@pytest.mark.parametrize(("value", "expected"), [
    ("[jpeg, jpg]", "JPEG is listed twice"),
    ("[jpeg, tiff]", "'tiff' is not one of"),
    ("[]", "must name at least one of"),
    ("[{type: webp, quality: 0}]", "quality"),
    ("[jpeg, {type: webp, colour: red}]", "colour"),
])
def test_wrong_format_lists_are_reported_with_their_place(workdir: Path, value: str, expected: str) -> None:
    body = JOB.replace("format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]", f"format: {value}")
    found = problems(job(workdir, body))
    assert any(expected in p for p in found), found
    assert all("job.yaml:" in p for p in found)


def test_each_output_is_drawn_once_and_written_in_every_format(workdir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = tasks_module.render

    def counting(template: object, size: str, *args: object, **kwargs: object) -> object:
        calls.append(size)
        return real(template, size, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr("artpipe.run.tasks.render", counting)
    out = workdir / "out"
    result = render_job(load_job(job(workdir, JOB)), out, jobs=1)
    assert result.ok
    assert sorted(calls) == ["mobile", "wide"]  # two canvases for four files
    report = json.loads(result.report.read_text(encoding="utf-8"))
    (item,) = report["items"]
    assert sorted(Path(o).name for o in item["outputs"]) == [
        "promo-banner-mobile.jpg", "promo-banner-mobile.webp", "promo-banner-wide.jpg", "promo-banner-wide.webp"]
    for size in ("wide", "mobile"):
        with Image.open(out / "a" / f"promo-banner-{size}.jpg") as jpeg, \
                Image.open(out / "a" / f"promo-banner-{size}.webp") as webp:
            assert (jpeg.format, webp.format) == ("JPEG", "WEBP")
            assert jpeg.size == webp.size
            diff = ImageStat.Stat(ImageChops.difference(jpeg.convert("RGB"), webp.convert("RGB"))).mean
            assert max(diff) < 4  # the same picture, two encoders
        assert (out / "a" / f"promo-banner-{size}.webp").stat().st_size <= 40000
    encoded = {Path(e["output"]).name: e for e in item["encoded"]}
    assert set(encoded) == {"promo-banner-wide.webp", "promo-banner-mobile.webp"}  # only the webp has a budget
    assert all(e["bytes"] <= 40000 for e in encoded.values())


def test_a_budget_one_format_cannot_meet_fails_only_that_file(workdir: Path) -> None:
    body = JOB.replace("max_bytes: 40000", "max_bytes: 300, min_side: 1000")
    out = workdir / "out"
    result = render_job(load_job(job(workdir, body)), out, jobs=1)
    assert not result.ok
    (item,) = json.loads(result.report.read_text(encoding="utf-8"))["items"]
    assert item["status"] == "failed"
    assert item["reason"] == "budget"
    assert sorted(Path(o).name for o in item["outputs"]) == ["promo-banner-mobile.jpg", "promo-banner-wide.jpg"]
    assert not list(out.rglob("*.webp"))


@pytest.mark.skipif("AVIF" not in WRITTEN, reason="this Pillow has no AVIF encoder")
def test_avif_is_written_and_read_back(workdir: Path) -> None:
    body = JOB.replace("format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]",
                       "format: [{type: avif, quality: 60, speed: 8}]")
    out = workdir / "out"
    assert render_job(load_job(job(workdir, body)), out, jobs=1).ok
    with Image.open(out / "a" / "promo-banner-wide.avif") as im:
        assert im.format == "AVIF"
        assert im.size == (1920, 600)
        assert im.convert("RGB").getpixel((5, 5)) != (0, 0, 0)


PRESETS = """\
presets:
  acme.square:
    title: ACME square
    template: product-main
    render: {width: 600, height: 600, format: [JPEG, WEBP]}
    rules:
      formats: {allowed: [JPEG, WEBP], source: house style, confidence: official}
      bytes: {max: 90000, source: house style, confidence: official}
platforms:
  acme: [acme.square]
"""


def test_a_preset_written_in_two_formats_is_checked_in_each(workdir: Path) -> None:
    (workdir / "presets.yaml").write_text(PRESETS, encoding="utf-8")
    body = JOB.replace("  - template: promo-banner\n    sizes: [wide, mobile]\n",
                       "  - template: product-main\n    presets: acme\n").replace(
        "format: [jpeg, {type: webp, quality: 75, max_bytes: 40000}]\n", "format: {type: webp, quality: 70}\n").replace(
        "    headline: 春季大促\n", "")
    loaded = load_job(job(workdir, body), presets=load_presets(workdir / "presets.yaml"))
    (task,) = plan(loaded, workdir / "out")
    assert relative([r.output for r in task.renders], workdir / "out") == [
        "a/product-main-acme.square.jpg", "a/product-main-acme.square.webp"]
    assert task.encoding(task.renders[1]).quality == 70  # the job's settings for a format it lists
    assert task.encoding(task.renders[0]).quality == 90  # the format's default otherwise
    result = render_job(loaded, workdir / "out", jobs=1)
    (item,) = json.loads(result.report.read_text(encoding="utf-8"))["items"]
    checks = {Path(c["output"]).suffix: c for c in item["checks"]}
    assert set(checks) == {".jpg", ".webp"}
    assert all(c["pass"] for c in checks.values()), checks
    with Image.open(workdir / "out" / "a" / "product-main-acme.square.webp") as im:
        assert (im.format, im.size) == ("WEBP", (600, 600))


def test_a_preset_format_its_own_rule_refuses_is_a_problem(workdir: Path) -> None:
    (workdir / "presets.yaml").write_text(PRESETS.replace("allowed: [JPEG, WEBP]", "allowed: [JPEG]"),
                                          encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_presets(workdir / "presets.yaml")
    assert any("renders WEBP, which its formats rule does not allow (JPEG)" in str(p) for p in info.value.problems)



def test_the_inbox_writes_each_photo_in_every_workspace_format(tmp_path: Path) -> None:
    root = tmp_path / "studio"
    config = init_workspace(root)
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds: 1.5", "settle_seconds: 0.2")
                      .replace("# format: [jpeg, webp]", "format: [jpeg, {type: webp, quality: 70}]"),
                      encoding="utf-8")
    ws = load_workspace(root)
    assert [(e.format, e.quality) for e in ws.encodings] == [("JPEG", 90), ("WEBP", 70)]
    (ws.inbox / "acme").mkdir(parents=True, exist_ok=True)
    product_photo().save(ws.inbox / "acme" / "mug.jpg")
    assert Watcher(ws, workers=1, log=lambda _: None).run(once=True) == 0
    outputs = sorted(p.relative_to(ws.outbox).as_posix() for p in ws.outbox.rglob("*.*"))
    assert outputs == ["acme/mug/product-main-large.jpg", "acme/mug/product-main-large.webp",
                       "acme/mug/product-main-square.jpg", "acme/mug/product-main-square.webp"]
    with Image.open(ws.outbox / "acme" / "mug" / "product-main-square.webp") as im:
        assert im.format == "WEBP"
    assert (ws.archive / "acme" / "mug.jpg").is_file()


def test_the_presets_command_lists_every_format_a_slot_is_written_in(workdir: Path) -> None:
    from click.testing import CliRunner

    from artpipe.cli.commands import main

    (workdir / "presets.yaml").write_text(PRESETS, encoding="utf-8")
    listing = CliRunner().invoke(main, ["presets", "--presets", str(workdir / "presets.yaml")])
    assert listing.exit_code == 0, listing.output
    assert "acme.square - ACME square: renders 600x600 JPEG + WEBP" in listing.output
    as_json = CliRunner().invoke(main, ["presets", "--presets", str(workdir / "presets.yaml"), "--json"])
    render = json.loads(as_json.output)["presets"]["acme.square"]["render"]
    assert (render["format"], render["formats"]) == ("JPEG", ["JPEG", "WEBP"])  # the old key is kept


def _read(yaml: str, output: str = "{sku}.jpg") -> tuple[tuple[EncodeOptions, ...], list[str]]:
    found = Problems()
    formats = encodings(Reader(parse_yaml(yaml, "job.yaml"), "", found), "format", output)
    return formats, [str(p) for p in found.items]


def test_the_format_key_reads_into_encode_options() -> None:
    (webp,), said = _read("format: {type: webp, quality: 70, background: '#102030', lossless: true, max_bytes: 9000}\n")
    assert said == []
    assert webp == EncodeOptions(format="WEBP", quality=70, background=(16, 32, 48), lossless=True, speed=webp.speed,
                                 max_bytes=9000)
    assert _read("output: x\n", "{sku}.png") == ((EncodeOptions(format="PNG", quality=default_quality("PNG")),), [])
    (jpeg,), _ = _read("format: {quality: 60}\n", "{sku}.jpeg")  # no type: the output's extension says it
    assert (jpeg.format, jpeg.quality) == ("JPEG", 60)


@pytest.mark.parametrize(("yaml", "output", "said"), [
    ("output: x\n", "{sku}.txt", "job.yaml:1:9: output: cannot tell the format from '.txt' (end the pattern in the "
                                 f"extension of {written_list()}, or set format)"),
    ("format: {quality: 60}\n", "{sku}", "job.yaml:1:9: format: cannot tell the format from 'no extension' "
                                         "(set type)"),
    ("format: {type: png, background: sky}\n", "{sku}.png", "job.yaml:1:33: format.background: 'sky' is not a "
                                                            "colour"),
    ("format: [png, {type: PNG}]\n", "{sku}.png", "job.yaml:1:15: format[1]: PNG is listed twice "
                                                  "(list each format once)"),
])
def test_a_format_that_cannot_be_written_is_one_line_at_its_place(yaml: str, output: str, said: str) -> None:
    assert said in _read(yaml, output)[1]


def test_a_file_is_named_for_its_format_keeping_the_formats_own_spelling() -> None:
    assert named("a/mug.jpeg", "JPEG") == "a/mug.jpeg"
    assert named("a/mug.JPG", "JPEG") == "a/mug.JPG"
    assert named("a/mug.jpg", "WEBP") == "a/mug.webp"
    assert named("a/mug.v2", "PNG") == "a/mug.png"


def test_a_preset_picks_its_format_from_the_list_or_the_first_made_to_write_it() -> None:
    jpeg = EncodeOptions(format="JPEG", quality=70, background=(1, 2, 3), max_bytes=5000, min_side=400)
    webp = EncodeOptions(format="WEBP", quality=60)
    assert pick((jpeg, webp), "WEBP") is webp
    png = pick((jpeg, webp), "PNG")
    assert png == EncodeOptions(format="PNG", quality=default_quality("PNG"), background=(1, 2, 3), max_bytes=5000,
                                min_side=400)  # the first's budget and background, the format's own quality
    assert for_format(jpeg, "JPEG") is jpeg
