from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from clicase import good_and_broken, run
from click.testing import CliRunner
from PIL import Image

from artpipe.cli.commands import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return good_and_broken(tmp_path)


def test_bad_input_fails_alone_and_exit_is_1(workdir: Path) -> None:
    code, out, err = run("render", str(workdir / "job.yaml"), "-o", str(workdir / "out"), "-j", "1")
    assert code == 1
    assert "rendered 1 output from 1 of 2 products; failed 1" in out
    with Image.open(workdir / "out" / "good" / "promo-banner-mobile.jpg") as good:
        assert good.size == (750, 390)
        assert good.format == "JPEG"
    assert not (workdir / "out" / "broken").exists()
    report = json.loads((workdir / "out" / "report.json").read_text())
    items = {i["sku"]: i for i in report["items"]}
    assert set(items["good"]) >= {"input", "status", "reason", "message", "outputs", "warnings"}
    assert items["good"]["status"] == "ok"
    assert len(items["good"]["outputs"]) == 1
    assert items["broken"]["status"] == "rejected"
    assert items["broken"]["reason"] in ("corrupt", "truncated")
    assert f"rejected: {items['broken']['input']}: {items['broken']['message']}" in err.splitlines()
    assert items["broken"]["input"].endswith("broken.jpg")
    assert report["summary"]["rejected"] == 1
    assert report["summary"]["outputs"] == 1


def test_config_error_exits_2_with_file_line(workdir: Path) -> None:
    job = workdir / "job.yaml"
    job.write_text(job.read_text().replace("sizes: [mobile]", "sizes: [mobil]"))
    code, out, err = run("render", str(job), "-o", str(workdir / "out"))
    assert code == 2
    assert err.splitlines() == [
        f"{job}:3:12: templates[0].sizes: template promo-banner has no size 'mobil' (did you mean mobile?)",
        "error: 1 problem; nothing was rendered"]
    assert not (workdir / "out").exists()


def test_validate_points_at_the_line(workdir: Path) -> None:
    bad = workdir / "t.yaml"
    bad.write_text("name: t\nsizes: {s: 10x10}\nlayers:\n  - name: a\n    type: shape\n    shape: circle\n")
    code, out, err = run("validate", str(bad), str(workdir / "job.yaml"))
    assert code == 1
    assert f"{bad}:6:12: layers[0] (a).shape: 'circle' is not one of rect, rounded, ellipse, ribbon" in err
    assert f"ok: {workdir / 'job.yaml'} (job job: 2 products, 2 outputs, every text fits)" in out


@pytest.mark.parametrize(("extra", "said"), [
    ("format: [jpeg, webp, avif]\n", "2 products, 2 outputs x 3 formats = 6 files"),
    ("format: webp\n", "2 products, 2 outputs"),
])
def test_validate_counts_the_files_every_format_writes(workdir: Path, extra: str, said: str) -> None:
    job = workdir / "job.yaml"
    job.write_text(extra + job.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("validate", str(job))
    assert code == 0
    assert f"ok: {job} (job job: {said}, every text fits)" in out


def test_validate_says_one_output_in_the_singular(workdir: Path) -> None:
    job = workdir / "job.yaml"
    job.write_text(job.read_text(encoding="utf-8").split("  - sku: broken")[0], encoding="utf-8")
    code, out, _ = run("validate", str(job))
    assert "(job job: 1 product, 1 output, every text fits)" in out


def test_validate_lists_missing_images(workdir: Path) -> None:
    (workdir / "photos" / "good.jpg").unlink()
    code, _, err = run("validate", str(workdir / "job.yaml"))
    assert code == 1
    assert "products[0].product: no file" in err


def test_validate_ok_exit_0() -> None:
    code, out, _ = run("validate", str(SAMPLES / "jobs" / "spring-sale.yaml"), "templates/promo-banner")
    assert code == 0
    assert "(job spring-sale: 6 products, 54 outputs, every text fits)" in out
    assert "ok: templates/promo-banner (template promo-banner: 3 sizes" in out


def test_templates_lists_bundled() -> None:
    code, out, _ = run("templates", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["promo-banner"]["sizes"] == {"wide": "1920x600", "mobile": "750x390", "square": "800x800"}
    assert rows["product-main"]["fields"] == {"product": "image*"}


@pytest.mark.parametrize("command", [[], *[[name] for name in sorted(main.commands)]])
def test_help_has_an_example(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert "Example:" in out


def test_parallel_output_is_identical_to_serial(tmp_path: Path) -> None:
    job = tmp_path / "jobs" / "job.yaml"
    shutil.copytree(SAMPLES / "photos", tmp_path / "photos")
    job.parent.mkdir()
    rows = "".join(f"  - {{sku: p{i}, product: ../photos/{p.name}, headline: 春季大促 Spring sale, price: ¥{i}9}}\n"
                   for i, p in enumerate(sorted((SAMPLES / "photos").iterdir())))
    job.write_text(f"templates: [product-main, promo-banner]\nproducts:\n{rows}", encoding="utf-8")
    assert run("render", str(job), "-o", str(tmp_path / "one"), "-j", "1", "-q")[0] == 0
    assert run("render", str(job), "-o", str(tmp_path / "two"), "-j", "2", "-q")[0] == 0
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.jpg"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.jpg"))
    assert one == two
    assert len(one) == 6 * 5
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def test_validate_test_fits_every_text(workdir: Path) -> None:
    job = workdir / "job.yaml"
    long_headline = "北欧简约陶瓷马克杯 早春新品 限时特惠 领券再减五十元 满三百包邮 品质保证 七天无理由退换"
    job.write_text(job.read_text(encoding="utf-8").replace("headline: 春季大促", f"headline: {long_headline}")
                   .replace("photos/broken.jpg", "photos/good.jpg")
                   + "    subline: 这是一段非常非常长的副标题文字，用来测试省略号是否会出现在这里而不是溢出边界之外\n",
                   encoding="utf-8")
    code, out, err = run("validate", str(job))
    assert code == 1
    assert f"{job}:5: good: promo-banner: layer headline at size mobile: text does not fit the 315x156 px box " \
           "within 2 lines even at 27 px" in err
    assert f"warning: {job}:8: broken: promo-banner: layer subline at size mobile: cut with an ellipsis" in err
    assert "1 problem" in err


def test_render_says_a_text_that_does_not_fit_as_validate_does(workdir: Path) -> None:
    job = workdir / "job.yaml"
    long_headline = "北欧简约陶瓷马克杯 早春新品 限时特惠 领券再减五十元 满三百包邮 品质保证 七天无理由退换"
    job.write_text(job.read_text(encoding="utf-8").replace("headline: 春季大促", f"headline: {long_headline}"),
                   encoding="utf-8")
    said = f"{job}:5: good: promo-banner: layer headline at size mobile: text does not fit the 315x156 px box " \
           "within 2 lines even at 27 px: \"北欧简约陶瓷马克杯 早春新品 限时特惠 " \
           "领券再减五十元 满三百包邮 品质保证 …\" " \
           "(shorten the text, lower font.min_size or use overflow: ellipsis)"
    assert said in run("validate", str(job))[2].splitlines()
    code, out, err = run("render", str(job), "-o", str(workdir / "out"), "-j", "1")
    assert code == 1
    assert f"failed: {said}" in err.splitlines()  # the job's line, not the template's nor the photo's path
    items = {i["sku"]: i for i in json.loads((workdir / "out" / "report.json").read_text())["items"]}
    assert items["good"]["message"] == said
    assert items["good"]["input"].endswith("good.jpg")


@pytest.mark.parametrize("job", sorted((SAMPLES / "jobs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_sample_job_validates(job: Path) -> None:
    code, out, err = run("validate", str(job))
    assert code == 0, err
    assert "every text fits" in out


def test_every_help_page_is_clean() -> None:
    """No literal escape (a ``\\b`` written as two characters) on any command's help page."""
    def walk(command: click.Command, path: list[str]) -> Iterator[list[str]]:
        yield path
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])

    for path in walk(main, []):
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "\\b" not in result.output, path
        assert "\b" not in result.output, path


def test_preview_writes_beside_the_template_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["templates", "copy", "shop-sign", "mine"]).exit_code == 0
    (tmp_path / "lone.yaml").write_text(
        (tmp_path / "mine" / "shop-sign" / "template.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # wherever the designer happens to be
    folder = runner.invoke(main, ["preview", "../mine/shop-sign", "--size", "tmall"])
    assert folder.exit_code == 0, folder.output
    assert folder.output == f"wrote {tmp_path / 'mine' / 'shop-sign' / 'preview.png'} (shop-sign / tmall (990x120))\n"
    lone = runner.invoke(main, ["preview", "../lone.yaml", "--size", "tmall"])
    assert lone.output == f"wrote {tmp_path / 'lone.preview.png'} (shop-sign / tmall (990x120))\n"
    bundled = runner.invoke(main, ["preview", "shop-sign", "--size", "taobao"])
    assert bundled.output == "wrote shop-sign-preview.png (shop-sign / taobao (950x120))\n"  # not in artpipe
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["shop-sign-preview.png"]
    with Image.open(tmp_path / "mine" / "shop-sign" / "preview.png") as im:
        assert im.width >= 990


def test_templates_by_name_preview_show_and_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no templates/ folder here: names are the bundled templates
    runner = CliRunner()
    result = runner.invoke(main, ["preview", "shop-sign", "--size", "tmall", "-o", "sign.png"])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "sign.png") as im:
        assert im.size == (990, 120)
    shown = runner.invoke(main, ["templates", "show", "shop-sign"])
    assert shown.exit_code == 0
    assert "name: shop-sign" in shown.output
    copied = runner.invoke(main, ["templates", "copy", "shop-sign", "mine"])
    assert copied.exit_code == 0, copied.output
    assert (tmp_path / "mine" / "shop-sign" / "template.yaml").is_file()
    (tmp_path / "mine" / "shop-sign" / "template.yaml").write_text("edited", encoding="utf-8")
    again = runner.invoke(main, ["templates", "copy", "shop-sign", "mine"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "nothing was copied" in again.output
    assert (tmp_path / "mine" / "shop-sign" / "template.yaml").read_text(encoding="utf-8") == "edited"
    listed = runner.invoke(main, ["templates", "--json"])
    assert "shop-sign" in {row["name"] for row in json.loads(listed.output)}
    missing = runner.invoke(main, ["preview", "nope", "-o", "x.png"])
    assert missing.exit_code == 2
    assert "nope: no such template" in missing.output
    assert "promo-banner" in missing.output


def test_a_copied_templates_next_command_pastes_whole_with_spaces_in_its_path(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    copied = CliRunner().invoke(main, ["templates", "copy", "shop-sign", "my templates"])
    assert copied.exit_code == 0, copied.output
    said, _, then = copied.output.strip().partition("; edit it, then: ")
    assert said == f"copied shop-sign to {Path('my templates') / 'shop-sign'}"
    assert shlex.split(then) == ["artpipe", "preview", str(Path("my templates") / "shop-sign")]


def test_settings_people_set_per_machine_come_from_the_environment(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    job = Path(__file__).resolve().parent.parent / "samples" / "jobs" / "spring-sale.yaml"
    monkeypatch.setenv("ARTPIPE_JOBS", "0")
    bad = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out")])
    assert bad.exit_code == 2
    assert "Invalid value for '-j' / '--jobs'" in bad.output
    monkeypatch.setenv("ARTPIPE_JOBS", "1")
    monkeypatch.setenv("ARTPIPE_CACHE", str(tmp_path / "records"))
    monkeypatch.setenv("ARTPIPE_SCHEDULER", "tcp://127.0.0.1:1")  # ignored by local runs
    ok = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out"), "-q"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "records").is_dir()
    assert re.search(r"rendered 54 outputs from 6 of 6 products; failed 0, skipped 0(, \d+ warnings? \(see the "
                     r"report\))?; ", ok.stdout)
    monkeypatch.setenv("ARTPIPE_SCHEDULER", "not-an-address")
    dask = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out2"), "--executor", "dask"])
    assert dask.exit_code == 2
    assert "'not-an-address' is not a scheduler address" in dask.output


def test_summary_lines_count_warnings(tmp_path: Path) -> None:
    photos = Path(__file__).resolve().parent.parent / "samples" / "photos"
    result = CliRunner().invoke(main, ["main-image", str(photos / "watch-small.jpg"), "-o", str(tmp_path / "m"),
                                       "-p", "amazon.main", "-q"])
    report = json.loads((tmp_path / "m" / "report.json").read_text(encoding="utf-8"))
    n = sum(len(i["warnings"]) for i in report["items"])
    assert n > 0  # a small photo: enlarged, and the check fails
    assert f", {n} warning{'s' if n != 1 else ''} (see the report); report: " in result.stdout
