"""Hostile merchants in the watched inbox: their files fail alone, nothing leaves their folder, the rest renders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from inboxcase import SAMPLES, everything, run_once, workspace

from artpipe.cli.commands import main
from artpipe.reasons import tokens

from hostile import jpeg_bytes, photo


def two_merchants(tmp_path: Path) -> Path:
    """A workspace where bravo drops a plain photo (which must always render) and acme is the hostile one."""
    root = workspace(tmp_path)
    (root / "inbox" / "acme").mkdir(parents=True)
    (root / "inbox" / "bravo").mkdir(parents=True)
    (root / "inbox" / "bravo" / "bottle.jpg").write_bytes(jpeg_bytes(photo()))
    return root


def error_of(root: Path, rel: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((root / "failed" / f"{rel}.error.json").read_text())
    return data


def test_a_sidecar_cannot_replace_the_product(tmp_path: Path) -> None:
    root = two_merchants(tmp_path)
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg_bytes(photo((300, 300))))
    (root / "inbox" / "acme" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    (root / "inbox" / "acme" / "mug.yaml").write_text(f"product: {secret}\n", encoding="utf-8")
    failures, _ = run_once(root)
    assert failures == 1
    error = error_of(root, "acme/mug.jpg")
    assert error["reason"] == "config"
    assert "the product is the dropped photo, not a field" in error["message"]
    assert not (root / "outbox" / "acme").exists()
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()  # bravo unaffected


@pytest.mark.parametrize("where", ["sidecar", "merchant"])
@pytest.mark.parametrize(("value", "why"), [("/SECRET", "is an absolute path"),
                                            ("../bravo/bottle.jpg", "climbs out of the folder")])
def test_kit_and_sidecar_files_stay_in_the_merchants_folder(tmp_path: Path, where: str, value: str, why: str) -> None:
    root = two_merchants(tmp_path)
    secret = tmp_path / "secret.png"
    shutil.copy(SAMPLES / "logo-maison.png", secret)
    value = value.replace("/SECRET", str(secret))
    (root / "inbox" / "acme" / "banners").mkdir()
    (root / "inbox" / "acme" / "banners" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    text = f"logo: {value}\nheadline: 新品\n"
    target = root / "inbox" / "acme" / ("banners/mug.yaml" if where == "sidecar" else "merchant.yaml")
    target.write_text(text, encoding="utf-8")
    failures, _ = run_once(root)
    assert failures == 1
    error = error_of(root, "acme/banners/mug.jpg")
    assert error["reason"] == "config"
    assert why in error["message"]
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()
    assert (root / "archive" / "bravo" / "bottle.jpg").is_file()  # never hidden as acme's "kit file"


@pytest.mark.parametrize("content", ["headline: \"a\x01b\"\n", "headline: " + "[" * 1000 + "]" * 1000 + "\n",
                                     "headline: " + "9" * 4500 + "\n"])
@pytest.mark.parametrize("where", ["sidecar", "merchant"])
def test_a_hostile_yaml_fails_its_file_and_nothing_else(tmp_path: Path, content: str, where: str) -> None:
    root = two_merchants(tmp_path)
    (root / "inbox" / "acme" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    name = "mug.yaml" if where == "sidecar" else "merchant.yaml"
    (root / "inbox" / "acme" / name).write_text(content, encoding="utf-8")
    failures, _ = run_once(root)
    assert failures == 1
    assert error_of(root, "acme/mug.jpg")["reason"] == "config"
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()
    status = CliRunner().invoke(main, ["status", "--config", str(root)])
    assert status.exit_code == 0, status.output
    files = everything(root)
    assert "archive/bravo/bottle.jpg" in files
    assert "failed/acme/mug.jpg" in files


@pytest.mark.parametrize("content", ["a: \"\x01\"\n", "a: " + "[" * 1000 + "]" * 1000 + "\n", "a: " + "9" * 4500])
def test_validate_reports_hostile_yaml_in_one_line(tmp_path: Path, content: str) -> None:
    job = tmp_path / "job.yaml"
    job.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(job)])
    assert result.exit_code == 1  # validate: 1 when a file has problems
    assert "Traceback" not in result.output
    assert str(job) in result.output + result.stderr


@pytest.mark.parametrize(("data", "expected"), [
    (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
     "unsupported: PostScript files are not accepted"),
    (b"\xc5\xd0\xd3\xc6" + b"\x00" * 64, "unsupported: EPS files are not accepted"),
    (b"<html>not an image</html>", "unsupported: not an image artpipe reads"),
])
def test_check_opens_files_only_through_the_safe_open(tmp_path: Path, data: bytes, expected: str) -> None:
    """`artpipe check` never hands PostScript to Ghostscript, even renamed .jpg, and says what is wrong."""
    path = tmp_path / "main.jpg"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["check", str(path), "--preset", "amazon.main"])
    assert result.exit_code == 1
    assert f"FAIL decode: cannot be read: {expected}" in result.output
    assert "BytesIO" not in result.output


@pytest.mark.parametrize(("pattern", "why"), [
    ("../../{template}-{size}.jpg", "the pattern must stay inside the output folder"),
    ("/tmp/{template}.jpg", "the pattern must stay inside the output folder"),
    ("{headline}-{size}.jpg", "unknown placeholder {headline}"),
    ("{sku:>999999999}.jpg", "placeholders take no format spec or conversion"),
])
def test_a_bad_inbox_output_pattern_is_refused_at_load(tmp_path: Path, pattern: str, why: str) -> None:
    root = workspace(tmp_path)
    config = root / "artpipe.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('output: "{template}-{size}.jpg"', f'output: "{pattern}"'), encoding="utf-8")
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    result = CliRunner().invoke(main, ["watch", "--config", str(root), "--once"])
    assert result.exit_code == 2
    assert why in result.output + result.stderr
    assert (root / "inbox" / "mug.jpg").is_file()  # nothing touched


def test_a_template_name_cannot_lead_out_of_the_outbox(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    folder = root / "escape"
    folder.mkdir()
    (folder / "template.yaml").write_text(
        'name: "../../../escaped"\nsizes: {square: {width: 200, height: 200}}\n'
        "fields: {product: {type: image}}\nlayers:\n  - {name: p, type: image, source: $product}\n",
        encoding="utf-8")
    config = root / "artpipe.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("templates: [product-main]", "templates: [escape]", 1), encoding="utf-8")
    (root / "inbox" / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    failures, _ = run_once(root)
    assert failures == 0
    outputs = [p for p in tmp_path.rglob("*.jpg") if "outbox" in p.parts]
    assert len(outputs) == 1
    assert outputs[0].resolve().is_relative_to((root / "outbox").resolve())
    assert not list(tmp_path.rglob("escaped*"))


def test_a_fifo_in_the_inbox_fails_alone_and_never_blocks(tmp_path: Path) -> None:
    import os

    root = two_merchants(tmp_path)
    os.mkfifo(root / "inbox" / "acme" / "pipe.jpg")
    failures, lines = run_once(root)
    assert failures == 1
    assert any(line.startswith("failed: acme/pipe.jpg: not a regular file") for line in lines)
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()


def test_a_fifo_given_to_normalize_is_rejected(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    result = CliRunner().invoke(main, ["normalize", str(fifo), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "not a regular file" in result.output + result.stderr


def test_a_file_deleted_while_queued_is_skipped_and_the_rest_render(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.inbox.process import Processor

    root = two_merchants(tmp_path)
    victim = root / "inbox" / "acme" / "gone.jpg"
    victim.write_bytes(jpeg_bytes(photo((500, 400))))
    original = Processor.prepare

    def vanishing(self: Processor, path: Path, stable_at: float) -> object:
        if path == victim:
            path.unlink()  # deleted by the merchant between settling and processing
        return original(self, path, stable_at)

    monkeypatch.setattr(Processor, "prepare", vanishing)
    failures, lines = run_once(root)
    assert failures == 0
    assert "gone: acme/gone.jpg (moved or deleted before it was processed)" in lines
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()


def test_photos_with_one_name_never_overwrite_each_other(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    inbox = root / "inbox" / "acme"
    inbox.mkdir(parents=True)
    names = ["mug.jpg", "mug.JPG", "mug.png", "mug:1.jpg", "mug?1.jpg"]
    for i, name in enumerate(names):
        im = photo((400 + 40 * i, 300))  # each a different photo
        (inbox / name).write_bytes(jpeg_bytes(im))
    failures, _ = run_once(root)
    assert failures == 0
    folders = sorted(p.name for p in (root / "outbox" / "acme").iterdir())
    assert len(folders) == len(names), folders  # one folder each
    assert len({f.casefold() for f in folders}) == len(names)  # even on a case-blind share
    for folder in folders:
        assert (root / "outbox" / "acme" / folder / "product-main-square.jpg").is_file()


def test_render_never_overwrites_its_inputs(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    original = jpeg_bytes(photo())
    (photos / "mug.jpg").write_bytes(original)
    job = tmp_path / "job.yaml"
    job.write_text('templates: [product-main]\nsizes: [square]\noutput: "{stem}.jpg"\n'
                   "products:\n  - {sku: mug, product: photos/mug.jpg}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(photos)])
    assert result.exit_code == 2
    assert "would overwrite the input" in result.output + result.stderr
    assert (photos / "mug.jpg").read_bytes() == original


@pytest.mark.parametrize("key", ["opacity", "padding", "aspect"])
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_non_finite_numbers_in_a_template_are_problems(tmp_path: Path, key: str, value: str) -> None:
    where = {"opacity": "opacity", "padding": "padding", "aspect": "box: {aspect: VALUE}"}[key]
    line = f"{where}: VALUE" if key != "aspect" else where
    (tmp_path / "t.yaml").write_text(
        "name: t\nsizes: {s: {width: 100, height: 100}}\nfields: {product: {type: image}}\nlayers:\n"
        f"  - name: p\n    type: image\n    source: $product\n    {line.replace('VALUE', value)}\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "t.yaml")])
    assert result.exit_code == 1
    assert "is not a finite number" in result.output + result.stderr


def test_macos_safe_save_temporaries_are_ignored(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "inbox" / "photo.jpg.sb-1a2b3c4d-XyZ123").write_bytes(jpeg_bytes(photo()))
    failures, _ = run_once(root)
    assert failures == 0
    assert (root / "inbox" / "photo.jpg.sb-1a2b3c4d-XyZ123").is_file()  # untouched, not rendered
    assert not (root / "outbox").exists() or not any((root / "outbox").iterdir())


def test_a_95_megapixel_photo_is_no_bomb_under_a_120_megapixel_limit(tmp_path: Path) -> None:
    from PIL import Image

    from artpipe.imaging.open import open_image

    path = tmp_path / "huge.jpg"
    Image.new("L", (10000, 9500), 200).save(path, quality=50)
    decoded = open_image(path, draft_side=1250)  # a DCT-scaled decode: the test stays light
    assert decoded.original_size == (10000, 9500)


@pytest.mark.parametrize("value", ["/etc/hostname", "missing.jpg"])
def test_preview_with_a_bad_photo_says_so_in_one_line(tmp_path: Path, value: str) -> None:
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(main, ["preview", str(root / "templates" / "product-main"), "--set",
                                       f"product={value}", "-o", str(tmp_path / "p.png")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def small_job(tmp_path: Path) -> Path:
    (tmp_path / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    job = tmp_path / "job.yaml"
    job.write_text("templates: [product-main]\nsizes: [square]\nproducts:\n  - {sku: mug, product: mug.jpg}\n",
                   encoding="utf-8")
    return job


@pytest.mark.parametrize("content", ["[]", '{"a": 1}', '"text"', '{"x": [1, 2]}',
                                     '{"input": "x", "status": "ok", "outputs": 5}'])
def test_a_cache_of_the_wrong_shape_is_rebuilt(tmp_path: Path, content: str) -> None:
    job = small_job(tmp_path)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["render", str(job), "-o", str(out)]).exit_code == 0
    for record in (out / ".artpipe-cache").rglob("*.json"):
        record.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "mug" / "product-main-square.jpg").is_file()
    assert json.loads((out / "report.json").read_text())["items"][0]["status"] == "ok"


def test_a_cache_that_is_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    job = small_job(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".artpipe-cache").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(out)])
    assert result.exit_code == 2
    assert "the cache folder is a file" in result.stderr
    assert (out / ".artpipe-cache").read_text(encoding="utf-8") == "not a folder"  # never deleted


def test_a_request_template_folder_with_another_name_renders(tmp_path: Path) -> None:
    folder = tmp_path / "my-main"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates" / "product-main", folder)
    text = (folder / "template.yaml").read_text(encoding="utf-8").replace("name: product-main", "name: other-name")
    (folder / "template.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "mug.jpg").write_bytes(jpeg_bytes(photo((1200, 1000))))
    request = tmp_path / "req.yaml"
    request.write_text("campaign: c\npresets: [amazon.main]\ntemplates: {amazon.main: ./my-main}\n"
                       "products:\n  - {sku: mug, product: mug.jpg}\n", encoding="utf-8")
    for args in (["validate", str(request)], ["request", str(request), "-o", str(tmp_path / "out"), "-j", "1"]):
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output
        assert result.exit_code == 0, result.output  # the folder's own name is used; the mug passes every rule
    assert list((tmp_path / "out").rglob("mug.jpg"))


def test_a_worker_killed_mid_batch_fails_only_its_task() -> None:
    from artpipe.run.pool import run_tasks

    from hostile import dies_on_three, lost_number

    results = {int(task): outcome for task, outcome in run_tasks(list(range(6)), dies_on_three, 2, lost_number)}
    assert sorted(results) == [0, 1, 2, 3, 4, 5]
    assert results[3].status == "failed"
    assert "stopped the worker process" in results[3].message
    assert all(results[i].status == "ok" for i in (0, 1, 2, 4, 5))


def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    job = small_job(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(blocker / "out")])
    assert result.exit_code == 2
    assert "cannot write into the output folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_a_full_disk_while_rendering_still_ends_with_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs and cache records fail with ENOSPC: every product is reported failed (reason write), the run
    ends with its report and exit 1, not a traceback."""
    import errno

    import artpipe.files
    import artpipe.run.tasks

    job = small_job(tmp_path)
    real = artpipe.files.write_atomic

    def full(path: Path, data: bytes) -> None:
        if path.suffix == ".jpg" or ".artpipe-cache" in path.parts:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(artpipe.run.tasks, "write_atomic", full)
    monkeypatch.setattr(artpipe.files, "write_atomic", full)
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1, result.output
    item = json.loads((tmp_path / "out" / "report.json").read_text())["items"][0]
    assert (item["status"], item["reason"]) == ("failed", "write")
    assert "No space left on device" in item["message"]


def test_a_second_watcher_on_one_workspace_is_refused(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    root = workspace(tmp_path)
    first = subprocess.Popen([sys.executable, "-m", "artpipe", "watch", "--config", str(root)],
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not (root / ".artpipe" / "watch.lock").is_file() or \
                not (root / ".artpipe" / "watch.lock").read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the first watcher did not start"
            time.sleep(0.1)
        result = CliRunner().invoke(main, ["watch", "--config", str(root)])
        assert result.exit_code == 2
        assert f"another artpipe watch is already running on this workspace (pid {first.pid})" in result.stderr
        once = CliRunner().invoke(main, ["watch", "--config", str(root), "--once"])  # cron beside a watcher
        assert once.exit_code == 0
        assert once.stderr.splitlines()[-1] == (f"note: another artpipe watch is already running on this workspace "
                                                f"(pid {first.pid}); it processes the inbox, nothing to do here")
    finally:
        first.terminate()
        first.wait(timeout=20)
    again = CliRunner().invoke(main, ["watch", "--config", str(root), "--once"])
    assert again.exit_code == 0, again.stderr  # the lock went with the first watcher


@pytest.mark.parametrize(("value", "expected"), [
    ("CON", "CON_"), ("nul.txt", "nul.txt_"), ("trailing. . ", "trailing"), ("cafe\u0301", "caf\u00e9"),
    ("爆" * 120, "爆" * 40)])
def test_name_parts_are_safe_on_every_filesystem(value: str, expected: str) -> None:
    from artpipe.naming import safe_part

    assert safe_part(value) == expected


def test_names_that_collide_on_case_blind_shares_are_refused(tmp_path: Path) -> None:
    (tmp_path / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    job = tmp_path / "job.yaml"
    job.write_text("templates: [product-main]\nsizes: [square]\noutput: \"{sku}.jpg\"\nproducts:\n"
                   "  - {sku: Mug, product: mug.jpg}\n  - {sku: mug, product: mug.jpg}\n"
                   "  - {sku: \"caf\u00e9\", product: mug.jpg}\n  - {sku: \"cafe\u0301\", product: mug.jpg}\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.count("is also written for") == 2


def test_long_cjk_skus_render(tmp_path: Path) -> None:
    (tmp_path / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    job = tmp_path / "job.yaml"
    sku = "爆" * 120
    job.write_text(f"templates: [product-main]\nsizes: [square]\nproducts:\n  - {{sku: {sku}, product: mug.jpg}}\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(job), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_a_long_named_failure_keeps_its_error_report(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    name = "坏" * 82 + ".jpg"  # 250 bytes: room for the name, not for the .error.json after it
    (root / "inbox" / name).write_bytes(b"<html>not an image</html>")
    failures, _ = run_once(root)
    assert failures == 1
    reports = list((root / "failed").glob("*.error.json"))
    assert len(reports) == 1
    assert json.loads(reports[0].read_text())["input"] == name
    assert (root / "failed" / name).is_file()


def test_a_huge_csv_cell_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("sku,product\n" + "a" * 140_000 + ",mug.jpg\n", encoding="utf-8")
    job = tmp_path / "job.yaml"
    job.write_text("templates: [product-main]\ncsv: rows.csv\n", encoding="utf-8")
    # docs/cli.md: validate exits 1 when it finds problems; render exits 2 when the job is wrong (nothing rendered).
    for command, code in (("validate", 1), ("render", 2)):
        args = [command, str(job)] + (["-o", str(tmp_path / "out")] if command == "render" else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == code, result.output
        assert "unreadable CSV (field larger than field limit" in result.output + result.stderr


def test_validate_fits_each_distinct_text_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long CSV with few distinct texts paints each once (validate stays linear in distinct texts) and says
    how far it is."""
    from artpipe.layers import KINDS

    (tmp_path / "mug.jpg").write_bytes(jpeg_bytes(photo()))
    rows = ["sku,product,headline"] + [f"s{i},mug.jpg,新品 {i % 3}" for i in range(2500)]
    (tmp_path / "rows.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    job = tmp_path / "job.yaml"
    job.write_text("templates: [promo-banner]\ncsv: rows.csv\n", encoding="utf-8")
    painted: list[str] = []
    text_kind = KINDS["text"]
    original = text_kind.paint

    def counting(layer: object, rect: object, scene: object) -> object:
        painted.append(getattr(layer, "name", ""))
        return original(layer, rect, scene)  # type: ignore[arg-type]

    from dataclasses import replace

    monkeypatch.setitem(KINDS, "text", replace(text_kind, paint=counting))
    result = CliRunner().invoke(main, ["validate", str(job)])
    assert result.exit_code == 0, result.output
    assert painted.count("headline") == 3 * 3  # three distinct headlines x three sizes, not 2500 x 3
    assert "test-fitting texts: 2000/2500 products" in result.stderr


def test_once_gives_up_on_files_it_can_never_finish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only archive (every move fails): --once ends with exit 1 and the reason, the photo stays."""
    import errno

    import artpipe.inbox.process

    root = two_merchants(tmp_path)

    def read_only(src: Path, dest_root: Path, rel: Path) -> Path:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(artpipe.inbox.process, "move_into", read_only)
    failures, lines = run_once(root)
    assert failures == 1
    assert any(line.startswith("retrying: bravo/bottle.jpg: cannot move it (Read-only file system)") for line in lines)
    assert lines[-1].startswith("gave up: bravo/bottle.jpg: could not be finished after 3 tries")
    assert (root / "inbox" / "bravo" / "bottle.jpg").is_file()


def test_once_gives_up_when_the_outbox_stays_unwritable(tmp_path: Path) -> None:
    root = two_merchants(tmp_path)
    (root / "outbox").mkdir(exist_ok=True)
    (root / "outbox" / "bravo").write_text("a file where the merchant's folder should be", encoding="utf-8")
    failures, lines = run_once(root)
    assert failures == 1
    assert any(line.startswith("paused: ") for line in lines)
    assert lines[-1].startswith("gave up: bravo/bottle.jpg")
    assert (root / "inbox" / "bravo" / "bottle.jpg").is_file()


def test_a_copy_that_stopped_half_way_fails_as_truncated(tmp_path: Path) -> None:
    import os
    import time

    root = workspace(tmp_path)
    config = root / "artpipe.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("incomplete_seconds: 300", "incomplete_seconds: 1"),
                      encoding="utf-8")
    data = jpeg_bytes(photo())
    half = root / "inbox" / "half.jpg"
    half.write_bytes(data[: len(data) // 2])  # no end marker, and nothing more will come
    old = time.time() - 5
    os.utime(half, (old, old))
    failures, _ = run_once(root)
    assert failures == 1
    assert error_of(root, "half.jpg")["reason"] == "truncated"


def test_a_damaged_ledger_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    root = two_merchants(tmp_path)
    (root / ".artpipe").mkdir(exist_ok=True)
    (root / ".artpipe" / "ledger.db").write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 2000)
    status = CliRunner().invoke(main, ["status", "--config", str(root)])
    assert status.exit_code == 0, status.output
    assert "the ledger was damaged: moved aside to" in status.stderr
    assert list((root / ".artpipe").glob("ledger.db.damaged-*"))  # kept, never deleted
    failures, _ = run_once(root)
    assert failures == 0
    assert (root / "outbox" / "bravo" / "bottle" / "product-main-square.jpg").is_file()


def test_a_full_disk_under_the_ledger_pauses_the_watcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from artpipe.inbox.ledger import Ledger

    root = two_merchants(tmp_path)

    def full(self: Ledger, rel: str, sha256: str) -> int:
        msg = "database or disk is full"
        raise sqlite3.OperationalError(msg)

    monkeypatch.setattr(Ledger, "begin", full)
    failures, lines = run_once(root)
    assert failures == 1  # --once gives up after its tries
    assert any(line.startswith("paused: the ledger cannot be written (database or disk is full)") for line in lines)
    assert (root / "inbox" / "bravo" / "bottle.jpg").is_file()  # nothing lost


def _decode_verdict(path: Path) -> tuple[str, str]:
    from artpipe.errors import InputError
    from artpipe.imaging.open import open_image

    try:
        decoded = open_image(path)
    except InputError as exc:
        return exc.reason, exc.message
    return "ok", ",".join(tokens(decoded.warnings))


def test_damaged_files_get_the_right_reason(tmp_path: Path) -> None:
    import io
    import warnings
    import zlib

    from PIL import Image

    data = jpeg_bytes(photo())
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(data[: len(data) // 3] + b"\x00" * len(data) + b"\xff\xd9")
    assert _decode_verdict(padded)[0] == "corrupt"
    assert "zero padding" in _decode_verdict(padded)[1]

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 9, 9)).save(buf, "PNG")
    png = bytearray(buf.getvalue())
    ihdr_crc = 8 + 8 + 13  # the IHDR chunk's CRC follows its 13 data bytes
    png[ihdr_crc:ihdr_crc + 4] = (zlib.crc32(b"nonsense") & 0xFFFFFFFF).to_bytes(4, "big")
    (tmp_path / "crc.png").write_bytes(bytes(png))
    assert _decode_verdict(tmp_path / "crc.png")[0] == "corrupt"

    buf = io.BytesIO()
    photo((200, 150)).save(buf, "WEBP")
    (tmp_path / "cut.webp").write_bytes(buf.getvalue()[:-200])
    assert _decode_verdict(tmp_path / "cut.webp")[0] == "truncated"

    exif = Image.Exif()
    exif[0x0112] = 6
    raw = exif.tobytes()
    broken = raw[:10] + b"\xff" * 4 + raw[14:]  # an IFD offset pointing nowhere
    bad_exif = tmp_path / "exif.jpg"
    photo().save(bad_exif, "JPEG", exif=broken)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak to the user's terminal
        verdict = _decode_verdict(bad_exif)
    assert verdict[0] == "ok"
    assert "exif_invalid" in verdict[1]


def test_sigterm_to_render_leaves_no_process_behind(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    import psutil

    photo_path = tmp_path / "mug.jpg"
    photo((2400, 1800)).save(photo_path, quality=90)
    rows = "".join(f"  - {{sku: p{i}, product: mug.jpg, headline: 新品}}\n" for i in range(200))
    job = tmp_path / "job.yaml"
    job.write_text(f"templates: [product-main, promo-banner]\nproducts:\n{rows}", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "artpipe", "render", str(job), "-o", str(tmp_path / "out"),
                             "-j", "2", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while len(parent.children(recursive=True)) < 3 and time.monotonic() < deadline:  # forkserver + workers
            time.sleep(0.2)
        family = parent.children(recursive=True)
        assert len(family) >= 3
        time.sleep(1)
        proc.terminate()
        assert proc.wait(timeout=60) == 128 + 15
        gone, alive = psutil.wait_procs(family, timeout=30)
        assert not alive, [p.pid for p in alive]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_duplicate_is_the_same_photo_in_the_same_context(tmp_path: Path) -> None:
    """The same bytes from two merchants, or with another sidecar, render for each; a true re-drop does not."""
    root = workspace(tmp_path)
    data = jpeg_bytes(photo())
    for merchant in ("acme", "bravo"):
        (root / "inbox" / merchant / "banners").mkdir(parents=True)
        (root / "inbox" / merchant / "banners" / "mug.jpg").write_bytes(data)
        (root / "inbox" / merchant / "banners" / "mug.yaml").write_text(f"headline: {merchant} 新品\n",
                                                                         encoding="utf-8")
    (root / "inbox" / "acme" / "banners" / "mug-2.jpg").write_bytes(data)
    (root / "inbox" / "acme" / "banners" / "mug-2.yaml").write_text("headline: 另一个标题\n", encoding="utf-8")
    failures, lines = run_once(root)
    assert failures == 0
    assert not [line for line in lines if line.startswith("duplicate:")]
    for folder in ("acme/banners/mug", "bravo/banners/mug", "acme/banners/mug-2"):
        assert (root / "outbox" / folder / "promo-banner-wide.jpg").is_file(), folder
    (root / "inbox" / "acme" / "banners" / "mug.jpg").write_bytes(data)  # dropped again, same sidecar
    (root / "inbox" / "acme" / "banners" / "mug.yaml").write_text("headline: acme 新品\n", encoding="utf-8")
    failures, lines = run_once(root)
    assert failures == 0
    assert any(line.startswith("duplicate: acme/banners/mug.jpg") for line in lines)


def test_a_damaged_heic_is_corrupt_not_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0002.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x13\x37" * 200)
    assert _decode_verdict(path)[0] == "corrupt"
