from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from artpipe.api import main_images
from artpipe.imaging import textfind
from artpipe.imaging.normalize import NormalizeOptions
from artpipe.reasons import Note, Reason, WarningKind
from artpipe.report.outcome import product_item
from artpipe.report.results import Failure, Status
from artpipe.run import tasks
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import NormalizeTask, lost_normalized, normalize_file, render_product

from conftest import product_photo

REPO = Path(__file__).resolve().parent.parent


def folder_template(root: Path) -> Path:
    """A template folder with its own background image and a stamp, both template-relative."""
    folder = root / "brand-frame"
    (folder / "assets").mkdir(parents=True)
    bg = Image.new("RGB", (100, 50), (10, 120, 60))
    ImageDraw.Draw(bg).rectangle((50, 0, 99, 49), fill=(200, 30, 30))
    bg.save(folder / "assets" / "bg.png")
    Image.new("RGBA", (40, 40), (255, 255, 0, 255)).save(folder / "stamp.png")
    (folder / "template.yaml").write_text("""\
name: brand-frame
sizes: {s: 400x200}
fields: {product: {type: image, required: true}}
background: {image: assets/bg.png, fit: fill}
layers:
  - {name: product, type: image, source: $product, fit: contain, box: {left: 25%, width: 50%, top: 10%, bottom: 10%}}
  - {name: stamp, type: image, role: logo, source: stamp.png, box: {right: 0, bottom: 0, width: 40, height: 40}}
""", encoding="utf-8")
    return folder


def test_template_files_are_loaded_and_drawn(tmp_path: Path) -> None:
    folder_template(tmp_path)
    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text("templates: [brand-frame/template.yaml]\noutput: '{sku}.png'\n"
                                       "products: [{sku: x, product: p.jpg}]\n", encoding="utf-8")
    (task,) = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    outcome = product_item(render_product(task))
    assert outcome.status == "ok", outcome.message
    with Image.open(tmp_path / "out" / "x.png") as out:
        assert out.size == (400, 200)
        assert out.getpixel((5, 100)) == (10, 120, 60)     # background, left half stretched (fill)
        assert out.getpixel((394, 5)) == (200, 30, 30)     # background, right half
        assert out.getpixel((390, 190)) == (255, 255, 0)   # the stamp, pinned bottom-right


def test_a_broken_template_file_fails_the_item_with_a_reason(tmp_path: Path) -> None:
    folder = folder_template(tmp_path)
    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text("templates: [brand-frame]\nproducts: [{sku: x, product: p.jpg}]\n")
    (task,) = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    (folder / "stamp.png").write_bytes(b"")  # emptied after validation
    outcome = product_item(render_product(task))
    assert outcome.status == "failed"
    assert outcome.reason == "render"
    assert "stamp.png: the file is empty" in outcome.message


def normalize_task(tmp_path: Path, source: Path, fmt: str = "auto", **options: object) -> NormalizeTask:
    return NormalizeTask(0, source, tmp_path / "out" / source.stem, NormalizeOptions(**options),  # type: ignore[arg-type]
                         fmt, 90)


def test_a_normalized_cut_out_is_flattened_with_a_warning_only_into_a_format_without_alpha(tmp_path: Path) -> None:
    cut = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    cut.paste((200, 30, 30, 255), (10, 10, 50, 30))
    cut.save(tmp_path / "cut.png")
    kept = normalize_file(normalize_task(tmp_path, tmp_path / "cut.png"))
    assert (kept.status, kept.format, kept.output) == (Status.OK, "PNG", tmp_path / "out" / "cut.png")
    assert kept.output is not None
    with Image.open(kept.output) as written:
        assert written.mode == "RGBA"
    assert Note(WarningKind.ALPHA_FLATTENED) not in kept.warnings
    flat = normalize_file(normalize_task(tmp_path, tmp_path / "cut.png", "jpeg"))
    assert (flat.format, flat.output) == ("JPEG", tmp_path / "out" / "cut.jpg")
    assert Note(WarningKind.ALPHA_FLATTENED) in flat.warnings
    assert flat.output is not None
    with Image.open(flat.output) as written:
        corner = written.convert("RGB").getpixel((0, 0))
    assert isinstance(corner, tuple)
    assert min(corner) >= 240  # on white (a JPEG's white, near the red)
    assert (flat.size, flat.original_size) == ((60, 40), (60, 40))


def test_a_file_that_cannot_be_normalized_is_rejected_or_failed_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    rejected = normalize_file(normalize_task(tmp_path, tmp_path / "empty.jpg"))
    assert rejected.status == Status.REJECTED
    assert rejected.failure == Failure(Reason.EMPTY, "the file is empty (0 bytes); copy it again")
    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "out").write_text("a file where the folder should be", encoding="utf-8")
    failed = normalize_file(normalize_task(tmp_path, tmp_path / "p.jpg"))
    assert failed.status == Status.FAILED
    assert failed.failure is not None
    assert failed.failure.reason == Reason.WRITE
    assert failed.failure.path == tmp_path / "out" / "p.jpg"
    lost = lost_normalized(normalize_task(tmp_path, tmp_path / "p.jpg"), "the worker stopped")
    assert (lost.status, lost.failure) == (Status.FAILED, Failure(
        Reason.CORRUPT, "the worker stopped; the file may be damaged or hostile, re-export it"))


def test_the_photo_text_is_found_once_and_before_any_canvas_is_drawn(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The text detector's working memory must not meet a drawn canvas, its encoded bytes and the check's
    decoded copy (the worker's peak on a 12 MP photo was there); the checks take the findings made earlier."""
    photo = Image.new("RGB", (800, 600), (244, 244, 242))
    ImageDraw.Draw(photo).rounded_rectangle((300, 120, 500, 500), radius=40, fill=(40, 70, 150))
    photo.save(tmp_path / "mug.jpg", quality=92)
    events: list[str] = []
    find, draw = textfind.text_findings, tasks.render

    def found(*args: object, **kwargs: object) -> tuple[textfind.TextBox, ...]:
        events.append("text")
        return find(*args, **kwargs)  # type: ignore[arg-type]

    def drawn(*args: object, **kwargs: object) -> tasks.Rendered:
        events.append("render")
        return draw(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textfind, "text_findings", found)
    monkeypatch.setattr(tasks, "render", drawn)
    result = main_images([tmp_path / "mug.jpg"], tmp_path / "out", ["amazon.main", "jd.main"], jobs=1)
    checks = [c.rule for o in result.results[0].outputs for c in (o.check.results if o.check else ())]
    assert checks.count("no_text") == 2  # both outputs judged the text
    assert events[0] == "text"  # found first, once, then every canvas drawn
    assert events.count("text") == 1
    assert events.count("render") >= 2
