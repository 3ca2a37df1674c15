from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from artpipe.report.outcome import product_item
from artpipe.run.jobs import load_job, plan
from artpipe.run.pool import run_tasks
from artpipe.run.tasks import render_product

from conftest import Proc, alive, descendants, end_processes, product_photo

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


def test_outcomes_stream_from_the_pool(tmp_path: Path) -> None:
    for i in range(3):
        product_photo().save(tmp_path / f"p{i}.jpg")
    rows = "".join(f"  - {{sku: s{i}, product: p{i}.jpg}}\n" for i in range(3))
    (tmp_path / "job.yaml").write_text(f"templates: [product-main]\nproducts:\n{rows}")
    tasks = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")
    results = list(run_tasks(tasks, render_product, jobs=2))
    assert sorted(t.index for t, _ in results) == [0, 1, 2]
    assert all(o.status == "ok" and len(o.outputs) == 2 for _, o in results)


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "artpipe", "--version"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == "artpipe, version 0.1.0"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_kill_9_of_render_leaves_no_process_behind(tmp_path: Path) -> None:
    # The sample sale (6 photos x 4 templates x every size) keeps two workers busy for several seconds.
    command = [sys.executable, "-m", "artpipe", "render", "samples/jobs/spring-sale.yaml", "-o", str(tmp_path),
               "-j", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    render = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left: set[Proc] = set()
    try:
        deadline = time.monotonic() + 60
        while len(left) < 4 and time.monotonic() < deadline:  # tracker, forkserver and two workers
            time.sleep(0.2)
            left = descendants(render.pid)
        assert render.poll() is None, "the render ended before its workers were seen"
        render.kill()
        render.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in left) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in left if alive(p)] == []
    finally:
        render.kill()
        end_processes(left)
