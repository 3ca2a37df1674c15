"""Layers that read nothing of a product, painted once (artpipe/run/painted.py): what a layer's painting is known
by, what is never kept, and the budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops
from test_shared_work import _job

from artpipe.defaults import MemorySettings, settings
from artpipe.layers import KINDS, Scene
from artpipe.layers.template import load_template
from artpipe.run.jobs import load_job, plan
from artpipe.run.painted import paint
from artpipe.run.tasks import render_product
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template
from artpipe.workcache import WorkerCache, worker_cache


def test_layers_that_read_nothing_of_a_product_are_painted_once(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = plan(load_job(_job(tmp_path, [("a", "限时"), ("b", "限时"), ("c", "-50%")])), tmp_path / "out")
    calls: list[str] = []
    for kind in KINDS.values():
        real = kind.paint

        def spied(layer: object, rect: object, scene: object, real: object = real) -> object:
            calls.append(str(getattr(layer, "name", "")))
            return real(layer, rect, scene)  # type: ignore[operator]
        monkeypatch.setitem(KINDS, next(k for k, v in KINDS.items() if v is kind),
                            type(kind)(kind.keys, kind.parse, spied))
    outputs = []
    for task in tasks:
        result = render_product(task)
        assert result.failure is None
        outputs.append(result.outputs[0].path)
    counts = {name: calls.count(name) for name in set(calls)}
    assert counts["product"] == 3  # the photo: every product
    assert counts["logo"] == 1  # the same logo file for all three
    assert counts["badge"] == 2  # 限时 twice, then -50%
    # What was kept draws exactly what painting it again draws.
    kept = Image.open(outputs[1]).convert("RGB")
    worker_cache().clear()
    render_product(tasks[1])
    again = Image.open(outputs[1]).convert("RGB")
    assert ImageChops.difference(kept, again).getbbox() is None


def badge_template(tmp_path: Path) -> Template:
    (tmp_path / "t.yaml").write_text("""\
name: t
sizes: {s: 200x100}
fields: {badge: {type: text, default: NEW}, price: {type: text, default: "9"}}
layers:
  - {name: badge, type: shape, text: $badge, box: {left: 0, top: 0, width: 100, height: 50}}
  - {name: tag, type: shape, role: product, text: $badge, box: {left: 100, top: 0, width: 100, height: 50}}
""", encoding="utf-8")
    return load_template(tmp_path / "t.yaml")


def painted_twice(template: Template, index: int, first: dict[str, str], second: dict[str, str],
                  cache: WorkerCache) -> tuple[object, object]:
    size = template.sizes[0]
    layer = template.layers[size.name][index]
    rect = resolve_box(layer.box, size.width, size.height)
    one = paint(layer, rect, Scene(template, size, first, {}, settings=settings()), cache)
    two = paint(layer, rect, Scene(template, size, second, {}, settings=settings()), cache)
    return one, two


def test_a_layer_is_kept_by_the_values_it_reads_and_a_product_layer_never(tmp_path: Path) -> None:
    template = badge_template(tmp_path)
    cache = WorkerCache(MemorySettings(shared_pixels=10**6, painted_pixels=10**6))
    one, two = painted_twice(template, 0, {"badge": "NEW", "price": "9"}, {"badge": "NEW", "price": "19"}, cache)
    assert two is one  # the price is not the badge's: the same painting
    one, other = painted_twice(template, 0, {"badge": "NEW"}, {"badge": "SALE"}, cache)
    assert other is not one
    # compared as RGB: an RGBA difference's box looks at alpha only, the same for both
    assert ImageChops.difference(other.image.convert("RGB"),  # type: ignore[attr-defined]
                                 one.image.convert("RGB")).getbbox() is not None  # type: ignore[attr-defined]
    tag, again = painted_twice(template, 1, {"badge": "NEW"}, {"badge": "NEW"}, cache)
    assert again is not tag  # role product: painted for every product
    assert not cache.painted.holds(tag)


def test_a_painting_larger_than_the_budget_is_never_kept(tmp_path: Path) -> None:
    template = badge_template(tmp_path)
    small = WorkerCache(MemorySettings(shared_pixels=0, painted_pixels=100 * 50 - 1))
    one, two = painted_twice(template, 0, {"badge": "NEW"}, {"badge": "NEW"}, small)
    assert two is not one
    assert small.painted.values() == []
    assert paint(template.layers["s"][0], resolve_box(template.layers["s"][0].box, 200, 100),
                 Scene(template, template.sizes[0], {"badge": "NEW"}, {},
                       settings=settings())) is not None  # the worker's own cache
    assert len(worker_cache().painted.values()) == 1
