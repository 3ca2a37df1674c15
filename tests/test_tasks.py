from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.report.outcome import product_item
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import render_product

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
