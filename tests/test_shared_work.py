"""Work every product of a batch shares is done once per worker: a brand's logo is decoded once, a layer that
reads nothing of the product is painted once; what differs per product is always drawn again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from artpipe.imaging import decoding
from artpipe.run.jobs import load_job, plan
from artpipe.run.tasks import render_product
from artpipe.workcache import worker_cache

from conftest import product_photo

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _job(tmp_path: Path, products: list[tuple[str, str]]) -> Path:
    (tmp_path / "photos").mkdir(exist_ok=True)
    shutil.copy(SAMPLES / "logo-maison.png", tmp_path / "logo.png")
    rows = ""
    for i, (sku, badge) in enumerate(products):
        product_photo((600 + 40 * i, 500)).save(tmp_path / "photos" / f"{sku}.jpg")
        rows += f"  - {{sku: {sku}, product: photos/{sku}.jpg, headline: 春季大促, badge: '{badge}'}}\n"
    path = tmp_path / "job.yaml"
    path.write_text("templates: [{template: promo-banner, sizes: [wide]}]\ndefaults: {logo: logo.png}\n"
                    f"products:\n{rows}", encoding="utf-8")
    return path


def _spy(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(target, name)

    def spied(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)
    monkeypatch.setattr(target, name, spied)
    return calls


def test_a_brand_logo_is_decoded_once_and_again_when_it_changes(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = plan(load_job(_job(tmp_path, [("a", "限时"), ("b", "限时"), ("c", "限时")])), tmp_path / "out")
    decoded = _spy(monkeypatch, decoding, "open_image")
    for task in tasks:
        assert render_product(task).failure is None
    logo = tmp_path / "logo.png"
    assert sum(1 for p in decoded if Path(str(p)) == logo) == 1
    assert sum(1 for p in decoded if "photos" in str(p)) == 3  # every product photo, every time
    Image.new("RGBA", (300, 100), (0, 128, 0, 255)).save(logo)
    os.utime(logo, ns=(logo.stat().st_atime_ns, logo.stat().st_mtime_ns + 10**9))
    assert render_product(tasks[0]).failure is None
    assert sum(1 for p in decoded if Path(str(p)) == logo) == 2  # an edited file is read again


def test_a_missing_brand_logo_is_still_reported_as_missing(tmp_path: Path) -> None:
    tasks = plan(load_job(_job(tmp_path, [("a", "限时")])), tmp_path / "out")
    (tmp_path / "logo.png").unlink()
    result = render_product(tasks[0])
    assert result.failure is not None
    assert result.failure.reason == "missing"
    assert result.input == tmp_path / "logo.png"


def test_rendering_many_products_keeps_nothing_of_them(tmp_path: Path) -> None:
    import gc

    memo = worker_cache().derived
    tasks = plan(load_job(_job(tmp_path, [(f"p{i}", "限时") for i in range(6)])), tmp_path / "out")
    for task in tasks[:3]:
        render_product(task)
    gc.collect()
    after_three = len(memo)
    for task in tasks[3:]:
        render_product(task)
    gc.collect()
    assert len(memo) == after_three  # the photos' copies went with the photos
